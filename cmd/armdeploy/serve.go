package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/armdeploy/armdeploy/arm"
	"github.com/armdeploy/armdeploy/server"
	"github.com/armdeploy/armdeploy/state"
)

func init() { commands = append(commands, newServeCmd) }

type serveOptions struct {
	IO        *IOStreams
	store     storeFlag
	Addr      string
	HTTP      bool
	Hosts     []string
	PrintEnv  bool
	LogFormat string
	Simulate  string
	Speed     float64
}

func newServeCmd(io *IOStreams) *cobra.Command {
	opts := &serveOptions{IO: io}
	cmd := &cobra.Command{
		Use:   "serve [--addr 127.0.0.1:8443] [--http] [--host NAME]... [--print-env]",
		Short: "Serve Azure Resource Manager's REST API, for az CLI and the Azure SDKs",
		Long: `Serve answers Azure Resource Manager's REST API on a local address, so that
az CLI, the Azure SDKs, Terraform and Pulumi deploy to armdeploy unchanged.
Every request runs as the service principal whose token it carries (create
one with 'armdeploy sp create'); role assignments decide what it may do.

On first start a private CA and a server certificate (for localhost,
127.0.0.1, ::1 and each --host) are made in the 'serve' folder beside the
state file; clients must trust the CA: REQUESTS_CA_BUNDLE for az,
SSL_CERT_FILE for Go programs and Terraform. --print-env prints the lines
to paste. Plain HTTP (--http) works only for clients that allow tokens over
HTTP; az does not.

One log line per request goes to stderr. SIGTERM or Ctrl-C stops the server
gracefully: requests in flight finish, running deployments are canceled and
recorded Canceled. The CLI and other servers may use the same state at the
same time.`,
		Example: `  armdeploy serve
  eval "$(armdeploy serve --print-env)"
  armdeploy serve --addr 0.0.0.0:8443 --host build-agent-7 --log-format json`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			switch opts.LogFormat {
			case "text", "json":
			default:
				return usagef("unknown log format %q: use text or json", opts.LogFormat)
			}
			if opts.Simulate != "instant" && opts.Simulate != "realtime" {
				return usagef("unknown simulation %q: use instant or realtime", opts.Simulate)
			}
			if _, _, err := net.SplitHostPort(opts.Addr); err != nil {
				return usagef("--addr %q is not HOST:PORT", opts.Addr)
			}
			return runServe(cmd.Context(), opts, nil)
		},
	}
	opts.store.register(cmd)
	fl := cmd.Flags()
	fl.StringVar(&opts.Addr, "addr", "127.0.0.1:8443", "the address to listen on")
	fl.BoolVar(&opts.HTTP, "http", false, "serve plain HTTP instead of HTTPS")
	fl.StringArrayVar(&opts.Hosts, "host", nil, "a further name or address for the server certificate (repeatable)")
	fl.BoolVar(&opts.PrintEnv, "print-env", false, "print the environment lines that point clients at the server, and exit")
	fl.StringVar(&opts.LogFormat, "log-format", "text", "request log format: text or json")
	fl.StringVar(&opts.Simulate, "simulate", "instant", "how long simulated operations take: instant or realtime")
	fl.Float64Var(&opts.Speed, "speed", 1, "with --simulate realtime, how many times faster than real time")
	return cmd
}

