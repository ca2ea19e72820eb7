package planner

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/armdeploy/armdeploy/evaluator"
	"github.com/armdeploy/armdeploy/providers"
	"github.com/armdeploy/armdeploy/state"
)

// EventKind says what happened to a resource during an apply.
type EventKind uint8

// The apply events, in the order a resource goes through them.
const (
	Started   EventKind = iota // the operation began
	Progress                   // a long-running step advanced (Step, Percent)
	Succeeded                  // the resource is committed
	Failed                     // the provider refused it (Err)
	Skipped                    // a dependency failed, so it never started
	Canceled                   // the apply was canceled before it started
)

var eventNames = [...]string{"Started", "Progress", "Succeeded", "Failed", "Skipped", "Canceled"}

// String returns the event's name.
func (k EventKind) String() string { return eventNames[k] }

// Event is one step of an apply, sent to the [Hook].
type Event struct {
	Kind       EventKind
	ResourceID string
	Type       string
	Name       string
	// Operation is Create, Update or Delete.
	Operation string
	// Step and Percent describe progress of a long-running step, such as
	// replicating an image version to a region.
	Step    string
	Percent int
	// Elapsed is the time since the operation started.
	Elapsed  time.Duration
	Err      *providers.Error
	Warnings []string
}

// Hook receives apply events. It is called from several goroutines; an
// implementation must be safe for concurrent use and return quickly.
type Hook interface {
	Event(Event)
}

// HookFunc adapts a function to a [Hook].
type HookFunc func(Event)

// Event calls f.
func (f HookFunc) Event(e Event) { f(e) }

// NopHook ignores every event.
type NopHook struct{}

// Event does nothing.
func (NopHook) Event(Event) {}

// ApplyOptions configure an apply.
type ApplyOptions struct {
	Store          state.Store
	Deployment     string
	SubscriptionID string
	ResourceGroup  string
	// Parallelism bounds the operations in flight (default 10): in their
	// provider and simulated time; with more than one, an operation left
	// with its commit only gives its slot to the next (see walker.free).
	Parallelism int
	Hook        Hook
	Now         func() time.Time
	// Sleep waits for simulated time; nil makes every operation instant.
	Sleep func(ctx context.Context, d time.Duration) error
	// Latency is the simulated duration of one resource operation, and
	// PerWeight that of one unit of a long-running step's weight.
	Latency, PerWeight time.Duration
	// Refresh expands the template again against the store; it is called
	// before the PUT of a resource whose body still holds unknown values,
	// once the resources it depends on exist. Its error is about that
	// resource r only: r fails, the deployment goes on.
	Refresh func(ctx context.Context, r *evaluator.Resource) ([]*evaluator.Resource, error)
	// Complete deletes the group's resources the template does not name,
	// children before parents, after every PUT succeeded.
	Complete bool
	// Authorize checks each write and delete (action "write" or
	// "delete") of the caller; nil allows everything. The control plane
	// supplies it, so that authorisation stays in one place.
	Authorize func(ctx context.Context, action, id string) *providers.Error
	// Tenant is the tenant the deployment runs in ("" for the default).
	Tenant string
	// Interim is the body a resource shows while its long-running steps
	// run (an image version replicating: each region's progress by step
	// name, 0-100), committed at each step's progress so that every reader
	// of the store sees it; nil commits nothing until the PUT completes.
	Interim func(body map[string]any, updating bool, progress map[string]int) map[string]any
	// Known holds stored resources read before the apply (the preflight's
	// read-ahead) by lower-cased id, nil for one the store lacked. With a
	// store that puts conditionally, an operation starts from its entry
	// instead of reading the store again (see readahead.go).
	Known map[string]*state.Resource
}

// Operation is the record of one resource operation.
type Operation struct {
	ResourceID string
	Type       string
	// Operation is Create, Update or Delete.
	Operation string
	// Status is Succeeded, Failed, Skipped or Canceled.
	Status   string
	Started  time.Time
	Duration time.Duration
	Err      *providers.Error
	// Warnings are the provider's warnings for a successful operation.
	Warnings []string
}

