package providers

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/armdeploy/armdeploy/state"
)

func TestMatchAction(t *testing.T) {
	tests := []struct {
		name, pattern, action string
		want                  bool
	}{
		{"star matches all", "*", "Microsoft.Compute/galleries/write", true},
		{"read suffix", "*/read", "Microsoft.Compute/galleries/images/read", true},
		{"read suffix not write", "*/read", "Microsoft.Compute/galleries/write", false},
		{"read suffix not list action", "*/read", "Microsoft.Storage/storageAccounts/listKeys/action", false},
		{"middle wildcard", "Microsoft.Authorization/*/Write", "microsoft.authorization/roleAssignments/write", true},
		{"middle wildcard other namespace", "Microsoft.Authorization/*/Write", "Microsoft.Compute/galleries/write", false},
		{"prefix", "Microsoft.Authorization/*", "Microsoft.Authorization/locks/delete", true},
		{"exact case-insensitive", "Microsoft.Compute/galleries/read", "microsoft.compute/GALLERIES/read", true},
		{"exact differs", "Microsoft.Compute/galleries/read", "Microsoft.Compute/galleries/images/read", false},
		{"suffix overlaps prefix", "a*a", "a", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := MatchAction(tt.pattern, tt.action); got != tt.want {
				t.Errorf("MatchAction(%q, %q) = %v, want %v", tt.pattern, tt.action, got, tt.want)
			}
		})
	}
}

func TestBuiltinRoles(t *testing.T) {
	tests := []struct {
		name, role, action string
		want               bool
	}{
		{"owner assigns roles", RoleOwner, "Microsoft.Authorization/roleAssignments/write", true},
		{"contributor writes galleries", RoleContributor, "Microsoft.Compute/galleries/write", true},
		{"contributor deploys", RoleContributor, "Microsoft.Resources/deployments/write", true},
		{"contributor may not assign roles", RoleContributor, "Microsoft.Authorization/roleAssignments/write", false},
		{"contributor may not delete locks", RoleContributor, "Microsoft.Authorization/locks/delete", false},
		{"contributor may not share galleries", RoleContributor, "Microsoft.Compute/galleries/share/action", false},
		{"contributor reads role assignments", RoleContributor, "Microsoft.Authorization/roleAssignments/read", true},
		{"reader reads", RoleReader, "Microsoft.Compute/galleries/images/versions/read", true},
		{"reader may not deploy", RoleReader, "Microsoft.Resources/deployments/write", false},
		{"reader may not what-if", RoleReader, "Microsoft.Resources/deployments/whatIf/action", false},
		{"uaa assigns roles", RoleUserAccessAdministrator, "Microsoft.Authorization/roleAssignments/write", true},
		{"uaa may not deploy", RoleUserAccessAdministrator, "Microsoft.Resources/deployments/write", false},
		{"uaa reads", RoleUserAccessAdministrator, "Microsoft.Compute/galleries/read", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, ok := BuiltinRole(tt.role)
			if !ok {
				t.Fatalf("no built-in role %s", tt.role)
			}
			if got := r.Allows(tt.action); got != tt.want {
				t.Errorf("%s.Allows(%q) = %v, want %v", r.Name, tt.action, got, tt.want)
			}
		})
	}
}

