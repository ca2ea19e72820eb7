package arm

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"regexp"
	"slices"
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
//
// It returns the stored resources it read ahead (see Currents), for the
// apply to start from.
func (s *Service) preflight(ctx context.Context, req *DeploymentRequest, p *planner.Plan, skip func(*evaluator.Resource) bool) (*Error, map[string]*state.Resource, error) {
	order, err := p.Graph.TopologicalOrder()
	if err != nil {
		return nil, nil, nil // the graph check reported it
	}
	ov := newOverlay(s.reader)
	var created state.Scope // a group the deployment creates: it holds nothing yet
	if sc := req.Scope; sc.ResourceGroup != "" && !req.groupExists {
		ov.putGroup(&state.ResourceGroup{SubscriptionID: sc.SubscriptionID, Name: sc.ResourceGroup, Location: normalizeLocation(req.Location)})
		created = state.Scope{SubscriptionID: sc.SubscriptionID, ResourceGroup: sc.ResourceGroup}
	}
	// the resources the deployment replaces, read in a few queries
	if ov.known, err = planner.CurrentsFrom(ctx, p.Resources, s.reader, created, nil); err != nil {
		return nil, nil, err
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
			return nil, nil, err
		}
		result, err := planner.Check(ctx, r, payload, current, ov, now, s.opts.Tenant)
		var pe *providers.Error
		switch {
		case errors.As(err, &pe):
			e := fromProvider(pe)
			e.Resource = r.ID
			details = append(details, e)
			deferred[v] = true // its dependents would fail for its sake
			continue
		case err != nil:
			return nil, nil, err
		}
		ov.put(r, result)
	}
	if len(details) == 0 {
		return nil, ov.known, nil
	}
	return &Error{Code: "InvalidTemplateDeployment", Status: 400, Details: details,
		Message: "The template deployment '" + req.Name + "' is not valid according to the validation procedure. The tracking id is '" + s.newID() + "'. See inner errors for details."}, ov.known, nil
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
	// byType holds the keys of resources by lower-cased subscription and
	// type, in the order first put; counts, by the same key, what
	// CountByLocation counted last.
	byType map[string][]string
	counts map[string]*overlayCount
	// counting is held by CountByLocation, one count at a time.
	counting sync.Mutex
	// known holds stored resources read ahead, by lower-cased id (nil
	// for one the store does not hold); it is only read.
	known map[string]*state.Resource
	// bodies holds, by key, the bodies of resources put with a Fill
	// still to run: run on the first read of the resource, if any.
	bodies map[string]func() []byte
}

func newOverlay(r state.Reader) *overlay {
	return &overlay{Reader: r, resources: map[string]*state.Resource{}, groups: map[string]*state.ResourceGroup{},
		byType: map[string][]string{}, counts: map[string]*overlayCount{}}
}

// put adds a provider's result for r. A result with a Fill is completed
// and marshalled when first read (most never are).
func (o *overlay) put(r *evaluator.Resource, res *providers.Result) {
	body := res.Body
	var lazy func() []byte
	if res.Fill != nil {
		lazy = sync.OnceValue(func() []byte {
			res.Fill()
			b, _ := providers.MarshalBody(body)
			return b
		})
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	var b []byte
	if lazy == nil {
		b, _ = providers.MarshalBody(body)
	}
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
	key := lower(r.ID)
	if lazy != nil {
		if o.bodies == nil {
			o.bodies = map[string]func() []byte{}
		}
		o.bodies[key] = lazy
	} else {
		delete(o.bodies, key)
	}
	t := typeKey(sr.SubscriptionID, sr.Type)
	if _, again := o.resources[key]; !again {
		o.byType[t] = append(o.byType[t], key)
	} else {
		delete(o.counts, t) // counted in its old location: count again
	}
	o.resources[key] = sr
}

// typeKey is the key of byType.
func typeKey(subscription, resourceType string) string {
	return lower(subscription) + "/" + lower(resourceType)
}

func (o *overlay) putGroup(g *state.ResourceGroup) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.groups[lower(g.SubscriptionID+"/"+g.Name)] = g
}

func (o *overlay) Resource(ctx context.Context, id string) (*state.Resource, error) {
	k := lower(id)
	o.mu.Lock()
	r, ok := o.resources[k]
	body := o.bodies[k]
	o.mu.Unlock()
	if ok {
		return withBody(r, body), nil
	}
	return o.stored(ctx, id, k)
}