// ApplyResult is the outcome of an apply.
type ApplyResult struct {
	Operations []Operation
	// OutputResources are the ids of the resources committed.
	OutputResources []string
}

// Failed reports whether an operation failed or was skipped or canceled.
func (r *ApplyResult) Failed() bool {
	for _, op := range r.Operations {
		if op.Status != "Succeeded" {
			return true
		}
	}
	return false
}

// Errors returns the errors of the failed operations, in operation order.
func (r *ApplyResult) Errors() []*providers.Error {
	var out []*providers.Error
	for _, op := range r.Operations {
		if op.Err != nil {
			out = append(out, op.Err)
		}
	}
	return out
}

// Apply deploys a plan: it walks the graph with bounded parallelism,
// calling each resource's provider once everything it depends on has
// succeeded and committing the result, one transaction per resource. A
// failure skips the resources that depend on it while independent branches
// go on. When ctx is canceled, operations in flight finish and the rest are
// recorded Canceled. The store stays consistent throughout.
func Apply(ctx context.Context, p *Plan, opts ApplyOptions) (*ApplyResult, error) {
	if opts.Parallelism <= 0 {
		opts.Parallelism = 10
	}
	if opts.Hook == nil {
		opts.Hook = NopHook{}
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	w := &walker{p: p, opts: opts, status: make([]string, p.Graph.Len()), ops: make([]*Operation, p.Graph.Len())}
	if err := w.run(ctx); err != nil {
		return nil, err
	}
	res := &ApplyResult{}
	for v, op := range w.ops {
		if op == nil {
			continue
		}
		res.Operations = append(res.Operations, *op)
		if op.Status == "Succeeded" && deployable(p.Resources[v]) {
			res.OutputResources = append(res.OutputResources, op.ResourceID)
		}
	}
	if opts.Complete && !res.Failed() && ctx.Err() == nil {
		dels, err := w.deleteUnnamed(ctx)
		if err != nil {
			return nil, err
		}
		res.Operations = append(res.Operations, dels...)
	}
	sort.SliceStable(res.Operations, func(i, j int) bool { return res.Operations[i].Started.Before(res.Operations[j].Started) })
	return res, nil
}

type walker struct {
	p      *Plan
	opts   ApplyOptions
	mu     sync.Mutex
	status []string // per vertex: "", running, Succeeded, Failed, Skipped, Canceled
	ops    []*Operation
	// free gives v's slot of Parallelism back before its operation ends,
	// when more than one operation may run: once its provider and
	// simulated time are done, only its commit is left, and the commits of
	// operations waiting for the store share a transaction (state's group
	// commit; 800 resources: 159 transactions became 55, with a third of
	// the pages written). With one, operations stay strictly one after the
	// other.
	free func(v int)
}

func (w *walker) run(ctx context.Context) error {
	g := w.p.Graph
	n := g.Len()
	waiting := make([]int, n)
	for v := range n {
		waiting[v] = len(g.DependsOn(v))
	}
	// A message is an operation's end, or with freed only its slot's.
	type done struct {
		v         int
		ok, freed bool
		err       error
	}
	results := make(chan done)
	w.free = func(int) {}
	if w.opts.Parallelism > 1 {
		w.free = func(v int) { results <- done{v: v, freed: true} }
	}
	var ready []int
	for v := range n {
		if waiting[v] == 0 {
			ready = append(ready, v)
		}
	}
	// inFlight counts the slots taken, pending the operations not ended;
	// holds marks the operations holding a slot.
	inFlight, pending, finished := 0, 0, 0
	holds := make([]bool, n)
	var fatal error
	for finished < n {
		for len(ready) > 0 && inFlight < w.opts.Parallelism && pending < maxPending(w.opts.Parallelism) && ctx.Err() == nil && fatal == nil {
			sort.Ints(ready)
			v := ready[0]
			ready = ready[1:]
			w.setStatus(v, "running")
			inFlight, pending, holds[v] = inFlight+1, pending+1, true
			go func() {
				ok, err := w.deploy(ctx, v)
				results <- done{v: v, ok: ok, err: err}
			}()
		}
		if pending == 0 {
			// Nothing runs and nothing can start: cancellation or a fatal
			// error; record what never started.
			for v := range n {
				if w.statusOf(v) == "" {
					w.finish(v, "Canceled", nil, time.Time{})
					finished++
				}
			}
			break
		}
		d := <-results
		if holds[d.v] {
			inFlight, holds[d.v] = inFlight-1, false
		}
		if d.freed {
			continue
		}
		pending--
		finished++
		if d.err != nil && fatal == nil {
			fatal = d.err
		}
		for _, u := range g.Dependents(d.v) {
			if d.ok {
				waiting[u]--
				if waiting[u] == 0 && w.statusOf(u) == "" {
					ready = append(ready, u)
				}
				continue
			}
			finished += w.skip(u)
		}
	}
	return fatal
}

// maxPending bounds the operations not ended, in their slots or waiting
// for their commits: what they hold (bodies, payloads) stays bounded
// while their commits still group. Larger groups rewrite fewer index
// pages (a random id lands on any leaf of each index): 128 commits a
// deployment of 800 in half the transactions of 64, 8% quicker.
func maxPending(parallelism int) int {
	return max(parallelism, 128)
}

// skip marks v and everything that depends on it Skipped; it returns how
// many vertices it marked.
func (w *walker) skip(v int) int {
	if w.statusOf(v) != "" {
		return 0
	}
	w.finish(v, "Skipped", nil, time.Time{})
	n := 1
	for _, u := range w.p.Graph.Dependents(v) {
		n += w.skip(u)
	}
	return n
}

func (w *walker) statusOf(v int) string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.status[v]
}

