package main

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"github.com/armdeploy/armdeploy/cmd/armdeploy/tui"
	"github.com/armdeploy/armdeploy/evaluator"
	"github.com/armdeploy/armdeploy/planner"
	"github.com/armdeploy/armdeploy/state"
	"github.com/armdeploy/armdeploy/templates"
	"github.com/armdeploy/armdeploy/templates/diag"
)

type deployOptions struct {
	IO *IOStreams
	deploymentFlags
	store         storeFlag
	Mode          string
	Confirm       bool
	Yes           bool
	Parallelism   int
	Rollback      bool
	Simulate      string
	Speed         float64
	NoTUI         bool
	LockTimeout   time.Duration
	locationGiven bool
}

func init() { commands = append(commands, newDeployCmd) }

func newDeployCmd(io *IOStreams) *cobra.Command {
	opts := &deployOptions{IO: io}
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
			opts.locationGiven = cmd.Flags().Changed("location")
			if err := opts.check(args); err != nil {
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
	st, err := opts.store.open()
	if err != nil {
		return err
	}
	defer st.Close()
	l, err := load(&opts.deploymentFlags)
	if err != nil {
		return err
	}
	// A Key Vault reference is only a warning for validate and what-if; a
	// deployment needs the value, which cannot be fetched offline.
	for i, d := range l.Diags {
		if d.Code == templates.CodeKeyVaultReference {
			l.Diags[i].Severity = diag.Error
		}
	}
	if l.Diags.HasErrors() {
		return reportInvalid(opts.IO, l, opts.Output)
	}
	group, err := resolveGroup(ctx, st, &opts.deploymentFlags, true, opts.locationGiven)
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
	p, ds := planner.NewPlan(ev.Resources)
	if ds.HasErrors() {
		l.Diags = append(l.Diags, ds...)
		return reportInvalid(opts.IO, l, opts.Output)
	}
	if opts.Confirm {
		ok, err := confirm(ctx, opts, st, ev, !opts.NoTUI && isTerminal(opts.IO.Err))
		if err != nil || !ok {
			return err
		}
	}
	host, _ := os.Hostname()
	release, err := st.AcquireLease(ctx, state.Lease{Scope: strings.ToLower(group.ID()), Holder: opts.Name, PID: os.Getpid(), Host: host, Started: opts.IO.Now()}, opts.LockTimeout)
	if err != nil {
		return err
	}
	defer release()

	started := opts.IO.Now()
	dep := &state.Deployment{SubscriptionID: opts.Subscription, ResourceGroup: opts.ResourceGroup, Name: opts.Name,
		TemplateHash: templateHash(l), Parameters: parametersJSON(l, ev),
		Mode: modeName(opts.Mode), Status: "Running", CorrelationID: correlationID(opts), Started: started,
		Template: l.Template.Source.Text, TemplateName: filepath.Base(opts.TemplateFile)}
	if err := st.PutDeployment(ctx, dep); err != nil {
		return err
	}
	interactive := !opts.NoTUI && isTerminal(opts.IO.Err)
	var view planner.Hook = newPlainView(opts.IO.Err, opts.IO.Now)
	applyCtx, cancelApply := context.WithCancel(ctx)
	defer cancelApply()
	var events chan planner.Event
	viewDone := make(chan error, 1)
	if interactive {
		events = make(chan planner.Event, 64)
		view = planner.HookFunc(func(e planner.Event) { events <- e })
		go func() {
			viewDone <- tui.RunDeploy(ctx, keyboard(opts.IO.In), opts.IO.Err, deployHeader(opts, p), events, cancelApply,
				tui.Options{NoColor: !useColor(opts.IO.Err), Now: opts.IO.Now})
		}()
	}
	// Each re-expansion sees the resources written so far; what is still
	// to be written is unknown.
	var mu sync.Mutex
	done := map[string]bool{}
	hook := planner.HookFunc(func(e planner.Event) {
		if e.Kind == planner.Succeeded {
			mu.Lock()
			done[strings.ToLower(e.ResourceID)] = true
			mu.Unlock()
		}
		view.Event(e)
	})
	pending := func(id string) bool {
		mu.Lock()
		defer mu.Unlock()
		return !done[strings.ToLower(id)] && p.Graph.Index(strings.ToLower("|"+id)) >= 0
	}
	var evalMu sync.Mutex
	refresh := func(ctx context.Context, r *evaluator.Resource) ([]*evaluator.Resource, error) {
		evalMu.Lock()
		defer evalMu.Unlock()
		ev.Eval.SetResolver(&planner.Resolver{Store: st, Ctx: ctx, Strict: true, Pending: pending})
		rs, ds := ev.Eval.Resources()
		mine := templates.PathOf(r.Decl.Pointer)
		for _, d := range ds.Errors() {
			if d.Target == mine || strings.HasPrefix(d.Target, mine+".") {
				return nil, errors.New(d.Message)
			}
		}
		return rs, nil
	}
	applyOpts := planner.ApplyOptions{Store: st, Deployment: opts.Name, SubscriptionID: opts.Subscription,
		ResourceGroup: opts.ResourceGroup, Parallelism: opts.Parallelism, Hook: hook, Now: opts.IO.Now,
		Refresh: refresh, Complete: strings.EqualFold(opts.Mode, "Complete"), Principal: opts.IO.Principal}
	if opts.Simulate == "realtime" {
		applyOpts.Sleep = realSleep
		applyOpts.Latency = time.Duration(float64(2*time.Second) / opts.Speed)
		applyOpts.PerWeight = time.Duration(float64(50*time.Millisecond) / opts.Speed)
	}
	res, err := planner.Apply(applyCtx, p, applyOpts)
	if events != nil {
		close(events) // Apply has returned: no more events
		if verr := <-viewDone; verr != nil {
			fmt.Fprintf(opts.IO.Err, "armdeploy: the interactive view failed: %v\n", verr)
		}
	}
	if err != nil {
		return err
	}
	// The history is written even when the deployment was canceled.
	rec := context.WithoutCancel(ctx)
	for i, op := range res.Operations {
		if err := st.PutOperation(rec, operationRecord(dep, i, op)); err != nil {
			return err
		}
	}
	var outputs []evaluator.OutputValue
	if !res.Failed() {
		ev.Eval.SetResolver(&planner.Resolver{Store: st, Ctx: rec, Strict: true})
		ev.Eval.Resources() // nested deployments' outputs, now that everything exists
		var ds diag.Diagnostics
		if outputs, ds = ev.Eval.Outputs(); ds.HasErrors() {
			_ = diag.WriteText(opts.IO.Err, ds, l.Sources)
		}
	}
	if err := recordNested(rec, st, opts, ev, res, dep); err != nil {
		return err
	}
	dep.Finished = opts.IO.Now()
	dep.OutputResources = res.OutputResources
	dep.Outputs = outputsJSON(outputs)
	switch {
	case applyCtx.Err() != nil && res.Failed():
		dep.Status = "Canceled"
	case res.Failed():
		dep.Status = "Failed"
		dep.Error = deploymentError(res)
	default:
		dep.Status = "Succeeded"
	}
	// The record is written even when the command was canceled.
	if err := st.PutDeployment(rec, dep); err != nil {
		return err
	}
	if opts.Output != "text" {
		err = emit(opts.IO.Out, opts.Output, deploymentView(dep, opts.IO.Now()))
	} else {
		err = writeDeployText(opts.IO.Out, dep, res, outputs)
	}
	if err != nil {
		return err
	}
	switch dep.Status {
	case "Canceled":
		return context.Canceled
	case "Failed":
		if opts.Rollback {
			release()
			if err := rollback(ctx, opts, st, dep); err != nil {
				fmt.Fprintf(opts.IO.Err, "armdeploy: rollback failed: %v\n", err)
			}
		}
		return &exitError{exitFailed}
	}
	return nil
}

// deployHeader lists the plan's resources in dependency order for the
// interactive view, with the target regions of image versions.
func deployHeader(opts *deployOptions, p *planner.Plan) tui.DeployHeader {
	h := tui.DeployHeader{Deployment: opts.Name, ResourceGroup: opts.ResourceGroup, Mode: modeName(opts.Mode)}
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

func modeName(m string) string {
	if strings.EqualFold(m, "Complete") {
		return "Complete"
	}
	return "Incremental"
}

func templateHash(l *loaded) string {
	sum := sha256.Sum256(l.Template.Source.Text)
	return hex.EncodeToString(sum[:8])
}

func correlationID(opts *deployOptions) string {
	b := make([]byte, 16)
	if _, err := io.ReadFull(opts.IO.Random, b); err != nil {
		return ""
	}
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}

func writeDeployText(w io.Writer, dep *state.Deployment, res *planner.ApplyResult, outputs []evaluator.OutputValue) error {
	var b strings.Builder
	counts := map[string]int{}
	for _, op := range res.Operations {
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
	for _, op := range res.Operations {
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
func confirm(ctx context.Context, opts *deployOptions, st state.Store, ev *evaluated, interactive bool) (bool, error) {
	res, err := whatIf(ctx, st, ev, planner.WhatIfOptions{Complete: strings.EqualFold(opts.Mode, "Complete"),
		SubscriptionID: opts.Subscription, ResourceGroup: opts.ResourceGroup})
	if err != nil {
		return false, err
	}
	if interactive && !opts.Yes {
		return tui.BrowseWhatIf(keyboard(opts.IO.In), opts.IO.Err, res, tui.Options{NoColor: !useColor(opts.IO.Err), Now: opts.IO.Now})
	}
	if err := planner.WriteText(opts.IO.Err, res, useColor(opts.IO.Err)); err != nil {
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

// plainView prints one line per apply event, for pipes and CI.
type plainView struct {
	mu    sync.Mutex
	w     io.Writer
	now   func() time.Time
	start time.Time
}

func newPlainView(w io.Writer, now func() time.Time) *plainView {
	return &plainView{w: w, now: now, start: now()}
}

func (v *plainView) Event(e planner.Event) {
	v.mu.Lock()
	defer v.mu.Unlock()
	at := v.now().Sub(v.start).Round(time.Millisecond)
	_, rel := planner.SplitResourceID(e.ResourceID)
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
