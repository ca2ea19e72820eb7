package providers

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"unicode"

	"github.com/google/uuid"

	"github.com/armdeploy/armdeploy/state"
)

// Microsoft.Resources/resourceGroups and Microsoft.Authorization/
// roleAssignments, and the access check behind --as (gallery-rp.md §11,
// seed "Access").

const (
	typeResourceGroup  = "Microsoft.Resources/resourceGroups"
	typeRoleAssignment = "Microsoft.Authorization/roleAssignments"
)

// Built-in role definition ids.
const (
	RoleReader      = "acdd72a7-3385-48ef-bd42-f606fba81ae7"
	RoleContributor = "b24988ac-6180-42a0-ab88-20f7382dd24c"
	RoleOwner       = "8e3af657-a8ff-443c-a75c-2fe8c4bcb635"
)

func init() {
	Register(resourceGroupProvider{})
	Register(roleAssignmentProvider{})
}

// ---- resource groups ------------------------------------------------------

type resourceGroupProvider struct{}

func (resourceGroupProvider) Types() []string { return []string{typeResourceGroup} }

func (resourceGroupProvider) ReadOnly(string) []string {
	return []string{"properties.provisioningState"}
}

func (resourceGroupProvider) Immutable(string) []string { return []string{"location"} }

// CheckGroupName applies ARM's resource-group name rule (Azure docs,
// resource-name-rules, Microsoft.Resources resourcegroups): 1-90 letters,
// digits, '-', '_', '.', '(' or ')', not ending in a period. The texts
// are the ones 'armdeploy group create' gives [U: not in gallery-rp.md].
func CheckGroupName(name string) *Error {
	var bad strings.Builder
	for _, r := range name {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) && !strings.ContainsRune("-_.()", r) && !strings.ContainsRune(bad.String(), r) {
			bad.WriteRune(r)
		}
	}
	switch {
	case bad.Len() > 0:
		return &Error{Code: "InvalidResourceGroup", Target: "name", Message: fmt.Sprintf("The provided resource group name '%s' has these "+
			"invalid characters: '%s'. The name can only be a letter, digit, '-', '.', '(', ')' or '_'.", name, bad.String())}
	case name == "" || len([]rune(name)) > 90 || strings.HasSuffix(name, "."):
		return &Error{Code: "InvalidResourceGroup", Target: "name", Message: fmt.Sprintf("The provided resource group name '%s' is invalid: "+
			"it must be 1 to 90 characters long and must not end with a period.", name)}
	}
	return nil
}

func (resourceGroupProvider) Put(ctx context.Context, r *Request) (*Result, error) {
	id, err := parseID(r.ID)
	if err != nil {
		return nil, err
	}
	name := id.ResourceGroup
	if name == "" {
		name = lastSegment(r.Name)
	}
	if e := CheckGroupName(name); e != nil {
		return nil, e
	}
	body, props := newBody(r)
	set(body, "name", name)
	raw := strAt(body, "location")
	if strings.TrimSpace(raw) == "" {
		return nil, errLocationRequired()
	}
	if !ValidLocation(raw) {
		// [U] ARM's text for groups (the gallery types use
		// LocationNotAvailableForResourceType).
		return nil, &Error{Code: "LocationNotAvailableForResourceGroup", Target: "location",
			Message: fmt.Sprintf("The provided location '%s' is not available for resource group. List of available regions is '%s'.", raw, strings.Join(regionNames(), ","))}
	}
	loc := NormalizeLocation(raw)
	set(body, "location", loc)
	old := ""
	if r.Store != nil {
		g, err := r.Store.Group(ctx, id.SubscriptionID, name)
		if err == nil {
			old = NormalizeLocation(g.Location)
		} else if !errors.Is(err, state.ErrNotFound) {
			return nil, err
		}
	}
	if old == "" && r.Current != nil {
		old = locationOf(r.Current)
	}
	if old != "" && old != loc {
		// [U] ARM's text.
		return nil, &Error{Code: "InvalidResourceGroupLocation", Target: "location",
			Message: fmt.Sprintf("Invalid resource group location '%s'. The Resource group already exists in location '%s'.", loc, old)}
	}
	set(props, "provisioningState", "Succeeded")
	return &Result{Body: body}, nil
}

func (resourceGroupProvider) Delete(context.Context, *DeleteRequest) error { return nil }

// ---- role assignments -----------------------------------------------------

type roleAssignmentProvider struct{}