// TestBuiltinRoleTable checks the embedded table of built-in roles
// (data/builtin-roles.json): its size, well-known ids and names, and that
// every entry is usable.
func TestBuiltinRoleTable(t *testing.T) {
	if n := len(BuiltinRoles()); n < 900 {
		t.Fatalf("%d built-in roles, want the complete list (over 900)", n)
	}
	tests := []struct {
		name, guid, roleName string
	}{
		{"owner", "8e3af657-a8ff-443c-a75c-2fe8c4bcb635", "Owner"},
		{"contributor", "b24988ac-6180-42a0-ab88-20f7382dd24c", "Contributor"},
		{"reader", "acdd72a7-3385-48ef-bd42-f606fba81ae7", "Reader"},
		{"user access administrator", "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9", "User Access Administrator"},
		{"network contributor", "4d97b98b-1d4f-4787-a291-c67834d212e7", "Network Contributor"},
		{"storage blob data contributor", "ba92f5b4-2d11-453d-a403-e96b0029c9fe", "Storage Blob Data Contributor"},
		{"key vault secrets user", "4633458b-17de-408a-b874-0445c86b69e6", "Key Vault Secrets User"},
		{"rbac administrator", "f58310d9-a9f6-439a-9e8d-f62e7b41a168", "Role Based Access Control Administrator"},
		{"acr pull", "7f951dda-4ed3-4680-a7ca-43fe172d538d", "AcrPull"},
		{"monitoring metrics publisher", "3913510d-42f4-4e42-8a64-420c390055eb", "Monitoring Metrics Publisher"},
		{"without dashes", "8e3af657a8ff443ca75c2fe8c4bcb635", "Owner"},
		{"upper case", "B24988AC-6180-42A0-AB88-20F7382DD24C", "Contributor"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, ok := BuiltinRole(tt.guid)
			if !ok {
				t.Fatalf("no built-in role %s", tt.guid)
			}
			if r.Name != tt.roleName || r.GUID != NormalizeGUID(tt.guid) || r.Custom {
				t.Errorf("role %s = %+v, want %s", tt.guid, r, tt.roleName)
			}
			if byName, ok := BuiltinRoleByName(strings.ToUpper(tt.roleName)); !ok || byName != r {
				t.Errorf("BuiltinRoleByName(%q) = %v, %v", tt.roleName, byName, ok)
			}
			if RoleNames()[r.GUID] != tt.roleName {
				t.Errorf("RoleNames()[%s] = %q", r.GUID, RoleNames()[r.GUID])
			}
		})
	}
	if len(RoleNames()) != len(BuiltinRoles()) {
		t.Errorf("RoleNames() has %d roles, the table %d", len(RoleNames()), len(BuiltinRoles()))
	}
	seen := map[string]bool{}
	for _, r := range BuiltinRoles() {
		if RoleNames()[r.GUID] != r.Name {
			t.Errorf("RoleNames()[%s] = %q, want %q", r.GUID, RoleNames()[r.GUID], r.Name)
		}
		if _, err := uuid.Parse(r.GUID); err != nil || r.GUID != strings.ToLower(r.GUID) || r.Name == "" || len(r.Permissions) == 0 {
			t.Errorf("bad entry %+v", r)
		}
		if seen[strings.ToLower(r.Name)] {
			t.Errorf("role name %q twice", r.Name)
		}
		seen[strings.ToLower(r.Name)] = true
	}
}

func TestBuiltinRolePermissions(t *testing.T) {
	tests := []struct {
		name, role, action string
		data, want         bool
	}{
		{"network contributor writes vnets", "4d97b98b-1d4f-4787-a291-c67834d212e7", "Microsoft.Network/virtualNetworks/write", false, true},
		{"network contributor may not write VMs", "4d97b98b-1d4f-4787-a291-c67834d212e7", "Microsoft.Compute/virtualMachines/write", false, false},
		{"network contributor deploys", "4d97b98b-1d4f-4787-a291-c67834d212e7", "Microsoft.Resources/deployments/write", false, true},
		{"blob data contributor writes blobs", "ba92f5b4-2d11-453d-a403-e96b0029c9fe", "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/write", true, true},
		{"blob data contributor blob write is no control action", "ba92f5b4-2d11-453d-a403-e96b0029c9fe", "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/write", false, false},
		{"blob data contributor writes containers", "ba92f5b4-2d11-453d-a403-e96b0029c9fe", "Microsoft.Storage/storageAccounts/blobServices/containers/write", false, true},
		{"secrets user reads secrets", "4633458b-17de-408a-b874-0445c86b69e6", "Microsoft.KeyVault/vaults/secrets/getSecret/action", true, true},
		{"secrets user may not set secrets", "4633458b-17de-408a-b874-0445c86b69e6", "Microsoft.KeyVault/vaults/secrets/setSecret/action", true, false},
		{"owner has no data actions", RoleOwner, "Microsoft.KeyVault/vaults/secrets/getSecret/action", true, false},
		{"rbac administrator assigns roles", "f58310d9-a9f6-439a-9e8d-f62e7b41a168", "Microsoft.Authorization/roleAssignments/write", false, true},
		{"rbac administrator may not define roles", "f58310d9-a9f6-439a-9e8d-f62e7b41a168", "Microsoft.Authorization/roleDefinitions/write", false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, ok := BuiltinRole(tt.role)
			if !ok {
				t.Fatalf("no built-in role %s", tt.role)
			}
			got := r.Allows(tt.action)
			if tt.data {
				got = r.AllowsData(tt.action)
			}
			if got != tt.want {
				t.Errorf("%s grants %q (data %v) = %v, want %v", r.Name, tt.action, tt.data, got, tt.want)
			}
		})
	}
}

