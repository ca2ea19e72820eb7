package evaluator

import (
	"strings"
	"testing"

	"github.com/armdeploy/armdeploy/templates"
)

func loadTemplate(t *testing.T, doc string, args ...string) *Template {
	t.Helper()
	src, ds := templates.Parse("t.json", []byte(doc))
	if ds.HasErrors() {
		t.Fatal(ds)
	}
	tmpl, ds := templates.NewTemplate(src)
	if ds.HasErrors() {
		t.Fatal(ds)
	}
	var ps templates.ParameterSet
	for _, a := range args {
		v, _, _, err := templates.ReadParameterArg(a, "-p")
		if err != nil {
			t.Fatal(err)
		}
		ps.Add(v)
	}
	return NewTemplate(tmpl, &ps, Options{Deployment: Deployment{
		Name: "d1", SubscriptionID: "00000000-0000-0000-0000-000000000000", ResourceGroup: "rg1", ResourceGroupLocation: "westeurope",
	}})
}

func TestTemplateValues(t *testing.T) {
	doc := `{"parameters": {
	  "name": {"type": "string", "defaultValue": "[concat('g', variables('suffix'))]"},
	  "count": {"type": "int", "defaultValue": 2},
	  "pw": {"type": "securestring", "defaultValue": "hunter2"}
	},
	"variables": {
	  "suffix": "x",
	  "Chain": "[concat(parameters('name'), '-', variables('SUFFIX'))]",
	  "obj": {"copy": [{"name": "disks", "count": "[parameters('count')]", "input": {"lun": "[copyIndex('disks')]"}}], "k": "[[literal]"},
	  "copy": [{"name": "names", "count": 3, "input": "[concat('n', string(copyIndex('names', 1)))]"}],
	  "[concat('dyn', 'Key')]": 1
	},
	"functions": [{"namespace": "ns", "members": {"pfx": {"parameters": [{"name": "p", "type": "string"}],
	  "output": {"type": "string", "value": "[concat('pre-', parameters('p'))]"}}}}],
	"resources": [],
	"outputs": {
	  "chain": {"type": "string", "value": "[variables('chain')]"},
	  "obj": {"type": "object", "value": "[variables('obj')]"},
	  "names": {"type": "array", "value": "[variables('names')]"},
	  "loop": {"type": "array", "copy": {"count": 2, "input": "[mul(copyIndex(), 10)]"}},
	  "udf": {"type": "string", "value": "[ns.pfx('a')]"},
	  "skipped": {"type": "string", "condition": false, "value": "x"},
	  "secret": {"type": "securestring", "value": "[parameters('pw')]"}
	}}`
	e := loadTemplate(t, doc, "name=given")
	if ds := e.CheckValues(); len(ds) != 0 {
		t.Fatalf("CheckValues: %v", ds)
	}
	outs, ds := e.Outputs()
	if len(ds) != 0 {
		t.Fatalf("Outputs: %v", ds)
	}
	got := map[string]string{}
	for _, o := range outs {
		got[o.Name] = o.Type + " " + o.Value.JSON()
	}
	want := map[string]string{
		"chain":  `String "given-x"`,
		"obj":    `Object {"disks":[{"lun":0},{"lun":1}],"k":"[literal]"}`,
		"names":  `Array ["n1","n2","n3"]`,
		"loop":   `Array [0,10]`,
		"udf":    `String "pre-a"`,
		"secret": `SecureString null`,
	}
	for k, w := range want {
		if got[k] != w {
			t.Errorf("output %s = %s, want %s", k, got[k], w)
		}
	}
	if _, ok := got["skipped"]; ok {
		t.Error("an output with a false condition must be left out")
	}
}

