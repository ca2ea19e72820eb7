package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/armdeploy/armdeploy/arm"
	"github.com/armdeploy/armdeploy/state"
)

func init() { commands = append(commands, newTemplateSpecCmd) }

// tsOptions are the flags of 'armdeploy ts', named as az's 'ts' group.
type tsOptions struct {
	IO *IOStreams
	stateFlags
	Name, Version, ResourceGroup, Location string
	TemplateFile                           string
	Description, VersionDescription        string
	DisplayName, TemplateSpec              string
	Yes                                    bool
}

func newTemplateSpecCmd(io *IOStreams) *cobra.Command {
	opts := &tsOptions{IO: io}
	cmd := &cobra.Command{
		Use:   "ts",
		Short: "Manage template specs (as 'az ts')",
		Long: `Ts stores templates as template specs (Microsoft.Resources/templateSpecs and
their versions) in the local Azure. A version holds the main template and every
template it links by a literal templateLink.relativePath, at every depth, so a
deployment whose templateLink.id names the version deploys it with its links.`,
		Example: `  armdeploy ts create -n network -v 1.0 -g specs -l eastus -f network/azuredeploy.json
  armdeploy ts list -g specs
  armdeploy ts show -n network -g specs -v 1.0 -o json
  armdeploy ts delete -n network -g specs -v 1.0 --yes`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	opts.stateFlags.register(cmd)
	named := func(c *cobra.Command, versionUsage string) {
		c.Flags().StringVarP(&opts.Name, "name", "n", "", "the template spec's name")
		c.Flags().StringVarP(&opts.ResourceGroup, "resource-group", "g", "", "the resource group of the template spec")
		c.Flags().StringVarP(&opts.Version, "version", "v", "", versionUsage)
	}

	create := &cobra.Command{
		Use:   "create -n NAME -v VERSION -g RG [-l LOCATION] -f FILE",
		Short: "Create a template spec version (and the spec when it does not exist)",
		Example: `  armdeploy ts create -n network -v 1.0 -g specs -l eastus -f network/azuredeploy.json
  armdeploy ts create -n network -v 1.1 -g specs -f network/azuredeploy.json --version-description "adds a subnet"`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := opts.check(true, true); err != nil {
				return err
			}
			if opts.TemplateFile == "" {
				return usagef("the template file is required: -f/--template-file")
			}
			if !opts.Yes {
				// az asks before it replaces a version
				id := arm.TemplateSpecID(opts.Subscription, opts.ResourceGroup, opts.Name, opts.Version)
				exists := opts.withService(cmd.Context(), true, func(svc *arm.Service) error {
					_, err := svc.GetResource(cmd.Context(), opts.IO.Principal, id)
					return err
				}) == nil
				if exists {
					fmt.Fprintf(opts.IO.Err, "This will override template spec %s version %s. Proceed? (y/n): ", opts.Name, opts.Version)
					answer, _ := bufio.NewReader(opts.IO.In).ReadString('\n')
					if a := strings.ToLower(strings.TrimSpace(answer)); a != "y" && a != "yes" {
						fmt.Fprintln(opts.IO.Err)
						return errors.New("the template spec version was not replaced: answer y, or pass --yes")
					}
				}
			}
			return opts.withService(cmd.Context(), false, func(svc *arm.Service) error {
				r, err := svc.CreateTemplateSpec(cmd.Context(), arm.TemplateSpecRequest{Principal: opts.IO.Principal,
					SubscriptionID: opts.Subscription, ResourceGroup: opts.ResourceGroup, Name: opts.Name, Version: opts.Version,
					Location: opts.Location, File: opts.TemplateFile, Description: opts.Description,
					VersionDescription: opts.VersionDescription, DisplayName: opts.DisplayName})
				if err != nil {
					return err
				}
				return writeSpecs(opts, []*state.Resource{r}, true)
			})
		},
	}
	named(create, "the version to create (required)")
	create.Flags().StringVarP(&opts.Location, "location", "l", "", "the template spec's location (default: the group's)")
	create.Flags().StringVarP(&opts.TemplateFile, "template-file", "f", "", "the main template (required); its relativePath links are packed with it")
	create.Flags().StringVarP(&opts.Description, "description", "d", "", "the template spec's description")
	create.Flags().StringVar(&opts.VersionDescription, "version-description", "", "the version's description")
	create.Flags().StringVar(&opts.DisplayName, "display-name", "", "the template spec's display name")
	create.Flags().BoolVarP(&opts.Yes, "yes", "y", false, "replace an existing version without asking")

	show := &cobra.Command{
		Use:   "show -n NAME -g RG [-v VERSION] | --template-spec ID",
		Short: "Show a template spec or one of its versions",
		Example: `  armdeploy ts show -n network -g specs
  armdeploy ts show -n network -g specs -v 1.0 -o json`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := opts.check(opts.TemplateSpec == "", false); err != nil {
				return err
			}
			id := opts.TemplateSpec
			if id == "" {
				id = arm.TemplateSpecID(opts.Subscription, opts.ResourceGroup, opts.Name, opts.Version)
			}
			return opts.withService(cmd.Context(), true, func(svc *arm.Service) error {
				r, err := svc.GetResource(cmd.Context(), opts.IO.Principal, id)
				if err != nil {
					return err
				}
				return writeSpecs(opts, []*state.Resource{r}, true)
			})
		},
	}
	named(show, "the version to show (default: the spec itself)")
	show.Flags().StringVarP(&opts.TemplateSpec, "template-spec", "s", "", "the id of the template spec or version")

	list := &cobra.Command{
		Use:   "list [-g RG] [-n NAME]",
		Short: "List template specs (of a group), or the versions of one",
		Example: `  armdeploy ts list -g specs
  armdeploy ts list -g specs -n network -o json`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := opts.check(false, false); err != nil {
				return err
			}
			if opts.Name != "" && opts.ResourceGroup == "" {
				return usagef("-n needs -g/--resource-group")
			}
			return opts.withService(cmd.Context(), true, func(svc *arm.Service) error {
				rs, err := svc.TemplateSpecs(cmd.Context(), opts.IO.Principal, opts.Subscription, opts.ResourceGroup, opts.Name)
				if err != nil {
					return err
				}
				return writeSpecs(opts, rs, false)
			})
		},
	}
	list.Flags().StringVarP(&opts.Name, "name", "n", "", "list the versions of this template spec")
	list.Flags().StringVarP(&opts.ResourceGroup, "resource-group", "g", "", "only the template specs of this group")

	del := &cobra.Command{
		Use:   "delete -n NAME -g RG [-v VERSION] [--yes]",
		Short: "Delete a template spec version, or the spec with all its versions",
		Example: `  armdeploy ts delete -n network -g specs -v 1.0 --yes
  armdeploy ts delete -n network -g specs --yes`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := opts.check(true, false); err != nil {
				return err
			}
			id := arm.TemplateSpecID(opts.Subscription, opts.ResourceGroup, opts.Name, opts.Version)
			err := opts.withService(cmd.Context(), true, func(svc *arm.Service) error {
				_, err := svc.GetResource(cmd.Context(), opts.IO.Principal, id)
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
					return errors.New("the template spec was not deleted: answer y, or pass --yes")
				}
			}
			return opts.withService(cmd.Context(), false, func(svc *arm.Service) error {
				return svc.DeleteTemplateSpec(cmd.Context(), opts.IO.Principal, opts.Subscription, opts.ResourceGroup, opts.Name, opts.Version)
			})
		},
	}
	named(del, "the version to delete (default: the spec and all its versions)")
	del.Flags().BoolVarP(&opts.Yes, "yes", "y", false, "do not ask for confirmation")

	cmd.AddCommand(create, show, list, del)
	return cmd
}

