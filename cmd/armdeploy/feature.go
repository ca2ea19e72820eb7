package main

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/armdeploy/armdeploy/arm"
)

func init() { commands = append(commands, newFeatureCmd) }

// featureOptions are the flags of the feature commands (az feature).
type featureOptions struct {
	IO *IOStreams
	stateFlags
	Namespace string
	Name      string
}

func newFeatureCmd(io *IOStreams) *cobra.Command {
	opts := &featureOptions{IO: io}
	cmd := &cobra.Command{
		Use: "feature",
		Example: `  armdeploy feature register --namespace Microsoft.Resources --name RegionAccess-australiacentral
  armdeploy feature list -o table`,
		Short: "Register a subscription for preview features and allow-listed regions (az feature)",
		Long: `Feature manages a subscription's feature registrations (Microsoft.Features), as
'az feature' does. A restricted region (Australia Central, Australia Central 2,
the canary regions Central US EUAP and East US 2 EUAP, France South, UK South 2,
...) takes resources, and image versions replicate to it, only once the
subscription registered its feature:

  Microsoft.Resources/RegionAccess-<region>  (e.g. RegionAccess-australiacentral)
  Microsoft.Resources/EUAPParticipation      (the canary regions)

A registration takes effect at once. Unregistering refuses new resources in the
region again; those already there stay.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	opts.stateFlags.register(cmd)
	named := func(c *cobra.Command) {
		c.Flags().StringVar(&opts.Namespace, "namespace", "", "the resource provider namespace, e.g. Microsoft.Resources (required)")
		c.Flags().StringVarP(&opts.Name, "name", "n", "", "the feature's name (required)")
		_ = c.MarkFlagRequired("namespace")
		_ = c.MarkFlagRequired("name")
	}
	verb := func(use, short, example string, run func(context.Context, *arm.Service) (*arm.Feature, error), existing bool) *cobra.Command {
		c := &cobra.Command{Use: use, Short: short, Example: example, Args: noArgs,
			RunE: func(cmd *cobra.Command, _ []string) error {
				if err := opts.check(); err != nil {
					return err
				}
				svc, err := service(cmd.Context(), opts.StatePath, opts.IO, existing)
				if err != nil {
					return err
				}
				defer svc.Close()
				f, err := run(cmd.Context(), svc)
				if err != nil {
					return err
				}
				return writeFeatures(opts, []*arm.Feature{f}, true)
			}}
		named(c)
		return c
	}
	register := verb("register --namespace NS --name NAME", "Register a feature in the subscription",
		"  armdeploy feature register --namespace Microsoft.Resources --name RegionAccess-australiacentral",
		func(ctx context.Context, svc *arm.Service) (*arm.Feature, error) {
			return svc.RegisterFeature(ctx, opts.IO.Principal, opts.Subscription, opts.Namespace, opts.Name)
		}, false)
	unregister := verb("unregister --namespace NS --name NAME", "Unregister a feature in the subscription",
		"  armdeploy feature unregister --namespace Microsoft.Resources --name RegionAccess-australiacentral",
		func(ctx context.Context, svc *arm.Service) (*arm.Feature, error) {
			return svc.UnregisterFeature(ctx, opts.IO.Principal, opts.Subscription, opts.Namespace, opts.Name)
		}, false)
	show := verb("show --namespace NS --name NAME", "Show a feature's state: Registered, Unregistered or NotRegistered",
		"  armdeploy feature show --namespace Microsoft.Resources --name EUAPParticipation -o json",
		func(ctx context.Context, svc *arm.Service) (*arm.Feature, error) {
			return svc.GetFeature(ctx, opts.IO.Principal, opts.Subscription, opts.Namespace, opts.Name)
		}, true)
	list := &cobra.Command{
		Use:     "list [--namespace NS]",
		Short:   "List the features the subscription registered or unregistered",
		Example: `  armdeploy feature list --namespace Microsoft.Resources -o json`,
		Args:    noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := opts.check(); err != nil {
				return err
			}
			svc, err := service(cmd.Context(), opts.StatePath, opts.IO, true)
			if err != nil {
				return err
			}
			defer svc.Close()
			fs, err := svc.ListFeatures(cmd.Context(), opts.IO.Principal, opts.Subscription, opts.Namespace)
			if err != nil {
				return err
			}
			return writeFeatures(opts, fs, false)
		},
	}
	list.Flags().StringVar(&opts.Namespace, "namespace", "", "only the features of this resource provider namespace")
	cmd.AddCommand(register, unregister, show, list)
	return cmd
}

func writeFeatures(opts *featureOptions, fs []*arm.Feature, single bool) error {
	if opts.Output != "text" {
		return emitItems(opts.IO.Out, opts.Output, fs, single, func(f *arm.Feature) any { return f })
	}
	var rows [][]string
	for _, f := range fs {
		rows = append(rows, []string{f.Name, f.Properties.State})
	}
	return printTable(opts.IO.Out, []string{"Name", "RegistrationState"}, rows)
}
