package arm

import (
	"context"
	"errors"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/armdeploy/armdeploy/planner"
	"github.com/armdeploy/armdeploy/providers"
	"github.com/armdeploy/armdeploy/state"
)

// leaseFixture is a service with groups rga and rgb and role assignments:
// owner (Owner of the subscription), contribA and readerA (Contributor and
// Reader of rga); nobody has no role.
func leaseFixture(t *testing.T) *Service {
	t.Helper()
	s, _ := newService(t)
	ctx := t.Context()
	for _, g := range []string{"rga", "rgb"} {
		if _, err := s.CreateOrUpdateGroup(ctx, "", GroupRequest{SubscriptionID: sub0, Name: g, Location: "eastus"}); err != nil {
			t.Fatal(err)
		}
	}
	sub := "/subscriptions/" + sub0
	for i, a := range []struct{ scope, principal, role string }{
		{sub, "owner", providers.RoleOwner},
		{sub + "/resourceGroups/rga", "contribA", providers.RoleContributor},
		{sub + "/resourceGroups/rga", "readerA", providers.RoleReader},
	} {
		id := fmt.Sprintf("%s/providers/Microsoft.Authorization/roleAssignments/00000000-0000-0000-0000-%012d", a.scope, i+1)
		body := `{"properties":{"principalId":"` + a.principal + `","roleDefinitionId":"` + sub +
			`/providers/Microsoft.Authorization/roleDefinitions/` + a.role + `"}}`
		if _, err := s.PutResource(ctx, "", id, "2022-04-01", []byte(body)); err != nil {
			t.Fatalf("assign %s: %v", a.principal, err)
		}
	}
	return s
}

func groupScope(rg string) Scope { return Scope{SubscriptionID: sub0, ResourceGroup: rg} }

// plantLease records a lease on rg as held by holder, from a process
// that is gone (pid) or alive (this process); its release is returned.
func plantLease(t *testing.T, s *Service, rg, holder string, alive bool) func() error {
	t.Helper()
	l := state.Lease{Scope: leaseScope(groupScope(rg)), Holder: holder, Principal: "alice", PID: 1<<31 - 1,
		Host: s.host, Command: "armdeploy deployment group create", Started: testNow}
	if alive {
		l.PID = os.Getpid()
	}
	release, err := s.store.AcquireLease(t.Context(), l, 0)
	if err != nil {
		t.Fatal(err)
	}
	return release
}

func putRunning(t *testing.T, s *Service, rg, name string) {
	t.Helper()
	ctx := t.Context()
	if err := s.store.PutDeployment(ctx, &state.Deployment{SubscriptionID: sub0, ResourceGroup: rg, Name: name,
		Mode: "Incremental", Status: "Running", Started: testNow}); err != nil {
		t.Fatal(err)
	}
	if err := s.store.PutOperation(ctx, &state.Operation{SubscriptionID: sub0, ResourceGroup: rg, Deployment: name,
		OperationID: "1", ResourceID: "/x", Status: "Running", Started: testNow}); err != nil {
		t.Fatal(err)
	}
}

func errCode(err error) string {
	if e, ok := AsError(err); ok {
		return e.Code
	}
	if err != nil {
		return err.Error()
	}
	return ""
}

