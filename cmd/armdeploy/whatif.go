package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/armdeploy/armdeploy/cmd/armdeploy/tui"
	"github.com/armdeploy/armdeploy/planner"
	"github.com/armdeploy/armdeploy/state"
	"github.com/armdeploy/armdeploy/templates/diag"
)

type whatIfOptions struct {
	IO *IOStreams
	deploymentFlags
	store         storeFlag
	Mode          string
	ResultFormat  string
	Exclude       []string
	DetailedExit  bool
	Interactive   bool
	locationGiven bool
}

func init() { commands = append(commands, newWhatIfCmd) }

func newWhatIfCmd(io *IOStreams) *cobra.Command {
	opts := &whatIfOptions{IO: io}
	cmd := &cobra.Command{
		Use:   "what-if -g RG -f TEMPLATE [-p PARAMS]... [--mode Incremental|Complete]",
		Short: "Preview what a deployment would change, as az deployment group what-if does",
		Long: `What-if expands the template and compares every resource with the local state:
Create, Modify (with the property changes), NoChange, Deploy (when only the
deployment can tell), and in Complete mode Delete (Ignore in Incremental mode)
for resources the template does not name. It diffs against what the last
deployment sent, not against what the provider filled in, so re-running an
unchanged template shows NoChange everywhere.`,
		Example: `  armdeploy what-if -g demo -f quickstarts/sig-create/azuredeploy.json -p galleryName=g1
  armdeploy what-if -g demo -f main.json --exclude-change-types NoChange Ignore --detailed-exit-code`,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.locationGiven = cmd.Flags().Changed("location")
			// az takes "-x NoChange Ignore": change-type names among the
			// positional arguments belong to --exclude-change-types.
			args = slices.DeleteFunc(args, func(a string) bool {
				if slices.ContainsFunc(changeTypes, func(c string) bool { return strings.EqualFold(c, a) }) {
					opts.Exclude = append(opts.Exclude, a)
					return true
				}
				return false
			})
			if err := opts.check(args); err != nil {
				return err
			}
			if err := checkMode(opts.Mode); err != nil {
				return err
			}
			switch strings.ToLower(opts.ResultFormat) {
			case "fullresourcepayloads", "resourceidonly":
			default:
				return usagef("unknown result format %q: use FullResourcePayloads or ResourceIdOnly", opts.ResultFormat)
			}
			for _, x := range opts.Exclude {
				if !slices.ContainsFunc(changeTypes, func(c string) bool { return strings.EqualFold(c, x) }) {
					return usagef("unknown change type %q: use %s", x, strings.Join(changeTypes, ", "))
				}
			}
			return runWhatIf(cmd, opts)
		},
	}
	opts.register(cmd)
	opts.store.register(cmd)
	fl := cmd.Flags()
	fl.StringVar(&opts.Mode, "mode", "Incremental", "Incremental or Complete")
	fl.StringVarP(&opts.ResultFormat, "result-format", "r", "FullResourcePayloads", "FullResourcePayloads or ResourceIdOnly")
	fl.StringSliceVarP(&opts.Exclude, "exclude-change-types", "x", nil, "change types to leave out: "+strings.Join(changeTypes, ", "))
	fl.BoolVar(&opts.DetailedExit, "detailed-exit-code", false, "exit 2 when there are changes (0 when none)")
	fl.BoolVarP(&opts.Interactive, "interactive", "i", false, "browse the changes in a terminal view, then choose whether to deploy")
	return cmd
}

var changeTypes = []string{"Create", "Delete", "Deploy", "Ignore", "Modify", "NoChange", "Unsupported"}

func checkMode(m string) error {
	if !strings.EqualFold(m, "Incremental") && !strings.EqualFold(m, "Complete") {
		return usagef("unknown mode %q: use Incremental or Complete", m)
	}
	return nil
}

