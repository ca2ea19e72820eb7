package providers

import (
	"strings"
	"testing"
)

// TestFillIdentity: Azure's GET of a resource with a managed identity
// returns the system-assigned principal whatever the casing or combination
// of the type, and each user-assigned identity's principalId and clientId,
// the values the identity's own resource holds.
func TestFillIdentity(t *testing.T) {
	uai := roGroup + "Microsoft.ManagedIdentity/userAssignedIdentities/uai1"
	uaiBody := putGeneric(t, "Microsoft.ManagedIdentity/userAssignedIdentities", "uai1", map[string]any{"location": "eastus"})
	siteID := roGroup + "Microsoft.Web/sites/app1"
	system := derivedGUID(siteID, "system-identity")
	uaiPrincipal, uaiClient := strAt(uaiBody, "properties", "principalId"), strAt(uaiBody, "properties", "clientId")
	type fill struct {
		path []string // below identity
		want any      // nil: absent
	}
	ua := func(k string) []string { return []string{"userAssignedIdentities", uai, k} }
	tests := []struct {
		name     string
		identity map[string]any
		want     []fill
	}{
		{"SystemAssigned", map[string]any{"type": "SystemAssigned"},
			[]fill{{[]string{"principalId"}, system}, {[]string{"tenantId"}, DefaultTenantID}}},
		{"systemAssigned in camel case", map[string]any{"type": "systemAssigned"},
			[]fill{{[]string{"principalId"}, system}, {[]string{"tenantId"}, DefaultTenantID}}},
		{"both, with a space", map[string]any{"type": "SystemAssigned, UserAssigned", "userAssignedIdentities": map[string]any{uai: map[string]any{}}},
			[]fill{{[]string{"principalId"}, system}, {ua("principalId"), uaiPrincipal}, {ua("clientId"), uaiClient}}},
		{"both, without a space", map[string]any{"type": "SystemAssigned,UserAssigned"},
			[]fill{{[]string{"principalId"}, system}}},
		{"user-assigned only, a null entry", map[string]any{"type": "UserAssigned", "userAssignedIdentities": map[string]any{uai: nil}},
			[]fill{{[]string{"principalId"}, nil}, {[]string{"tenantId"}, nil}, {ua("principalId"), uaiPrincipal}, {ua("clientId"), uaiClient}}},
		{"none", map[string]any{"type": "None"}, []fill{{[]string{"principalId"}, nil}}},
		{"a principal the body gives is kept", map[string]any{"type": "SystemAssigned", "principalId": "given"},
			[]fill{{[]string{"principalId"}, "given"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := putGeneric(t, "Microsoft.Web/sites", "app1", map[string]any{"location": "eastus", "identity": tt.identity})
			for _, f := range tt.want {
				v := at(objAt(got, "identity"), f.path...)
				if f.want == nil {
					if v != nil {
						t.Errorf("%v = %v, want absent", f.path, v)
					}
				} else if v != f.want {
					t.Errorf("%v = %v, want %v", f.path, v, f.want)
				}
			}
		})
	}
}

// TestVirtualMachineIdentity: a VM's system-assigned identity has its
// principal, as the generic types' do.
func TestVirtualMachineIdentity(t *testing.T) {
	w := newWorld(t)
	vmSetup(w)
	body := vmBody(resID(typeImageVersion, "gal", "lin", "1.0.0"), "azureuser", "Pipeline-Vm#2024x", "idvm")
	body = strings.Replace(body, `{"location":"eastus",`, `{"location":"eastus","identity":{"type":"systemAssigned"},`, 1)
	if !strings.Contains(body, `"identity"`) {
		t.Fatalf("no identity in %s", body)
	}
	res := w.must(typeVirtualMachine, apiCompute, body, "idvm")
	if got, want := strAt(res.Body, "identity", "principalId"), derivedGUID(resID(typeVirtualMachine, "idvm"), "system-identity"); got != want {
		t.Errorf("principalId = %q, want %q", got, want)
	}
	if got := strAt(res.Body, "identity", "tenantId"); got != DefaultTenantID {
		t.Errorf("tenantId = %q", got)
	}
}

// TestAddonIdentities: an enabled AKS add-on that runs under an identity
// of its own has it in its profile; a disabled one, or one without, has
// none.
func TestAddonIdentities(t *testing.T) {
	got := putGeneric(t, "Microsoft.ContainerService/managedClusters", "aks1", map[string]any{"location": "eastus",
		"properties": map[string]any{"dnsPrefix": "aks1", "addonProfiles": map[string]any{
			"ingressApplicationGateway": map[string]any{"enabled": true, "config": map[string]any{"applicationGatewayId": "x"}},
			"omsagent":                  map[string]any{"enabled": false},
			"azurepolicy":               map[string]any{"enabled": true}}}})
	uai := "/subscriptions/00000000-0000-0000-0000-000000000000/resourcegroups/MC_rg_aks1_eastus/providers/Microsoft.ManagedIdentity/userAssignedIdentities/ingressapplicationgateway-aks1"
	tests := []struct {
		name string
		path []string
		want any
	}{
		{"the add-on's identity", []string{"ingressApplicationGateway", "identity", "resourceId"}, uai},
		{"its object id, as the identity's principal", []string{"ingressApplicationGateway", "identity", "objectId"}, derivedGUID(uai, "principal")},
		{"its client id", []string{"ingressApplicationGateway", "identity", "clientId"}, derivedGUID(uai, "client")},
		{"not a disabled add-on's", []string{"omsagent", "identity"}, nil},
		{"not an add-on without one", []string{"azurepolicy", "identity"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if v := at(objAt(got, "properties", "addonProfiles"), tt.path...); v != tt.want {
				t.Errorf("%v = %v, want %v", tt.path, v, tt.want)
			}
		})
	}
}
