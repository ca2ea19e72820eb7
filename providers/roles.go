package providers

import (
	"context"
	"strings"

	"github.com/armdeploy/armdeploy/state"
)

// Role definitions: the built-in roles with Azure's own actions and
// notActions, and custom roles (Microsoft.Authorization/roleDefinitions
// resources) with theirs. An assignment grants an action when one of its
// role's permission blocks lists a pattern matching the action among its
// actions and none among its notActions.

// typeRoleDefinition is the resource type of custom role definitions.
const typeRoleDefinition = "Microsoft.Authorization/roleDefinitions"

// RoleUserAccessAdministrator is the built-in User Access Administrator.
const RoleUserAccessAdministrator = "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9"

// Permission is one permission block of a role definition.
type Permission struct {
	Actions, NotActions []string
}

// RoleDefinition is a role: its GUID, name and permission blocks, and for
// a custom role the scopes it may be assigned at.
type RoleDefinition struct {
	GUID, Name       string
	Custom           bool
	Permissions      []Permission
	AssignableScopes []string
}

// builtinRoles are Azure's built-in roles armdeploy knows, with the
// actions and notActions Azure publishes for them.
var builtinRoles = map[string]*RoleDefinition{
	RoleOwner: {GUID: RoleOwner, Name: "Owner", Permissions: []Permission{{Actions: []string{"*"}}}},
	RoleContributor: {GUID: RoleContributor, Name: "Contributor", Permissions: []Permission{{
		Actions: []string{"*"},
		NotActions: []string{
			"Microsoft.Authorization/*/Delete",
			"Microsoft.Authorization/*/Write",
			"Microsoft.Authorization/elevateAccess/Action",
			"Microsoft.Blueprint/blueprintAssignments/write",
			"Microsoft.Blueprint/blueprintAssignments/delete",
			"Microsoft.Compute/galleries/share/action",
			"Microsoft.Purview/consents/write",
			"Microsoft.Purview/consents/delete",
			"Microsoft.Resources/deploymentStacks/manageDenySetting/action",
			"Microsoft.Subscription/cancel/action",
			"Microsoft.Subscription/enable/action",
		},
	}}},
	RoleReader: {GUID: RoleReader, Name: "Reader", Permissions: []Permission{{Actions: []string{"*/read"}}}},
	RoleUserAccessAdministrator: {GUID: RoleUserAccessAdministrator, Name: "User Access Administrator", Permissions: []Permission{{
		Actions: []string{"*/read", "Microsoft.Authorization/*", "Microsoft.Support/*"},
	}}},
}

// RoleNames maps the built-in role ids to their names.
var RoleNames = func() map[string]string {
	m := make(map[string]string, len(builtinRoles))
	for id, r := range builtinRoles {
		m[id] = r.Name
	}
	return m
}()

// BuiltinRole returns a built-in role by GUID.
func BuiltinRole(guid string) (*RoleDefinition, bool) {
	r, ok := builtinRoles[strings.ToLower(guid)]
	return r, ok
}

// LookupRole returns the role definition of a role definition id (or
// bare GUID): a built-in role, or a custom role stored as a
// Microsoft.Authorization/roleDefinitions resource named by that GUID.
func LookupRole(ctx context.Context, store state.Reader, roleDefinitionID string) (*RoleDefinition, bool) {
	guid := roleGUID(roleDefinitionID)
	if r, ok := builtinRoles[guid]; ok {
		return r, true
	}
	if store == nil {
		return nil, false
	}
	rs, err := store.Resources(ctx, state.ResourceFilter{Type: typeRoleDefinition})
	if err != nil {
		return nil, false
	}
	for _, res := range rs {
		if !strings.EqualFold(lastSegment(res.Name), guid) && !strings.EqualFold(lastSegment(res.ID), guid) {
			continue
		}
		return customRole(guid, bodyOf(res)), true
	}
	return nil, false
}

// customRole reads a role definition resource's body.
func customRole(guid string, body map[string]any) *RoleDefinition {
	p := objAt(body, "properties")
	r := &RoleDefinition{GUID: guid, Name: strAt(p, "roleName"), Custom: true, AssignableScopes: strings_(arrAt(p, "assignableScopes"))}
	for _, b := range arrAt(p, "permissions") {
		m, _ := b.(map[string]any)
		r.Permissions = append(r.Permissions, Permission{Actions: strings_(arrAt(m, "actions")), NotActions: strings_(arrAt(m, "notActions"))})
	}
	return r
}

// strings_ returns the strings of a JSON array.
func strings_(a []any) []string {
	out := make([]string, 0, len(a))
	for _, v := range a {
		if s, ok := v.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

// Allows reports whether the role grants action (an ARM operation such as
// Microsoft.Compute/galleries/write).
func (r *RoleDefinition) Allows(action string) bool {
	for _, p := range r.Permissions {
		if matchesAny(p.Actions, action) && !matchesAny(p.NotActions, action) {
			return true
		}
	}
	return false
}

// AssignableAt reports whether a custom role may be assigned at scope:
// one of its assignable scopes is the scope or above it. Built-in roles
// are assignable everywhere.
func (r *RoleDefinition) AssignableAt(scope string) bool {
	if !r.Custom {
		return true
	}
	for _, s := range r.AssignableScopes {
		if scopeCovers(s, scope) {
			return true
		}
	}
	return false
}

func matchesAny(patterns []string, action string) bool {
	for _, p := range patterns {
		if MatchAction(p, action) {
			return true
		}
	}
	return false
}

// MatchAction reports whether an action pattern of a role definition
// matches an action, case-insensitively; '*' matches any run of
// characters, '/' included, as in Azure ("*/read",
// "Microsoft.Authorization/*/Write").
func MatchAction(pattern, action string) bool {
	p, a := strings.ToLower(pattern), strings.ToLower(action)
	parts := strings.Split(p, "*")
	if len(parts) == 1 {
		return p == a
	}
	if !strings.HasPrefix(a, parts[0]) {
		return false
	}
	a = a[len(parts[0]):]
	last := parts[len(parts)-1]
	for _, mid := range parts[1 : len(parts)-1] {
		i := strings.Index(a, mid)
		if i < 0 {
			return false
		}
		a = a[i+len(mid):]
	}
	return len(a) >= len(last) && strings.HasSuffix(a, last)
}
