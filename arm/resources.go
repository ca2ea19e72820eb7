package arm

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/armdeploy/armdeploy/evaluator"
	"github.com/armdeploy/armdeploy/planner"
	"github.com/armdeploy/armdeploy/providers"
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
	if err := s.authorize(ctx, principal, "read", id); err != nil {
		return nil, err
	}
	if ref.ResourceGroup != "" {
		if _, err := s.reader.Group(ctx, ref.SubscriptionID, ref.ResourceGroup); errors.Is(err, state.ErrNotFound) {
			return nil, groupNotFound(ref.ResourceGroup)
		} else if err != nil {
			return nil, err
		}
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

// preparedPut is a resource PUT authorised and computed by its provider,
// not yet committed.
type preparedPut struct {
	ref     *state.ResourceID
	r       *evaluator.Resource
	current *state.Resource
	payload evaluator.Value
	result  *providers.Result
	now     time.Time
}

// preparePut authorises a PUT of id and has the type's provider check and
// compute the body, against the stored resource if there is one.
func (s *Service) preparePut(ctx context.Context, principal, id, apiVersion string, body json.RawMessage) (*preparedPut, error) {
	ref, r, err := s.resourceRequest(ctx, principal, "write", id, apiVersion, body)
	if err != nil {
		return nil, err
	}
	current, err := planner.Current(ctx, s.store, r)
	if err != nil {
		return nil, err
	}
	p := &preparedPut{ref: ref, r: r, current: current, payload: planner.Payload(r), now: s.opts.Now()}
	p.result, err = planner.Put(ctx, r, p.payload, current, s.store, p.now, s.opts.Tenant)
	var pe *providers.Error
	if errors.As(err, &pe) {
		return nil, fromProvider(pe)
	} else if err != nil {
		return nil, err
	}
	return p, nil
}

// PutResource is PUT {resource id}?api-version=...: body (ARM's resource
// JSON: location, tags, sku, properties ...) goes to the type's provider
// and what it returns is stored, outside any deployment.
func (s *Service) PutResource(ctx context.Context, principal, id, apiVersion string, body json.RawMessage) (*state.Resource, error) {
	p, err := s.preparePut(ctx, principal, id, apiVersion, body)
	if err != nil {
		return nil, err
	}
	ref := p.ref
	if err := planner.Commit(ctx, s.store, p.r, p.payload, p.result, p.current, "", p.now, s.opts.Now()); err != nil {
		return nil, err
	}
	if planner.IsGroupID(id) {
		g, err := s.store.Group(ctx, ref.SubscriptionID, ref.ResourceGroup)
		if err != nil {
			return nil, err
		}
		return planner.GroupResource(g), nil
	}
	return s.store.Resource(ctx, id)
}

// PatchResource is PATCH {resource id}: body is merged into the resource
// as it was last sent (JSON merge patch, RFC 7386) and the result PUT.
func (s *Service) PatchResource(ctx context.Context, principal, id, apiVersion string, patch json.RawMessage) (*state.Resource, error) {
	cur, err := s.GetResource(ctx, principal, id)
	if err != nil {
		return nil, err
	}
	base := cur.Request
	if len(base) == 0 || string(base) == "null" {
		base = cur.Body
	}
	var doc, p any
	if err := json.Unmarshal(base, &doc); err != nil {
		return nil, err
	}
	if err := json.Unmarshal(patch, &p); err != nil {
		return nil, badRequest("the request body is not JSON: %v", err)
	}
	merged, err := json.Marshal(mergePatch(doc, p))
	if err != nil {
		return nil, err
	}
	if apiVersion == "" {
		apiVersion = cur.APIVersion
	}
	return s.PutResource(ctx, principal, id, apiVersion, merged)
}

// mergePatch applies an RFC 7386 merge patch.
func mergePatch(doc, patch any) any {
	p, ok := patch.(map[string]any)
	if !ok {
		return patch
	}
	d, ok := doc.(map[string]any)
	if !ok {
		d = map[string]any{}
	}
	for k, v := range p {
		if v == nil {
			delete(d, k)
			continue
		}
		d[k] = mergePatch(d[k], v)
	}
	return d
}

// DeleteResource is DELETE {resource id}: the provider may refuse (a
// gallery that still holds definitions); the resource's children go with
// it, deepest first.
func (s *Service) DeleteResource(ctx context.Context, principal, id string) error {
	cur, err := s.GetResource(ctx, principal, id)
	if err != nil {
		return err
	}
	if err := s.authorize(ctx, principal, "delete", id); err != nil {
		return err
	}
	if err := providers.For(cur.Type).Delete(ctx, &providers.DeleteRequest{Resource: cur, Store: s.store, Now: s.opts.Now()}); err != nil {
		var pe *providers.Error
		if errors.As(err, &pe) {
			return fromProvider(pe)
		}
		return err
	}
	return s.store.DeleteResource(ctx, id)
}

// resourceRequest checks a resource write and builds its request.
func (s *Service) resourceRequest(ctx context.Context, principal, action, id, apiVersion string, body json.RawMessage) (*state.ResourceID, *evaluator.Resource, error) {
	if s.store == nil {
		return nil, nil, errors.New("the state store is read-only here")
	}
	ref, err := state.ParseResourceID(id)
	if err != nil {
		return nil, nil, &Error{Code: "InvalidResourceId", Message: err.Error(), Status: 400, BadRequest: true}
	}
	if apiVersion == "" {
		return nil, nil, Errorf(400, "MissingApiVersionParameter", "The api-version query parameter (?api-version=) is required for all requests.")
	}
	if err := s.authorize(ctx, principal, action, id); err != nil {
		return nil, nil, err
	}
	if ref.ResourceGroup != "" && !planner.IsGroupID(id) {
		if _, err := s.store.Group(ctx, ref.SubscriptionID, ref.ResourceGroup); errors.Is(err, state.ErrNotFound) {
			return nil, nil, groupNotFound(ref.ResourceGroup)
		} else if err != nil {
			return nil, nil, err
		}
	}
	v, err := evaluator.ParseJSON(string(body))
	if err != nil {
		return nil, nil, badRequest("the request body is not JSON: %v", err)
	}
	obj, ok := v.AsObject()
	if !ok {
		return nil, nil, badRequest("the request body must be a JSON object")
	}
	fields := evaluator.NewObject(obj.Len())
	for i := range obj.Len() {
		switch lower(obj.KeyAt(i)) {
		case "id", "name", "type", "apiversion":
			continue
		}
		fields.Set(obj.KeyAt(i), obj.ValueAt(i))
	}
	res := &evaluator.Resource{ID: id, Type: ref.Type, Name: ref.Name, APIVersion: apiVersion, Fields: fields}
	// The resources the body builds from must be readable by the caller
	// (a VM from a gallery image version).
	for _, from := range planner.Reads(res, planner.Payload(res)) {
		if err := s.authorize(ctx, principal, "read", from); err != nil {
			return nil, nil, err
		}
	}
	return ref, res, nil
}

// ListRoleAssignments is GET {scope}/providers/Microsoft.Authorization/
// roleAssignments: the assignments that apply at scope (at it and above
// it, management groups included), for a principal that may read scope.
func (s *Service) ListRoleAssignments(ctx context.Context, principal, scope string) ([]*state.RoleAssignment, error) {
	if err := s.authorize(ctx, principal, "read", scope); err != nil {
		return nil, err
	}
	return providers.AssignmentsAt(ctx, s.reader, scope)
}
