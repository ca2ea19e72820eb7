package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"github.com/armdeploy/armdeploy/arm"
	"github.com/armdeploy/armdeploy/cmd/armdeploy/tui"
	"github.com/armdeploy/armdeploy/evaluator"
	"github.com/armdeploy/armdeploy/planner"
	"github.com/armdeploy/armdeploy/state"
	"github.com/armdeploy/armdeploy/templates/diag"
	"github.com/armdeploy/armdeploy/views"
)

type deployOptions struct {
	IO *IOStreams
	deploymentFlags
	store       storeFlag
	Mode        string
	Confirm     bool
	Yes         bool
	Parallelism int
	Rollback    bool
	Simulate    string
	Speed       float64
	NoTUI       bool
	LockTimeout time.Duration
}

func init() { commands = append(commands, newDeployCmd) }

func newDeployCmd(io *IOStreams) *cobra.Command { return deployCmd(io, "group") }

// deployCmd is deploy (deployment create) at a scope level (group, sub,
// mg, tenant).
func deployCmd(io *IOStreams, level string) *cobra.Command {
	opts := &deployOptions{IO: io}
	opts.level = level
	cmd := &cobra.Command{
		Use:   "deploy -g RG -f TEMPLATE [-p PARAMS]... [-n NAME] [--mode Incremental|Complete]",
		Short: "Deploy a template to the local Azure",
		Long: `Deploy validates and expands the template, then applies it to the local state:
resources are created or updated in dependency order, in parallel, through the
simulated resource providers, each committed as it succeeds. A failure skips
what depends on it; independent resources go on. The deployment and every
operation are kept in the group's history.`,
		Example: `  armdeploy deploy -g demo -l eastus -f quickstarts/sig-create/azuredeploy.json -p galleryName=gallery1
  armdeploy deploy -g demo -f main.yaml -p @main.parameters.yaml -c`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := opts.check(cmd, args); err != nil {
				return err
			}
			if err := checkMode(opts.Mode); err != nil {
				return err
			}
			if opts.Simulate != "instant" && opts.Simulate != "realtime" {
				return usagef("unknown simulation %q: use instant or realtime", opts.Simulate)
			}
			if opts.Parallelism < 1 {
				return usagef("--parallelism must be at least 1")
			}
			if len(opts.Name) > 64 {
				return usagef("the deployment name '%s' is longer than 64 characters", opts.Name)
			}
			if opts.level == "sub" || opts.level == "mg" || opts.level == "tenant" {
				if opts.Location == "" {
					return usagef("the deployment's location is required: -l/--location")
				}
			}
			return runDeploy(cmd.Context(), opts)
		},
	}
	opts.register(cmd)
	opts.store.register(cmd)
	fl := cmd.Flags()
	fl.StringVar(&opts.Mode, "mode", "Incremental", "Incremental or Complete")
	fl.BoolVarP(&opts.Confirm, "confirm-with-what-if", "c", false, "show the what-if and ask before deploying")
	fl.BoolVarP(&opts.Yes, "yes", "y", false, "answer yes to the confirmation")
	fl.IntVar(&opts.Parallelism, "parallelism", 10, "operations run at the same time")
	fl.BoolVar(&opts.Rollback, "rollback-on-error", false, "on failure, redeploy the group's last successful deployment")
	fl.StringVar(&opts.Simulate, "simulate", "instant", "how long simulated operations take: instant or realtime")
	fl.Float64Var(&opts.Speed, "speed", 1, "with --simulate realtime, how many times faster than real time")
	fl.BoolVar(&opts.NoTUI, "no-tui", false, "print plain progress lines instead of the interactive view")
	fl.DurationVar(&opts.LockTimeout, "lock-timeout", 30*time.Second, "how long to wait for another deployment to the group")
	return cmd
}

