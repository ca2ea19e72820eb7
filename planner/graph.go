package planner

import (
	"fmt"
	"slices"
	"strings"

	"github.com/armdeploy/armdeploy/evaluator"
	"github.com/armdeploy/armdeploy/planner/dag"
	"github.com/armdeploy/armdeploy/templates"
	"github.com/armdeploy/armdeploy/templates/diag"
)

// shortID drops the scope prefix of an id: what is left after its last
// "/providers/" is the part a reader needs in a graph.
func shortID(id string) string {
	if i := lastProviders(id); i >= 0 {
		return id[i+len("/providers/"):]
	}
	return id
}

// vertexKey names a resource in the graph: ids are unique within one
// template, so a resource of a nested deployment is keyed with it.
func vertexKey(r *evaluator.Resource) string {
	if r.DeployedBy == "" {
		return "|" + r.Key()
	}
	return strings.ToLower(r.DeployedBy) + "|" + r.Key()
}

// Graph builds the dependency graph of expanded resources: one vertex per
// resource to deploy (existing resources are read, not deployed, and are
// left out), labelled with its id without the scope prefix (the whole id
// where two short labels would be the same), and an edge for each of its
// dependsOn ids. A nested deployment completes after the resources of its
// template, and those start after what the deployment depends on. Resources
// declared twice with the same id in one template and dependency cycles are
// reported in ARM's words, each cycle with the position of every member.
func Graph(rs []*evaluator.Resource) (*dag.Graph, diag.Diagnostics) {
	p, ds := NewPlan(rs)
	return p.Graph, ds
}

// Plan is the dependency graph of a deployment with the resource of each
// vertex.
type Plan struct {
	Graph *dag.Graph
	// Resources holds the resource of each vertex, by vertex index.
	Resources []*evaluator.Resource
}

// NewPlan builds the plan of expanded resources; see [Graph].
func NewPlan(rs []*evaluator.Resource) (*Plan, diag.Diagnostics) {
	var ds diag.Diagnostics
	g := dag.New()
	decl := make([]*evaluator.Resource, 0, len(rs)) // by vertex
	labels := map[string]int{}
	for _, r := range rs {
		if !r.Existing {
			labels[shortID(r.Key())]++
		}
	}
	for _, r := range rs {
		if r.Existing {
			continue
		}
		key := vertexKey(r)
		if i := g.Index(key); i >= 0 {
			first := decl[i].Decl.Node.Range().Start
			ds = append(ds, diag.Diagnostic{Severity: diag.Error, Code: templates.CodeInvalidTemplate,
				Range: r.Decl.Node.Range(), Target: templates.PathOf(r.Decl.Pointer),
				Message: fmt.Sprintf("The resource '%s' is defined multiple times in a template (first at line '%d' and column '%d'). Please see https://aka.ms/arm-syntax-resources for usage details.",
					r.ID, first.Line, first.Col)})
			continue
		}
		label := shortID(r.ID)
		if labels[shortID(r.Key())] > 1 {
			label = r.ID
		}
		g.Add(key, label)
		decl = append(decl, r)
	}
	deployments := map[string]int{} // vertex key of each deployment -> vertex
	for v, r := range decl {
		if strings.EqualFold(r.Type, "Microsoft.Resources/deployments") {
			deployments[vertexKey(r)] = v
		}
	}
	for from := range g.Len() {
		r := decl[from]
		for _, d := range r.DependsOn {
			if to := g.Index(strings.ToLower(r.DeployedBy + "|" + d)); to >= 0 {
				g.Connect(from, to)
			}
		}
		if dv, ok := deployments[strings.ToLower(r.DeployedBy)]; ok {
			g.Connect(dv, from)
			for _, up := range g.DependsOn(dv) {
				if up != from && decl[up].DeployedBy != r.DeployedBy {
					g.Connect(from, up)
				}
			}
		}
	}
	for _, c := range g.Cycles() {
		first := decl[c[0]]
		chain := make([]string, 0, len(c)+1)
		var related []diag.Related
		for _, v := range c {
			r := decl[v]
			chain = append(chain, r.ID)
			related = append(related, diag.Related{Message: fmt.Sprintf("'%s' is declared here", r.Name), Range: r.Decl.Node.Range()})
		}
		chain = append(chain, first.ID)
		ds = append(ds, diag.Diagnostic{Severity: diag.Error, Code: templates.CodeInvalidTemplate,
			Range: first.Decl.Node.Range(), Target: templates.PathOf(first.Decl.Pointer), Related: related,
			Message: fmt.Sprintf("Circular dependency detected on resource: '%s'. Please see https://aka.ms/arm-syntax-resources for usage details. The cycle is: %s.",
				first.ID, strings.Join(chain, " -> "))})
	}
	if len(ds) == 0 {
		preferReferencedFirst(g, decl)
	}
	return &Plan{Graph: g, Resources: decl}, ds
}

