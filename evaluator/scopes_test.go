package evaluator

import (
	"fmt"
	"strings"
	"testing"

	"github.com/armdeploy/armdeploy/templates"
)

// The four deployment scopes, in the order of the per-scope expectations
// below.
var allScopes = [4]Scope{ScopeResourceGroup, ScopeSubscription, ScopeManagementGroup, ScopeTenant}

// deployedAt turns the psrule test deployment (subscription ffff...,
// group ps-rule-test-rg, management group psrule-test) into a deployment
// at scope s as a front-end fills it: a subscription deployment has no
// group, a management-group deployment no subscription, a tenant
// deployment neither nor a management group; the last three have a
// metadata location.
func deployedAt(s Scope) func(*Context) {
	return func(c *Context) {
		d := &c.Deployment
		d.Scope = s
		if s != ScopeResourceGroup {
			d.ResourceGroup, d.ResourceGroupLocation, d.Location = "", "", "westus"
		}
		if s == ScopeManagementGroup || s == ScopeTenant {
			d.SubscriptionID = ""
		}
		if s == ScopeTenant {
			d.ManagementGroup = ""
		}
	}
}

// scopeRow is one expression and what it gives at each scope: a value,
// or "error: <substring of the message>".
type scopeRow struct {
	vec, expr string
	want      [4]string
}

func same(v string) [4]string { return [4]string{v, v, v, v} }

const (
	notExpected = "error: is not expected at this location."
	rgID        = sub + "/resourceGroups/ps-rule-test-rg"
)

