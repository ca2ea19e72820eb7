package server

import (
	"net/http"
)

// metadata serves /metadata/endpoints: the 2015-01-01 shape az reads in
// 'cloud register' (an ADFS-style login endpoint, which spares MSAL the
// instance discovery that cannot work offline) and the 2022-09-01 shape
// Terraform's go-azure-sdk reads (an AAD-style login endpoint, named
// "AAD" in tenant "common" so that azurerm does not take it for Azure
// Stack).
func (s *Server) metadata(w http.ResponseWriter, r *http.Request) {
	base := baseURL(r)
	audiences := []string{"https://management.core.windows.net/", "https://management.azure.com/", base + "/"}
	switch v := r.URL.Query().Get("api-version"); v {
	case "", "2015-01-01", "2018-01-01", "2019-05-01", "2020-06-01":
		writeJSON(w, http.StatusOK, map[string]any{
			"galleryEndpoint": base + "/",
			"graphEndpoint":   base + "/",
			"portalEndpoint":  base + "/",
			"authentication": map[string]any{
				"loginEndpoint": base + "/adfs",
				"audiences":     audiences,
			},
		})
	case "2022-09-01":
		writeJSON(w, http.StatusOK, map[string]any{
			"name":                     "armdeploy",
			"resourceManager":          base + "/",
			"microsoftGraphResourceId": base + "/",
			"graph":                    base + "/",
			"portal":                   base + "/",
			"gallery":                  base + "/",
			"authentication": map[string]any{
				"loginEndpoint":    base,
				"audiences":        audiences,
				"tenant":           "common",
				"identityProvider": "AAD",
			},
			"suffixes": map[string]any{"storage": "core.windows.net", "keyVaultDns": "vault.azure.net", "acrLoginServer": "azurecr.io"},
		})
	default:
		writeError(w, errorf(http.StatusBadRequest, "InvalidApiVersionParameter",
			"The api-version '%s' is invalid. The supported versions are '2022-09-01,2020-06-01,2019-05-01,2018-01-01,2015-01-01'.", v))
	}
}
