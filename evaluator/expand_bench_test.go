package evaluator

import (
	"testing"

	"github.com/armdeploy/armdeploy/templates"
)

// BenchmarkExpandCopyLoop expands an 800-instance copy loop with about ten
// function calls per instance and a property copy loop.
func BenchmarkExpandCopyLoop(b *testing.B) {
	doc := `{"$schema":"https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#","contentVersion":"1.0.0.0",
	"parameters":{"prefix":{"type":"string","defaultValue":"disk"},"count":{"type":"int","defaultValue":800}},
	"variables":{"sku":"Standard_LRS"},
	"resources":[{"type":"Microsoft.Compute/disks","apiVersion":"2020-12-01",
	  "name":"[concat(parameters('prefix'), '-', padLeft(string(copyIndex()), 3, '0'))]",
	  "copy":{"name":"disks","count":"[parameters('count')]"},
	  "location":"[resourceGroup().location]",
	  "sku":{"name":"[variables('sku')]"},
	  "tags":{"index":"[string(copyIndex(1))]","id":"[uniqueString(resourceGroup().id, string(copyIndex()))]"},
	  "properties":{"diskSizeGB":"[add(32, mul(copyIndex(), 2))]","creationData":{"createOption":"Empty"},
	    "copy":[{"name":"labels","count":3,"input":{"n":"[copyIndex('labels')]","v":"[toUpper(format('{0}-{1}', parameters('prefix'), copyIndex('labels')))]"}}]}}]}`
	src, ds := templates.Parse("bench.json", []byte(doc))
	if ds.HasErrors() {
		b.Fatal(ds)
	}
	tmpl, ds := templates.NewTemplate(src)
	if ds.HasErrors() {
		b.Fatal(ds)
	}
	eng := NewEngine()
	b.ReportAllocs()
	for b.Loop() {
		e := NewTemplate(tmpl, nil, Options{Engine: eng, Deployment: Deployment{SubscriptionID: "s", ResourceGroup: "rg", ResourceGroupLocation: "eastus"}})
		rs, ds := e.Resources()
		if len(ds) != 0 || len(rs) != 800 {
			b.Fatalf("%d resources, %v", len(rs), ds)
		}
	}
}