func (o *tsOptions) check(needName, needVersion bool) error {
	if err := o.stateFlags.check(); err != nil {
		return err
	}
	if needName && o.Name == "" {
		return usagef("the template spec name is required: -n/--name")
	}
	if needName && o.ResourceGroup == "" {
		return usagef("the resource group is required: -g/--resource-group")
	}
	if needVersion && o.Version == "" {
		return usagef("the version is required: -v/--version")
	}
	return nil
}

func (o *tsOptions) withService(ctx context.Context, existing bool, run func(*arm.Service) error) error {
	svc, err := service(ctx, o.StatePath, o.IO, existing)
	if err != nil {
		return err
	}
	defer svc.Close()
	return run(svc)
}

// writeSpecs prints template specs and versions: their ARM bodies in
// JSON, a table in text.
func writeSpecs(opts *tsOptions, rs []*state.Resource, single bool) error {
	if opts.Output != "text" {
		return emitItems(opts.IO.Out, opts.Output, rs, single, arm.ResourceBody)
	}
	var rows [][]string
	for _, r := range rs {
		name, version := r.Name, ""
		if i := strings.Index(name, "/"); i >= 0 {
			name, version = name[:i], name[i+1:]
		}
		rows = append(rows, []string{name, version, r.ResourceGroup, r.Location})
	}
	return printTable(opts.IO.Out, []string{"Name", "Version", "ResourceGroup", "Location"}, rows)
}
