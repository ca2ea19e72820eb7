// Package dag is a small directed-graph library: vertices named by strings,
// edges meaning "depends on", cycle detection with Tarjan's algorithm,
// topological order and DOT/Mermaid/text renderings. It knows nothing about
// resources.
//
// Edge direction is a convention the rest of armdeploy relies on:
// Connect(a, b) means "a depends on b", so b comes first in
// [Graph.TopologicalOrder].
package dag

import (
	"container/heap"
	"fmt"
	"slices"
	"strings"
)

// Graph is a directed graph. Vertices keep the order they were added in,
// and every listing of the graph follows that order, so output is stable.
// A Graph is not safe for concurrent modification.
type Graph struct {
	names []string
	label []string
	index map[string]int
	deps  [][]int // deps[v]: the vertices v depends on, in insertion order
	users [][]int // users[v]: the vertices that depend on v
}

// New returns an empty graph.
func New() *Graph { return &Graph{index: map[string]int{}} }

// Add adds a vertex (once) and returns its index. label is what renderings
// show; the first label given wins.
func (g *Graph) Add(name, label string) int {
	if i, ok := g.index[name]; ok {
		return i
	}
	i := len(g.names)
	g.names = append(g.names, name)
	g.label = append(g.label, label)
	g.deps = append(g.deps, nil)
	g.users = append(g.users, nil)
	g.index[name] = i
	return i
}

// Len returns the number of vertices.
func (g *Graph) Len() int { return len(g.names) }

// Name returns the name of vertex i.
func (g *Graph) Name(i int) string { return g.names[i] }

// Label returns the label of vertex i.
func (g *Graph) Label(i int) string { return g.label[i] }

// Index returns the index of a vertex, or -1.
func (g *Graph) Index(name string) int {
	if i, ok := g.index[name]; ok {
		return i
	}
	return -1
}

// Connect records that from depends on to. Both must have been added.
// Repeated edges are kept once.
func (g *Graph) Connect(from, to int) {
	if slices.Contains(g.deps[from], to) {
		return
	}
	g.deps[from] = append(g.deps[from], to)
	g.users[to] = append(g.users[to], from)
}

// DependsOn returns the vertices i depends on, in the order they were
// connected. The slice must not be modified.
func (g *Graph) DependsOn(i int) []int { return g.deps[i] }

// Dependents returns the vertices that depend on i.
func (g *Graph) Dependents(i int) []int { return g.users[i] }

// Cycles returns every cycle: each strongly connected component with more
// than one vertex, and each vertex that depends on itself. A cycle lists its
// vertices in dependency order (each depends on the next, the last on the
// first), rotated to start at the earliest-added vertex; cycles are ordered
// by that vertex. O(V+E).
func (g *Graph) Cycles() [][]int {
	var out [][]int
	for _, scc := range g.strongComponents() {
		out = append(out, g.cycleThrough(scc))
	}
	slices.SortFunc(out, func(a, b []int) int { return a[0] - b[0] })
	return out
}

// cycleThrough walks one cycle inside a strongly connected component,
// starting at its earliest vertex and following, at each step, the earliest
// dependency that stays in the component and leads back to the start.
func (g *Graph) cycleThrough(scc []int) []int {
	in := map[int]bool{}
	start := scc[0]
	for _, v := range scc {
		in[v] = true
		start = min(start, v)
	}
	// Breadth-first search from start's dependencies back to start gives a
	// shortest cycle, which is the clearest one to show.
	prev := map[int]int{}
	queue := []int{start}
	seen := map[int]bool{start: true}
	for len(queue) > 0 {
		v := queue[0]
		queue = queue[1:]
		for _, d := range g.deps[v] {
			if !in[d] {
				continue
			}
			if d == start {
				path := []int{v}
				for v != start {
					v = prev[v]
					path = append(path, v)
				}
				slices.Reverse(path)
				return path
			}
			if !seen[d] {
				seen[d] = true
				prev[d] = v
				queue = append(queue, d)
			}
		}
	}
	return []int{start}
}

