package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"github.com/spf13/cobra"

	"github.com/armdeploy/armdeploy/arm"
	"github.com/armdeploy/armdeploy/state"
	"github.com/armdeploy/armdeploy/templates/diag"
)

func init() { commands = append(commands, newStateCmd) }

// stateFlags are the flags of the commands that read or change the store
// (group, resource, deployment): --state, --subscription and -o.
type stateFlags struct {
	StatePath    string
	Subscription string
	Output       string
}

// register adds the flags to a parent command, for all its subcommands.
func (f *stateFlags) register(cmd *cobra.Command) {
	fl := cmd.PersistentFlags()
	fl.StringVar(&f.StatePath, "state", "", stateFlagHelp)
	fl.StringVar(&f.Subscription, "subscription", "", "the subscription id (default "+arm.DefaultSubscription+")")
	fl.StringVarP(&f.Output, "output", "o", "text", outputHelp)
}

func (f *stateFlags) check() error {
	if err := checkOutput(f.Output); err != nil {
		return err
	}
	if f.Subscription == "" {
		f.Subscription = arm.DefaultSubscription
	}
	return nil
}

// noArgs rejects positional arguments as a usage error.
func noArgs(_ *cobra.Command, args []string) error {
	if len(args) > 0 {
		return usagef("unexpected argument %q", args[0])
	}
	return nil
}

// required reports a missing flag as a usage error.
func required(value, flag string) error {
	if value == "" {
		return usagef("the %s flag is required", flag)
	}
	return nil
}

// writeJSON prints v indented, as az does.
func writeJSON(w io.Writer, v any) error { return diag.WriteJSON(w, v) }

// printTable prints an aligned table the way az's "-o table" does: a
// header, a rule of dashes, the rows; nothing at all when there are no
// rows.
func printTable(w io.Writer, header []string, rows [][]string) error {
	if len(rows) == 0 {
		return nil
	}
	width := make([]int, len(header))
	for i, h := range header {
		width[i] = utf8.RuneCountInString(h)
	}
	for _, r := range rows {
		for i, c := range r {
			width[i] = max(width[i], utf8.RuneCountInString(c))
		}
	}
	var b strings.Builder
	line := func(cells []string) {
		var l strings.Builder
		for i, c := range cells {
			l.WriteString(c)
			if i < len(cells)-1 {
				l.WriteString(strings.Repeat(" ", width[i]-utf8.RuneCountInString(c)+2))
			}
		}
		b.WriteString(strings.TrimRight(l.String(), " "))
		b.WriteByte('\n')
	}
	line(header)
	rule := make([]string, len(header))
	for i := range header {
		rule[i] = strings.Repeat("-", width[i])
	}
	line(rule)
	for _, r := range rows {
		line(r)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// displayPath shows a path under the working directory relative to it.
func displayPath(p string) string {
	wd, err := os.Getwd()
	if err != nil || !filepath.IsAbs(p) {
		return p
	}
	for _, base := range []string{wd, evalSymlinks(wd)} {
		for _, target := range []string{p, evalSymlinks(p)} {
			if rel, err := filepath.Rel(base, target); err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
				return rel
			}
		}
	}
	return p
}

// evalSymlinks resolves p as far as it exists.
func evalSymlinks(p string) string {
	if r, err := filepath.EvalSymlinks(p); err == nil {
		return r
	}
	if r, err := filepath.EvalSymlinks(filepath.Dir(p)); err == nil {
		return filepath.Join(r, filepath.Base(p))
	}
	return p
}

// stateFlagHelp describes --state.
const stateFlagHelp = "the state store: a SQLite file or a postgres:// DSN (default $ARMDEPLOY_STATE, else .armdeploy/state.db)"

// --- armdeploy state export | import | migrate ---

func newStateCmd(io *IOStreams) *cobra.Command {
	var path string
	cmd := &cobra.Command{
		Use: "state",
		Example: `  armdeploy state export > state.json
  armdeploy state import state.json --state copy.db`,
		Short: "Export or import the whole state store",
		Long: `State writes the whole store (subscriptions, resource groups, resources,
deployments with their operations, role assignments) as one JSON document, or
reads such a document into a new, empty store. Export, import and export again
gives the same bytes.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	cmd.PersistentFlags().StringVar(&path, "state", "", stateFlagHelp)
	cmd.AddCommand(&cobra.Command{
		Use:     "export",
		Short:   "Write the whole store as JSON to stdout",
		Example: `  armdeploy state export > state.json`,
		Args:    noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			p := state.ResolvePath(path)
			if !state.Exists(p) {
				return fmt.Errorf("there is no state store at %s", displayPath(p))
			}
			svc, err := service(cmd.Context(), path, io, false)
			if err != nil {
				return err
			}
			defer svc.Close()
			return svc.ExportState(cmd.Context(), io.Principal, io.Out)
		},
	})
	cmd.AddCommand(&cobra.Command{
		Use:   "import FILE",
		Short: "Read an export into a new, empty store",
		Long: `Import reads a document written by 'armdeploy state export' ("-" reads stdin)
into the store, which must be empty: point --state or ARMDEPLOY_STATE at a new
file.`,
		Example: `  armdeploy state import state.json --state copy.db`,
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) != 1 {
				return usagef("state import takes one file, got %d arguments", len(args))
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			return runStateImport(cmd.Context(), io, path, args[0])
		},
	})
	var to string
	migrate := &cobra.Command{
		Use:   "migrate --to DSN|FILE",
		Short: "Copy the whole store into another one (SQLite file or PostgreSQL)",
		Long: `Migrate copies the whole store (--state, or $ARMDEPLOY_STATE) into the store
--to names, which must be empty: a PostgreSQL database (postgres://USER@HOST:PORT/DB?sslmode=...,
the rest from the PG* environment variables) or a SQLite file. Everything that
'state export' writes is copied, and the service principals; leases are not.
The copy is then checked: each kind of record is counted on both sides and
both stores must export the same document (its SHA-256 is printed).
Passwords in a DSN are never printed.`,
		Example: `  armdeploy state migrate --to postgres://armdeploy@db.internal:5432/armdeploy?sslmode=require
  armdeploy state migrate --state postgres://armdeploy@db.internal/armdeploy --to backup.db`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runStateMigrate(cmd.Context(), io, path, to)
		},
	}
	migrate.Flags().StringVar(&to, "to", "", "the store to copy into: a postgres:// DSN or a SQLite file")
	cmd.AddCommand(migrate)
	return cmd
}

