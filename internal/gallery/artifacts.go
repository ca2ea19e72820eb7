package gallery

import (
	_ "embed"
	"strings"
)

// The standing artifacts of the gallery's test subscription, which the
// harness's Create-GEN-Artifacts.ps1 creates once and its .config.json
// names (GEN-VNET-NAME, GEN-KEYVAULT-NAME, ...): a resource group holding
// a virtual network with two subnets, a Key Vault with a password secret
// and an encryption key, and a user-assigned identity. ArtifactsTemplate
// creates them; Config is what the placeholders that name them become.
const (
	ArtifactsGroup = "ci-artifacts"
	artifactsSub   = "00000000-0000-0000-0000-000000000000"
	vaultName      = "ci-kv-armdeploy"
	vaultID        = "/subscriptions/" + artifactsSub + "/resourceGroups/" + ArtifactsGroup + "/providers/Microsoft.KeyVault/vaults/" + vaultName
)

// ArtifactsTemplate deploys the standing artifacts into ArtifactsGroup.
//
//go:embed artifacts.json
var ArtifactsTemplate []byte

// Config maps the placeholders that name standing artifacts (without
// their GEN- prefix) to their values.
var Config = map[string]any{
	"VNET-RESOURCEGROUP-NAME":                   ArtifactsGroup,
	"VNET-NAME":                                 "ci-vnet",
	"VNET-SUBNET1-NAME":                         "ci-subnet1",
	"VNET-SUBNET2-NAME":                         "ci-subnet2",
	"SUBNET1-NAME":                              "ci-subnet1",
	"KEYVAULT-NAME":                             vaultName,
	"KEYVAULT-RESOURCEGROUP-NAME":               ArtifactsGroup,
	"KEYVAULT-SUBSCRIPTION-ID":                  artifactsSub,
	"KEYVAULT-RESOURCE-ID":                      vaultID,
	"KEYVAULT-PASSWORD-SECRET-NAME":             "ci-password",
	"KEYVAULT-PASSWORD-REFERENCE":               map[string]any{"keyVault": map[string]any{"id": vaultID}, "secretName": "ci-password"},
	"KEYVAULT-SSH-PUBLIC-KEY-NAME":              "ci-ssh-public-key",
	"KEYVAULT-SSH-PUBLIC-KEY-REFERENCE":         map[string]any{"keyVault": map[string]any{"id": vaultID}, "secretName": "ci-ssh-public-key"},
	"KEYVAULT-SSL-SECRET-NAME":                  "ci-ssl-cert",
	"KEYVAULT-SSL-SECRET-URI":                   "https://" + vaultName + ".vault.azure.net/secrets/ci-ssl-cert/0123456789abcdef0123456789abcdef",
	"KEYVAULT-ENCRYPTION-KEY":                   "ci-key",
	"KEYVAULT-ENCRYPTION-KEY-URI":               "https://" + vaultName + ".vault.azure.net/keys/ci-key/0123456789abcdef0123456789abcdef",
	"KEYVAULT-ENCRYPTION-KEY-VERSION":           "0123456789abcdef0123456789abcdef",
	"SF-CERT-URL":                               "https://" + vaultName + ".vault.azure.net/secrets/ci-ssl-cert/0123456789abcdef0123456789abcdef",
	"USER-ASSIGNED-IDENTITY-NAME":               "ci-identity",
	"USER-ASSIGNED-IDENTITY-RESOURCEGROUP-NAME": ArtifactsGroup,
	// The harness deploys management-group templates into its own group.
	"MANAGEMENTGROUP-NAME": ManagementGroup,
}

// ManagementGroup is the management group the sweep deploys
// management-group templates into, which GEN-MANAGEMENTGROUP-NAME names.
const ManagementGroup = "sweep-mg"

// configValue is the value of a placeholder naming a standing artifact:
// Config's, or, for a Key Vault reference Config does not name (the
// harness keeps one secret per sample that needs one), a reference to the
// vault's password secret.
func configValue(name string) (any, bool) {
	if v, ok := Config[name]; ok {
		return v, true
	}
	if strings.HasPrefix(name, "KEYVAULT-") && strings.HasSuffix(name, "-REFERENCE") {
		return Config["KEYVAULT-PASSWORD-REFERENCE"], true
	}
	return nil, false
}

// NeedsArtifacts reports whether a parameter file names a standing
// artifact, so the artifacts must be deployed before it.
func NeedsArtifacts(params []byte) bool {
	for _, m := range quotedPlaceholder.FindAll(params, -1) {
		if _, ok := configValue(string(m[5 : len(m)-1])); ok {
			return true
		}
	}
	return false
}