func TestTemplateValueErrors(t *testing.T) {
	tests := []struct {
		name, doc string
		want      []string // rendered diagnostics, in order
	}{
		{"variable cycle", `{"resources":[],"variables":{"a":"[variables('b')]","b":"[variables('a')]"}}`,
			[]string{"t.json:1:30: InvalidTemplate: The template variable 'a' is not valid: it depends on itself through 'a' -> 'b' -> 'a'."}},
		{"unknown variable", `{"resources":[],"variables":{"a":"[concat('x', variables('nope'))]"}}`,
			[]string{"t.json:1:48: InvalidTemplate: The template variable 'nope' is not found."}},
		{"output type", `{"resources":[],"outputs":{"o":{"type":"int","value":"x"}}}`,
			[]string{"t.json:1:54: InvalidTemplate: The template output 'o' is not valid: Template output JToken type is not valid. Expected 'Integer'. Actual 'String'."}},
		{"copy count out of range", `{"resources":[],"variables":{"copy":[{"name":"v","count":801,"input":1}]}}`,
			[]string{"t.json:1:58: InvalidTemplate: The copy count '801' of loop 'v' is not valid: it must be between 0 and 800."}},
		{"default outside allowedValues", `{"resources":[],"parameters":{"sku":{"type":"string","allowedValues":["a","b"],"defaultValue":"[concat('c', '')]"}}}`,
			[]string{"t.json:1:95: InvalidTemplate: The provided value for the template parameter 'sku' is not valid. The parameter value is not part of the allowed value(s): 'a,b'."}},
		{"output of a user-defined type", `{"languageVersion":"2.0","definitions":{"port":{"type":"int","maxValue":10}},"resources":{},"outputs":{"o":{"$ref":"#/definitions/port","value":"[add(5, 6)]"}}}`,
			[]string{"InvalidTemplate: The template output 'o' is not valid. The value '11' is greater than the maximum value '10'."}},
		{"utcNow outside a default", `{"resources":[],"variables":{"a":"[utcNow()]"}}`,
			[]string{"t.json:1:36: InvalidTemplate: The template function 'utcNow' is not expected at this location."}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := loadTemplate(t, tt.doc)
			ds := e.CheckValues()
			_, more := e.Outputs()
			ds = append(ds, more...)
			if len(ds) != len(tt.want) {
				t.Fatalf("got %v", ds)
			}
			for i, w := range tt.want {
				if got := ds[i].Error(); !strings.Contains(got, w) {
					t.Errorf("got  %s\nwant %s", got, w)
				}
			}
		})
	}
}

func TestReferencesOfASymbolicLoop(t *testing.T) {
	doc := `{"languageVersion":"2.0","resources":{
	  "disks":{"type":"Microsoft.Compute/disks","apiVersion":"2020-12-01","name":"[format('d{0}', copyIndex())]","copy":{"name":"disks","count":2},"location":"eastus","properties":{"diskSizeGB":8,"creationData":{"createOption":"Empty"}}}},
	  "outputs":{"sizes":{"type":"array","value":"[references('disks')]"}}}`
	e := loadTemplate(t, doc)
	e.opts.Resolver = UnknownResolver{}
	outs, ds := e.Outputs()
	if len(ds) != 0 || len(outs) != 1 {
		t.Fatalf("outputs %v, diagnostics %v", outs, ds)
	}
	if got := outs[0].Value.JSON(); got != `"[references('disks')]"` {
		t.Errorf("got %s, want the unknown references('disks')", got)
	}
	rs, ds := e.Resources()
	if len(ds) != 0 || len(rs) != 2 || rs[1].Name != "d1" {
		t.Fatalf("resources %v, diagnostics %v", rs, ds)
	}
}

func TestExtensionResourceScope(t *testing.T) {
	doc := `{"resources":[
	  {"type":"Microsoft.Storage/storageAccounts","apiVersion":"2022-09-01","name":"sa1","location":"eastus"},
	  {"type":"Microsoft.Authorization/locks","apiVersion":"2020-05-01","name":"lock1","scope":"Microsoft.Storage/storageAccounts/sa1","properties":{"level":"CanNotDelete"}},
	  {"type":"Microsoft.Authorization/roleAssignments","apiVersion":"2022-04-01","name":"ra1","scope":"[resourceId('Microsoft.Storage/storageAccounts', 'sa1')]","properties":{}}
	]}`
	e := loadTemplate(t, doc)
	rs, ds := e.Resources()
	if len(ds) != 0 || len(rs) != 3 {
		t.Fatalf("resources %v, diagnostics %v", rs, ds)
	}
	base := "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg1/providers/Microsoft.Storage/storageAccounts/sa1"
	for i, want := range []string{base + "/providers/Microsoft.Authorization/locks/lock1", base + "/providers/Microsoft.Authorization/roleAssignments/ra1"} {
		if got := rs[i+1].ID; got != want {
			t.Errorf("id = %s\nwant %s", got, want)
		}
	}
}