func runStateMigrate(ctx context.Context, streams *IOStreams, path, to string) error {
	if err := required(to, "--to"); err != nil {
		return err
	}
	from := state.ResolvePath(path)
	if !state.Exists(from) {
		return fmt.Errorf("there is no state store at %s", displayPath(from))
	}
	if !state.IsPostgresDSN(from) && !state.IsPostgresDSN(to) {
		if a, b := evalSymlinks(mustAbs(from)), evalSymlinks(mustAbs(to)); a == b {
			return usagef("--to names the store being copied (%s)", displayPath(to))
		}
	}
	svc, err := service(ctx, path, streams, false)
	if err != nil {
		return err
	}
	defer svc.Close()
	rep, err := svc.MigrateState(ctx, streams.Principal, to)
	if err != nil {
		return err
	}
	shown := state.Describe(to)
	if !state.IsPostgresDSN(to) {
		shown = displayPath(to)
	}
	fmt.Fprintf(streams.Out, "Copied %s, %s, %s, %s, %s (%s), %s and %s from %s to %s.\n",
		plural(rep.Tenants, "tenant"), plural(rep.Subscriptions, "subscription"),
		plural(rep.ResourceGroups, "resource group"), plural(rep.Resources, "resource"),
		plural(rep.Deployments, "deployment"), plural(rep.Operations, "operation"),
		plural(rep.RoleAssignments, "role assignment"), plural(rep.ServicePrincipals, "service principal"),
		displayStore(svc.StorePath()), shown)
	fmt.Fprintf(streams.Out, "Verified: the counts match and both stores export the same %d bytes (sha256 %s).\n", rep.Bytes, rep.SHA256)
	return nil
}

// displayStore names a store for messages: a DSN redacted, a path
// relative to the working directory.
func displayStore(p string) string {
	if state.IsPostgresDSN(p) {
		return state.RedactDSN(p)
	}
	return displayPath(p)
}

func mustAbs(p string) string {
	if a, err := filepath.Abs(p); err == nil {
		return a
	}
	return p
}

func runStateImport(ctx context.Context, streams *IOStreams, path, file string) error {
	var data []byte
	var err error
	if file == "-" {
		data, err = io.ReadAll(streams.In)
	} else {
		data, err = os.ReadFile(file)
	}
	if errors.Is(err, fs.ErrNotExist) {
		return usagef("the file %s does not exist", file)
	} else if err != nil {
		return err
	}
	svc, err := service(ctx, path, streams, false)
	if err != nil {
		return err
	}
	defer svc.Close()
	if err := svc.ImportState(ctx, streams.Principal, strings.NewReader(string(data))); err != nil {
		return err
	}
	var n struct {
		ResourceGroups, Resources, Deployments, RoleAssignments []json.RawMessage
	}
	_ = json.Unmarshal(data, &n) // valid: Import read it
	fmt.Fprintf(streams.Out, "Imported %s, %s, %s and %s into %s.\n",
		plural(len(n.ResourceGroups), "resource group"), plural(len(n.Resources), "resource"),
		plural(len(n.Deployments), "deployment"), plural(len(n.RoleAssignments), "role assignment"), displayStore(svc.StorePath()))
	return nil
}
