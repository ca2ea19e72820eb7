package statetest

import (
	"os"
	"testing"
	"time"

	"github.com/armdeploy/armdeploy/state"
)

// testLeaseRecordsHolder: a lease reads back with its holder's principal,
// command, pid and host; a holder on this host that gave no process
// identity gets its process's.
func testLeaseRecordsHolder(t *testing.T, open opener) {
	s := open(t)
	l := lease(t, "rg1", "depA")
	l.Principal = "11111111-2222-3333-4444-555555555555"
	l.Command = "armdeploy deployment group create"
	release := acquire(t, s, l, 0)
	defer release()
	got, err := s.Lease(ctx(t), groupID(sub1, "rg1"))
	must(t, err)
	start, boot := state.ProcessIdentity(os.Getpid())
	if got.Principal != l.Principal || got.Command != l.Command || got.PID != l.PID || got.Host != l.Host ||
		got.ProcessStart != start || got.BootID != boot || got.Stale {
		t.Errorf("Lease: got %+v, want %+v with process start %d and boot id %q, not stale", got, l, start, boot)
	}
	ls, err := s.Leases(ctx(t))
	must(t, err)
	if len(ls) != 1 || ls[0].Principal != l.Principal || ls[0].ProcessStart != start || ls[0].BootID != boot {
		t.Errorf("Leases: got %+v", ls)
	}
}

// testLeaseReusedPID: a lease of this host whose pid is alive but whose
// recorded start time or boot id is not that process's belongs to a holder
// that is gone (its pid was reused after a crash or a reboot): it reads
// stale and is taken over; with the live process's identity it is held.
func testLeaseReusedPID(t *testing.T, open opener) {
	start, boot := state.ProcessIdentity(os.Getpid())
	if start == 0 || boot == "" {
		t.Skip("this system does not tell a process's start time and boot id")
	}
	for _, tc := range []struct {
		name  string
		start uint64
		boot  string
		gone  bool
	}{
		{"same process", start, boot, false},
		{"other start time", start + 1, boot, true},
		{"other boot", start, "00000000-0000-0000-0000-000000000000", true},
		{"start time only", start + 1, "", true},
		{"boot id only, same", 0, boot, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := open(t)
			old := lease(t, "rg1", "old")
			old.Principal = "someone"
			old.ProcessStart, old.BootID = tc.start, tc.boot
			releaseOld := acquire(t, s, old, 0)
			defer releaseOld()
			got, err := s.Lease(ctx(t), groupID(sub1, "rg1"))
			must(t, err)
			if got.ProcessStart != tc.start || got.BootID != tc.boot || got.Stale != tc.gone {
				t.Errorf("Lease: got start %d, boot %q, stale %v; want %d, %q, %v",
					got.ProcessStart, got.BootID, got.Stale, tc.start, tc.boot, tc.gone)
			}
			var taken []*state.Lease
			l := lease(t, "rg1", "new")
			l.OnTakeover = func(old *state.Lease) { taken = append(taken, old) }
			release, err := s.AcquireLease(ctx(t), l, 0)
			if !tc.gone {
				wantHeld(t, err, "old")
				if len(taken) != 0 {
					t.Errorf("OnTakeover called for a live holder: %+v", taken[0])
				}
				return
			}
			must(t, err)
			defer release()
			if len(taken) != 1 || taken[0].Holder != "old" || taken[0].Principal != "someone" || !taken[0].Stale {
				t.Errorf("OnTakeover: got %+v, want one call with the old holder's stale lease", taken)
			}
		})
	}
}

// testLeaseTakeoverReported: OnTakeover is told of a dead holder's lease,
// with what it recorded; not when the scope was free, nor when the lease
// was released while AcquireLease waited.
func testLeaseTakeoverReported(t *testing.T, open opener) {
	s := open(t)
	var taken []*state.Lease
	onTakeover := func(old *state.Lease) { taken = append(taken, old) }
	free := lease(t, "rg1", "first")
	free.OnTakeover = onTakeover
	must(t, acquire(t, s, free, 0)())
	if len(taken) != 0 {
		t.Fatalf("OnTakeover called for a free scope: %+v", taken[0])
	}
	dead := lease(t, "rg1", "crashed")
	dead.PID, dead.Principal, dead.Command = deadPID, "alice", "armdeploy deploy"
	releaseDead := acquire(t, s, dead, 0)
	defer releaseDead()
	l := lease(t, "RG1", "next")
	l.OnTakeover = onTakeover
	release := acquire(t, s, l, 0)
	if len(taken) != 1 {
		t.Fatalf("OnTakeover called %d times, want once", len(taken))
	}
	if got := taken[0]; got.Holder != "crashed" || got.Principal != "alice" || got.PID != deadPID ||
		got.Host != dead.Host || got.Command != dead.Command || got.Heartbeat.IsZero() || !got.Stale {
		t.Errorf("OnTakeover got %+v, want the crashed holder's lease, stale", got)
	}
	done := make(chan error, 1)
	waiter := lease(t, "rg1", "waiter")
	waiter.OnTakeover = onTakeover
	go func() {
		r, err := s.AcquireLease(ctx(t), waiter, time.Minute)
		if err == nil {
			err = r()
		}
		done <- err
	}()
	must(t, release())
	must(t, <-done)
	if len(taken) != 1 {
		t.Errorf("OnTakeover called after a release: %+v", taken[1:])
	}
}
