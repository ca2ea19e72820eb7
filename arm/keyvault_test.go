package arm

import (
	"strings"
	"testing"
)

// A parameter given as a Key Vault reference is resolved from the store
// as ARM resolves it before evaluation: the vault and the secret must
// exist; the value is never stored.
func TestKeyVaultReference(t *testing.T) {
	vaultID := "/subscriptions/" + sub0 + "/resourceGroups/kv/providers/Microsoft.KeyVault/vaults/vault1"
	vault := `{"type": "Microsoft.KeyVault/vaults", "apiVersion": "2022-07-01", "name": "vault1", "location": "eastus",
		"properties": {"tenantId": "[subscription().tenantId]", "sku": {"family": "A", "name": "standard"}, "enabledForTemplateDeployment": true, "accessPolicies": []}}`
	secret := `{"type": "Microsoft.KeyVault/vaults/secrets", "apiVersion": "2022-07-01", "name": "vault1/pw", "dependsOn": ["vault1"], "properties": {}}`
	main := `{` + rgSchema + `, "parameters": {"pw": {"type": "securestring"}}, "resources": [],
		"outputs": {"length": {"type": "int", "value": "[length(parameters('pw'))]"}}}`
	params := func(vault, secret string) string {
		return `{"parameters": {"pw": {"reference": {"keyVault": {"id": "` + vault + `"}, "secretName": "` + secret + `"}}}}`
	}
	tests := []struct {
		name, prereq, vault, secret string
		problem                     string // "" for a deployment that succeeds
	}{
		{"resolved", rgTemplate(vault, secret), vaultID, "pw", ""},
		{"no vault", "", vaultID, "pw", "KeyVaultParameterReferenceNotFound: The specified KeyVault '" + vaultID + "' could not be found."},
		{"no secret", rgTemplate(vault), vaultID, "pw", "KeyVaultParameterReferenceSecretRetrieveFailed: The secret of KeyVault parameter 'pw' cannot be retrieved. Http status code: 'NotFound'. Error message: 'A secret with (name/id) pw was not found in this key vault."},
		{"not a vault", "", "/subscriptions/" + sub0 + "/resourceGroups/kv", "pw", "KeyVaultParameterReferenceNotFound"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, dir := newService(t)
			if tt.prereq != "" {
				req := &DeploymentRequest{Scope: Scope{SubscriptionID: sub0, ResourceGroup: "kv"}, Location: "eastus", CreateGroup: true,
					Template: Template{File: writeFile(t, dir, "vault.json", tt.prereq)}}
				if res, err := s.CreateOrUpdate(t.Context(), req); err != nil || res.Status() != "Succeeded" {
					t.Fatalf("the vault's deployment: %v %v", err, res.Diags)
				}
			}
			req := &DeploymentRequest{Scope: Scope{SubscriptionID: sub0, ResourceGroup: "rg1"}, Location: "eastus", CreateGroup: true,
				Template: Template{File: writeFile(t, dir, "main.json", main), Parameters: []string{"@" + writeFile(t, dir, "p.json", params(tt.vault, tt.secret))}}}
			res, err := s.CreateOrUpdate(t.Context(), req)
			if err != nil {
				t.Fatal(err)
			}
			var problem string
			for _, d := range res.Diags.Errors() {
				problem += d.Code + ": " + d.Message + "\n"
			}
			if !strings.Contains(problem, tt.problem) || (tt.problem == "") != (problem == "") {
				t.Fatalf("problem %q, want one containing %q", problem, tt.problem)
			}
			if tt.problem != "" {
				return
			}
			if res.Status() != "Succeeded" {
				t.Fatalf("status %s", res.Status())
			}
			stand := secretStandIn(vaultID + "/secrets/pw")
			if strings.Contains(export(t, s), stand) {
				t.Errorf("the secret's stand-in value is in the store")
			}
			// The same reference validates as well.
			v, err := s.Validate(t.Context(), req)
			if err != nil || v.Diags.HasErrors() {
				t.Errorf("validate: %v %v", err, v.Diags)
			}
		})
	}
}
