package templates

import (
	"strconv"
	"strings"
	"testing"
)

func mustTemplate(t *testing.T, name, doc string) (*Template, []string) {
	t.Helper()
	src, ds := Parse(name, []byte(doc))
	if ds.HasErrors() {
		t.Fatalf("parse: %v", ds)
	}
	tmpl, ds := NewTemplate(src)
	var got []string
	for _, d := range ds {
		got = append(got, d.Error())
	}
	return tmpl, got
}

const fullTemplate = `{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "contentVersion": "1.0.0.0",
  "apiProfile": "2019-03-01-hybrid",
  "parameters": {
    "Location": {"type": "String", "defaultValue": "[resourceGroup().location]", "allowedValues": ["eastus", "westus"]},
    "count": {"type": "int", "minValue": 1, "maxValue": 3, "defaultValue": 2},
    "secret": {"type": "secureString", "minLength": 8}
  },
  "variables": {
    "v1": "x",
    "copy": [{"name": "disks", "count": 2, "input": "[copyIndex('disks')]"}]
  },
  "functions": [{"namespace": "contoso", "members": {"uniqueName": {
    "parameters": [{"name": "prefix", "type": "string"}],
    "output": {"type": "string", "value": "[concat(parameters('prefix'), 'x')]"}}}}],
  "resources": [
    {"type": "Microsoft.Network/virtualNetworks", "apiVersion": "2020-07-01", "name": "vnet",
     "condition": "[equals(parameters('count'), 2)]",
     "dependsOn": ["a", "b"],
     "resources": [{"type": "subnets", "apiVersion": "2020-07-01", "name": "s1", "properties": {}}]},
    {"type": "Microsoft.Compute/disks", "apiVersion": "2020-12-01", "name": "[concat('d', copyIndex())]",
     "copy": {"name": "diskLoop", "count": 3, "mode": "Serial", "batchSize": 1}}
  ],
  "outputs": {
    "o": {"type": "array", "copy": {"count": 2, "input": "[copyIndex()]"}},
    "c": {"type": "string", "condition": false, "value": "x"}
  }
}`

func TestNewTemplateReadsEveryPart(t *testing.T) {
	tmpl, ds := mustTemplate(t, "t.json", fullTemplate)
	if len(ds) != 0 {
		t.Fatalf("diagnostics: %v", ds)
	}
	checks := []struct {
		name string
		ok   bool
	}{
		{"scope", tmpl.Scope == ScopeResourceGroup},
		{"apiProfile", tmpl.APIProfile == "2019-03-01-hybrid"},
		{"parameter lookup is case-insensitive", tmpl.Parameter("location") != nil && tmpl.Parameter("LOCATION").Name == "Location"},
		{"type lower-cased", tmpl.Parameter("secret").Type == "securestring" && tmpl.Parameter("secret").IsSecure()},
		{"min/max", *tmpl.Parameter("count").MinValue == 1 && *tmpl.Parameter("count").MaxValue == 3},
		{"variables incl. copy", len(tmpl.Variables) == 2 && tmpl.Variable("DISKS").Copy != nil},
		{"functions", tmpl.Function("Contoso", "UNIQUENAME") != nil && tmpl.Function("contoso", "uniqueName").Parameters[0].Name == "prefix"},
		{"nested child type", tmpl.Resources[0].Children[0].FullType == "Microsoft.Network/virtualNetworks/subnets"},
		{"dependsOn", len(tmpl.Resources[0].DependsOn) == 2},
		{"condition", tmpl.Resources[0].Condition.IsExpression()},
		{"copy mode lower-cased", tmpl.Resources[1].Copy.Mode == "serial" && tmpl.Resources[1].Copy.Name == "diskLoop"},
		{"all resources", len(tmpl.AllResources()) == 3},
		{"outputs", tmpl.Output("O").Copy != nil && tmpl.Output("c").Condition.Kind == Bool},
		{"pointer", tmpl.Resources[0].Children[0].Pointer == "/resources/0/resources/0"},
	}
	for _, c := range checks {
		if !c.ok {
			t.Errorf("%s: not as expected", c.name)
		}
	}
}