// scopeRows are arm-spec §5.5's resource-id vectors and the scope
// functions of §4.11 at each scope.
var scopeRows = []scopeRow{
	{"247", "resourceId('Microsoft.Network/virtualNetworks', 'vnet-001')", [4]string{
		rgID + "/providers/Microsoft.Network/virtualNetworks/vnet-001",
		sub + "/providers/Microsoft.Network/virtualNetworks/vnet-001",
		"/providers/Microsoft.Network/virtualNetworks/vnet-001",
		"/providers/Microsoft.Network/virtualNetworks/vnet-001"}},
	// A group name alone needs the current subscription, which a
	// management-group or tenant deployment does not have.
	{"248", "resourceId('rg-test', 'Microsoft.Network/virtualNetworks', 'vnet-001')", [4]string{
		sub + "/resourceGroups/rg-test/providers/Microsoft.Network/virtualNetworks/vnet-001",
		sub + "/resourceGroups/rg-test/providers/Microsoft.Network/virtualNetworks/vnet-001",
		notExpected, notExpected}},
	{"249", "resourceId('00000000-0000-0000-0000-000000000000', 'rg-test', 'Microsoft.Network/virtualNetworks/subnets', 'vnet-001', 'subnet-001')",
		same("/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-test/providers/Microsoft.Network/virtualNetworks/vnet-001/subnets/subnet-001")},
	{"250", "resourceId('Unit.Test/type', 'a', 'b')", same("error: the type 'Unit.Test/type' requires '1' resource name argument(s) but '2' were provided")},
	// A GUID alone, outside a resource-group deployment, is a subscription.
	{"257", "resourceId('2e518a80-f860-4467-a00e-d81aaf1ff42e', 'My.Rp/parent/child', 'myParent', 'myChild')", [4]string{
		sub + "/resourceGroups/2e518a80-f860-4467-a00e-d81aaf1ff42e/providers/My.Rp/parent/myParent/child/myChild",
		"/subscriptions/2e518a80-f860-4467-a00e-d81aaf1ff42e/providers/My.Rp/parent/myParent/child/myChild",
		"/subscriptions/2e518a80-f860-4467-a00e-d81aaf1ff42e/providers/My.Rp/parent/myParent/child/myChild",
		"/subscriptions/2e518a80-f860-4467-a00e-d81aaf1ff42e/providers/My.Rp/parent/myParent/child/myChild"}},
	{"252", "subscriptionResourceId('Unit.Test/type/subtype', 'a', 'b')", [4]string{
		sub + "/providers/Unit.Test/type/a/subtype/b", sub + "/providers/Unit.Test/type/a/subtype/b", notExpected, notExpected}},
	{"257", "subscriptionResourceId('2e518a80-f860-4467-a00e-d81aaf1ff42e', 'My.Rp/parent/child', 'myParent', 'myChild')",
		same("/subscriptions/2e518a80-f860-4467-a00e-d81aaf1ff42e/providers/My.Rp/parent/myParent/child/myChild")},
	{"253", "tenantResourceId('Unit.Test/type/subtype/subsubtype', 'a', 'b', 'c')", same("/providers/Unit.Test/type/a/subtype/b/subsubtype/c")},
	// The current management group is known where the front-end knows the
	// subscription's group (psrule's context does); a tenant deployment has none.
	{"254", "managementGroupResourceId('Unit.Test/type', 'a')", [4]string{
		"/providers/Microsoft.Management/managementGroups/psrule-test/providers/Unit.Test/type/a",
		"/providers/Microsoft.Management/managementGroups/psrule-test/providers/Unit.Test/type/a",
		"/providers/Microsoft.Management/managementGroups/psrule-test/providers/Unit.Test/type/a",
		notExpected}},
	{"257", "managementGroupResourceId('2e518a80-f860-4467-a00e-d81aaf1ff42e', 'My.Rp/parent/child', 'myParent', 'myChild')",
		same("/providers/Microsoft.Management/managementGroups/2e518a80-f860-4467-a00e-d81aaf1ff42e/providers/My.Rp/parent/myParent/child/myChild")},
	{"255", "extensionResourceId('/subscriptions/00000000-0000-0000-0000-000000000000/providers/Unit.Test/type/a', 'Extension.Test/type/subtype', 'a', 'b')",
		same("/subscriptions/00000000-0000-0000-0000-000000000000/providers/Unit.Test/type/a/providers/Extension.Test/type/a/subtype/b")},
	{"256", "extensionResourceId('/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-test-001', 'Microsoft.Resources/deployments', 'a')",
		same("/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-test-001/providers/Microsoft.Resources/deployments/a")},
	{"257", "extensionResourceId(tenantResourceId('My.Rp/parent/child', 'myParent', 'myChild'), 'My.ExtensionRp/parent/child', 'myParent', 'myChild')",
		same("/providers/My.Rp/parent/myParent/child/myChild/providers/My.ExtensionRp/parent/myParent/child/myChild")},
	{"", "extensionResourceId(managementGroupResourceId('2e518a80-f860-4467-a00e-d81aaf1ff42e', 'Microsoft.Authorization/policyDefinitions', 'p'), 'Microsoft.Authorization/policyAssignments', 'a')",
		same("/providers/Microsoft.Management/managementGroups/2e518a80-f860-4467-a00e-d81aaf1ff42e/providers/Microsoft.Authorization/policyDefinitions/p/providers/Microsoft.Authorization/policyAssignments/a")},
	// A resource group is /subscriptions/{sub}/resourceGroups/{name}, the
	// id a subscription deployment gives the groups it declares.
	{"", "subscriptionResourceId('Microsoft.Resources/resourceGroups', 'rg-new')", [4]string{
		sub + "/resourceGroups/rg-new", sub + "/resourceGroups/rg-new", notExpected, notExpected}},
	{"", "subscriptionResourceId('2e518a80-f860-4467-a00e-d81aaf1ff42e', 'Microsoft.Resources/resourceGroups', 'rg-new')",
		same("/subscriptions/2e518a80-f860-4467-a00e-d81aaf1ff42e/resourceGroups/rg-new")},
	{"", "tenantResourceId('Microsoft.Management/managementGroups', 'mg1')", same("/providers/Microsoft.Management/managementGroups/mg1")},
	// Scope functions.
	{"", "resourceGroup().id", [4]string{rgID, "error: The template function 'resourceGroup' is not expected at this location.",
		"error: The template function 'resourceGroup' is not expected at this location.", "error: The template function 'resourceGroup' is not expected at this location."}},
	{"", "subscription().id", [4]string{sub, sub, "error: The template function 'subscription' is not expected at this location.",
		"error: The template function 'subscription' is not expected at this location."}},
	{"", "managementGroup().id", [4]string{"error: The template function 'managementGroup' is not expected at this location.",
		"error: The template function 'managementGroup' is not expected at this location.",
		"/providers/Microsoft.Management/managementGroups/psrule-test",
		"error: The template function 'managementGroup' is not expected at this location."}},
	{"", "managementGroup().name", [4]string{notExpected, notExpected, "psrule-test", notExpected}},
	{"", "tenant().tenantId", same("00000000-0000-0000-0000-000000000001")},
	{"", "deployment().name", same("test-deployment")},
	{"", "deployment().location", [4]string{"error: The language expression property 'location' doesn't exist", "westus", "westus", "westus"}},
}

