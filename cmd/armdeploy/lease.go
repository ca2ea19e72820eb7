package main

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/spf13/cobra"

	"github.com/armdeploy/armdeploy/arm"
	"github.com/armdeploy/armdeploy/state"
)

func init() { commands = append(commands, newLeaseCmd) }

// leaseOptions are the flags of the lease commands.
type leaseOptions struct {
	IO *IOStreams
	stateFlags
	ResourceGroup   string
	ManagementGroup string
	Scope           string
}

func newLeaseCmd(io *IOStreams) *cobra.Command {
	opts := &leaseOptions{IO: io}
	cmd := &cobra.Command{
		Use: "lease",
		Example: `  armdeploy lease list
  armdeploy lease break -g demo`,
		Short: "List the leases deployments hold on their scopes, or break one",
		Long: `A deployment holds a lease on its scope (resource group, subscription,
management group or tenant) while it runs, so that one deployment writes a
scope at a time. A lease names its holder: the deployment, its principal, its
process (pid and host), its command and its last heartbeat. A lease whose
holder is gone (its process ended, its pid now belongs to another process, or
its heartbeat is older than 30 seconds for a holder on another host) is stale:
the next deployment takes it over and warns. 'lease break' removes a lease by
hand, as Terraform's force-unlock does.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	opts.stateFlags.register(cmd)

	list := &cobra.Command{
		Use:     "list",
		Example: `  armdeploy lease list -o json`,
		Short:   "List the leases on the scopes you may read",
		Args:    noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := opts.check(); err != nil {
				return err
			}
			return runLeaseList(cmd.Context(), opts)
		},
	}

	brk := &cobra.Command{
		Use:   "break (-g RG | -m MG | --subscription SUB | --scope ID)",
		Short: "Remove the lease on a scope, whoever holds it (Owner only)",
		Long: `Break removes the lease on a scope whoever holds it, as Terraform's
force-unlock does, and prints what it broke. It needs Owner on the scope.

When the holder is gone and its deployment is still recorded Running, the
deployment is recorded Failed (DeploymentInterrupted). When the holder is
alive, its deployment is asked to cancel first: it stops within a second,
lets the operations in flight finish and records itself Canceled. Until it
has, another deployment may take the scope while those operations finish.`,
		Example: `  armdeploy lease break -g demo
  armdeploy lease break --scope /subscriptions/00000000-0000-0000-0000-000000000000`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := opts.check(); err != nil {
				return err
			}
			sc, err := opts.scope(cmd.Flags().Changed("subscription"))
			if err != nil {
				return err
			}
			return runLeaseBreak(cmd.Context(), opts, sc)
		},
	}
	brk.Flags().StringVarP(&opts.ResourceGroup, "resource-group", "g", "", "the resource group whose lease to break")
	brk.Flags().StringVarP(&opts.ManagementGroup, "management-group-id", "m", "", "the management group whose lease to break")
	brk.Flags().StringVar(&opts.Scope, "scope", "", "the scope id whose lease to break (/ for the tenant)")

	cmd.AddCommand(list, brk)
	return cmd
}

// scope is the scope break names: exactly one of -g (in --subscription),
// -m, --scope, or --subscription alone.
func (o *leaseOptions) scope(subscriptionGiven bool) (arm.Scope, error) {
	n := 0
	for _, s := range []string{o.ResourceGroup, o.ManagementGroup, o.Scope} {
		if s != "" {
			n++
		}
	}
	switch {
	case n > 1:
		return arm.Scope{}, usagef("name one scope: -g/--resource-group, -m/--management-group-id or --scope")
	case o.ResourceGroup != "":
		return arm.Scope{SubscriptionID: o.Subscription, ResourceGroup: o.ResourceGroup}, nil
	case o.ManagementGroup != "":
		return arm.Scope{ManagementGroup: o.ManagementGroup}, nil
	case o.Scope != "":
		sc, err := state.ParseScope(o.Scope)
		if err != nil {
			return arm.Scope{}, usagef("--scope: %v", err)
		}
		return sc, nil
	case subscriptionGiven:
		return arm.Scope{SubscriptionID: o.Subscription}, nil
	}
	return arm.Scope{}, usagef("name the scope whose lease to break: -g/--resource-group, -m/--management-group-id, --subscription or --scope")
}

func (o *leaseOptions) withService(ctx context.Context, existing bool, run func(*arm.Service) error) error {
	svc, err := service(ctx, o.StatePath, o.IO, existing)
	if err != nil {
		return err
	}
	defer svc.Close()
	return run(svc)
}

func runLeaseList(ctx context.Context, opts *leaseOptions) error {
	return opts.withService(ctx, true, func(svc *arm.Service) error {
		ls, err := svc.Leases(ctx, opts.IO.Principal)
		if err != nil {
			return err
		}
		if opts.Output != "text" {
			return emitItems(opts.IO.Out, opts.Output, ls, false, arm.LeaseView)
		}
		var rows [][]string
		for _, l := range ls {
			v := arm.LeaseView(l)
			rows = append(rows, []string{v.Scope, v.Deployment, v.Principal, v.Host, strconv.Itoa(v.PID), v.Command,
				leaseTime(l.Started), leaseTime(l.Heartbeat), v.State})
		}
		return printTable(opts.IO.Out, []string{"Scope", "Deployment", "Principal", "Host", "PID", "Command",
			"Started", "Heartbeat", "State"}, rows)
	})
}

// brokenLease is what 'lease break -o json' prints.
type brokenLease struct {
	*arm.LeaseInfo
	// DeploymentInterrupted: the gone holder's Running deployment is now
	// recorded Failed. CancelRequested: the live holder's deployment was
	// asked to cancel.
	DeploymentInterrupted bool `json:"deploymentInterrupted"`
	CancelRequested       bool `json:"cancelRequested"`
}

func runLeaseBreak(ctx context.Context, opts *leaseOptions, sc arm.Scope) error {
	return opts.withService(ctx, true, func(svc *arm.Service) error {
		b, err := svc.BreakLease(ctx, opts.IO.Principal, sc)
		if err != nil {
			return err
		}
		if opts.Output != "text" {
			return emit(opts.IO.Out, opts.Output, brokenLease{arm.LeaseView(b.Lease), b.Interrupted, b.CancelRequested})
		}
		l := b.Lease
		fmt.Fprintf(opts.IO.Out, "Broke the lease on %s held by %s.\n", l.Scope, holderText(l))
		switch {
		case b.Interrupted:
			fmt.Fprintf(opts.IO.Out, "The holder was gone: deployment '%s' is now recorded Failed.\n", l.Holder)
		case b.CancelRequested:
			fmt.Fprintf(opts.IO.Out, "The holder was alive: deployment '%s' was asked to cancel; its operations in flight finish first.\n", l.Holder)
		case l.Stale:
			fmt.Fprintln(opts.IO.Out, "The holder was gone.")
		default:
			fmt.Fprintln(opts.IO.Out, "The holder was alive: it may still be writing to the scope.")
		}
		return nil
	})
}

// holderText names a lease's holder: its principal, then its deployment,
// process, command and last heartbeat.
func holderText(l *state.Lease) string {
	who := l.Principal
	if who == "" {
		who = "an unknown principal" // a lease of an older armdeploy
	}
	return fmt.Sprintf("%s (deployment '%s', pid %d on host %s, command %q, last heartbeat %s)",
		who, l.Holder, l.PID, l.Host, l.Command, leaseTime(l.Heartbeat))
}

func leaseTime(t time.Time) string {
	if t.IsZero() {
		return "never"
	}
	return t.UTC().Format(time.RFC3339)
}

// warnTakeover tells the user that a deployment took over the lease of a
// gone holder.
func warnTakeover(w io.Writer, l *state.Lease) {
	fmt.Fprintf(w, "warning: took over the lease on %s from %s: the holder is gone\n", l.Scope, holderText(l))
}