// strongComponents is Tarjan's algorithm, iterative so that deep graphs
// cannot exhaust the stack. It returns only the components that can hold a
// cycle: those of several vertices, and single vertices with a self-edge.
func (g *Graph) strongComponents() [][]int {
	n := len(g.names)
	index := make([]int, n)
	low := make([]int, n)
	onStack := make([]bool, n)
	for i := range index {
		index[i] = -1
	}
	var out [][]int
	sccStack := make([]int, 0, 16)
	next := 0
	type frame struct{ v, edge int }
	for root := range n {
		if index[root] >= 0 {
			continue
		}
		work := []frame{{root, 0}}
		index[root], low[root] = next, next
		next++
		sccStack = append(sccStack, root)
		onStack[root] = true
		for len(work) > 0 {
			f := &work[len(work)-1]
			if f.edge < len(g.deps[f.v]) {
				w := g.deps[f.v][f.edge]
				f.edge++
				if index[w] < 0 {
					index[w], low[w] = next, next
					next++
					sccStack = append(sccStack, w)
					onStack[w] = true
					work = append(work, frame{w, 0})
				} else if onStack[w] {
					low[f.v] = min(low[f.v], index[w])
				}
				continue
			}
			v := f.v
			work = work[:len(work)-1]
			if len(work) > 0 {
				p := work[len(work)-1].v
				low[p] = min(low[p], low[v])
			}
			if low[v] == index[v] {
				top := len(sccStack) - 1
				if sccStack[top] == v {
					// A single vertex: a cycle only if it depends on itself.
					sccStack = sccStack[:top]
					onStack[v] = false
					if slices.Contains(g.deps[v], v) {
						out = append(out, []int{v})
					}
					continue
				}
				var scc []int
				for {
					w := sccStack[len(sccStack)-1]
					sccStack = sccStack[:len(sccStack)-1]
					onStack[w] = false
					scc = append(scc, w)
					if w == v {
						break
					}
				}
				out = append(out, scc)
			}
		}
	}
	return out
}

// CycleError reports the cycles of a graph.
type CycleError struct {
	Graph  *Graph
	Cycles [][]int
}

func (e *CycleError) Error() string {
	parts := make([]string, len(e.Cycles))
	for i, c := range e.Cycles {
		names := make([]string, 0, len(c)+1)
		for _, v := range c {
			names = append(names, e.Graph.label[v])
		}
		names = append(names, e.Graph.label[c[0]])
		parts[i] = strings.Join(names, " -> ")
	}
	return "dependency cycle: " + strings.Join(parts, "; ")
}

// TopologicalOrder returns every vertex after the vertices it depends on;
// among vertices that are ready together, the earlier-added comes first.
// It fails with a *CycleError when the graph has a cycle. O(V log V + E).
func (g *Graph) TopologicalOrder() ([]int, error) {
	if cs := g.Cycles(); len(cs) > 0 {
		return nil, &CycleError{Graph: g, Cycles: cs}
	}
	waiting := make([]int, len(g.names))
	var ready []int
	for v := range g.names {
		waiting[v] = len(g.deps[v])
		if waiting[v] == 0 {
			ready = append(ready, v)
		}
	}
	h := intHeap(ready)
	heap.Init(&h)
	out := make([]int, 0, len(g.names))
	for h.Len() > 0 {
		v := heap.Pop(&h).(int)
		out = append(out, v)
		for _, u := range g.users[v] {
			waiting[u]--
			if waiting[u] == 0 {
				heap.Push(&h, u)
			}
		}
	}
	return out, nil
}

// intHeap is a min-heap of vertex indexes.
type intHeap []int

func (h intHeap) Len() int           { return len(h) }
func (h intHeap) Less(i, j int) bool { return h[i] < h[j] }
func (h intHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *intHeap) Push(x any)        { *h = append(*h, x.(int)) }
func (h *intHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

// Dot renders the graph in Graphviz DOT, edges pointing from a vertex to
// what it depends on.
func (g *Graph) Dot() string {
	var b strings.Builder
	b.WriteString("digraph dependencies {\n  rankdir=BT;\n  node [shape=box];\n")
	for i, l := range g.label {
		fmt.Fprintf(&b, "  n%d [label=%q];\n", i, l)
	}
	for v, ds := range g.deps {
		for _, d := range ds {
			fmt.Fprintf(&b, "  n%d -> n%d;\n", v, d)
		}
	}
	b.WriteString("}\n")
	return b.String()
}

// Mermaid renders the graph as a Mermaid flowchart.
func (g *Graph) Mermaid() string {
	var b strings.Builder
	b.WriteString("flowchart BT\n")
	for i, l := range g.label {
		fmt.Fprintf(&b, "  n%d[\"%s\"]\n", i, strings.ReplaceAll(l, `"`, "#quot;"))
	}
	for v, ds := range g.deps {
		for _, d := range ds {
			fmt.Fprintf(&b, "  n%d --> n%d\n", v, d)
		}
	}
	return b.String()
}

// Text renders one line per vertex in topological order (or insertion
// order when there is a cycle) with what it depends on indented below.
func (g *Graph) Text() string {
	order, err := g.TopologicalOrder()
	if err != nil {
		order = make([]int, len(g.names))
		for i := range order {
			order[i] = i
		}
	}
	var b strings.Builder
	for _, v := range order {
		b.WriteString(g.label[v] + "\n")
		for _, d := range g.deps[v] {
			b.WriteString("  depends on " + g.label[d] + "\n")
		}
	}
	return b.String()
}