func (w *walker) setStatus(v int, s string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.status[v] = s
}

func (w *walker) finish(v int, status string, err *providers.Error, started time.Time) {
	r := w.p.Resources[v]
	w.mu.Lock()
	w.status[v] = status
	op := w.ops[v]
	if op == nil {
		op = &Operation{ResourceID: r.ID, Type: r.Type, Operation: "Create", Started: started}
		if started.IsZero() {
			op.Started = w.opts.Now()
		}
		w.ops[v] = op
	}
	op.Status, op.Err = status, err
	warnings := op.Warnings
	w.mu.Unlock()
	kind := map[string]EventKind{"Succeeded": Succeeded, "Failed": Failed, "Skipped": Skipped, "Canceled": Canceled}[status]
	w.opts.Hook.Event(Event{Kind: kind, ResourceID: r.ID, Type: r.Type, Name: r.Name, Operation: op.Operation, Elapsed: op.Duration, Err: err, Warnings: warnings})
}

// deploy runs one resource's PUT. ok is false when the resource failed;
// err is a failure of the simulator or the store, which stops the apply.
func (w *walker) deploy(ctx context.Context, v int) (ok bool, err error) {
	// An operation that has started runs to its end even when the apply
	// is canceled: only its simulated waiting is cut short.
	waitCtx := ctx
	ctx = context.WithoutCancel(ctx)
	r := w.p.Resources[v]
	start := w.opts.Now()
	current, ahead, err := w.current(ctx, r)
	if err != nil {
		return false, err
	}
	operation := "Create"
	if current != nil {
		operation = "Update"
	}
	w.mu.Lock()
	w.ops[v] = &Operation{ResourceID: r.ID, Type: r.Type, Operation: operation, Started: start}
	w.mu.Unlock()
	w.opts.Hook.Event(Event{Kind: Started, ResourceID: r.ID, Type: r.Type, Name: r.Name, Operation: operation})
	if strings.EqualFold(r.Type, "Microsoft.Resources/deployments") {
		// A nested deployment is done when its resources are: the graph
		// makes it wait for them. Its record is a write at its scope.
		w.record(v, start)
		if e := w.authorize(ctx, "write", r.ID); e != nil {
			w.finish(v, "Failed", e, start)
			return false, nil
		}
		w.finish(v, "Succeeded", nil, start)
		return true, nil
	}
	payload := Payload(r)
	if payload.HasUnknown() && w.opts.Refresh != nil {
		if payload, err = w.refreshed(ctx, r, false); err != nil {
			var pe *providers.Error
			if errors.As(err, &pe) {
				w.record(v, start)
				w.finish(v, "Failed", pe, start)
				return false, nil
			}
			return false, err
		}
	}
	if e := unresolved(r, payload); e != nil {
		w.record(v, start)
		w.finish(v, "Failed", e, start)
		return false, nil
	}
	if e := w.authorizePut(ctx, r, payload); e != nil {
		w.record(v, start)
		w.finish(v, "Failed", e, start)
		return false, nil
	}
	result, err := w.put(ctx, v, r, payload, current, start)
	if err != nil || result == nil {
		return false, err
	}
	if ahead && len(result.Replication) > 0 && w.opts.Sleep != nil {
		// Its progress is stored as it runs, unconditionally: settle
		// now that the read-ahead still holds.
		ahead = false
		if current, result, err = w.recheck(ctx, v, r, payload, current, result, start); err != nil || result == nil {
			return false, err
		}
		w.mu.Lock()
		operation = w.ops[v].Operation
		w.mu.Unlock()
	}
	interim := func(progress map[string]int) {
		if w.opts.Interim != nil {
			body := w.opts.Interim(result.Body, current != nil, progress)
			_ = w.commit(ctx, r, payload, &providers.Result{Body: body}, current, start)
		}
	}
	if err := w.simulate(waitCtx, r, operation, start, result.Replication, interim); err != nil {
		return false, err
	}
	w.free(v)
	if result, err = w.commitAhead(ctx, v, r, payload, result, current, start, ahead); err != nil || result == nil {
		return false, err
	}
	w.mu.Lock()
	w.ops[v].Warnings = result.Warnings
	w.mu.Unlock()
	w.record(v, start)
	w.finish(v, "Succeeded", nil, start)
	return true, nil
}

