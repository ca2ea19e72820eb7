package arm

import (
	"slices"
	"testing"
)

// TestCatalogData checks what the embedded data gives the REST API: the
// providers list every type of the REST API specifications with its
// api-versions, api-versions ARM registers beyond the specs are accepted,
// and the role definitions are Azure's complete built-in list.
func TestCatalogData(t *testing.T) {
	s, _ := newService(t)
	ctx := t.Context()
	types := []struct {
		name, namespace, typ, version string
	}{
		{"storage accounts", "Microsoft.Storage", "storageAccounts", "2023-01-01"},
		{"web sites", "microsoft.web", "sites", "2022-03-01"},
		{"virtual networks 2016-10-01", "Microsoft.Network", "virtualNetworks", "2016-10-01"},
		{"galleries", "Microsoft.Compute", "galleries", "2022-03-03"},
	}
	for _, tt := range types {
		t.Run(tt.name, func(t *testing.T) {
			p, err := s.GetProvider(ctx, "", sub0, tt.namespace)
			if err != nil {
				t.Fatal(err)
			}
			i := slices.IndexFunc(p.ResourceTypes, func(rt *ProviderType) bool { return rt.ResourceType == tt.typ })
			if i < 0 {
				t.Fatalf("%s has no %s", tt.namespace, tt.typ)
			}
			if vs := p.ResourceTypes[i].APIVersions; !slices.Contains(vs, tt.version) || vs[0] < vs[len(vs)-1] {
				t.Errorf("api-versions %v: want newest first, with %s", vs, tt.version)
			}
		})
	}
	versions := []struct {
		name, typ, version, code string
	}{
		{"vnet 2016-10-01", "Microsoft.Network/virtualNetworks", "2016-10-01", ""},
		{"vnet 2017-04-01", "Microsoft.Network/virtualNetworks", "2017-04-01", ""},
		{"pip 2017-04-01", "Microsoft.Network/publicIPAddresses", "2017-04-01", ""},
		{"vnet unknown", "Microsoft.Network/virtualNetworks", "2016-10-15", "NoRegisteredProviderFound"},
	}
	for _, tt := range versions {
		t.Run(tt.name, func(t *testing.T) {
			e := CheckAPIVersion(tt.typ, tt.version, "")
			if got := ""; e != nil {
				got = e.Code
				if got != tt.code {
					t.Errorf("code %q, want %q", got, tt.code)
				}
			} else if tt.code != "" {
				t.Errorf("accepted, want %s", tt.code)
			}
		})
	}
	roles, err := s.ListRoleDefinitions(ctx, "", "/subscriptions/"+sub0, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(roles) < 900 {
		t.Errorf("%d role definitions, want Azure's complete built-in list", len(roles))
	}
	for _, name := range []string{"Owner", "Network Contributor", "Storage Blob Data Reader", "Key Vault Administrator"} {
		rs, err := s.ListRoleDefinitions(ctx, "", "/subscriptions/"+sub0, name)
		if err != nil || len(rs) != 1 || rs[0].Properties.Type != "BuiltInRole" || rs[0].Properties.Description == "" {
			t.Errorf("role %s: %v %+v", name, err, rs)
		}
	}
	d, err := s.GetRoleDefinition(ctx, "", "/subscriptions/"+sub0, "ba92f5b42d11453da403e96b0029c9fe")
	if err != nil || d.Properties.RoleName != "Storage Blob Data Contributor" || len(d.Properties.Permissions) == 0 ||
		len(d.Properties.Permissions[0].DataActions) == 0 {
		t.Errorf("GetRoleDefinition without dashes: %v %+v", err, d)
	}
}
