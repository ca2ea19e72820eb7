package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"unicode"

	"github.com/spf13/cobra"

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
		Use:   "group",
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
		Use:   "list",
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
		Use:   "show -n NAME",
		Short: "Show a resource group",
		Args:  noArgs,
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
		Use:   "delete -n NAME [--yes]",
		Short: "Delete a resource group with its resources and deployment history",
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

// normalizeLocation turns "East US" into "eastus", as ARM stores it.
func normalizeLocation(l string) string {
	return strings.ToLower(strings.ReplaceAll(l, " ", ""))
}

// checkGroupName applies ARM's rules for resource group names: 1 to 90
// letters, digits, '-', '_', '.', '(' or ')', not ending in a period.
func checkGroupName(name string) error {
	var bad strings.Builder
	for _, r := range name {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) && !strings.ContainsRune("-_.()", r) &&
			!strings.ContainsRune(bad.String(), r) {
			bad.WriteRune(r)
		}
	}
	switch {
	case bad.Len() > 0:
		return &cloudError{"InvalidResourceGroup", fmt.Sprintf("The provided resource group name '%s' has these "+
			"invalid characters: '%s'. The name can only be a letter, digit, '-', '.', '(', ')' or '_'.",
			name, bad.String())}
	case len([]rune(name)) > 90 || strings.HasSuffix(name, "."):
		return &cloudError{"InvalidResourceGroup", fmt.Sprintf("The provided resource group name '%s' is invalid: "+
			"it must be 1 to 90 characters long and must not end with a period.", name)}
	}
	return nil
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

func runGroupCreate(ctx context.Context, opts *groupOptions, tagsGiven bool) error {
	if err := checkGroupName(opts.Name); err != nil {
		return err
	}
	tags, err := parseTags(opts.Tags)
	if err != nil {
		return err
	}
	st, err := opts.open()
	if err != nil {
		return err
	}
	defer st.Close()
	location := normalizeLocation(opts.Location)
	g := &state.ResourceGroup{SubscriptionID: opts.Subscription, Name: opts.Name, Location: location,
		Created: opts.IO.Now()}
	if tagsGiven {
		g.Tags = tags
	}
	if err := authorize(ctx, st, opts.IO.Principal, "write", g.ID()); err != nil {
		return err
	}
	old, err := st.Group(ctx, opts.Subscription, opts.Name)
	switch {
	case err == nil:
		if old.Location != location {
			return &cloudError{"InvalidResourceGroupLocation", fmt.Sprintf("Invalid resource group location '%s'. "+
				"The Resource group already exists in location '%s'.", location, old.Location)}
		}
		// PUT on an existing group keeps its name's case and creation time.
		g.Name, g.Created, g.ManagedBy = old.Name, old.Created, old.ManagedBy
	case !errors.Is(err, state.ErrNotFound):
		return err
	}
	if err := st.PutGroup(ctx, g); err != nil {
		return err
	}
	return writeGroups(opts, []*state.ResourceGroup{g}, true)
}

func runGroupList(ctx context.Context, opts *groupOptions) error {
	r, done, err := opts.reader()
	if err != nil {
		return err
	}
	defer done()
	groups, err := r.Groups(ctx, opts.Subscription)
	if err != nil {
		return err
	}
	return writeGroups(opts, groups, false)
}

func runGroupShow(ctx context.Context, opts *groupOptions) error {
	r, done, err := opts.reader()
	if err != nil {
		return err
	}
	defer done()
	g, err := r.Group(ctx, opts.Subscription, opts.Name)
	if errors.Is(err, state.ErrNotFound) {
		return groupNotFound(opts.Name)
	} else if err != nil {
		return err
	}
	return writeGroups(opts, []*state.ResourceGroup{g}, true)
}

func runGroupDelete(ctx context.Context, opts *groupOptions) error {
	r, done, err := opts.reader()
	if err != nil {
		return err
	}
	_, err = r.Group(ctx, opts.Subscription, opts.Name)
	done()
	if errors.Is(err, state.ErrNotFound) {
		return groupNotFound(opts.Name)
	} else if err != nil {
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
	st, err := opts.open()
	if err != nil {
		return err
	}
	defer st.Close()
	g, err := st.Group(ctx, opts.Subscription, opts.Name)
	if errors.Is(err, state.ErrNotFound) {
		return groupNotFound(opts.Name)
	} else if err != nil {
		return err
	}
	if err := authorize(ctx, st, opts.IO.Principal, "delete", g.ID()); err != nil {
		return err
	}
	// A running deployment holds the group: do not pull it out from under it.
	host, _ := os.Hostname()
	release, err := st.AcquireLease(ctx, state.Lease{Scope: strings.ToLower(g.ID()), Holder: "group delete",
		PID: os.Getpid(), Host: host, Started: opts.IO.Now()}, 0)
	if err != nil {
		return err
	}
	defer release()
	if err := st.DeleteGroup(ctx, opts.Subscription, opts.Name); err != nil {
		return err
	}
	return release()
}

// groupJSON is a resource group as ARM returns it.
func groupJSON(g *state.ResourceGroup) map[string]any {
	out := map[string]any{
		"id":         g.ID(),
		"name":       g.Name,
		"type":       "Microsoft.Resources/resourceGroups",
		"location":   g.Location,
		"tags":       g.Tags,
		"properties": map[string]any{"provisioningState": "Succeeded"},
	}
	if g.ManagedBy != "" {
		out["managedBy"] = g.ManagedBy
	}
	return out
}

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