func (roleAssignmentProvider) Types() []string { return []string{typeRoleAssignment} }

func (roleAssignmentProvider) ReadOnly(string) []string {
	return []string{"properties.scope", "properties.createdOn", "properties.updatedOn", "properties.createdBy", "properties.updatedBy"}
}

func (roleAssignmentProvider) Immutable(string) []string {
	return []string{"properties.roleDefinitionId", "properties.principalId"}
}

// roleGUID returns the GUID at the end of a role definition id
// (/subscriptions/{s}/providers/Microsoft.Authorization/roleDefinitions/{id},
// /providers/Microsoft.Authorization/roleDefinitions/{id}, or the id itself
// when it is a bare GUID), in canonical form: lower case with dashes, as
// Azure also accepts the GUID without dashes.
func roleGUID(roleDefinitionID string) string {
	return NormalizeGUID(lastSegment(strings.TrimRight(roleDefinitionID, "/")))
}

// assignmentScope returns the scope of a role assignment id.
func assignmentScope(id string) string {
	const marker = "/providers/microsoft.authorization/roleassignments/"
	i := strings.LastIndex(strings.ToLower(id), marker)
	switch {
	case i < 0:
		return ""
	case i == 0:
		return "/"
	}
	return id[:i]
}

func (roleAssignmentProvider) Put(ctx context.Context, r *Request) (*Result, error) {
	name := lastSegment(r.Name)
	// 1 the name is a GUID (Azure docs: role assignment names are GUIDs,
	// "role-assignments-template") [U text]
	if _, err := uuid.Parse(name); err != nil || len(name) != 36 {
		// [U] ARM's text.
		return nil, &Error{Code: "InvalidRoleAssignmentId", Target: "name",
			Message: fmt.Sprintf("The role assignment ID '%s' is not valid. The role assignment ID must be a GUID.", name)}
	}
	scope := assignmentScope(r.ID)
	body, props := newBody(r)
	del(body, "location")
	// 2 the scope exists (gallery-rp.md §8 ResourceGroupNotFound; ARM's
	// ResourceNotFound)
	if err := checkScope(ctx, r.Store, scope, r.tenant()); err != nil {
		return nil, err
	}
	// 3 role and principal: the role is a built-in one (data/builtin-roles.json,
	// `az role definition list`) or a stored custom role assignable at the
	// scope (Azure docs: "custom-roles", assignableScopes) [U texts]
	roleID := strAt(props, "roleDefinitionId")
	if roleID == "" {
		return nil, errRequired("roleDefinitionId")
	}
	guid := roleGUID(roleID)
	role, known := LookupRole(ctx, r.Store, guid)
	if !known {
		// [U] ARM's text.
		return nil, &Error{Code: "RoleDefinitionDoesNotExist", Target: "roleDefinitionId",
			Message: fmt.Sprintf("The specified role definition with ID '%s' does not exist.", guid)}
	}
	if !role.AssignableAt(scope) {
		// [U] ARM's text.
		return nil, &Error{Code: "InvalidRoleAssignmentScope", Target: "roleDefinitionId",
			Message: fmt.Sprintf("The role definition '%s' is not assignable at scope '%s': it is not under one of the role's assignable scopes.", guid, scope)}
	}
	principal := strAt(props, "principalId")
	if principal == "" {
		return nil, errRequired("principalId")
	}
	if e := enum(props, "principalType", "principalType", "principalType", "User", "Group", "ServicePrincipal", "ForeignGroup", "Device"); e != nil {
		return nil, e
	}
	sub := ""
	if p, err := state.ParseResourceID(r.ID); err == nil {
		sub = p.SubscriptionID
	}
	fullRole := "/providers/Microsoft.Authorization/roleDefinitions/" + guid
	if sub != "" {
		fullRole = "/subscriptions/" + sub + fullRole
	}
	// 4 update: principal, role and scope are fixed (Azure docs:
	// "role-assignments-template", an assignment cannot be changed) [U text]
	if r.Current != nil {
		op := objAt(bodyOf(r.Current), "properties")
		if !strings.EqualFold(strAt(op, "principalId"), principal) || roleGUID(strAt(op, "roleDefinitionId")) != guid {
			// [U] ARM's text.
			return nil, &Error{Code: "RoleAssignmentUpdateNotPermitted",
				Message: "Tenant ID, application ID, principal ID, and scope are not allowed to be updated."}
		}
	}
	// 5 the same grant under another name (Azure docs: "troubleshooting",
	// RoleAssignmentExists)
	existing, err := AssignmentsAt(ctx, r.Store, scope)
	if err != nil {
		return nil, err
	}
	for _, a := range existing {
		if !strings.EqualFold(a.ID, r.ID) && strings.EqualFold(scopeOf(a), scope) &&
			strings.EqualFold(a.PrincipalID, principal) && roleGUID(a.RoleDefinitionID) == guid {
			// [U] ARM's text.
			return nil, &Error{Code: "RoleAssignmentExists", Message: "The role assignment already exists."}
		}
	}
	created := r.Now
	if r.Current != nil {
		if t, ok := parseDate(strAt(bodyOf(r.Current), "properties", "createdOn")); ok {
			created = t
		}
	}
	set(props, "roleDefinitionId", fullRole)
	set(props, "scope", scope)
	set(props, "createdOn", formatDate(created))
	set(props, "updatedOn", formatDate(r.Now))
	return &Result{Body: body}, nil
}