// TestScopesOfFunctions runs every row at each of the four scopes.
func TestScopesOfFunctions(t *testing.T) {
	for i, s := range allScopes {
		t.Run(s.String(), func(t *testing.T) {
			var cases []evalCase
			for _, row := range scopeRows {
				w := row.want[i]
				c := okS(row.expr, w)
				if msg, isErr := strings.CutPrefix(w, "error: "); isErr {
					c = fails(row.expr, msg)
				}
				if row.vec != "" {
					c = c.v(row.vec)
				}
				cases = append(cases, c.with(deployedAt(s)))
			}
			runCases(t, cases)
		})
	}
}

// expandAt expands a template deployed as d and fails the test on any
// diagnostic.
func expandAt(t *testing.T, doc string, d Deployment, r Resolver) (*Template, []*Resource) {
	t.Helper()
	e := templateAt(t, doc, d, r)
	rs, ds := e.Resources()
	if len(ds) != 0 {
		t.Fatalf("diagnostics: %v", ds)
	}
	return e, rs
}

func templateAt(t testing.TB, doc string, d Deployment, r Resolver) *Template {
	t.Helper()
	src, ds := templates.Parse("t.json", []byte(doc))
	if ds.HasErrors() {
		t.Fatal(ds)
	}
	tmpl, ds := templates.NewTemplate(src)
	if ds.HasErrors() {
		t.Fatal(ds)
	}
	return NewTemplate(tmpl, nil, Options{Deployment: d, Resolver: r})
}

const (
	subA   = "11111111-1111-1111-1111-111111111111"
	subB   = "22222222-2222-2222-2222-222222222222"
	tenant = "00000000-0000-0000-0000-0000000000aa"
)

// deploymentAt is a deployment at scope s as a front-end sets it up.
func deploymentAt(s Scope) Deployment {
	d := Deployment{Scope: s, Name: "main", TenantID: tenant}
	switch s {
	case ScopeResourceGroup:
		d.SubscriptionID, d.ResourceGroup, d.ResourceGroupLocation = subA, "rg1", "westeurope"
	case ScopeSubscription:
		d.SubscriptionID, d.Location = subA, "westus"
	case ScopeManagementGroup:
		d.ManagementGroup, d.Location = "mg1", "westus"
	case ScopeTenant:
		d.Location = "westus"
	}
	return d
}

// TestTopLevelResourceIDs checks the ids of a template's own resources at
// each scope, with children declared inside their parent.
func TestTopLevelResourceIDs(t *testing.T) {
	tests := []struct {
		name     string
		scope    Scope
		resource string
		want     []string
	}{
		{"resource group", ScopeResourceGroup, `{"type":"Microsoft.Network/virtualNetworks","apiVersion":"2023-04-01","name":"vnet","location":"eastus",
			"resources":[{"type":"subnets","apiVersion":"2023-04-01","name":"default","dependsOn":["vnet"]}]}`,
			[]string{"/subscriptions/" + subA + "/resourceGroups/rg1/providers/Microsoft.Network/virtualNetworks/vnet",
				"/subscriptions/" + subA + "/resourceGroups/rg1/providers/Microsoft.Network/virtualNetworks/vnet/subnets/default"}},
		{"subscription", ScopeSubscription, `{"type":"Microsoft.Authorization/policyDefinitions","apiVersion":"2021-06-01","name":"pd","properties":{}}`,
			[]string{"/subscriptions/" + subA + "/providers/Microsoft.Authorization/policyDefinitions/pd"}},
		{"subscription: resource group", ScopeSubscription, `{"type":"Microsoft.Resources/resourceGroups","apiVersion":"2022-09-01","name":"rg-new","location":"northeurope"}`,
			[]string{"/subscriptions/" + subA + "/resourceGroups/rg-new"}},
		{"management group", ScopeManagementGroup, `{"type":"Microsoft.Authorization/policyDefinitions","apiVersion":"2021-06-01","name":"pd","properties":{}}`,
			[]string{"/providers/Microsoft.Management/managementGroups/mg1/providers/Microsoft.Authorization/policyDefinitions/pd"}},
		{"management group: a management group at the tenant", ScopeManagementGroup, `{"type":"Microsoft.Management/managementGroups","apiVersion":"2021-04-01","name":"child","scope":"/","properties":{}}`,
			[]string{"/providers/Microsoft.Management/managementGroups/child"}},
		{"management group: extension of another group", ScopeManagementGroup, `{"type":"Microsoft.Authorization/roleAssignments","apiVersion":"2022-04-01","name":"ra","scope":"Microsoft.Management/managementGroups/other","properties":{}}`,
			[]string{"/providers/Microsoft.Management/managementGroups/other/providers/Microsoft.Authorization/roleAssignments/ra"}},
		{"tenant", ScopeTenant, `{"type":"Microsoft.Management/managementGroups","apiVersion":"2021-04-01","name":"mg-new","properties":{}}`,
			[]string{"/providers/Microsoft.Management/managementGroups/mg-new"}},
		{"tenant: other type", ScopeTenant, `{"type":"Microsoft.Subscription/aliases","apiVersion":"2021-10-01","name":"sub-alias","properties":{}}`,
			[]string{"/providers/Microsoft.Subscription/aliases/sub-alias"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, rs := expandAt(t, `{"resources":[`+tt.resource+`]}`, deploymentAt(tt.scope), nil)
			if len(rs) != len(tt.want) {
				t.Fatalf("%d resources, want %d", len(rs), len(tt.want))
			}
			for i, w := range tt.want {
				if rs[i].ID != w {
					t.Errorf("id %d = %s\nwant    %s", i, rs[i].ID, w)
				}
			}
		})
	}
}