func (w *walker) record(v int, start time.Time) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if op := w.ops[v]; op != nil {
		op.Duration = w.opts.Now().Sub(start)
	}
}

// unresolved refuses a body that still holds a value known only at deploy
// time once everything it depends on exists: Azure knows every value at
// the PUT, and storing the expression text in its place would be a lie.
func unresolved(r *evaluator.Resource, payload evaluator.Value) *providers.Error {
	path, expr, ok := evaluator.FirstUnknown(payload)
	if !ok {
		return nil
	}
	return &providers.Error{Code: "InvalidTemplate", Target: path,
		Message: fmt.Sprintf("Unable to evaluate the template resource '%s' at its deployment: the value of '%s' ('[%s]') is known only to Azure and armdeploy cannot compute it offline.", r.Name, path, expr)}
}

// refreshed re-expands the template now that the resource's dependencies
// exist and returns its payload.
func (w *walker) refreshed(ctx context.Context, r *evaluator.Resource, again bool) (evaluator.Value, error) {
	rs, err := w.opts.Refresh(ctx, r)
	if err != nil {
		// The template cannot be evaluated with the deployed values (a
		// property reference() asked for does not exist, say): the
		// resource fails, the deployment goes on.
		return evaluator.Null, &providers.Error{Code: "InvalidTemplate", Message: err.Error()}
	}
	payload := Payload(r)
	for _, n := range rs {
		if vertexKey(n) == vertexKey(r) {
			payload = Payload(n)
		}
	}
	if payload.HasUnknown() && !again {
		// A value read from a nested deployment declared after this
		// resource was the previous expansion's: once more, with this
		// one's.
		return w.refreshed(ctx, r, true)
	}
	return payload, nil
}

