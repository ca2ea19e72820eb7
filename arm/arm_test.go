package arm

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/armdeploy/armdeploy/planner"
	"github.com/armdeploy/armdeploy/state"
)

var (
	testNow = time.Date(2026, 11, 26, 8, 0, 0, 0, time.UTC)
	sub0    = DefaultSubscription
)

// newService is a service over a new SQLite store in a temporary folder,
// with a fixed clock and randomness.
func newService(t testing.TB) (*Service, string) {
	t.Helper()
	dir := t.TempDir()
	return openAt(t, filepath.Join(dir, "state.db")), dir
}

// openAt is a service over the SQLite store at path (created when
// missing), with a fixed clock and randomness.
func openAt(t testing.TB, path string) *Service {
	t.Helper()
	s, err := Open(t.Context(), path, Options{Now: func() time.Time { return testNow },
		Random: bytes.NewReader(bytes.Repeat([]byte{0x5a}, 1<<16)), Command: "arm test"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// writeFile writes a file into dir and returns its path.
func writeFile(t testing.TB, dir, name, text string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// export is the whole store as its export document.
func export(t testing.TB, s *Service) string {
	t.Helper()
	var b bytes.Buffer
	if err := s.ExportState(t.Context(), "", &b); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

const (
	rgSchema  = `"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#", "contentVersion": "1.0.0.0"`
	subSchema = `"$schema": "https://schema.management.azure.com/schemas/2018-05-01/subscriptionDeploymentTemplate.json#", "contentVersion": "1.0.0.0"`
)

func gallery(name string) string {
	return `{"type": "Microsoft.Compute/galleries", "apiVersion": "2022-03-03", "name": "` + name + `", "location": "eastus", "properties": {}}`
}

func rgTemplate(resources ...string) string {
	return `{` + rgSchema + `, "resources": [` + strings.Join(resources, ",") + `]}`
}

func TestCreateOrUpdate(t *testing.T) {
	tests := []struct {
		name     string
		template string
		scope    Scope
		mode     string
		// status is the deployment's end state; "" when the request is
		// refused before a record is written.
		status string
		// problem is a text the refusal (diagnostic, preflight error or
		// returned error) contains.
		problem string
	}{
		{name: "succeeds", template: rgTemplate(gallery("g1")), status: "Succeeded"},
		{name: "template error", template: `{` + rgSchema + `, "resources": [{"type": "Microsoft.Compute/galleries", "apiVersion": "2022-03-03", "name": "[parameters('nope')]", "location": "eastus"}]}`,
			problem: "The template parameter 'nope' is not found."},
		{name: "provider refusal at preflight", template: rgTemplate(gallery("bad-name")),
			problem: "InvalidTemplateDeployment: The template deployment 'main' is not valid according to the validation procedure."},
		{name: "subscription template at group scope", template: `{` + subSchema + `, "resources": []}`,
			problem: "The template's $schema 'https://schema.management.azure.com/schemas/2018-05-01/subscriptionDeploymentTemplate.json#' is written for a subscription deployment; it cannot be deployed at resource group scope. Deploy it with 'armdeploy deployment sub create'."},
		{name: "group template at subscription scope", template: rgTemplate(), scope: Scope{SubscriptionID: sub0},
			problem: "is written for a resource group deployment; it cannot be deployed at subscription scope."},
		{name: "complete mode at subscription scope", template: `{` + subSchema + `, "resources": []}`, scope: Scope{SubscriptionID: sub0}, mode: "Complete",
			problem: "The deployment mode 'Complete' is not supported for deployments at subscription scope"},
		{name: "subscription deployment", template: `{` + subSchema + `, "resources": [{"type": "Microsoft.Resources/resourceGroups", "apiVersion": "2022-09-01", "name": "made", "location": "westus2"}]}`,
			scope: Scope{SubscriptionID: sub0}, status: "Succeeded"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, dir := newService(t)
			before := export(t, s)
			sc := tt.scope
			if sc == (Scope{}) {
				sc = Scope{SubscriptionID: sub0, ResourceGroup: "rg1"}
			}
			req := &DeploymentRequest{Scope: sc, Location: "eastus", Mode: tt.mode, CreateGroup: true,
				Template: Template{File: writeFile(t, dir, "main.json", tt.template)}}
			res, err := s.CreateOrUpdate(t.Context(), req)
			var problem string
			switch {
			case err != nil:
				problem = err.Error()
			case res.Failed():
				for _, d := range res.Diags.Errors() {
					problem += d.Message + "\n"
				}
			case res.Preflight != nil:
				problem = res.Preflight.Error()
			}
			if !strings.Contains(problem, tt.problem) || (tt.problem == "") != (problem == "") {
				t.Fatalf("problem %q, want one containing %q", problem, tt.problem)
			}
			if tt.status == "" {
				if after := export(t, s); after != before {
					t.Errorf("a refused deployment changed the store:\n%s", after)
				}
				return
			}
			if got := res.Status(); got != tt.status {
				t.Fatalf("status %s, want %s", got, tt.status)
			}
			d, err := s.GetDeployment(t.Context(), "", sc, "main")
			if err != nil || d.View.Properties.ProvisioningState != tt.status {
				t.Fatalf("GetDeployment: %v %+v", err, d)
			}
			if d.View.ID != DeploymentID(sc, "main") {
				t.Errorf("id %s", d.View.ID)
			}
			ops, err := s.ListOperations(t.Context(), "", sc, "main")
			if err != nil || len(ops) != len(res.Operations) {
				t.Errorf("ListOperations: %v, %d operations, want %d", err, len(ops), len(res.Operations))
			}
		})
	}
}

// A subscription template that creates a group gets a group: deployable
// into at once; a what-if after it changes nothing, with or without an
// (empty) properties object.
func TestSubscriptionTemplateCreatesGroup(t *testing.T) {
	for _, props := range []string{"", `, "properties": {}`} {
		t.Run("properties "+props, func(t *testing.T) { subscriptionTemplateCreatesGroup(t, props) })
	}
}

func subscriptionTemplateCreatesGroup(t *testing.T, props string) {
	s, dir := newService(t)
	req := &DeploymentRequest{Scope: Scope{SubscriptionID: sub0}, Location: "eastus",
		Template: Template{File: writeFile(t, dir, "sub.json", `{`+subSchema+`, "resources": [{"type": "Microsoft.Resources/resourceGroups", "apiVersion": "2022-09-01", "name": "made", "location": "westus2", "tags": {"team": "a"}`+props+`}]}`)}}
	if res, err := s.CreateOrUpdate(t.Context(), req); err != nil || res.Status() != "Succeeded" {
		t.Fatalf("%v %+v", err, res)
	}
	g, err := s.GetGroup(t.Context(), "", sub0, "made")
	if err != nil || g.Location != "westus2" || g.Tags["team"] != "a" {
		t.Fatalf("GetGroup: %v %+v", err, g)
	}
	w, err := s.WhatIf(t.Context(), req)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range w.Result.Properties.Changes {
		if c.ChangeType != planner.NoChange {
			t.Errorf("what-if after the deployment: %s %s, want NoChange", c.ResourceID, c.ChangeType)
		}
	}
}

func TestGroups(t *testing.T) {
	s, _ := newService(t)
	ctx := t.Context()
	tests := []struct {
		name string
		req  GroupRequest
		code string
	}{
		{name: "create", req: GroupRequest{SubscriptionID: sub0, Name: "demo", Location: "East US"}},
		{name: "again, same location", req: GroupRequest{SubscriptionID: sub0, Name: "DEMO", Location: "eastus"}},
		{name: "another location", req: GroupRequest{SubscriptionID: sub0, Name: "demo", Location: "westus"}, code: "InvalidResourceGroupLocation"},
		{name: "bad name", req: GroupRequest{SubscriptionID: sub0, Name: "a b", Location: "eastus"}, code: "InvalidResourceGroup"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g, err := s.CreateOrUpdateGroup(ctx, "", tt.req)
			if tt.code != "" {
				if e, ok := AsError(err); !ok || e.Code != tt.code {
					t.Fatalf("error %v, want %s", err, tt.code)
				}
				return
			}
			if err != nil || g.Name != "demo" || g.Location != "eastus" {
				t.Fatalf("%v %+v", err, g)
			}
		})
	}
	if gs, err := s.ListGroups(ctx, "", sub0); err != nil || len(gs) != 1 {
		t.Fatalf("ListGroups: %v %d", err, len(gs))
	}
	if err := s.DeleteGroup(ctx, "", sub0, "demo"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.GetGroup(ctx, "", sub0, "demo"); err == nil {
		t.Fatal("the group is still there")
	} else if e, _ := AsError(err); e.Code != "ResourceGroupNotFound" || e.Status != 404 {
		t.Fatalf("GetGroup after delete: %v", err)
	}
}

func TestDeploymentHistory(t *testing.T) {
	s, dir := newService(t)
	ctx := t.Context()
	sc := Scope{SubscriptionID: sub0, ResourceGroup: "rg1"}
	req := &DeploymentRequest{Scope: sc, Location: "eastus", CreateGroup: true, Name: "d1",
		Template: Template{File: writeFile(t, dir, "main.json", rgTemplate(gallery("g1")))}}
	if _, err := s.CreateOrUpdate(ctx, req); err != nil {
		t.Fatal(err)
	}
	tests := []call{
		{"get", func() error { _, err := s.GetDeployment(ctx, "", sc, "D1"); return err }, ""},
		{"get missing", func() error { _, err := s.GetDeployment(ctx, "", sc, "nope"); return err }, "DeploymentNotFound"},
		{"list in missing group", func() error {
			_, err := s.ListDeployments(ctx, "", Scope{SubscriptionID: sub0, ResourceGroup: "nope"})
			return err
		}, "ResourceGroupNotFound"},
		{"cancel finished", func() error { return s.CancelDeployment(ctx, "", sc, "d1") }, "DeploymentCannotBeCanceled"},
		{"export template", func() error {
			b, err := s.ExportTemplate(ctx, "", sc, "d1")
			if err == nil && !json.Valid(b) {
				t.Errorf("not JSON: %s", b)
			}
			return err
		}, ""},
		{"reader cannot delete", func() error { return s.DeleteDeployment(ctx, "nobody", sc, "d1") }, "AuthorizationFailed"},
		{"delete", func() error { return s.DeleteDeployment(ctx, "", sc, "d1") }, ""},
		{"deleted", func() error { _, err := s.GetDeployment(ctx, "", sc, "d1"); return err }, "DeploymentNotFound"},
	}
	runCalls(t, tests)
}

// A deployment recorded Running with no live lease holder is closed as
// Failed; one whose holder lives is left alone.
func TestRecover(t *testing.T) {
	s, _ := newService(t)
	ctx := t.Context()
	st := s.store
	started := testNow.Add(-time.Minute)
	for _, name := range []string{"dead", "alive"} {
		sc := Scope{SubscriptionID: sub0, ResourceGroup: "rg-" + name}
		if err := st.PutGroup(ctx, &state.ResourceGroup{SubscriptionID: sub0, Name: sc.ResourceGroup, Location: "eastus"}); err != nil {
			t.Fatal(err)
		}
		if err := st.PutDeployment(ctx, &state.Deployment{SubscriptionID: sub0, ResourceGroup: sc.ResourceGroup, Name: name,
			Mode: "Incremental", Status: "Running", Started: started}); err != nil {
			t.Fatal(err)
		}
		if err := st.PutOperation(ctx, &state.Operation{SubscriptionID: sub0, ResourceGroup: sc.ResourceGroup, Deployment: name,
			OperationID: "1", ResourceID: "/x", Status: "Running", Started: started}); err != nil {
			t.Fatal(err)
		}
	}
	release, err := st.AcquireLease(ctx, state.Lease{Scope: leaseScope(Scope{SubscriptionID: sub0, ResourceGroup: "rg-alive"}),
		Holder: "alive", PID: os.Getpid(), Host: s.host, Started: started}, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer release()
	got, err := s.Recover(ctx)
	if err != nil || len(got) != 1 || got[0].Name != "dead" {
		t.Fatalf("Recover: %v %+v", err, got)
	}
	for name, want := range map[string]string{"dead": "Failed", "alive": "Running"} {
		sc := Scope{SubscriptionID: sub0, ResourceGroup: "rg-" + name}
		d, err := s.GetDeployment(ctx, "", sc, name)
		if err != nil || d.Status != want {
			t.Errorf("%s: %v %s, want %s", name, err, d.Status, want)
		}
		ops, _ := s.ListOperations(ctx, "", sc, name)
		if len(ops) != 1 || ops[0].Status != want {
			t.Errorf("%s: operation %+v, want %s", name, ops, want)
		}
	}
}

func TestValidate(t *testing.T) {
	s, dir := newService(t)
	tests := []struct {
		name, template string
		valid          bool
	}{
		{"valid", rgTemplate(gallery("g1")), true},
		// Validate is the deployment's preflight (TestValidateIsPreflight):
		// what a provider would refuse is an error.
		{"provider rule", rgTemplate(gallery("bad-name")), false},
		// A reference to a resource outside the template is checked at
		// deploy time, against the state the deployment will have.
		{"missing parent is not validate's business", rgTemplate(`{"type": "Microsoft.Compute/galleries/images", "apiVersion": "2022-03-03", "name": "elsewhere/def", "location": "eastus",
			"properties": {"osType": "Linux", "osState": "Generalized", "identifier": {"publisher": "p", "offer": "o", "sku": "s"}}}`), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := export(t, s)
			res, err := s.Validate(context.Background(), &DeploymentRequest{Scope: Scope{SubscriptionID: sub0, ResourceGroup: "rg1"},
				Template: Template{File: writeFile(t, dir, "main.json", tt.template)}})
			if err != nil {
				t.Fatal(err)
			}
			if res.Valid() != tt.valid {
				t.Fatalf("valid %v, want %v: %v", res.Valid(), tt.valid, res.Diags)
			}
			if export(t, s) != before {
				t.Error("validate changed the store")
			}
		})
	}
}

func TestResources(t *testing.T) {
	s, _ := newService(t)
	ctx := t.Context()
	if _, err := s.CreateOrUpdateGroup(ctx, "", GroupRequest{SubscriptionID: sub0, Name: "rg1", Location: "eastus"}); err != nil {
		t.Fatal(err)
	}
	gal := "/subscriptions/" + sub0 + "/resourceGroups/rg1/providers/Microsoft.Compute/galleries/g1"
	ra := "/subscriptions/" + sub0 + "/resourceGroups/rg1/providers/Microsoft.Authorization/roleAssignments/00000000-0000-0000-0000-000000000001"
	tests := []call{
		{"put", func() error {
			_, err := s.PutResource(ctx, "", gal, "2022-03-03", json.RawMessage(`{"location": "eastus", "properties": {"description": "one"}}`))
			return err
		}, ""},
		{"put without api-version", func() error {
			_, err := s.PutResource(ctx, "", gal, "", json.RawMessage(`{}`))
			return err
		}, "MissingApiVersionParameter"},
		{"put refused by the provider", func() error {
			_, err := s.PutResource(ctx, "", gal+"-x/images/d", "2022-03-03", json.RawMessage(`{"location": "eastus", "properties": {}}`))
			return err
		}, "ParentResourceNotFound"},
		{"put into a missing group", func() error {
			_, err := s.PutResource(ctx, "", strings.Replace(gal, "rg1", "nope", 1), "2022-03-03", json.RawMessage(`{"location": "eastus"}`))
			return err
		}, "ResourceGroupNotFound"},
		{"patch keeps what it does not name", func() error {
			r, err := s.PatchResource(ctx, "", gal, "", json.RawMessage(`{"tags": {"a": "b"}}`))
			if err == nil && (!strings.Contains(string(r.Body), `"one"`) || !strings.Contains(string(r.Body), `"a":"b"`)) {
				t.Errorf("patched body %s", r.Body)
			}
			return err
		}, ""},
		{"a stranger cannot write", func() error {
			_, err := s.PutResource(ctx, "nobody", gal, "2022-03-03", json.RawMessage(`{"location": "eastus"}`))
			return err
		}, "AuthorizationFailed"},
		{"grant a reader", func() error {
			_, err := s.PutResource(ctx, "", ra, "2022-04-01", json.RawMessage(`{"properties": {"roleDefinitionId": "/providers/Microsoft.Authorization/roleDefinitions/acdd72a7-3385-48ef-bd42-f606fba81ae7", "principalId": "reader1"}}`))
			return err
		}, ""},
		{"the reader reads", func() error { _, err := s.GetResource(ctx, "reader1", gal); return err }, ""},
		{"the reader lists the assignment", func() error {
			as, err := s.ListRoleAssignments(ctx, "reader1", gal)
			if err == nil && len(as) != 1 {
				t.Errorf("%d assignments", len(as))
			}
			return err
		}, ""},
		{"the reader cannot delete", func() error { return s.DeleteResource(ctx, "reader1", gal) }, "AuthorizationFailed"},
		{"delete", func() error { return s.DeleteResource(ctx, "", gal) }, ""},
		{"deleted", func() error { _, err := s.GetResource(ctx, "", gal); return err }, "ResourceNotFound"},
	}
	runCalls(t, tests)
}

// Azure counts the 800-resource limit per template: ten nested
// deployments of 800 deploy (8,010 resources), each recorded in the
// group's history.
func TestTenNestedDeploymentsOf800(t *testing.T) {
	if testing.Short() {
		t.Skip("deploys 8,010 resources; skipped with -short")
	}
	s, dir := newService(t)
	var parts []string
	for i := range 10 {
		parts = append(parts, fmt.Sprintf(`{"type": "Microsoft.Resources/deployments", "apiVersion": "2022-09-01", "name": "part%d",
  "properties": {"mode": "Incremental", "expressionEvaluationOptions": {"scope": "inner"}, "parameters": {"i": {"value": %d}},
    "template": {%s, "parameters": {"i": {"type": "int"}}, "resources": [{"type": "Microsoft.Network/networkSecurityGroups", "apiVersion": "2023-04-01",
      "name": "[format('nsg-{0}-{1}', parameters('i'), copyIndex())]", "location": "eastus", "properties": {"securityRules": []}, "copy": {"name": "nsgs", "count": 800}}]}}}`, i, i, rgSchema))
	}
	sc := Scope{SubscriptionID: sub0, ResourceGroup: "big"}
	res, err := s.CreateOrUpdate(t.Context(), &DeploymentRequest{Scope: sc, Location: "eastus", CreateGroup: true,
		Template: Template{File: writeFile(t, dir, "ten.json", rgTemplate(parts...))}})
	if err != nil {
		t.Fatal(err)
	}
	if res.Failed() || res.Status() != "Succeeded" || len(res.Operations) != 8010 {
		t.Fatalf("status %q, %d operations, %v %v", res.Status(), len(res.Operations), res.Diags, res.Preflight)
	}
	ds, err := s.ListDeployments(t.Context(), "", sc)
	if err != nil || len(ds) != 11 {
		t.Fatalf("history: %v, %d deployments, want 11", err, len(ds))
	}
	rs, err := s.ListResources(t.Context(), "", ResourceFilter{SubscriptionID: sub0, ResourceGroup: "big"})
	if err != nil || len(rs) != 8000 {
		t.Fatalf("%v, %d resources, want 8000", err, len(rs))
	}
}

// call is one operation of a table and the ARM error code it must give
// ("" for none).
type call struct {
	name string
	call func() error
	code string
}

func runCalls(t *testing.T, tests []call) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.call()
			code := ""
			if e, ok := AsError(err); ok {
				code = e.Code
			} else if err != nil {
				t.Fatal(err)
			}
			if code != tt.code {
				t.Fatalf("error %v, want code %q", err, tt.code)
			}
		})
	}
}
