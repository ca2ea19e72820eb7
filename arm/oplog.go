package arm

import (
	"context"
	"sync"
	"time"

	"github.com/armdeploy/armdeploy/planner"
	"github.com/armdeploy/armdeploy/state"
)

// operationLog is the hook between the apply and the caller's hook: it
// commits each operation as its resource starts and finishes, so that a
// deployment read while it runs (or after its process died) shows the
// operations so far.
type operationLog struct {
	s    *Service
	rec  *state.Deployment
	next planner.Hook

	mu       sync.Mutex
	seq      map[string]int       // lower-cased resource id → sequence
	started  map[string]time.Time // when each operation began
	finished map[string]bool
}

func newOperationLog(s *Service, rec *state.Deployment, next planner.Hook) *operationLog {
	if next == nil {
		next = planner.NopHook{}
	}
	return &operationLog{s: s, rec: rec, next: next, seq: map[string]int{}, started: map[string]time.Time{}, finished: map[string]bool{}}
}

// done reports whether the resource's operation succeeded.
func (o *operationLog) done(id string) bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.finished[lower(id)]
}

// Event records the operation and passes the event on.
func (o *operationLog) Event(e planner.Event) {
	if e.Kind != planner.Progress {
		o.commit(e)
	}
	o.next.Event(e)
}

func (o *operationLog) commit(e planner.Event) {
	key := lower(e.ResourceID)
	now := o.s.opts.Now()
	o.mu.Lock()
	n, ok := o.seq[key]
	if !ok {
		n = len(o.seq)
		o.seq[key] = n
		o.started[key] = now.Add(-e.Elapsed)
	}
	started := o.started[key]
	if e.Kind == planner.Succeeded {
		o.finished[key] = true
	}
	o.mu.Unlock()
	status := map[planner.EventKind]string{planner.Started: "Running", planner.Succeeded: "Succeeded",
		planner.Failed: "Failed", planner.Skipped: "Skipped", planner.Canceled: "Canceled"}[e.Kind]
	op := planner.Operation{ResourceID: e.ResourceID, Type: e.Type, Operation: e.Operation, Status: status,
		Started: started, Duration: e.Elapsed, Err: e.Err}
	// The record outlives a canceled command.
	_ = o.s.store.PutOperation(context.Background(), operationRecord(o.rec, n, op))
}
