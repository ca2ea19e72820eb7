package arm

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	"github.com/armdeploy/armdeploy/planner"
)

// exprText matches a stored string that is ARM expression text.
var exprText = regexp.MustCompile(`^\[[A-Za-z_][\w.]*\(.*\][^\]]*$`)

// storedExpressions lists the strings of a store export (resources with
// their bodies and requests, deployment records with their parameters and
// outputs; not the templates) that are expression text.
func storedExpressions(t *testing.T, export string) []string {
	t.Helper()
	var doc any
	if err := json.Unmarshal([]byte(export), &doc); err != nil {
		t.Fatal(err)
	}
	var out []string
	var walk func(path string, v any)
	walk = func(path string, v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, x := range v {
				if k != "template" {
					walk(path+"."+k, x)
				}
			}
		case []any:
			for _, x := range v {
				walk(path+"[]", x)
			}
		case string:
			if exprText.MatchString(v) {
				out = append(out, path+" = "+v)
			}
		}
	}
	walk("", doc)
	return out
}

const storage = `{"type": "Microsoft.Storage/storageAccounts", "apiVersion": "2022-09-01", "name": "stvalues", "location": "eastus", "sku": {"name": "Standard_LRS"}, "kind": "StorageV2", "properties": {}}`

const (
	saID      = `resourceId('Microsoft.Storage/storageAccounts', 'stvalues')`
	key       = `listKeys(` + saID + `, '2022-09-01').keys[0].value`
	blob      = `reference(` + saID + `).primaryEndpoints.blob`
	provState = `reference(` + saID + `, '2022-09-01', 'Full').properties.provisioningState`
)

func nested(name, scope string, params, inner string) string {
	opts := ""
	if scope != "" {
		opts = `"expressionEvaluationOptions": {"scope": "` + scope + `"}, `
	}
	return `{"type": "Microsoft.Resources/deployments", "apiVersion": "2022-09-01", "name": "` + name + `", "dependsOn": ["` + `[` + saID + `]"],
	 "properties": {"mode": "Incremental", ` + opts + `"parameters": {` + params + `}, "template": ` + inner + `}}`
}