// simulate waits for the operation's simulated duration, reporting the
// progress of long-running steps (and storing it through interim while a
// step is under way).
func (w *walker) simulate(ctx context.Context, r *evaluator.Resource, operation string, start time.Time, steps []providers.Step, interim func(map[string]int)) error {
	if w.opts.Sleep == nil {
		return nil
	}
	if err := w.opts.Sleep(ctx, w.opts.Latency); err != nil {
		return nil // canceled: the operation still completes
	}
	progress := make(map[string]int, len(steps))
	for _, s := range steps {
		progress[s.Name] = 0
	}
	if len(steps) > 0 {
		interim(progress)
	}
	for i, s := range steps {
		for pct := 25; pct <= 100; pct += 25 {
			if err := w.opts.Sleep(ctx, time.Duration(s.Weight*float64(w.opts.PerWeight)/4)); err != nil {
				break
			}
			progress[s.Name] = pct
			w.opts.Hook.Event(Event{Kind: Progress, ResourceID: r.ID, Type: r.Type, Name: r.Name, Operation: operation,
				Step: s.Name, Percent: pct, Elapsed: w.opts.Now().Sub(start)})
			if pct < 100 || i < len(steps)-1 {
				interim(progress)
			}
		}
	}
	return nil
}

func (w *walker) commit(ctx context.Context, r *evaluator.Resource, payload evaluator.Value, result *providers.Result, current *state.Resource, start time.Time) error {
	return Commit(ctx, w.opts.Store, r, payload, result, current, w.opts.Deployment, start, w.opts.Now())
}

// Commit stores what a provider returned for a PUT (see [Put]): the body,
// the request (secure values removed) for what-if to diff against, and
// the deployment that wrote it; a resource group goes to the groups, and
// what the PUT superseded is deleted. current is the resource replaced,
// or nil.
func Commit(ctx context.Context, store state.Store, r *evaluator.Resource, payload evaluator.Value, result *providers.Result, current *state.Resource, deployment string, start, end time.Time) error {
	return commit(ctx, store, r, payload, result, current, deployment, start, end, false)
}

// commit is Commit; ifAsRead puts the resource only if the store still
// holds current (store is then a state.ConditionalPutter), else fails
// with state.ErrPreconditionFailed.
func commit(ctx context.Context, store state.Store, r *evaluator.Resource, payload evaluator.Value, result *providers.Result, current *state.Resource, deployment string, start, end time.Time, ifAsRead bool) error {
	scrub(result.Body, payload)
	body, err := providers.MarshalBody(result.Body)
	if err != nil {
		return err
	}
	request, err := evaluator.Redact(payload).MarshalJSON()
	if err != nil {
		return err
	}
	location := ""
	if l, ok := result.Body["location"].(string); ok {
		location = l
	}
	if isGroup(r) {
		// A resource group deployed by a subscription template is a group,
		// not a resource in one.
		g := groupOf(r, result.Body, start)
		if current != nil {
			g.Created = current.Created
		}
		return store.PutGroup(ctx, g)
	}
	sub, group := scopeOf(r.ID)
	sr := &state.Resource{ID: r.ID, SubscriptionID: sub, ResourceGroup: group,
		Type: r.Type, Name: r.Name, Location: location, Parent: parentID(r.ID), Body: body, Request: request,
		APIVersion: r.APIVersion, Deployment: deployment, ETag: fmt.Sprintf("W/\"%x\"", start.UnixNano()),
		Created: start, Updated: end}
	if current != nil {
		sr.Created = current.Created
	}
	put := store.PutResource
	if ifAsRead {
		put = func(ctx context.Context, sr *state.Resource) error {
			return store.(state.ConditionalPutter).PutResourceIf(ctx, sr, current)
		}
	}
	if err := put(ctx, sr); err != nil {
		return err
	}
	// What the PUT replaced (a subscription's earlier management group)
	// goes.
	for _, id := range result.Supersedes {
		if err := store.DeleteResource(ctx, id); err != nil && !errors.Is(err, state.ErrNotFound) {
			return err
		}
	}
	return nil
}

