package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/armdeploy/armdeploy/arm"
	"github.com/armdeploy/armdeploy/state"
)

func init() { commands = append(commands, newResourceCmd) }

type resourceOptions struct {
	IO *IOStreams
	stateFlags
	ResourceGroup    string
	ResourceType     string
	Name             string
	IDs              []string
	AllSubscriptions bool
	// Expand is show's --expand, as ARM's $expand of a GET: an image
	// version's replicationStatus only with ReplicationStatus.
	Expand string
}

func newResourceCmd(io *IOStreams) *cobra.Command {
	opts := &resourceOptions{IO: io}
	cmd := &cobra.Command{
		Use: "resource",
		Example: `  armdeploy resource list -g demo -o table
  armdeploy resource show -g demo --resource-type Microsoft.Compute/galleries -n gallery1`,
		Short: "List and show the resources in the local Azure",
		Long:  `Resource lists and shows stored resources, with the flags of 'az resource'.`,
		Args:  noArgs,
		RunE:  func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	opts.stateFlags.register(cmd)
	group := func(c *cobra.Command, usage string) {
		c.Flags().StringVarP(&opts.ResourceGroup, "resource-group", "g", "", usage)
		c.Flags().StringVar(&opts.ResourceType, "resource-type", "", "the full resource type, e.g. Microsoft.Compute/galleries/images")
	}

	list := &cobra.Command{
		Use:   "list [-g RG] [--resource-type TYPE] [--all-subscriptions]",
		Short: "List resources, sorted by id",
		Example: `  armdeploy resource list -g demo
  armdeploy resource list --resource-type Microsoft.Compute/galleries/images/versions --all-subscriptions -o json`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := opts.check(); err != nil {
				return err
			}
			return runResourceList(cmd.Context(), opts)
		},
	}
	group(list, "only the resources of this resource group")
	list.Flags().BoolVar(&opts.AllSubscriptions, "all-subscriptions", false, "list the resources of every subscription")

	show := &cobra.Command{
		Use:   "show --ids ID... | -g RG --resource-type TYPE -n NAME",
		Short: "Show a resource as a GET returns it",
		Long: `Show prints stored resources as ARM's GET returns them. Name them by id (--ids,
several allowed) or by group, full type and full name (a child's name has one
segment per type level: -n gallery1/linux for galleries/images). As in Azure, an
image version's per-region replication status (also while it replicates) is
shown with --expand ReplicationStatus, as 'az sig image-version show --expand
ReplicationStatus' does.`,
		Example: `  armdeploy resource show --ids /subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/demo/providers/Microsoft.Compute/galleries/gallery1
  armdeploy resource show -g demo --resource-type Microsoft.Compute/galleries/images -n gallery1/linux
  armdeploy resource show -g demo --resource-type Microsoft.Compute/galleries/images/versions -n gallery1/linux/1.0.0 --expand ReplicationStatus -o json`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 && !cmd.Flags().Changed("ids") {
				return usagef("unexpected argument %q", args[0])
			}
			opts.IDs = append(opts.IDs, args...)
			if err := opts.check(); err != nil {
				return err
			}
			return runResourceShow(cmd.Context(), opts)
		},
	}
	group(show, "the resource group")
	show.Flags().StringVarP(&opts.Name, "name", "n", "", "the resource's full name")
	show.Flags().StringArrayVar(&opts.IDs, "ids", nil, "one or more resource ids")
	show.Flags().StringVar(&opts.Expand, "expand", "", "what to add to the GET's body, as ARM's $expand: ReplicationStatus (an image version's per-region replication)")

	cmd.AddCommand(list, show)
	return cmd
}

func runResourceList(ctx context.Context, opts *resourceOptions) error {
	svc, err := service(ctx, opts.StatePath, opts.IO, true)
	if err != nil {
		return err
	}
	defer svc.Close()
	f := arm.ResourceFilter{SubscriptionID: opts.Subscription, ResourceGroup: opts.ResourceGroup, Type: opts.ResourceType}
	if opts.AllSubscriptions {
		f.SubscriptionID = ""
	}
	rs, err := svc.ListResources(ctx, opts.IO.Principal, f)
	if err != nil {
		return err
	}
	return writeResources(opts, rs, false)
}

// resourceTarget is one resource to show.
type resourceTarget struct {
	id  string
	ref *state.ResourceID
}

func (o *resourceOptions) targets() ([]resourceTarget, error) {
	byName := o.ResourceGroup != "" || o.ResourceType != "" || o.Name != ""
	switch {
	case len(o.IDs) > 0 && byName:
		return nil, usagef("use either --ids or -g with --resource-type and -n, not both")
	case len(o.IDs) == 0 && !byName:
		return nil, usagef("name the resource: --ids ID, or -g RG --resource-type TYPE -n NAME")
	case len(o.IDs) == 0:
		if o.ResourceGroup == "" || o.ResourceType == "" || o.Name == "" {
			return nil, usagef("-g, --resource-type and -n are all needed to name a resource")
		}
		types := strings.Split(strings.Trim(o.ResourceType, "/"), "/")
		names := strings.Split(strings.Trim(o.Name, "/"), "/")
		if len(types) < 2 || len(names) != len(types)-1 {
			return nil, usagef("the name '%s' does not fit the type '%s': a name has one segment per type level "+
				"after the namespace, %d here, separated by '/'", o.Name, o.ResourceType, max(len(types)-1, 1))
		}
		id := fmt.Sprintf("/subscriptions/%s/resourceGroups/%s/providers/%s", o.Subscription, o.ResourceGroup, types[0])
		for i, n := range names {
			id += "/" + types[i+1] + "/" + n
		}
		o.IDs = []string{id}
	}
	var out []resourceTarget
	for _, id := range o.IDs {
		ref, err := state.ParseResourceID(id)
		if err != nil {
			return nil, usagef("%v", err)
		}
		out = append(out, resourceTarget{id, ref})
	}
	return out, nil
}

func runResourceShow(ctx context.Context, opts *resourceOptions) error {
	targets, err := opts.targets()
	if err != nil {
		return err
	}
	svc, err := service(ctx, opts.StatePath, opts.IO, true)
	if err != nil {
		return err
	}
	defer svc.Close()
	var found []*state.Resource
	for _, tg := range targets {
		res, err := svc.GetResource(ctx, opts.IO.Principal, tg.id)
		if err != nil {
			return err
		}
		found = append(found, res)
	}
	if opts.Output != "text" {
		return emitItems(opts.IO.Out, opts.Output, found, len(found) == 1, func(r *state.Resource) any { return arm.ResourceView(r, opts.Expand) })
	}
	return writeResources(opts, found, len(found) == 1)
}

func writeResources(opts *resourceOptions, rs []*state.Resource, single bool) error {
	if opts.Output != "text" {
		return emitItems(opts.IO.Out, opts.Output, rs, single, arm.ResourceBody)
	}
	var rows [][]string
	for _, r := range rs {
		rows = append(rows, []string{r.Name, r.ResourceGroup, r.Location, r.Type})
	}
	return printTable(opts.IO.Out, []string{"Name", "ResourceGroup", "Location", "Type"}, rows)
}
