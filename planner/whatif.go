package planner

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/armdeploy/armdeploy/evaluator"
	"github.com/armdeploy/armdeploy/providers"
	"github.com/armdeploy/armdeploy/state"
)

// ChangeType is what a deployment would do to one resource.
type ChangeType string

// The resource change types of ARM's what-if.
const (
	Create      ChangeType = "Create"      // not in the scope; the template creates it
	Delete      ChangeType = "Delete"      // in the scope, not in the template (Complete mode)
	Ignore      ChangeType = "Ignore"      // in the scope, not in the template (Incremental mode)
	Deploy      ChangeType = "Deploy"      // in the template; whether it changes is not known
	NoChange    ChangeType = "NoChange"    // in the template and the scope, unchanged
	Modify      ChangeType = "Modify"      // in the template and the scope, changed
	Unsupported ChangeType = "Unsupported" // what-if cannot tell (see UnsupportedReason)
)

// PropertyChangeType is what happens to one property of a modified
// resource.
type PropertyChangeType string

// The property change types.
const (
	PropCreate   PropertyChangeType = "Create"   // the template adds it
	PropDelete   PropertyChangeType = "Delete"   // the template no longer has it
	PropModify   PropertyChangeType = "Modify"   // its value changes
	PropArray    PropertyChangeType = "Array"    // an array changes; Children say how, by index
	PropNoEffect PropertyChangeType = "NoEffect" // it may differ but the deployment cannot change it
)

// Change is one resource of a what-if (ARM's WhatIfChange). Before is the
// payload the last deployment sent (null for Create), After the payload
// this one would send (null for Delete and Ignore).
type Change struct {
	ResourceID        string           `json:"resourceId"`
	ChangeType        ChangeType       `json:"changeType"`
	UnsupportedReason string           `json:"unsupportedReason,omitempty"`
	Before            *evaluator.Value `json:"before,omitempty"`
	After             *evaluator.Value `json:"after,omitempty"`
	Delta             []PropertyChange `json:"delta,omitempty"`
}

// PropertyChange is one property of a modified resource (ARM's
// WhatIfPropertyChange). Array elements have their index as Path.
type PropertyChange struct {
	Path               string             `json:"path"`
	PropertyChangeType PropertyChangeType `json:"propertyChangeType"`
	Before             *evaluator.Value   `json:"before,omitempty"`
	After              *evaluator.Value   `json:"after,omitempty"`
	Children           []PropertyChange   `json:"children,omitempty"`
}

// Diagnostic is a what-if diagnostic (ARM's DeploymentDiagnosticsDefinition).
type Diagnostic struct {
	Level   string `json:"level"` // Error, Warning or Info
	Code    string `json:"code"`
	Message string `json:"message"`
	Target  string `json:"target,omitempty"`
}

// WhatIfResult is ARM's WhatIfOperationResult.
type WhatIfResult struct {
	Status     string           `json:"status"`
	Properties WhatIfProperties `json:"properties"`
}

// MarshalJSON writes the result as az prints it (az deployment group
// what-if --no-pretty-print): the REST properties flattened to the top,
// {"status", "changes", "diagnostics", "error"}.
func (r *WhatIfResult) MarshalJSON() ([]byte, error) {
	changes := r.Properties.Changes
	if changes == nil {
		changes = []Change{}
	}
	return json.Marshal(struct {
		Status      string       `json:"status"`
		Changes     []Change     `json:"changes"`
		Diagnostics []Diagnostic `json:"diagnostics,omitempty"`
		Error       any          `json:"error"`
	}{r.Status, changes, r.Properties.Diagnostics, nil})
}

// WhatIfProperties holds the changes and diagnostics.
type WhatIfProperties struct {
	Changes     []Change     `json:"changes"`
	Diagnostics []Diagnostic `json:"diagnostics,omitempty"`
}

// WhatIfOptions set the mode and the result format.
type WhatIfOptions struct {
	// Complete deletes what the template does not name (Complete mode).
	Complete bool
	// IDsOnly is ResultFormat ResourceIdOnly: existing resources are
	// Deploy, nothing is diffed.
	IDsOnly bool
	// Scope is the resource group the deployment targets (subscription
	// and name), for the resources the template does not name.
	SubscriptionID, ResourceGroup string
}

// Payload is the body a deployment sends for a resource, as what-if shows
// it and as the state keeps it for the next diff: apiVersion, name and the
// evaluated top-level members in template order. Secure values are kept
// marked; callers must not store or show them.
func Payload(r *evaluator.Resource) evaluator.Value {
	o := evaluator.NewObject(3 + r.Fields.Len())
	o.Set("apiVersion", evaluator.String(r.APIVersion))
	o.Set("id", evaluator.String(r.ID))
	o.Set("name", evaluator.String(r.Name))
	o.Set("type", evaluator.String(r.Type))
	for i := range r.Fields.Len() {
		if v := r.Fields.ValueAt(i); !v.IsNull() {
			o.Set(r.Fields.KeyAt(i), v)
		}
	}
	return evaluator.ObjectValue(o)
}

