package arm

import (
	"strings"
	"testing"
)

// TestDeployRoleAssignments deploys role assignments of built-in roles
// beyond Owner/Contributor/Reader, by every id form Azure accepts, and a
// custom role defined in the same deployment with an assignment that
// depends on it.
func TestDeployRoleAssignments(t *testing.T) {
	const (
		principal = "11111111-2222-3333-4444-555555555555"
		customID  = "c0ffee00-0000-4000-8000-000000000002"
	)
	assignment := func(name, roleID string, dependsOn ...string) string {
		deps := ""
		if len(dependsOn) > 0 {
			deps = `, "dependsOn": ["` + strings.Join(dependsOn, `","`) + `"]`
		}
		return `{"type": "Microsoft.Authorization/roleAssignments", "apiVersion": "2022-04-01", "name": "` + name + `"` + deps + `,
			"properties": {"roleDefinitionId": "` + roleID + `", "principalId": "` + principal + `", "principalType": "ServicePrincipal"}}`
	}
	customRole := `{"type": "Microsoft.Authorization/roleDefinitions", "apiVersion": "2022-04-01", "name": "` + customID + `",
		"properties": {"roleName": "Gallery Reader", "description": "reads galleries", "type": "customRole",
			"permissions": [{"actions": ["Microsoft.Compute/galleries/read"], "notActions": []}],
			"assignableScopes": ["[subscription().id]"]}}`
	tests := []struct {
		name         string
		subscription bool
		resources    []string
		problem      string
	}{
		{name: "network contributor by subscription resource id", resources: []string{assignment("00000000-0000-0000-0000-000000000001",
			"[subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '4d97b98b-1d4f-4787-a291-c67834d212e7')]")}},
		{name: "storage blob data reader by tenant id", resources: []string{assignment("00000000-0000-0000-0000-000000000002",
			"/providers/Microsoft.Authorization/roleDefinitions/2a2b9908-6ea1-4ae2-8e65-a410df84e7d1")}},
		{name: "key vault secrets user by bare guid", resources: []string{assignment("00000000-0000-0000-0000-000000000003",
			"4633458b-17de-408a-b874-0445c86b69e6")}},
		{name: "owner without dashes", resources: []string{assignment("00000000-0000-0000-0000-000000000004",
			"[subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '8e3af657a8ff443ca75c2fe8c4bcb635')]")}},
		{name: "custom role of the same deployment", subscription: true, resources: []string{customRole, assignment("00000000-0000-0000-0000-000000000005",
			"[subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '"+customID+"')]",
			"[subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '"+customID+"')]")}},
		{name: "custom role without dashes of the same deployment", subscription: true, resources: []string{
			strings.Replace(customRole, customID, strings.ReplaceAll(customID, "-", ""), 1), assignment("00000000-0000-0000-0000-000000000007",
				"[subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '"+customID+"')]",
				"[subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '"+strings.ReplaceAll(customID, "-", "")+"')]")}},
		{name: "unknown role", resources: []string{assignment("00000000-0000-0000-0000-000000000006",
			"[subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '99999999-9999-9999-9999-999999999999')]")},
			problem: "The specified role definition with ID '99999999-9999-9999-9999-999999999999' does not exist."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, dir := newService(t)
			sc := Scope{SubscriptionID: sub0, ResourceGroup: "rg1"}
			tmpl := rgTemplate(tt.resources...)
			if tt.subscription {
				sc = Scope{SubscriptionID: sub0}
				tmpl = `{` + subSchema + `, "resources": [` + strings.Join(tt.resources, ",") + `]}`
			}
			req := &DeploymentRequest{Scope: sc, Location: "eastus", CreateGroup: true,
				Template: Template{File: writeFile(t, dir, "main.json", tmpl)}}
			res, err := s.CreateOrUpdate(t.Context(), req)
			var problem string
			switch {
			case err != nil:
				problem = err.Error()
			case res.Failed():
				for _, d := range res.Diags.Errors() {
					problem += d.Message + "\n"
				}
				for _, op := range res.Operations {
					if op.Err != nil {
						problem += op.Err.Error() + "\n"
					}
				}
			case res.Preflight != nil:
				problem = res.Preflight.Error()
				for _, d := range res.Preflight.Details {
					problem += "\n" + d.Message
				}
			}
			if tt.problem == "" && problem != "" || !strings.Contains(problem, tt.problem) {
				t.Fatalf("problem %q, want %q", problem, tt.problem)
			}
			if tt.problem == "" && res.Status() != "Succeeded" {
				t.Fatalf("status %s", res.Status())
			}
		})
	}
}
