package dag

import (
	"fmt"
	"strings"
	"testing"
)

func build(t *testing.T, edges string) *Graph {
	t.Helper()
	g := New()
	for _, e := range strings.Fields(edges) {
		from, to, ok := strings.Cut(e, ">")
		a := g.Add(from, from)
		if ok {
			g.Connect(a, g.Add(to, to))
		}
	}
	return g
}

func names(g *Graph, vs []int) string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = g.Label(v)
	}
	return strings.Join(out, ",")
}

func TestCycles(t *testing.T) {
	tests := []struct {
		name, edges string
		want        []string
	}{
		{"none", "a>b b>c a>c", nil},
		{"diamond is not a cycle", "a>b a>c b>d c>d", nil},
		{"self", "a>a b>a", []string{"a"}},
		{"two", "a>b b>a", []string{"a,b"}},
		{"three rotated to the earliest", "x c>a a>b b>c", []string{"c,a,b"}},
		{"two separate cycles", "a>b b>a c>d d>c e>a", []string{"a,b", "c,d"}},
		{"shortest cycle in a tangle", "a>b b>c c>a b>a", []string{"a,b"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := build(t, tt.edges)
			var got []string
			for _, c := range g.Cycles() {
				got = append(got, names(g, c))
			}
			if fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Errorf("Cycles() = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestTopologicalOrder(t *testing.T) {
	g := build(t, "vm>nic nic>vnet nic>pip vnet>nsg gallery image>gallery")
	order, err := g.TopologicalOrder()
	if err != nil {
		t.Fatal(err)
	}
	if got, want := names(g, order), "pip,nsg,vnet,nic,vm,gallery,image"; got != want {
		t.Errorf("order = %s, want %s", got, want)
	}
	g = build(t, "a>b b>a")
	if _, err := g.TopologicalOrder(); err == nil || err.Error() != "dependency cycle: a -> b -> a" {
		t.Errorf("err = %v", err)
	}
}

func TestRenderings(t *testing.T) {
	g := build(t, `b>a`)
	if got := g.Dot(); got != "digraph dependencies {\n  rankdir=BT;\n  node [shape=box];\n  n0 [label=\"b\"];\n  n1 [label=\"a\"];\n  n0 -> n1;\n}\n" {
		t.Errorf("Dot:\n%s", got)
	}
	if got := g.Mermaid(); got != "flowchart BT\n  n0[\"b\"]\n  n1[\"a\"]\n  n0 --> n1\n" {
		t.Errorf("Mermaid:\n%s", got)
	}
	if got := g.Text(); got != "a\nb\n  depends on a\n" {
		t.Errorf("Text:\n%s", got)
	}
}

func TestDeepChainDoesNotOverflow(t *testing.T) {
	g := New()
	prev := g.Add("v0", "v0")
	for i := 1; i < 200000; i++ {
		v := g.Add(fmt.Sprint("v", i), "")
		g.Connect(v, prev)
		prev = v
	}
	if cs := g.Cycles(); len(cs) != 0 {
		t.Fatal(cs)
	}
}

// BenchmarkBuildAndCheck builds an 800-vertex graph shaped like a large
// copy loop (each instance depends on two shared resources and its
// predecessor) and checks it for cycles.
func BenchmarkBuildAndCheck(b *testing.B) {
	ids := make([]string, 800)
	for i := range ids {
		ids[i] = fmt.Sprintf("/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/disks/disk%d", i)
	}
	b.ReportAllocs()
	for b.Loop() {
		g := New()
		vnet := g.Add("vnet", "vnet")
		nsg := g.Add("nsg", "nsg")
		prev := -1
		for _, id := range ids {
			v := g.Add(id, id)
			g.Connect(v, vnet)
			g.Connect(v, nsg)
			if prev >= 0 {
				g.Connect(v, prev)
			}
			prev = v
		}
		if _, err := g.TopologicalOrder(); err != nil {
			b.Fatal(err)
		}
	}
}