func (roleAssignmentProvider) Delete(context.Context, *DeleteRequest) error { return nil }

// checkScope refuses an assignment whose scope does not exist; the
// tenant root management group (named tenant) always does.
func checkScope(ctx context.Context, store state.Reader, scope, tenant string) error {
	p, err := state.ParseResourceID(scope)
	if err != nil || store == nil {
		return nil
	}
	switch {
	case typeIs(p.Type, "Microsoft.Resources/subscriptions"):
		return nil
	case typeIs(p.Type, typeResourceGroup):
		return checkGroup(ctx, store, p)
	case typeIs(p.Type, typeManagementGroup) && tenantLevel(p) && strings.EqualFold(p.Name, tenant):
		return nil
	}
	res, err := lookup(ctx, store, scope)
	if err != nil {
		return err
	}
	if res == nil {
		return errResourceNotFound(scope)
	}
	return nil
}

// AssignmentsAt returns every role assignment that applies at scope: the
// store's role-assignment records and the role-assignment resources
// deployments created, at scope or above it.
func AssignmentsAt(ctx context.Context, store state.Reader, scope string) ([]*state.RoleAssignment, error) {
	if store == nil {
		return nil, nil
	}
	above := groupsAbove(ctx, store, scope)
	out, err := store.RoleAssignments(ctx, scope)
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	for _, a := range out {
		seen[strings.ToLower(a.ID)] = true
	}
	rs, err := store.Resources(ctx, state.ResourceFilter{Type: typeRoleAssignment})
	if err != nil {
		return nil, err
	}
	for _, res := range rs {
		if seen[strings.ToLower(res.ID)] {
			continue
		}
		sc := assignmentScope(res.ID)
		if !covers(sc, scope, above) {
			continue
		}
		p := objAt(bodyOf(res), "properties")
		out = append(out, &state.RoleAssignment{ID: res.ID, Scope: sc, PrincipalID: strAt(p, "principalId"),
			RoleDefinitionID: strAt(p, "roleDefinitionId"), Created: res.Created})
	}
	return out, nil
}

// groupsAbove returns the ids of the management groups above target, in
// the hierarchy: a subscription's group and that group's ancestors up to
// the tenant root, or a management group's ancestors. Role assignments at
// any of them apply at target.
func groupsAbove(ctx context.Context, store state.Reader, target string) []string {
	if store == nil {
		return nil
	}
	var mg string
	if ref, err := state.ParseResourceID(target); err == nil && ref.SubscriptionID != "" {
		if mg, err = SubscriptionParent(ctx, store, ref.SubscriptionID); err != nil {
			return nil
		}
		if mg == "" {
			mg = DefaultTenantID
		}
	} else if m := mgIDPrefix.FindStringSubmatch(target); m != nil {
		mg = m[1]
	} else {
		return nil
	}
	chain, err := ManagementGroupAncestors(ctx, store, mg, "")
	if err != nil {
		return nil
	}
	out := make([]string, 0, len(chain))
	for _, name := range chain {
		out = append(out, "/providers/Microsoft.Management/managementGroups/"+name)
	}
	return out
}

// mgIDPrefix matches an id at or under a management group.
var mgIDPrefix = regexp.MustCompile(`(?i)^/providers/Microsoft\.Management/managementGroups/([^/]+)`)

