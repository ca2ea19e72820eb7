package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/armdeploy/armdeploy/state"
)

func init() { commands = append(commands, newDeploymentCmd) }

type deploymentOptions struct {
	IO *IOStreams
	stateFlags
	ResourceGroup string
	Name          string
}

func newDeploymentCmd(io *IOStreams) *cobra.Command {
	opts := &deploymentOptions{IO: io}
	cmd := &cobra.Command{
		Use:   "deployment",
		Short: "List, show and delete a resource group's deployment history",
		Long: `Deployment reads a resource group's deployment history (the last 800
deployments, newest first) with the flags of 'az deployment group'. Deleting a
deployment deletes its record and operations, not its resources.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	opts.stateFlags.register(cmd)
	sub := func(use, short string, named bool, run func(context.Context, *deploymentOptions) error) *cobra.Command {
		c := &cobra.Command{
			Use:   use,
			Short: short,
			Args:  noArgs,
			RunE: func(cmd *cobra.Command, _ []string) error {
				if err := opts.check(); err != nil {
					return err
				}
				if err := required(opts.ResourceGroup, "-g/--resource-group"); err != nil {
					return err
				}
				if named {
					if err := required(opts.Name, "-n/--name"); err != nil {
						return err
					}
				}
				return run(cmd.Context(), opts)
			},
		}
		c.Flags().StringVarP(&opts.ResourceGroup, "resource-group", "g", "", "the resource group (required)")
		if named {
			c.Flags().StringVarP(&opts.Name, "name", "n", "", "the deployment's name (required)")
		}
		return c
	}
	cmd.AddCommand(
		sub("list -g RG", "List the group's deployments, newest first", false, runDeploymentList),
		sub("show -g RG -n NAME", "Show a deployment as ARM returns it", true, runDeploymentShow),
		sub("operations -g RG -n NAME", "List a deployment's operations", true, runDeploymentOperations),
		sub("delete -g RG -n NAME", "Delete a deployment from the history (its resources stay)", true, runDeploymentDelete),
	)
	return cmd
}

func deploymentNotFound(name string) error {
	return &cloudError{"DeploymentNotFound", fmt.Sprintf("Deployment '%s' could not be found.", name)}
}

// withGroup opens the store for reading and checks that the group exists.
func (o *deploymentOptions) withGroup(ctx context.Context) (state.Reader, func(), error) {
	r, done, err := o.reader()
	if err != nil {
		return nil, nil, err
	}
	g, err := r.Group(ctx, o.Subscription, o.ResourceGroup)
	if err != nil {
		done()
		if errors.Is(err, state.ErrNotFound) {
			return nil, nil, groupNotFound(o.ResourceGroup)
		}
		return nil, nil, err
	}
	// The history of a group is read with the group.
	if err := authorize(ctx, r, o.IO.Principal, "read", g.ID()); err != nil {
		done()
		return nil, nil, err
	}
	return r, done, nil
}

// deployment reads the deployment -n names, as ARM's not-found error when
// it is missing.
func (o *deploymentOptions) deployment(ctx context.Context, r state.Reader) (*state.Deployment, error) {
	d, err := r.Deployment(ctx, state.Scope{SubscriptionID: o.Subscription, ResourceGroup: o.ResourceGroup}, o.Name)
	if errors.Is(err, state.ErrNotFound) {
		return nil, deploymentNotFound(o.Name)
	}
	return d, err
}

func runDeploymentList(ctx context.Context, opts *deploymentOptions) error {
	r, done, err := opts.withGroup(ctx)
	if err != nil {
		return err
	}
	defer done()
	ds, err := r.Deployments(ctx, state.Scope{SubscriptionID: opts.Subscription, ResourceGroup: opts.ResourceGroup})
	if err != nil {
		return err
	}
	return writeDeployments(opts, ds, false)
}

func runDeploymentShow(ctx context.Context, opts *deploymentOptions) error {
	r, done, err := opts.withGroup(ctx)
	if err != nil {
		return err
	}
	defer done()
	d, err := opts.deployment(ctx, r)
	if err != nil {
		return err
	}
	return writeDeployments(opts, []*state.Deployment{d}, true)
}

func runDeploymentOperations(ctx context.Context, opts *deploymentOptions) error {
	r, done, err := opts.withGroup(ctx)
	if err != nil {
		return err
	}
	defer done()
	d, err := opts.deployment(ctx, r)
	if err != nil {
		return err
	}
	ops, err := r.Operations(ctx, d.Scope(), d.Name)
	if errors.Is(err, state.ErrNotFound) {
		return deploymentNotFound(opts.Name)
	} else if err != nil {
		return err
	}
	if opts.Output != "text" {
		out := make([]any, 0, len(ops))
		for _, op := range ops {
			out = append(out, operationJSON(d, op))
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
}

func runDeploymentDelete(ctx context.Context, opts *deploymentOptions) error {
	r, done, err := opts.withGroup(ctx)
	if err != nil {
		return err
	}
	d, err := opts.deployment(ctx, r)
	done()
	if err != nil {
		return err
	}
	st, err := opts.open()
	if err != nil {
		return err
	}
	defer st.Close()
	if d.Status == "Running" {
		// Its process may still be at work: it must not hold the group.
		host, _ := os.Hostname()
		scope := strings.ToLower((&state.ResourceGroup{SubscriptionID: opts.Subscription, Name: opts.ResourceGroup}).ID())
		release, err := st.AcquireLease(ctx, state.Lease{Scope: scope, Holder: "deployment delete", PID: os.Getpid(),
			Host: host, Started: opts.IO.Now()}, 0)
		if err != nil {
			return err
		}
		defer release()
	}
	err = st.DeleteDeployment(ctx, state.Scope{SubscriptionID: opts.Subscription, ResourceGroup: opts.ResourceGroup}, opts.Name)
	if errors.Is(err, state.ErrNotFound) {
		return deploymentNotFound(opts.Name)
	}
	return err
}

// deploymentID is the id of a deployment record.
func deploymentID(d *state.Deployment) string {
	scope := "/subscriptions/" + d.SubscriptionID
	if d.ResourceGroup != "" {
		scope += "/resourceGroups/" + d.ResourceGroup
	}
	return scope + "/providers/Microsoft.Resources/deployments/" + d.Name
}

// deploymentView is a deployment as ARM's GET returns it. The duration of
// a deployment still running is measured to now.
func deploymentView(d *state.Deployment, now time.Time) map[string]any {
	end := d.Finished
	if end.IsZero() {
		end = now
	}
	timestamp := d.Finished
	if timestamp.IsZero() {
		timestamp = d.Started
	}
	outRes := make([]map[string]string, 0, len(d.OutputResources))
	for _, id := range d.OutputResources {
		outRes = append(outRes, map[string]string{"id": id})
	}
	props := map[string]any{
		"provisioningState": d.Status,
		"mode":              d.Mode,
		"timestamp":         armTime(timestamp),
		"duration":          armDuration(end.Sub(d.Started)),
		"parameters":        rawOrNull(d.Parameters),
		"outputs":           rawOrNull(d.Outputs),
		"outputResources":   outRes,
	}
	if d.CorrelationID != "" {
		props["correlationId"] = d.CorrelationID
	}
	if d.TemplateHash != "" {
		props["templateHash"] = d.TemplateHash
	}
	if len(d.Error) > 0 {
		props["error"] = json.RawMessage(d.Error)
	}
	return map[string]any{
		"id":         deploymentID(d),
		"name":       d.Name,
		"type":       "Microsoft.Resources/deployments",
		"properties": props,
	}
}

// operationJSON is a deployment operation as ARM's deploymentOperations
// list returns it.
func operationJSON(d *state.Deployment, op *state.Operation) map[string]any {
	target := map[string]any{"id": op.ResourceID, "resourceType": op.ResourceType}
	if ref, err := state.ParseResourceID(op.ResourceID); err == nil {
		target["resourceName"] = ref.Name
	}
	props := map[string]any{
		"provisioningOperation": op.ProvisioningOperation,
		"provisioningState":     op.Status,
		"timestamp":             armTime(op.Started.Add(op.Duration)),
		"duration":              armDuration(op.Duration),
		"targetResource":        target,
	}
	if len(op.Error) > 0 {
		props["statusMessage"] = map[string]any{"status": "Failed", "error": json.RawMessage(op.Error)}
	}
	return map[string]any{
		"id":          deploymentID(d) + "/operations/" + op.OperationID,
		"operationId": op.OperationID,
		"properties":  props,
	}
}

func rawOrNull(m json.RawMessage) any {
	if len(m) == 0 {
		return nil
	}
	return m
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

func writeDeployments(opts *deploymentOptions, ds []*state.Deployment, single bool) error {
	now := opts.IO.Now()
	if opts.Output != "text" {
		return emitItems(opts.IO.Out, opts.Output, ds, single, func(d *state.Deployment) map[string]any { return deploymentView(d, now) })
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
		rows = append(rows, []string{d.Name, d.Status, armTime(ts), d.Mode,
			end.Sub(d.Started).Round(time.Millisecond).String(), errorCode(d.Error)})
	}
	return printTable(opts.IO.Out, []string{"Name", "State", "Timestamp", "Mode", "Duration", "Error"}, rows)
}
