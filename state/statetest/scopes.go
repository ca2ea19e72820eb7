package statetest

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/armdeploy/armdeploy/state"
)

// The four scopes the suite deploys to; each holds a deployment named
// "dep" in the scope tests.
var (
	tenantScope = state.Scope{}
	mgScope     = state.Scope{ManagementGroup: "Contoso-MG"}
	subScope    = state.Scope{SubscriptionID: sub1}
	groupScope  = state.Scope{SubscriptionID: sub1, ResourceGroup: "rg1"}
	allScopes   = []struct {
		name  string
		scope state.Scope
		level string
	}{
		{"tenant", tenantScope, "tenant"},
		{"managementGroup", mgScope, "managementGroup"},
		{"subscription", subScope, "subscription"},
		{"resourceGroup", groupScope, "resourceGroup"},
	}
)

// deploymentAt returns a deployment record at scope.
func deploymentAt(sc state.Scope, name string, started time.Time) *state.Deployment {
	d := deployment(sc.SubscriptionID, sc.ResourceGroup, name, started)
	d.ManagementGroup = sc.ManagementGroup
	return d
}

// operationAt returns operation seq of deployment dep at scope.
func operationAt(sc state.Scope, dep string, seq int) *state.Operation {
	op := operation(sc.SubscriptionID, sc.ResourceGroup, dep, seq)
	op.ManagementGroup = sc.ManagementGroup
	return op
}

// upper returns sc with its names upper-cased: the store must find it.
func upper(sc state.Scope) state.Scope {
	return state.Scope{ManagementGroup: strings.ToUpper(sc.ManagementGroup),
		SubscriptionID: strings.ToUpper(sc.SubscriptionID), ResourceGroup: strings.ToUpper(sc.ResourceGroup)}
}

// testDeploymentScopes stores a deployment of one name at each of the four
// scopes: each is its own record, found at its scope only.
func testDeploymentScopes(t *testing.T, open opener) {
	s := open(t)
	// Another subscription's deployment of the same name, which no scope
	// below may see.
	must(t, s.PutDeployment(ctx(t), deploymentAt(state.Scope{SubscriptionID: sub2}, "dep", t0)))
	for i, sc := range allScopes {
		d := deploymentAt(sc.scope, "dep", t0.Add(time.Duration(i)*time.Hour))
		d.CorrelationID = "c-" + sc.name
		if sc.scope.ResourceGroup == "" {
			d.Location = "loc-" + sc.name
		}
		must(t, s.PutDeployment(ctx(t), d))
	}
	for i, sc := range allScopes {
		t.Run(sc.name, func(t *testing.T) {
			if got := sc.scope.Level(); got != sc.level {
				t.Errorf("Level: got %s, want %s", got, sc.level)
			}
			got, err := s.Deployment(ctx(t), upper(sc.scope), "DEP")
			must(t, err)
			if want := map[bool]string{true: "loc-" + sc.name}[sc.scope.ResourceGroup == ""]; got.Location != want {
				t.Errorf("Deployment at %s: location %q, want %q", sc.scope.ID(), got.Location, want)
			}
			if got.Scope() != sc.scope || got.CorrelationID != "c-"+sc.name ||
				!got.Started.Equal(t0.Add(time.Duration(i)*time.Hour)) {
				t.Errorf("Deployment at %s: scope %+v, correlation %s, started %v", sc.scope.ID(), got.Scope(),
					got.CorrelationID, got.Started)
			}
			list, err := s.Deployments(ctx(t), sc.scope)
			must(t, err)
			if len(list) != 1 || list[0].CorrelationID != "c-"+sc.name {
				t.Errorf("Deployments at %s: %d, want only its own", sc.scope.ID(), len(list))
			}
		})
	}
	// Deleting one leaves the others.
	must(t, s.DeleteDeployment(ctx(t), upper(mgScope), "dep"))
	_, err := s.Deployment(ctx(t), mgScope, "dep")
	wantNotFound(t, "Deployment after DeleteDeployment at the management group", err)
	wantNotFound(t, "a second DeleteDeployment", s.DeleteDeployment(ctx(t), mgScope, "dep"))
	for _, sc := range []state.Scope{tenantScope, subScope, groupScope, {SubscriptionID: sub2}} {
		if _, err := s.Deployment(ctx(t), sc, "dep"); err != nil {
			t.Errorf("deleting the management group's deployment touched %s: %v", sc.ID(), err)
		}
	}
	// Another management group, an unknown one, has no history.
	list, err := s.Deployments(ctx(t), state.Scope{ManagementGroup: "other"})
	must(t, err)
	if len(list) != 0 {
		t.Errorf("an unknown management group lists %d deployments", len(list))
	}
}