// groupResolver knows one resource group, rg-known in subscription A, and
// nothing else.
type groupResolver struct{ UnknownResolver }

func (groupResolver) ResourceGroup(subscriptionID, name string) (Value, error) {
	if subscriptionID == subA && strings.EqualFold(name, "rg-known") {
		return MustFromGo(map[string]any{"name": name, "location": "uksouth", "tags": map[string]any{"env": "prod"}}), nil
	}
	return Null, fmt.Errorf("Resource group '%s' could not be found.", name)
}

// nestedDoc is a template with one nested inner-scope deployment named
// child: before are resources declared before it, members the deployments
// resource's targeting members (subscriptionId, resourceGroup, scope,
// location), inner the inner template's members.
func nestedDoc(before, members, inner string) string {
	return `{"parameters":{"mg":{"type":"string","defaultValue":"mg2"},"sub":{"type":"string","defaultValue":"` + subB + `"}},
	"resources":[` + before + `{"type":"Microsoft.Resources/deployments","apiVersion":"2022-09-01","name":"child"` + members + `,
	  "properties":{"mode":"Incremental","expressionEvaluationOptions":{"scope":"inner"},"template":{` + inner + `}}}]}`
}

// nestedOutputs is nestedDoc whose inner template declares one policy
// definition and an output of each expression, named after it.
func nestedOutputs(before, members string, outputs map[string]string) string {
	var b strings.Builder
	b.WriteString(`"resources":[{"type":"Microsoft.Authorization/policyDefinitions","apiVersion":"2021-06-01","name":"pd","properties":{}}],"outputs":{`)
	first := true
	for expr := range outputs {
		if !first {
			b.WriteByte(',')
		}
		first = false
		fmt.Fprintf(&b, `%q:{"type":"string","value":%q}`, expr, expr)
	}
	b.WriteString("}")
	return nestedDoc(before, members, b.String())
}

