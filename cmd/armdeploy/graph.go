package main

import (
	"context"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/armdeploy/armdeploy/arm"
	"github.com/armdeploy/armdeploy/evaluator"
	"github.com/armdeploy/armdeploy/planner/dag"
	"github.com/armdeploy/armdeploy/templates/diag"
)

type graphOptions struct {
	IO *IOStreams
	deploymentFlags
	Format string
}

func newGraphCmd(io *IOStreams) *cobra.Command {
	opts := &graphOptions{IO: io}
	opts.level = "auto"
	cmd := &cobra.Command{
		Use:   "graph -g RG -f TEMPLATE [-p PARAMS]... [--format dot|mermaid|text | -o json|yaml|tsv|table]",
		Short: "Print the dependency graph of a template's resources",
		Long: `Graph expands the template like 'expand' and prints the dependency graph of its
resources: DOT for Graphviz, a Mermaid flowchart, or text in deployment order.
Edges point from a resource to what it depends on. With -o json (yaml, tsv,
table) it prints the resources in deployment order, each with its id, type,
name, label and the ids it depends on.`,
		Example: `  armdeploy graph -g demo -f quickstarts/gallery-pipeline/azuredeploy.json -p @quickstarts/gallery-pipeline/azuredeploy.parameters.json --format dot | dot -Tsvg > graph.svg
  armdeploy graph -g demo -f main.json -o json --query "[].{id: id, dependsOn: dependsOn}"`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := opts.check(cmd, args); err != nil {
				return err
			}
			switch opts.Format {
			case "dot", "mermaid", "text":
			default:
				return usagef("unknown graph format %q: use dot, mermaid or text", opts.Format)
			}
			if opts.Output != "text" && cmd.Flags().Changed("format") {
				return usagef("use either --format (dot, mermaid, text) or -o %s, not both", opts.Output)
			}
			return runGraph(cmd.Context(), opts)
		},
	}
	opts.register(cmd)
	cmd.Flags().StringVar(&opts.Format, "format", "text", "dot, mermaid or text")
	return cmd
}

func runGraph(ctx context.Context, opts *graphOptions) error {
	svc := arm.New(nil, arm.Options{Now: opts.IO.Now, Random: opts.IO.Random})
	ev, err := svc.Expand(ctx, opts.request(opts.IO))
	if err != nil {
		return err
	}
	if err := diag.WriteText(opts.IO.Err, ev.Diags, ev.Sources); err != nil {
		return err
	}
	if ev.Failed() {
		return &exitError{exitFailed}
	}
	if opts.Output != "text" {
		return emit(opts.IO.Out, opts.Output, graphJSON(ev.Graph, ev.Resources))
	}
	var out string
	switch opts.Format {
	case "dot":
		out = ev.Graph.Dot()
	case "mermaid":
		out = ev.Graph.Mermaid()
	default:
		out = ev.Graph.Text()
	}
	_, err = io.WriteString(opts.IO.Out, out)
	return err
}

// graphNode is one resource of graph -o json.
type graphNode struct {
	ID        string   `json:"id"`
	Type      string   `json:"type"`
	Name      string   `json:"name"`
	Label     string   `json:"label"`
	DependsOn []string `json:"dependsOn"`
}

// graphJSON lists the graph's resources in deployment order (vertex order
// when there is a cycle), each with the ids of what it depends on.
func graphJSON(g *dag.Graph, rs []*evaluator.Resource) []graphNode {
	byKey := map[string]*evaluator.Resource{}
	for _, r := range rs {
		if !r.Existing {
			byKey[strings.ToLower(r.DeployedBy+"|"+r.ID)] = r
		}
	}
	order, err := g.TopologicalOrder()
	if err != nil {
		order = make([]int, g.Len())
		for i := range order {
			order[i] = i
		}
	}
	node := func(v int) graphNode {
		n := graphNode{ID: g.Name(v), Label: g.Label(v), DependsOn: []string{}}
		if r := byKey[g.Name(v)]; r != nil {
			n.ID, n.Type, n.Name = r.ID, r.Type, r.Name
		}
		return n
	}
	out := make([]graphNode, 0, len(order))
	for _, v := range order {
		n := node(v)
		for _, d := range g.DependsOn(v) {
			n.DependsOn = append(n.DependsOn, node(d).ID)
		}
		out = append(out, n)
	}
	return out
}