// deployable reports whether a resource is sent to a provider: existing
// resources are only read, and a nested deployment is shown through the
// resources of its template.
func deployable(r *evaluator.Resource) bool {
	return !r.Existing && !strings.EqualFold(r.Type, "Microsoft.Resources/deployments")
}

// WhatIf compares expanded resources with the store. It diffs each desired
// payload against the payload the last deployment sent (not against what
// the provider filled in), so an unchanged template gives NoChange for
// every resource. Values still unknown show as their expression and count
// as NoEffect: they cannot be compared before the deployment runs.
func WhatIf(ctx context.Context, rs []*evaluator.Resource, store state.Reader, opts WhatIfOptions) (*WhatIfResult, error) {
	res := &WhatIfResult{Status: "Succeeded"}
	// The group's listing, read first, answers for the resources it holds
	// (a re-deploy's): only the others are read by id.
	var stored []*state.Resource
	if opts.ResourceGroup != "" && store != nil {
		var err error
		if stored, err = store.Resources(ctx, state.ResourceFilter{SubscriptionID: opts.SubscriptionID, ResourceGroup: opts.ResourceGroup}); err != nil {
			return nil, err
		}
	}
	var listed state.Scope
	if opts.ResourceGroup != "" {
		listed = state.Scope{SubscriptionID: opts.SubscriptionID, ResourceGroup: opts.ResourceGroup}
	}
	current, err := CurrentsFrom(ctx, rs, store, listed, stored)
	if err != nil {
		return nil, err
	}
	// A resource deployed twice (by the template and again by a nested
	// deployment, as the gallery's pattern of setting a network's DNS
	// servers once a domain controller exists) ends as its last PUT
	// leaves it: that is the payload compared with the store.
	last := map[string]int{}
	for i, r := range rs {
		if r.Unsupported == "" && deployable(r) {
			last[r.Key()] = i
		}
	}
	named := map[string]bool{}
	for i, r := range rs {
		if r.Unsupported != "" {
			res.Properties.Changes = append(res.Properties.Changes, Change{ResourceID: r.ID, ChangeType: Unsupported, UnsupportedReason: r.Unsupported})
			continue
		}
		if !deployable(r) {
			continue
		}
		key := r.Key()
		if named[key] || last[key] != i {
			continue // deployed twice: shown once, as its last PUT
		}
		named[key] = true
		c, diags, err := change(ctx, r, store, current, opts)
		if err != nil {
			return nil, err
		}
		res.Properties.Changes = append(res.Properties.Changes, c)
		res.Properties.Diagnostics = append(res.Properties.Diagnostics, diags...)
	}
	if opts.ResourceGroup != "" && store != nil {
		for _, s := range stored {
			if named[strings.ToLower(s.ID)] {
				continue
			}
			c := Change{ResourceID: s.ID, ChangeType: Ignore}
			if opts.Complete {
				c.ChangeType = Delete
				b := storedPayload(s)
				c.Before = &b
			}
			res.Properties.Changes = append(res.Properties.Changes, c)
		}
	}
	sortChanges(res.Properties.Changes)
	return res, nil
}

// sortChanges orders changes by lower-cased resource id, stably, lowering
// each id once.
func sortChanges(cs []Change) {
	type keyed struct {
		key string
		c   Change
	}
	ks := make([]keyed, len(cs))
	for i, c := range cs {
		ks[i] = keyed{strings.ToLower(c.ResourceID), c}
	}
	sort.SliceStable(ks, func(i, j int) bool { return ks[i].key < ks[j].key })
	for i := range ks {
		cs[i] = ks[i].c
	}
}

// whatIfBatch is how many ids one store query of currents reads.
const whatIfBatch = 500

// Currents reads the stored resources rs name, by lower-cased id, in a
// query per whatIfBatch ids instead of one per resource: what [Current]
// would return for each (a nil entry when absent), but for groups and ids only the
// deployment can tell, which are not in the map (their callers ask
// Current).
func Currents(ctx context.Context, rs []*evaluator.Resource, store state.Reader) (map[string]*state.Resource, error) {
	return CurrentsFrom(ctx, rs, store, state.Scope{}, nil)
}

