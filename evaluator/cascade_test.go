package evaluator

import (
	"fmt"
	"testing"
)

// One mistake is one diagnostic: a parameter, variable or resource that
// fails is reported at its own place, and the values, resources, dependsOn
// entries and outputs that fail only because they use it are not reported
// again (no cascade of repeated messages or "is not defined").
func TestNoErrorCascades(t *testing.T) {
	nsg := func(name, more string) string {
		return `{"type": "Microsoft.Network/networkSecurityGroups", "apiVersion": "2023-04-01", "name": "` + name + `", "location": "eastus", "properties": {}` + more + `}`
	}
	tests := []struct {
		name string
		doc  string
		want []string // "target: message prefix" of every error
	}{
		{"variable used by a variable, a resource and an output",
			`{"variables": {"x": "[int('abc')]", "y": "[concat(variables('x'), 'a')]"},
			  "resources": [` + nsg("[variables('y')]", "") + `],
			  "outputs": {"o": {"type": "string", "value": "[variables('y')]"}}}`,
			[]string{"variables.x: The template language function 'int' cannot convert the value 'abc' to an integer."}},
		{"parameter default used by a variable and a resource",
			`{"parameters": {"p": {"type": "string", "defaultValue": "[undefinedFn()]"}},
			  "variables": {"z": "[parameters('p')]"},
			  "resources": [` + nsg("[variables('z')]", "") + `, ` + nsg("[parameters('p')]", "") + `]}`,
			[]string{"parameters.p: The template function 'undefinedFn' is not valid."}},
		{"dependsOn a resource whose name failed",
			`{"resources": [` + nsg("[int('x')]", "") + `, ` + nsg("b", `, "dependsOn": ["[resourceId('Microsoft.Network/networkSecurityGroups', 'a')]", "a"]`) + `]}`,
			[]string{"resources[0]: The template language function 'int' cannot convert the value 'x' to an integer."}},
		{"an undefined dependency is still one",
			`{"resources": [` + nsg("[int('x')]", "") + `, ` + nsg("b", `, "dependsOn": ["[resourceId('Microsoft.Storage/storageAccounts', 'zzz')]"]`) + `]}`,
			[]string{"resources[0]: The template language function 'int' cannot convert the value 'x' to an integer.",
				"resources[1].dependsOn: The resource '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg1/providers/Microsoft.Storage/storageAccounts/zzz' is not defined in the template."}},
		{"a literal name that failed elsewhere is not every name",
			`{"resources": [` + nsg("d", `, "copy": {"name": "l", "count": "[int('y')]"}`) + `, ` + nsg("e", `, "dependsOn": ["zzz"]`) + `]}`,
			[]string{"resources[0]: The template language function 'int' cannot convert the value 'y' to an integer.",
				"resources[1].dependsOn: The resource 'zzz' is not defined in the template."}},
		{"an output of a nested deployment that failed",
			`{"resources": [{"type": "Microsoft.Resources/deployments", "apiVersion": "2022-09-01", "name": "inner",
			   "properties": {"mode": "Incremental", "expressionEvaluationOptions": {"scope": "inner"},
			     "template": {"parameters": {"q": {"type": "string", "defaultValue": "[int('zz')]"}},
			       "resources": [], "outputs": {"o": {"type": "string", "value": "[parameters('q')]"}}}}},
			  ` + nsg("after", `, "dependsOn": ["inner"], "tags": {"t": "[reference('inner').outputs.o.value]"}`) + `]}`,
			[]string{"parameters.q: The template language function 'int' cannot convert the value 'zz' to an integer."}},
		{"two independent roots are both reported",
			`{"variables": {"x": "[int('abc')]"},
			  "resources": [` + nsg("[variables('x')]", "") + `, ` + nsg("n", `, "tags": {"t": "[variables('nope')]"}`) + `]}`,
			[]string{"variables.x: The template language function 'int' cannot convert the value 'abc' to an integer.",
				"resources[1]: The template variable 'nope' is not found."}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := loadTemplate(t, tt.doc)
			ds := e.CheckValues()
			_, more := e.Resources()
			ds = append(ds, more...)
			_, more = e.Outputs()
			ds = append(ds, more...)
			ds = ds.Dedup()
			var got []string
			for _, d := range ds.Errors() {
				got = append(got, fmt.Sprintf("%s: %s", d.Target, d.Message))
			}
			if len(got) != len(tt.want) {
				t.Fatalf("got %d errors, want %d:\n%q", len(got), len(tt.want), got)
			}
			for i, w := range tt.want {
				if len(got[i]) < len(w) || got[i][:len(w)] != w {
					t.Errorf("error %d:\n got %s\nwant %s…", i, got[i], w)
				}
			}
		})
	}
}
