package providers

import (
	"context"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/armdeploy/armdeploy/state"
)

const apiMG = "2021-04-01"

// mgID and mgSubID are the ids of a management group and of a
// subscription's association with one.
func mgID(name string) string       { return managementGroupID(name) }
func mgSubID(mg, sub string) string { return managementGroupID(mg) + "/subscriptions/" + sub }

func mgBody(parent string) string {
	if parent == "" {
		return `{}`
	}
	return `{"properties":{"details":{"parent":{"id":"` + parent + `"}}}}`
}

// putID PUTs the resource with the given id (any scope) at time now and
// commits it.
func (w *world) putID(id, typ, body string, now time.Time) (*Result, error) {
	w.t.Helper()
	p, err := state.ParseResourceID(id)
	if err != nil {
		w.t.Fatal(err)
	}
	r := &Request{ID: id, Type: typ, Name: p.Name, APIVersion: apiMG, SubscriptionID: p.SubscriptionID,
		ResourceGroup: p.ResourceGroup, Body: js(w.t, body), Store: w.store, Now: now}
	if cur, err := w.store.Resource(context.Background(), id); err == nil {
		r.Current = cur
	}
	return w.send(r)
}

func (w *world) mustID(id, typ, body string) *Result {
	w.t.Helper()
	res, err := w.putID(id, typ, body, testNow)
	if err != nil {
		w.t.Fatalf("PUT %s: %v", id, err)
	}
	return res
}

// group PUTs management group name under parent ("" for the root).
func (w *world) group(name, parent string) {
	w.t.Helper()
	ref := ""
	if parent != "" {
		ref = mgID(parent)
	}
	w.mustID(mgID(name), typeManagementGroup, mgBody(ref))
}

// delID sends the DELETE of a stored resource.
func (w *world) delID(id string) error {
	w.t.Helper()
	r, err := w.store.Resource(context.Background(), id)
	if err != nil {
		w.t.Fatalf("delete %s: %v", id, err)
	}
	return For(r.Type).Delete(context.Background(), &DeleteRequest{Resource: r, Store: w.store, Now: testNow})
}

func TestManagementGroupRules(t *testing.T) {
	chain := func(names ...string) func(w *world) {
		return func(w *world) {
			parent := ""
			for _, n := range names {
				w.group(n, parent)
				parent = n
			}
		}
	}
	tests := []struct {
		name      string
		setup     func(w *world)
		id, body  string
		code, msg string
	}{
		{name: "parent does not exist", id: mgID("a"), body: mgBody(mgID("ghost")), code: "ResourceNotFound",
			msg: "The management group '/providers/Microsoft.Management/managementGroups/ghost' was not found."},
		{name: "parent is not a resource id", id: mgID("a"), body: mgBody("ghost"), code: "LinkedInvalidPropertyId",
			msg: "Property id ghost at path 'properties.details.parent.id' is invalid. Expect fully qualified resource Id that start with '/subscriptions/{subscriptionId}' or '/providers/{resourceProviderNamespace}/'."},
		{name: "parent is not a management group", id: mgID("a"), body: mgBody("/subscriptions/" + testSub + "/resourceGroups/rg"), code: "InvalidParameter",
			msg: "The parent id '/subscriptions/" + testSub + "/resourceGroups/rg' is not a management group id; expected '/providers/Microsoft.Management/managementGroups/{groupId}'."},
		{name: "its own parent", id: mgID("a"), body: mgBody(mgID("A")), code: "BadRequest",
			msg: "The management group 'a' cannot be its own parent."},
		{name: "under its grandchild", setup: chain("a", "b", "c"), id: mgID("a"), body: mgBody(mgID("c")), code: "BadRequest",
			msg: "The management group 'a' cannot be moved under 'c': 'c' is one of its descendants, and a management group cannot be its own ancestor."},
		{name: "a seventh level", setup: chain("g1", "g2", "g3", "g4", "g5", "g6"), id: mgID("g7"), body: mgBody(mgID("g6")), code: "BadRequest",
			msg: "The management group 'g7' cannot be placed under 'g6': the hierarchy would be 7 levels deep below the tenant root group, and at most 6 levels are supported."},
		{name: "a subtree moved too deep", setup: func(w *world) { chain("g1", "g2", "g3", "g4", "g5")(w); chain("x", "y")(w) },
			id: mgID("x"), body: mgBody(mgID("g5")), code: "BadRequest",
			msg: "The management group 'x' cannot be placed under 'g5': the hierarchy would be 7 levels deep below the tenant root group, and at most 6 levels are supported."},
		{name: "the root group moved", id: mgID(DefaultTenantID), body: mgBody(mgID("a")), setup: chain("a"), code: "BadRequest",
			msg: "The tenant root management group '" + DefaultTenantID + "' has no parent and cannot be moved."},
		{name: "below a subscription", id: "/subscriptions/" + testSub + "/providers/Microsoft.Management/managementGroups/a", body: `{}`, code: "InvalidScope",
			msg: "The resource type 'Microsoft.Management/managementGroups' can only be deployed at the tenant scope ('/'); the id '/subscriptions/" + testSub + "/providers/Microsoft.Management/managementGroups/a' is not a tenant-level id."},
		{name: "subscription under a missing group", id: mgSubID("ghost", testSub), body: `{}`, code: "ResourceNotFound",
			msg: "The management group '/providers/Microsoft.Management/managementGroups/ghost' was not found."},
		{name: "subscription association below a subscription", id: "/subscriptions/" + testSub + "/providers/Microsoft.Management/managementGroups/a/subscriptions/" + testSub, body: `{}`,
			code: "InvalidScope", msg: "The resource type 'Microsoft.Management/managementGroups/subscriptions' can only be deployed at the tenant scope ('/'); the id '/subscriptions/" + testSub + "/providers/Microsoft.Management/managementGroups/a/subscriptions/" + testSub + "' is not a tenant-level id."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWorld(t)
			if tt.setup != nil {
				tt.setup(w)
			}
			p, _ := state.ParseResourceID(tt.id)
			_, err := w.putID(tt.id, p.Type, tt.body, testNow)
			checkErr(t, err, tt.code, tt.msg, "")
		})
	}
}