func runWhatIf(cmd *cobra.Command, opts *whatIfOptions) error {
	ctx := cmd.Context()
	st, err := opts.store.open()
	if err != nil {
		return err
	}
	defer st.Close()
	g, err := resolveGroup(ctx, st, &opts.deploymentFlags, false, opts.locationGiven)
	if err != nil {
		return err
	}
	if err := authorize(ctx, st, opts.IO.Principal, "read", g.ID()); err != nil {
		return err
	}
	l, err := load(&opts.deploymentFlags)
	if err != nil {
		return err
	}
	resolver := &planner.Resolver{Store: st, Ctx: ctx}
	ev := evaluateWith(l, &opts.deploymentFlags, opts.IO, resolver)
	if l.Diags.HasErrors() {
		return reportInvalid(opts.IO, l, opts.Output)
	}
	if err := diag.WriteText(opts.IO.Err, l.Diags, l.Sources); err != nil {
		return err
	}
	res, err := whatIf(ctx, st, ev, planner.WhatIfOptions{
		Complete: strings.EqualFold(opts.Mode, "Complete"), IDsOnly: strings.EqualFold(opts.ResultFormat, "ResourceIdOnly"),
		SubscriptionID: opts.Subscription, ResourceGroup: opts.ResourceGroup})
	if err != nil {
		return err
	}
	res.Properties.Changes = slices.DeleteFunc(res.Properties.Changes, func(c planner.Change) bool {
		return slices.ContainsFunc(opts.Exclude, func(x string) bool { return strings.EqualFold(x, string(c.ChangeType)) })
	})
	if opts.Interactive && isTerminal(opts.IO.Err) {
		ok, err := tui.BrowseWhatIf(keyboard(opts.IO.In), opts.IO.Err, res, tui.Options{NoColor: !useColor(opts.IO.Err), Now: opts.IO.Now})
		if err != nil || !ok {
			return err
		}
		st.Close()
		return runDeploy(cmd.Context(), &deployOptions{IO: opts.IO, deploymentFlags: opts.deploymentFlags, store: opts.store,
			Mode: opts.Mode, Parallelism: 10, Simulate: "instant", Speed: 1, LockTimeout: 30 * time.Second, locationGiven: opts.locationGiven})
	}
	if opts.Output != "text" {
		err = emit(opts.IO.Out, opts.Output, res)
	} else {
		err = planner.WriteText(opts.IO.Out, res, useColor(opts.IO.Out))
	}
	if err != nil {
		return err
	}
	if opts.DetailedExit && hasChanges(res) {
		return &exitError{exitUsage}
	}
	return nil
}

// whatIf compares the expansion with the store. reference() to a resource
// the deployment creates or modifies cannot be answered from the store
// (the value is about to change), so the template is evaluated again with
// those resources unknown until the set of changed resources settles.
func whatIf(ctx context.Context, st state.Store, ev *evaluated, opts planner.WhatIfOptions) (*planner.WhatIfResult, error) {
	res, err := planner.WhatIf(ctx, ev.Resources, st, opts)
	for round := 0; err == nil && round < 3; round++ {
		changing := map[string]bool{}
		for _, c := range res.Properties.Changes {
			if c.ChangeType == planner.Create || c.ChangeType == planner.Modify || c.ChangeType == planner.Deploy {
				changing[strings.ToLower(c.ResourceID)] = true
			}
		}
		if len(changing) == 0 {
			break
		}
		ev.Eval.SetResolver(&planner.Resolver{Store: st, Ctx: ctx, Pending: func(id string) bool { return changing[strings.ToLower(id)] }})
		rs, ds := ev.Eval.Resources()
		if ds.HasErrors() {
			break
		}
		again, err2 := planner.WhatIf(ctx, rs, st, opts)
		if err2 != nil {
			return nil, err2
		}
		same := sameChanges(res, again)
		res, ev.Resources = again, rs
		if same {
			break
		}
	}
	return res, err
}

// sameChanges reports whether two what-ifs change the same resources in
// the same way.
func sameChanges(a, b *planner.WhatIfResult) bool {
	if len(a.Properties.Changes) != len(b.Properties.Changes) {
		return false
	}
	for i := range a.Properties.Changes {
		if a.Properties.Changes[i].ResourceID != b.Properties.Changes[i].ResourceID ||
			a.Properties.Changes[i].ChangeType != b.Properties.Changes[i].ChangeType {
			return false
		}
	}
	return true
}

// hasChanges reports whether a what-if would change anything.
func hasChanges(res *planner.WhatIfResult) bool {
	for _, c := range res.Properties.Changes {
		switch c.ChangeType {
		case planner.NoChange, planner.Ignore:
		default:
			return true
		}
	}
	return false
}

// reportInvalid prints the errors of a template that cannot be evaluated.
func reportInvalid(io *IOStreams, l *loaded, output string) error {
	var err error
	if output != "text" {
		err = emit(io.Out, output, errorResponse(l.Diags))
	} else {
		err = diag.WriteText(io.Err, l.Diags, l.Sources)
		if err == nil {
			_, err = fmt.Fprintf(io.Err, "the template is not valid: %s.\n", summary(l.Diags))
		}
	}
	if err != nil {
		return err
	}
	return &exitError{exitFailed}
}

// useColor reports whether output to w should be coloured: a terminal, and
// NO_COLOR unset.
func useColor(w any) bool {
	return os.Getenv("NO_COLOR") == "" && isTerminal(w)
}

// isTerminal reports whether a stream is a terminal.
func isTerminal(x any) bool {
	f, ok := x.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// keyboard is the input of an interactive view: stdin when it is a
// terminal, else nothing (a pipe must not be read as key presses).
func keyboard(in io.Reader) io.Reader {
	if isTerminal(in) {
		return in
	}
	return nil
}
