package arm

import (
	"cmp"
	"context"
	"slices"
	"sync"
	"time"

	"github.com/armdeploy/armdeploy/planner"
	"github.com/armdeploy/armdeploy/state"
)

// operationLog is the hook between the apply and the caller's hook: it
// records each operation as its resource starts and finishes, so that a
// deployment read while it runs (or after its process died) shows the
// operations so far, and passes each event on once its record is stored:
// an operation reported (Running, Succeeded, …) is always in the store.
//
// The records are written behind the apply, never in its way: an event
// leaves its operation's newest record pending and wakes the writer, which
// stores everything pending at once (concurrent PutOperations, which the
// store commits as one group) while the resources go on, then passes the
// batch's events on in their order. A record still pending when the next
// event of its operation comes is replaced (Running then Succeeded within
// one flush is one write). flush waits for the writer; the deployment's
// final record is written only after it.
type operationLog struct {
	s    *Service
	rec  *state.Deployment
	next planner.Hook

	wmu     sync.Mutex
	pending map[int]*state.Operation // by sequence, the newest record not yet written
	events  []planner.Event          // to pass on once pending is written, in order
	writing bool                     // a writer goroutine is running
	idle    *sync.Cond               // signalled when the writer stops

	mu       sync.Mutex
	seq      map[string]int       // lower-cased resource id → sequence
	started  map[string]time.Time // when each operation began
	finished map[string]bool
}

func newOperationLog(s *Service, rec *state.Deployment, next planner.Hook) *operationLog {
	if next == nil {
		next = planner.NopHook{}
	}
	o := &operationLog{s: s, rec: rec, next: next, seq: map[string]int{}, started: map[string]time.Time{}, finished: map[string]bool{},
		pending: map[int]*state.Operation{}}
	o.idle = sync.NewCond(&o.wmu)
	return o
}

// done reports whether the resource's operation succeeded.
func (o *operationLog) done(id string) bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.finished[lower(id)]
}

// Event records the operation and passes the event on.
func (o *operationLog) Event(e planner.Event) {
	var rec *state.Operation
	if e.Kind != planner.Progress {
		rec = o.record(e)
	}
	o.wmu.Lock()
	if rec != nil {
		o.pending[rec.Sequence] = rec
	}
	o.events = append(o.events, e)
	if !o.writing {
		o.writing = true
		go o.write()
	}
	o.wmu.Unlock()
}

// record is the operation record an event makes.
func (o *operationLog) record(e planner.Event) *state.Operation {
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
	return operationRecord(o.rec, n, op)
}

// maxOperationWriters bounds the PutOperations of one flush in flight.
const maxOperationWriters = 16

// store writes a flush's records: in one write where the store can, else
// (or when the batch fails: a record the store refuses, and the others
// are kept) each on its own, up to maxOperationWriters at once. The
// records outlive a canceled command.
func (o *operationLog) store(batch map[int]*state.Operation) {
	if len(batch) == 0 {
		return
	}
	recs := make([]*state.Operation, 0, len(batch))
	for _, rec := range batch {
		recs = append(recs, rec)
	}
	slices.SortFunc(recs, func(a, b *state.Operation) int { return cmp.Compare(a.Sequence, b.Sequence) })
	ctx := context.Background()
	if b, ok := o.s.store.(state.OperationBatcher); ok && b.PutOperations(ctx, recs) == nil {
		return
	}
	var wg sync.WaitGroup
	sem := make(chan struct{}, maxOperationWriters)
	for _, rec := range recs {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			_ = o.s.store.PutOperation(ctx, rec)
		})
	}
	wg.Wait()
}

// write stores the pending records and passes their events on until
// none is left.
func (o *operationLog) write() {
	for {
		o.wmu.Lock()
		batch, events := o.pending, o.events
		if len(batch) == 0 && len(events) == 0 {
			o.writing = false
			o.idle.Broadcast()
			o.wmu.Unlock()
			return
		}
		o.pending, o.events = map[int]*state.Operation{}, nil
		o.wmu.Unlock()
		o.store(batch)
		for _, e := range events {
			o.next.Event(e)
		}
	}
}

// flush returns once every record so far is written.
func (o *operationLog) flush() {
	o.wmu.Lock()
	defer o.wmu.Unlock()
	for o.writing {
		o.idle.Wait()
	}
}
