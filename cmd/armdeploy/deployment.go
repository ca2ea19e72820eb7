package main

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/armdeploy/armdeploy/arm"
	"github.com/armdeploy/armdeploy/state"
)

func init() { commands = append(commands, newDeploymentCmd) }

// deploymentOptions are the flags of the deployment history commands.
type deploymentOptions struct {
	IO *IOStreams
	stateFlags
	ResourceGroup   string
	ManagementGroup string
	Name            string
	level           string // group, sub, mg or tenant
}

// scopeLevels are az's deployment scope groups, with what they need.
var scopeLevels = []struct{ name, short string }{
	{"group", "Deployments to a resource group"},
	{"sub", "Deployments at subscription scope"},
	{"mg", "Deployments at management-group scope"},
	{"tenant", "Deployments at tenant scope"},
}

func newDeploymentCmd(io *IOStreams) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "deployment",
		Short: "Deploy at a scope, and read, cancel or delete deployment history",
		Long: `Deployment mirrors 'az deployment': 'deployment group|sub|mg|tenant'
create, what-if, validate, show, list, delete and cancel a deployment at that
scope, and 'deployment operation group|sub|mg|tenant list' lists a deployment's
operations. The scope of a template comes from its $schema; deploying it at
another scope is refused as ARM refuses it.

A scope keeps its last 800 deployments, newest first. Deleting a deployment
deletes its record and operations, not its resources.

The older forms 'deployment list|show|operations|delete -g RG' remain.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	legacy := &deploymentOptions{IO: io, level: "group"}
	legacy.stateFlags.register(cmd)
	cmd.AddCommand(
		historyCmd(legacy, "list", "List the group's deployments, newest first", false, runDeploymentList),
		historyCmd(legacy, "show", "Show a deployment as ARM returns it", true, runDeploymentShow),
		historyCmd(legacy, "operations", "List a deployment's operations", true, runDeploymentOperations),
		historyCmd(legacy, "delete", "Delete a deployment from the history (its resources stay)", true, runDeploymentDelete),
	)
	operation := &cobra.Command{Use: "operation", Short: "Deployment operations at a scope", Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return cmd.Help() }}
	cmd.AddCommand(operation)
	for _, lv := range scopeLevels {
		opts := &deploymentOptions{IO: io, level: lv.name}
		c := &cobra.Command{Use: lv.name, Short: lv.short, Args: noArgs,
			RunE: func(cmd *cobra.Command, _ []string) error { return cmd.Help() }}
		c.AddCommand(
			renamed(deployCmd(io, lv.name), "create", "Deploy a template at this scope"),
			renamed(whatIfCmd(io, lv.name), "what-if", "Preview what a deployment at this scope would change"),
			renamed(validateCmd(io, lv.name), "validate", "Check a deployment at this scope without deploying"),
			historyCmd(opts, "show", "Show a deployment as ARM returns it", true, runDeploymentShow),
			historyCmd(opts, "list", "List the scope's deployments, newest first", false, runDeploymentList),
			historyCmd(opts, "delete", "Delete a deployment from the history (its resources stay)", true, runDeploymentDelete),
			historyCmd(opts, "cancel", "Cancel a running deployment (its process stops within a second)", true, runDeploymentCancel),
			historyCmd(opts, "export", "Print the template a deployment ran", true, runDeploymentExport),
		)
		opts.stateFlags.register(c)
		cmd.AddCommand(c)
		ops := &deploymentOptions{IO: io, level: lv.name}
		oc := &cobra.Command{Use: lv.name, Short: "Operations of a deployment: " + lv.short, Args: noArgs,
			RunE: func(cmd *cobra.Command, _ []string) error { return cmd.Help() }}
		oc.AddCommand(historyCmd(ops, "list", "List a deployment's operations", true, runDeploymentOperations))
		ops.stateFlags.register(oc)
		operation.AddCommand(oc)
	}
	return cmd
}

// renamed gives a template command its name under 'deployment LEVEL'.
func renamed(c *cobra.Command, name, short string) *cobra.Command {
	c.Use, c.Short = name, short
	return c
}

// historyCmd is one of the commands that read or change a scope's history.
func historyCmd(opts *deploymentOptions, use, short string, named bool, run func(context.Context, *deploymentOptions) error) *cobra.Command {
	c := &cobra.Command{
		Use:   use + opts.usage(named),
		Short: short,
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := opts.check(); err != nil {
				return err
			}
			switch opts.level {
			case "group":
				if err := required(opts.ResourceGroup, "-g/--resource-group"); err != nil {
					return err
				}
			case "mg":
				if err := required(opts.ManagementGroup, "-m/--management-group-id"); err != nil {
					return err
				}
			}
			if named {
				if err := required(opts.Name, "-n/--name"); err != nil {
					return err
				}
			}
			return run(cmd.Context(), opts)
		},
	}
	switch opts.level {
	case "group":
		c.Flags().StringVarP(&opts.ResourceGroup, "resource-group", "g", "", "the resource group (required)")
	case "mg":
		c.Flags().StringVarP(&opts.ManagementGroup, "management-group-id", "m", "", "the management group (required)")
	}
	if named {
		c.Flags().StringVarP(&opts.Name, "name", "n", "", "the deployment's name (required)")
	}
	return c
}

func (o *deploymentOptions) usage(named bool) string {
	u := map[string]string{"group": " -g RG", "mg": " -m MG"}[o.level]
	if named {
		u += " -n NAME"
	}
	return u
}

func (o *deploymentOptions) scope() arm.Scope {
	return scopeAt(o.level, o.Subscription, o.ResourceGroup, o.ManagementGroup)
}

// withService opens the control plane; reads never create the store.
func (o *deploymentOptions) withService(ctx context.Context, run func(*arm.Service) error) error {
	svc, err := service(ctx, o.StatePath, o.IO, true)
	if err != nil {
		return err
	}
	defer svc.Close()
	return run(svc)
}

func runDeploymentList(ctx context.Context, opts *deploymentOptions) error {
	return opts.withService(ctx, func(svc *arm.Service) error {
		ds, err := svc.ListDeployments(ctx, opts.IO.Principal, opts.scope())
		if err != nil {
			return err
		}
		return writeDeployments(opts, ds, false)
	})
}

func runDeploymentShow(ctx context.Context, opts *deploymentOptions) error {
	return opts.withService(ctx, func(svc *arm.Service) error {
		d, err := svc.GetDeployment(ctx, opts.IO.Principal, opts.scope(), opts.Name)
		if err != nil {
			return err
		}
		return writeDeployments(opts, []*arm.DeploymentRecord{d}, true)
	})
}

func runDeploymentOperations(ctx context.Context, opts *deploymentOptions) error {
	return opts.withService(ctx, func(svc *arm.Service) error {
		ops, err := svc.ListOperations(ctx, opts.IO.Principal, opts.scope(), opts.Name)
		if err != nil {
			return err
		}
		if opts.Output != "text" {
			out := make([]*arm.Operation, 0, len(ops))
			for _, op := range ops {
				out = append(out, op.View)
			}
			return emit(opts.IO.Out, opts.Output, out)
		}
		var rows [][]string
		for _, op := range ops {
			name := op.ResourceID
			if ref, err := state.ParseResourceID(op.ResourceID); err == nil {
				name = ref.Name
			}
			rows = append(rows, []string{op.ProvisioningOperation, op.ResourceType, name, op.Status,
				op.Duration.Round(time.Millisecond).String(), errorCode(op.Error)})
		}
		return printTable(opts.IO.Out, []string{"Operation", "ResourceType", "ResourceName", "State", "Duration", "Error"}, rows)
	})
}

func runDeploymentDelete(ctx context.Context, opts *deploymentOptions) error {
	return opts.withService(ctx, func(svc *arm.Service) error {
		return svc.DeleteDeployment(ctx, opts.IO.Principal, opts.scope(), opts.Name)
	})
}

func runDeploymentCancel(ctx context.Context, opts *deploymentOptions) error {
	return opts.withService(ctx, func(svc *arm.Service) error {
		if err := svc.CancelDeployment(ctx, opts.IO.Principal, opts.scope(), opts.Name); err != nil {
			return err
		}
		if opts.Output == "text" {
			fmt.Fprintf(opts.IO.Err, "Deployment '%s' is being canceled.\n", opts.Name)
		}
		return nil
	})
}

func runDeploymentExport(ctx context.Context, opts *deploymentOptions) error {
	return opts.withService(ctx, func(svc *arm.Service) error {
		t, err := svc.ExportTemplate(ctx, opts.IO.Principal, opts.scope(), opts.Name)
		if err != nil {
			return err
		}
		format := opts.Output
		if format == "text" {
			format = "json"
		}
		return emit(opts.IO.Out, format, t)
	})
}

// errorCode returns the code of an ARM error document, or "".
func errorCode(m json.RawMessage) string {
	var e struct {
		Code  string `json:"code"`
		Error *struct {
			Code string `json:"code"`
		} `json:"error"`
	}
	if len(m) == 0 || json.Unmarshal(m, &e) != nil {
		return ""
	}
	if e.Code == "" && e.Error != nil {
		return e.Error.Code
	}
	return e.Code
}

func writeDeployments(opts *deploymentOptions, ds []*arm.DeploymentRecord, single bool) error {
	now := opts.IO.Now()
	if opts.Output != "text" {
		return emitItems(opts.IO.Out, opts.Output, ds, single, func(d *arm.DeploymentRecord) *arm.Deployment { return d.View })
	}
	var rows [][]string
	for _, d := range ds {
		end := d.Finished
		if end.IsZero() {
			end = now
		}
		ts := d.Finished
		if ts.IsZero() {
			ts = d.Started
		}
		rows = append(rows, []string{d.Name, d.Status, arm.FormatTime(ts), d.Mode,
			end.Sub(d.Started).Round(time.Millisecond).String(), errorCode(d.Error)})
	}
	return printTable(opts.IO.Out, []string{"Name", "State", "Timestamp", "Mode", "Duration", "Error"}, rows)
}