// covers reports whether an assignment at scope applies at target: the
// same scope, one above it in the id, or a management group above it.
func covers(scope, target string, above []string) bool {
	if scopeCovers(scope, target) {
		return true
	}
	for _, g := range above {
		if strings.EqualFold(strings.TrimRight(scope, "/"), g) {
			return true
		}
	}
	return false
}

// scopeCovers reports whether an assignment at scope applies at target:
// the same scope or one above it.
func scopeCovers(scope, target string) bool {
	s := strings.TrimRight(strings.ToLower(scope), "/")
	t := strings.TrimRight(strings.ToLower(target), "/")
	return s == "" || s == t || strings.HasPrefix(t, s+"/")
}

// actionType is the resource type ARM names in an action for an id.
func actionType(resourceID string) string {
	if strings.Trim(resourceID, "/") == "" {
		return "Microsoft.Resources/tenants"
	}
	p, err := state.ParseResourceID(resourceID)
	if err != nil {
		return "Microsoft.Resources/subscriptions"
	}
	if typeIs(p.Type, typeResourceGroup) {
		return "Microsoft.Resources/subscriptions/resourceGroups"
	}
	return p.Type
}

// Action returns the ARM operation an access check is about: a verb
// ("read", "write", "delete", "action") becomes the operation on the
// id's type (Microsoft.Compute/galleries/write); a full operation (one
// with a '/') is kept.
func Action(verb, resourceID string) string {
	if strings.Contains(verb, "/") {
		return verb
	}
	return actionType(resourceID) + "/" + verb
}

// Authorize checks that principal may perform action on resourceID:
// action is a verb ("read", "write", "delete") on the id's type or a
// full ARM operation (Microsoft.Resources/deployments/whatIf/action).
// Role assignments at the resource, every scope above it in its id and
// the management groups above its subscription apply, so a grant on a
// gallery covers its definitions and versions, one on a definition its
// versions, and one on a version only that version (the seed's sharing
// matrix). A role grants the action when one of its permission blocks
// matches it in actions and not in notActions (built-in roles carry
// Azure's own lists; custom roles are read from the store). An empty
// principal is the owner of everything. Assignments to a group the
// principal belongs to, directly or through nested groups, apply to it
// (see [Identities]); the principal's tenant does not matter, so a
// principal of another tenant holds what this subscription's assignments
// give it, as a multi-tenant app's or a guest's does in Azure. A denial is
// ARM's AuthorizationFailed.
func Authorize(ctx context.Context, store state.Reader, principal, action, resourceID string) *Error {
	if principal == "" {
		return nil
	}
	op := Action(action, resourceID)
	above := groupsAbove(ctx, store, resourceID)
	as, err := AssignmentsAt(ctx, store, resourceID)
	if err == nil {
		holders := Identities(ctx, store, principal)
		roles := map[string]*RoleDefinition{}
		for _, a := range as {
			if !holders[strings.ToLower(a.PrincipalID)] || !covers(scopeOf(a), resourceID, above) {
				continue
			}
			guid := roleGUID(a.RoleDefinitionID)
			role, seen := roles[guid]
			if !seen {
				role, _ = LookupRole(ctx, store, guid)
				roles[guid] = role
			}
			if role != nil && role.Allows(op) {
				return nil
			}
		}
	}
	return &Error{Code: "AuthorizationFailed", Target: resourceID,
		Message: fmt.Sprintf("The client '%s' with object id '%s' does not have authorization to perform action '%s' over scope '%s' or the scope is invalid. If access was recently granted, please refresh your credentials.",
			principal, principal, op, resourceID)}
}

// Identities returns the lower-cased object ids whose role assignments
// apply to principal: its own and those of every Azure AD group it
// belongs to, directly or through groups that are members of groups (as
// Azure RBAC counts nested groups).
func Identities(ctx context.Context, store state.Reader, principal string) map[string]bool {
	out := map[string]bool{strings.ToLower(principal): true}
	queue := []string{principal}
	for len(queue) > 0 {
		p := queue[0]
		queue = queue[1:]
		groups, err := store.MemberOf(ctx, p)
		if err != nil {
			continue
		}
		for _, g := range groups {
			if k := strings.ToLower(g); !out[k] {
				out[k] = true
				queue = append(queue, g)
			}
		}
	}
	return out
}

// scopeOf returns an assignment's scope.
func scopeOf(a *state.RoleAssignment) string {
	if a.Scope != "" {
		return a.Scope
	}
	return assignmentScope(a.ID)
}