// scrub removes from a provider's stored body every value the request
// had as secure, whatever the provider did with it: secrets never reach
// the store.
func scrub(body map[string]any, payload evaluator.Value) {
	o, ok := payload.AsObject()
	if !ok || !payload.HasSecure() {
		return
	}
	for i := range o.Len() {
		k, v := o.KeyAt(i), o.ValueAt(i)
		if !v.HasSecure() {
			continue
		}
		for bk, bv := range body {
			if !strings.EqualFold(bk, k) {
				continue
			}
			if v.Secure() {
				delete(body, bk)
			} else if child, ok := bv.(map[string]any); ok {
				scrub(child, v)
			} else {
				delete(body, bk) // an array holding secrets: drop it whole
			}
		}
	}
}

// authorize asks the caller's authorisation hook, if any.
func (w *walker) authorize(ctx context.Context, action, id string) *providers.Error {
	if w.opts.Authorize == nil {
		return nil
	}
	return w.opts.Authorize(ctx, action, id)
}

// authorizePut checks a PUT: the write of the resource and the reads of
// the resources its body builds from ([Reads]).
func (w *walker) authorizePut(ctx context.Context, r *evaluator.Resource, payload evaluator.Value) *providers.Error {
	if e := w.authorize(ctx, "write", r.ID); e != nil {
		return e
	}
	for _, id := range Reads(r, payload) {
		if e := w.authorize(ctx, "read", id); e != nil {
			return e
		}
	}
	return nil
}

// Reads returns the ids of the stored resources a PUT of r with payload
// reads from (the image a VM is built from, an image version's source):
// the caller must be allowed to read each.
func Reads(r *evaluator.Resource, payload evaluator.Value) []string {
	body, _ := requestBody(payload).(map[string]any)
	return providers.LinkedReads(typeOf(r), body)
}

// Put sends one resource's payload to its provider, as a deployment's PUT
// does, and returns what the provider would store; it writes nothing.
// current is the stored resource or nil; store answers the provider's
// reads. A refusal is a *providers.Error.
// tenant is the tenant the deployment runs in ("" for the default).
func Put(ctx context.Context, r *evaluator.Resource, payload evaluator.Value, current *state.Resource, store state.Reader, now time.Time, tenant string) (*providers.Result, error) {
	return put(ctx, r, payload, current, store, now, tenant, false)
}

// Check is [Put] for a preflight, which wants the provider's verdict and
// may never read the body: the result's Fill, when set, completes its
// Body and must be called before the Body is read.
func Check(ctx context.Context, r *evaluator.Resource, payload evaluator.Value, current *state.Resource, store state.Reader, now time.Time, tenant string) (*providers.Result, error) {
	return put(ctx, r, payload, current, store, now, tenant, true)
}

func put(ctx context.Context, r *evaluator.Resource, payload evaluator.Value, current *state.Resource, store state.Reader, now time.Time, tenant string, deferFill bool) (*providers.Result, error) {
	body, _ := requestBody(payload).(map[string]any)
	ref, _ := state.ParseResourceID(r.ID)
	sub, group := refScope(ref, r.ID)
	req := &providers.Request{ID: r.ID, Type: r.Type, Name: r.Name, APIVersion: r.APIVersion,
		SubscriptionID: sub, ResourceGroup: group, TenantID: tenant, Body: body, Current: current, Store: store, Now: now,
		DeferFill: deferFill}
	res, err := providers.For(refType(ref, r)).Put(ctx, req)
	return redactResult(res, err, payload)
}

// typeOf is the type a resource's provider serves: the type its id names
// (an extension resource written "Microsoft.Compute/galleries/providers/locks"
// is a Microsoft.Authorization/locks).
func typeOf(r *evaluator.Resource) string {
	ref, _ := state.ParseResourceID(r.ID)
	return refType(ref, r)
}

// refType is typeOf(r) for r's id parsed as ref (nil when it does not
// parse).
func refType(ref *state.ResourceID, r *evaluator.Resource) string {
	if ref != nil && ref.Type != "" {
		return ref.Type
	}
	return r.Type
}

