package statetest

import (
	"encoding/json"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/armdeploy/armdeploy/state"
)

func principal(app, name string) *state.ServicePrincipal {
	return &state.ServicePrincipal{AppID: app, ObjectID: "oid-" + app, TenantID: "tenant-1", DisplayName: name,
		SecretHash: "$2a$10$hash-of-" + app, Created: t0}
}

func testPrincipalCreateGetList(t *testing.T, open opener) {
	s := open(t)
	for _, p := range []*state.ServicePrincipal{principal("app-b", "Beta"), principal("app-a", "alpha"), principal("app-c", "gamma")} {
		must(t, s.CreateServicePrincipal(ctx(t), p))
	}
	got, err := s.ServicePrincipal(ctx(t), "APP-B")
	must(t, err)
	want := principal("app-b", "Beta")
	if !(got.AppID == want.AppID && got.ObjectID == want.ObjectID && got.TenantID == want.TenantID &&
		got.DisplayName == want.DisplayName && got.SecretHash == want.SecretHash && got.Created.Equal(want.Created)) {
		t.Errorf("ServicePrincipal: got %+v, want %+v", got, want)
	}
	list, err := s.ServicePrincipals(ctx(t))
	must(t, err)
	wantStrings(t, "ServicePrincipals", ids(list, func(p *state.ServicePrincipal) string { return p.DisplayName }),
		[]string{"alpha", "Beta", "gamma"})
	_, err = s.ServicePrincipal(ctx(t), "app-z")
	wantNotFound(t, "ServicePrincipal of a missing app id", err)
}

func testPrincipalUnique(t *testing.T, open opener) {
	s := open(t)
	must(t, s.CreateServicePrincipal(ctx(t), principal("app-a", "ci")))
	cases := []struct {
		name string
		p    *state.ServicePrincipal
	}{
		{"same app id", principal("APP-A", "other")},
		{"same name in another case", principal("app-b", "CI")},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if err := s.CreateServicePrincipal(ctx(t), tc.p); !errors.Is(err, state.ErrExists) {
				t.Errorf("got %v, want an error wrapping state.ErrExists", err)
			}
		})
	}
	// Concurrent creations of one name: exactly one wins.
	var wg sync.WaitGroup
	errs := make([]error, 8)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = s.CreateServicePrincipal(ctx(t), principal("app-x"+string(rune('0'+i)), "race"))
		}()
	}
	wg.Wait()
	won := 0
	for _, err := range errs {
		switch {
		case err == nil:
			won++
		case !errors.Is(err, state.ErrExists):
			t.Errorf("concurrent create: %v", err)
		}
	}
	if won != 1 {
		t.Errorf("concurrent creates of one name: %d succeeded, want 1", won)
	}
	if err := s.CreateServicePrincipal(ctx(t), &state.ServicePrincipal{AppID: "x", DisplayName: "no-hash", ObjectID: "o"}); err == nil {
		t.Error("a principal without a secret hash was stored")
	}
}

func testPrincipalDelete(t *testing.T, open opener) {
	s := open(t)
	must(t, s.CreateServicePrincipal(ctx(t), principal("app-a", "ci")))
	must(t, s.DeleteServicePrincipal(ctx(t), "App-A"))
	_, err := s.ServicePrincipal(ctx(t), "app-a")
	wantNotFound(t, "ServicePrincipal after delete", err)
	wantNotFound(t, "DeleteServicePrincipal of a missing one", s.DeleteServicePrincipal(ctx(t), "app-a"))
	// The name is free again.
	must(t, s.CreateServicePrincipal(ctx(t), principal("app-b", "ci")))
}

func testAsyncOperation(t *testing.T, open opener) {
	s := open(t)
	op := &state.AsyncOperation{ID: "Op-1", Scope: groupID(sub1, "rg1"), Kind: "whatIf", Principal: "p1", Status: "Running", Created: t0, Updated: t0}
	must(t, s.PutAsyncOperation(ctx(t), op))
	got, err := s.AsyncOperation(ctx(t), "op-1")
	must(t, err)
	if got.ID != "Op-1" || got.Status != "Running" || got.Kind != "whatIf" || got.Principal != "p1" || got.Scope != op.Scope || !got.Created.Equal(t0) || got.Result != nil {
		t.Errorf("AsyncOperation: got %+v", got)
	}
	done := &state.AsyncOperation{ID: "op-1", Scope: op.Scope, Kind: "whatIf", Status: "Succeeded",
		Result: json.RawMessage(`{"status":"Succeeded"}`), Updated: t0.Add(time.Second)}
	must(t, s.PutAsyncOperation(ctx(t), done))
	got, err = s.AsyncOperation(ctx(t), "OP-1")
	must(t, err)
	if got.Status != "Succeeded" || !sameJSON(got.Result, done.Result) || !got.Created.Equal(t0) || !got.Updated.Equal(t0.Add(time.Second)) {
		t.Errorf("after update: got %+v (want the first Created kept)", got)
	}
	_, err = s.AsyncOperation(ctx(t), "op-2")
	wantNotFound(t, "AsyncOperation of a missing id", err)
	if err := s.PutAsyncOperation(ctx(t), &state.AsyncOperation{ID: "bad", Status: "Failed", Error: json.RawMessage(`{`)}); err == nil {
		t.Error("an operation with an error that is not JSON was stored")
	}
}

func testAsyncOperationExpiry(t *testing.T, open opener) {
	s := open(t)
	old := time.Now().Add(-2 * state.AsyncOperationTTL)
	must(t, s.PutAsyncOperation(ctx(t), &state.AsyncOperation{ID: "old-done", Status: "Succeeded", Created: old, Updated: old}))
	must(t, s.PutAsyncOperation(ctx(t), &state.AsyncOperation{ID: "old-running", Status: "Running", Created: old, Updated: old}))
	must(t, s.PutAsyncOperation(ctx(t), &state.AsyncOperation{ID: "new", Status: "Running"}))
	_, err := s.AsyncOperation(ctx(t), "old-done")
	wantNotFound(t, "a finished operation older than the TTL", err)
	if _, err := s.AsyncOperation(ctx(t), "old-running"); err != nil {
		t.Errorf("a running operation was groomed: %v", err)
	}
}
