package server_test

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/armdeploy/armdeploy/arm"
	"github.com/armdeploy/armdeploy/server"
	"github.com/armdeploy/armdeploy/state/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// Two serve replicas on one PostgreSQL store, sharing their material
// folder (CA, token key): a token of one is good on the other, and a
// deployment started through one is seen, and canceled, through the other.
func TestServeReplicasOnePostgres(t *testing.T) {
	dsn := pgtest.DSN(t)
	dir := filepath.Join(t.TempDir(), "serve")
	sleeping := make(chan struct{}, 16)
	a := newEnvOn(t, dsn, dir, func(o *server.Options) {
		o.Apply = arm.ApplyOptions{Parallelism: 1, Latency: time.Hour, Sleep: func(ctx context.Context, _ time.Duration) error {
			sleeping <- struct{}{}
			<-ctx.Done()
			return ctx.Err()
		}}
	})
	b := newEnvOn(t, dsn, dir)
	tok := a.token(a.owner)
	g := "/subscriptions/" + sub + "/resourcegroups/rg1"
	dep := g + "/providers/Microsoft.Resources/deployments/slow"
	if status, _, body := a.do("PUT", g+api, tok, `{"location": "eastus"}`); status != 201 {
		t.Fatalf("group through a: %d %s", status, body)
	}
	if status, _, body := b.do("GET", g+api, tok, ""); status != 200 || !strings.Contains(body, `"name":"rg1"`) {
		t.Fatalf("group through b: %d %s", status, body)
	}
	status, h, body := a.do("PUT", dep+api, tok, fmt.Sprintf(galleryTemplate, "g1", "g1"))
	if status != 201 {
		t.Fatalf("deploy through a: %d %s", status, body)
	}
	<-sleeping // a runs the first operation
	// The poll URL names a's address; b is asked the same path.
	poll := strings.TrimPrefix(h.Get("Azure-AsyncOperation"), a.base)
	if poll == h.Get("Azure-AsyncOperation") {
		t.Fatalf("poll URL %q is not on a's address %s", poll, a.base)
	}
	steps := []struct {
		name, method, path string
		status             int
		want               string
	}{
		{"b shows it Running", "GET", dep + api, 200, `"provisioningState":"Running"`},
		{"b lists it", "GET", g + "/providers/Microsoft.Resources/deployments/" + api, 200, `"name":"slow"`},
		{"b polls a's operation", "GET", poll, 200, `"status":"Running"`},
		{"b cancels it", "POST", dep + "/cancel" + api, 204, ""},
	}
	for _, s := range steps {
		status, _, got := b.do(s.method, s.path, tok, "")
		if status != s.status || !strings.Contains(got, s.want) {
			t.Fatalf("%s: %d %s", s.name, status, got)
		}
	}
	if _, got := b.pollLRO(poll, tok, false); !strings.Contains(got, `"status":"Canceled"`) {
		t.Fatalf("after b's cancel: %s", got)
	}
	if status, _, got := a.do("GET", dep+api, tok, ""); status != 200 || !strings.Contains(got, `"provisioningState":"Canceled"`) {
		t.Errorf("a after b's cancel: %d %s", status, got)
	}
}
