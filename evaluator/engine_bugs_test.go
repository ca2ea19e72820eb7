package evaluator

import (
	"strings"
	"testing"
)

// TestDependsOnForms: every form Azure accepts in dependsOn reaches the
// same resource, a grandchild's relative id (types and names interleaved)
// included (issue 15's engine bugs).
func TestDependsOnForms(t *testing.T) {
	const resources = `
	  {"type":"Microsoft.Network/virtualNetworks","apiVersion":"2022-07-01","name":"vnet","location":"eastus","properties":{},
	   "resources":[{"type":"subnets","apiVersion":"2022-07-01","name":"s","dependsOn":["vnet"],"properties":{}}]},
	  {"type":"Microsoft.Compute/galleries","apiVersion":"2022-03-03","name":"g1","location":"eastus","properties":{},
	   "resources":[{"type":"images","apiVersion":"2022-03-03","name":"d1","location":"eastus","dependsOn":["g1"],"properties":{},
	     "resources":[{"type":"versions","apiVersion":"2022-03-03","name":"1.0.0","location":"eastus","dependsOn":["d1"],"properties":{}}]}]},
	  {"type":"Microsoft.NotificationHubs/namespaces/notificationHubs","apiVersion":"2017-04-01","name":"ns/app-hub","location":"eastus","properties":{}}`
	subnet := "/subscriptions/" + subA + "/resourceGroups/rg1/providers/Microsoft.Network/virtualNetworks/vnet/subnets/s"
	version := "/subscriptions/" + subA + "/resourceGroups/rg1/providers/Microsoft.Compute/galleries/g1/images/d1/versions/1.0.0"
	tests := []struct {
		name, dep, want string
	}{
		{"child relative id", "Microsoft.Network/virtualNetworks/vnet/subnets/s", subnet},
		{"child relative id, other case", "microsoft.network/VIRTUALNETWORKS/vnet/Subnets/S", subnet},
		{"child type and full name", "Microsoft.Network/virtualNetworks/subnets/vnet/s", subnet},
		{"child full name", "vnet/s", subnet},
		{"child resourceId", "[resourceId('Microsoft.Network/virtualNetworks/subnets', 'vnet', 's')]", subnet},
		{"grandchild relative id", "Microsoft.Compute/galleries/g1/images/d1/versions/1.0.0", version},
		{"grandchild relative id with providers/", "providers/Microsoft.Compute/galleries/g1/images/d1/versions/1.0.0", version},
		{"grandchild type and full name", "Microsoft.Compute/galleries/images/versions/g1/d1/1.0.0", version},
		{"grandchild resourceId", "[resourceId('Microsoft.Compute/galleries/images/versions', 'g1', 'd1', '1.0.0')]", version},
		{"grandchild full id", version, version},
		{"child by its last name", "s", subnet},
		{"child declared as parent/child, by its last name", "app-hub", "/subscriptions/" + subA + "/resourceGroups/rg1/providers/Microsoft.NotificationHubs/namespaces/ns/notificationHubs/app-hub"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := `{"resources":[` + resources + `,
			  {"type":"Microsoft.Network/networkSecurityGroups","apiVersion":"2022-07-01","name":"nsg","location":"eastus","dependsOn":["` + strings.ReplaceAll(tt.dep, `'`, `'`) + `"],"properties":{}}]}`
			_, rs := expandAt(t, doc, deploymentAt(ScopeResourceGroup), nil)
			nsg := rs[len(rs)-1]
			if len(nsg.DependsOn) != 1 || nsg.DependsOn[0] != tt.want {
				t.Errorf("dependsOn %q = %v, want [%s]", tt.dep, nsg.DependsOn, tt.want)
			}
		})
	}
}

// TestConditionFalseResource: a resource whose condition is false is
// evaluated no further than its id needs (its properties, location and
// dependsOn may be invalid then), and the condition does not cascade to
// the resources declared inside it (Azure's conditional deployment docs).
func TestConditionFalseResource(t *testing.T) {
	tests := []struct {
		name string
		body string // members of the condition-false resource besides its id
		want []string
	}{
		{name: "properties not evaluated", body: `"location":"eastus","properties":{"x":"[parameters('cfg').missing.deeper]"}`,
			want: []string{"vnet/s"}},
		{name: "location not evaluated", body: `"location":"[parameters('cfg').location.name]","properties":{}`, want: []string{"vnet/s"}},
		{name: "dependsOn not evaluated", body: `"location":"eastus","dependsOn":["[parameters('cfg').dep.name]"],"properties":{}`, want: []string{"vnet/s"}},
		{name: "reference to nothing not evaluated", body: `"location":"eastus","properties":{"x":"[reference('nothere').y]"}`, want: []string{"vnet/s"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := `{"parameters":{"cfg":{"type":"object","defaultValue":{}}},"resources":[
			  {"condition":"[false()]","type":"Microsoft.Network/virtualNetworks","apiVersion":"2022-07-01","name":"vnet",` + tt.body + `,
			   "resources":[{"type":"subnets","apiVersion":"2022-07-01","name":"s","properties":{}}]}]}`
			_, rs := expandAt(t, doc, deploymentAt(ScopeResourceGroup), nil)
			var got []string
			for _, r := range rs {
				got = append(got, r.Name)
			}
			if strings.Join(got, ",") != strings.Join(tt.want, ",") {
				t.Errorf("resources %v, want %v", got, tt.want)
			}
		})
	}
}

