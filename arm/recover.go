package arm

import (
	"context"
	"errors"

	"github.com/armdeploy/armdeploy/state"
)

// Recovered is a deployment found Running whose process had ended: it is
// now recorded Failed.
type Recovered struct {
	Scope Scope
	Name  string
	// Lease is the gone holder's lease that was broken, when it still held
	// one.
	Lease *state.Lease
}

// Recover finds the deployments recorded Running whose process is gone (no
// live lease holder of their scope under their name: a dead pid on this
// host, or an expired heartbeat) and records them Failed with the
// operations they had committed; operations still Running become Failed
// too. It releases nothing that a live process holds.
func (s *Service) Recover(ctx context.Context) ([]Recovered, error) {
	if s.store == nil {
		return nil, nil
	}
	running, err := s.store.RunningDeployments(ctx)
	if err != nil {
		return nil, err
	}
	var out []Recovered
	for _, d := range running {
		sc := d.Scope()
		var broken *state.Lease
		l, err := s.store.Lease(ctx, leaseScope(sc))
		switch {
		case err == nil && l.Holder == d.Name && !l.Stale:
			continue // still at work
		case err != nil && !errors.Is(err, state.ErrNotFound):
			return out, err
		case err == nil && l.Holder == d.Name:
			// The holder died with the lease: break it so the scope can be
			// deployed again at once.
			if err := s.store.BreakLease(ctx, leaseScope(sc)); err != nil {
				return out, err
			}
			broken = l
		}
		if err := s.failInterrupted(ctx, d); err != nil {
			return out, err
		}
		out = append(out, Recovered{Scope: sc, Name: d.Name, Lease: broken})
	}
	return out, nil
}

// interruptedMessage is the error of a deployment whose process ended
// before it finished.
const interruptedMessage = "The deployment did not finish: the process running it (armdeploy) ended before the deployment completed, for example because it was killed or the machine lost power. Resources committed before that are in the state; deploy again to complete it."

func (s *Service) failInterrupted(ctx context.Context, d *state.Deployment) error {
	e := &Error{Code: "DeploymentInterrupted", Message: interruptedMessage}
	ops, err := s.store.Operations(ctx, d.Scope(), d.Name)
	if err != nil && !errors.Is(err, state.ErrNotFound) {
		return err
	}
	for _, op := range ops {
		if op.Status != "Running" {
			continue
		}
		op.Status = "Failed"
		op.Error = errorJSON(e)
		if err := s.store.PutOperation(ctx, op); err != nil {
			return err
		}
	}
	d.Status = "Failed"
	d.Error = errorJSON(e)
	d.Finished = s.opts.Now()
	return s.store.PutDeployment(ctx, d)
}
