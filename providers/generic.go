package providers

import (
	"context"
	"maps"
)

// generic serves every type without a provider of its own: it stores the
// body as given, with the envelope (id, name, type) filled and a
// provisioningState, and warns that nothing was validated.
var generic Provider = genericProvider{}

type genericProvider struct{}

func (genericProvider) Types() []string { return nil }

func (genericProvider) Put(_ context.Context, r *Request) (*Result, error) {
	body := maps.Clone(r.Body)
	if body == nil {
		body = map[string]any{}
	}
	body["id"], body["name"], body["type"] = r.ID, lastSegment(r.Name), r.Type
	props, _ := body["properties"].(map[string]any)
	props = maps.Clone(props)
	if props == nil {
		props = map[string]any{}
	}
	props["provisioningState"] = "Succeeded"
	body["properties"] = props
	return &Result{Body: body, Warnings: []string{
		"armdeploy has no provider for " + r.Type + "; the resource is stored as given, without validation"}}, nil
}

func (genericProvider) Delete(context.Context, *DeleteRequest) error { return nil }

func (genericProvider) ReadOnly(string) []string { return []string{"properties.provisioningState"} }

func (genericProvider) Immutable(string) []string { return nil }

// lastSegment returns the last '/'-separated segment of a full name, which
// is what GET returns as "name".
func lastSegment(name string) string {
	for i := len(name) - 1; i >= 0; i-- {
		if name[i] == '/' {
			return name[i+1:]
		}
	}
	return name
}