// CurrentsFrom is [Currents] knowing every resource the store holds in
// the resource group listed (none when it is the zero Scope): read, its
// listing (empty for a group that does not exist yet). Those answer for
// their ids, the group's other ids are absent, and only the ids outside
// the group are read.
func CurrentsFrom(ctx context.Context, rs []*evaluator.Resource, store state.Reader, listed state.Scope, read []*state.Resource) (map[string]*state.Resource, error) {
	if store == nil {
		return nil, nil
	}
	inListed := func(string) bool { return false }
	if listed.ResourceGroup != "" {
		prefix := listed.ID() + "/"
		inListed = func(id string) bool { return len(id) > len(prefix) && strings.EqualFold(id[:len(prefix)], prefix) }
	}
	var have map[string]*state.Resource
	if len(read) > 0 {
		have = make(map[string]*state.Resource, len(read))
		for _, s := range read {
			have[strings.ToLower(s.ID)] = s
		}
	}
	var ids []string
	// out holds a nil entry for each id asked, until the store has it: a
	// caller tells "absent" from "not read ahead" by the entry.
	out := make(map[string]*state.Resource, len(rs))
	for _, r := range rs {
		k := r.Key()
		if _, seen := out[k]; seen || r.Unsupported != "" || !deployable(r) || evaluator.HasUnknownText(r.ID) || isGroup(r) {
			continue
		}
		if s, ok := have[k]; ok {
			out[k] = s
			continue
		}
		out[k] = nil
		if !inListed(r.ID) {
			ids = append(ids, r.ID)
		}
	}
	for len(ids) > 0 {
		n := min(len(ids), whatIfBatch)
		stored, err := store.Resources(ctx, state.ResourceFilter{IDs: ids[:n]})
		if err != nil {
			return nil, err
		}
		for _, s := range stored {
			k := strings.ToLower(s.ID)
			if _, asked := out[k]; asked {
				out[k] = s
			}
		}
		ids = ids[n:]
	}
	return out, nil
}

func change(ctx context.Context, r *evaluator.Resource, store state.Reader, currents map[string]*state.Resource, opts WhatIfOptions) (Change, []Diagnostic, error) {
	after := evaluator.Redact(Payload(r))
	c := Change{ResourceID: r.ID, After: &after}
	if evaluator.HasUnknownText(r.ID) {
		c.ChangeType = Deploy // the id itself is only known at deploy time
		return c, nil, nil
	}
	var current *state.Resource
	if currents != nil && !isGroup(r) {
		current = currents[r.Key()]
	} else {
		var err error
		if current, err = Current(ctx, store, r); err != nil {
			return c, nil, err
		}
	}
	if current == nil {
		c.ChangeType = Create
		if opts.IDsOnly {
			c.After = nil // ResourceIdOnly: ids, no payloads
		}
		return c, nil, nil
	}
	if opts.IDsOnly {
		c.ChangeType, c.After = Deploy, nil
		return c, nil, nil
	}
	before := storedPayload(current)
	c.Before = &before
	c.Delta = diff("", before, after)
	c.ChangeType = NoChange
	if changes(c.Delta) {
		c.ChangeType = Modify
	}
	var diags []Diagnostic
	for _, path := range providers.For(r.Type).Immutable(r.APIVersion) {
		if touches(c.Delta, path) {
			diags = append(diags, Diagnostic{Level: "Warning", Code: "PropertyChangeNotAllowed", Target: r.ID,
				Message: fmt.Sprintf("The deployment will fail: changing property '%s' is not allowed.", path)})
		}
	}
	return c, diags, nil
}

// storedPayload is the payload the last deployment sent, or, for a
// resource no deployment wrote, its stored body.
func storedPayload(s *state.Resource) evaluator.Value {
	raw := s.Request
	if len(raw) == 0 {
		raw = s.Body
	}
	v, err := evaluator.ParseJSON(string(raw))
	if err != nil {
		return evaluator.Null
	}
	return v
}

// changes reports whether a delta holds a real change (not only NoEffect,
// at any depth: an array element whose only change is unknown is none).
func changes(delta []PropertyChange) bool {
	for _, d := range delta {
		switch {
		case d.PropertyChangeType == PropNoEffect:
		case len(d.Children) > 0 && (d.PropertyChangeType == PropModify || d.PropertyChangeType == PropArray):
			if changes(d.Children) {
				return true
			}
		default:
			return true
		}
	}
	return false
}

// touches reports whether a delta changes path or something below it.
func touches(delta []PropertyChange, path string) bool {
	for _, d := range delta {
		if d.PropertyChangeType == PropNoEffect {
			continue
		}
		p := strings.ToLower(d.Path)
		q := strings.ToLower(path)
		if p == q || strings.HasPrefix(p, q+".") || strings.HasPrefix(q, p+".") {
			return true
		}
	}
	return false
}