// withBody is r with its body completed, when it has one still to
// complete: a copy, so that a resource handed out is never written.
func withBody(r *state.Resource, body func() []byte) *state.Resource {
	if body == nil {
		return r
	}
	c := *r
	c.Body = body()
	return &c
}

// stored returns the store's resource id (key k), from known when it was
// read ahead.
func (o *overlay) stored(ctx context.Context, id, k string) (*state.Resource, error) {
	if r, ok := o.known[k]; ok {
		if r == nil {
			return nil, fmt.Errorf("resource %s: %w", id, state.ErrNotFound)
		}
		c := *r
		return &c, nil
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
	added := false
	o.candidates(f, func(r *state.Resource) {
		if matches(f, r) {
			out, added = append(out, withBody(r, o.bodies[lower(r.ID)])), true
		}
	})
	if added {
		sortResources(out)
	}
	return out, nil
}

// candidates calls fn with the overlay's resources that f may select:
// those of its subscription and type when it names both, else all. The
// caller holds o.mu.
func (o *overlay) candidates(f state.ResourceFilter, fn func(*state.Resource)) {
	if f.SubscriptionID != "" && f.Type != "" {
		for _, k := range o.byType[typeKey(f.SubscriptionID, f.Type)] {
			fn(o.resources[k])
		}
		return
	}
	for _, r := range o.resources {
		fn(r)
	}
}

// CountByLocation counts as the store would after the overlay's puts: the
// store's counts (or its list, when it cannot count), read once per type,
// with each resource the overlay adds counted in its location and each
// one it replaces moved from the stored location to its own.
func (o *overlay) CountByLocation(ctx context.Context, subscription, resourceType string) (map[string]int, error) {
	o.counting.Lock()
	defer o.counting.Unlock()
	t := typeKey(subscription, resourceType)
	o.mu.Lock()
	c := o.counts[t]
	o.mu.Unlock()
	if c == nil {
		m, err := o.storedCounts(ctx, subscription, resourceType)
		if err != nil {
			return nil, err
		}
		c = &overlayCount{counts: m}
	}
	// Apply the overlay's puts since the last count, reading for each
	// whether it replaces a stored resource.
	for {
		o.mu.Lock()
		keys := o.byType[t]
		if c.applied == len(keys) {
			o.counts[t] = c
			out := maps.Clone(c.counts)
			o.mu.Unlock()
			return out, nil
		}
		k := keys[c.applied]
		mine := o.resources[k]
		o.mu.Unlock()
		prev, err := o.stored(ctx, mine.ID, k)
		if err != nil && !errors.Is(err, state.ErrNotFound) {
			return nil, err
		}
		if prev != nil {
			c.counts[prev.Location]--
		}
		c.counts[mine.Location]++
		c.applied++
	}
}

// overlayCount is the count of one type: the store's, with the first
// applied of the overlay's resources of that type.
type overlayCount struct {
	counts  map[string]int
	applied int
}

// storedCounts counts by location what the store holds of a type.
func (o *overlay) storedCounts(ctx context.Context, subscription, resourceType string) (map[string]int, error) {
	if c, ok := o.Reader.(state.LocationCounter); ok {
		return c.CountByLocation(ctx, subscription, resourceType)
	}
	rs, err := o.Reader.Resources(ctx, state.ResourceFilter{SubscriptionID: subscription, Type: resourceType})
	if err != nil {
		return nil, err
	}
	counts := map[string]int{}
	for _, r := range rs {
		counts[r.Location]++
	}
	return counts, nil
}

var _ state.LocationCounter = (*overlay)(nil)

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

// sortResources orders resources by lower-cased id, as the store lists
// them, lower-casing each id once.
func sortResources(rs []*state.Resource) {
	type keyed struct {
		key string
		r   *state.Resource
	}
	ks := make([]keyed, len(rs))
	for i, r := range rs {
		ks[i] = keyed{lower(r.ID), r}
	}
	slices.SortStableFunc(ks, func(a, b keyed) int { return strings.Compare(a.key, b.key) })
	for i, k := range ks {
		rs[i] = k.r
	}
}
