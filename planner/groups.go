package planner

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"time"

	"github.com/armdeploy/armdeploy/evaluator"
	"github.com/armdeploy/armdeploy/state"
)

// Resource groups deployed by subscription-scope templates are stored as
// groups (state.ResourceGroup), not as resources in a group: what-if reads
// them, and apply writes them, through the two functions here.

const typeResourceGroup = "Microsoft.Resources/resourceGroups"

// isGroup reports whether r is a resource group itself.
func isGroup(r *evaluator.Resource) bool { return IsGroupID(r.ID) }

// IsGroupID reports whether id is a resource group's own id
// (/subscriptions/{s}/resourceGroups/{name}), not a resource in one.
func IsGroupID(id string) bool {
	if hasProviders(id) {
		return false // the common case, told without parsing
	}
	ref, err := state.ParseResourceID(id)
	return err == nil && strings.EqualFold(ref.Type, typeResourceGroup)
}

// hasProviders reports whether id holds "/providers/" in any case.
func hasProviders(id string) bool { return lastProviders(id) >= 0 }

// lastProviders is the index of the last "/providers/" of id in any case,
// or -1: strings.LastIndex of the lower-cased id without lowering it.
func lastProviders(id string) int {
	const seg = "/providers/"
	for i := len(id) - len(seg); i >= 0; i-- {
		if id[i] == '/' && strings.EqualFold(id[i:i+len(seg)], seg) {
			return i
		}
	}
	return -1
}

// Current returns the stored resource r would replace, or nil: for a
// resource group, the group as a resource.
func Current(ctx context.Context, store state.Reader, r *evaluator.Resource) (*state.Resource, error) {
	if store == nil {
		return nil, nil
	}
	if isGroup(r) {
		ref, err := state.ParseResourceID(r.ID)
		if err != nil {
			return nil, nil
		}
		g, err := store.Group(ctx, ref.SubscriptionID, ref.ResourceGroup)
		if errors.Is(err, state.ErrNotFound) {
			return nil, nil
		} else if err != nil {
			return nil, err
		}
		cur := GroupResource(g)
		// A group keeps no request: what-if diffs against the group as a
		// request would give it, in the version the template asks for.
		req := map[string]any{"apiVersion": r.APIVersion, "id": g.ID(), "name": g.Name, "type": typeResourceGroup, "location": g.Location}
		if len(g.Tags) > 0 {
			req["tags"] = g.Tags
		}
		if g.ManagedBy != "" {
			req["managedBy"] = g.ManagedBy
		}
		if r.Fields != nil && r.Fields.Has("properties") {
			// Its properties are read-only (provisioningState): as a
			// request, an empty object.
			req["properties"] = map[string]any{}
		}
		cur.Request, _ = json.Marshal(req)
		cur.APIVersion = r.APIVersion
		return cur, nil
	}
	cur, err := store.Resource(ctx, r.ID)
	if errors.Is(err, state.ErrNotFound) {
		return nil, nil
	}
	return cur, err
}

// GroupResource is a group as a stored resource: its body as ARM's GET of
// the group returns it.
func GroupResource(g *state.ResourceGroup) *state.Resource {
	body := map[string]any{"id": g.ID(), "name": g.Name, "type": typeResourceGroup, "location": g.Location,
		"properties": map[string]any{"provisioningState": "Succeeded"}}
	if len(g.Tags) > 0 {
		body["tags"] = g.Tags
	}
	if g.ManagedBy != "" {
		body["managedBy"] = g.ManagedBy
	}
	b, _ := json.Marshal(body)
	return &state.Resource{ID: g.ID(), SubscriptionID: g.SubscriptionID, Type: typeResourceGroup, Name: g.Name,
		Location: g.Location, Body: b, Created: g.Created, Updated: g.Created}
}

// groupOf is the group a provider's body for a resource group describes.
func groupOf(r *evaluator.Resource, body map[string]any, now time.Time) *state.ResourceGroup {
	ref, _ := state.ParseResourceID(r.ID)
	g := &state.ResourceGroup{Name: r.Name, Created: now}
	if ref != nil {
		g.SubscriptionID, g.Name = ref.SubscriptionID, ref.ResourceGroup
	}
	g.Location, _ = body["location"].(string)
	g.ManagedBy, _ = body["managedBy"].(string)
	if tags, ok := body["tags"].(map[string]any); ok {
		g.Tags = map[string]string{}
		for k, v := range tags {
			if s, ok := v.(string); ok {
				g.Tags[k] = s
			}
		}
	}
	return g
}
