package arm

import (
	"context"

	"github.com/armdeploy/armdeploy/state"
)

// emptyStore is the store that does not exist yet: every read finds
// nothing.
type emptyStore struct{}

var _ state.Reader = emptyStore{}

func (emptyStore) Resource(context.Context, string) (*state.Resource, error) {
	return nil, state.ErrNotFound
}
func (emptyStore) Resources(context.Context, state.ResourceFilter) ([]*state.Resource, error) {
	return nil, nil
}
func (emptyStore) Group(context.Context, string, string) (*state.ResourceGroup, error) {
	return nil, state.ErrNotFound
}
func (emptyStore) Groups(context.Context, string) ([]*state.ResourceGroup, error) { return nil, nil }
func (emptyStore) Deployment(context.Context, state.Scope, string) (*state.Deployment, error) {
	return nil, state.ErrNotFound
}
func (emptyStore) Deployments(context.Context, state.Scope) ([]*state.Deployment, error) {
	return nil, nil
}
func (emptyStore) Operations(context.Context, state.Scope, string) ([]*state.Operation, error) {
	return nil, state.ErrNotFound
}
func (emptyStore) RoleAssignments(context.Context, string) ([]*state.RoleAssignment, error) {
	return nil, nil
}
func (emptyStore) Feature(context.Context, string, string, string) (*state.FeatureRegistration, error) {
	return nil, state.ErrNotFound
}
func (emptyStore) MemberOf(context.Context, string) ([]string, error) { return nil, nil }