// TestDeploymentLeaseHolder: a deployment's lease names its principal
// (a readable name for the default one), and taking over a gone holder's
// lease is reported with that holder.
func TestDeploymentLeaseHolder(t *testing.T) {
	for _, tc := range []struct {
		name, principal, want string
		stale                 bool // a gone holder's lease is there first
	}{
		{"default principal", "", DefaultPrincipalName, false},
		{"named principal", "owner", "owner", false},
		{"takes over a gone holder", "owner", "owner", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := leaseFixture(t)
			if tc.stale {
				plantLease(t, s, "rga", "crashed", false)
			}
			var taken []*state.Lease
			var held *state.Lease
			req := &DeploymentRequest{Scope: groupScope("rga"), Name: "dep", Principal: tc.principal,
				Template: Template{File: "dep.json", Content: []byte(rgTemplate(gallery("g1")))}}
			req.Apply.OnTakeover = func(old *state.Lease) { taken = append(taken, old) }
			req.Apply.OnStart = func(*planner.Plan, *state.Deployment) {
				held, _ = s.store.Lease(t.Context(), leaseScope(req.Scope))
			}
			res, err := s.CreateOrUpdate(t.Context(), req)
			if err != nil || res.Status() != "Succeeded" {
				t.Fatalf("CreateOrUpdate: %v, %q", err, res.Status())
			}
			if held == nil || held.Principal != tc.want || held.Holder != "dep" || held.PID != os.Getpid() ||
				held.Command != "arm test" {
				t.Errorf("the lease while deploying: %+v, want principal %q", held, tc.want)
			}
			switch {
			case !tc.stale && len(taken) != 0:
				t.Errorf("OnTakeover called without a gone holder: %+v", taken[0])
			case tc.stale && (len(taken) != 1 || taken[0].Holder != "crashed" || taken[0].Principal != "alice" || !taken[0].Stale):
				t.Errorf("OnTakeover: %+v, want the crashed holder's lease once", taken)
			}
		})
	}
}

// TestBreakLeaseAccess: only an Owner of the scope breaks its lease; a
// refusal leaves the lease.
func TestBreakLeaseAccess(t *testing.T) {
	for _, tc := range []struct {
		name, principal, code string
	}{
		{"default principal", "", ""},
		{"subscription owner", "owner", ""},
		{"contributor of the group", "contribA", "AuthorizationFailed"},
		{"reader of the group", "readerA", "AuthorizationFailed"},
		{"no role", "nobody", "AuthorizationFailed"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := leaseFixture(t)
			plantLease(t, s, "rga", "crashed", false)
			b, err := s.BreakLease(t.Context(), tc.principal, groupScope("rga"))
			if got := errCode(err); got != tc.code {
				t.Fatalf("BreakLease as %q: %v, want %q", tc.principal, err, tc.code)
			}
			_, lerr := s.store.Lease(t.Context(), leaseScope(groupScope("rga")))
			if tc.code != "" {
				if lerr != nil {
					t.Errorf("a refused break removed the lease: %v", lerr)
				}
				return
			}
			if b.Lease.Holder != "crashed" || !b.Lease.Stale || b.Interrupted || b.CancelRequested {
				t.Errorf("BreakLease: %+v", b)
			}
			if !errors.Is(lerr, state.ErrNotFound) {
				t.Errorf("the lease after the break: %v", lerr)
			}
		})
	}
}

// TestBreakLeaseStates: breaking the lease of a gone holder records its
// Running deployment Failed; of a live holder, asks it to cancel and
// leaves its record to it; no lease is LeaseNotFound.
func TestBreakLeaseStates(t *testing.T) {
	for _, tc := range []struct {
		name             string
		lease, alive     bool
		running          bool
		code             string
		status, opStatus string // of the holder's deployment after the break
		interrupted      bool
		cancel           bool
	}{
		{name: "no lease", code: "LeaseNotFound"},
		{name: "gone holder, no record", lease: true},
		{name: "gone holder, running", lease: true, running: true, status: "Failed", opStatus: "Failed", interrupted: true},
		{name: "live holder, no record", lease: true, alive: true},
		{name: "live holder, running", lease: true, alive: true, running: true, status: "Running", opStatus: "Running", cancel: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := leaseFixture(t)
			ctx := t.Context()
			if tc.running {
				putRunning(t, s, "rga", "holder")
			}
			if tc.lease {
				release := plantLease(t, s, "rga", "holder", tc.alive)
				defer func() {
					if err := release(); err != nil {
						t.Errorf("the broken holder's release: %v", err)
					}
				}()
			}
			b, err := s.BreakLease(ctx, "owner", groupScope("RGA"))
			if got := errCode(err); got != tc.code {
				t.Fatalf("BreakLease: %v, want %q", err, tc.code)
			}
			if err != nil {
				return
			}
			if b.Interrupted != tc.interrupted || b.CancelRequested != tc.cancel || b.Lease.Stale == tc.alive {
				t.Errorf("BreakLease: %+v", b)
			}
			if tc.running {
				d, err := s.GetDeployment(ctx, "", groupScope("rga"), "holder")
				if err != nil || d.Status != tc.status {
					t.Errorf("the holder's deployment: %v, %q; want %s", err, d.Status, tc.status)
				}
				ops, _ := s.ListOperations(ctx, "", groupScope("rga"), "holder")
				if len(ops) != 1 || ops[0].Status != tc.opStatus {
					t.Errorf("the holder's operations: %+v, want one %s", ops, tc.opStatus)
				}
				c, err := s.store.CancelRequested(ctx, groupScope("rga"), "holder")
				if err != nil || c != tc.cancel {
					t.Errorf("CancelRequested: %v, %v; want %v", c, err, tc.cancel)
				}
			}
			// The scope is free: a new deployment takes it.
			again := acquireFor(t, s, "rga", "next")
			defer again()
		})
	}
}

