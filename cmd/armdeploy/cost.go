package main

import (
	"context"
	"fmt"
	"strconv"

	"github.com/spf13/cobra"

	"github.com/armdeploy/armdeploy/providers"
)

func init() { commands = append(commands, newCostCmd) }

type costOptions struct {
	IO *IOStreams
	stateFlags
	ResourceGroup string
}

func newCostCmd(io *IOStreams) *cobra.Command {
	opts := &costOptions{IO: io}
	cmd := &cobra.Command{
		Use:   "cost -g RG [-o text|json|yaml|tsv|table]",
		Short: "Show what the image versions of a resource group are billed for",
		Long: `Cost applies the Azure Compute Gallery billing model to the image versions stored
in a resource group. The gallery service itself is free. Each version is billed
for storage, one snapshot of its size for every replica in every target region
(size x replicas x regions), and for network egress, one copy of its size from
its source region to each other target region; further replicas inside a region
are free. The figures are quantities (GB), not prices.`,
		Example: `  armdeploy cost -g rg-sig-quickstarts
  armdeploy cost -g rg-sig-quickstarts -o json`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := opts.check(); err != nil {
				return err
			}
			if err := required(opts.ResourceGroup, "-g/--resource-group"); err != nil {
				return err
			}
			return runCost(cmd.Context(), opts)
		},
	}
	opts.stateFlags.register(cmd)
	cmd.Flags().StringVarP(&opts.ResourceGroup, "resource-group", "g", "", "the resource group (required)")
	return cmd
}

func runCost(ctx context.Context, opts *costOptions) error {
	svc, err := service(ctx, opts.StatePath, opts.IO, true)
	if err != nil {
		return err
	}
	defer svc.Close()
	rep, err := svc.Cost(ctx, opts.IO.Principal, opts.Subscription, opts.ResourceGroup)
	if err != nil {
		return err
	}
	if opts.Output != "text" {
		return emit(opts.IO.Out, opts.Output, rep)
	}
	return writeCostText(opts, rep)
}

// writeCostText prints one row per target region of each version and a
// total.
func writeCostText(opts *costOptions, rep *providers.CostReport) error {
	out := opts.IO.Out
	if len(rep.Versions) == 0 {
		_, err := fmt.Fprintf(out, "No image versions in resource group '%s'.\n", rep.ResourceGroup)
		return err
	}
	itoa := func(n int64) string { return strconv.FormatInt(n, 10) }
	var rows [][]string
	for _, v := range rep.Versions {
		for i, rc := range v.Regions {
			name, size := v.Name, itoa(v.SizeGB)
			if i > 0 {
				name, size = "", ""
			}
			region := rc.Region
			if rc.Source {
				region += " (source)"
			}
			rows = append(rows, []string{name, size, region, itoa(rc.Replicas), rc.StorageAccountType, itoa(rc.StorageGB), itoa(rc.EgressGB)})
		}
	}
	header := []string{"Image version", "Size (GB)", "Region", "Replicas", "Storage type", "Storage (GB)", "Egress (GB)"}
	if err := printTable(out, header, rows); err != nil {
		return err
	}
	t := rep.Total
	_, err := fmt.Fprintf(out, "\nTotal: %s, %s, %d GB of snapshot storage, %d GB of egress.\n",
		plural(t.Versions, "image version"), plural(int(t.Snapshots), "snapshot"), t.StorageGB, t.EgressGB)
	return err
}