// TestRuntimeValuesResolved deploys templates whose resources, outputs and
// nested deployments' parameters use reference() and list*(): values known
// only once a resource exists. Each is resolved at apply time, so the store
// holds no expression text, and a second what-if changes nothing.
func TestRuntimeValuesResolved(t *testing.T) {
	tests := []struct {
		name      string
		template  string
		outputs   map[string]string // output → a text its JSON value contains
		nestedOut map[string]string // nested deployment → a text of its outputs
	}{
		{name: "listKeys and reference in properties",
			template: rgTemplate(storage, `{"type": "Microsoft.Web/sites", "apiVersion": "2022-03-01", "name": "site-values", "location": "eastus", "dependsOn": ["[`+saID+`]"],
			 "properties": {"siteConfig": {"appSettings": [{"name": "key", "value": "[`+key+`]"}, {"name": "blob", "value": "[`+blob+`]"},
			   {"name": "conn", "value": "[concat('DefaultEndpointsProtocol=https;AccountName=stvalues;AccountKey=', `+key+`)]"}]}}}`)},
		{name: "listKeys and reference in outputs",
			template: `{` + rgSchema + `, "resources": [` + storage + `], "outputs": {
			  "key": {"type": "string", "value": "[` + key + `]"}, "blob": {"type": "string", "value": "[` + blob + `]"},
			  "keys": {"type": "object", "value": "[listKeys(` + saID + `, '2022-09-01')]"},
			  "where": {"type": "string", "value": "[concat(reference(` + saID + `, '2022-09-01', 'Full').subscriptionId, '/', reference(` + saID + `, '2022-09-01', 'Full').resourceGroupName)]"}}}`,
			outputs: map[string]string{"key": `"`, "blob": "https://stvalues.blob.core.windows.net/", "keys": `"keyName":"key2"`, "where": sub0 + `/rg1"`}},
		{name: "reference result as an inner nested deployment's parameter",
			template: `{` + rgSchema + `, "resources": [` + storage + `, ` + nested("inner1", "inner",
				`"state": {"value": "[`+provState+`]"}, "blob": {"value": "[`+blob+`]"}, "key": {"value": "[`+key+`]"}`,
				`{`+rgSchema+`, "parameters": {"state": {"type": "string"}, "blob": {"type": "string"}, "key": {"type": "securestring"}},
				  "resources": [{"type": "Microsoft.Network/networkSecurityGroups", "apiVersion": "2022-07-01", "name": "nsg-inner", "location": "eastus", "tags": {"state": "[parameters('state')]", "blob": "[parameters('blob')]", "keyLength": "[string(length(parameters('key')))]"}, "properties": {}}],
				  "outputs": {"echo": {"type": "string", "value": "[parameters('blob')]"}}}`) + `],
			  "outputs": {"fromInner": {"type": "string", "value": "[reference('inner1').outputs.echo.value]"}}}`,
			outputs:   map[string]string{"fromInner": "https://stvalues.blob.core.windows.net/"},
			nestedOut: map[string]string{"inner1": "https://stvalues.blob.core.windows.net/"}},
		{name: "outer nested deployment reads the parent's resource",
			template: `{` + rgSchema + `, "resources": [` + storage + `, ` + nested("outer1", "", ``,
				`{`+rgSchema+`, "resources": [{"type": "Microsoft.Network/networkSecurityGroups", "apiVersion": "2022-07-01", "name": "nsg-outer", "location": "eastus", "tags": {"blob": "[`+blob+`]", "key": "[substring(`+key+`, 0, 8)]"}, "properties": {}}]}`) + `]}`},
		{name: "inner nested deployment inside an inner one",
			template: `{` + rgSchema + `, "resources": [` + storage + `, ` + nested("level1", "inner", `"blob": {"value": "[`+blob+`]"}`,
				`{`+rgSchema+`, "parameters": {"blob": {"type": "string"}}, "resources": [{"type": "Microsoft.Resources/deployments", "apiVersion": "2022-09-01", "name": "level2",
				  "properties": {"mode": "Incremental", "expressionEvaluationOptions": {"scope": "inner"}, "parameters": {"b": {"value": "[parameters('blob')]"}},
				  "template": {`+rgSchema+`, "parameters": {"b": {"type": "string"}}, "resources": [{"type": "Microsoft.Network/networkSecurityGroups", "apiVersion": "2022-07-01", "name": "nsg-deep", "location": "eastus", "tags": {"b": "[parameters('b')]"}, "properties": {}}],
				    "outputs": {"b": {"type": "string", "value": "[parameters('b')]"}}}}}],
				  "outputs": {"b": {"type": "string", "value": "[reference('level2').outputs.b.value]"}}}`) + `],
			  "outputs": {"deep": {"type": "string", "value": "[reference('level1').outputs.b.value]"}}}`,
			outputs:   map[string]string{"deep": "https://stvalues.blob.core.windows.net/"},
			nestedOut: map[string]string{"level1": "https://stvalues.blob.core.windows.net/", "level2": "https://stvalues.blob.core.windows.net/"}},
		{name: "nested output in a later resource's properties",
			template: `{` + rgSchema + `, "resources": [` + storage + `, ` + nested("producer", "inner", `"key": {"value": "[`+key+`]"}`,
				`{`+rgSchema+`, "parameters": {"key": {"type": "string"}}, "resources": [], "outputs": {"prefix": {"type": "string", "value": "[substring(parameters('key'), 0, 6)]"}}}`) + `,
			  {"type": "Microsoft.Network/networkSecurityGroups", "apiVersion": "2022-07-01", "name": "nsg-consumer", "location": "eastus", "dependsOn": ["producer"], "tags": {"prefix": "[reference('producer').outputs.prefix.value]"}, "properties": {}}]}`},
		{name: "implicit authorization rule and trigger callback",
			template: `{` + rgSchema + `, "resources": [
			  {"type": "Microsoft.EventHub/namespaces", "apiVersion": "2021-11-01", "name": "ehns-values", "location": "eastus", "sku": {"name": "Standard"}, "properties": {}},
			  {"type": "Microsoft.Logic/workflows", "apiVersion": "2019-05-01", "name": "wf-values", "location": "eastus", "properties": {"definition": {}}}],
			  "outputs": {"eh": {"type": "string", "value": "[listKeys(resourceId('Microsoft.EventHub/namespaces/authorizationRules', 'ehns-values', 'RootManageSharedAccessKey'), '2021-11-01').primaryConnectionString]"},
			    "callback": {"type": "string", "value": "[listCallbackUrl(resourceId('Microsoft.Logic/workflows/triggers', 'wf-values', 'manual'), '2019-05-01').value]"}}}`,
			outputs: map[string]string{"eh": "Endpoint=sb://ehns-values.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=", "callback": "/triggers/manual/paths/invoke?"}},
		{name: "list shapes by type and api-version, children Azure makes",
			template: `{` + rgSchema + `, "resources": [` + storage + `,
			  {"type": "Microsoft.Devices/IotHubs", "apiVersion": "2021-07-02", "name": "hub-values", "location": "eastus", "sku": {"name": "S1", "capacity": 1}, "properties": {}},
			  {"type": "Microsoft.DataFactory/factories", "apiVersion": "2018-06-01", "name": "adf-values", "location": "eastus", "properties": {},
			   "resources": [{"type": "integrationRuntimes", "apiVersion": "2018-06-01", "name": "ir", "dependsOn": ["adf-values"], "properties": {"type": "SelfHosted"}}]},
			  {"type": "Microsoft.Logic/integrationAccounts", "apiVersion": "2019-05-01", "name": "ia-values", "location": "eastus", "sku": {"name": "Standard"}, "properties": {}},
			  {"type": "Microsoft.Resources/deploymentScripts", "apiVersion": "2020-10-01", "name": "script-values", "location": "eastus", "kind": "AzureCLI",
			   "properties": {"azCliVersion": "2.40.0", "scriptContent": "echo hi", "retentionInterval": "P1D"}}],
			  "outputs": {"old": {"type": "string", "value": "[listKeys(` + saID + `, '2015-06-15').key1]"},
			    "hubKey": {"type": "string", "value": "[listKeys(resourceId('Microsoft.Devices/IotHubs/IotHubKeys', 'hub-values', 'iothubowner'), '2021-07-02').primaryKey]"},
			    "hubKeyName": {"type": "string", "value": "[listKeys(resourceId('Microsoft.Devices/IotHubs/IotHubKeys', 'hub-values', 'service'), '2021-07-02').keyName]"},
			    "auth": {"type": "string", "value": "[listAuthKeys(resourceId('Microsoft.DataFactory/factories/integrationRuntimes', 'adf-values', 'ir'), '2018-06-01').authKey1]"},
			    "ia": {"type": "string", "value": "[listCallbackUrl(resourceId('Microsoft.Logic/integrationAccounts', 'ia-values'), '2019-05-01').value]"},
			    "log": {"type": "array", "value": "[split(reference(resourceId('Microsoft.Resources/deploymentScripts/logs', 'script-values', 'default'), '2020-10-01').log, '\n')]"}}}`,
			outputs: map[string]string{"old": `"`, "hubKey": `"`, "hubKeyName": `"service"`, "auth": `"IR@`, "ia": "/integrationAccounts/", "log": `[""]`}},
		{name: "a child declared inline in its parent",
			template: `{` + rgSchema + `, "resources": [{"type": "Microsoft.Network/virtualNetworks", "apiVersion": "2022-07-01", "name": "vnet-values", "location": "eastus",
			  "properties": {"addressSpace": {"addressPrefixes": ["10.5.0.0/16"]}, "subnets": [{"name": "s1", "properties": {"addressPrefix": "10.5.0.0/24"}}]}}],
			  "outputs": {"prefix": {"type": "string", "value": "[reference(resourceId('Microsoft.Network/virtualNetworks/subnets', 'vnet-values', 'S1'), '2022-07-01').addressPrefix]"},
			    "id": {"type": "string", "value": "[reference(resourceId('Microsoft.Network/virtualNetworks/subnets', 'vnet-values', 's1'), '2022-07-01', 'Full').id]"}}}`,
			outputs: map[string]string{"prefix": `"10.5.0.0/24"`, "id": "/virtualNetworks/vnet-values/subnets/s1"}},
		{name: "pickZones and providers",
			template: `{` + rgSchema + `, "resources": [{"type": "Microsoft.Network/publicIPAddresses", "apiVersion": "2022-07-01", "name": "pip-zones", "location": "eastus", "sku": {"name": "Standard"},
			  "zones": "[pickZones('Microsoft.Network', 'publicIPAddresses', 'eastus', 2)]", "properties": {"publicIPAllocationMethod": "Static"}}],
			  "outputs": {"zones": {"type": "array", "value": "[pickZones('Microsoft.Network', 'publicIPAddresses', 'eastus', 2, 1)]"},
			    "none": {"type": "array", "value": "[pickZones('Microsoft.Cdn', 'profiles', 'eastus')]"},
			    "api": {"type": "string", "value": "[providers('Microsoft.Network', 'publicIPAddresses').apiVersions[0]]"}}}`,
			outputs: map[string]string{"zones": `["2","3"]`, "none": `[]`, "api": `"20`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, dir := newService(t)
			sc := Scope{SubscriptionID: sub0, ResourceGroup: "rg1"}
			req := func() *DeploymentRequest {
				return &DeploymentRequest{Scope: sc, Location: "eastus", CreateGroup: true,
					Template: Template{File: writeFile(t, dir, "main.json", tt.template)}}
			}
			res, err := s.CreateOrUpdate(t.Context(), req())
			if err != nil {
				t.Fatal(err)
			}
			if res.Failed() || res.Preflight != nil {
				t.Fatalf("refused: %v %v", res.Diags.Errors(), res.Preflight)
			}
			if res.Status() != "Succeeded" {
				t.Fatalf("status %s: %s\n%v", res.Status(), res.Record.Error, res.OutputDiags)
			}
			if texts := storedExpressions(t, export(t, s)); len(texts) > 0 {
				t.Errorf("expression text stored:\n%s", strings.Join(texts, "\n"))
			}
			for name, want := range tt.outputs {
				var got string
				for _, o := range res.Outputs {
					if o.Name == name {
						b, _ := o.Value.MarshalJSON()
						got = string(b)
					}
				}
				if !strings.Contains(got, want) || strings.HasPrefix(got, `"[`) {
					t.Errorf("output %s = %s, want one containing %s", name, got, want)
				}
			}
			for name, want := range tt.nestedOut {
				d, err := s.GetDeployment(t.Context(), "", sc, name)
				if err != nil {
					t.Fatalf("nested deployment %s: %v", name, err)
				}
				b, _ := json.Marshal(d.View.Properties.Outputs)
				if d.View.Properties.ProvisioningState != "Succeeded" || !strings.Contains(string(b), want) {
					t.Errorf("nested deployment %s: %s, outputs %s; want Succeeded with %s", name, d.View.Properties.ProvisioningState, b, want)
				}
			}
			w, err := s.WhatIf(t.Context(), req())
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range w.Result.Properties.Changes {
				if c.ChangeType != planner.NoChange && c.ChangeType != planner.Ignore {
					t.Errorf("second what-if: %s %s, want NoChange", c.ResourceID, c.ChangeType)
				}
			}
		})
	}
}
