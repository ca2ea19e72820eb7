package providers

import "testing"

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