func TestManagementGroupBody(t *testing.T) {
	w := newWorld(t)
	res := w.mustID(mgID("platform"), typeManagementGroup, `{"location":"eastus","properties":{"displayName":"Platform"}}`)
	if len(res.Warnings) != 0 {
		t.Errorf("warnings %v", res.Warnings)
	}
	got := res.Body
	want := map[string]any{"id": mgID("platform"), "name": "platform", "type": typeManagementGroup,
		"properties": map[string]any{"displayName": "Platform", "tenantId": DefaultTenantID,
			"details": map[string]any{"parent": map[string]any{"id": mgID(DefaultTenantID), "name": DefaultTenantID, "displayName": "Tenant Root Group"}}}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("body:\n%s\nwant:\n%s", pretty(got), pretty(want))
	}

	p := objAt(w.mustID(mgID("corp"), typeManagementGroup, mgBody(mgID("platform"))).Body, "properties")
	if strAt(p, "displayName") != "corp" || strAt(p, "details", "parent", "id") != mgID("platform") ||
		strAt(p, "details", "parent", "name") != "platform" || strAt(p, "details", "parent", "displayName") != "Platform" {
		t.Errorf("a group under another:\n%s", pretty(p))
	}
	other := newWorld(t)
	res, err := other.send(&Request{ID: mgID("corp"), Type: typeManagementGroup, Name: "corp", TenantID: "tenant-1",
		Store: other.store, Now: testNow, Body: map[string]any{}})
	if err != nil {
		t.Fatal(err)
	}
	if p := objAt(res.Body, "properties"); strAt(p, "tenantId") != "tenant-1" || strAt(p, "details", "parent", "id") != mgID("tenant-1") {
		t.Errorf("another tenant:\n%s", pretty(p))
	}
	// the root group, named by its tenant, may be named as parent
	if _, err := w.putID(mgID("apps"), typeManagementGroup, mgBody(mgID(DefaultTenantID)), testNow); err != nil {
		t.Errorf("under the root group by id: %v", err)
	}
	// a group moves under its sibling
	if _, err := w.putID(mgID("apps"), typeManagementGroup, mgBody(mgID("platform")), testNow); err != nil {
		t.Errorf("move: %v", err)
	}
}

