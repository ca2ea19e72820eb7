package main

import (
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/charmbracelet/x/term"
	"github.com/spf13/cobra"

	"github.com/armdeploy/armdeploy/arm"
	"github.com/armdeploy/armdeploy/cmd/armdeploy/tui"
	"github.com/armdeploy/armdeploy/planner"
	"github.com/armdeploy/armdeploy/templates"
	"github.com/armdeploy/armdeploy/templates/diag"
	"github.com/armdeploy/armdeploy/views"
)

type whatIfOptions struct {
	IO *IOStreams
	deploymentFlags
	store        storeFlag
	Mode         string
	ResultFormat string
	Exclude      []string
	DetailedExit bool
	Interactive  bool
}

func init() { commands = append(commands, newWhatIfCmd) }

func newWhatIfCmd(io *IOStreams) *cobra.Command { return whatIfCmd(io, "group") }

// whatIfCmd is what-if at a scope level (group, sub, mg, tenant).
func whatIfCmd(io *IOStreams, level string) *cobra.Command {
	opts := &whatIfOptions{IO: io}
	opts.level = level
	cmd := &cobra.Command{
		Use:   "what-if -g RG -f TEMPLATE [-p PARAMS]... [--mode Incremental|Complete]",
		Short: "Preview what a deployment would change, as az deployment group what-if does",
		Long: `What-if expands the template and compares every resource with the local state:
Create, Modify (with the property changes), NoChange, Deploy (when only the
deployment can tell), and in Complete mode Delete (Ignore in Incremental mode)
for resources the template does not name. It diffs against what the last
deployment sent, not against what the provider filled in, so re-running an
unchanged template shows NoChange everywhere.

The target group must exist, as for az's what-if (ResourceGroupNotFound); with
-l LOCATION a missing group is previewed as deploy -l would create it.

Exit codes: 0 success, 1 error, 2 usage error. With --detailed-exit-code, as
terraform plan -detailed-exitcode: 0 no changes, 2 changes, 1 any error
(usage errors included).`,
		Example: `  armdeploy what-if -g demo -f quickstarts/sig-create/azuredeploy.json -p galleryName=g1
  armdeploy what-if -g demo -f main.json --exclude-change-types NoChange Ignore --detailed-exit-code`,
		RunE: func(cmd *cobra.Command, args []string) error {
			// az takes "-x NoChange Ignore": change-type names among the
			// positional arguments belong to --exclude-change-types.
			args = slices.DeleteFunc(args, func(a string) bool {
				if slices.ContainsFunc(changeTypes, func(c string) bool { return strings.EqualFold(c, a) }) {
					opts.Exclude = append(opts.Exclude, a)
					return true
				}
				return false
			})
			if err := opts.check(cmd, args); err != nil {
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
	opts.registerValidationLevel(cmd)
	opts.store.register(cmd)
	fl := cmd.Flags()
	fl.StringVar(&opts.Mode, "mode", "Incremental", "Incremental or Complete")
	fl.StringVarP(&opts.ResultFormat, "result-format", "r", "FullResourcePayloads", "FullResourcePayloads or ResourceIdOnly")
	fl.StringSliceVarP(&opts.Exclude, "exclude-change-types", "x", nil, "change types to leave out: "+strings.Join(changeTypes, ", "))
	fl.BoolVar(&opts.DetailedExit, "detailed-exit-code", false, "exit 0 when there are no changes, 2 when there are, 1 on any error (usage errors too), as terraform plan -detailed-exitcode")
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
	svc, err := service(ctx, opts.store.Path, opts.IO, true)
	if err != nil {
		return err
	}
	defer svc.Close()
	req := opts.request(opts.IO)
	req.Mode = opts.Mode
	req.CreateGroup = opts.locationGiven // as deploy: -l plans creating a missing group
	req.WhatIf.IDsOnly = strings.EqualFold(opts.ResultFormat, "ResourceIdOnly")
	out, err := svc.WhatIf(ctx, req)
	if err != nil {
		return opts.groupHint(err)
	}
	if out.Failed() {
		return reportInvalid(opts.IO, out.Diags, out.Sources, opts.Output)
	}
	if err := diag.WriteText(opts.IO.Err, out.Diags, out.Sources); err != nil {
		return err
	}
	res := out.Result
	res.Properties.Changes = slices.DeleteFunc(res.Properties.Changes, func(c planner.Change) bool {
		return slices.ContainsFunc(opts.Exclude, func(x string) bool { return strings.EqualFold(x, string(c.ChangeType)) })
	})
	if opts.Interactive && interactiveTerminal(opts.IO) {
		ok, err := tui.BrowseWhatIf(keyboard(opts.IO.In), opts.IO.Err, res, tui.Options{NoColor: !useColor(opts.IO.Err), Now: opts.IO.Now})
		if err != nil || !ok {
			return err
		}
		svc.Close()
		return runDeploy(cmd.Context(), &deployOptions{IO: opts.IO, deploymentFlags: opts.deploymentFlags, store: opts.store,
			Mode: opts.Mode, Parallelism: 10, Simulate: "instant", Speed: 1, LockTimeout: 30 * time.Second})
	}
	if opts.Output != "text" {
		err = emit(opts.IO.Out, opts.Output, res)
	} else {
		err = views.WriteText(opts.IO.Out, res, useColor(opts.IO.Out))
	}
	if err != nil {
		return err
	}
	if opts.DetailedExit && arm.HasChanges(res) {
		return &exitError{exitChanges}
	}
	return nil
}

// reportInvalid prints the errors of a template that cannot be evaluated.
func reportInvalid(io *IOStreams, ds diag.Diagnostics, src templates.Sources, output string) error {
	var err error
	if output != "text" {
		err = emitError(io.Out, output, errorResponse(ds))
	} else {
		err = diag.WriteText(io.Err, ds, src)
		if err == nil {
			_, err = fmt.Fprintf(io.Err, "the template is not valid: %s.\n", summary(ds))
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

// isTerminal reports whether a stream is a terminal: a tty, not merely a
// character device (/dev/null is one, and "< /dev/null" must not start a
// TUI).
func isTerminal(x any) bool {
	f, ok := x.(*os.File)
	return ok && term.IsTerminal(f.Fd())
}

// interactiveTerminal reports whether a TUI may run: stdin and stderr
// (where it renders) are both terminals. Otherwise (a pipe, CI, "< /dev/null"
// in a script run on a terminal) the commands print plain lines and send no
// escape sequence at all.
func interactiveTerminal(io *IOStreams) bool {
	return isTerminal(io.In) && isTerminal(io.Err)
}

// keyboard is the input of an interactive view: stdin when it is a
// terminal, else nothing (a pipe must not be read as key presses).
func keyboard(in io.Reader) io.Reader {
	if isTerminal(in) {
		return in
	}
	return nil
}
