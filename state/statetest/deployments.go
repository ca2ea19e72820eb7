package statetest

import (
	"encoding/json"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/armdeploy/armdeploy/state"
)

func deployment(sub, rg, name string, started time.Time) *state.Deployment {
	return &state.Deployment{
		SubscriptionID: sub, ResourceGroup: rg, Name: name,
		TemplateHash: "12345", Parameters: json.RawMessage(`{"galleryName":{"type":"String","value":"g1"}}`),
		Mode: "Incremental", Status: "Succeeded", Outputs: json.RawMessage(`{"out":{"type":"String","value":"x"}}`),
		OutputResources: []string{galleryID(sub, rg, "g1")}, CorrelationID: "c-" + name,
		Started: started, Finished: started.Add(3 * time.Second),
		Template:     []byte("# a YAML template\nresources: []\n"),
		TemplateName: "main.yaml",
	}
}

func operation(sub, rg, dep string, seq int) *state.Operation {
	return &state.Operation{
		SubscriptionID: sub, ResourceGroup: rg, Deployment: dep, Sequence: seq,
		OperationID: fmt.Sprintf("OP%04d", seq), ResourceID: galleryID(sub, rg, fmt.Sprintf("g%d", seq)),
		ResourceType: "Microsoft.Compute/galleries", ProvisioningOperation: "Create", Status: "Succeeded",
		Started: t0.Add(time.Duration(seq) * time.Second), Duration: 1500 * time.Millisecond,
	}
}

func deploymentNames(ds []*state.Deployment) []string {
	return ids(ds, func(d *state.Deployment) string { return d.Name })
}

func testDeploymentPutGet(t *testing.T, open opener) {
	s := open(t)
	want := deployment(sub1, "rg1", "Dep1", t0)
	want.Error = json.RawMessage(`{"code":"DeploymentFailed","message":"m"}`)
	want.Status = "Failed"
	must(t, s.PutDeployment(ctx(t), want))
	got, err := s.Deployment(ctx(t), rgScope(sub1, "RG1"), "dep1")
	must(t, err)
	if got.Name != "Dep1" || got.ResourceGroup != "rg1" || got.SubscriptionID != sub1 || got.Scope() != want.Scope() ||
		got.TemplateHash != want.TemplateHash || got.Mode != want.Mode || got.Status != want.Status ||
		got.CorrelationID != want.CorrelationID || !sameJSON(got.Parameters, want.Parameters) ||
		!sameJSON(got.Outputs, want.Outputs) || !sameJSON(got.Error, want.Error) ||
		!slices.Equal(got.OutputResources, want.OutputResources) ||
		string(got.Template) != string(want.Template) || got.TemplateName != want.TemplateName ||
		!got.Started.Equal(want.Started) || !got.Finished.Equal(want.Finished) {
		t.Errorf("Deployment:\ngot  %+v\nwant %+v", got, want)
	}
	// An update of a running deployment (same Started) replaces it in place.
	want.Status, want.Error = "Succeeded", nil
	must(t, s.PutDeployment(ctx(t), want))
	got, err = s.Deployment(ctx(t), rgScope(sub1, "rg1"), "Dep1")
	must(t, err)
	if got.Status != "Succeeded" || got.Error != nil {
		t.Errorf("after update: status %s, error %s", got.Status, got.Error)
	}
	list, err := s.Deployments(ctx(t), rgScope(sub1, "rg1"))
	must(t, err)
	if len(list) != 1 {
		t.Errorf("two puts of one deployment gave %d", len(list))
	}
}

