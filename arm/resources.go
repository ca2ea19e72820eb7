package arm

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/armdeploy/armdeploy/state"
)

// ResourceFilter selects resources for a listing.
type ResourceFilter = state.ResourceFilter

// ListResources is GET .../resources (of a subscription, or of a group):
// the resources the principal may read. A named group must exist.
func (s *Service) ListResources(ctx context.Context, principal string, f ResourceFilter) ([]*state.Resource, error) {
	if f.ResourceGroup != "" && f.SubscriptionID != "" {
		if _, err := s.reader.Group(ctx, f.SubscriptionID, f.ResourceGroup); errors.Is(err, state.ErrNotFound) {
			return nil, groupNotFound(f.ResourceGroup)
		} else if err != nil {
			return nil, err
		}
	}
	rs, err := s.reader.Resources(ctx, f)
	if err != nil {
		return nil, err
	}
	out := rs[:0:0]
	for _, r := range rs {
		if s.canRead(ctx, principal, r.ID) {
			out = append(out, r)
		}
	}
	return out, nil
}

// GetResource is GET {resource id}.
func (s *Service) GetResource(ctx context.Context, principal, id string) (*state.Resource, error) {
	ref, err := state.ParseResourceID(id)
	if err != nil {
		return nil, &Error{Code: "InvalidResourceId", Message: err.Error(), Status: 400, BadRequest: true}
	}
	if ref.ResourceGroup != "" {
		if _, err := s.reader.Group(ctx, ref.SubscriptionID, ref.ResourceGroup); errors.Is(err, state.ErrNotFound) {
			return nil, groupNotFound(ref.ResourceGroup)
		} else if err != nil {
			return nil, err
		}
	}
	if err := s.authorize(ctx, principal, "read", id); err != nil {
		return nil, err
	}
	r, err := s.reader.Resource(ctx, id)
	if errors.Is(err, state.ErrNotFound) {
		return nil, resourceNotFound(ref)
	}
	return r, err
}

// ResourceBody is a stored resource as GET returns it: its stored body,
// or, for a resource stored without one, its id, name, type and location.
func ResourceBody(r *state.Resource) any {
	if len(r.Body) > 0 && string(r.Body) != "null" {
		return json.RawMessage(r.Body)
	}
	return map[string]any{"id": r.ID, "name": r.Name, "type": r.Type, "location": r.Location}
}

// resourceNotFound is ARM's error for a GET of a missing resource; it
// names the resource by its type and name segments interleaved, as in the
// id.
func resourceNotFound(ref *state.ResourceID) *Error {
	types := strings.Split(ref.Type, "/")
	names := strings.Split(ref.Name, "/")
	path := types[0]
	for i := 1; i < len(types); i++ {
		path += "/" + types[i]
		if i-1 < len(names) {
			path += "/" + names[i-1]
		}
	}
	where := ""
	if ref.ResourceGroup != "" {
		where = fmt.Sprintf(" under resource group '%s'", ref.ResourceGroup)
	}
	return Errorf(404, "ResourceNotFound", "The Resource '%s'%s was not found. "+
		"For more details please go to https://aka.ms/ARMResourceNotFoundFix", path, where)
}
