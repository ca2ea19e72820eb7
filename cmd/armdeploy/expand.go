package main

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/armdeploy/armdeploy/arm"
	"github.com/armdeploy/armdeploy/evaluator"
	"github.com/armdeploy/armdeploy/templates/diag"
)

type expandOptions struct {
	IO *IOStreams
	deploymentFlags
}

func newExpandCmd(io *IOStreams) *cobra.Command {
	opts := &expandOptions{IO: io}
	opts.level = "auto"
	cmd := &cobra.Command{
		Use:   "expand -g RG -f TEMPLATE [-p PARAMS]...",
		Short: "Print the evaluated resources and outputs of a template, changing nothing",
		Long: `Expand validates the template like 'validate', then evaluates it for the given
deployment context and prints what ARM would deploy: each resource with its id,
type, name, apiVersion, evaluated body and dependencies (as ids), in template
order after copy loops and conditions, and the outputs. Values that depend on
deployed resources (reference(), list*()) print as their expression.`,
		Example: `  armdeploy expand -g rg1 -l westeurope -f quickstarts/sig-create/azuredeploy.json -p galleryName=g1 -o json`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := opts.check(cmd, args); err != nil {
				return err
			}
			return runExpand(cmd.Context(), opts)
		},
	}
	opts.register(cmd)
	return cmd
}

func runExpand(ctx context.Context, opts *expandOptions) error {
	svc := arm.New(nil, arm.Options{Now: opts.IO.Now, Random: opts.IO.Random})
	x, err := svc.Expand(ctx, opts.request(opts.IO))
	if err != nil {
		return err
	}
	if x.Failed() {
		if opts.Output != "text" {
			err = emitError(opts.IO.Out, opts.Output, errorResponse(x.Diags))
		} else {
			err = diag.WriteText(opts.IO.Err, x.Diags, x.Sources)
		}
		if err != nil {
			return err
		}
		return &exitError{exitFailed}
	}
	if err := diag.WriteText(opts.IO.Err, x.Diags, x.Sources); err != nil {
		return err
	}
	if opts.Output == "text" {
		return writeExpandText(opts.IO.Out, x)
	}
	return emit(opts.IO.Out, opts.Output, expandJSON(x))
}

// expandJSON is {"resources": [...], "outputs": {name: {type, value}}} with
// every secure value masked.
func expandJSON(ev *arm.Expansion) evaluator.Value {
	resources := make([]evaluator.Value, 0, len(ev.Resources))
	for _, r := range ev.Resources {
		resources = append(resources, resourceJSON(r))
	}
	outputs := evaluator.NewObject(len(ev.Outputs))
	for _, o := range ev.Outputs {
		entry := evaluator.NewObject(2)
		entry.Set("type", evaluator.String(o.Type))
		if !o.Secure {
			entry.Set("value", masked(o.Value))
		}
		outputs.Set(o.Name, evaluator.ObjectValue(entry))
	}
	root := evaluator.NewObject(2)
	root.Set("resources", evaluator.Array(resources))
	root.Set("outputs", evaluator.ObjectValue(outputs))
	return evaluator.ObjectValue(root)
}

func resourceJSON(r *evaluator.Resource) evaluator.Value {
	o := evaluator.NewObject(8 + r.Fields.Len())
	o.Set("id", evaluator.String(r.ID))
	o.Set("type", evaluator.String(r.Type))
	o.Set("name", evaluator.String(r.Name))
	o.Set("apiVersion", evaluator.String(r.APIVersion))
	if v, ok := r.Fields.Get("location"); ok {
		o.Set("location", masked(v))
	}
	for i := range r.Fields.Len() {
		k := r.Fields.KeyAt(i)
		if strings.EqualFold(k, "location") || strings.EqualFold(k, "properties") {
			continue
		}
		o.Set(k, masked(r.Fields.ValueAt(i)))
	}
	if v, ok := r.Fields.Get("properties"); ok {
		o.Set("properties", masked(v))
	}
	if r.Existing {
		o.Set("existing", evaluator.Bool(true))
	}
	deps := make([]evaluator.Value, len(r.DependsOn))
	for i, d := range r.DependsOn {
		deps[i] = evaluator.String(d)
	}
	o.Set("dependsOn", evaluator.Array(deps))
	return evaluator.ObjectValue(o)
}

// secureMark stands in for a secure value: never shown, never null.
const secureMark = "*****"

// masked replaces every secure value with [secureMark].
func masked(v evaluator.Value) evaluator.Value {
	switch {
	case !v.HasSecure():
		return v
	case v.Secure():
		return evaluator.String(secureMark)
	}
	if elems, ok := v.AsArray(); ok {
		out := make([]evaluator.Value, len(elems))
		for i, e := range elems {
			out[i] = masked(e)
		}
		return evaluator.Array(out)
	}
	if o, ok := v.AsObject(); ok {
		out := evaluator.NewObject(o.Len())
		for i := range o.Len() {
			out.Set(o.KeyAt(i), masked(o.ValueAt(i)))
		}
		return evaluator.ObjectValue(out)
	}
	return v
}

func writeExpandText(w io.Writer, ev *arm.Expansion) error {
	var b strings.Builder
	fmt.Fprintf(&b, "Resources (%d):\n", len(ev.Resources))
	for _, r := range ev.Resources {
		fmt.Fprintf(&b, "  %s\n    type: %s [%s]\n", r.ID, r.Type, r.APIVersion)
		if v, ok := r.Fields.Get("location"); ok {
			fmt.Fprintf(&b, "    location: %s\n", evaluator.FormatText(masked(v)))
		}
		for _, d := range r.DependsOn {
			fmt.Fprintf(&b, "    dependsOn: %s\n", d)
		}
	}
	fmt.Fprintf(&b, "Outputs (%d):\n", len(ev.Outputs))
	for _, o := range ev.Outputs {
		if o.Secure {
			fmt.Fprintf(&b, "  %s (%s): (secure)\n", o.Name, o.Type)
			continue
		}
		fmt.Fprintf(&b, "  %s (%s): %s\n", o.Name, o.Type, masked(o.Value).JSON())
	}
	_, err := io.WriteString(w, b.String())
	return err
}