// scopeOf returns the subscription and resource group a resource id lives
// in ("" where it has none).
func scopeOf(id string) (subscription, group string) {
	ref, _ := state.ParseResourceID(id)
	return refScope(ref, id)
}

// refScope is scopeOf(id) for id parsed as ref (nil when it does not
// parse).
func refScope(ref *state.ResourceID, id string) (subscription, group string) {
	if ref == nil {
		return "", ""
	}
	if strings.EqualFold(ref.Type, typeResourceGroup) && !hasProviders(id) {
		return ref.SubscriptionID, "" // a group's own id (IsGroupID)
	}
	return ref.SubscriptionID, ref.ResourceGroup
}

// parentID returns the id of a child resource's parent, or "".
func parentID(id string) string {
	i := lastProviders(id)
	if i < 0 {
		return ""
	}
	segs := strings.Split(id[i+len("/providers/"):], "/")
	if len(segs) <= 3 { // namespace/type/name: a top-level resource
		return ""
	}
	return id[:len(id)-len(segs[len(segs)-2])-len(segs[len(segs)-1])-2]
}

// requestBody converts a payload to the plain Go body a provider receives,
// without apiVersion/id/name/type (the request carries them) and with null
// members left out. Secure values are passed in clear: the provider needs
// them and must not store them.
func requestBody(payload evaluator.Value) any {
	o, ok := payload.AsObject()
	if !ok {
		return map[string]any{}
	}
	out := map[string]any{}
	for i := range o.Len() {
		k := o.KeyAt(i)
		switch strings.ToLower(k) {
		case "apiversion", "id", "name", "type":
			continue
		}
		if v := o.ValueAt(i); !v.IsNull() {
			out[k] = requestValue(v)
		}
	}
	return out
}

// deleteUnnamed deletes, in Complete mode, the group's resources the
// template does not name, children before parents.
func (w *walker) deleteUnnamed(ctx context.Context) ([]Operation, error) {
	named := map[string]bool{}
	for _, r := range w.p.Resources {
		named[strings.ToLower(r.ID)] = true
	}
	stored, err := w.opts.Store.Resources(ctx, state.ResourceFilter{SubscriptionID: w.opts.SubscriptionID, ResourceGroup: w.opts.ResourceGroup})
	if err != nil {
		return nil, err
	}
	var doomed []*state.Resource
	for _, s := range stored {
		if !named[strings.ToLower(s.ID)] {
			doomed = append(doomed, s)
		}
	}
	sort.SliceStable(doomed, func(i, j int) bool { return strings.Count(doomed[i].ID, "/") > strings.Count(doomed[j].ID, "/") })
	var ops []Operation
	for _, s := range doomed {
		start := w.opts.Now()
		op := Operation{ResourceID: s.ID, Type: s.Type, Operation: "Delete", Started: start}
		w.opts.Hook.Event(Event{Kind: Started, ResourceID: s.ID, Type: s.Type, Name: s.Name, Operation: "Delete"})
		var err error
		if e := w.authorize(ctx, "delete", s.ID); e != nil {
			err = e
		} else {
			err = providers.For(s.Type).Delete(ctx, &providers.DeleteRequest{Resource: s, Store: w.opts.Store, Now: start})
		}
		var pe *providers.Error
		switch {
		case errors.As(err, &pe):
			op.Status, op.Err = "Failed", pe
		case err != nil:
			return nil, err
		default:
			if err := w.opts.Store.DeleteResource(ctx, s.ID); err != nil {
				return nil, err
			}
			op.Status = "Succeeded"
		}
		op.Duration = w.opts.Now().Sub(start)
		kind := Succeeded
		if op.Err != nil {
			kind = Failed
		}
		w.opts.Hook.Event(Event{Kind: kind, ResourceID: s.ID, Type: s.Type, Name: s.Name, Operation: "Delete", Err: op.Err})
		ops = append(ops, op)
	}
	return ops, nil
}