func runDeploy(ctx context.Context, opts *deployOptions) error {
	svc, err := service(ctx, opts.store.Path, opts.IO, false)
	if err != nil {
		return err
	}
	defer svc.Close()
	req := opts.request(opts.IO)
	req.Mode = opts.Mode
	req.CreateGroup = opts.locationGiven
	interactive := !opts.NoTUI && interactiveTerminal(opts.IO)
	if opts.Confirm {
		ok, err := confirm(ctx, opts, svc, interactive)
		if err != nil || !ok {
			return err
		}
	}
	plain := newPlainView(opts.IO.Err, opts.IO.Now)
	defer plain.Flush()
	var view planner.Hook = plain
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var events chan planner.Event
	viewDone := make(chan error, 1)
	viewStarted := false
	if interactive {
		events = make(chan planner.Event, 64)
		view = planner.HookFunc(func(e planner.Event) { events <- e })
	}
	req.Apply = arm.ApplyOptions{Parallelism: opts.Parallelism, Hook: view, LockTimeout: opts.LockTimeout,
		RollbackOnError: opts.Rollback,
		OnRollback: func(name string) {
			plain.Flush()
			fmt.Fprintf(opts.IO.Err, "Rolling back to deployment '%s'.\n", name)
		},
		OnTakeover: func(l *state.Lease) {
			plain.Flush()
			warnTakeover(opts.IO.Err, l)
		},
		OnStart: func(p *planner.Plan, rec *state.Deployment) {
			if !interactive {
				return
			}
			viewStarted = true
			go func() {
				viewDone <- tui.RunDeploy(ctx, keyboard(opts.IO.In), opts.IO.Err, deployHeader(rec, p), events, cancel,
					tui.Options{NoColor: !useColor(opts.IO.Err), Now: opts.IO.Now})
			}()
		}}
	if opts.Simulate == "realtime" {
		req.Apply.Sleep = realSleep
		req.Apply.Latency = time.Duration(float64(2*time.Second) / opts.Speed)
		req.Apply.PerWeight = time.Duration(float64(50*time.Millisecond) / opts.Speed)
	}
	res, err := svc.CreateOrUpdate(ctx, req)
	plain.Flush()
	if events != nil {
		close(events) // the deployment has returned: no more events
		if viewStarted {
			if verr := <-viewDone; verr != nil {
				fmt.Fprintf(opts.IO.Err, "armdeploy: the interactive view failed: %v\n", verr)
			}
		}
	}
	if err != nil {
		return opts.groupHint(err)
	}
	if res.Failed() {
		return reportInvalid(opts.IO, res.Diags, res.Sources, opts.Output)
	}
	if res.Preflight != nil {
		if opts.Output != "text" {
			err = emitError(opts.IO.Out, opts.Output, map[string]any{"error": res.Preflight})
		} else {
			err = writePreflight(opts.IO.Err, res.Preflight)
		}
		if err != nil {
			return err
		}
		return &exitError{exitFailed}
	}
	if err := diag.WriteText(opts.IO.Err, res.Diags, res.Sources); err != nil {
		return err
	}
	if res.OutputDiags.HasErrors() {
		_ = diag.WriteText(opts.IO.Err, res.OutputDiags, res.Sources)
	}
	if opts.Output != "text" {
		err = emit(opts.IO.Out, opts.Output, res.Deployment)
	} else {
		err = writeDeployText(opts.IO.Out, res.Record, res.Operations, res.Outputs)
	}
	if err != nil {
		return err
	}
	if rb := res.Rollback; rb != nil && rb.Record != nil {
		if opts.Output != "text" {
			err = emit(opts.IO.Out, opts.Output, rb.Deployment)
		} else {
			err = writeDeployText(opts.IO.Out, rb.Record, rb.Operations, rb.Outputs)
		}
		if err != nil {
			return err
		}
	}
	if res.RollbackErr != nil {
		fmt.Fprintf(opts.IO.Err, "armdeploy: rollback failed: %v\n", res.RollbackErr)
	}
	switch res.Status() {
	case "Canceled":
		return context.Canceled
	case "Failed":
		return &exitError{exitFailed}
	}
	return nil
}

// deployHeader lists the plan's resources in dependency order for the
// interactive view, with the target regions of image versions.
func deployHeader(rec *state.Deployment, p *planner.Plan) tui.DeployHeader {
	target := rec.ResourceGroup
	if target == "" {
		target = rec.Scope().ID()
	}
	h := tui.DeployHeader{Deployment: rec.Name, ResourceGroup: target, Mode: rec.Mode}
	order, err := p.Graph.TopologicalOrder()
	if err != nil {
		return h
	}
	for _, v := range order {
		r := p.Resources[v]
		row := tui.Row{ID: r.ID, Type: r.Type, Name: r.Name}
		if props, ok := r.Fields.Get("properties"); ok {
			if pp, ok := props.Get("publishingProfile"); ok {
				if trs, ok := pp.Get("targetRegions"); ok {
					if elems, ok := trs.AsArray(); ok {
						for _, tr := range elems {
							if n, ok := tr.Get("name"); ok {
								if s, ok := n.AsString(); ok {
									row.Regions = append(row.Regions, s)
								}
							}
						}
					}
				}
			}
		}
		h.Rows = append(h.Rows, row)
	}
	return h
}

func realSleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