// TestNestedDeploymentScopes covers nested deployments that change scope:
// where the deployment and its resources are placed, and what the scope
// functions of its inner-scope template give.
func TestNestedDeploymentScopes(t *testing.T) {
	const rgDecl = `{"type":"Microsoft.Resources/resourceGroups","apiVersion":"2022-09-01","name":"rg-new","location":"northeurope","tags":{"team":"a"}},`
	tests := []struct {
		name     string
		scope    Scope
		before   string // resources before the deployment
		members  string
		resolver Resolver
		outputs  map[string]string // expression → expected value of the inner template's output
		depID    string            // id of the deployments resource
		innerID  string            // id of the inner template's resource
	}{
		{"subscription to resource group", ScopeSubscription, "", `,"resourceGroup":"rg-app"`, nil,
			map[string]string{"[resourceGroup().name]": "rg-app", "[resourceGroup().id]": "/subscriptions/" + subA + "/resourceGroups/rg-app",
				"[subscription().subscriptionId]": subA, "[resourceId('Microsoft.Storage/storageAccounts', 'sa')]": "/subscriptions/" + subA + "/resourceGroups/rg-app/providers/Microsoft.Storage/storageAccounts/sa",
				"[deployment().name]": "child"},
			"/subscriptions/" + subA + "/resourceGroups/rg-app/providers/Microsoft.Resources/deployments/child",
			"/subscriptions/" + subA + "/resourceGroups/rg-app/providers/Microsoft.Authorization/policyDefinitions/pd"},
		{"subscription to a group it creates", ScopeSubscription, rgDecl, `,"resourceGroup":"rg-new","dependsOn":["rg-new"]`, UnknownResolver{},
			map[string]string{"[resourceGroup().location]": "northeurope", "[resourceGroup().tags.team]": "a"},
			"/subscriptions/" + subA + "/resourceGroups/rg-new/providers/Microsoft.Resources/deployments/child",
			"/subscriptions/" + subA + "/resourceGroups/rg-new/providers/Microsoft.Authorization/policyDefinitions/pd"},
		{"subscription to a group the plan does not know", ScopeSubscription, "", `,"resourceGroup":"rg-later"`, UnknownResolver{},
			map[string]string{"[resourceGroup().location]": "[resourceGroup().location]", "[resourceGroup().name]": "rg-later"},
			"/subscriptions/" + subA + "/resourceGroups/rg-later/providers/Microsoft.Resources/deployments/child", ""},
		{"subscription to a group without a resolver", ScopeSubscription, "", `,"resourceGroup":"rg-later"`, nil,
			map[string]string{"[resourceGroup().location]": "[resourceGroup().location]"}, "", ""},
		{"subscription to a group the resolver knows", ScopeSubscription, "", `,"resourceGroup":"rg-known"`, groupResolver{},
			map[string]string{"[resourceGroup().location]": "uksouth", "[resourceGroup().tags.env]": "prod"}, "", ""},
		{"subscription to a group the resolver does not find", ScopeSubscription, "", `,"resourceGroup":"rg-gone"`, groupResolver{},
			map[string]string{"[resourceGroup().location]": "[resourceGroup().location]"}, "", ""},
		{"subscription to another subscription's group", ScopeSubscription, "", `,"subscriptionId":"[parameters('sub')]","resourceGroup":"rg-b"`, nil,
			map[string]string{"[subscription().subscriptionId]": subB, "[resourceGroup().id]": "/subscriptions/" + subB + "/resourceGroups/rg-b"},
			"/subscriptions/" + subB + "/resourceGroups/rg-b/providers/Microsoft.Resources/deployments/child",
			"/subscriptions/" + subB + "/resourceGroups/rg-b/providers/Microsoft.Authorization/policyDefinitions/pd"},
		{"resource group to its own group", ScopeResourceGroup, "", ``, nil,
			map[string]string{"[resourceGroup().location]": "westeurope"},
			"/subscriptions/" + subA + "/resourceGroups/rg1/providers/Microsoft.Resources/deployments/child", ""},
		{"resource group to another group", ScopeResourceGroup, "", `,"resourceGroup":"rg-other"`, groupResolver{},
			map[string]string{"[resourceGroup().name]": "rg-other", "[resourceGroup().location]": "[resourceGroup().location]"},
			"/subscriptions/" + subA + "/resourceGroups/rg-other/providers/Microsoft.Resources/deployments/child", ""},
		{"resource group to a subscription", ScopeResourceGroup, "", `,"subscriptionId":"[parameters('sub')]","location":"eastus2"`, nil,
			map[string]string{"[subscription().subscriptionId]": subB, "[deployment().location]": "eastus2"},
			"/subscriptions/" + subB + "/providers/Microsoft.Resources/deployments/child",
			"/subscriptions/" + subB + "/providers/Microsoft.Authorization/policyDefinitions/pd"},
		{"resource group to the tenant", ScopeResourceGroup, "", `,"scope":"/","location":"eastus2"`, nil,
			map[string]string{"[tenant().tenantId]": tenant, "[deployment().location]": "eastus2"},
			"/providers/Microsoft.Resources/deployments/child", "/providers/Microsoft.Authorization/policyDefinitions/pd"},
		{"management group to another management group", ScopeManagementGroup, "", `,"scope":"[format('Microsoft.Management/managementGroups/{0}', parameters('mg'))]","location":"eastus"`, nil,
			map[string]string{"[managementGroup().name]": "mg2", "[managementGroupResourceId('Unit.Test/type', 'a')]": "/providers/Microsoft.Management/managementGroups/mg2/providers/Unit.Test/type/a",
				"[deployment().location]": "eastus"},
			"/providers/Microsoft.Management/managementGroups/mg2/providers/Microsoft.Resources/deployments/child",
			"/providers/Microsoft.Management/managementGroups/mg2/providers/Microsoft.Authorization/policyDefinitions/pd"},
		{"management group to a subscription", ScopeManagementGroup, "", `,"subscriptionId":"[parameters('sub')]","location":"eastus"`, nil,
			map[string]string{"[subscription().subscriptionId]": subB},
			"/subscriptions/" + subB + "/providers/Microsoft.Resources/deployments/child",
			"/subscriptions/" + subB + "/providers/Microsoft.Authorization/policyDefinitions/pd"},
		{"management group to a resource group", ScopeManagementGroup, "", `,"subscriptionId":"[parameters('sub')]","resourceGroup":"rg-b"`, nil,
			map[string]string{"[resourceGroup().id]": "/subscriptions/" + subB + "/resourceGroups/rg-b"},
			"/subscriptions/" + subB + "/resourceGroups/rg-b/providers/Microsoft.Resources/deployments/child", ""},
		{"tenant to a management group by full id", ScopeTenant, "", `,"scope":"/providers/Microsoft.Management/managementGroups/mg1","location":"eastus"`, nil,
			map[string]string{"[managementGroup().id]": "/providers/Microsoft.Management/managementGroups/mg1"},
			"/providers/Microsoft.Management/managementGroups/mg1/providers/Microsoft.Resources/deployments/child",
			"/providers/Microsoft.Management/managementGroups/mg1/providers/Microsoft.Authorization/policyDefinitions/pd"},
		{"tenant to a subscription by scope", ScopeTenant, "", `,"scope":"[concat('subscriptions/', parameters('sub'))]","location":"eastus"`, nil,
			map[string]string{"[subscription().id]": "/subscriptions/" + subB},
			"/subscriptions/" + subB + "/providers/Microsoft.Resources/deployments/child", ""},
		{"tenant to a resource group by scope", ScopeTenant, "", `,"scope":"[format('/subscriptions/{0}/resourceGroups/rg-t', parameters('sub'))]"`, nil,
			map[string]string{"[resourceGroup().name]": "rg-t"},
			"/subscriptions/" + subB + "/resourceGroups/rg-t/providers/Microsoft.Resources/deployments/child", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, rs := expandAt(t, nestedOutputs(tt.before, tt.members, tt.outputs), deploymentAt(tt.scope), tt.resolver)
			var dep, inner *Resource
			for _, r := range rs {
				switch r.Type {
				case "Microsoft.Resources/deployments":
					dep = r
				case "Microsoft.Authorization/policyDefinitions":
					inner = r
				}
			}
			if dep == nil || inner == nil {
				t.Fatalf("resources %v", rs)
			}
			if tt.depID != "" && dep.ID != tt.depID {
				t.Errorf("deployment id = %s\nwant            %s", dep.ID, tt.depID)
			}
			if tt.innerID != "" && inner.ID != tt.innerID {
				t.Errorf("inner resource id = %s\nwant                %s", inner.ID, tt.innerID)
			}
			outs, ok := e.NestedOutputs("child")
			if !ok {
				t.Fatal("no outputs for the nested deployment")
			}
			for expr, want := range tt.outputs {
				o, _ := outs.Get(expr)
				got, _ := o.Get("value")
				u, unknown := got.AsUnknown()
				if s, _ := got.AsString(); s != want && !(unknown && "["+u.Expr+"]" == want) {
					t.Errorf("%s = %s, want %s", expr, got.JSON(), want)
				}
			}
		})
	}
}

