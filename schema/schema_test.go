package schema

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

// want is one expected violation; Message is matched as a substring ("" = any).
type want struct {
	Pointer, Keyword, Message string
}

// checkViolations compares violations with wants, in order.
func checkViolations(t *testing.T, got []Violation, wants []want) {
	t.Helper()
	ok := len(got) == len(wants)
	for i := 0; ok && i < len(got); i++ {
		w := wants[i]
		ok = got[i].Pointer == w.Pointer && got[i].Keyword == w.Keyword && strings.Contains(got[i].Message, w.Message)
	}
	if !ok {
		t.Errorf("violations:\n%s\nwant:\n%s", dump(got), dumpWants(wants))
	}
}

func dump(vs []Violation) string {
	var b strings.Builder
	for _, v := range vs {
		fmt.Fprintf(&b, "  %q %s: %s\n", v.Pointer, v.Keyword, v.Message)
	}
	return b.String()
}

func dumpWants(ws []want) string {
	var b strings.Builder
	for _, w := range ws {
		fmt.Fprintf(&b, "  %q %s: ...%s...\n", w.Pointer, w.Keyword, w.Message)
	}
	return b.String()
}

// tmpl builds a template document around a resources array (JSON text).
func tmpl(resources string) string {
	return `{"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
	  "contentVersion": "1.0.0.0", "resources": ` + resources + `}`
}

const gallery = `{"type": "Microsoft.Compute/galleries", "apiVersion": "2019-12-01", "name": "g", "location": "westeurope"}`