func testDeploymentOperationsPerScope(t *testing.T, open opener) {
	s := open(t)
	for i, sc := range allScopes {
		must(t, s.PutDeployment(ctx(t), deploymentAt(sc.scope, "dep", t0)))
		for seq := 1; seq <= i+1; seq++ {
			must(t, s.PutOperation(ctx(t), operationAt(sc.scope, "dep", seq)))
		}
	}
	for i, sc := range allScopes {
		ops, err := s.Operations(ctx(t), upper(sc.scope), "dep")
		must(t, err)
		if len(ops) != i+1 {
			t.Errorf("Operations at %s: %d, want %d", sc.scope.ID(), len(ops), i+1)
			continue
		}
		for _, op := range ops {
			if op.Scope() != sc.scope || op.Deployment != "dep" {
				t.Errorf("an operation at %s says scope %+v, deployment %s", sc.scope.ID(), op.Scope(), op.Deployment)
			}
		}
	}
	// An operation of a deployment that exists at another scope only.
	wantNotFound(t, "PutOperation at the wrong scope",
		s.PutOperation(ctx(t), operationAt(state.Scope{ManagementGroup: "other"}, "dep", 1)))
	_, err := s.Operations(ctx(t), state.Scope{SubscriptionID: sub2}, "dep")
	wantNotFound(t, "Operations at the wrong scope", err)
}

func testDeploymentInvalidScope(t *testing.T, open opener) {
	s := open(t)
	for _, sc := range []state.Scope{
		{ResourceGroup: "rg"},
		{ManagementGroup: "mg", SubscriptionID: sub1},
		{ManagementGroup: "mg", ResourceGroup: "rg"},
		{SubscriptionID: sub1 + "/resourceGroups/rg"},
	} {
		if err := s.PutDeployment(ctx(t), deploymentAt(sc, "dep", t0)); !errors.Is(err, state.ErrInvalidID) {
			t.Errorf("PutDeployment at %+v: got %v, want an error wrapping ErrInvalidID", sc, err)
		}
		if _, err := s.Deployments(ctx(t), sc); !errors.Is(err, state.ErrInvalidID) {
			t.Errorf("Deployments at %+v: got %v, want an error wrapping ErrInvalidID", sc, err)
		}
	}
	if err := s.PutDeployment(ctx(t), deploymentAt(groupScope, "", t0)); err == nil {
		t.Error("PutDeployment without a name succeeded")
	}
}

// fill stores n deployments d0000... at sc, a minute apart from start.
func fill(t *testing.T, s state.Store, sc state.Scope, n int, start time.Time, status string) {
	t.Helper()
	for i := range n {
		d := deploymentAt(sc, fmt.Sprintf("d%04d", i), start.Add(time.Duration(i)*time.Minute))
		d.Status = status
		must(t, s.PutDeployment(ctx(t), d))
	}
}

