package arm

import (
	"strings"
	"testing"
)

// reference() finds a child by its own last name, declared inside its
// parent or as "parent/child", as ARM does for reference('CustomScriptExtension').
func TestReferenceByChildName(t *testing.T) {
	s, dir := newService(t)
	site := `{"type": "Microsoft.Web/sites", "apiVersion": "2022-03-01", "name": "app1", "location": "eastus", "properties": {},
		"resources": [{"type": "config", "apiVersion": "2022-03-01", "name": "web", "dependsOn": ["app1"], "properties": {}}]}`
	top := `{"type": "Microsoft.Web/sites/config", "apiVersion": "2022-03-01", "name": "app1/logs", "dependsOn": ["app1"], "properties": {}}`
	main := `{` + rgSchema + `, "resources": [` + site + `,` + top + `], "outputs": {
		"nested": {"type": "string", "value": "[reference('web', '2022-03-01', 'Full').id]"},
		"top": {"type": "string", "value": "[reference('logs', '2022-03-01', 'Full').id]"}}}`
	req := &DeploymentRequest{Scope: Scope{SubscriptionID: sub0, ResourceGroup: "rg1"}, Location: "eastus", CreateGroup: true,
		Template: Template{File: writeFile(t, dir, "main.json", main)}}
	res, err := s.CreateOrUpdate(t.Context(), req)
	if err != nil || res.Status() != "Succeeded" {
		t.Fatalf("%v %v", err, res.Diags)
	}
	d, err := s.GetDeployment(t.Context(), "", req.Scope, "main")
	if err != nil {
		t.Fatal(err)
	}
	out := string(d.View.Properties.Outputs)
	prefix := "/subscriptions/" + sub0 + "/resourceGroups/rg1/providers/Microsoft.Web/sites/app1/config/"
	for _, want := range []string{prefix + "web", prefix + "logs"} {
		if !strings.Contains(out, want) {
			t.Errorf("output %s missing from %s", want, out)
		}
	}
}

// reference('Microsoft.Resources/deployments/name') reads a nested
// deployment's outputs, as the gallery's bosh templates do.
func TestReferenceDeploymentByTypeAndName(t *testing.T) {
	s, dir := newService(t)
	inner := `{"type": "Microsoft.Resources/deployments", "apiVersion": "2021-04-01", "name": "inner", "properties": {"mode": "Incremental",
		"template": {` + rgSchema + `, "resources": [], "outputs": {"o": {"type": "string", "value": "from-inner"}}}}}`
	main := `{` + rgSchema + `, "resources": [` + inner + `], "outputs": {
		"typed": {"type": "string", "value": "[reference('Microsoft.Resources/deployments/inner', '2015-01-01').outputs.o.value]"}}}`
	req := &DeploymentRequest{Scope: Scope{SubscriptionID: sub0, ResourceGroup: "rg1"}, Location: "eastus", CreateGroup: true,
		Template: Template{File: writeFile(t, dir, "main.json", main)}}
	res, err := s.CreateOrUpdate(t.Context(), req)
	if err != nil || res.Status() != "Succeeded" {
		t.Fatalf("%v %v", err, res.Diags)
	}
	d, err := s.GetDeployment(t.Context(), "", req.Scope, "main")
	if err != nil {
		t.Fatal(err)
	}
	if out := string(d.View.Properties.Outputs); !strings.Contains(out, `"from-inner"`) {
		t.Errorf("outputs %s", out)
	}
}

// A resource of a nested template reads the outputs of a deployment
// declared after it in the same template, two and three deployments
// deep (the gallery's container-app-dapr templates).
func TestReferenceLaterNestedDeployment(t *testing.T) {
	deployment := func(name, template string) string {
		return `{"type": "Microsoft.Resources/deployments", "apiVersion": "2022-09-01", "name": "` + name + `", "properties": {"mode": "Incremental",
			"expressionEvaluationOptions": {"scope": "inner"}, "template": ` + template + `}}`
	}
	tmpl := func(resources ...string) string {
		return `{` + rgSchema + `, "resources": [` + strings.Join(resources, ",") + `]}`
	}
	storage := `{"type": "Microsoft.Storage/storageAccounts", "apiVersion": "2022-09-01", "name": "stlater1", "location": "eastus",
		"sku": {"name": "Standard_LRS"}, "kind": "StorageV2", "dependsOn": ["[resourceId('Microsoft.Resources/deployments', 'ai')]"],
		"tags": {"k": "[reference(resourceId('Microsoft.Resources/deployments', 'ai')).outputs.k.value]"}}`
	ai := deployment("ai", `{`+rgSchema+`, "resources": [], "outputs": {"k": {"type": "string", "value": "from-ai"}}}`)
	for _, tt := range []struct{ name, main string }{
		{"two deep", tmpl(deployment("outer", tmpl(storage, ai)))},
		{"three deep", tmpl(deployment("outer", tmpl(deployment("mid", tmpl(storage, ai)))))},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s, dir := newService(t)
			req := &DeploymentRequest{Scope: Scope{SubscriptionID: sub0, ResourceGroup: "rg1"}, Location: "eastus", CreateGroup: true,
				Template: Template{File: writeFile(t, dir, "main.json", tt.main)}}
			res, err := s.CreateOrUpdate(t.Context(), req)
			if err != nil || res.Status() != "Succeeded" {
				t.Fatalf("%v %v", err, res.Diags)
			}
			got, err := s.store.Resource(t.Context(), "/subscriptions/"+sub0+"/resourceGroups/rg1/providers/Microsoft.Storage/storageAccounts/stlater1")
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(string(got.Body), `"k":"from-ai"`) {
				t.Errorf("body %s", got.Body)
			}
		})
	}
}

