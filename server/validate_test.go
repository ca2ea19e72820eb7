package server_test

import (
	"encoding/json"
	"strings"
	"testing"
)

// POST .../deployments/{name}/validate of a template the providers refuse
// is Azure's 400 with the InvalidTemplateDeployment envelope, one inner
// error per refused resource; nothing is written.
func TestValidateProviderRefusal(t *testing.T) {
	e := newEnv(t, "")
	tok := e.token(e.owner)
	g := "/subscriptions/" + sub + "/resourcegroups/rg1"
	if status, _, body := e.do("PUT", g+api, tok, `{"location": "eastus"}`); status != 201 {
		t.Fatalf("group create: %d %s", status, body)
	}
	body := `{"properties": {"mode": "Incremental", "template": {
	  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#", "contentVersion": "1.0.0.0",
	  "resources": [
	    {"type": "Microsoft.Compute/galleries", "apiVersion": "2021-10-01", "name": "bad-name", "location": "eastus", "properties": {}},
	    {"type": "Microsoft.Compute/galleries", "apiVersion": "2021-10-01", "name": "g1", "location": "narnia", "properties": {}}]}}}`
	status, _, out := e.do("POST", g+"/providers/Microsoft.Resources/deployments/x/validate"+api, tok, body)
	var got struct {
		Error struct {
			Code, Message string
			Details       []struct{ Code, Message string }
		}
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil || status != 400 {
		t.Fatalf("validate: %d %s", status, out)
	}
	if got.Error.Code != "InvalidTemplateDeployment" ||
		!strings.HasPrefix(got.Error.Message, "The template deployment 'x' is not valid according to the validation procedure. The tracking id is '") ||
		len(got.Error.Details) != 2 || got.Error.Details[0].Code != "InvalidParameter" || got.Error.Details[1].Code != "LocationNotAvailableForResourceType" {
		t.Errorf("validate: %s", out)
	}
	if status, _, out := e.do("GET", g+"/resources"+api, tok, ""); status != 200 || strings.Contains(out, "galleries") {
		t.Errorf("validate wrote: %d %s", status, out)
	}
}