// TestOuterScopeNestedDeployment: an outer-scope nested template is
// evaluated in its parent's context (resourceGroup() is the parent's
// group, as in ARM's cross-resource-group sample), while its resources go
// to the deployment's target group.
func TestOuterScopeNestedDeployment(t *testing.T) {
	doc := `{"resources":[{"type":"Microsoft.Resources/deployments","apiVersion":"2022-09-01","name":"child","resourceGroup":"rg-other",
	  "properties":{"mode":"Incremental","template":{"resources":[
	    {"type":"Microsoft.Storage/storageAccounts","apiVersion":"2022-09-01","name":"sa","location":"[resourceGroup().location]","tags":{"group":"[resourceGroup().name]"}}],
	    "outputs":{"group":{"type":"string","value":"[resourceGroup().name]"}}}}}]}`
	e, rs := expandAt(t, doc, deploymentAt(ScopeResourceGroup), nil)
	if len(rs) != 2 {
		t.Fatalf("resources %v", rs)
	}
	if want := "/subscriptions/" + subA + "/resourceGroups/rg-other/providers/Microsoft.Storage/storageAccounts/sa"; rs[1].ID != want {
		t.Errorf("id = %s\nwant %s", rs[1].ID, want)
	}
	if loc, _ := rs[1].Fields.Get("location"); loc.JSON() != `"westeurope"` {
		t.Errorf("location = %s, want the parent group's westeurope", loc.JSON())
	}
	outs, _ := e.NestedOutputs("child")
	if v, _ := outs.Get("group"); v.JSON() != `{"type":"String","value":"rg1"}` {
		t.Errorf("output = %s", v.JSON())
	}
}

