package server_test

import (
	"encoding/json"
	"strings"
	"testing"
)

// pollLRO follows an Azure-AsyncOperation or Location URL until its
// answer is final and returns the last status code and body. The
// server's retry-after-ms paces nothing here: with instant simulation an
// operation ends within a few requests, and the loop is bounded.
func (e *env) pollLRO(url, token string, location bool) (int, string) {
	e.t.Helper()
	for range 2000 {
		status, h, body := e.do("GET", url, token, "")
		if location {
			if status != 202 {
				return status, body
			}
			if next := h.Get("Location"); next != "" {
				url = next
			}
			continue
		}
		var st struct{ Status string }
		_ = json.Unmarshal([]byte(body), &st)
		switch strings.ToLower(st.Status) {
		case "succeeded", "failed", "canceled":
			return status, body
		}
		if status != 200 {
			return status, body
		}
	}
	e.t.Fatalf("%s did not finish", url)
	return 0, ""
}

// azBody is the body az 2.45 sends for -f FILE: the template file's text
// spliced in raw, comments and all, after an unquoted key.
const azBody = `{"properties": {"parameters": {"galleryName": {"value": "azgallery"}}, "mode": "Incremental", template:{
  // A comment az keeps.
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "contentVersion": "1.0.0.0",
  "parameters": {"galleryName": {"type": "string"}},
  /* and a block comment */
  "resources": [{"type": "Microsoft.Compute/galleries", "apiVersion": "2021-10-01", "name": "[parameters('galleryName')]",
                 "location": "[resourceGroup().location]", "properties": {"description": "from az, with , template: inside"}}],
  "outputs": {"id": {"type": "string", "value": "[resourceId('Microsoft.Compute/galleries', parameters('galleryName'))]"}}
}}}`