func testDeploymentOrder(t *testing.T, open opener) {
	s := open(t)
	must(t, s.PutDeployment(ctx(t), deployment(sub1, "rg1", "b", t0.Add(2*time.Hour))))
	must(t, s.PutDeployment(ctx(t), deployment(sub1, "rg1", "a", t0)))
	must(t, s.PutDeployment(ctx(t), deployment(sub1, "rg1", "c", t0.Add(time.Hour))))
	// Same start: the one stored later is newer.
	must(t, s.PutDeployment(ctx(t), deployment(sub1, "rg1", "e", t0.Add(time.Hour))))
	must(t, s.PutDeployment(ctx(t), deployment(sub1, "rg1", "d", t0.Add(time.Hour))))
	must(t, s.PutDeployment(ctx(t), deployment(sub1, "rg2", "other", t0.Add(5*time.Hour))))
	list, err := s.Deployments(ctx(t), rgScope(sub1, "RG1"))
	must(t, err)
	wantStrings(t, "Deployments, newest first", deploymentNames(list), []string{"b", "d", "e", "c", "a"})
	list, err = s.Deployments(ctx(t), rgScope(sub1, "rg9"))
	must(t, err)
	if len(list) != 0 {
		t.Errorf("Deployments of an unknown group: %d", len(list))
	}
}

func testDeploymentNotFound(t *testing.T, open opener) {
	s := open(t)
	must(t, s.PutDeployment(ctx(t), deployment(sub1, "rg1", "dep", t0)))
	_, err := s.Deployment(ctx(t), rgScope(sub1, "rg1"), "nope")
	wantNotFound(t, "Deployment of a missing name", err)
	_, err = s.Deployment(ctx(t), rgScope(sub1, "rg2"), "dep")
	wantNotFound(t, "Deployment in another group", err)
	_, err = s.Operations(ctx(t), rgScope(sub1, "rg1"), "nope")
	wantNotFound(t, "Operations of a missing deployment", err)
	wantNotFound(t, "PutOperation of a missing deployment", s.PutOperation(ctx(t), operation(sub1, "rg1", "nope", 1)))
	wantNotFound(t, "DeleteDeployment of a missing deployment", s.DeleteDeployment(ctx(t), rgScope(sub1, "rg1"), "nope"))
}

func testOperations(t *testing.T, open opener) {
	s := open(t)
	must(t, s.PutDeployment(ctx(t), deployment(sub1, "rg1", "dep", t0)))
	for _, seq := range []int{3, 1, 2} {
		must(t, s.PutOperation(ctx(t), operation(sub1, "rg1", "dep", seq)))
	}
	// Replace operation 2: Running → Failed.
	failed := operation(sub1, "rg1", "DEP", 2)
	failed.Status, failed.Error = "Failed", json.RawMessage(`{"code":"Conflict","message":"no"}`)
	must(t, s.PutOperation(ctx(t), failed))
	ops, err := s.Operations(ctx(t), rgScope(sub1, "rg1"), "Dep")
	must(t, err)
	wantStrings(t, "Operations by sequence", ids(ops, func(o *state.Operation) string { return o.OperationID }),
		[]string{"OP0001", "OP0002", "OP0003"})
	want := operation(sub1, "rg1", "dep", 1)
	if got := ops[0]; got.SubscriptionID != sub1 || got.ResourceGroup != "rg1" || got.Deployment != "dep" ||
		got.Sequence != 1 || got.ResourceID != want.ResourceID || got.ResourceType != want.ResourceType ||
		got.ProvisioningOperation != "Create" || got.Status != "Succeeded" || !got.Started.Equal(want.Started) ||
		got.Duration != want.Duration || got.Error != nil {
		t.Errorf("operation 1:\ngot  %+v\nwant %+v", got, want)
	}
	if ops[1].Status != "Failed" || !sameJSON(ops[1].Error, failed.Error) {
		t.Errorf("operation 2 was not replaced: %+v", ops[1])
	}
}

func testDeploymentRerun(t *testing.T, open opener) {
	s := open(t)
	must(t, s.PutDeployment(ctx(t), deployment(sub1, "rg1", "dep", t0)))
	must(t, s.PutDeployment(ctx(t), deployment(sub1, "rg1", "older", t0.Add(-time.Hour))))
	must(t, s.PutOperation(ctx(t), operation(sub1, "rg1", "dep", 1)))
	must(t, s.PutOperation(ctx(t), operation(sub1, "rg1", "older", 1)))
	must(t, s.PutDeployment(ctx(t), deployment(sub1, "rg1", "dep", t0.Add(time.Hour))))
	ops, err := s.Operations(ctx(t), rgScope(sub1, "rg1"), "dep")
	must(t, err)
	if len(ops) != 0 {
		t.Errorf("a new run of a deployment kept %d operations of the old run", len(ops))
	}
	ops, err = s.Operations(ctx(t), rgScope(sub1, "rg1"), "older")
	must(t, err)
	if len(ops) != 1 {
		t.Errorf("another deployment lost its operations: %d", len(ops))
	}
}