func TestSymbolicResources(t *testing.T) {
	doc := `{"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
	"languageVersion": "2.0", "contentVersion": "1.0.0.0",
	"definitions": {"port": {"type": "int", "minValue": 1}},
	"resources": {
	  "kv": {"existing": true, "type": "Microsoft.KeyVault/vaults", "apiVersion": "2019-09-01", "name": "kv1", "resourceGroup": "other"},
	  "gal": {"type": "Microsoft.Compute/galleries", "apiVersion": "2019-12-01", "name": "g", "dependsOn": ["kv"]}
	}}`
	tmpl, ds := mustTemplate(t, "t.json", doc)
	if len(ds) != 0 {
		t.Fatal(ds)
	}
	if !tmpl.Symbolic || !tmpl.IsV2() || len(tmpl.Resources) != 2 {
		t.Fatalf("symbolic=%v v2=%v n=%d", tmpl.Symbolic, tmpl.IsV2(), len(tmpl.Resources))
	}
	if r := tmpl.Resources[0]; r.SymbolicName != "kv" || !r.Existing || r.ResourceGroup.Str != "other" {
		t.Errorf("kv = %+v", r)
	}
	if tmpl.Definition("PORT") == nil {
		t.Error("definition lookup failed")
	}
}

func TestTemplateDiagnostics(t *testing.T) {
	tests := []struct {
		name, doc string
		want      string // substring of the single diagnostic, with position
	}{
		{"segment lengths root", `{"resources":[{"type":"Microsoft.Compute/galleries/images","name":"x","apiVersion":"2019-12-01"}]}`,
			"t.json:1:67: InvalidTemplate: The template resource 'x' for type 'Microsoft.Compute/galleries/images' has incorrect segment lengths."},
		{"segment lengths nested", `{"resources":[{"type":"Microsoft.Compute/galleries","apiVersion":"2019-12-01","name":"g","resources":[{"type":"images","apiVersion":"2019-12-01","name":"g/d"}]}]}`,
			"The template resource 'g/d' for type 'images' has incorrect segment lengths."},
		{"copy on nested", `{"resources":[{"type":"A.B/c","apiVersion":"1","name":"g","resources":[{"type":"d","apiVersion":"1","name":"e","copy":{"name":"l","count":2}}]}]}`,
			"Copying nested resources is not supported"},
		{"duplicate parameter in other case", `{"parameters":{"a":{"type":"string"},"A":{"type":"string"}},"resources":[]}`,
			"t.json:1:38: InvalidTemplate: The template parameter 'A' is declared more than once"},
		{"symbolic resources need 2.0", `{"resources":{"a":{"type":"A.B/c","apiVersion":"1","name":"x"}}}`,
			"need languageVersion 2.0"},
		{"expression too long", `{"resources":[],"variables":{"v":"[` + strings.Repeat("a", MaxExpressionLength) + `]"}}`,
			"exceeds the limit of '24576' characters"},
		{"missing apiVersion", `{"resources":[{"type":"A.B/c","name":"x"}]}`,
			"t.json:1:15: InvalidTemplate: The template resource 'x' at line '1' and column '15' is not valid: the property 'apiVersion' is required"},
		{"unknown member with a suggestion", `{"resources":[{"type":"A.B/c","apiVersion":"1","name":"x","propertes":{}}]}`,
			"warning: UnknownResourceMember: The resource member 'propertes' is not a template property; ARM passes it to the resource provider, which ignores it. Did you mean 'properties'?"},
		{"unknown schema", `{"$schema":"https://example.com/x.json#","resources":[]}`,
			"warning: UnknownSchema"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, ds := mustTemplate(t, "t.json", tt.doc)
			if len(ds) != 1 || !strings.Contains(ds[0], tt.want) {
				t.Errorf("got %q\nwant one containing %q", ds, tt.want)
			}
		})
	}
}

func TestLimits(t *testing.T) {
	var b strings.Builder
	b.WriteString(`{"resources":[],"parameters":{`)
	for i := range MaxParameters + 1 {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(`"p` + strings.Repeat("x", i%7) + string(rune('a'+i%26)) + strconv.Itoa(i) + `":{"type":"string","defaultValue":""}`)
	}
	b.WriteString(`}}`)
	_, ds := mustTemplate(t, "t.json", b.String())
	if len(ds) != 1 || !strings.Contains(ds[0], "The number of template parameters limit exceeded. Limit: '256' and actual: '257'. Please see https://aka.ms/arm-template/#parameters for usage details.") {
		t.Errorf("got %v", ds)
	}
}
