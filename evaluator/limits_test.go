package evaluator

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/armdeploy/armdeploy/templates"
)

// copyLoop is a resource declaration with a copy loop of n instances.
func copyLoop(name string, n int) string {
	return fmt.Sprintf(`{"type":"Microsoft.Compute/disks","apiVersion":"2020-12-01","name":"[concat('%s-', copyIndex())]","location":"eastus",
	  "copy":{"name":"%s","count":%d},"properties":{"diskSizeGB":8,"creationData":{"createOption":"Empty"}}}`, name, name, n)
}

// nestedLoops is a template with deployments inner-scope nested
// deployments whose templates each have copy loops of the given counts.
func nestedLoops(deployments int, counts ...int) string {
	var b strings.Builder
	b.WriteString(`{"resources":[`)
	for i := range deployments {
		if i > 0 {
			b.WriteByte(',')
		}
		var loops []string
		for j, n := range counts {
			loops = append(loops, copyLoop(fmt.Sprintf("d%d-%d", i, j), n))
		}
		fmt.Fprintf(&b, `{"type":"Microsoft.Resources/deployments","apiVersion":"2022-09-01","name":"batch%d",
		  "properties":{"mode":"Incremental","expressionEvaluationOptions":{"scope":"inner"},"template":{"resources":[%s]}}}`, i, strings.Join(loops, ","))
	}
	b.WriteString(`]}`)
	return b.String()
}

// TestResourceLimitPerTemplate: ARM's 800 resources hold for each template
// on its own, after copy expansion; a nested deployment counts once in its
// parent.
func TestResourceLimitPerTemplate(t *testing.T) {
	const exceeded = "InvalidTemplate: The number of template resources limit exceeded. Limit: '800' and actual: '801'. Please see https://aka.ms/arm-template/#resources for usage details."
	tests := []struct {
		name string
		doc  string
		want string // rendered diagnostic; "" for none
		// target is the diagnostic's dotted path.
		target string
		count  int // resources expanded, with nested ones
	}{
		{name: "ten nested deployments of 800", doc: nestedLoops(10, 800), count: 10 + 10*800},
		{name: "800 in one template", doc: `{"resources":[` + copyLoop("d", 800) + `]}`, count: 800},
		{name: "801 in one template", doc: `{"resources":[` + copyLoop("d", 400) + `,` + copyLoop("e", 400) + `,` + copyLoop("f", 1) + `]}`,
			want: "t.json:1:14: " + exceeded, target: "resources", count: 801},
		{name: "800 and a nested deployment", doc: `{"resources":[` + copyLoop("d", 800) + `,` + strings.TrimSuffix(strings.TrimPrefix(nestedLoops(1, 1), `{"resources":[`), `]}`) + `]}`,
			want: exceeded, target: "resources", count: 802},
		// The nested template's count is its own, reported at its own
		// "resources" inside the parent's file.
		{name: "801 in a nested template", doc: nestedLoops(1, 400, 401),
			want: "t.json:2:112: " + exceeded, target: "resources[0].properties.template.resources", count: 1 + 801},
		{name: "instances whose condition is false count", doc: `{"resources":[` + copyLoop("d", 800) + `,{"condition":false,"type":"Microsoft.Compute/disks","apiVersion":"2020-12-01","name":"extra","location":"eastus"}]}`,
			want: exceeded, target: "resources", count: 800},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := templateAt(t, tt.doc, deploymentAt(ScopeResourceGroup), nil)
			start := time.Now()
			rs, ds := e.Resources()
			t.Logf("%d resources expanded in %v", len(rs), time.Since(start))
			if len(rs) != tt.count {
				t.Errorf("%d resources, want %d", len(rs), tt.count)
			}
			if tt.want == "" {
				if len(ds) != 0 {
					t.Fatalf("diagnostics: %v", ds)
				}
				return
			}
			if len(ds) != 1 || !strings.Contains(ds[0].Error(), tt.want) {
				t.Fatalf("got %v\nwant one containing %q", ds, tt.want)
			}
			if ds[0].Target != tt.target {
				t.Errorf("target %q, want %q", ds[0].Target, tt.target)
			}
		})
	}
}

// TestResourceLimitBeforeExpansion: more than 800 declarations are refused
// when the template is read, with the same text, and expansion does not
// say it twice.
func TestResourceLimitBeforeExpansion(t *testing.T) {
	var b strings.Builder
	b.WriteString(`{"resources":[`)
	for i := range 801 {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"type":"Microsoft.Compute/disks","apiVersion":"2020-12-01","name":"d%d","location":"eastus"}`, i)
	}
	b.WriteString(`]}`)
	src, ds := templates.Parse("t.json", []byte(b.String()))
	if ds.HasErrors() {
		t.Fatal(ds)
	}
	tmpl, tds := templates.NewTemplate(src)
	if len(tds) != 1 || !strings.Contains(tds[0].Error(), "t.json:1:14: InvalidTemplate: The number of template resources limit exceeded. Limit: '800' and actual: '801'.") {
		t.Fatalf("template diagnostics %v", tds)
	}
	e := NewTemplate(tmpl, nil, Options{Deployment: deploymentAt(ScopeResourceGroup)})
	if _, ds := e.Resources(); len(ds) != 0 {
		t.Errorf("expansion repeats the limit: %v", ds)
	}
}

// BenchmarkExpandNestedDeployments expands ten inner-scope nested
// deployments of an 800-instance copy loop each (8010 resources).
func BenchmarkExpandNestedDeployments(b *testing.B) {
	doc := nestedLoops(10, 800)
	e := templateAt(b, doc, deploymentAt(ScopeResourceGroup), nil)
	b.ReportAllocs()
	for b.Loop() {
		e := NewTemplate(e.T, nil, Options{Engine: e.eng, Deployment: deploymentAt(ScopeResourceGroup)})
		rs, ds := e.Resources()
		if len(ds) != 0 || len(rs) != 8010 {
			b.Fatalf("%d resources, %v", len(rs), ds)
		}
	}
}