// runServe opens the store and serves until ctx ends; ready, when set, is
// told the server's URL once it listens.
func runServe(ctx context.Context, opts *serveOptions, ready func(url string)) error {
	path := state.ResolvePath(opts.store.Path)
	// The server's keys live beside a SQLite file; for a PostgreSQL store,
	// in .armdeploy/serve under the working folder (servers that share
	// the database should share that folder too).
	dir := filepath.Join(".armdeploy", "serve")
	if !state.IsPostgresDSN(path) {
		abs, err := filepath.Abs(path)
		if err != nil {
			return err
		}
		path, dir = abs, server.DefaultDir(abs)
	}
	if abs, err := filepath.Abs(dir); err == nil {
		dir = abs
	}
	st, err := state.OpenStore(ctx, path)
	if err != nil {
		return fmt.Errorf("open the state store %s: %w", state.Describe(path), err)
	}
	defer st.Close()
	svc := arm.New(st, arm.Options{Now: opts.IO.Now, Random: opts.IO.Random, Command: "armdeploy serve"})
	recovered, err := svc.Recover(ctx)
	if err != nil {
		return fmt.Errorf("open the state store: %w", err)
	}
	for _, r := range recovered {
		fmt.Fprintf(opts.IO.Err, "armdeploy: deployment '%s' at %s did not finish (its process ended); it is now recorded Failed.\n", r.Name, r.Scope.ID())
	}
	host, _, _ := net.SplitHostPort(opts.Addr)
	hosts := opts.Hosts
	if host != "" && host != "0.0.0.0" && host != "::" {
		hosts = append(hosts, host)
	}
	sopts := server.Options{Service: svc, Store: st, Dir: dir, HTTP: opts.HTTP, Hosts: hosts,
		Log: opts.IO.Err, LogFormat: opts.LogFormat}
	if opts.Simulate == "realtime" {
		sopts.Apply.Sleep = realSleep
		sopts.Apply.Latency = time.Duration(float64(2*time.Second) / opts.Speed)
		sopts.Apply.PerWeight = time.Duration(float64(50*time.Millisecond) / opts.Speed)
		sopts.Simulation = arm.Simulation{Sleep: realSleep, PerWeight: sopts.Apply.PerWeight}
	}
	srv, err := server.New(sopts)
	if err != nil {
		return err
	}
	scheme := "https"
	if opts.HTTP {
		scheme = "http"
	}
	if opts.PrintEnv {
		return printServeEnv(opts.IO.Out, scheme+"://"+displayAddr(opts.Addr), srv.TLS(), path)
	}
	ln, err := net.Listen("tcp", opts.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", opts.Addr, err)
	}
	url := scheme + "://" + displayAddr(ln.Addr().String())
	writeServeBanner(opts.IO.Err, url, srv.TLS(), host)
	if ready != nil {
		ready(url)
	}
	if err := srv.Serve(ctx, ln); err != nil {
		return err
	}
	fmt.Fprintln(opts.IO.Err, "armdeploy serve: stopped")
	return nil
}

// displayAddr is how clients reach addr: a wildcard host becomes
// 127.0.0.1.
func displayAddr(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return addr
	}
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "127.0.0.1"
	}
	return net.JoinHostPort(host, port)
}

func writeServeBanner(w io.Writer, url string, t *server.TLSMaterial, host string) {
	fmt.Fprintf(w, "armdeploy serve: listening on %s\n", url)
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		fmt.Fprintf(w, "warning: %s is reachable from other machines; every request still needs a service principal's token\n", host)
	}
	if t == nil {
		fmt.Fprintln(w, "Plain HTTP: az CLI refuses tokens over HTTP; the Go SDK needs InsecureAllowCredentialWithHTTP.")
	} else {
		fmt.Fprintf(w, "Trust its CA: REQUESTS_CA_BUNDLE=%s for az, SSL_CERT_FILE=%s for Go and Terraform.\n", t.CAFile, t.CAFile)
	}
	fmt.Fprintf(w, "Point az at it: az cloud register -n armdeploy --endpoint-resource-manager %s/ && az cloud set -n armdeploy\n", url)
	fmt.Fprintln(w, "Create a service principal: armdeploy sp create -n NAME --role Owner (then az login --service-principal ...).")
	fmt.Fprintln(w, "Stop with Ctrl-C.")
}

// printServeEnv prints the shell lines that point clients at the server.
func printServeEnv(w io.Writer, url string, t *server.TLSMaterial, statePath string) error {
	var b strings.Builder
	if !state.IsPostgresDSN(statePath) { // a DSN may hold a password: never print it
		fmt.Fprintf(&b, "export ARMDEPLOY_STATE=%s\n", shellQuote(statePath))
	}
	fmt.Fprintf(&b, "export ARMDEPLOY_ENDPOINT=%s\n", url)
	if t != nil {
		fmt.Fprintf(&b, "export REQUESTS_CA_BUNDLE=%s\n", shellQuote(t.CAFile))
		fmt.Fprintf(&b, "export SSL_CERT_FILE=%s\n", shellQuote(t.CAFile))
	}
	fmt.Fprintf(&b, "export ARM_METADATA_HOSTNAME=%s\n", strings.TrimPrefix(strings.TrimPrefix(url, "https://"), "http://"))
	fmt.Fprintf(&b, "export AZURE_CORE_COLLECT_TELEMETRY=false\n")
	fmt.Fprintf(&b, "# az cloud register -n armdeploy --endpoint-resource-manager %s/ && az cloud set -n armdeploy\n", url)
	fmt.Fprintf(&b, "# az login --service-principal --username APP_ID --password=SECRET --tenant %s\n", arm.DefaultTenant)
	_, err := io.WriteString(w, b.String())
	return err
}

// shellQuote quotes s for a POSIX shell when it needs it.
func shellQuote(s string) string {
	if s != "" && !strings.ContainsAny(s, " \t\n'\"$`\\!*?[]{}()<>|&;#~") {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
