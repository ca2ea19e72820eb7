package providers

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/armdeploy/armdeploy/state"
)

const (
	alice = "aaaaaaaa-0000-0000-0000-000000000001"
	bob   = "bbbbbbbb-0000-0000-0000-000000000002"
)

// assign PUTs a role assignment resource at scope.
func (w *world) assign(scope, name, role, principal string) error {
	id := scope + "/providers/Microsoft.Authorization/roleAssignments/" + name
	body := fmt.Sprintf(`{"properties":{"roleDefinitionId":"/subscriptions/%s/providers/Microsoft.Authorization/roleDefinitions/%s","principalId":%q}}`, testSub, role, principal)
	r := &Request{ID: id, Type: typeRoleAssignment, Name: name, APIVersion: "2022-04-01", SubscriptionID: testSub,
		ResourceGroup: testRG, Body: js(w.t, body), Store: w.store, Now: testNow}
	if cur, err := w.store.Resource(context.Background(), id); err == nil {
		r.Current = cur
	}
	_, err := w.send(r)
	return err
}

func guid(n int) string { return fmt.Sprintf("00000000-0000-0000-0000-%012d", n) }

func TestResourceGroupAndRoleRules(t *testing.T) {
	cases := []ruleCase{
		{name: "group in an unknown location", typ: typeResourceGroup, api: "2021-04-01", names: []string{"newrg"},
			body: `{"location":"middleearth"}`, code: "LocationNotAvailableForResourceGroup",
			msg: "The provided location 'middleearth' is not available for resource group. List of available regions is '" + strings.Join(regionNames(), ",") + "'."},
		{name: "group moved", typ: typeResourceGroup, api: "2021-04-01", names: []string{testRG},
			body: `{"location":"westus"}`, code: "InvalidResourceGroupLocation",
			msg: "Invalid resource group location 'westus'. The Resource group already exists in location 'eastus'."},
		{name: "group without a location", typ: typeResourceGroup, api: "2021-04-01", names: []string{"newrg"},
			body: `{"tags":{"env":"dev"}}`, code: "LocationRequired", msg: "The location property is required for this definition."},
		{name: "group name ending with a period", typ: typeResourceGroup, api: "2021-04-01", names: []string{"rg."},
			body: `{"location":"eastus"}`, code: "InvalidResourceGroup",
			msg: "The provided resource group name 'rg.' is invalid: it must be 1 to 90 characters long and must not end with a period."},
		{name: "group name with a slash-free invalid character", typ: typeResourceGroup, api: "2021-04-01", names: []string{"rg#1"},
			body: `{"location":"eastus"}`, code: "InvalidResourceGroup",
			msg: "The provided resource group name 'rg#1' has these invalid characters: '#'. The name can only be a letter, digit, '-', '.', '(', ')' or '_'."},
	}
	runRules(t, cases)

	w := newWorld(t)
	gallerySetup(w)
	gal := resID(typeGallery, "gal")
	rg := resID(typeResourceGroup, testRG)
	for _, c := range []struct {
		name                 string
		scope, id, role, who string
		code, msg            string
		setup                func()
	}{
		{name: "assignment name not a GUID", scope: gal, id: "reader-for-alice", role: RoleReader, who: alice, code: "InvalidRoleAssignmentId",
			msg: "The role assignment ID 'reader-for-alice' is not valid. The role assignment ID must be a GUID."},
		{name: "unknown role", scope: gal, id: guid(1), role: "11111111-1111-1111-1111-111111111111", who: alice, code: "RoleDefinitionDoesNotExist",
			msg: "The specified role definition with ID '11111111-1111-1111-1111-111111111111' does not exist."},
		{name: "principal missing", scope: gal, id: guid(2), role: RoleReader, who: "", code: "InvalidParameter",
			msg: "Required parameter 'principalId' is missing (null)."},
		{name: "scope missing", scope: resID(typeGallery, "ghost"), id: guid(3), role: RoleReader, who: alice, code: "ResourceNotFound",
			msg: "The Resource 'Microsoft.Compute/galleries/ghost' under resource group 'rg' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix"},
		{name: "group scope missing", scope: "/subscriptions/" + testSub + "/resourceGroups/nogroup", id: guid(4), role: RoleReader, who: alice, code: "ResourceGroupNotFound",
			msg: "Resource group 'nogroup' could not be found."},
		{name: "same grant twice", scope: rg, id: guid(6), role: RoleContributor, who: bob, code: "RoleAssignmentExists",
			msg: "The role assignment already exists.", setup: func() {
				if err := w.assign(rg, guid(5), RoleContributor, bob); err != nil {
					t.Fatal(err)
				}
			}},
		{name: "principal changed", scope: rg, id: guid(5), role: RoleContributor, who: alice, code: "RoleAssignmentUpdateNotPermitted",
			msg: "Tenant ID, application ID, principal ID, and scope are not allowed to be updated."},
	} {
		t.Run(c.name, func(t *testing.T) {
			if c.setup != nil {
				c.setup()
			}
			checkErr(t, w.assign(c.scope, c.id, c.role, c.who), c.code, c.msg, "")
		})
	}
}