func TestAzSequence(t *testing.T) {
	e := newEnv(t, "")
	tok := e.token(e.owner)
	g := "/subscriptions/" + sub + "/resourcegroups/rg1"
	dep := g + "/providers/Microsoft.Resources/deployments/azuredeploy"
	if status, _, body := e.do("PUT", g+api, tok, `{"location": "eastus"}`); status != 201 {
		t.Fatalf("group create: %d %s", status, body)
	}
	// deployment group validate, then create: validate, PUT, poll, GET.
	if status, _, body := e.do("POST", dep+"/validate"+api, tok, azBody); status != 200 || !strings.Contains(body, `"provisioningState":"Succeeded"`) {
		t.Fatalf("validate: %d %s", status, body)
	}
	status, h, body := e.do("PUT", dep+api, tok, azBody)
	if status != 201 || h.Get("Azure-AsyncOperation") == "" || h.Get("Retry-After") != "1" {
		t.Fatalf("PUT: %d %v %s", status, h, body)
	}
	if !strings.HasPrefix(strings.ToLower(h.Get("Azure-AsyncOperation")), strings.ToLower(e.base+dep+"/operationStatuses/")) {
		t.Errorf("Azure-AsyncOperation %s", h.Get("Azure-AsyncOperation"))
	}
	if _, body := e.pollLRO(h.Get("Azure-AsyncOperation"), tok, false); !strings.Contains(body, `"status":"Succeeded"`) {
		t.Fatalf("poll: %s", body)
	}
	status, _, body = e.do("GET", dep+api, tok, "")
	if status != 200 || !strings.Contains(body, `"provisioningState":"Succeeded"`) || !strings.Contains(body, "galleries/azgallery") {
		t.Fatalf("GET: %d %s", status, body)
	}
	// A second PUT of the same deployment is a 200.
	if status, h, _ := e.do("PUT", dep+api, tok, azBody); status != 200 {
		t.Errorf("second PUT: %d", status)
	} else {
		e.pollLRO(h.Get("Azure-AsyncOperation"), tok, false)
	}
	// deployment group list (az's trailing slash), show operations, export.
	if status, _, body := e.do("GET", g+"/providers/Microsoft.Resources/deployments/"+api, tok, ""); status != 200 || !strings.Contains(body, `"name":"azuredeploy"`) {
		t.Errorf("list: %d %s", status, body)
	}
	if status, _, body := e.do("GET", dep+"/operations"+api, tok, ""); status != 200 || !strings.Contains(body, `"provisioningOperation"`) {
		t.Errorf("operations: %d %s", status, body)
	}
	if status, _, body := e.do("POST", dep+"/exportTemplate"+api, tok, ""); status != 200 || !strings.Contains(body, `"template":{`) {
		t.Errorf("export: %d %s", status, body)
	}
	// deployment group what-if: 202 + Location, 202 while running, then
	// 200 with {status, properties: {changes}}.
	changed := strings.Replace(azBody, `"value": "azgallery"`, `"value": "azgallery2"`, 1)
	status, h, _ = e.do("POST", dep+"/whatIf"+api, tok, changed)
	if status != 202 || !strings.Contains(h.Get("Location"), "/providers/Microsoft.Resources/locations/") {
		t.Fatalf("what-if: %d %v", status, h)
	}
	status, body = e.pollLRO(h.Get("Location"), tok, true)
	var wi struct {
		Status     string
		Properties struct {
			Changes []struct{ ResourceID, ChangeType string }
		}
	}
	if err := json.Unmarshal([]byte(body), &wi); err != nil || status != 200 || wi.Status != "Succeeded" {
		t.Fatalf("what-if result: %d %s", status, body)
	}
	kinds := map[string]string{}
	for _, c := range wi.Properties.Changes {
		kinds[c.ResourceID[strings.LastIndex(c.ResourceID, "/")+1:]] = c.ChangeType
	}
	if kinds["azgallery2"] != "Create" || kinds["azgallery"] != "Ignore" {
		t.Errorf("what-if changes %v", kinds)
	}
	// A template error in a what-if is a Failed result, not an HTTP error.
	status, h, _ = e.do("POST", dep+"/whatIf"+api, tok, `{"properties": {"mode": "Incremental", "template": {"resources": 1}}}`)
	if status != 202 {
		t.Fatalf("bad what-if: %d", status)
	}
	if _, body := e.pollLRO(h.Get("Location"), tok, true); !strings.Contains(body, `"status":"Failed"`) || !strings.Contains(body, `"error":{`) {
		t.Errorf("bad what-if result: %s", body)
	}
	// A template error in validate is a 400 InvalidTemplate with positions.
	status, _, body = e.do("POST", dep+"/validate"+api, tok, strings.Replace(azBody, `[parameters('galleryName')]`, `[parameters('nope')]`, 1))
	if status != 400 || !strings.Contains(body, "InvalidTemplate") || !strings.Contains(body, `"lineNumber"`) {
		t.Errorf("invalid validate: %d %s", status, body)
	}
	// resource list -g rg1 --resource-type ..., as az builds it.
	status, _, body = e.do("GET", "/subscriptions/"+sub+"/resources?$filter=resourceGroup%20eq%20'rg1'%20and%20resourceType%20eq%20'Microsoft.Compute/galleries'&$expand=createdTime,changedTime,provisioningState&api-version=2021-04-01", tok, "")
	if status != 200 || !strings.Contains(body, `"name":"azgallery"`) || !strings.Contains(body, `"createdTime"`) || !strings.Contains(body, `"provisioningState":"Succeeded"`) {
		t.Errorf("resource list: %d %s", status, body)
	}
	// sig show, as az sends it.
	if status, _, body := e.do("GET", g+"/providers/Microsoft.Compute/galleries/azgallery?api-version=2021-10-01", tok, ""); status != 200 || !strings.Contains(body, "from az") {
		t.Errorf("sig show: %d %s", status, body)
	}
	// deployment sub create: a subscription template that makes a group.
	subDep := "/subscriptions/" + sub + "/providers/Microsoft.Resources/deployments/subdep"
	subBody := `{"location": "westus2", "properties": {"mode": "Incremental", template:{
	  "$schema": "https://schema.management.azure.com/schemas/2018-05-01/subscriptionDeploymentTemplate.json#", "contentVersion": "1.0.0.0",
	  "resources": [{"type": "Microsoft.Resources/resourceGroups", "apiVersion": "2021-04-01", "name": "rg-from-sub", "location": "westus2"}]}}}`
	status, h, body = e.do("PUT", subDep+api, tok, subBody)
	if status != 201 {
		t.Fatalf("sub PUT: %d %s", status, body)
	}
	e.pollLRO(h.Get("Azure-AsyncOperation"), tok, false)
	if status, _, body := e.do("GET", "/subscriptions/"+sub+"/resourcegroups/rg-from-sub"+api, tok, ""); status != 200 || !strings.Contains(body, "westus2") {
		t.Errorf("the group the sub deployment made: %d %s", status, body)
	}
	// az prints the deployment's location, which ARM keeps for a
	// subscription deployment.
	if status, _, body := e.do("GET", subDep+api, tok, ""); status != 200 || !strings.Contains(body, `"location":"westus2"`) {
		t.Errorf("sub deployment GET: %d %s", status, body)
	}
	// group delete: 202 + Location, then 200; the group is gone.
	status, h, _ = e.do("DELETE", g+api, tok, "")
	if status != 202 || !strings.Contains(h.Get("Location"), "/subscriptions/"+sub+"/operationresults/") {
		t.Fatalf("group delete: %d %v", status, h)
	}
	if status, body := e.pollLRO(h.Get("Location"), tok, true); status != 200 {
		t.Errorf("group delete poll: %d %s", status, body)
	}
	if status, _, _ := e.do("GET", g+api, tok, ""); status != 404 {
		t.Errorf("deleted group: %d", status)
	}
}

func TestManagementGroupAndTenantRoutes(t *testing.T) {
	e := newEnv(t, "")
	tok := e.token(e.owner)
	cases := []struct{ name, path string }{
		{"tenant", "/providers/Microsoft.Resources/deployments/"},
		{"management group", "/providers/Microsoft.Management/managementGroups/" + tenant + "/providers/Microsoft.Resources/deployments/"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			// The subscription Owner has no role at these scopes.
			status, _, body := e.do("GET", tc.path+api, tok, "")
			if status != 403 || !strings.Contains(body, "AuthorizationFailed") {
				t.Errorf("list: %d %s", status, body)
			}
		})
	}
}