func testDeploymentDelete(t *testing.T, open opener) {
	s := open(t)
	must(t, s.PutDeployment(ctx(t), deployment(sub1, "rg1", "dep", t0)))
	must(t, s.PutDeployment(ctx(t), deployment(sub1, "rg1", "keep", t0)))
	must(t, s.PutOperation(ctx(t), operation(sub1, "rg1", "dep", 1)))
	must(t, s.DeleteDeployment(ctx(t), rgScope(sub1, "RG1"), "DEP"))
	_, err := s.Deployment(ctx(t), rgScope(sub1, "rg1"), "dep")
	wantNotFound(t, "Deployment after DeleteDeployment", err)
	_, err = s.Operations(ctx(t), rgScope(sub1, "rg1"), "dep")
	wantNotFound(t, "Operations after DeleteDeployment", err)
	// Recreating it starts without the old operations.
	must(t, s.PutDeployment(ctx(t), deployment(sub1, "rg1", "dep", t0)))
	ops, err := s.Operations(ctx(t), rgScope(sub1, "rg1"), "dep")
	must(t, err)
	if len(ops) != 0 {
		t.Errorf("a recreated deployment has %d old operations", len(ops))
	}
	list, err := s.Deployments(ctx(t), rgScope(sub1, "rg1"))
	must(t, err)
	wantStrings(t, "Deployments", deploymentNames(list), []string{"dep", "keep"})
}

func testDeploymentPrune(t *testing.T, open opener) {
	if testing.Short() {
		t.Skip("stores 805 deployments")
	}
	s := open(t)
	const n = state.MaxDeployments + 5
	for i := range n {
		must(t, s.PutDeployment(ctx(t), deployment(sub1, "rg1", fmt.Sprintf("d%04d", i), t0.Add(time.Duration(i)*time.Minute))))
	}
	// Grooming keeps the history under GroomDeployments: the newest 789.
	const kept = state.GroomDeployments - 1
	oldest := n - kept
	must(t, s.PutOperation(ctx(t), operation(sub1, "rg1", fmt.Sprintf("d%04d", oldest), 1)))
	must(t, s.PutDeployment(ctx(t), deployment(sub1, "rg2", "elsewhere", t0)))
	list, err := s.Deployments(ctx(t), rgScope(sub1, "rg1"))
	must(t, err)
	if len(list) != kept {
		t.Fatalf("after %d deployments the group keeps %d, want %d", n, len(list), kept)
	}
	if first, last := list[0].Name, list[len(list)-1].Name; first != fmt.Sprintf("d%04d", n-1) || last != fmt.Sprintf("d%04d", oldest) {
		t.Errorf("kept %s ... %s, want the newest d%04d ... d%04d", first, last, n-1, oldest)
	}
	_, err = s.Deployment(ctx(t), rgScope(sub1, "rg1"), fmt.Sprintf("d%04d", oldest-1))
	wantNotFound(t, "a groomed deployment", err)
	// One more grooms the oldest with its operations.
	must(t, s.PutDeployment(ctx(t), deployment(sub1, "rg1", "newest", t0.Add(100*time.Hour))))
	_, err = s.Operations(ctx(t), rgScope(sub1, "rg1"), fmt.Sprintf("d%04d", oldest))
	wantNotFound(t, "the operations of a groomed deployment", err)
	if _, err := s.Deployment(ctx(t), rgScope(sub1, "rg2"), "elsewhere"); err != nil {
		t.Errorf("grooming one group touched another: %v", err)
	}
}
