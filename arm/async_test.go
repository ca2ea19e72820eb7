package arm

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/armdeploy/armdeploy/state"
	"github.com/armdeploy/armdeploy/templates/diag"
)

func TestStartDeployment(t *testing.T) {
	s, _ := newService(t)
	ctx := t.Context()
	if _, err := s.CreateOrUpdateGroup(ctx, "", GroupRequest{SubscriptionID: sub0, Name: "rg1", Location: "eastus"}); err != nil {
		t.Fatal(err)
	}
	rg := Scope{SubscriptionID: sub0, ResourceGroup: "rg1"}
	req := func(name, template string) *DeploymentRequest {
		return &DeploymentRequest{Scope: rg, Name: name, Template: Template{File: name + ".json", Content: []byte(template)}}
	}
	tests := []struct {
		name     string
		template string
		refused  bool
		status   string
	}{
		{"runs to its end", rgTemplate(gallery("g1")), false, "Succeeded"},
		{"a template error is refused before any record", `{` + rgSchema + `, "resources": [], "outputs": {"x": {"type": "string", "value": "[nosuch()]"}}}`, true, ""},
		{"a provider refusal is refused before any record", rgTemplate(gallery("bad-name")), true, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			name := strings.ReplaceAll(tc.name, " ", "-")[:10]
			start, err := s.StartDeployment(ctx, req(name, tc.template))
			if err != nil {
				t.Fatal(err)
			}
			<-start.Done
			if (start.Refused != nil) != tc.refused {
				t.Fatalf("refused: got %v, want %v", start.Refused != nil, tc.refused)
			}
			if tc.refused {
				if _, err := s.GetDeployment(ctx, "", rg, name); err == nil {
					t.Error("a refused deployment has a record")
				}
				return
			}
			if !start.Created || start.Deployment.View.Properties.ProvisioningState != "Running" {
				t.Errorf("first reply: created %v, %s", start.Created, start.Deployment.View.Properties.ProvisioningState)
			}
			st, err := s.DeploymentStatus(ctx, "", rg, name)
			if err != nil || st.Status != tc.status {
				t.Errorf("status: %+v %v", st, err)
			}
		})
	}
}

func TestStartDeploymentCanceled(t *testing.T) {
	s, _ := newService(t)
	ctx := t.Context()
	if _, err := s.CreateOrUpdateGroup(ctx, "", GroupRequest{SubscriptionID: sub0, Name: "rg1", Location: "eastus"}); err != nil {
		t.Fatal(err)
	}
	rg := Scope{SubscriptionID: sub0, ResourceGroup: "rg1"}
	sleeping := make(chan struct{}, 8)
	run, cancel := context.WithCancel(context.Background())
	req := &DeploymentRequest{Scope: rg, Name: "slow", Template: Template{File: "slow.json", Content: []byte(rgTemplate(gallery("g1"), gallery("g2")))},
		Apply: ApplyOptions{Parallelism: 1, Latency: time.Hour, Sleep: func(ctx context.Context, _ time.Duration) error {
			sleeping <- struct{}{}
			<-ctx.Done()
			return ctx.Err()
		}}}
	start, err := s.StartDeployment(run, req)
	if err != nil || start.Deployment == nil {
		t.Fatal(start, err)
	}
	<-sleeping
	cancel() // the server stops
	<-start.Done
	st, err := s.DeploymentStatus(ctx, "", rg, "slow")
	if err != nil || st.Status != "Canceled" {
		t.Errorf("after cancel: %+v %v", st, err)
	}
}