func TestNormalizeGUID(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"canonical", "8e3af657-a8ff-443c-a75c-2fe8c4bcb635", "8e3af657-a8ff-443c-a75c-2fe8c4bcb635"},
		{"no dashes", "8e3af657a8ff443ca75c2fe8c4bcb635", "8e3af657-a8ff-443c-a75c-2fe8c4bcb635"},
		{"upper case no dashes", "8E3AF657A8FF443CA75C2FE8C4BCB635", "8e3af657-a8ff-443c-a75c-2fe8c4bcb635"},
		{"not hex", "8e3af657a8ff443ca75c2fe8c4bcb63z", "8e3af657a8ff443ca75c2fe8c4bcb63z"},
		{"a name", "Reader", "reader"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := NormalizeGUID(tt.in); got != tt.want {
				t.Errorf("NormalizeGUID(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// TestRoleDefinitionIDForms assigns built-in and custom roles by every
// form of role definition id Azure accepts: subscription-scoped, tenant
// level, bare GUID, GUID without dashes. The stored id is the
// subscription-scoped one with the canonical GUID.
func TestRoleDefinitionIDForms(t *testing.T) {
	const custom = "c0ffee00-0000-4000-8000-000000000001"
	sub := "/subscriptions/" + testSub
	tests := []struct {
		name, roleID, want string
	}{
		{"subscription scoped", sub + "/providers/Microsoft.Authorization/roleDefinitions/" + RoleOwner, RoleOwner},
		{"tenant level", "/providers/Microsoft.Authorization/roleDefinitions/" + RoleReader, RoleReader},
		{"bare guid", RoleContributor, RoleContributor},
		{"malformed guid", "4d97b98b1d4f4787a29 1c67834d212e7", ""},
		{"guid without dashes", strings.ReplaceAll("4d97b98b-1d4f-4787-a291-c67834d212e7", "-", ""), "4d97b98b-1d4f-4787-a291-c67834d212e7"},
		{"id without dashes", sub + "/providers/Microsoft.Authorization/roleDefinitions/ba92f5b42d11453da403e96b0029c9fe", "ba92f5b4-2d11-453d-a403-e96b0029c9fe"},
		{"upper case", strings.ToUpper(RoleReader), RoleReader},
		{"custom role", sub + "/providers/Microsoft.Authorization/roleDefinitions/" + custom, custom},
		{"custom role without dashes", strings.ReplaceAll(custom, "-", ""), custom},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWorld(t)
			w.store.put(&state.Resource{ID: sub + "/providers/Microsoft.Authorization/roleDefinitions/" + custom, Type: typeRoleDefinition, Name: custom,
				Body: []byte(`{"properties":{"roleName":"Gallery Reader","permissions":[{"actions":["Microsoft.Compute/galleries/read"]}],"assignableScopes":["` + sub + `"]}}`)})
			rg := resID(typeResourceGroup, testRG)
			name := guid(300 + i)
			id := rg + "/providers/Microsoft.Authorization/roleAssignments/" + name
			body := fmt.Sprintf(`{"properties":{"roleDefinitionId":%q,"principalId":%q}}`, tt.roleID, alice)
			_, err := w.send(&Request{ID: id, Type: typeRoleAssignment, Name: name, APIVersion: "2022-04-01", SubscriptionID: testSub,
				ResourceGroup: testRG, Body: js(t, body), Store: w.store, Now: testNow})
			if tt.want == "" {
				if err == nil {
					t.Fatal("accepted an invalid role id")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			r, _ := w.store.Resource(context.Background(), id)
			if got := strAt(objAt(bodyOf(r), "properties"), "roleDefinitionId"); got != sub+"/providers/Microsoft.Authorization/roleDefinitions/"+tt.want {
				t.Errorf("stored roleDefinitionId %s", got)
			}
		})
	}
}