// testDeploymentGroomPerScope fills a management group's history past the
// grooming mark: the oldest go first, but not a running one and not at
// another scope; reusing a name moves it to the newest place.
func testDeploymentGroomPerScope(t *testing.T, open opener) {
	if testing.Short() {
		t.Skip("stores 800 deployments")
	}
	s := open(t)
	running := deploymentAt(mgScope, "still-running", t0.Add(-time.Hour))
	running.Status = "Running"
	must(t, s.PutDeployment(ctx(t), running))
	must(t, s.PutDeployment(ctx(t), deploymentAt(tenantScope, "tenant-old", t0.Add(-2*time.Hour))))
	must(t, s.PutDeployment(ctx(t), deploymentAt(state.Scope{ManagementGroup: "other-mg"}, "old", t0.Add(-2*time.Hour))))
	const n = state.MaxDeployments
	fill(t, s, mgScope, n, t0, "Succeeded")
	list, err := s.Deployments(ctx(t), mgScope)
	must(t, err)
	// The history holds GroomDeployments-1: the running one and the newest.
	kept := state.GroomDeployments - 1
	if len(list) != kept {
		t.Fatalf("after %d deployments the management group keeps %d, want %d", n+1, len(list), kept)
	}
	oldestKept := n - (kept - 1)
	if last := list[len(list)-1].Name; last != "still-running" {
		t.Errorf("the oldest kept is %s, want the running deployment", last)
	}
	if got := list[len(list)-2].Name; got != fmt.Sprintf("d%04d", oldestKept) {
		t.Errorf("the oldest finished deployment kept is %s, want d%04d", got, oldestKept)
	}
	if list[0].Name != fmt.Sprintf("d%04d", n-1) {
		t.Errorf("the newest is %s, want d%04d", list[0].Name, n-1)
	}
	for _, sc := range []state.Scope{tenantScope, {ManagementGroup: "other-mg"}} {
		if l, err := s.Deployments(ctx(t), sc); err != nil || len(l) != 1 {
			t.Errorf("grooming a management group touched %s: %d left, %v", sc.ID(), len(l), err)
		}
	}
	// Reusing the oldest name (a new run) moves it to the newest place, so
	// the next grooming takes the one after it.
	reused := fmt.Sprintf("d%04d", oldestKept)
	must(t, s.PutDeployment(ctx(t), deploymentAt(mgScope, reused, t0.Add(100*time.Hour))))
	must(t, s.PutDeployment(ctx(t), deploymentAt(mgScope, "newest", t0.Add(101*time.Hour))))
	list, err = s.Deployments(ctx(t), mgScope)
	must(t, err)
	names := deploymentNames(list)
	wantStrings(t, "the newest two", names[:2], []string{"newest", reused})
	if len(list) != kept {
		t.Errorf("after two more the history holds %d, want %d", len(list), kept)
	}
	if slices.Contains(names, fmt.Sprintf("d%04d", oldestKept+1)) {
		t.Errorf("d%04d was not groomed", oldestKept+1)
	}
	if !slices.Contains(names, "still-running") {
		t.Error("a running deployment was groomed")
	}
}

// testDeploymentHistoryFull fills the tenant's history with running
// deployments, which grooming keeps: the 801st is refused.
func testDeploymentHistoryFull(t *testing.T, open opener) {
	if testing.Short() {
		t.Skip("stores 800 deployments")
	}
	s := open(t)
	fill(t, s, tenantScope, state.MaxDeployments, t0, "Running")
	err := s.PutDeployment(ctx(t), deploymentAt(tenantScope, "one-too-many", t0.Add(100*time.Hour)))
	if !errors.Is(err, state.ErrHistoryFull) {
		t.Fatalf("the 801st deployment: got %v, want ErrHistoryFull", err)
	}
	if _, err := s.Deployment(ctx(t), tenantScope, "one-too-many"); !errors.Is(err, state.ErrNotFound) {
		t.Errorf("a refused deployment was stored: %v", err)
	}
	// A running deployment reporting its end is an update, never refused;
	// finished, it can be groomed, which makes room for the next.
	done := deploymentAt(tenantScope, "d0000", t0)
	must(t, s.PutDeployment(ctx(t), done))
	must(t, s.PutDeployment(ctx(t), deploymentAt(tenantScope, "next", t0.Add(100*time.Hour))))
	list, err := s.Deployments(ctx(t), tenantScope)
	must(t, err)
	if len(list) != state.MaxDeployments || list[0].Name != "next" {
		t.Errorf("after grooming the finished one: %d, newest %s", len(list), list[0].Name)
	}
	if _, err := s.Deployment(ctx(t), tenantScope, "d0000"); !errors.Is(err, state.ErrNotFound) {
		t.Errorf("the finished deployment was not groomed: %v", err)
	}
}

