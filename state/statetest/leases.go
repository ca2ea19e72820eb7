package statetest

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/armdeploy/armdeploy/state"
)

// lease returns a lease of this process on group rg of sub1.
func lease(t *testing.T, rg, holder string) state.Lease {
	return state.Lease{Scope: strings.ToLower(groupID(sub1, rg)), Holder: holder, PID: os.Getpid(),
		Host: hostname(t), Started: t0}
}

func acquire(t *testing.T, s state.Store, l state.Lease, wait time.Duration) func() error {
	t.Helper()
	release, err := s.AcquireLease(ctx(t), l, wait)
	if err != nil {
		t.Fatalf("AcquireLease(%s for %s): %v", l.Scope, l.Holder, err)
	}
	return release
}

// wantHeld checks that err is a *state.LeaseError naming holder.
func wantHeld(t *testing.T, err error, holder string) {
	t.Helper()
	var le *state.LeaseError
	if !errors.As(err, &le) {
		t.Fatalf("got error %v, want a *state.LeaseError", err)
	}
	if le.Held == nil || le.Held.Holder != holder {
		t.Errorf("LeaseError names %+v, want holder %s", le.Held, holder)
	}
	if !strings.Contains(err.Error(), "'"+holder+"'") {
		t.Errorf("the message does not name the holder %s: %s", holder, err)
	}
}

func testLeaseContention(t *testing.T, open opener) {
	s := open(t)
	a := lease(t, "rg1", "depA")
	release := acquire(t, s, a, 0)
	_, err := s.AcquireLease(ctx(t), lease(t, "RG1", "depB"), 0)
	wantHeld(t, err, "depA")
	var le *state.LeaseError
	if errors.As(err, &le) && (le.Held.PID != a.PID || le.Held.Host != a.Host || !le.Held.Started.Equal(t0) ||
		le.Held.Scope != a.Scope) {
		t.Errorf("LeaseError: got %+v, want %+v", le.Held, a)
	}
	must(t, release())
	must(t, release()) // a second release does nothing
	releaseB := acquire(t, s, lease(t, "rg1", "depB"), 0)
	must(t, releaseB())
}

func testLeaseWaitThenFail(t *testing.T, open opener) {
	s := open(t)
	release := acquire(t, s, lease(t, "rg1", "depA"), 0)
	defer release()
	const wait = 60 * time.Millisecond
	start := time.Now()
	_, err := s.AcquireLease(ctx(t), lease(t, "rg1", "depB"), wait)
	if elapsed := time.Since(start); elapsed < wait {
		t.Errorf("gave up after %v, want at least %v", elapsed, wait)
	}
	wantHeld(t, err, "depA")
}

func testLeaseWaitThenAcquire(t *testing.T, open opener) {
	s := open(t)
	release := acquire(t, s, lease(t, "rg1", "depA"), 0)
	done := make(chan error, 1)
	go func() {
		r, err := s.AcquireLease(ctx(t), lease(t, "rg1", "depB"), time.Minute)
		if err == nil {
			err = r()
		}
		done <- err
	}()
	must(t, release())
	must(t, <-done)
}

func testLeaseOtherHost(t *testing.T, open opener) {
	s := open(t)
	a := lease(t, "rg1", "remote")
	a.Host, a.PID = "some-other-host.invalid", deadPID
	release := acquire(t, s, a, 0)
	defer release()
	_, err := s.AcquireLease(ctx(t), lease(t, "rg1", "local"), 0)
	wantHeld(t, err, "remote")
}

func testLeaseDeadHolder(t *testing.T, open opener) {
	s := open(t)
	dead := lease(t, "rg1", "crashed")
	dead.PID = deadPID
	releaseDead := acquire(t, s, dead, 0)
	releaseB := acquire(t, s, lease(t, "rg1", "depB"), 0)
	// The dead holder's release must not free depB's lease.
	must(t, releaseDead())
	_, err := s.AcquireLease(ctx(t), lease(t, "rg1", "depC"), 0)
	wantHeld(t, err, "depB")
	must(t, releaseB())
}

func testLeaseCanceled(t *testing.T, open opener) {
	s := open(t)
	release := acquire(t, s, lease(t, "rg1", "depA"), 0)
	defer release()
	c, cancel := context.WithCancel(ctx(t))
	cancel()
	_, err := s.AcquireLease(c, lease(t, "rg1", "depB"), time.Hour)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("AcquireLease with a canceled context: got %v, want context.Canceled", err)
	}
}

func testLeaseReads(t *testing.T, open opener) {
	s := open(t)
	must(t, s.PutGroup(ctx(t), group(sub1, "rg1", "eastus")))
	putResources(t, s, gallery(sub1, "rg1", "g1"))
	release := acquire(t, s, lease(t, "rg1", "depA"), 0)
	defer release()
	c, cancel := context.WithTimeout(ctx(t), 5*time.Second)
	defer cancel()
	if _, err := s.Group(c, sub1, "rg1"); err != nil {
		t.Errorf("Group while the group is leased: %v", err)
	}
	if rs, err := s.Resources(c, state.ResourceFilter{SubscriptionID: sub1, ResourceGroup: "rg1"}); err != nil || len(rs) != 1 {
		t.Errorf("Resources while the group is leased: %d, %v", len(rs), err)
	}
	if _, err := s.Deployments(c, rgScope(sub1, "rg1")); err != nil {
		t.Errorf("Deployments while the group is leased: %v", err)
	}
	// Writes to the group's resources are not blocked by the lease either:
	// the lease is advisory, held by the deployment that writes.
	putResources(t, s, gallery(sub1, "rg1", "g2"))
}

func testLeaseScopes(t *testing.T, open opener) {
	s := open(t)
	r1 := acquire(t, s, lease(t, "rg1", "dep1"), 0)
	r2 := acquire(t, s, lease(t, "rg2", "dep2"), 0)
	must(t, r1())
	must(t, r2())
	if _, err := s.AcquireLease(ctx(t), state.Lease{Holder: "x"}, 0); err == nil {
		t.Error("AcquireLease without a scope succeeded")
	}
}
