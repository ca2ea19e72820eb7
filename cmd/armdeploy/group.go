package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/armdeploy/armdeploy/arm"
	"github.com/armdeploy/armdeploy/state"
)

func init() { commands = append(commands, newGroupCmd) }

type groupOptions struct {
	IO *IOStreams
	stateFlags
	Name     string
	Location string
	Tags     []string
	Yes      bool
}

func newGroupCmd(io *IOStreams) *cobra.Command {
	opts := &groupOptions{IO: io}
	cmd := &cobra.Command{
		Use: "group",
		Example: `  armdeploy group create -n demo -l eastus
  armdeploy group list -o table`,
		Short: "Create, list, show and delete resource groups",
		Long: `Group manages the resource groups of the local Azure, with the flags of
'az group'. Deleting a group deletes its resources and deployment history.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	opts.stateFlags.register(cmd)
	name := func(c *cobra.Command) {
		c.Flags().StringVarP(&opts.Name, "name", "n", "", "the resource group's name (required)")
	}

	create := &cobra.Command{
		Use:     "create -n NAME -l LOCATION [--tags KEY=VALUE ...]",
		Short:   "Create a resource group, or update the tags of an existing one",
		Example: `  armdeploy group create -n demo -l eastus --tags env=dev owner=platform`,
		RunE: func(cmd *cobra.Command, args []string) error {
			// As in az, "--tags a=1 b=2" gives two tags.
			if len(args) > 0 && !cmd.Flags().Changed("tags") {
				return usagef("unexpected argument %q", args[0])
			}
			opts.Tags = append(opts.Tags, args...)
			if err := opts.check(); err != nil {
				return err
			}
			if err := required(opts.Name, "-n/--name"); err != nil {
				return err
			}
			if err := required(opts.Location, "-l/--location"); err != nil {
				return err
			}
			return runGroupCreate(cmd.Context(), opts, cmd.Flags().Changed("tags"))
		},
	}
	name(create)
	create.Flags().StringVarP(&opts.Location, "location", "l", "", "the location, e.g. eastus (required)")
	create.Flags().StringArrayVar(&opts.Tags, "tags", nil, "tags as KEY=VALUE; several may follow one --tags")

	list := &cobra.Command{
		Use: "list",
		Example: `  armdeploy group list
  armdeploy group list --query "[?location=='eastus'].name" -o tsv`,
		Short: "List the resource groups of the subscription",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := opts.check(); err != nil {
				return err
			}
			return runGroupList(cmd.Context(), opts)
		},
	}

	show := &cobra.Command{
		Use:     "show -n NAME",
		Example: `  armdeploy group show -n demo -o json`,
		Short:   "Show a resource group",
		Args:    noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := opts.check(); err != nil {
				return err
			}
			if err := required(opts.Name, "-n/--name"); err != nil {
				return err
			}
			return runGroupShow(cmd.Context(), opts)
		},
	}
	name(show)

	del := &cobra.Command{
		Use:     "delete -n NAME [--yes]",
		Example: `  armdeploy group delete -n demo --yes`,
		Short:   "Delete a resource group with its resources and deployment history",
		Long: `Delete removes the group, every resource in it, its deployment history and the
role assignments at or below it. It asks first unless --yes is given, and it
refuses while a deployment holds the group.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := opts.check(); err != nil {
				return err
			}
			if err := required(opts.Name, "-n/--name"); err != nil {
				return err
			}
			return runGroupDelete(cmd.Context(), opts)
		},
	}
	name(del)
	del.Flags().BoolVarP(&opts.Yes, "yes", "y", false, "do not ask for confirmation")

	cmd.AddCommand(create, list, show, del)
	return cmd
}

func parseTags(args []string) (map[string]string, error) {
	tags := map[string]string{}
	for _, a := range args {
		k, v, _ := strings.Cut(a, "=")
		if k == "" {
			return nil, usagef("invalid tag %q: use KEY=VALUE", a)
		}
		tags[k] = v
	}
	return tags, nil
}

func (o *groupOptions) withService(ctx context.Context, existing bool, run func(*arm.Service) error) error {
	svc, err := service(ctx, o.StatePath, o.IO, existing)
	if err != nil {
		return err
	}
	defer svc.Close()
	return run(svc)
}

func runGroupCreate(ctx context.Context, opts *groupOptions, tagsGiven bool) error {
	tags, err := parseTags(opts.Tags)
	if err != nil {
		return err
	}
	return opts.withService(ctx, false, func(svc *arm.Service) error {
		g, err := svc.CreateOrUpdateGroup(ctx, opts.IO.Principal, arm.GroupRequest{SubscriptionID: opts.Subscription,
			Name: opts.Name, Location: opts.Location, Tags: tags, SetTags: tagsGiven})
		if err != nil {
			return err
		}
		return writeGroups(opts, []*state.ResourceGroup{g}, true)
	})
}

func runGroupList(ctx context.Context, opts *groupOptions) error {
	return opts.withService(ctx, true, func(svc *arm.Service) error {
		groups, err := svc.ListGroups(ctx, opts.IO.Principal, opts.Subscription)
		if err != nil {
			return err
		}
		return writeGroups(opts, groups, false)
	})
}

func runGroupShow(ctx context.Context, opts *groupOptions) error {
	return opts.withService(ctx, true, func(svc *arm.Service) error {
		g, err := svc.GetGroup(ctx, opts.IO.Principal, opts.Subscription, opts.Name)
		if err != nil {
			return err
		}
		return writeGroups(opts, []*state.ResourceGroup{g}, true)
	})
}

func runGroupDelete(ctx context.Context, opts *groupOptions) error {
	err := opts.withService(ctx, true, func(svc *arm.Service) error {
		_, err := svc.GetGroup(ctx, "", opts.Subscription, opts.Name)
		return err
	})
	if err != nil {
		return err
	}
	if !opts.Yes {
		fmt.Fprintf(opts.IO.Err, "Are you sure you want to perform this operation? (y/n): ")
		answer, _ := bufio.NewReader(opts.IO.In).ReadString('\n')
		if a := strings.ToLower(strings.TrimSpace(answer)); a != "y" && a != "yes" {
			fmt.Fprintln(opts.IO.Err)
			return errors.New("the resource group was not deleted: answer y, or pass --yes")
		}
	}
	return opts.withService(ctx, false, func(svc *arm.Service) error {
		return svc.DeleteGroup(ctx, opts.IO.Principal, opts.Subscription, opts.Name)
	})
}

// groupJSON is a resource group as ARM returns it.
func groupJSON(g *state.ResourceGroup) *arm.ResourceGroup { return arm.GroupView(g) }

// writeGroups prints groups: one object (single) or an array in JSON, a
// table in text.
func writeGroups(opts *groupOptions, groups []*state.ResourceGroup, single bool) error {
	if opts.Output != "text" {
		return emitItems(opts.IO.Out, opts.Output, groups, single, groupJSON)
	}
	var rows [][]string
	for _, g := range groups {
		rows = append(rows, []string{g.Name, g.Location, "Succeeded", formatTags(g.Tags)})
	}
	return printTable(opts.IO.Out, []string{"Name", "Location", "Status", "Tags"}, rows)
}

func formatTags(tags map[string]string) string {
	keys := make([]string, 0, len(tags))
	for k := range tags {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var parts []string
	for _, k := range keys {
		parts = append(parts, k+"="+tags[k])
	}
	return strings.Join(parts, " ")
}