// TestSecureUnknownStaysUnknown: a secure parameter known only at deploy
// time (listKeys() passed to a nested deployment) is unknown to functions
// that look only at the top of their argument, instead of failing them at
// validation.
func TestSecureUnknownStaysUnknown(t *testing.T) {
	doc := `{"resources":[{"type":"Microsoft.Resources/deployments","apiVersion":"2022-09-01","name":"n",
	  "properties":{"mode":"Incremental","expressionEvaluationOptions":{"scope":"inner"},
	    "parameters":{"k":{"value":"[listKeys(resourceId('Microsoft.Storage/storageAccounts', 'sa'), '2022-09-01').keys[0].value]"}},
	    "template":{"parameters":{"k":{"type":"securestring"}},"resources":[
	      {"type":"Microsoft.Network/networkSecurityGroups","apiVersion":"2022-07-01","name":"nsg","location":"eastus",
	       "tags":{"len":"[string(length(parameters('k')))]","empty":"[string(empty(parameters('k')))]"},"properties":{}}]}}}]}`
	_, rs := expandAt(t, doc, deploymentAt(ScopeResourceGroup), UnknownResolver{})
	tags, _ := rs[len(rs)-1].Fields.Get("tags")
	for _, k := range []string{"len", "empty"} {
		if v, _ := tags.Get(k); !v.HasUnknown() {
			t.Errorf("tag %s = %s, want unknown", k, v.JSON())
		}
	}
}

// TestDependsOnUnknown: a dependsOn entry known only at deploy time (a
// nested template's parameter from an output, say) is no error while
// planning; it names nothing yet.
func TestDependsOnUnknown(t *testing.T) {
	doc := `{"resources":[
	  {"type":"Microsoft.Network/networkSecurityGroups","apiVersion":"2022-07-01","name":"nsg","location":"eastus",
	   "dependsOn":["[resourceId('Microsoft.Network/publicIPAddresses', reference(resourceId('Microsoft.Network/publicIPAddresses', 'other'), '2022-07-01').dnsSettings.fqdn)]"],"properties":{}}]}`
	_, rs := expandAt(t, doc, deploymentAt(ScopeResourceGroup), UnknownResolver{})
	if len(rs) != 1 || len(rs[0].DependsOn) != 0 {
		t.Errorf("resources %v", rs)
	}
}

// An evaluated name has one segment less than its type, as a literal one
// (templates checks those): Azure refuses a role assignment of the
// "subnets/providers/roleAssignments" form named by a bare GUID.
func TestEvaluatedNameSegments(t *testing.T) {
	tests := []struct {
		name, typ, rname string
		ok               bool
	}{
		{"root", "Microsoft.Storage/storageAccounts", "[concat('st', '1')]", true},
		{"child", "Microsoft.Network/virtualNetworks/subnets", "[concat('vnet', '/s')]", true},
		{"child named as a root", "Microsoft.Network/virtualNetworks/subnets", "[concat('s', '')]", false},
		{"old extension form", "Microsoft.Network/virtualNetworks/subnets/providers/roleAssignments", "[concat('vnet/s/Microsoft.Authorization/', guid('a'))]", true},
		{"old extension form with a bare GUID", "Microsoft.Network/virtualNetworks/subnets/providers/roleAssignments", "[guid('a')]", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := `{"resources":[{"type":"` + tt.typ + `","apiVersion":"2022-07-01","name":"` + tt.rname + `","properties":{}}]}`
			e := templateAt(t, doc, deploymentAt(ScopeResourceGroup), nil)
			_, ds := e.Resources()
			got := ds.HasErrors()
			if got == tt.ok {
				t.Fatalf("errors %v, want ok %v", ds, tt.ok)
			}
			if got && !strings.Contains(ds.Errors()[0].Message, "has incorrect segment lengths") {
				t.Errorf("message %s", ds.Errors()[0].Message)
			}
		})
	}
}