func acquireFor(t *testing.T, s *Service, rg, holder string) func() error {
	t.Helper()
	release, err := s.store.AcquireLease(t.Context(), s.leaseFor(leaseScope(groupScope(rg)), holder, "", nil), 0)
	if err != nil {
		t.Fatalf("the lease after the break: %v", err)
	}
	return release
}

// TestBreakLeaseOfRunningDeployment: a deployment whose lease is broken
// while it runs is canceled and records itself Canceled; its release does
// not touch the lease taken after the break.
func TestBreakLeaseOfRunningDeployment(t *testing.T) {
	s := leaseFixture(t)
	s.opts.CancelPoll = time.Millisecond
	ctx := t.Context()
	// g2 waits for g1, which runs until the deployment is canceled: g2
	// never starts.
	g2 := `{"type": "Microsoft.Compute/galleries", "apiVersion": "2022-03-03", "name": "g2", "location": "eastus",
		"dependsOn": ["g1"], "properties": {}}`
	req := &DeploymentRequest{Scope: groupScope("rga"), Name: "long",
		Template: Template{File: "long.json", Content: []byte(rgTemplate(gallery("g1"), g2))}}
	var broken *BrokenLease
	var breakErr error
	var next func() error
	req.Apply.OnStart = func(*planner.Plan, *state.Deployment) {
		broken, breakErr = s.BreakLease(ctx, "owner", req.Scope)
		next = acquireFor(t, s, "rga", "next")
	}
	// An operation waits until the deployment is canceled (then completes).
	req.Apply.Sleep = func(ctx context.Context, _ time.Duration) error { <-ctx.Done(); return ctx.Err() }
	req.Apply.Latency = time.Second
	res, err := s.CreateOrUpdate(ctx, req)
	if err != nil || breakErr != nil {
		t.Fatalf("CreateOrUpdate: %v; BreakLease: %v", err, breakErr)
	}
	if !broken.CancelRequested || broken.Lease.Stale || broken.Lease.Holder != "long" {
		t.Errorf("BreakLease: %+v", broken)
	}
	if res.Status() != "Canceled" {
		t.Errorf("the deployment whose lease was broken: %s, want Canceled", res.Status())
	}
	l, err := s.store.Lease(ctx, leaseScope(req.Scope))
	if err != nil || l.Holder != "next" {
		t.Errorf("the lease taken after the break: %+v, %v; want it kept", l, err)
	}
	if err := next(); err != nil {
		t.Error(err)
	}
}

// TestLeasesFiltered: a principal lists the leases of the scopes it may
// read.
func TestLeasesFiltered(t *testing.T) {
	s := leaseFixture(t)
	plantLease(t, s, "rga", "a", true)
	plantLease(t, s, "rgb", "b", false)
	for _, tc := range []struct {
		principal string
		want      []string
	}{
		{"", []string{"a", "b"}},
		{"owner", []string{"a", "b"}},
		{"readerA", []string{"a"}},
		{"nobody", nil},
	} {
		t.Run(tc.principal, func(t *testing.T) {
			ls, err := s.Leases(t.Context(), tc.principal)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, l := range ls {
				got = append(got, l.Holder)
			}
			if fmt.Sprint(got) != fmt.Sprint(tc.want) {
				t.Errorf("Leases(%q) = %v, want %v", tc.principal, got, tc.want)
			}
		})
	}
}
