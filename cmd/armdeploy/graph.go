package main

import (
	"context"
	"io"

	"github.com/spf13/cobra"

	"github.com/armdeploy/armdeploy/arm"
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
		Use:   "graph -g RG -f TEMPLATE [-p PARAMS]... [--format dot|mermaid|text]",
		Short: "Print the dependency graph of a template's resources",
		Long: `Graph expands the template like 'expand' and prints the dependency graph of its
resources: DOT for Graphviz, a Mermaid flowchart, or text in deployment order.
Edges point from a resource to what it depends on.`,
		Example: `  armdeploy graph -g demo -f quickstarts/gallery-pipeline/azuredeploy.json -p @quickstarts/gallery-pipeline/azuredeploy.parameters.json --format dot | dot -Tsvg > graph.svg`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := opts.check(cmd, args); err != nil {
				return err
			}
			switch opts.Format {
			case "dot", "mermaid", "text":
			default:
				return usagef("unknown graph format %q: use dot, mermaid or text", opts.Format)
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
