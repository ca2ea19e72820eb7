package schema

import (
	"fmt"
	"strings"
	"testing"

	"github.com/armdeploy/armdeploy/templates"
)

// bigTemplate builds a template of about size bytes: galleries, image
// definitions and disks with realistic bodies and expressions.
func bigTemplate(size int) []byte {
	var b strings.Builder
	b.WriteString(`{"$schema":"https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#","contentVersion":"1.0.0.0",
"parameters":{"location":{"type":"string","defaultValue":"[resourceGroup().location]"}},"variables":{`)
	for i := 0; b.Len() < size/3 && i < templates.MaxVariables; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `"v%d":{"name":"[concat('gallery', uniqueString(resourceGroup().id), '%d')]","tags":{"env":"prod","owner":"platform-team","cost":"%d"},"list":[%s]}`,
			i, i, i, strings.Repeat(`1,2,3,"four",true,null,{"k":"v","n":-1.5},`, 100)+"0")
	}
	b.WriteString(`},"resources":[`)
	perResource := (size - b.Len()) / (templates.MaxResources / 2)
	for i := 0; b.Len() < size-perResource && i < templates.MaxResources/2; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"type":"Microsoft.Compute/galleries","apiVersion":"2019-12-01","name":"[concat('g', '%d')]","location":"[parameters('location')]",
"properties":{"description":"%s"},"resources":[{"type":"images","apiVersion":"2019-12-01","name":"def%d","location":"[parameters('location')]",
"dependsOn":["[resourceId('Microsoft.Compute/galleries', concat('g', '%d'))]"],"properties":{"osType":"Linux","osState":"Generalized",
"identifier":{"publisher":"pub","offer":"offer%d","sku":"sku"},"recommended":{"vCPUs":{"min":1,"max":64},"memory":{"min":2048,"max":307720}}}}]}`,
			i, strings.Repeat("a long description ", max(1, (perResource-900)/19)), i, i, i)
	}
	b.WriteString(`],"outputs":{"o":{"type":"string","value":"x"}}}`)
	return []byte(b.String())
}

// BenchmarkLoadAndValidate measures what `armdeploy validate` does to a
// large template: parse, build the model, check the template schema and
// every resource body.
func BenchmarkLoadAndValidate(b *testing.B) {
	data := bigTemplate(4 << 20)
	if len(data) > templates.MaxFileSize {
		data = data[:0]
		b.Fatal("generated template above the limit")
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		src, ds := templates.Parse("big.json", data)
		if ds.HasErrors() {
			b.Fatal(ds)
		}
		t, ds := templates.NewTemplate(src)
		if ds.HasErrors() {
			b.Fatal(ds)
		}
		if ds := CheckTemplate(t); ds.HasErrors() {
			b.Fatal(ds[0])
		}
	}
}

// BenchmarkParse measures the loader alone.
func BenchmarkParse(b *testing.B) {
	data := bigTemplate(4 << 20)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, ds := templates.Parse("big.json", data); ds.HasErrors() {
			b.Fatal(ds)
		}
	}
}
