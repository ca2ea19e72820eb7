package main

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/armdeploy/armdeploy/arm"
)

// Exit codes, in one place. They follow DESIGN.md and az; with what-if's
// --detailed-exit-code they follow terraform plan -detailed-exitcode: 0 no
// changes, 1 any error (a usage error too), 2 changes.
const (
	exitOK       = 0
	exitFailed   = 1 // the deployment or validation failed
	exitUsage    = 2 // bad flags or arguments (1 with --detailed-exit-code)
	exitChanges  = 2 // what-if --detailed-exit-code: there are changes
	exitCanceled = 130
)

// usageError marks a command-line mistake (exit code 2).
type usageError struct{ err error }

func (e *usageError) Error() string { return e.err.Error() }
func (e *usageError) Unwrap() error { return e.err }

func usagef(format string, args ...any) error {
	return &usageError{fmt.Errorf(format, args...)}
}

// exitError carries an exit code chosen by a command whose output already
// said everything (for example "the template is invalid").
type exitError struct{ code int }

func (e *exitError) Error() string { return fmt.Sprintf("exit status %d", e.code) }

// IOStreams are the command's standard streams, injected so that tests run
// the CLI in-process.
type IOStreams struct {
	In       io.Reader
	Out, Err io.Writer
	// Now is the clock of utcNow() and of timestamps; Random feeds
	// newGuid(). Tests fix both.
	Now    func() time.Time
	Random io.Reader
	// Principal is the --as principal every command acts as; "" is the
	// owner of everything.
	Principal string
	// Query is the --query JMESPath expression applied to -o output.
	Query string
}

// Main runs armdeploy with args and returns the process exit code. It is
// the only place that turns errors into exit codes.
func Main(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	return run(args, &IOStreams{In: stdin, Out: stdout, Err: stderr, Now: time.Now, Random: rand.Reader})
}

// run is Main with every dependency injected.
func run(args []string, streams *IOStreams) int {
	// SIGTERM cancels as Ctrl-C does: operations in flight finish, the
	// rest are recorded Canceled, and the exit code is 130.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	root := newRootCmd(streams)
	root.SetArgs(args)
	root.SetIn(streams.In)
	root.SetOut(streams.Out)
	root.SetErr(streams.Err)
	err := root.ExecuteContext(ctx)
	return exitCode(err, streams.Err, detailedExitCode(args))
}

// detailedExitCode reports whether the command line asks for
// --detailed-exit-code, read from the arguments themselves so that it
// holds even when they fail to parse.
func detailedExitCode(args []string) bool {
	for _, a := range args {
		if a == "--" {
			break
		}
		if v, ok := strings.CutPrefix(a, "--detailed-exit-code"); ok && (v == "" || (strings.HasPrefix(v, "=") && v != "=false" && v != "=0")) {
			return true
		}
	}
	return false
}

// exitCode maps err to the exit code and prints it. With detailed (what-if
// --detailed-exit-code) a usage error exits 1, Terraform's rule: 2 means
// changes only, so a typo is never taken for a change.
func exitCode(err error, stderr io.Writer, detailed bool) int {
	if err == nil {
		return exitOK
	}
	var ee *exitError
	if errors.As(err, &ee) {
		return ee.code
	}
	var ae *arm.Error
	if errors.As(err, &ae) && ae.BadRequest {
		err = &usageError{errors.New(ae.Message)}
	}
	var ue *usageError
	if errors.As(err, &ue) {
		fmt.Fprintf(stderr, "armdeploy: %v\nRun 'armdeploy --help' for usage.\n", err)
		if detailed {
			return exitFailed
		}
		return exitUsage
	}
	if errors.Is(err, context.Canceled) {
		fmt.Fprintln(stderr, "armdeploy: canceled")
		return exitCanceled
	}
	fmt.Fprintf(stderr, "armdeploy: %v\n", err)
	return exitFailed
}

// commands are the command groups that register themselves from their own
// files (group, resource, deployment, state, cost ...), in file order.
var commands []func(*IOStreams) *cobra.Command

func newRootCmd(io *IOStreams) *cobra.Command {
	root := &cobra.Command{
		Use:   "armdeploy",
		Short: "An offline Azure Resource Manager deployment engine",
		Long: `armdeploy validates, expands, previews and deploys Azure Resource Manager
templates (JSON, JSON with comments, YAML) against a local, file-backed
simulation of Azure. Flags follow 'az deployment group'.

Output: -o text (the default, for people), json, yaml, tsv or table (az's
formats), and --query JMESPATH to select from the JSON, as in az.

Exit codes: 0 success, 1 error (the template, a deployment or an operation
failed), 2 usage error (a bad flag or argument), 130 canceled (Ctrl-C or
SIGTERM). With what-if --detailed-exit-code, as terraform plan
-detailed-exitcode: 0 no changes, 2 changes, 1 any error (usage errors
included).`,
		Example: `  armdeploy deploy -g demo -l eastus -f quickstarts/sig-create/azuredeploy.json -p galleryName=gallery1
  armdeploy resource list -g demo --query "[].name" -o tsv
  armdeploy --version`,
		Version:       buildVersion().String(),
		SilenceErrors: true,
		SilenceUsage:  true,
		PersistentPreRunE: func(cmd *cobra.Command, _ []string) error {
			return setupQuery(cmd, io, io.Query)
		},
	}
	root.SetVersionTemplate("{{.Version}}\n")
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return &usageError{err} })
	root.PersistentFlags().StringVar(&io.Principal, "as", "", "act as this principal: role assignments decide what it may read and write")
	root.PersistentFlags().StringVar(&io.Query, "query", "", "JMESPath query applied to the -o json|yaml|tsv|table output (implies -o json when -o is not given), as in az")
	root.AddCommand(newValidateCmd(io), newExpandCmd(io), newGraphCmd(io), newVersionCmd(io))
	for _, f := range commands {
		root.AddCommand(f(io))
	}
	// Unknown commands and bad positional arguments are usage errors too.
	for _, c := range root.Commands() {
		c.SetFlagErrorFunc(root.FlagErrorFunc())
	}
	addExamples(root)
	registerCompletions(root)
	root.Args = func(_ *cobra.Command, args []string) error {
		if len(args) > 0 {
			return usagef("unknown command %q", args[0])
		}
		return nil
	}
	root.RunE = func(cmd *cobra.Command, _ []string) error { return cmd.Help() }
	return root
}
