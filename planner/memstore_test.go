package planner

import (
	"context"
	"fmt"
	"io"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/armdeploy/armdeploy/state"
)

// memStore is a small in-memory state.Store for planner tests; the real
// store has its own conformance suite.
type memStore struct {
	mu        sync.Mutex
	resources map[string]*state.Resource
}

var _ state.Store = (*memStore)(nil)

func newMemStore() *memStore { return &memStore{resources: map[string]*state.Resource{}} }

func (m *memStore) Resource(_ context.Context, id string) (*state.Resource, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if r, ok := m.resources[strings.ToLower(id)]; ok {
		c := *r
		return &c, nil
	}
	return nil, fmt.Errorf("resource %s: %w", id, state.ErrNotFound)
}

func (m *memStore) Resources(_ context.Context, f state.ResourceFilter) ([]*state.Resource, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []*state.Resource
	for _, r := range m.resources {
		if f.ResourceGroup != "" && !strings.EqualFold(f.ResourceGroup, r.ResourceGroup) ||
			f.Type != "" && !strings.EqualFold(f.Type, r.Type) ||
			f.Parent != "" && !strings.EqualFold(f.Parent, r.Parent) {
			continue
		}
		c := *r
		out = append(out, &c)
	}
	sort.Slice(out, func(i, j int) bool { return strings.ToLower(out[i].ID) < strings.ToLower(out[j].ID) })
	return out, nil
}

func (m *memStore) PutResource(_ context.Context, r *state.Resource) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	c := *r
	m.resources[strings.ToLower(r.ID)] = &c
	return nil
}

func (m *memStore) DeleteResource(_ context.Context, id string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.resources, strings.ToLower(id))
	return nil
}

func (m *memStore) Group(context.Context, string, string) (*state.ResourceGroup, error) {
	return nil, state.ErrNotFound
}
func (m *memStore) Groups(context.Context, string) ([]*state.ResourceGroup, error) { return nil, nil }
func (m *memStore) Deployment(context.Context, string, string, string) (*state.Deployment, error) {
	return nil, state.ErrNotFound
}
func (m *memStore) Deployments(context.Context, string, string) ([]*state.Deployment, error) {
	return nil, nil
}
func (m *memStore) Operations(context.Context, string, string, string) ([]*state.Operation, error) {
	return nil, nil
}
func (m *memStore) RoleAssignments(context.Context, string) ([]*state.RoleAssignment, error) {
	return nil, nil
}
func (m *memStore) PutGroup(context.Context, *state.ResourceGroup) error           { return nil }
func (m *memStore) DeleteGroup(context.Context, string, string) error              { return nil }
func (m *memStore) PutDeployment(context.Context, *state.Deployment) error         { return nil }
func (m *memStore) DeleteDeployment(context.Context, string, string, string) error { return nil }
func (m *memStore) PutOperation(context.Context, *state.Operation) error           { return nil }
func (m *memStore) PutRoleAssignment(context.Context, *state.RoleAssignment) error { return nil }
func (m *memStore) DeleteRoleAssignment(context.Context, string) error             { return nil }
func (m *memStore) Export(context.Context, io.Writer) error                        { return nil }
func (m *memStore) Import(context.Context, io.Reader) error                        { return nil }
func (m *memStore) Close() error                                                   { return nil }
func (m *memStore) AcquireLease(context.Context, state.Lease, time.Duration) (func() error, error) {
	return func() error { return nil }, nil
}
