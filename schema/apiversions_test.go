package schema

import (
	"slices"
	"strings"
	"testing"
)

// TestSpecAPIVersions checks the table generated from the REST API
// specifications (data/api-versions.txt) and what the registry makes of
// it: types without a schema have their specs' versions, types with one
// accept every version of either source.
func TestSpecAPIVersions(t *testing.T) {
	if n := len(SpecTypes()); n < 3000 {
		t.Fatalf("%d types in the specs table, want every type (over 3000)", n)
	}
	tests := []struct {
		name, typ string
		has       []string
		hasNot    []string
	}{
		{"storage accounts", "Microsoft.Storage/storageAccounts", []string{"2016-01-01", "2019-06-01", "2021-09-01", "2023-01-01"}, []string{"2016-10-01", "2099-01-01"}},
		{"web sites", "Microsoft.Web/sites", []string{"2016-08-01", "2018-11-01", "2022-03-01"}, []string{"2099-01-01"}},
		{"key vaults", "microsoft.keyvault/VAULTS", []string{"2015-06-01", "2019-09-01", "2022-07-01"}, nil},
		{"sql databases", "Microsoft.Sql/servers/databases", []string{"2014-04-01", "2021-11-01"}, nil},
		{"vm extensions", "Microsoft.Compute/virtualMachines/extensions", []string{"2015-06-15", "2019-07-01", "2023-03-01"}, nil},
		{"insights components", "Microsoft.Insights/components", []string{"2015-05-01", "2020-02-02"}, nil},
		{"network 2016-10-01 from ARM's list", "Microsoft.Network/virtualNetworks", []string{"2016-10-01", "2017-04-01", "2014-12-01-preview", "2016-09-01"}, []string{"2016-10-15"}},
		{"public ip 2017-04-01", "Microsoft.Network/publicIPAddresses", []string{"2016-10-01", "2017-04-01", "2023-09-01"}, nil},
		{"load balancer 2017-04-01", "Microsoft.Network/loadBalancers", []string{"2016-10-01", "2017-04-01"}, nil},
		{"dns zones", "Microsoft.Network/dnsZones", []string{"2018-05-01"}, nil},
		{"role assignments", "Microsoft.Authorization/roleAssignments", []string{"2022-04-01"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			vs := SpecAPIVersions(tt.typ)
			if len(vs) == 0 || !slices.IsSorted(vs) || len(slices.Compact(slices.Clone(vs))) != len(vs) {
				t.Fatalf("versions %v: want sorted, unique, non-empty", vs)
			}
			for _, v := range tt.has {
				if !slices.Contains(vs, v) {
					t.Errorf("lacks %s: %v", v, vs)
				}
			}
			for _, v := range tt.hasNot {
				if slices.Contains(vs, v) {
					t.Errorf("has %s", v)
				}
			}
			vs[0] = "mutated"
			if SpecAPIVersions(tt.typ)[0] == "mutated" {
				t.Error("SpecAPIVersions must return a copy")
			}
		})
	}
	if got := SpecAPIVersions("Contoso.Widgets/things"); got != nil {
		t.Errorf("unknown type: %v", got)
	}
}

// TestRegistryAcceptsSpecVersions: a type with a schema accepts every
// version of its own list and of the specs table, and still refuses
// others.
func TestRegistryAcceptsSpecVersions(t *testing.T) {
	tests := []struct {
		name, typ, version string
		ok                 bool
	}{
		{"vnet 2016-10-01", "Microsoft.Network/virtualNetworks", "2016-10-01", true},
		{"vnet 2017-04-01", "Microsoft.Network/virtualNetworks", "2017-04-01", true},
		{"subnet 2017-04-01", "Microsoft.Network/virtualNetworks/subnets", "2017-04-01", true},
		{"nic 2016-10-01", "Microsoft.Network/networkInterfaces", "2016-10-01", true},
		{"pip 2017-04-01", "Microsoft.Network/publicIPAddresses", "2017-04-01", true},
		{"nsg 2017-04-01", "Microsoft.Network/networkSecurityGroups", "2017-04-01", true},
		{"nsg 2021-12-01 from ARM's list", "Microsoft.Network/networkSecurityGroups", "2021-12-01", true},
		{"nic 2021-06-01 from ARM's list", "Microsoft.Network/networkInterfaces", "2021-06-01", true},
		{"deployments 2020-07-01", "Microsoft.Resources/deployments", "2020-07-01", true},
		{"nsg 2024-07-01 from the specs", "Microsoft.Network/networkSecurityGroups", "2024-07-01", true},
		{"vm 2024-07-01", "Microsoft.Compute/virtualMachines", "2024-07-01", true},
		{"gallery 2025-03-03", "Microsoft.Compute/galleries", "2025-03-03", true},
		{"deployments 2015-01-01 from ARM's list", "Microsoft.Resources/deployments", "2015-01-01", true},
		{"vnet upper case", "MICROSOFT.NETWORK/VIRTUALNETWORKS", "2016-10-01", true},
		{"vnet unknown version", "Microsoft.Network/virtualNetworks", "2016-10-15", false},
		{"gallery with a VM version", "Microsoft.Compute/galleries", "2022-08-01", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, known, err := ValidateResource(tt.typ, tt.version, map[string]any{"name": "n", "location": "eastus", "properties": map[string]any{}})
			if !known {
				t.Fatal("type unknown")
			}
			if got := err == nil; got != tt.ok {
				t.Errorf("accepted = %v (%v), want %v", got, err, tt.ok)
			}
			if tt.ok && !slices.Contains(SupportedAPIVersions(tt.typ), strings.ToLower(tt.version)) {
				t.Errorf("SupportedAPIVersions lacks %s", tt.version)
			}
		})
	}
}
