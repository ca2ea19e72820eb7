package planner

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/armdeploy/armdeploy/evaluator"
	"github.com/armdeploy/armdeploy/providers"
	"github.com/armdeploy/armdeploy/state"
)

// An operation replaces what the store holds. When the caller read the
// store ahead (ApplyOptions.Known: the preflight reads every resource in
// a few queries) and the store can put conditionally, the operation
// starts from that read instead of reading the resource again (a point
// read after every commit of another connection was a tenth of a
// deployment), and its commit holds only if the store still holds what
// was read. When it does not (someone else wrote the resource since, or
// the deployment itself did, deploying a resource twice), the operation
// reads the resource and runs its PUT again, as it would have from the
// start: a write the operation did not see is never replaced.

// current is the stored resource r replaces: from the read-ahead, with
// ahead set, when the store can check it at the commit; else read now.
func (w *walker) current(ctx context.Context, r *evaluator.Resource) (current *state.Resource, ahead bool, err error) {
	if _, ok := w.opts.Store.(state.ConditionalPutter); ok && w.opts.Known != nil && !isGroup(r) {
		if c, ok := w.opts.Known[r.Key()]; ok {
			if c != nil {
				copied := *c // providers get their own
				c = &copied
			}
			return c, true, nil
		}
	}
	current, err = Current(ctx, w.opts.Store, r)
	return current, false, err
}

// commitAhead commits the operation's result; from a read-ahead, only if
// the store still holds what was read, else after reading it and running
// the PUT again. It returns the result committed: nil when the provider
// refused the PUT run again (the operation is recorded as failed).
func (w *walker) commitAhead(ctx context.Context, v int, r *evaluator.Resource, payload evaluator.Value, result *providers.Result, current *state.Resource, start time.Time, ahead bool) (*providers.Result, error) {
	err := commit(ctx, w.opts.Store, r, payload, result, current, w.opts.Deployment, start, w.opts.Now(), ahead)
	if !ahead || !errors.Is(err, state.ErrPreconditionFailed) {
		return result, err
	}
	if current, err = Current(ctx, w.opts.Store, r); err != nil {
		return nil, err
	}
	if result, err = w.rerun(ctx, v, r, payload, current, start); err != nil || result == nil {
		return nil, err
	}
	return result, w.commit(ctx, r, payload, result, current, start)
}

// recheck reads the resource r replaces and, when it is not what the
// operation started from, runs the PUT again from it. A nil result means
// the provider refused that PUT (recorded as failed).
func (w *walker) recheck(ctx context.Context, v int, r *evaluator.Resource, payload evaluator.Value, read *state.Resource, result *providers.Result, start time.Time) (*state.Resource, *providers.Result, error) {
	now, err := Current(ctx, w.opts.Store, r)
	if err != nil || sameStored(now, read) {
		return read, result, err
	}
	result, err = w.rerun(ctx, v, r, payload, now, start)
	return now, result, err
}

// rerun runs the PUT again from current, the resource as read now,
// correcting the operation's Create or Update.
func (w *walker) rerun(ctx context.Context, v int, r *evaluator.Resource, payload evaluator.Value, current *state.Resource, start time.Time) (*providers.Result, error) {
	w.mu.Lock()
	if op := w.ops[v]; op != nil {
		op.Operation = "Create"
		if current != nil {
			op.Operation = "Update"
		}
	}
	w.mu.Unlock()
	return w.put(ctx, v, r, payload, current, start)
}

// put sends the operation's payload to its provider. A nil result means
// the provider refused it: the operation is recorded as failed.
func (w *walker) put(ctx context.Context, v int, r *evaluator.Resource, payload evaluator.Value, current *state.Resource, start time.Time) (*providers.Result, error) {
	result, err := Put(ctx, r, payload, current, w.opts.Store, start, w.opts.Tenant)
	var pe *providers.Error
	if errors.As(err, &pe) {
		w.record(v, start)
		w.finish(v, "Failed", pe, start)
		return nil, nil
	} else if err != nil {
		return nil, fmt.Errorf("%s: %w", r.ID, err)
	}
	return result, nil
}

// sameStored reports whether two reads of a resource found the same
// write: both absent, or the same etag and time.
func sameStored(a, b *state.Resource) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return a.ETag == b.ETag && a.Updated.Equal(b.Updated)
}
