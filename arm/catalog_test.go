package arm

import (
	"strings"
	"testing"
)

func TestCatalog(t *testing.T) {
	s, _ := newService(t)
	ctx := t.Context()
	p, err := s.GetProvider(ctx, "", sub0, "microsoft.compute")
	if err != nil {
		t.Fatal(err)
	}
	var galleries *ProviderType
	for _, rt := range p.ResourceTypes {
		if rt.ResourceType == "galleries" {
			galleries = rt
		}
	}
	if galleries == nil || len(galleries.APIVersions) == 0 || galleries.APIVersions[0] < galleries.APIVersions[len(galleries.APIVersions)-1] {
		t.Fatalf("galleries: %+v", galleries)
	}
	if _, err := s.GetProvider(ctx, "", sub0, "Microsoft.Nope"); !isCode(err, "InvalidResourceNamespace") {
		t.Errorf("unknown namespace: %v", err)
	}
	if _, err := s.ListProviders(ctx, "stranger", sub0); !isCode(err, "SubscriptionNotFound") {
		t.Errorf("a stranger lists providers: %v", err)
	}
	versions := []struct {
		name, typ, version, code string
	}{
		{"known version", "Microsoft.Compute/galleries", "2022-03-03", ""},
		{"any case", "microsoft.compute/GALLERIES", "2022-03-03", ""},
		{"unknown version", "Microsoft.Compute/galleries", "2099-01-01", "NoRegisteredProviderFound"},
		{"unknown type takes any", "Contoso.Widgets/things", "2099-01-01", ""},
	}
	for _, tc := range versions {
		t.Run(tc.name, func(t *testing.T) {
			e := CheckAPIVersion(tc.typ, tc.version, "")
			got := ""
			if e != nil {
				got = e.Code
				if !strings.Contains(e.Message, "The supported api-versions are") {
					t.Errorf("message: %s", e.Message)
				}
			}
			if got != tc.code {
				t.Errorf("got %q, want %q", got, tc.code)
			}
		})
	}
	ds, err := s.ListRoleDefinitions(ctx, "", "/subscriptions/"+sub0, "reader")
	if err != nil || len(ds) != 1 || ds[0].Properties.RoleName != "Reader" {
		t.Errorf("roleName eq 'reader': %+v %v", ds, err)
	}
	if _, err := s.GetRoleDefinition(ctx, "", "/subscriptions/"+sub0, "nope"); !isCode(err, "RoleDefinitionDoesNotExist") {
		t.Errorf("missing role: %v", err)
	}
	ts, err := s.ListTenants(ctx, "")
	if err != nil || len(ts) != 1 || ts[0].TenantID != DefaultTenant {
		t.Errorf("tenants: %+v %v", ts, err)
	}
	ls, err := s.ListLocations(ctx, "", sub0)
	if err != nil || len(ls) < 10 {
		t.Errorf("locations: %d %v", len(ls), err)
	}
}
