package server_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/armdeploy/armdeploy/arm"
	"github.com/armdeploy/armdeploy/server"
)

const galleryTemplate = `{"properties": {"mode": "Incremental", "template": {
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#", "contentVersion": "1.0.0.0",
  "resources": [{"type": "Microsoft.Compute/galleries", "apiVersion": "2021-10-01", "name": "%s", "location": "eastus"},
                {"type": "Microsoft.Compute/galleries", "apiVersion": "2021-10-01", "name": "%s2", "location": "eastus"}]}}}`

func TestShutdownCancelsRunningDeployments(t *testing.T) {
	sleeping := make(chan struct{}, 16)
	e := newEnv(t, "", func(o *server.Options) {
		o.Apply = arm.ApplyOptions{Parallelism: 1, Latency: time.Hour, Sleep: func(ctx context.Context, _ time.Duration) error {
			sleeping <- struct{}{}
			<-ctx.Done()
			return ctx.Err()
		}}
	})
	tok := e.token(e.owner)
	g := "/subscriptions/" + sub + "/resourcegroups/rg1"
	e.do("PUT", g+api, tok, `{"location": "eastus"}`)
	status, _, body := e.do("PUT", g+"/providers/Microsoft.Resources/deployments/slow"+api, tok, fmt.Sprintf(galleryTemplate, "g1", "g1"))
	if status != 201 || !strings.Contains(body, `"provisioningState":"Running"`) {
		t.Fatalf("PUT: %d %s", status, body)
	}
	<-sleeping // the first operation is under way; the client stops polling
	e.stop()
	rec, err := e.svc.GetDeployment(t.Context(), "", arm.Scope{SubscriptionID: sub, ResourceGroup: "rg1"}, "slow")
	if err != nil || rec.Status != "Canceled" {
		t.Errorf("after shutdown: %v %v", rec, err)
	}
	if !strings.Contains(e.log.String(), "PUT /subscriptions/") {
		t.Errorf("log: %s", e.log.String())
	}
}

func TestCancelAndDeleteDeployment(t *testing.T) {
	sleeping := make(chan struct{}, 16)
	e := newEnv(t, "", func(o *server.Options) {
		o.Apply = arm.ApplyOptions{Parallelism: 1, Latency: time.Hour, Sleep: func(ctx context.Context, _ time.Duration) error {
			sleeping <- struct{}{}
			<-ctx.Done()
			return ctx.Err()
		}}
	})
	tok := e.token(e.owner)
	g := "/subscriptions/" + sub + "/resourcegroups/rg1"
	dep := g + "/providers/Microsoft.Resources/deployments/slow"
	e.do("PUT", g+api, tok, `{"location": "eastus"}`)
	status, h, body := e.do("PUT", dep+api, tok, fmt.Sprintf(galleryTemplate, "g1", "g1"))
	if status != 201 {
		t.Fatalf("PUT: %d %s", status, body)
	}
	<-sleeping
	steps := []struct {
		name, method, path string
		status             int
		want               string
	}{
		{"the poll says Running", "GET", h.Get("Azure-AsyncOperation"), 200, `"status":"Running"`},
		{"a running deployment cannot be deleted", "DELETE", dep + api, 409, "DeploymentActive"},
		{"cancel", "POST", dep + "/cancel" + api, 204, ""},
	}
	for _, s := range steps {
		status, _, got := e.do(s.method, s.path, tok, "")
		if status != s.status || !strings.Contains(got, s.want) {
			t.Fatalf("%s: %d %s", s.name, status, got)
		}
	}
	if _, got := e.pollLRO(h.Get("Azure-AsyncOperation"), tok, false); !strings.Contains(got, `"status":"Canceled"`) {
		t.Fatalf("after cancel: %s", got)
	}
	if status, _, got := e.do("POST", dep+"/cancel"+api, tok, ""); status != 409 || !strings.Contains(got, "DeploymentCannotBeCanceled") {
		t.Errorf("second cancel: %d %s", status, got)
	}
	if status, _, got := e.do("GET", dep+"/operations/0000000000000001"+api, tok, ""); status != 200 || !strings.Contains(got, `"operationId":"0000000000000001"`) {
		t.Errorf("operation get: %d %s", status, got)
	}
	status, h, _ = e.do("DELETE", dep+api, tok, "")
	if status != 202 {
		t.Fatalf("delete: %d", status)
	}
	if status, got := e.pollLRO(h.Get("Location"), tok, true); status != 200 {
		t.Fatalf("delete poll: %d %s", status, got)
	}
	if status, _, _ := e.do("GET", dep+api, tok, ""); status != 404 {
		t.Errorf("deleted deployment: %d", status)
	}
}

// Two servers over one state file and the control plane writing to it
// directly, all at once: every write lands.
func TestTwoServersOneState(t *testing.T) {
	a := newEnv(t, "")
	b := newEnvAt(t, a)
	tok := a.token(a.owner) // the signing key is shared: valid on both
	const n = 6
	if _, err := a.svc.CreateOrUpdateGroup(t.Context(), "", arm.GroupRequest{SubscriptionID: sub, Name: "shared", Location: "eastus"}); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan string, 10*n)
	for i := range n {
		for _, srv := range []struct {
			name string
			e    *env
		}{{"a", a}, {"b", b}} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				g := fmt.Sprintf("/subscriptions/%s/resourcegroups/rg-%s-%d", sub, srv.name, i)
				if status, _, body := srv.e.do("PUT", g+api, tok, `{"location": "eastus"}`); status != 201 {
					errs <- fmt.Sprintf("%s: group: %d %s", g, status, body)
					return
				}
				status, h, body := srv.e.do("PUT", g+"/providers/Microsoft.Resources/deployments/d"+api, tok,
					fmt.Sprintf(galleryTemplate, fmt.Sprintf("g%s%d", srv.name, i), fmt.Sprintf("g%s%d", srv.name, i)))
				if status != 201 {
					errs <- fmt.Sprintf("%s: deploy: %d %s", g, status, body)
					return
				}
				if _, body := srv.e.pollLRO(h.Get("Azure-AsyncOperation"), tok, false); !strings.Contains(body, "Succeeded") {
					errs <- fmt.Sprintf("%s: deploy: %s", g, body)
				}
				// Both servers write into one shared group too.
				shared := fmt.Sprintf("/subscriptions/%s/resourcegroups/shared/providers/Microsoft.Compute/galleries/s%s%d?api-version=2021-10-01", sub, srv.name, i)
				if status, _, body := srv.e.do("PUT", shared, tok, `{"location": "eastus"}`); status != 201 {
					errs <- fmt.Sprintf("shared: %d %s", status, body)
				}
			}()
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := a.svc.CreateOrUpdateGroup(context.Background(), "", arm.GroupRequest{SubscriptionID: sub, Name: fmt.Sprintf("rg-cli-%d", i), Location: "eastus"}); err != nil {
				errs <- err.Error()
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
	gs, err := b.svc.ListGroups(t.Context(), "", sub)
	if err != nil || len(gs) != 3*n+1 {
		t.Errorf("groups: %d (want %d) %v", len(gs), 3*n+1, err)
	}
	rs, err := a.svc.ListResources(t.Context(), "", arm.ResourceFilter{SubscriptionID: sub, Type: "Microsoft.Compute/galleries"})
	if err != nil || len(rs) != 2*2*n+2*n {
		t.Errorf("galleries: %d (want %d) %v", len(rs), 6*n, err)
	}
}
