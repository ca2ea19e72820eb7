package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/armdeploy/armdeploy/arm"
	"github.com/armdeploy/armdeploy/templates"
	"github.com/armdeploy/armdeploy/templates/diag"
)

// Exit codes, in one place. They follow DESIGN.md and az.
const (
	exitOK       = 0
	exitFailed   = 1 // the deployment or validation failed
	exitUsage    = 2 // bad flags or arguments; also what-if --detailed-exit-code with changes
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
	return exitCode(err, streams.Err)
}

func exitCode(err error, stderr io.Writer) int {
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
simulation of Azure. Flags follow 'az deployment group'.`,
		SilenceErrors: true,
		SilenceUsage:  true,
	}
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return &usageError{err} })
	root.PersistentFlags().StringVar(&io.Principal, "as", "", "act as this principal: role assignments decide what it may read and write")
	root.AddCommand(newValidateCmd(io), newExpandCmd(io), newGraphCmd(io))
	for _, f := range commands {
		root.AddCommand(f(io))
	}
	// Unknown commands and bad positional arguments are usage errors too.
	for _, c := range root.Commands() {
		c.SetFlagErrorFunc(root.FlagErrorFunc())
	}
	root.Args = func(_ *cobra.Command, args []string) error {
		if len(args) > 0 {
			return usagef("unknown command %q", args[0])
		}
		return nil
	}
	root.RunE = func(cmd *cobra.Command, _ []string) error { return cmd.Help() }
	return root
}

// emit writes a command's structured result as JSON or, for -o yaml, as
// the same document in YAML.
func emit(w io.Writer, format string, v any) error {
	if format != "yaml" {
		return diag.WriteJSON(w, v)
	}
	var buf bytes.Buffer
	if err := diag.WriteJSON(&buf, v); err != nil {
		return err
	}
	out, err := templates.JSONToYAML(buf.Bytes())
	if err != nil {
		return err
	}
	_, err = w.Write(out)
	return err
}

// emitItems writes one item as an object (single) or the items as an
// array, each rendered by view, in -o json or yaml.
func emitItems[T, V any](w io.Writer, format string, items []T, single bool, view func(T) V) error {
	if single {
		return emit(w, format, view(items[0]))
	}
	out := make([]V, 0, len(items))
	for _, it := range items {
		out = append(out, view(it))
	}
	return emit(w, format, out)
}
