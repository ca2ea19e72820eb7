package main

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/armdeploy/armdeploy/arm"
	"github.com/armdeploy/armdeploy/cmd/armdeploy/tui"
	"github.com/armdeploy/armdeploy/state"
)

func init() { commands = append(commands, newUICmd) }

func newUICmd(io *IOStreams) *cobra.Command {
	var f stateFlags
	cmd := &cobra.Command{
		Use:   "ui",
		Short: "Explore the local Azure: groups, resources, deployments and replication",
		Long: `ui opens an interactive explorer of the state store: subscriptions, resource
groups, resources with their JSON bodies, deployments with their operations,
and image versions with their per-region replication. Press ? for help and /
to search. It needs a terminal on stdin and stderr.`,
		Example: `  armdeploy ui
  armdeploy ui --state ci.db`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := f.check(); err != nil {
				return err
			}
			if !interactiveTerminal(io) {
				return usagef("ui is interactive: it needs a terminal on stdin and stderr (for scripts: group list, resource list, deployment list)")
			}
			svc, err := service(cmd.Context(), f.StatePath, io, true)
			if err != nil {
				return err
			}
			defer svc.Close()
			return tui.Explore(cmd.Context(), keyboard(io.In), io.Err, storeSource{svc, io.Principal}, tui.Options{NoColor: !useColor(io.Err), Now: io.Now})
		},
	}
	f.register(cmd)
	return cmd
}

// storeSource adapts the control plane to what the explorer reads: every
// read is arm's, for the caller, so the explorer shows only what the
// principal may read.
type storeSource struct {
	svc       *arm.Service
	principal string
}

func (s storeSource) Subscriptions(ctx context.Context) ([]tui.Subscription, error) {
	subs, err := s.svc.ListSubscriptions(ctx, s.principal)
	if err != nil {
		return nil, err
	}
	out := make([]tui.Subscription, len(subs))
	for i, x := range subs {
		out[i] = tui.Subscription{ID: x.ID, DisplayName: x.DisplayName, State: x.State}
	}
	return out, nil
}

func (s storeSource) Groups(ctx context.Context, subscription string) ([]tui.Group, error) {
	gs, err := s.svc.ListGroups(ctx, s.principal, subscription)
	if err != nil {
		return nil, err
	}
	out := make([]tui.Group, len(gs))
	for i, g := range gs {
		out[i] = tui.Group{SubscriptionID: g.SubscriptionID, Name: g.Name, Location: g.Location, Tags: g.Tags}
	}
	return out, nil
}

func (s storeSource) Resources(ctx context.Context, subscription, group string) ([]tui.Resource, error) {
	rs, err := s.svc.ListResources(ctx, s.principal, state.ResourceFilter{SubscriptionID: subscription, ResourceGroup: group})
	if err != nil {
		return nil, err
	}
	out := make([]tui.Resource, len(rs))
	for i, r := range rs {
		out[i] = tui.Resource{ID: r.ID, Type: r.Type, Name: r.Name, Location: r.Location, Deployment: r.Deployment, Updated: r.Updated, Body: r.Body}
	}
	return out, nil
}

func (s storeSource) Deployments(ctx context.Context, subscription, group string) ([]tui.Deployment, error) {
	ds, err := s.svc.ListDeployments(ctx, s.principal, arm.Scope{SubscriptionID: subscription, ResourceGroup: group})
	if err != nil {
		return nil, err
	}
	out := make([]tui.Deployment, len(ds))
	for i, d := range ds {
		out[i] = tui.Deployment{Name: d.Name, Mode: d.Mode, Status: d.Status, Started: d.Started, Finished: d.Finished, Error: d.Error, Outputs: d.Outputs}
	}
	return out, nil
}

func (s storeSource) Operations(ctx context.Context, subscription, group, deployment string) ([]tui.Operation, error) {
	ops, err := s.svc.ListOperations(ctx, s.principal, arm.Scope{SubscriptionID: subscription, ResourceGroup: group}, deployment)
	if err != nil {
		return nil, err
	}
	out := make([]tui.Operation, len(ops))
	for i, o := range ops {
		out[i] = tui.Operation{ResourceID: o.ResourceID, ResourceType: o.ResourceType, Operation: o.ProvisioningOperation,
			Status: o.Status, Started: o.Started, Duration: o.Duration, Error: o.Error}
	}
	return out, nil
}
