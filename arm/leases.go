package arm

import (
	"context"
	"errors"
	"fmt"

	"github.com/armdeploy/armdeploy/state"
)

// DefaultPrincipalName is the principal a lease records for a request
// that named none: the default principal, Owner of every subscription.
const DefaultPrincipalName = "(default owner)"

// principalName is the principal a lease records for principal.
func principalName(principal string) string {
	if principal == "" {
		return DefaultPrincipalName
	}
	return principal
}

// leaseFor is the lease this process takes on scope (a lower-cased scope
// id) for holder, acting as principal. onTakeover, when not nil, is told of
// a gone holder's lease it took over.
func (s *Service) leaseFor(scope, holder, principal string, onTakeover func(*state.Lease)) state.Lease {
	return state.Lease{Scope: scope, Holder: holder, Principal: principalName(principal), PID: s.pid, Host: s.host,
		Started: s.opts.Now(), Command: s.opts.Command, OnTakeover: onTakeover}
}

// Leases lists the leases recorded on the scopes principal may read,
// sorted by scope, with Stale set on those whose holder is gone (a dead
// or reused pid on this host, or a heartbeat older than the expiry).
func (s *Service) Leases(ctx context.Context, principal string) ([]*state.Lease, error) {
	if s.store == nil {
		return nil, nil
	}
	ls, err := s.store.Leases(ctx)
	if err != nil {
		return nil, err
	}
	out := ls[:0]
	for _, l := range ls {
		if s.canRead(ctx, principal, l.Scope) {
			out = append(out, l)
		}
	}
	return out, nil
}

// BrokenLease is what [Service.BreakLease] broke.
type BrokenLease struct {
	// Lease is the lease as it was, Stale set when its holder was gone.
	Lease *state.Lease
	// Interrupted is set when the holder was gone and its deployment was
	// still recorded Running: it is now recorded Failed, as [Service.Recover]
	// records it.
	Interrupted bool
	// CancelRequested is set when the holder was alive and its deployment
	// Running: the deployment was asked to cancel, as
	// [Service.CancelDeployment] asks.
	CancelRequested bool
}

// BreakLease deletes the lease on sc whoever holds it, as Terraform's
// force-unlock does; principal needs Owner's rights on the scope. A
// scope with no lease is LeaseNotFound.
//
// The store is left coherent: when the holder is gone, its deployment
// still recorded Running is recorded Failed (DeploymentInterrupted) with
// its running operations. When the holder is alive, its Running
// deployment is asked to cancel before the lease goes: the holder notices
// within its cancel poll, lets the operations in flight finish, records
// the rest and the deployment Canceled, and its heartbeat and release do
// nothing once the lease is gone. Until it has, the scope may be leased
// by another deployment while the holder's last operations finish (a
// [Service.Recover] in another process meanwhile records the deployment
// Failed; the holder's own record, Canceled, then replaces it).
func (s *Service) BreakLease(ctx context.Context, principal string, sc Scope) (*BrokenLease, error) {
	if err := sc.Validate(); err != nil {
		return nil, badRequest("%v", err)
	}
	if err := s.requireOwner(ctx, principal, sc.ID()); err != nil {
		return nil, err
	}
	if s.store == nil {
		return nil, leaseNotFound(sc)
	}
	l, err := s.store.Lease(ctx, leaseScope(sc))
	if errors.Is(err, state.ErrNotFound) {
		return nil, leaseNotFound(sc)
	} else if err != nil {
		return nil, err
	}
	out := &BrokenLease{Lease: l}
	d, err := s.store.Deployment(ctx, sc, l.Holder)
	running := err == nil && d.Status == "Running"
	if err != nil && !errors.Is(err, state.ErrNotFound) {
		return nil, err
	}
	if running && !l.Stale {
		if err := s.store.RequestCancel(ctx, sc, d.Name); err != nil {
			return nil, err
		}
		out.CancelRequested = true
	}
	if err := s.store.BreakLease(ctx, leaseScope(sc)); errors.Is(err, state.ErrNotFound) {
		return nil, leaseNotFound(sc) // released meanwhile
	} else if err != nil {
		return nil, err
	}
	if running && l.Stale {
		if err := s.failInterrupted(ctx, d); err != nil {
			return out, err
		}
		out.Interrupted = true
	}
	return out, nil
}

func leaseNotFound(sc Scope) *Error {
	return &Error{Code: "LeaseNotFound", Status: 404,
		Message: fmt.Sprintf("There is no lease on %s: no deployment holds it.", lower(sc.ID()))}
}

// LeaseInfo is a lease as the CLI (and a REST front-end) shows it.
type LeaseInfo struct {
	Scope      string `json:"scope"`
	Deployment string `json:"deployment"`
	Principal  string `json:"principal"`
	Host       string `json:"host"`
	PID        int    `json:"pid"`
	Command    string `json:"command"`
	Started    string `json:"started"`
	Heartbeat  string `json:"heartbeat"`
	// State is "alive", or "stale" when the holder is gone (the next
	// deployment takes the lease over).
	State string `json:"state"`
}

// LeaseView is l as [LeaseInfo].
func LeaseView(l *state.Lease) *LeaseInfo {
	st := "alive"
	if l.Stale {
		st = "stale"
	}
	return &LeaseInfo{Scope: l.Scope, Deployment: l.Holder, Principal: l.Principal, Host: l.Host, PID: l.PID,
		Command: l.Command, Started: FormatTime(l.Started), Heartbeat: FormatTime(l.Heartbeat), State: st}
}