func TestManagementGroupDelete(t *testing.T) {
	const sub2 = "22222222-0000-0000-0000-000000000000"
	tests := []struct {
		name      string
		setup     func(w *world)
		code, msg string
	}{
		{name: "an empty group", setup: func(*world) {}},
		{name: "a group with child groups", setup: func(w *world) { w.group("b", "a"); w.group("c", "a") }, code: "Conflict",
			msg: "The management group 'a' cannot be deleted because it has children: 'managementGroups/b', 'managementGroups/c'. Move or delete its child management groups and subscriptions first."},
		{name: "a group with a subscription", setup: func(w *world) {
			w.mustID(mgSubID("a", testSub), typeMGSubscription, `{}`)
			w.mustID(mgSubID("a", sub2), typeMGSubscription, `{}`)
		}, code: "Conflict",
			msg: "The management group 'a' cannot be deleted because it has children: 'subscriptions/" + testSub + "', 'subscriptions/" + sub2 + "'. Move or delete its child management groups and subscriptions first."},
		{name: "a group whose subscription moved on", setup: func(w *world) {
			w.group("b", "")
			if _, err := w.putID(mgSubID("a", testSub), typeMGSubscription, `{}`, testNow); err != nil {
				w.t.Fatal(err)
			}
			if _, err := w.putID(mgSubID("b", testSub), typeMGSubscription, `{}`, testNow.Add(time.Minute)); err != nil {
				w.t.Fatal(err)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWorld(t)
			w.group("a", "")
			tt.setup(w)
			err := w.delID(mgID("a"))
			if tt.code == "" {
				if err != nil {
					t.Fatalf("delete: %v", err)
				}
				return
			}
			checkErr(t, err, tt.code, tt.msg, "")
		})
	}
}

func TestSubscriptionParent(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	if mg, err := SubscriptionParent(ctx, w.store, testSub); err != nil || mg != "" {
		t.Fatalf("no association: %q, %v", mg, err)
	}
	w.group("a", "")
	w.group("b", "a")
	res := w.mustID(mgSubID("a", testSub), typeMGSubscription, `{}`)
	if len(res.Supersedes) != 0 || len(res.Warnings) != 0 {
		t.Errorf("first association: supersedes %v, warnings %v", res.Supersedes, res.Warnings)
	}
	if p := objAt(res.Body, "properties"); strAt(p, "parent", "id") != mgID("a") || strAt(p, "tenant") != DefaultTenantID {
		t.Errorf("body:\n%s", pretty(res.Body))
	}
	res, err := w.putID(mgSubID("b", testSub), typeMGSubscription, `{}`, testNow.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{mgSubID("a", testSub)}; !reflect.DeepEqual(res.Supersedes, want) {
		t.Errorf("supersedes %v, want %v", res.Supersedes, want)
	}
	// until the caller deletes the old association, the newest wins
	if mg, err := SubscriptionParent(ctx, w.store, testSub); err != nil || mg != "b" {
		t.Errorf("moved: %q, %v; want b", mg, err)
	}
	// a pending write (no Updated time) is the newest
	w.store.put(&state.Resource{ID: mgSubID("a", testSub), Type: typeMGSubscription, Name: "a/" + testSub})
	if mg, _ := SubscriptionParent(ctx, w.store, testSub); mg != "a" {
		t.Errorf("pending: %q, want a", mg)
	}
	// back under the root group, named by the tenant id
	if _, err := w.putID(mgSubID(DefaultTenantID, testSub), typeMGSubscription, `{}`, testNow.Add(2*time.Hour)); err != nil {
		t.Errorf("under the root: %v", err)
	}
}

func TestManagementGroupAncestors(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	w.group("a", "")
	w.group("b", "a")
	w.group("c", "b")
	tests := []struct {
		name, mg, tenant string
		want             []string
		code, msg        string
	}{
		{name: "three levels", mg: "c", want: []string{"c", "b", "a", DefaultTenantID}},
		{name: "case-insensitive", mg: "B", want: []string{"b", "a", DefaultTenantID}},
		{name: "the root group", mg: DefaultTenantID, want: []string{DefaultTenantID}},
		{name: "another tenant's root", mg: "t2", tenant: "t2", want: []string{"t2"}},
		{name: "a missing group", mg: "ghost", code: "ResourceNotFound",
			msg: "The management group '/providers/Microsoft.Management/managementGroups/ghost' was not found."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ManagementGroupAncestors(ctx, w.store, tt.mg, tt.tenant)
			if tt.code != "" {
				checkErr(t, err, tt.code, tt.msg, "")
				return
			}
			if err != nil || !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %v, %v; want %v", got, err, tt.want)
			}
		})
	}
}

// A role assignment at a management group applies to the groups below it,
// the subscriptions under those and everything in them; one at the tenant
// root group applies to every subscription.
func TestAuthorizeThroughManagementGroups(t *testing.T) {
	w := newWorld(t)
	gallerySetup(w)
	w.group("platform", "")
	w.group("prod", "platform")
	w.group("other", "")
	w.mustID(mgSubID("prod", testSub), typeMGSubscription, `{}`)
	if err := w.assignAt(mgID("platform"), guid(301), RoleReader, "carol"); err != nil {
		t.Fatal(err)
	}
	if err := w.assignAt(mgID("other"), guid(302), RoleReader, "dave"); err != nil {
		t.Fatal(err)
	}
	if err := w.assignAt(mgID(DefaultTenantID), guid(303), RoleReader, "erin"); err != nil {
		t.Fatal(err)
	}
	gal := resID(typeGallery, "gal")
	tests := []struct {
		name, who, target string
		allowed           bool
	}{
		{"a gallery in a subscription under the group's child", "carol", gal, true},
		{"the child group itself", "carol", mgID("prod"), true},
		{"the subscription", "carol", "/subscriptions/" + testSub, true},
		{"a sibling group's reader", "dave", gal, false},
		{"the tenant root group's reader", "erin", gal, true},
		{"read, not write", "carol", gal + "/images/new", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Authorize(context.Background(), w.store, tt.who, "read", tt.target)
			if (err == nil) != tt.allowed {
				t.Errorf("allowed = %v, want %v (%v)", err == nil, tt.allowed, err)
			}
		})
	}
	if Authorize(context.Background(), w.store, "carol", "write", gal) == nil {
		t.Error("a Reader at a management group may write below it")
	}
}

// assignAt PUTs a role assignment at any scope (management groups too).
func (w *world) assignAt(scope, name, role, principal string) error {
	id := scope + "/providers/Microsoft.Authorization/roleAssignments/" + name
	body := fmt.Sprintf(`{"properties":{"roleDefinitionId":"/providers/Microsoft.Authorization/roleDefinitions/%s","principalId":%q}}`, role, principal)
	_, err := w.putID(id, typeRoleAssignment, body, testNow)
	return err
}
