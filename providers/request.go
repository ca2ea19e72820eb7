package providers

import (
	"context"

	"github.com/armdeploy/armdeploy/state"
)

// The start of every Put: the request's body turned into the stored
// envelope, and the request's API version.

// templateOnly are members a template resource may carry that are not part
// of the resource itself.
var templateOnly = []string{"comments", "dependsOn", "condition", "copy", "resources", "scope", "apiVersion", "existing", "metadata"}

// newBody returns a copy of the request body with the envelope (id, name,
// type) filled, template-only members removed and a properties object.
func newBody(r *Request) (body, props map[string]any) {
	body, _ = deepCopy(r.Body).(map[string]any)
	if body == nil {
		body = map[string]any{}
	}
	for _, k := range templateOnly {
		del(body, k)
	}
	set(body, "id", r.ID)
	set(body, "name", lastSegment(r.Name))
	set(body, "type", r.Type)
	props = child(body, "properties")
	return body, props
}

// begin is the start every provider's Put shares: the id parsed, the
// resource group present, the body copied, and the location valid and not
// in conflict with an existing resource of the same name elsewhere.
func begin(ctx context.Context, r *Request, resourceType string) (id *state.ResourceID, body, props map[string]any, loc string, err error) {
	if id, err = parseID(r.ID); err != nil {
		return nil, nil, nil, "", err
	}
	if err := checkGroup(ctx, r.Store, id); err != nil {
		return nil, nil, nil, "", err
	}
	body, props = newBody(r)
	loc, e := resolveAllowedLocation(ctx, r, body, resourceType)
	if e != nil {
		return nil, nil, nil, "", e
	}
	if e := checkLocationConflict(r, id, loc); e != nil {
		return nil, nil, nil, "", e
	}
	return id, body, props, loc, nil
}

// apiAtLeast compares API versions ("2020-09-30", "2021-10-01-preview").
func apiAtLeast(v, min string) bool {
	if len(v) > 10 {
		v = v[:10]
	}
	return v >= min
}