// TestNestedDeploymentScopeErrors covers targets a nested deployment
// cannot have.
func TestNestedDeploymentScopeErrors(t *testing.T) {
	tests := []struct {
		name    string
		scope   Scope
		members string
		want    string
	}{
		{"subscription deployment without location", ScopeSubscription, `,"subscriptionId":"[parameters('sub')]"`,
			"t.json:2:15: InvalidDeployment: The 'location' property must be specified for 'child'. Please see https://aka.ms/arm-deployment-subscription for usage details."},
		{"same subscription without location", ScopeSubscription, ``,
			"InvalidDeployment: The 'location' property must be specified for 'child'."},
		{"management group without location", ScopeTenant, `,"scope":"Microsoft.Management/managementGroups/mg1"`,
			"InvalidDeployment: The 'location' property must be specified for 'child'."},
		{"group without subscription", ScopeManagementGroup, `,"resourceGroup":"rg1"`,
			"InvalidTemplate: The nested deployment 'child' targets the resource group 'rg1' from a management group deployment, which has no subscription: set its subscriptionId too."},
		{"scope that is no scope", ScopeTenant, `,"scope":"Microsoft.Storage/storageAccounts/sa","location":"eastus"`,
			"InvalidTemplate: The scope 'Microsoft.Storage/storageAccounts/sa' of the nested deployment 'child' is not valid."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := templateAt(t, nestedDoc("", tt.members, `"resources":[]`), deploymentAt(tt.scope), nil)
			_, ds := e.Resources()
			if len(ds) != 1 || !strings.Contains(ds[0].Error(), tt.want) {
				t.Fatalf("got %v\nwant one containing %q", ds, tt.want)
			}
		})
	}
}

// TestCheckTemplateScope covers the $schema check front-ends run before
// evaluating a root template.
func TestCheckTemplateScope(t *testing.T) {
	const base = "https://schema.management.azure.com/schemas/"
	tests := []struct {
		name, schema string
		at           Scope
		want         string // rendered diagnostic, "" for none
	}{
		{"resource group template at resource group scope", base + "2019-04-01/deploymentTemplate.json#", ScopeResourceGroup, ""},
		{"legacy resource group schema", base + "2015-01-01/deploymentTemplate.json#", ScopeResourceGroup, ""},
		{"subscription template at subscription scope", base + "2018-05-01/subscriptionDeploymentTemplate.json#", ScopeSubscription, ""},
		{"management group template at management group scope", base + "2019-08-01/managementGroupDeploymentTemplate.json#", ScopeManagementGroup, ""},
		{"tenant template at tenant scope", base + "2019-08-01/tenantDeploymentTemplate.json#", ScopeTenant, ""},
		{"no schema", "", ScopeTenant, ""},
		{"unsupported version", base + "2020-01-01/deploymentTemplate.json#", ScopeResourceGroup,
			"t.json:1:13: InvalidTemplate: Template schema 'https://schema.management.azure.com/schemas/2020-01-01/deploymentTemplate.json#' is not supported. Supported versions are '2014-04-01-preview,2015-01-01,2018-05-01,2019-04-01,2019-08-01'. Please see https://aka.ms/arm-template for usage details."},
		{"unsupported version at subscription scope", base + "2015-01-02/subscriptionDeploymentTemplate.json#", ScopeSubscription,
			"Template schema 'https://schema.management.azure.com/schemas/2015-01-02/subscriptionDeploymentTemplate.json#' is not supported. Supported versions are '2014-04-01-preview,2015-01-01,2018-05-01,2019-04-01,2019-08-01'."},
		{"not a schema URI", "https://example.com/x.json#", ScopeResourceGroup, "InvalidTemplate: Template schema 'https://example.com/x.json#' is not supported."},
		{"subscription template at resource group scope", base + "2018-05-01/subscriptionDeploymentTemplate.json#", ScopeResourceGroup,
			"t.json:1:13: warning: TemplateScopeMismatch: The template's $schema 'https://schema.management.azure.com/schemas/2018-05-01/subscriptionDeploymentTemplate.json#' is written for a subscription deployment, but the template is deployed at resource group scope."},
		{"resource group template at subscription scope", base + "2019-04-01/deploymentTemplate.json#", ScopeSubscription,
			"warning: TemplateScopeMismatch: The template's $schema 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#' is written for a resource group deployment, but the template is deployed at subscription scope."},
		{"tenant template at management group scope", base + "2019-08-01/tenantDeploymentTemplate.json#", ScopeManagementGroup,
			"warning: TemplateScopeMismatch: The template's $schema 'https://schema.management.azure.com/schemas/2019-08-01/tenantDeploymentTemplate.json#' is written for a tenant deployment, but the template is deployed at management group scope."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := `{"resources":[]}`
			if tt.schema != "" {
				doc = `{"$schema": "` + tt.schema + `", "resources":[]}`
			}
			src, ds := templates.Parse("t.json", []byte(doc))
			if ds.HasErrors() {
				t.Fatal(ds)
			}
			tmpl, _ := templates.NewTemplate(src)
			got := CheckTemplateScope(tmpl, tt.at)
			switch {
			case tt.want == "" && len(got) != 0:
				t.Fatalf("got %v, want nothing", got)
			case tt.want != "" && (len(got) != 1 || !strings.Contains(got[0].Error(), tt.want)):
				t.Fatalf("got %v\nwant one containing %q", got, tt.want)
			}
		})
	}
}