// A nested deployment's parameter entry may be an expression that makes
// the {"value": ...} object; null passes nothing (the default applies),
// as the gallery's devbox templates use it.
func TestNestedParameterEntryExpression(t *testing.T) {
	s, dir := newService(t)
	inner := `{"type": "Microsoft.Resources/deployments", "apiVersion": "2022-09-01", "name": "inner", "properties": {"mode": "Incremental",
		"expressionEvaluationOptions": {"scope": "inner"},
		"parameters": {"p": "[createObject('value', 'given')]", "q": "[if(false(), createObject('value', 'no'), null())]"},
		"template": {` + rgSchema + `, "parameters": {"p": {"type": "string"}, "q": {"type": "string", "defaultValue": "default"}}, "resources": [],
		  "outputs": {"o": {"type": "string", "value": "[concat(parameters('p'), '+', parameters('q'))]"}}}}}`
	main := `{` + rgSchema + `, "resources": [` + inner + `], "outputs": {"o": {"type": "string", "value": "[reference('inner').outputs.o.value]"}}}`
	req := &DeploymentRequest{Scope: Scope{SubscriptionID: sub0, ResourceGroup: "rg1"}, Location: "eastus", CreateGroup: true,
		Template: Template{File: writeFile(t, dir, "main.json", main)}}
	res, err := s.CreateOrUpdate(t.Context(), req)
	if err != nil || res.Status() != "Succeeded" {
		t.Fatalf("%v %v", err, res.Diags)
	}
	got := ""
	for _, o := range res.Outputs {
		if b, _ := o.Value.MarshalJSON(); o.Name == "o" {
			got = string(b)
		}
	}
	if got != `"given+default"` {
		t.Errorf("output o = %s, want \"given+default\"", got)
	}
}

// A redeployment that changes a resource gives reference() of it the new
// value, not the one stored before: the template is evaluated again with
// the resources it writes unknown until their PUT.
func TestReferenceOfRedeployedResource(t *testing.T) {
	s, dir := newService(t)
	main := `{` + rgSchema + `, "parameters": {"v": {"type": "string"}}, "resources": [
		{"type": "Microsoft.Storage/storageAccounts", "apiVersion": "2022-09-01", "name": "stsource1", "location": "eastus",
		 "sku": {"name": "Standard_LRS"}, "kind": "StorageV2", "tags": {"v": "[parameters('v')]"}},
		{"type": "Microsoft.Storage/storageAccounts", "apiVersion": "2022-09-01", "name": "stcopy1", "location": "eastus",
		 "sku": {"name": "Standard_LRS"}, "kind": "StorageV2", "dependsOn": ["stsource1"],
		 "tags": {"from": "[reference('stsource1', '2022-09-01', 'Full').tags.v]"}}]}`
	file := writeFile(t, dir, "main.json", main)
	for _, v := range []string{"one", "two"} {
		req := &DeploymentRequest{Scope: Scope{SubscriptionID: sub0, ResourceGroup: "rg1"}, Location: "eastus", CreateGroup: true,
			Template: Template{File: file, Parameters: []string{"v=" + v}}}
		res, err := s.CreateOrUpdate(t.Context(), req)
		if err != nil || res.Status() != "Succeeded" {
			t.Fatalf("v=%s: %v %v", v, err, res.Diags)
		}
		got, err := s.store.Resource(t.Context(), "/subscriptions/"+sub0+"/resourceGroups/rg1/providers/Microsoft.Storage/storageAccounts/stcopy1")
		if err != nil {
			t.Fatal(err)
		}
		if want := `"from":"` + v + `"`; !strings.Contains(string(got.Body), want) {
			t.Errorf("v=%s: body %s, want %s", v, got.Body, want)
		}
	}
}

// A root output reads a nested deployment's output that reads a resource
// the nested template creates: known once the deployment ran.
func TestNestedOutputOfDeployedResource(t *testing.T) {
	s, dir := newService(t)
	inner := `{"type": "Microsoft.Resources/deployments", "apiVersion": "2022-09-01", "name": "inner", "properties": {"mode": "Incremental",
		"expressionEvaluationOptions": {"scope": "inner"},
		"template": {` + rgSchema + `, "resources": [{"type": "Microsoft.Storage/storageAccounts", "apiVersion": "2022-09-01",
		  "name": "stinner1", "location": "eastus", "sku": {"name": "Standard_LRS"}, "kind": "StorageV2"}],
		  "outputs": {"blob": {"type": "string", "value": "[reference('stinner1', '2022-09-01').primaryEndpoints.blob]"}}}}}`
	main := `{` + rgSchema + `, "resources": [` + inner + `], "outputs": {"blob": {"type": "string", "value": "[reference('inner').outputs.blob.value]"}}}`
	req := &DeploymentRequest{Scope: Scope{SubscriptionID: sub0, ResourceGroup: "rg1"}, Location: "eastus", CreateGroup: true,
		Template: Template{File: writeFile(t, dir, "main.json", main)}}
	res, err := s.CreateOrUpdate(t.Context(), req)
	if err != nil || res.Status() != "Succeeded" {
		t.Fatalf("%v %v %v", err, res.Diags, res.OutputDiags)
	}
	got := ""
	for _, o := range res.Outputs {
		if b, _ := o.Value.MarshalJSON(); o.Name == "blob" {
			got = string(b)
		}
	}
	if got != `"https://stinner1.blob.core.windows.net/"` {
		t.Errorf("output blob = %s", got)
	}
}
