package planner

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/armdeploy/armdeploy/providers"
	"github.com/armdeploy/armdeploy/state"
)

// failing refuses every PUT of its type, like a provider rejecting a body.
type failing struct{}

func (failing) Types() []string { return []string{"Test.Fail/things"} }
func (failing) Put(context.Context, *providers.Request) (*providers.Result, error) {
	return nil, providers.Errorf("InvalidParameter", "This thing is not valid.")
}
func (failing) Delete(context.Context, *providers.DeleteRequest) error { return nil }
func (failing) ReadOnly(string) []string                               { return nil }
func (failing) Immutable(string) []string                              { return nil }

func init() { providers.Register(failing{}) }

type recorder struct {
	mu     sync.Mutex
	events []string
}

func (r *recorder) Event(e Event) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, e.Kind.String()+" "+e.Name)
}

// openStore opens a fresh SQLite store for a test.
func openStore(t testing.TB) *state.SQLiteStore {
	t.Helper()
	st, err := state.Open(filepath.Join(t.TempDir(), "state.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func plan(t testing.TB, doc string) *Plan {
	t.Helper()
	p, ds := NewPlan(expand(t, doc))
	if ds.HasErrors() {
		t.Fatal(ds)
	}
	return p
}

func TestApplyCommitsInDependencyOrder(t *testing.T) {
	p := plan(t, `{"resources":[
	  {"type":"A.B/x","apiVersion":"1","name":"c","dependsOn":["b"],"properties":{"v":3}},
	  {"type":"A.B/x","apiVersion":"1","name":"b","dependsOn":["a"]},
	  {"type":"A.B/x","apiVersion":"1","name":"a","location":"eastus"}]}`)
	store := openStore(t)
	rec := &recorder{}
	res, err := Apply(context.Background(), p, ApplyOptions{Store: store, Hook: rec, Parallelism: 1, SubscriptionID: "s", ResourceGroup: "rg", Deployment: "d1"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Failed() || len(res.OutputResources) != 3 {
		t.Fatalf("result %+v", res)
	}
	if got := strings.Join(rec.events, ","); got != "Started a,Succeeded a,Started b,Succeeded b,Started c,Succeeded c" {
		t.Errorf("events %s", got)
	}
	c, err := store.Resource(context.Background(), "/subscriptions/s/resourceGroups/rg/providers/A.B/x/c")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(c.Request), `"properties":{"v":3}`) || c.Deployment != "d1" {
		t.Errorf("stored %s / %s", c.Request, c.Deployment)
	}
	// Deploying the same template again: what-if shows no change.
	wi, err := WhatIf(context.Background(), p.Resources, store, WhatIfOptions{SubscriptionID: "s", ResourceGroup: "rg"})
	if err != nil {
		t.Fatal(err)
	}
	for _, ch := range wi.Properties.Changes {
		if ch.ChangeType != NoChange {
			t.Errorf("%s: %s %+v", ch.ResourceID, ch.ChangeType, ch.Delta)
		}
	}
}

func TestApplyFailureSkipsDependents(t *testing.T) {
	p := plan(t, `{"resources":[
	  {"type":"Test.Fail/things","apiVersion":"1","name":"bad"},
	  {"type":"A.B/x","apiVersion":"1","name":"after","dependsOn":["bad"]},
	  {"type":"A.B/x","apiVersion":"1","name":"later","dependsOn":["after"]},
	  {"type":"A.B/x","apiVersion":"1","name":"independent"}]}`)
	res, err := Apply(context.Background(), p, ApplyOptions{Store: openStore(t), SubscriptionID: "s", ResourceGroup: "rg"})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, op := range res.Operations {
		got[op.ResourceID[strings.LastIndexByte(op.ResourceID, '/')+1:]] = op.Status
	}
	want := map[string]string{"bad": "Failed", "after": "Skipped", "later": "Skipped", "independent": "Succeeded"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("statuses %v, want %v", got, want)
	}
	if errs := res.Errors(); len(errs) != 1 || errs[0].Code != "InvalidParameter" {
		t.Errorf("errors %v", errs)
	}
}

func TestApplyCancel(t *testing.T) {
	p := plan(t, `{"resources":[
	  {"type":"A.B/x","apiVersion":"1","name":"a"},
	  {"type":"A.B/x","apiVersion":"1","name":"b","dependsOn":["a"]}]}`)
	ctx, cancel := context.WithCancel(context.Background())
	// The first operation's simulated wait cancels the apply: it still
	// completes, its dependent is recorded Canceled.
	sleep := func(context.Context, time.Duration) error { cancel(); return nil }
	res, err := Apply(ctx, p, ApplyOptions{Store: openStore(t), Sleep: sleep, SubscriptionID: "s", ResourceGroup: "rg"})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Operations) != 2 || res.Operations[0].Status != "Succeeded" || res.Operations[1].Status != "Canceled" {
		t.Errorf("operations %+v", res.Operations)
	}
}

func TestSecretsNeverReachTheStore(t *testing.T) {
	src := `{"parameters":{"pw":{"type":"securestring"}},"resources":[
	  {"type":"Test.Generic/servers","apiVersion":"1","name":"db","properties":{"login":"admin","password":"[parameters('pw')]","nested":{"secret":"[parameters('pw')]","plain":1}}}]}`
	p, ds := NewPlan(expandWith(t, src, "pw=Hunter2-Secret"))
	if ds.HasErrors() {
		t.Fatal(ds)
	}
	st := openStore(t)
	if _, err := Apply(context.Background(), p, ApplyOptions{Store: st, SubscriptionID: "s", ResourceGroup: "rg"}); err != nil {
		t.Fatal(err)
	}
	r, err := st.Resource(context.Background(), "/subscriptions/s/resourceGroups/rg/providers/Test.Generic/servers/db")
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range [][]byte{r.Body, r.Request} {
		if strings.Contains(string(b), "Hunter2") {
			t.Errorf("the secret is stored: %s", b)
		}
	}
	if !strings.Contains(string(r.Body), `"plain":1`) || !strings.Contains(string(r.Body), `"login":"admin"`) {
		t.Errorf("non-secret values lost: %s", r.Body)
	}
}

// gatedStore holds the commits of the resources it names until gate
// closes.
type gatedStore struct {
	*state.SQLiteStore
	held map[string]bool
	gate chan struct{}
}

func (s *gatedStore) PutResource(ctx context.Context, r *state.Resource) error {
	if s.held[r.Name] {
		select {
		case <-s.gate:
		case <-time.After(10 * time.Second):
			return errors.New("the gate never opened: a commit held its operation's slot")
		}
	}
	return s.SQLiteStore.PutResource(ctx, r)
}

// An operation waiting for its commit holds no slot of Parallelism: with
// two slots and the commits of a and b held, c still starts (and its
// simulated wait opens the gate).
func TestApplyCommitHoldsNoSlot(t *testing.T) {
	p := plan(t, `{"resources":[
	  {"type":"A.B/x","apiVersion":"1","name":"a"},
	  {"type":"A.B/x","apiVersion":"1","name":"b"},
	  {"type":"A.B/x","apiVersion":"1","name":"c"}]}`)
	store := &gatedStore{SQLiteStore: openStore(t), held: map[string]bool{"a": true, "b": true}, gate: make(chan struct{})}
	var mu sync.Mutex
	calls := 0
	sleep := func(ctx context.Context, _ time.Duration) error {
		mu.Lock()
		defer mu.Unlock()
		if calls++; calls == 3 {
			close(store.gate)
		}
		return nil
	}
	res, err := Apply(context.Background(), p, ApplyOptions{Store: store, Parallelism: 2, Sleep: sleep, SubscriptionID: "s", ResourceGroup: "rg"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Failed() || len(res.OutputResources) != 3 {
		t.Fatalf("result %+v", res.Operations)
	}
}

// countingStore counts the commits of resources.
type countingStore struct {
	*state.SQLiteStore
	mu        sync.Mutex
	committed int
	gate      chan struct{}
}

func (s *countingStore) PutResource(ctx context.Context, r *state.Resource) error {
	<-s.gate
	err := s.SQLiteStore.PutResource(ctx, r)
	s.mu.Lock()
	s.committed++
	s.mu.Unlock()
	return err
}

// The operations waiting for their commits are bounded: no more than
// maxPending have started and not been committed, however slow the store.
func TestApplyBoundsPendingCommits(t *testing.T) {
	bound := maxPending(10)
	n := bound + 50 // more than the bound, so that the gate opens
	var rs []string
	for i := range n {
		rs = append(rs, fmt.Sprintf(`{"type":"A.B/x","apiVersion":"1","name":"r%d"}`, i))
	}
	p := plan(t, `{"resources":[`+strings.Join(rs, ",")+`]}`)
	store := &countingStore{SQLiteStore: openStore(t), gate: make(chan struct{})}
	started, most := 0, 0
	sleep := func(ctx context.Context, _ time.Duration) error {
		store.mu.Lock()
		defer store.mu.Unlock()
		started++
		most = max(most, started-store.committed)
		if started == bound {
			close(store.gate) // the commits go on once the bound is reached
		}
		return nil
	}
	res, err := Apply(context.Background(), p, ApplyOptions{Store: store, Parallelism: 10, Sleep: sleep, SubscriptionID: "s", ResourceGroup: "rg"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Failed() || len(res.OutputResources) != n {
		t.Fatalf("result %+v", res.Operations)
	}
	if most > bound {
		t.Errorf("%d operations started and not committed at once, want at most %d", most, bound)
	}
}
