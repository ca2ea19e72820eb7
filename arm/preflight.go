package arm

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/armdeploy/armdeploy/evaluator"
	"github.com/armdeploy/armdeploy/planner"
	"github.com/armdeploy/armdeploy/providers"
	"github.com/armdeploy/armdeploy/state"
)

// preflight runs every resource's provider checks (rules, references,
// quotas) before the first write, as Azure's preflight does: each resource
// is sent to its provider in dependency order against an overlay of the
// store in which the resources planned before it already exist, so that
// references within the deployment resolve and quotas count what the
// deployment adds. Nothing is written. A resource whose body still holds
// values known only at deploy time (reference() to a resource being
// created), or that depends on one, is checked at its PUT instead.
//
// With lenient set (validate), a reference to a resource that is neither
// in the template nor in the store is not an error: a template is often
// validated away from the state it will be deployed into. Deploy's
// preflight is strict.
func (s *Service) preflight(ctx context.Context, req *DeploymentRequest, p *planner.Plan, lenient bool) (*Error, error) {
	order, err := p.Graph.TopologicalOrder()
	if err != nil {
		return nil, nil // the graph check reported it
	}
	ov := newOverlay(s.reader)
	if sc := req.Scope; sc.ResourceGroup != "" && !req.groupExists {
		ov.putGroup(&state.ResourceGroup{SubscriptionID: sc.SubscriptionID, Name: sc.ResourceGroup, Location: normalizeLocation(req.Location)})
	}
	deferred := make([]bool, len(p.Resources))
	var details []*Error
	now := s.opts.Now()
	for _, v := range order {
		r := p.Resources[v]
		for _, d := range p.Graph.DependsOn(v) {
			deferred[v] = deferred[v] || deferred[d]
		}
		if r.Existing || strings.EqualFold(r.Type, "Microsoft.Resources/deployments") {
			continue
		}
		payload := planner.Payload(r)
		if deferred[v] || payload.HasUnknown() || strings.Contains(r.ID, "[") {
			deferred[v] = true
			continue
		}
		current, err := planner.Current(ctx, ov, r)
		if err != nil {
			return nil, err
		}
		result, err := planner.Put(ctx, r, payload, current, ov, now, s.opts.Tenant)
		var pe *providers.Error
		switch {
		case errors.As(err, &pe):
			if !lenient || !isMissingReference(pe.Code) {
				e := fromProvider(pe)
				e.Resource = r.ID
				details = append(details, e)
			}
			deferred[v] = true // its dependents would fail for its sake
			continue
		case err != nil:
			return nil, err
		}
		ov.put(r, result.Body)
	}
	if len(details) == 0 {
		return nil, nil
	}
	return &Error{Code: "InvalidTemplateDeployment", Status: 400, Details: details,
		Message: "The template deployment '" + req.Name + "' is not valid according to the validation procedure. The tracking id is '" + s.newID() + "'. See inner errors for details."}, nil
}

// isMissingReference reports whether a provider's error code says that a
// resource it refers to does not exist.
func isMissingReference(code string) bool {
	switch code {
	case "ResourceNotFound", "ResourceGroupNotFound", "ParentResourceNotFound", "GalleryImageNotFound",
		"InvalidResourceReference", "LinkedInvalidPropertyId", "NotFound":
		return true
	}
	return strings.HasSuffix(code, "NotFound")
}

// overlay is the store as it would be after the resources checked so far:
// reads see them first, writes never reach the store.
type overlay struct {
	state.Reader
	mu        sync.Mutex
	resources map[string]*state.Resource
	groups    map[string]*state.ResourceGroup
}

func newOverlay(r state.Reader) *overlay {
	return &overlay{Reader: r, resources: map[string]*state.Resource{}, groups: map[string]*state.ResourceGroup{}}
}

func (o *overlay) put(r *evaluator.Resource, body map[string]any) {
	o.mu.Lock()
	defer o.mu.Unlock()
	b, _ := json.Marshal(body)
	loc, _ := body["location"].(string)
	ref, _ := state.ParseResourceID(r.ID)
	sr := &state.Resource{ID: r.ID, Type: r.Type, Name: r.Name, Location: loc, Body: b, APIVersion: r.APIVersion}
	if ref != nil {
		sr.SubscriptionID, sr.ResourceGroup, sr.Parent = ref.SubscriptionID, ref.ResourceGroup, ref.Parent
	}
	if planner.IsGroupID(r.ID) {
		o.groups[lower(ref.SubscriptionID+"/"+ref.ResourceGroup)] = &state.ResourceGroup{SubscriptionID: ref.SubscriptionID, Name: ref.ResourceGroup, Location: loc}
		return
	}
	o.resources[lower(r.ID)] = sr
}

func (o *overlay) putGroup(g *state.ResourceGroup) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.groups[lower(g.SubscriptionID+"/"+g.Name)] = g
}

func (o *overlay) Resource(ctx context.Context, id string) (*state.Resource, error) {
	o.mu.Lock()
	r, ok := o.resources[lower(id)]
	o.mu.Unlock()
	if ok {
		return r, nil
	}
	return o.Reader.Resource(ctx, id)
}

func (o *overlay) Resources(ctx context.Context, f state.ResourceFilter) ([]*state.Resource, error) {
	stored, err := o.Reader.Resources(ctx, f)
	if err != nil {
		return nil, err
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	if len(o.resources) == 0 {
		return stored, nil
	}
	var out []*state.Resource
	for _, r := range stored {
		if _, shadowed := o.resources[lower(r.ID)]; !shadowed {
			out = append(out, r)
		}
	}
	for _, r := range o.resources {
		if matches(f, r) {
			out = append(out, r)
		}
	}
	sortResources(out)
	return out, nil
}

func (o *overlay) Group(ctx context.Context, subscription, name string) (*state.ResourceGroup, error) {
	o.mu.Lock()
	g, ok := o.groups[lower(subscription+"/"+name)]
	o.mu.Unlock()
	if ok {
		return g, nil
	}
	return o.Reader.Group(ctx, subscription, name)
}

// matches applies a resource filter as the store does.
func matches(f state.ResourceFilter, r *state.Resource) bool {
	return (f.SubscriptionID == "" || strings.EqualFold(f.SubscriptionID, r.SubscriptionID)) &&
		(f.ResourceGroup == "" || strings.EqualFold(f.ResourceGroup, r.ResourceGroup)) &&
		(f.Type == "" || strings.EqualFold(f.Type, r.Type)) &&
		(f.Parent == "" || strings.EqualFold(f.Parent, r.Parent)) &&
		(len(f.IDs) == 0 || slices.ContainsFunc(f.IDs, func(id string) bool { return strings.EqualFold(id, r.ID) }))
}

// sortResources orders resources by lower-cased id, as the store lists them.
func sortResources(rs []*state.Resource) {
	sort.Slice(rs, func(i, j int) bool { return lower(rs[i].ID) < lower(rs[j].ID) })
}