// preferReferencedFirst orders a resource after the resources of its own
// template whose ids its body reads with reference() or list*(), where
// that makes no cycle. ARM makes only a reference by name a dependency;
// by id, whether the resource read exists yet is a matter of timing in
// Azure, where the resource read is mostly the quicker one. The
// simulation, whose operations take no time, settles that race the way
// it mostly ends, and the same way every run.
//
// The same holds for the ids a body names (a NIC's subnet, a VM's NIC):
// Azure refuses the PUT when the resource named does not exist yet, and
// a template that forgets the dependsOn deploys in Azure when the
// resource named is the quicker one. The resource named is the
// declaration whose id is the longest prefix of the id in the body (a
// subnet's id names its virtual network when the subnet is declared
// inside it).
func preferReferencedFirst(g *dag.Graph, decl []*evaluator.Resource) {
	for from := range g.Len() {
		r := decl[from]
		prefer := func(to int) {
			if to < 0 || to == from || slices.Contains(g.DependsOn(from), to) || reaches(g, to, from) {
				return
			}
			g.Connect(from, to)
		}
		for _, id := range r.RefIDs {
			// A child Azure makes with its parent (a workflow's
			// trigger) is read once the parent is there.
			prefer(declaredPrefix(g, r.DeployedBy, id))
		}
		if r.Fields == nil {
			continue
		}
		for _, id := range bodyIDs(evaluator.ObjectValue(r.Fields), nil) {
			prefer(declaredPrefix(g, r.DeployedBy, id))
		}
	}
}

// bodyIDs appends the resource ids among a value's strings (those that
// start with /subscriptions/ and name a provider).
func bodyIDs(v evaluator.Value, ids []string) []string {
	switch v.Kind() {
	case evaluator.KindString:
		s, _ := v.AsString()
		if len(s) > 15 && strings.EqualFold(s[:15], "/subscriptions/") && lastProviders(s) >= 0 {
			ids = append(ids, s)
		}
	case evaluator.KindArray:
		elems, _ := v.AsArray()
		for _, e := range elems {
			ids = bodyIDs(e, ids)
		}
	case evaluator.KindObject:
		o, _ := v.AsObject()
		for i := range o.Len() {
			ids = bodyIDs(o.ValueAt(i), ids)
		}
	}
	return ids
}

// declaredPrefix is the vertex of the declaration whose id is id or
// its nearest ancestor (a child's id without its last type and name), or
// -1.
func declaredPrefix(g *dag.Graph, deployedBy, id string) int {
	key := strings.ToLower(deployedBy + "|" + strings.TrimRight(id, "/"))
	for {
		if v := g.Index(key); v >= 0 {
			return v
		}
		// Drop the last name and type segments, but never below a
		// provider's top-level type.
		i := strings.LastIndexByte(key, '/')
		if i < 0 {
			return -1
		}
		j := strings.LastIndexByte(key[:i], '/')
		if j < 0 || strings.HasSuffix(key[:j], "/providers") || !strings.Contains(key[:j], "/providers/") {
			return -1
		}
		key = key[:j]
	}
}

// reaches reports whether vertex a depends on b, directly or not.
func reaches(g *dag.Graph, a, b int) bool {
	seen := map[int]bool{a: true}
	stack := []int{a}
	for len(stack) > 0 {
		v := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		for _, d := range g.DependsOn(v) {
			if d == b {
				return true
			}
			if !seen[d] {
				seen[d] = true
				stack = append(stack, d)
			}
		}
	}
	return false
}