// TestManagementGroupDependencies: at management-group scope resourceId()
// gives the tenant form "/providers/...", yet a dependsOn or reference()
// with it names the template's own resource under the management group.
func TestManagementGroupDependencies(t *testing.T) {
	doc := `{"resources":[
	  {"type":"Microsoft.Authorization/policyDefinitions","apiVersion":"2021-06-01","name":"pd","properties":{}},
	  {"type":"Microsoft.Resources/deployments","apiVersion":"2022-09-01","name":"child","location":"eastus",
	    "properties":{"mode":"Incremental","expressionEvaluationOptions":{"scope":"inner"},"template":{"resources":[],
	      "outputs":{"o":{"type":"string","value":"from child"}}}}},
	  {"type":"Microsoft.Authorization/policyAssignments","apiVersion":"2022-06-01","name":"pa",
	    "dependsOn":["[resourceId('Microsoft.Authorization/policyDefinitions', 'pd')]","[resourceId('Microsoft.Resources/deployments', 'child')]"],
	    "properties":{"policyDefinitionId":"[managementGroupResourceId('Microsoft.Authorization/policyDefinitions', 'pd')]",
	      "description":"[reference(resourceId('Microsoft.Resources/deployments', 'child')).outputs.o.value]"}}]}`
	_, rs := expandAt(t, doc, deploymentAt(ScopeManagementGroup), nil)
	if len(rs) != 3 {
		t.Fatalf("resources %v", rs)
	}
	pa := rs[2]
	want := []string{"/providers/Microsoft.Management/managementGroups/mg1/providers/Microsoft.Authorization/policyDefinitions/pd",
		"/providers/Microsoft.Management/managementGroups/mg1/providers/Microsoft.Resources/deployments/child"}
	if strings.Join(pa.DependsOn, " ") != strings.Join(want, " ") {
		t.Errorf("dependsOn %v\nwant      %v", pa.DependsOn, want)
	}
	props, _ := pa.Fields.Get("properties")
	if d, _ := props.Get("description"); d.JSON() != `"from child"` {
		t.Errorf("description = %s", d.JSON())
	}
}

// TestNestedDeploymentMetadata: deployment() inside an inner-scope
// template describes the nested deployment: its name, its own template and
// parameters, and its link resolved against the parent's.
func TestNestedDeploymentMetadata(t *testing.T) {
	doc := `{"resources":[
	  {"type":"Microsoft.Resources/deployments","apiVersion":"2022-09-01","name":"inline",
	    "properties":{"mode":"Incremental","expressionEvaluationOptions":{"scope":"inner"},"parameters":{"p":{"value":"given"}},
	      "template":{"parameters":{"p":{"type":"string"}},"resources":[],"outputs":{
	        "name":{"type":"string","value":"[deployment().name]"},
	        "param":{"type":"string","value":"[deployment().properties.parameters.p.value]"},
	        "outputs":{"type":"array","value":"[objectKeys(deployment().properties.template.outputs)]"},
	        "hasLink":{"type":"bool","value":"[contains(deployment().properties, 'templateLink')]"}}}}}]}`
	d := deploymentAt(ScopeResourceGroup)
	d.TemplateLinkURI = "https://example.com/templates/main.json"
	e, _ := expandAt(t, doc, d, nil)
	outs, _ := e.NestedOutputs("inline")
	want := map[string]string{"name": `"inline"`, "param": `"given"`, "outputs": `["hasLink","name","outputs","param"]`, "hasLink": `false`}
	for k, w := range want {
		o, _ := outs.Get(k)
		if v, _ := o.Get("value"); v.JSON() != w {
			t.Errorf("%s = %s, want %s", k, v.JSON(), w)
		}
	}
	res := &Resource{Fields: NewObject(1)}
	res.Fields.Set("properties", MustFromGo(map[string]any{"templateLink": map[string]any{"relativePath": "children/child.json"}}))
	if got := childLinkURI(d.TemplateLinkURI, res); got != "https://example.com/templates/children/child.json" {
		t.Errorf("linked child's uri = %s", got)
	}
}
