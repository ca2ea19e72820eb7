package planner

import (
	"strings"
	"testing"

	"github.com/armdeploy/armdeploy/evaluator"
	"github.com/armdeploy/armdeploy/templates"
)

func expand(t testing.TB, doc string) []*evaluator.Resource {
	t.Helper()
	return expandWith(t, doc)
}

// expandWith expands a template with -p style parameter arguments.
func expandWith(t testing.TB, doc string, args ...string) []*evaluator.Resource {
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
	e := evaluator.NewTemplate(tmpl, &ps, evaluator.Options{Deployment: evaluator.Deployment{SubscriptionID: "s", ResourceGroup: "rg"}})
	rs, ds := e.Resources()
	if ds.HasErrors() {
		t.Fatal(ds)
	}
	return rs
}

func TestGraphCycle(t *testing.T) {
	rs := expand(t, `{"resources":[
	  {"type":"A.B/x","apiVersion":"1","name":"a","dependsOn":["b"]},
	  {"type":"A.B/x","apiVersion":"1","name":"b","dependsOn":["[resourceId('A.B/x', 'a')]"]},
	  {"type":"A.B/x","apiVersion":"1","name":"c","dependsOn":["a"]}]}`)
	_, ds := Graph(rs)
	if len(ds) != 1 {
		t.Fatalf("got %v", ds)
	}
	want := "t.json:2:4: InvalidTemplate: Circular dependency detected on resource: '/subscriptions/s/resourceGroups/rg/providers/A.B/x/a'. Please see https://aka.ms/arm-syntax-resources for usage details. The cycle is: /subscriptions/s/resourceGroups/rg/providers/A.B/x/a -> /subscriptions/s/resourceGroups/rg/providers/A.B/x/b -> /subscriptions/s/resourceGroups/rg/providers/A.B/x/a."
	if got := ds[0].Error(); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	if len(ds[0].Related) != 2 || ds[0].Related[1].Range.Start.Line != 3 {
		t.Errorf("related = %+v", ds[0].Related)
	}
}

func TestGraphDuplicateIDs(t *testing.T) {
	rs := expand(t, `{"resources":[
	  {"type":"A.B/x","apiVersion":"1","name":"a"},
	  {"type":"A.B/x","apiVersion":"1","name":"A"}]}`)
	_, ds := Graph(rs)
	if len(ds) != 1 || !strings.Contains(ds[0].Error(), "t.json:3:4: InvalidTemplate: The resource '/subscriptions/s/resourceGroups/rg/providers/A.B/x/A' is defined multiple times in a template (first at line '2' and column '4').") {
		t.Errorf("got %v", ds)
	}
}

func TestGraphLabels(t *testing.T) {
	rs := expand(t, `{"resources":[{"type":"A.B/x","apiVersion":"1","name":"a","resources":[{"type":"y","apiVersion":"1","name":"c"}]}]}`)
	g, ds := Graph(rs)
	if len(ds) != 0 {
		t.Fatal(ds)
	}
	if got := g.Text(); got != "A.B/x/a\nA.B/x/a/y/c\n  depends on A.B/x/a\n" {
		t.Errorf("got:\n%s", got)
	}
}

// A body that reads (reference, list*) or names another resource of its
// template by id is ordered after it (no dependency for ARM, but the order the apply prefers),
// unless that would make a cycle.
func TestGraphPrefersReferencedFirst(t *testing.T) {
	id := func(n string) string { return "/subscriptions/s/resourceGroups/rg/providers/A.B/x/" + n }
	tests := []struct {
		name, doc string
		from, to  string
		want      bool
	}{
		{"read by id", `{"resources":[
		  {"type":"A.B/x","apiVersion":"1","name":"a"},
		  {"type":"A.B/x","apiVersion":"1","name":"b","properties":{"v":"[reference(resourceId('A.B/x', 'a'), '1').p]"}}]}`, "b", "a", true},
		{"read by id, the other way a cycle", `{"resources":[
		  {"type":"A.B/x","apiVersion":"1","name":"a","dependsOn":["b"]},
		  {"type":"A.B/x","apiVersion":"1","name":"b","properties":{"v":"[reference(resourceId('A.B/x', 'a'), '1').p]"}}]}`, "b", "a", false},
		{"named by id", `{"resources":[
		  {"type":"A.B/x","apiVersion":"1","name":"a"},
		  {"type":"A.B/x","apiVersion":"1","name":"b","properties":{"v":[{"id":"[resourceId('A.B/x', 'a')]"}]}}]}`, "b", "a", true},
		{"a child's id names its declared parent", `{"resources":[
		  {"type":"A.B/x","apiVersion":"1","name":"a","properties":{"children":[{"name":"c"}]}},
		  {"type":"A.B/x","apiVersion":"1","name":"b","properties":{"subnet":{"id":"[resourceId('A.B/x/y', 'a', 'c')]"}}}]}`, "b", "a", true},
		{"named by id, the other way a cycle", `{"resources":[
		  {"type":"A.B/x","apiVersion":"1","name":"a","properties":{"v":"[resourceId('A.B/x', 'b')]"}},
		  {"type":"A.B/x","apiVersion":"1","name":"b","properties":{"v":"[resourceId('A.B/x', 'a')]"}}]}`, "b", "a", false},
		{"named by its name only", `{"resources":[
		  {"type":"A.B/x","apiVersion":"1","name":"a"},
		  {"type":"A.B/x","apiVersion":"1","name":"b","properties":{"v":"a"}}]}`, "b", "a", false},
		{"another provider's id", `{"resources":[
		  {"type":"A.B/x","apiVersion":"1","name":"a"},
		  {"type":"A.B/x","apiVersion":"1","name":"b","properties":{"v":"[resourceId('C.D/x', 'a')]"}}]}`, "b", "a", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src, _ := templates.Parse("t.json", []byte(tt.doc))
			tmpl, _ := templates.NewTemplate(src)
			e := evaluator.NewTemplate(tmpl, &templates.ParameterSet{}, evaluator.Options{
				Deployment: evaluator.Deployment{SubscriptionID: "s", ResourceGroup: "rg"}, Resolver: evaluator.UnknownResolver{}})
			rs, ds := e.Resources()
			if ds.HasErrors() {
				t.Fatal(ds)
			}
			p, ds := NewPlan(rs)
			if len(ds) != 0 {
				t.Fatal(ds)
			}
			from, to := p.Graph.Index("|"+strings.ToLower(id(tt.from))), p.Graph.Index("|"+strings.ToLower(id(tt.to)))
			got := false
			for _, d := range p.Graph.DependsOn(from) {
				got = got || d == to
			}
			if got != tt.want {
				t.Errorf("%s after %s: %v, want %v", tt.from, tt.to, got, tt.want)
			}
			if _, err := p.Graph.TopologicalOrder(); err != nil {
				t.Error(err)
			}
		})
	}
}