func TestRoleAssignmentBody(t *testing.T) {
	w := newWorld(t)
	w.must(typeGallery, apiGallery, galleryBody, "gal")
	if err := w.assign(resID(typeGallery, "gal"), guid(9), RoleReader, alice); err != nil {
		t.Fatal(err)
	}
	r, _ := w.store.Resource(context.Background(), resID(typeGallery, "gal")+"/providers/Microsoft.Authorization/roleAssignments/"+guid(9))
	p := objAt(bodyOf(r), "properties")
	if strAt(p, "scope") != resID(typeGallery, "gal") || strAt(p, "principalId") != alice ||
		strAt(p, "roleDefinitionId") != "/subscriptions/"+testSub+"/providers/Microsoft.Authorization/roleDefinitions/"+RoleReader {
		t.Errorf("assignment:\n%s", pretty(bodyOf(r)))
	}
	// a re-PUT of the same assignment is fine
	if err := w.assign(resID(typeGallery, "gal"), guid(9), RoleReader, alice); err != nil {
		t.Fatal(err)
	}
	if _, err := w.put(typeResourceGroup, "2021-04-01", `{"location":"East US"}`, testRG); err != nil {
		t.Fatalf("group re-PUT: %v", err)
	}
}

// TestAuthorizeSharingMatrix checks the seed's matrix: a grant on the
// gallery reaches definitions and versions, one on a definition its
// versions, one on a version only that version.
func TestAuthorizeSharingMatrix(t *testing.T) {
	w := newWorld(t)
	gallerySetup(w)
	w.must(typeImageVersion, apiVersion, versionBody(resID(typeManagedImage, "winimg"), `[{"name":"eastus"}]`), "gal", "win", "1.0.0")
	gal := resID(typeGallery, "gal")
	def := resID(typeImageDefinition, "gal", "win")
	ver := resID(typeImageVersion, "gal", "win", "1.0.0")
	targets := []string{gal, def, ver}
	matrix := []struct {
		scope string
		want  [3]bool
	}{
		{gal, [3]bool{true, true, true}},
		{def, [3]bool{false, true, true}},
		{ver, [3]bool{false, false, true}},
	}
	for i, row := range matrix {
		who := fmt.Sprintf("user-%d", i)
		if err := w.assign(row.scope, guid(100+i), RoleReader, who); err != nil {
			t.Fatal(err)
		}
		for j, target := range targets {
			err := Authorize(context.Background(), w.store, who, "read", target)
			if got := err == nil; got != row.want[j] {
				t.Errorf("reader on %s reading %s: allowed = %v, want %v", shortID(row.scope), shortID(target), got, row.want[j])
			}
		}
	}
}