func TestValidateTemplate(t *testing.T) {
	tests := []struct {
		name string
		doc  string
		want []want
	}{
		{name: "minimal", doc: tmpl(`[]`)},
		{name: "gallery", doc: tmpl(`[` + gallery + `]`)},
		{
			name: "unknown root property",
			doc:  `{"$schema": "s", "contentVersion": "1.0.0.0", "resources": [], "resource": []}`,
			want: []want{{"/resource", "additionalProperties", "property 'resource' is not allowed in the template; allowed properties are '$schema', 'apiProfile'"}},
		},
		{
			name: "missing resources and contentVersion",
			doc:  `{"$schema": "s"}`,
			want: []want{
				{"", "required", "required property 'contentVersion' is missing from the template"},
				{"", "required", "required property 'resources' is missing from the template"},
			},
		},
		{
			name: "template is not an object",
			doc:  `[]`,
			want: []want{{"", "type", "the template must be an object; got an array"}},
		},
		{
			name: "bad copy mode",
			doc:  tmpl(`[{"type": "Microsoft.Compute/disks", "apiVersion": "2020-12-01", "name": "d", "copy": {"name": "l", "count": 2, "mode": "sequential"}}]`),
			want: []want{{"/resources/0/copy/mode", "enum", "property 'mode' must be one of 'serial', 'parallel'; got 'sequential'"}},
		},
		{
			name: "copy mode any case, count and batchSize as expressions",
			doc:  tmpl(`[{"type": "Microsoft.Compute/disks", "apiVersion": "2020-12-01", "name": "d", "copy": {"name": "l", "count": "[length(variables('x'))]", "mode": "Serial", "batchSize": "[parameters('b')]"}}]`),
		},
		{
			name: "copy count is a literal string",
			doc:  tmpl(`[{"type": "Microsoft.Compute/disks", "apiVersion": "2020-12-01", "name": "d", "copy": {"name": "l", "count": "two"}}]`),
			want: []want{{"/resources/0/copy/count", "type", "property 'count' must be an integer or a template expression; got string 'two'"}},
		},
		{
			name: "copy count out of range",
			doc:  tmpl(`[{"type": "Microsoft.Compute/disks", "apiVersion": "2020-12-01", "name": "d", "copy": {"name": "l", "count": 801}}]`),
			want: []want{{"/resources/0/copy/count", "maximum", "property 'count' must be at most 800; got 801"}},
		},
		{
			name: "resource without type and name",
			doc:  tmpl(`[{"apiVersion": "2020-12-01"}]`),
			want: []want{
				{"/resources/0", "required", "required property 'name' is missing from item 0 of 'resources'"},
				{"/resources/0", "required", "required property 'type' is missing from item 0 of 'resources'"},
			},
		},
		{
			name: "bad apiVersion",
			doc:  tmpl(`[{"type": "Microsoft.Compute/disks", "apiVersion": "latest", "name": "d"}]`),
			want: []want{{"/resources/0/apiVersion", "pattern", "property 'apiVersion' must be a date-based API version"}},
		},
		{
			name: "apiVersion as an expression",
			doc:  tmpl(`[{"type": "Microsoft.Compute/disks", "apiVersion": "[variables('api')]", "name": "d"}]`),
		},
		{
			name: "condition, tags, sku, properties and dependsOn items as expressions",
			doc: tmpl(`[{"type": "Microsoft.Compute/disks", "apiVersion": "2020-12-01", "name": "d",
			  "condition": "[equals(parameters('a'), 'b')]", "tags": "[parameters('tags')]", "sku": "[variables('sku')]",
			  "properties": "[variables('props')]", "zones": "[parameters('zones')]", "dependsOn": ["[resourceId('x', 'y')]"]}]`),
		},
		{
			name: "condition literal string",
			doc:  tmpl(`[{"type": "Microsoft.Compute/disks", "apiVersion": "2020-12-01", "name": "d", "condition": "yes"}]`),
			want: []want{{"/resources/0/condition", "type", "property 'condition' must be a boolean or a template expression; got string 'yes'"}},
		},
		{
			name: "an escaped literal is not an expression",
			doc:  tmpl(`[{"type": "Microsoft.Compute/disks", "apiVersion": "2020-12-01", "name": "d", "condition": "[[true]"}]`),
			want: []want{{"/resources/0/condition", "type", "got string '[[true]'"}},
		},
		{
			name: "dependsOn not an array",
			doc:  tmpl(`[{"type": "Microsoft.Compute/disks", "apiVersion": "2020-12-01", "name": "d", "dependsOn": "x"}]`),
			want: []want{{"/resources/0/dependsOn", "type", "property 'dependsOn' must be an array; got string 'x'"}},
		},
		{
			name: "dependsOn item not a string",
			doc:  tmpl(`[{"type": "Microsoft.Compute/disks", "apiVersion": "2020-12-01", "name": "d", "dependsOn": [1]}]`),
			want: []want{{"/resources/0/dependsOn/0", "type", "item 0 of 'dependsOn' must be a string; got number 1"}},
		},
		{
			name: "parameter type strng",
			doc: `{"$schema": "s", "contentVersion": "1.0.0.0", "resources": [],
			  "parameters": {"a": {"type": "strng"}, "b": {"type": "SecureString"}, "c": {"type": "secureObject"}}}`,
			want: []want{{"/parameters/a/type", "enum", "property 'type' must be one of 'string', 'securestring', 'int', 'bool', 'object', 'secureobject', 'array'; got 'strng'"}},
		},
		{
			name: "parameter without type",
			doc:  `{"$schema": "s", "contentVersion": "1.0.0.0", "resources": [], "parameters": {"a": {"defaultValue": 1}}}`,
			want: []want{{"/parameters/a", "required", "required property 'type' is missing from parameter 'a'"}},
		},
		{
			name: "parameter minValue not an integer",
			doc:  `{"$schema": "s", "contentVersion": "1.0.0.0", "resources": [], "parameters": {"a": {"type": "int", "minValue": "1"}}}`,
			want: []want{{"/parameters/a/minValue", "type", "property 'minValue' must be an integer; got string '1'"}},
		},
		{
			name: "variable copy without count",
			doc:  `{"$schema": "s", "contentVersion": "1.0.0.0", "resources": [], "variables": {"copy": [{"name": "v", "input": 1}]}}`,
			want: []want{{"/variables/copy/0", "required", "required property 'count' is missing from item 0 of 'copy'"}},
		},
		{
			name: "output without value",
			doc:  `{"$schema": "s", "contentVersion": "1.0.0.0", "resources": [], "outputs": {"o": {"type": "string"}, "p": {"type": "array", "copy": {"count": 2, "input": "x"}}}}`,
			want: []want{{"/outputs/o", "required", "required property 'value' is missing from output 'o'"}},
		},
		{
			name: "output type wrong",
			doc:  `{"$schema": "s", "contentVersion": "1.0.0.0", "resources": [], "outputs": {"o": {"type": "text", "value": "x"}}}`,
			want: []want{{"/outputs/o/type", "enum", "got 'text'"}},
		},
		{
			name: "function without output",
			doc: `{"$schema": "s", "contentVersion": "1.0.0.0", "resources": [],
			  "functions": [{"namespace": "ns", "members": {"f": {"parameters": [{"name": "p", "type": "string"}]}}}]}`,
			want: []want{{"/functions/0/members/f", "required", "required property 'output' is missing from 'f'"}},
		},
		{
			name: "copy on a nested child resource",
			doc: tmpl(`[{"type": "Microsoft.Compute/galleries", "apiVersion": "2019-12-01", "name": "g",
			  "resources": [{"type": "images", "apiVersion": "2019-12-01", "name": "i", "copy": {"name": "l", "count": 2}}]}]`),
			want: []want{{"/resources/0/resources/0/copy", "not", "cannot have 'copy'"}},
		},
		{
			name: "languageVersion 2.0 symbolic resources",
			doc: `{"$schema": "s", "languageVersion": "2.0", "contentVersion": "1.0.0.0",
			  "definitions": {"t": {"type": "object", "properties": {"a": {"type": "int", "minValue": 1}}}},
			  "parameters": {"p": {"$ref": "#/definitions/t"}},
			  "resources": {"gal": ` + gallery + `, "old": {"existing": true, "type": "Microsoft.Compute/galleries", "apiVersion": "2019-12-01", "name": "x"}},
			  "outputs": {"o": {"$ref": "#/definitions/t", "value": {"a": 1}}}}`,
		},
		{
			name: "languageVersion 2.0 symbolic resource without name",
			doc:  `{"$schema": "s", "languageVersion": "2.0", "contentVersion": "1.0.0.0", "resources": {"gal": {"type": "Microsoft.Compute/galleries"}}}`,
			want: []want{{"/resources/gal", "required", "required property 'name' is missing from resource 'gal'"}},
		},
		{
			name: "keys in any case",
			doc: `{"$Schema": "s", "ContentVersion": "1.0.0.0", "Parameters": {"a": {"Type": "String"}},
			  "Resources": [{"Type": "Microsoft.Compute/disks", "ApiVersion": "2020-12-01", "Name": "d", "Copy": {"Name": "l", "Count": 2, "Mode": "bad"}}]}`,
			want: []want{{"/Resources/0/Copy/Mode", "enum", "property 'mode' must be one of 'serial', 'parallel'; got 'bad'"}},
		},
		{
			name: "inline nested template is checked",
			doc: tmpl(`[{"type": "Microsoft.Resources/deployments", "apiVersion": "2022-09-01", "name": "n",
			  "properties": {"mode": "Incremental", "expressionEvaluationOptions": {"scope": "inner"},
			    "template": {"contentVersion": "1.0.0.0", "outputs": {}, "resources": [{"type": "Microsoft.Compute/disks", "apiVersion": "2020-12-01", "name": "d", "condition": "no"}]}}}]`),
			want: []want{{"/resources/0/properties/template/resources/0/condition", "type", "property 'condition' must be a boolean or a template expression"}},
		},
		{
			name: "inline nested template with an unknown property and as an expression",
			doc: tmpl(`[{"type": "Microsoft.Resources/deployments", "apiVersion": "2022-09-01", "name": "n",
			  "properties": {"mode": "Incremental", "template": {"resources": [], "outputz": {}}}},
			  {"type": "Microsoft.Resources/deployments", "apiVersion": "2022-09-01", "name": "m",
			  "properties": {"mode": "Incremental", "template": "[variables('t')]"}}]`),
			want: []want{{"/resources/0/properties/template/outputz", "additionalProperties", "property 'outputz' is not allowed in 'template'"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkViolations(t, ValidateTemplate(decodeJSON(t, []byte(tt.doc))), tt.want)
		})
	}
}

func TestValidateParameterFile(t *testing.T) {
	const head = `"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#", "contentVersion": "1.0.0.0"`
	tests := []struct {
		name string
		doc  string
		want []want
	}{
		{name: "values and a reference", doc: `{` + head + `, "parameters": {"a": {"value": 1}, "b": {"value": null}, "c": {"reference": {"keyVault": {"id": "/subscriptions/x/resourceGroups/r/providers/Microsoft.KeyVault/vaults/v"}, "secretName": "s", "secretVersion": "1"}}}}`},
		{
			name: "bad reference shape",
			doc:  `{` + head + `, "parameters": {"p": {"reference": {"keyVault": "/subscriptions/x/vaults/v", "secret": "s"}}}}`,
			want: []want{
				{"/parameters/p/reference", "required", "required property 'secretName' is missing from 'reference'"},
				{"/parameters/p/reference/keyVault", "type", "property 'keyVault' must be an object; got string"},
				{"/parameters/p/reference/secret", "additionalProperties", "property 'secret' is not allowed in 'reference'"},
			},
		},
		{
			name: "neither value nor reference",
			doc:  `{` + head + `, "parameters": {"p": {"vaule": 1}}}`,
			want: []want{
				{"/parameters/p", "required", "required property 'value' is missing from parameter 'p'"},
				{"/parameters/p/vaule", "additionalProperties", "property 'vaule' is not allowed in parameter 'p'"},
			},
		},
		{
			name: "both value and reference",
			doc:  `{` + head + `, "parameters": {"p": {"value": 1, "reference": {"keyVault": {"id": "k"}, "secretName": "s"}}}}`,
			want: []want{{"/parameters/p/reference", "not", "either 'value' or 'reference', not both"}},
		},
		{
			name: "parameters missing",
			doc:  `{` + head + `}`,
			want: []want{{"", "required", "required property 'parameters' is missing from the parameter file"}},
		},
		{
			name: "parameter entry is a bare value",
			doc:  `{` + head + `, "parameters": {"p": "x"}}`,
			want: []want{{"/parameters/p", "type", "parameter 'p' must be an object; got string 'x'"}},
		},
		{
			name: "keys in any case",
			doc:  `{"Parameters": {"p": {"Value": 1}, "q": {"Reference": {"KeyVault": {"ID": "k"}, "SecretName": "s"}}}}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkViolations(t, ValidateParameterFile(decodeJSON(t, []byte(tt.doc))), tt.want)
		})
	}
}

// TestInstanceRepresentations: json.Number, int64/float64 and other Go values
// (typed maps and slices, structs) are all accepted.
func TestInstanceRepresentations(t *testing.T) {
	type sku struct {
		Name string `json:"name"`
	}
	docs := map[string]any{
		"json.Number": map[string]any{"$schema": "s", "contentVersion": "1", "resources": []any{
			map[string]any{"type": "t", "name": "n", "copy": map[string]any{"name": "l", "count": json.Number("3")}}}},
		"typed Go values": map[string]any{"$schema": "s", "contentVersion": "1", "resources": []map[string]any{
			{"type": "t", "name": "n", "dependsOn": []string{"a"}, "sku": sku{Name: "x"},
				"copy": map[string]any{"name": "l", "count": int16(3)}}}},
	}
	for name, doc := range docs {
		t.Run(name, func(t *testing.T) { checkViolations(t, ValidateTemplate(doc), nil) })
	}
	t.Run("not JSON", func(t *testing.T) {
		got := ValidateTemplate(map[string]any{"$schema": "s", "contentVersion": make(chan int), "resources": []any{}})
		checkViolations(t, got, []want{{"", "type", "the template is not a JSON value"}})
	})
	t.Run("typed value with errors", func(t *testing.T) {
		got := ValidateTemplate(map[string]any{"$schema": "s", "contentVersion": "1", "resources": []map[string]any{
			{"type": "t", "name": "n", "copy": map[string]any{"name": "l", "count": uint16(900)}}}})
		checkViolations(t, got, []want{{"/resources/0/copy/count", "maximum", "at most 800"}})
	})
}

// TestConcurrentUse validates from many goroutines at once (run with -race).
func TestConcurrentUse(t *testing.T) {
	doc := decodeJSON(t, []byte(tmpl(`[{"type": "Microsoft.Compute/disks", "apiVersion": "2020-12-01", "name": "d", "copy": {"name": "l", "count": "x"}}]`)))
	body := decodeJSON(t, []byte(`{"name": "d", "location": "l", "properties": {"creationData": {"createOption": "Nope"}}}`))
	done := make(chan [2]int)
	for range 8 {
		go func() {
			var n [2]int
			for range 50 {
				n[0] += len(ValidateTemplate(doc))
				v, _, _ := ValidateResource("Microsoft.Compute/disks", "2020-12-01", body)
				n[1] += len(v)
			}
			done <- n
		}()
	}
	for range 8 {
		if n := <-done; n != [2]int{50, 50} {
			t.Errorf("violation counts %v, want [50 50]", n)
		}
	}
}
