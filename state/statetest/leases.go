package statetest

import (
	"context"
	"errors"
	"os"
	"strings"
	"sync/atomic"
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

// Clocked is the optional part of a store that the heartbeat tests need:
// its clock and its lease timing can be set (see
// [state.SQLiteStore.SetClock] and [state.SQLiteStore.SetLeaseTiming]).
// The suite skips those tests for a store without it.
type Clocked interface {
	SetClock(now func() time.Time)
	SetLeaseTiming(heartbeat, expiry time.Duration)
}

// fakeClock is a clock the test moves.
type fakeClock struct{ ns atomic.Int64 }

func newFakeClock(t time.Time) *fakeClock {
	c := &fakeClock{}
	c.ns.Store(t.UnixNano())
	return c
}

func (c *fakeClock) Now() time.Time          { return time.Unix(0, c.ns.Load()).UTC() }
func (c *fakeClock) Advance(d time.Duration) { c.ns.Add(int64(d)) }

// clocked returns s as a Clocked with a fake clock at t0 and the given
// lease timing, or skips the test.
func clocked(t *testing.T, s state.Store, heartbeat, expiry time.Duration) *fakeClock {
	t.Helper()
	cs, ok := s.(Clocked)
	if !ok {
		t.Skip("the store's clock cannot be set")
	}
	c := newFakeClock(t0)
	cs.SetClock(c.Now)
	cs.SetLeaseTiming(heartbeat, expiry)
	return c
}

func remoteLease(t *testing.T, rg, holder string) state.Lease {
	l := lease(t, rg, holder)
	l.Host, l.PID = "some-other-host.invalid", deadPID
	return l
}

func testLeaseGetAndBreak(t *testing.T, open opener) {
	s := open(t)
	scope := strings.ToLower(groupID(sub1, "rg1"))
	_, err := s.Lease(ctx(t), scope)
	wantNotFound(t, "Lease of a free scope", err)
	wantNotFound(t, "BreakLease of a free scope", s.BreakLease(ctx(t), scope))
	a := lease(t, "rg1", "depA")
	a.Command = "armdeploy deployment group create -g rg1 -n depA"
	releaseA := acquire(t, s, a, 0)
	got, err := s.Lease(ctx(t), groupID(sub1, "RG1")) // any case
	must(t, err)
	if got.Scope != scope || got.Holder != "depA" || got.PID != a.PID || got.Host != a.Host ||
		got.Command != a.Command || !got.Started.Equal(t0) || got.Heartbeat.IsZero() || got.Stale {
		t.Errorf("Lease: got %+v, want %+v with a heartbeat, not stale", got, a)
	}
	releaseOther := acquire(t, s, lease(t, "rg2", "depOther"), 0)
	defer releaseOther()
	ls, err := s.Leases(ctx(t))
	must(t, err)
	wantStrings(t, "Leases", ids(ls, func(l *state.Lease) string { return l.Holder }), []string{"depA", "depOther"})
	must(t, s.BreakLease(ctx(t), strings.ToUpper(scope)))
	_, err = s.Lease(ctx(t), scope)
	wantNotFound(t, "Lease after BreakLease", err)
	// The scope is free for the next holder; the broken holder's release
	// does not free it.
	releaseB := acquire(t, s, lease(t, "rg1", "depB"), 0)
	must(t, releaseA())
	_, err = s.AcquireLease(ctx(t), lease(t, "rg1", "depC"), 0)
	wantHeld(t, err, "depB")
	must(t, releaseB())
	if _, err := s.Lease(ctx(t), groupID(sub1, "rg2")); err != nil {
		t.Errorf("breaking one scope's lease touched another: %v", err)
	}
}

// testLeaseAllScopes takes leases on the four kinds of scope id at once;
// the error of a busy one names the kind of scope.
func testLeaseAllScopes(t *testing.T, open opener) {
	s := open(t)
	for _, sc := range allScopes {
		l := lease(t, "", "dep-"+sc.name)
		l.Scope = strings.ToLower(sc.scope.ID())
		release := acquire(t, s, l, 0)
		defer release()
	}
	for _, tc := range []struct{ scope, says string }{
		{"/", "the tenant scope / is locked by deployment 'dep-tenant'"},
		{mgScope.ID(), "the management group /providers/microsoft.management/managementgroups/contoso-mg is locked"},
		{subScope.ID(), "the subscription /subscriptions/" + sub1 + " is locked"},
		{groupScope.ID(), "the resource group /subscriptions/" + sub1 + "/resourcegroups/rg1 is locked"},
	} {
		l := lease(t, "", "second")
		l.Scope = tc.scope
		_, err := s.AcquireLease(ctx(t), l, 0)
		var le *state.LeaseError
		if !errors.As(err, &le) || !strings.Contains(err.Error(), tc.says) {
			t.Errorf("AcquireLease(%s) while held: got %v, want a LeaseError saying %q", tc.scope, err, tc.says)
		}
	}
	ls, err := s.Leases(ctx(t))
	must(t, err)
	if len(ls) != 4 {
		t.Errorf("Leases: %d, want 4", len(ls))
	}
}

// testLeaseHeartbeatExpiry: a holder on another host that stopped
// renewing is alive until its heartbeat is as old as the expiry, then
// stale and taken over.
func testLeaseHeartbeatExpiry(t *testing.T, open opener) {
	s := open(t)
	const expiry = 30 * time.Second
	clock := clocked(t, s, time.Hour, expiry) // the holder will not renew in this test
	releaseRemote := acquire(t, s, remoteLease(t, "rg1", "remote"), 0)
	got, err := s.Lease(ctx(t), groupID(sub1, "rg1"))
	must(t, err)
	if !got.Heartbeat.Equal(t0) {
		t.Errorf("the heartbeat of a new lease is %v, want the clock's %v", got.Heartbeat, t0)
	}
	clock.Advance(expiry - time.Second)
	_, err = s.AcquireLease(ctx(t), lease(t, "rg1", "local"), 0)
	wantHeld(t, err, "remote")
	if got, err := s.Lease(ctx(t), groupID(sub1, "rg1")); err != nil || got.Stale {
		t.Errorf("a heartbeat %v old: Lease %+v, %v; want not stale", expiry-time.Second, got, err)
	}
	clock.Advance(time.Second)
	if got, err := s.Lease(ctx(t), groupID(sub1, "rg1")); err != nil || !got.Stale {
		t.Errorf("a heartbeat %v old: Lease %+v, %v; want stale", expiry, got, err)
	}
	releaseLocal := acquire(t, s, lease(t, "rg1", "local"), 0)
	// The expired holder's release must not free the new holder's lease.
	must(t, releaseRemote())
	got, err = s.Lease(ctx(t), groupID(sub1, "rg1"))
	must(t, err)
	if got.Holder != "local" || !got.Heartbeat.Equal(clock.Now()) {
		t.Errorf("after the take-over: %+v", got)
	}
	must(t, releaseLocal())
}

// testLeaseHeartbeatRenews: while a lease is held the store renews its
// heartbeat, so a holder on another host outlives the expiry; after the
// release nothing renews it.
func testLeaseHeartbeatRenews(t *testing.T, open opener) {
	s := open(t)
	const expiry = 30 * time.Second
	clock := clocked(t, s, 5*time.Millisecond, expiry)
	release := acquire(t, s, remoteLease(t, "rg1", "remote"), 0)
	waitHeartbeat := func(want time.Time) {
		t.Helper()
		deadline := time.Now().Add(10 * time.Second)
		for {
			got, err := s.Lease(ctx(t), groupID(sub1, "rg1"))
			must(t, err)
			if got.Heartbeat.Equal(want) {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("the heartbeat stayed %v, want %v", got.Heartbeat, want)
			}
			time.Sleep(time.Millisecond)
		}
	}
	for range 3 {
		clock.Advance(expiry - time.Second)
		waitHeartbeat(clock.Now())
	}
	// 87 s after the start the holder is alive: its heartbeat is fresh.
	_, err := s.AcquireLease(ctx(t), lease(t, "rg1", "local"), 0)
	wantHeld(t, err, "remote")
	must(t, release())
	_, err = s.Lease(ctx(t), groupID(sub1, "rg1"))
	wantNotFound(t, "Lease after release", err)
	// A lease broken under its holder is not recreated by a renewal.
	release = acquire(t, s, remoteLease(t, "rg2", "remote2"), 0)
	defer release()
	must(t, s.BreakLease(ctx(t), groupID(sub1, "rg2")))
	clock.Advance(time.Second)
	time.Sleep(50 * time.Millisecond) // several heartbeat intervals
	_, err = s.Lease(ctx(t), groupID(sub1, "rg2"))
	wantNotFound(t, "Lease after BreakLease and renewals", err)
}