func writeDeployText(w io.Writer, dep *state.Deployment, ops []planner.Operation, outputs []evaluator.OutputValue) error {
	var b strings.Builder
	counts := map[string]int{}
	for _, op := range ops {
		counts[op.Status]++
	}
	fmt.Fprintf(&b, "Deployment '%s' %s in %s: %d succeeded", dep.Name, strings.ToLower(dep.Status),
		dep.Finished.Sub(dep.Started).Round(time.Millisecond), counts["Succeeded"])
	for _, s := range []string{"Failed", "Skipped", "Canceled"} {
		if counts[s] > 0 {
			fmt.Fprintf(&b, ", %d %s", counts[s], strings.ToLower(s))
		}
	}
	b.WriteString(".\n")
	if len(dep.Error) > 0 {
		// ARM's DeploymentFailed error, as az prints it, with each
		// operation's error below.
		var e struct{ Code, Message string }
		_ = json.Unmarshal(dep.Error, &e)
		fmt.Fprintf(&b, "%s: %s\n", e.Code, e.Message)
	}
	for _, op := range ops {
		if op.Err != nil {
			fmt.Fprintf(&b, "  %s: %s: %s\n", op.ResourceID, op.Err.Code, op.Err.Message)
		}
	}
	if len(outputs) > 0 {
		b.WriteString("Outputs:\n")
		width := 0
		for _, o := range outputs {
			width = max(width, len(o.Name))
		}
		for _, o := range outputs {
			v := "(secure)"
			if !o.Secure {
				v = evaluator.Redact(o.Value).JSON()
			}
			fmt.Fprintf(&b, "  %-*s  %-6s  %s\n", width, o.Name, o.Type, v)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// confirm shows the what-if and asks whether to go on (--yes answers).
func confirm(ctx context.Context, opts *deployOptions, svc *arm.Service, interactive bool) (bool, error) {
	req := opts.request(opts.IO)
	req.Mode = opts.Mode
	req.CreateGroup = opts.locationGiven
	out, err := svc.WhatIf(ctx, req)
	if err != nil {
		return false, opts.groupHint(err)
	}
	if out.Failed() {
		return false, reportInvalid(opts.IO, out.Diags, out.Sources, opts.Output)
	}
	res := out.Result
	if interactive && !opts.Yes {
		return tui.BrowseWhatIf(keyboard(opts.IO.In), opts.IO.Err, res, tui.Options{NoColor: !useColor(opts.IO.Err), Now: opts.IO.Now})
	}
	// Without a TUI (stdin or stderr not a terminal) deploy prints plain
	// lines only.
	if err := views.WriteText(opts.IO.Err, res, interactive && useColor(opts.IO.Err)); err != nil {
		return false, err
	}
	if opts.Yes {
		return true, nil
	}
	fmt.Fprint(opts.IO.Err, "\nAre you sure you want to execute the deployment? (y/n): ")
	line, _ := bufio.NewReader(opts.IO.In).ReadString('\n')
	if a := strings.ToLower(strings.TrimSpace(line)); a == "y" || a == "yes" {
		return true, nil
	}
	fmt.Fprintln(opts.IO.Err, "Deployment canceled.")
	return false, nil
}

// plainView prints one line per apply event, for pipes and CI. Lines are
// written together, at most plainFlushDelay after the first of them (800
// resources made 1,600 writes of a line each), and at Flush.
type plainView struct {
	mu    sync.Mutex
	w     *bufio.Writer
	flush *time.Timer // armed while lines wait
	now   func() time.Time
	start time.Time
}

// plainFlushDelay is how long a progress line may wait for others.
const plainFlushDelay = 100 * time.Millisecond

func newPlainView(w io.Writer, now func() time.Time) *plainView {
	return &plainView{w: bufio.NewWriterSize(w, 32<<10), now: now, start: now()}
}

// Flush writes the lines that wait.
func (v *plainView) Flush() {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.flush != nil {
		v.flush.Stop()
		v.flush = nil
	}
	_ = v.w.Flush()
}

func (v *plainView) Event(e planner.Event) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.flush == nil {
		v.flush = time.AfterFunc(plainFlushDelay, v.Flush)
	}
	at := v.now().Sub(v.start).Round(time.Millisecond)
	_, rel := views.SplitResourceID(e.ResourceID)
	switch e.Kind {
	case planner.Started:
		fmt.Fprintf(v.w, "[%8s] %-9s %s (%s)\n", at, "started", rel, e.Operation)
	case planner.Progress:
		fmt.Fprintf(v.w, "[%8s] %-9s %s: %s %d%%\n", at, "progress", rel, e.Step, e.Percent)
	case planner.Succeeded:
		fmt.Fprintf(v.w, "[%8s] %-9s %s\n", at, "succeeded", rel)
		for _, w := range e.Warnings {
			fmt.Fprintf(v.w, "[%8s] %-9s %s: %s\n", at, "warning", rel, w)
		}
	case planner.Failed:
		fmt.Fprintf(v.w, "[%8s] %-9s %s: %s: %s\n", at, "failed", rel, e.Err.Code, e.Err.Message)
	case planner.Skipped:
		fmt.Fprintf(v.w, "[%8s] %-9s %s (a dependency failed)\n", at, "skipped", rel)
	case planner.Canceled:
		fmt.Fprintf(v.w, "[%8s] %-9s %s\n", at, "canceled", rel)
	}
}
