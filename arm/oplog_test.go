package arm

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/armdeploy/armdeploy/planner"
)

// The operation log writes behind the apply, but an event reaches the
// caller only once its operation's record is stored with that status, in
// the order the apply sent them; once the deployment is finished every
// operation is stored Succeeded.
func TestOperationReportedIsStored(t *testing.T) {
	s, dir := newService(t)
	file := writeFile(t, dir, "t.json", `{`+rgSchema+`, "resources": [{"type": "Microsoft.Network/networkSecurityGroups", "apiVersion": "2023-04-01",
	  "name": "[format('nsg-{0}', copyIndex())]", "location": "eastus", "properties": {"securityRules": []}, "copy": {"name": "c", "count": 40}}]}`)
	sc := Scope{SubscriptionID: sub0, ResourceGroup: "rg-ops"}
	status := map[planner.EventKind]string{planner.Started: "Running", planner.Succeeded: "Succeeded"}
	var mu sync.Mutex
	var problems []string
	seen := map[string]planner.EventKind{}
	hook := planner.HookFunc(func(e planner.Event) {
		want, ok := status[e.Kind]
		if !ok {
			return
		}
		ops, err := s.store.Operations(context.Background(), sc, "t")
		mu.Lock()
		defer mu.Unlock()
		if prev, ok := seen[e.ResourceID]; ok && prev == planner.Succeeded {
			problems = append(problems, e.ResourceID+": an event after Succeeded")
		}
		seen[e.ResourceID] = e.Kind
		if err != nil {
			problems = append(problems, err.Error())
			return
		}
		for _, op := range ops {
			if strings.EqualFold(op.ResourceID, e.ResourceID) {
				// Running may already be Succeeded in the store: the
				// record is the operation's newest.
				if op.Status != want && (want != "Running" || op.Status != "Succeeded") {
					problems = append(problems, e.ResourceID+": reported "+want+", stored "+op.Status)
				}
				return
			}
		}
		problems = append(problems, e.ResourceID+": reported "+want+", not stored")
	})
	res, err := s.CreateOrUpdate(t.Context(), &DeploymentRequest{Scope: sc, Name: "t", Location: "eastus", CreateGroup: true,
		Template: Template{File: file}, Apply: ApplyOptions{Hook: hook}})
	if err != nil || res.Status() != "Succeeded" {
		t.Fatal(err, res.Status())
	}
	for _, p := range problems {
		t.Error(p)
	}
	if len(seen) != 40 {
		t.Errorf("%d resources reported, want 40", len(seen))
	}
	ops, err := s.ListOperations(t.Context(), "", sc, "t")
	if err != nil || len(ops) != 40 {
		t.Fatalf("%v: %d operations, want 40", err, len(ops))
	}
	for _, op := range ops {
		if op.Status != "Succeeded" {
			t.Errorf("%s: %s once the deployment finished", op.ResourceID, op.Status)
		}
	}
}
