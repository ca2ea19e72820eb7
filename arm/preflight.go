package arm

import (
	"context"
	"encoding/json"
	"errors"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/armdeploy/armdeploy/evaluator"
	"github.com/armdeploy/armdeploy/planner"
	"github.com/armdeploy/armdeploy/providers"
	"github.com/armdeploy/armdeploy/state"
	"github.com/armdeploy/armdeploy/templates"
	"github.com/armdeploy/armdeploy/templates/diag"
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
// Every refusal is collected, not only the first: the result lists one
// inner error per refused resource, in dependency order. A resource that
// skip names (one the template checks already refused, for validate), or
// that depends on a refused or skipped one, is not sent: its refusal would
// follow from the earlier one.
func (s *Service) preflight(ctx context.Context, req *DeploymentRequest, p *planner.Plan, skip func(*evaluator.Resource) bool) (*Error, error) {
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
		if skip != nil && skip(r) {
			deferred[v] = true
			continue
		}
		if r.Existing || strings.EqualFold(r.Type, "Microsoft.Resources/deployments") {
			continue
		}
		payload := planner.Payload(r)
		if deferred[v] || payload.HasUnknown() || evaluator.HasUnknownText(r.ID) {
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
			e := fromProvider(pe)
			e.Resource = r.ID
			details = append(details, e)
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

// preflightDiagnostics places each inner error of a preflight refusal at
// its resource's declaration (the member the error's target names, else
// the resource's name), with the provider's code and text, except a
// reference to a resource that exists neither in the template nor in the
// store (see Validate).
func preflightDiagnostics(pf *Error, rs []*evaluator.Resource) diag.Diagnostics {
	if pf == nil {
		return nil
	}
	byID := map[string]*evaluator.Resource{}
	for _, r := range rs {
		byID[lower(r.ID)] = r
	}
	var ds diag.Diagnostics
	for _, e := range pf.Details {
		d := diag.Diagnostic{Severity: diag.Error, Code: e.Code, Message: e.Message, Target: e.Resource}
		if isMissingReference(e.Code) {
			continue // see Validate
		}
		if r := byID[lower(e.Resource)]; r != nil && holdsPlaceholder(r) {
			d.Severity = diag.Warning
			d.Message += " (The resource is built from a placeholder of the quickstart gallery, such as GEN-UNIQUE: it is refused until the placeholder is given a value.)"
		}
		if r := byID[lower(e.Resource)]; r != nil && r.Decl != nil {
			d.Range = declarationRange(r.Decl, e.Target)
		}
		ds = append(ds, d)
	}
	return ds
}

// declarationRange is the place of a provider error's target in a
// resource declaration: the member it names ("location",
// "properties.osProfile.adminPassword" or the same under properties),
// else the declaration's name, else the declaration.
func declarationRange(decl *templates.Resource, target string) diag.Range {
	if target != "" && !strings.HasPrefix(target, "/") {
		ptr := "/" + strings.ReplaceAll(target, ".", "/")
		for _, p := range []string{ptr, "/properties" + ptr} {
			if n, ok := templates.Lookup(decl.Node, p); ok && n != nil {
				return n.Range()
			}
		}
	}
	if n := decl.Node.Get("name"); n != nil {
		return n.Range()
	}
	return decl.Node.Range()
}

// faultyDeclarations returns the declarations among decls that error
// diagnostics are about, and whether every error is about one of them.
func faultyDeclarations(decls []*templates.Resource, ds diag.Diagnostics) (map[*templates.Resource]bool, bool) {
	bad := map[*templates.Resource]bool{}
	all := true
	for _, d := range ds.Errors() {
		r := declarationOf(decls, d)
		if r == nil {
			all = false
			continue
		}
		bad[r] = true
	}
	return bad, all
}

// declarationOf is the innermost declaration among decls whose path the
// diagnostic's target lies in (in the same file), or nil.
func declarationOf(decls []*templates.Resource, d diag.Diagnostic) *templates.Resource {
	var best *templates.Resource
	bestLen := -1
	for _, r := range decls {
		if r == nil || r.Node == nil || d.Target == "" {
			continue
		}
		p := templates.PathOf(r.Pointer)
		if f := r.Node.Range().File; d.Range.File != "" && f != "" && f != d.Range.File {
			continue
		}
		if d.Target != p && !strings.HasPrefix(d.Target, p+".") && !strings.HasPrefix(d.Target, p+"[") {
			continue
		}
		if len(p) > bestLen {
			best, bestLen = r, len(p)
		}
	}
	return best
}

// galleryPlaceholder is a placeholder of the quickstart gallery's
// parameter files (GEN-UNIQUE, GEN-UNIQUE-13, GEN-PASSWORD, ...), which
// its harness replaces with generated values before deploying.
var galleryPlaceholder = regexp.MustCompile(`\bGEN-[A-Z0-9]+(?:-[A-Z][A-Z0-9]*)*(?:-\d+)?\b`)

// holdsPlaceholder reports whether a resource's name or body holds a
// quickstart-gallery placeholder: validate reports what a provider
// refuses in it as a warning (the template is not wrong, its value is
// still to be generated); deploy refuses it.
func holdsPlaceholder(r *evaluator.Resource) bool {
	if galleryPlaceholder.MatchString(r.ID) {
		return true
	}
	b, err := json.Marshal(planner.Payload(r).Go())
	return err == nil && galleryPlaceholder.Match(b)
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