// TestExistingResourceIDs is arm-spec §5.5 #257: the ids of an existing
// resource My.Rp/parent/child named myParent/myChild at every scope.
func TestExistingResourceIDs(t *testing.T) {
	const other = "2e518a80-f860-4467-a00e-d81aaf1ff42e"
	tests := []struct{ name, targeting, want string }{
		{"resource group", ``, "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg1/providers/My.Rp/parent/myParent/child/myChild"},
		{"other group", `,"resourceGroup":"customRg"`, "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/customRg/providers/My.Rp/parent/myParent/child/myChild"},
		{"other subscription and group", `,"subscriptionId":"` + other + `","resourceGroup":"customRg"`, "/subscriptions/" + other + "/resourceGroups/customRg/providers/My.Rp/parent/myParent/child/myChild"},
		{"tenant", `,"scope":"/"`, "/providers/My.Rp/parent/myParent/child/myChild"},
		{"other subscription", `,"subscriptionId":"` + other + `"`, "/subscriptions/" + other + "/providers/My.Rp/parent/myParent/child/myChild"},
		{"management group", `,"scope":"/providers/Microsoft.Management/managementGroups/` + other + `"`, "/providers/Microsoft.Management/managementGroups/" + other + "/providers/My.Rp/parent/myParent/child/myChild"},
		{"extension of a tenant resource", `,"scope":"/providers/My.Rp/parent/myParent/child/myChild"`, "/providers/My.Rp/parent/myParent/child/myChild/providers/My.Rp/parent/myParent/child/myChild"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := `{"languageVersion":"2.0","resources":{"r":{"existing":true,"type":"My.Rp/parent/child","apiVersion":"2020-01-01","name":"myParent/myChild"` + tt.targeting + `}}}`
			rs, ds := loadTemplate(t, doc).Resources()
			if len(ds) != 0 || len(rs) != 1 {
				t.Fatalf("resources %v, diagnostics %v", rs, ds)
			}
			if rs[0].ID != tt.want {
				t.Errorf("id = %s\nwant %s", rs[0].ID, tt.want)
			}
		})
	}
}

// TestResourceInfoOfExisting is arm-spec §5.5 #258: name, type and
// apiVersion of an existing symbolic resource, through resourceInfo().
func TestResourceInfoOfExisting(t *testing.T) {
	doc := `{"languageVersion":"2.0","resources":{"r":{"existing":true,"type":"My.Rp/parent/child","apiVersion":"2020-01-01","name":"myParent/myChild","resourceGroup":"customRg"}},
	  "outputs":{"name":{"type":"string","value":"[resourceInfo('r').name]"},"type":{"type":"string","value":"[resourceInfo('r').type]"},
	    "apiVersion":{"type":"string","value":"[resourceInfo('r').apiVersion]"},"id":{"type":"string","value":"[resourceInfo('r').id]"}}}`
	outs, ds := loadTemplate(t, doc).Outputs()
	if len(ds) != 0 {
		t.Fatal(ds)
	}
	want := map[string]string{"name": "myParent/myChild", "type": "My.Rp/parent/child", "apiVersion": "2020-01-01",
		"id": "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/customRg/providers/My.Rp/parent/myParent/child/myChild"}
	for _, o := range outs {
		if got, _ := o.Value.AsString(); got != want[o.Name] {
			t.Errorf("%s = %s, want %s", o.Name, got, want[o.Name])
		}
	}
}