func testRunningDeployments(t *testing.T, open opener) {
	s := open(t)
	for i, sc := range allScopes {
		d := deploymentAt(sc.scope, "run", t0.Add(time.Duration(i)*time.Minute))
		d.Status = "Running"
		must(t, s.PutDeployment(ctx(t), d))
		must(t, s.PutDeployment(ctx(t), deploymentAt(sc.scope, "done", t0)))
	}
	failed := deploymentAt(subScope, "failed", t0)
	failed.Status = "Failed"
	must(t, s.PutDeployment(ctx(t), failed))
	list, err := s.RunningDeployments(ctx(t))
	must(t, err)
	var got []string
	for _, d := range list {
		got = append(got, d.Scope().Level()+" "+d.Name)
		if d.Status != "Running" {
			t.Errorf("RunningDeployments lists %s with status %s", d.Name, d.Status)
		}
	}
	slices.Sort(got)
	wantStrings(t, "RunningDeployments", got,
		[]string{"managementGroup run", "resourceGroup run", "subscription run", "tenant run"})
	// One ends: it is no longer listed.
	ended := deploymentAt(mgScope, "run", t0.Add(time.Minute))
	ended.Status = "Canceled"
	must(t, s.PutDeployment(ctx(t), ended))
	list, err = s.RunningDeployments(ctx(t))
	must(t, err)
	if len(list) != 3 || slices.ContainsFunc(list, func(d *state.Deployment) bool { return d.ManagementGroup != "" }) {
		t.Errorf("after the management group's ended: %q", deploymentNames(list))
	}
}

func testCancelRequest(t *testing.T, open opener) {
	s := open(t)
	running := func(sc state.Scope, started time.Time) *state.Deployment {
		d := deploymentAt(sc, "dep", started)
		d.Status = "Running"
		return d
	}
	wantFlag := func(what string, sc state.Scope, want bool) {
		t.Helper()
		got, err := s.CancelRequested(ctx(t), sc, "dep")
		if err != nil || got != want {
			t.Errorf("%s: CancelRequested at %s = %v, %v; want %v", what, sc.ID(), got, err, want)
		}
	}
	wantNotFound(t, "RequestCancel of a missing deployment", s.RequestCancel(ctx(t), groupScope, "dep"))
	_, err := s.CancelRequested(ctx(t), groupScope, "dep")
	wantNotFound(t, "CancelRequested of a missing deployment", err)
	for _, sc := range allScopes {
		must(t, s.PutDeployment(ctx(t), running(sc.scope, t0)))
	}
	must(t, s.PutDeployment(ctx(t), deploymentAt(state.Scope{ManagementGroup: "other"}, "dep", t0)))
	if err := s.RequestCancel(ctx(t), state.Scope{ManagementGroup: "other"}, "dep"); !errors.Is(err, state.ErrNotRunning) {
		t.Errorf("RequestCancel of a finished deployment: got %v, want ErrNotRunning", err)
	}
	wantFlag("a finished deployment", state.Scope{ManagementGroup: "other"}, false)
	for _, sc := range allScopes {
		wantFlag("before any request", sc.scope, false)
	}
	for _, sc := range allScopes {
		t.Run(sc.name, func(t *testing.T) {
			must(t, s.RequestCancel(ctx(t), upper(sc.scope), "DEP"))
			must(t, s.RequestCancel(ctx(t), sc.scope, "dep")) // twice is once
			wantFlag("after RequestCancel", sc.scope, true)
			// A running deployment reporting progress keeps the request.
			must(t, s.PutDeployment(ctx(t), running(sc.scope, t0)))
			wantFlag("after an update that is still Running", sc.scope, true)
			// A new run of the name starts without it.
			must(t, s.PutDeployment(ctx(t), running(sc.scope, t0.Add(time.Hour))))
			wantFlag("after a new run", sc.scope, false)
			// The end of the run clears it.
			must(t, s.RequestCancel(ctx(t), sc.scope, "dep"))
			canceled := running(sc.scope, t0.Add(time.Hour))
			canceled.Status = "Canceled"
			must(t, s.PutDeployment(ctx(t), canceled))
			wantFlag("after the run ended", sc.scope, false)
			if err := s.RequestCancel(ctx(t), sc.scope, "dep"); !errors.Is(err, state.ErrNotRunning) {
				t.Errorf("RequestCancel after the end: got %v, want ErrNotRunning", err)
			}
		})
	}
	// One scope's request is not another's.
	must(t, s.PutDeployment(ctx(t), running(subScope, t0.Add(2*time.Hour))))
	must(t, s.PutDeployment(ctx(t), running(groupScope, t0.Add(2*time.Hour))))
	must(t, s.RequestCancel(ctx(t), subScope, "dep"))
	wantFlag("the subscription's deployment", subScope, true)
	wantFlag("the group's deployment of the same name", groupScope, false)
}
