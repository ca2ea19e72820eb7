package planner

import (
	"fmt"
	"strings"

	"github.com/armdeploy/armdeploy/evaluator"
	"github.com/armdeploy/armdeploy/planner/dag"
	"github.com/armdeploy/armdeploy/templates"
	"github.com/armdeploy/armdeploy/templates/diag"
)

// shortID drops the scope prefix of an id: what is left after its last
// "/providers/" is the part a reader needs in a graph.
func shortID(id string) string {
	if i := strings.LastIndex(strings.ToLower(id), "/providers/"); i >= 0 {
		return id[i+len("/providers/"):]
	}
	return id
}

// Graph builds the dependency graph of expanded resources: one vertex per
// resource, named by its lower-cased id and labelled with its id without
// the scope prefix, and an
// edge for each of its dependsOn ids. Resources declared twice with the same
// id and dependency cycles are reported in ARM's words, each cycle with the
// position of every member.
func Graph(rs []*evaluator.Resource) (*dag.Graph, diag.Diagnostics) {
	var ds diag.Diagnostics
	g := dag.New()
	decl := map[int]*evaluator.Resource{}
	for _, r := range rs {
		key := strings.ToLower(r.ID)
		if i := g.Index(key); i >= 0 {
			first := decl[i].Decl.Node.Range().Start
			ds = append(ds, diag.Diagnostic{Severity: diag.Error, Code: templates.CodeInvalidTemplate,
				Range: r.Decl.Node.Range(), Target: templates.PathOf(r.Decl.Pointer),
				Message: fmt.Sprintf("The resource '%s' is defined multiple times in a template (first at line '%d' and column '%d'). Please see https://aka.ms/arm-syntax-resources for usage details.",
					r.ID, first.Line, first.Col)})
			continue
		}
		decl[g.Add(key, shortID(r.ID))] = r
	}
	for _, r := range rs {
		from := g.Index(strings.ToLower(r.ID))
		if decl[from] != r {
			continue
		}
		for _, d := range r.DependsOn {
			if to := g.Index(strings.ToLower(d)); to >= 0 {
				g.Connect(from, to)
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
	return g, ds
}
