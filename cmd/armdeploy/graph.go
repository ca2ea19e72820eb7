package main

import (
	"io"

	"github.com/spf13/cobra"

	"github.com/armdeploy/armdeploy/templates/diag"
)

type graphOptions struct {
	IO *IOStreams
	deploymentFlags
	Format string
}

func newGraphCmd(io *IOStreams) *cobra.Command {
	opts := &graphOptions{IO: io}
	cmd := &cobra.Command{
		Use:   "graph -g RG -f TEMPLATE [-p PARAMS]... [--format dot|mermaid|text]",
		Short: "Print the dependency graph of a template's resources",
		Long: `Graph expands the template like 'expand' and prints the dependency graph of its
resources: DOT for Graphviz, a Mermaid flowchart, or text in deployment order.
Edges point from a resource to what it depends on.`,
		Example: `  armdeploy graph -g demo -f quickstarts/gallery-pipeline/azuredeploy.json -p @quickstarts/gallery-pipeline/azuredeploy.parameters.json --format dot | dot -Tsvg > graph.svg`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := opts.check(args); err != nil {
				return err
			}
			switch opts.Format {
			case "dot", "mermaid", "text":
			default:
				return usagef("unknown graph format %q: use dot, mermaid or text", opts.Format)
			}
			return runGraph(opts)
		},
	}
	opts.register(cmd)
	cmd.Flags().StringVar(&opts.Format, "format", "text", "dot, mermaid or text")
	return cmd
}

func runGraph(opts *graphOptions) error {
	l, err := load(&opts.deploymentFlags)
	if err != nil {
		return err
	}
	ev := evaluate(l, &opts.deploymentFlags, opts.IO)
	if err := diag.WriteText(opts.IO.Err, l.Diags, l.Sources); err != nil {
		return err
	}
	if l.Diags.HasErrors() {
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