func TestAuthorizeRolesAndScopes(t *testing.T) {
	w := newWorld(t)
	gallerySetup(w)
	ctx := context.Background()
	gal := resID(typeGallery, "gal")
	def := resID(typeImageDefinition, "gal", "win")
	sub := "/subscriptions/" + testSub
	rg := resID(typeResourceGroup, testRG)
	// nobody: denied with ARM's text
	checkErr(t, Authorize(ctx, w.store, alice, "write", def), "AuthorizationFailed",
		"The client '"+alice+"' with object id '"+alice+"' does not have authorization to perform action 'Microsoft.Compute/galleries/images/write' over scope '"+def+"' or the scope is invalid. If access was recently granted, please refresh your credentials.", def)
	checkErr(t, Authorize(ctx, w.store, alice, "read", rg), "AuthorizationFailed",
		"The client '"+alice+"' with object id '"+alice+"' does not have authorization to perform action 'Microsoft.Resources/subscriptions/resourceGroups/read' over scope '"+rg+"' or the scope is invalid. If access was recently granted, please refresh your credentials.", "")
	if Authorize(ctx, w.store, "", "delete", def) != nil {
		t.Error("no principal (no --as) must be allowed")
	}
	// Reader on the group: read only
	if err := w.assign(rg, guid(1), RoleReader, alice); err != nil {
		t.Fatal(err)
	}
	if Authorize(ctx, w.store, alice, "read", def) != nil || Authorize(ctx, w.store, alice, "write", def) == nil || Authorize(ctx, w.store, alice, "delete", gal) == nil {
		t.Error("Reader on the group")
	}
	// Contributor on the gallery: write below it, not on the group's
	// other resources, not on role assignments
	if err := w.assign(gal, guid(2), RoleContributor, alice); err != nil {
		t.Fatal(err)
	}
	if Authorize(ctx, w.store, alice, "write", def) != nil || Authorize(ctx, w.store, alice, "delete", gal) != nil {
		t.Error("Contributor on the gallery")
	}
	if Authorize(ctx, w.store, alice, "write", resID(typeDisk, "windisk")) == nil {
		t.Error("Contributor on the gallery wrote a disk")
	}
	ra := gal + "/providers/Microsoft.Authorization/roleAssignments/" + guid(3)
	if Authorize(ctx, w.store, alice, "write", ra) == nil {
		t.Error("Contributor may not grant access")
	}
	// Owner at the subscription, through the store's own records
	w.store.assignments = append(w.store.assignments, &state.RoleAssignment{ID: sub + "/providers/Microsoft.Authorization/roleAssignments/" + guid(4),
		Scope: sub, PrincipalID: bob, RoleDefinitionID: "/subscriptions/" + testSub + "/providers/Microsoft.Authorization/roleDefinitions/" + RoleOwner})
	if Authorize(ctx, w.store, bob, "write", ra) != nil || Authorize(ctx, w.store, strings.ToUpper(bob), "delete", def) != nil {
		t.Error("Owner at the subscription")
	}
	// a grant on a sibling does not leak by prefix ("gal" vs "gal2")
	w.must(typeGallery, apiGallery, galleryBody, "gal2")
	if err := w.assign(resID(typeGallery, "gal"), guid(5), RoleReader, "carol"); err != nil {
		t.Fatal(err)
	}
	if Authorize(ctx, w.store, "carol", "read", resID(typeGallery, "gal2")) == nil {
		t.Error("a grant on gal reached gal2")
	}
}

// TestResourceGroupAtSubscriptionScope is a group as a subscription-scope
// template deploys it: id /subscriptions/{sub}/resourceGroups/{name}, no
// resource group of its own, location required and normalised.
func TestResourceGroupAtSubscriptionScope(t *testing.T) {
	w := newWorld(t)
	id := "/subscriptions/" + testSub + "/resourceGroups/app-rg"
	r := &Request{ID: id, Type: typeResourceGroup, Name: "app-rg", APIVersion: "2022-09-01", SubscriptionID: testSub,
		Body: js(t, `{"location":"West Europe","tags":{"env":"dev"},"apiVersion":"2022-09-01"}`), Store: w.store, Now: testNow}
	res, err := For(typeResourceGroup).Put(context.Background(), r)
	if err != nil {
		t.Fatal(err)
	}
	b := res.Body
	if b["id"] != id || b["name"] != "app-rg" || b["location"] != "westeurope" || strAt(b, "tags", "env") != "dev" ||
		strAt(b, "properties", "provisioningState") != "Succeeded" || has(b, "apiVersion") || len(res.Warnings) != 0 {
		t.Errorf("body:\n%s", pretty(b))
	}
}

func TestRoleAssignmentAtManagementGroups(t *testing.T) {
	tests := []struct {
		name, scope string
		code, msg   string
	}{
		{name: "the tenant root group", scope: mgID(DefaultTenantID)},
		{name: "a stored group", scope: mgID("platform")},
		{name: "a missing group", scope: mgID("ghost"), code: "ResourceNotFound",
			msg: "The Resource '/providers/Microsoft.Management/managementGroups/ghost' was not found."},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWorld(t)
			w.group("platform", "")
			err := w.assign(tt.scope, guid(20+i), RoleReader, alice)
			if tt.code == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			checkErr(t, err, tt.code, tt.msg, "")
		})
	}
}
