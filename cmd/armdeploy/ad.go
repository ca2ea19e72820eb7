package main

import (
	"github.com/spf13/cobra"

	"github.com/armdeploy/armdeploy/arm"
)

func init() { commands = append(commands, newADCmd) }

// adOptions are the flags of the ad commands (az ad group).
type adOptions struct {
	IO *IOStreams
	stateFlags
	Name     string
	Tenant   string
	Group    string
	MemberID string
}

func newADCmd(io *IOStreams) *cobra.Command {
	opts := &adOptions{IO: io}
	cmd := &cobra.Command{
		Use: "ad",
		Example: `  armdeploy ad group create --display-name builders
  armdeploy ad group member add --group builders --member-id 6b0e...`,
		Short: "Azure AD groups whose role assignments apply to their members (az ad group)",
		Long: `Ad manages the directory's security groups, as 'az ad group' does. A group is a
principal: a role assignment names its object id, and applies to each member,
be it a service principal ('armdeploy sp create', of this tenant or another:
--tenant) or another group (nested groups count, as in Azure RBAC). Sharing an
image gallery with a group shares it with everyone in it.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	opts.stateFlags.register(cmd)
	group := &cobra.Command{
		Use:     "group",
		Short:   "Create and list groups, and manage their members",
		Example: `  armdeploy ad group list -o json`,
		Args:    noArgs,
		RunE:    func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	open := func(cmd *cobra.Command, existing bool) (*arm.Service, error) {
		if err := opts.check(); err != nil {
			return nil, err
		}
		return service(cmd.Context(), opts.StatePath, opts.IO, existing)
	}
	create := &cobra.Command{
		Use:     "create --display-name NAME [--tenant TENANT]",
		Short:   "Create a security group",
		Example: `  armdeploy ad group create --display-name builders`,
		Args:    noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			svc, err := open(cmd, false)
			if err != nil {
				return err
			}
			defer svc.Close()
			g, err := svc.CreateADGroup(cmd.Context(), opts.IO.Principal, opts.Name, opts.Tenant)
			if err != nil {
				return err
			}
			return writeADGroups(opts, []*arm.ADGroup{g}, true)
		},
	}
	create.Flags().StringVar(&opts.Name, "display-name", "", "the group's name (required)")
	create.Flags().StringVar(&opts.Tenant, "tenant", "", "the group's tenant (default: the service's)")
	_ = create.MarkFlagRequired("display-name")
	list := &cobra.Command{
		Use:     "list",
		Short:   "List the groups",
		Example: `  armdeploy ad group list`,
		Args:    noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			svc, err := open(cmd, true)
			if err != nil {
				return err
			}
			defer svc.Close()
			gs, err := svc.ADGroups(cmd.Context())
			if err != nil {
				return err
			}
			return writeADGroups(opts, gs, false)
		},
	}
	member := &cobra.Command{
		Use:     "member",
		Short:   "Add, list and remove a group's members",
		Example: `  armdeploy ad group member list --group builders`,
		Args:    noArgs,
		RunE:    func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	memberFlags := func(c *cobra.Command, withMember bool) {
		c.Flags().StringVarP(&opts.Group, "group", "g", "", "the group's name or object id (required)")
		_ = c.MarkFlagRequired("group")
		if withMember {
			c.Flags().StringVar(&opts.MemberID, "member-id", "", "the member's object id: a service principal's or a group's (required)")
			_ = c.MarkFlagRequired("member-id")
		}
	}
	add := &cobra.Command{
		Use:     "add --group GROUP --member-id OBJECT_ID",
		Short:   "Add a member to a group",
		Example: `  armdeploy ad group member add --group builders --member-id 6b0e0f9c-2d35-4a5e-9b8b-3a3d1c0a9f11`,
		Args:    noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			svc, err := open(cmd, false)
			if err != nil {
				return err
			}
			defer svc.Close()
			return svc.AddADGroupMember(cmd.Context(), opts.IO.Principal, opts.Group, opts.MemberID)
		},
	}
	remove := &cobra.Command{
		Use:     "remove --group GROUP --member-id OBJECT_ID",
		Short:   "Remove a member from a group",
		Example: `  armdeploy ad group member remove --group builders --member-id 6b0e0f9c-2d35-4a5e-9b8b-3a3d1c0a9f11`,
		Args:    noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			svc, err := open(cmd, false)
			if err != nil {
				return err
			}
			defer svc.Close()
			return svc.RemoveADGroupMember(cmd.Context(), opts.IO.Principal, opts.Group, opts.MemberID)
		},
	}
	mlist := &cobra.Command{
		Use:     "list --group GROUP",
		Short:   "List a group's members (object ids)",
		Example: `  armdeploy ad group member list --group builders -o json`,
		Args:    noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			svc, err := open(cmd, true)
			if err != nil {
				return err
			}
			defer svc.Close()
			ms, err := svc.ADGroupMembers(cmd.Context(), opts.Group)
			if err != nil {
				return err
			}
			if opts.Output != "text" {
				type member struct {
					ID string `json:"id"`
				}
				out := make([]member, len(ms))
				for i, m := range ms {
					out[i] = member{m}
				}
				return emit(opts.IO.Out, opts.Output, out)
			}
			var rows [][]string
			for _, m := range ms {
				rows = append(rows, []string{m})
			}
			return printTable(opts.IO.Out, []string{"ObjectId"}, rows)
		},
	}
	memberFlags(add, true)
	memberFlags(remove, true)
	memberFlags(mlist, false)
	member.AddCommand(add, mlist, remove)
	group.AddCommand(create, list, member)
	cmd.AddCommand(group)
	return cmd
}

func writeADGroups(opts *adOptions, gs []*arm.ADGroup, single bool) error {
	if opts.Output != "text" {
		return emitItems(opts.IO.Out, opts.Output, gs, single, func(g *arm.ADGroup) any { return g })
	}
	var rows [][]string
	for _, g := range gs {
		rows = append(rows, []string{g.DisplayName, g.ID, g.TenantID})
	}
	return printTable(opts.IO.Out, []string{"DisplayName", "ObjectId", "TenantId"}, rows)
}