func TestStartWhatIfAndDeletes(t *testing.T) {
	s, _ := newService(t)
	ctx := t.Context()
	if _, err := s.CreateOrUpdateGroup(ctx, "", GroupRequest{SubscriptionID: sub0, Name: "rg1", Location: "eastus"}); err != nil {
		t.Fatal(err)
	}
	rg := Scope{SubscriptionID: sub0, ResourceGroup: "rg1"}
	wait := func(op *state.AsyncOperation, done <-chan struct{}, err error) *state.AsyncOperation {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		if op.Status != "Running" {
			t.Errorf("first status %s", op.Status)
		}
		<-done
		got, err := s.AsyncOperation(ctx, "", op.ID)
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	req := &DeploymentRequest{Scope: rg, Name: "w", Template: Template{File: "w.json", Content: []byte(rgTemplate(gallery("g1")))}}
	op := wait(s.StartWhatIf(ctx, req))
	var res struct {
		Status     string
		Properties struct{ Changes []struct{ ChangeType string } }
	}
	if err := json.Unmarshal(op.Result, &res); err != nil || res.Status != "Succeeded" || len(res.Properties.Changes) != 1 ||
		res.Properties.Changes[0].ChangeType != "Create" {
		t.Errorf("what-if result %s (%v)", op.Result, err)
	}
	bad := &DeploymentRequest{Scope: rg, Name: "w", Template: Template{File: "w.json", Content: []byte(`{"resources": 1}`)}}
	op = wait(s.StartWhatIf(ctx, bad))
	if !strings.Contains(string(op.Result), `"status":"Failed"`) || !strings.Contains(string(op.Result), "InvalidTemplate") {
		t.Errorf("what-if of a bad template: %s", op.Result)
	}
	if _, _, err := s.StartWhatIf(ctx, &DeploymentRequest{Scope: rg, Name: "w", Principal: "stranger", Template: req.Template}); !isCode(err, "AuthorizationFailed") {
		t.Errorf("a stranger's what-if: %v", err)
	}
	if _, err := s.AsyncOperation(ctx, "stranger", op.ID); !isCode(err, "AuthorizationFailed") {
		t.Errorf("a stranger reads the operation: %v", err)
	}
	if _, err := s.AsyncOperation(ctx, "", "nope"); !isCode(err, "OperationNotFound") {
		t.Errorf("a missing operation: %v", err)
	}
	if _, err := s.CreateOrUpdate(ctx, &DeploymentRequest{Scope: rg, Name: "d", Template: req.Template}); err != nil {
		t.Fatal(err)
	}
	if op := wait(s.StartDeleteDeployment(ctx, "", rg, "d")); op.Status != "Succeeded" {
		t.Errorf("deployment delete: %+v", op)
	}
	if op := wait(s.StartDeleteGroup(ctx, "", sub0, "rg1")); op.Status != "Succeeded" {
		t.Errorf("group delete: %+v", op)
	}
	if _, _, err := s.StartDeleteGroup(ctx, "", sub0, "rg1"); !isCode(err, "ResourceGroupNotFound") {
		t.Errorf("delete of a missing group: %v", err)
	}
}

func isCode(err error, code string) bool {
	e, ok := AsError(err)
	return ok && e.Code == code
}

func TestStartPutResourceReplicates(t *testing.T) {
	s, dir := newService(t)
	ctx := t.Context()
	if _, err := s.CreateOrUpdateGroup(ctx, "", GroupRequest{SubscriptionID: sub0, Name: "rg1", Location: "eastus"}); err != nil {
		t.Fatal(err)
	}
	prereq := writeFile(t, dir, "pre.json", rgTemplate(gallery("g1"),
		`{"type": "Microsoft.Compute/galleries/images", "apiVersion": "2022-03-03", "name": "g1/d1", "location": "eastus", "dependsOn": ["g1"],
		  "properties": {"osType": "Linux", "osState": "Generalized", "identifier": {"publisher": "p", "offer": "o", "sku": "s"}}}`,
		`{"type": "Microsoft.Compute/images", "apiVersion": "2022-03-01", "name": "img", "location": "eastus",
		  "properties": {"storageProfile": {"osDisk": {"osType": "Linux", "osState": "Generalized", "blobUri": "https://a.blob.core.windows.net/v/os.vhd"}}}}`))
	res, err := s.CreateOrUpdate(ctx, &DeploymentRequest{Scope: Scope{SubscriptionID: sub0, ResourceGroup: "rg1"}, Template: Template{File: prereq}})
	if err != nil || res.Status() != "Succeeded" {
		t.Fatalf("prerequisites: %v %v %v", err, res.Diags, res.Preflight)
	}
	id := "/subscriptions/" + sub0 + "/resourceGroups/rg1/providers/Microsoft.Compute/galleries/g1/images/d1/versions/1.0.0"
	img := "/subscriptions/" + sub0 + "/resourceGroups/rg1/providers/Microsoft.Compute/images/img"
	body := `{"location": "eastus", "properties": {"publishingProfile": {"targetRegions": [{"name": "eastus"}, {"name": "westus2"}]},
		"storageProfile": {"source": {"id": "` + img + `"}}}}`
	steps := make(chan struct{})
	put, err := s.StartPutResource(ctx, "", id, "2024-03-03", json.RawMessage(body), Simulation{PerWeight: time.Second,
		Sleep: func(ctx context.Context, _ time.Duration) error { <-steps; return nil }})
	if err != nil {
		t.Fatal(err)
	}
	if put.Operation == nil || !put.Created {
		t.Fatalf("no long-running operation: %+v", put)
	}
	state := func() (string, string) {
		r, err := s.GetResource(ctx, "", id)
		if err != nil {
			t.Fatal(err)
		}
		var b struct {
			Properties struct {
				ProvisioningState string
				ReplicationStatus struct{ AggregatedState string }
			}
		}
		_ = json.Unmarshal(r.Body, &b)
		return b.Properties.ProvisioningState, b.Properties.ReplicationStatus.AggregatedState
	}
	if ps, agg := state(); ps != "Creating" || agg != "InProgress" {
		t.Errorf("while replicating: %s %s", ps, agg)
	}
	if st, _ := s.ResourceStatus(ctx, "", put.Operation.ID); st.Status != "InProgress" {
		t.Errorf("operation while replicating: %+v", st)
	}
	close(steps)
	<-put.Done
	if ps, agg := state(); ps != "Succeeded" || agg != "Completed" {
		t.Errorf("after replication: %s %s", ps, agg)
	}
	if st, _ := s.ResourceStatus(ctx, "", put.Operation.ID); st.Status != "Succeeded" {
		t.Errorf("operation after replication: %+v", st)
	}
	r, _ := s.GetResource(ctx, "", id)
	if v, _ := json.Marshal(ResourceView(r, "")); strings.Contains(string(v), "replicationStatus") {
		t.Error("replicationStatus shown without $expand")
	}
	if v, _ := json.Marshal(ResourceView(r, "ReplicationStatus")); !strings.Contains(string(v), "replicationStatus") {
		t.Error("replicationStatus not shown with $expand")
	}
}

func TestInvalidTemplateError(t *testing.T) {
	d := func(code, msg string) diag.Diagnostic {
		return diag.Diagnostic{Severity: diag.Error, Code: code, Message: msg, Target: "resources[0]"}
	}
	tests := []struct {
		name    string
		ds      diag.Diagnostics
		code    string
		details int
	}{
		{"one error", diag.Diagnostics{d("InvalidTemplate", "bad")}, "InvalidTemplate", 1},
		{"two codes", diag.Diagnostics{d("InvalidTemplate", "a"), d("NoRegisteredProviderFound", "b")}, "InvalidTemplate", 2},
		{"content", diag.Diagnostics{d("InvalidRequestContent", "c")}, "InvalidRequestContent", 1},
		{"warnings only", diag.Diagnostics{{Severity: diag.Warning, Code: "W", Message: "w"}}, "InvalidTemplate", 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := InvalidTemplateError(tc.ds)
			if e.Code != tc.code || len(e.Details) != tc.details || e.Status != 400 {
				t.Errorf("got %s with %d details (status %d)", e.Code, len(e.Details), e.Status)
			}
		})
	}
}
