package main

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/google/uuid"
	"github.com/spf13/cobra"

	"github.com/armdeploy/armdeploy/arm"
	"github.com/armdeploy/armdeploy/providers"
	"github.com/armdeploy/armdeploy/server"
	"github.com/armdeploy/armdeploy/state"
)

func init() { commands = append(commands, newSPCmd) }

type spOptions struct {
	IO *IOStreams
	stateFlags
	Name   string
	Role   string
	Scopes []string
	Tenant string
}

func newSPCmd(io *IOStreams) *cobra.Command {
	opts := &spOptions{IO: io}
	cmd := &cobra.Command{
		Use:   "sp",
		Short: "Create, list and delete the service principals of 'armdeploy serve'",
		Long: `Sp manages the service principals that get tokens from 'armdeploy serve'
(the client-credentials grant, as 'az login --service-principal' and
azidentity's ClientSecretCredential use it). A principal's secret is printed
once, when it is created, and stored only as a hash.

A new principal has no role: grant one with --role (as 'az ad sp
create-for-rbac --role --scopes' does), which needs Owner of the scope, or
with a Microsoft.Authorization/roleAssignments resource in a deployment.
The object id is the principal that role assignments name.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	opts.stateFlags.register(cmd)
	create := &cobra.Command{
		Use:   "create -n NAME [--role ROLE [--scopes SCOPE]...]",
		Short: "Create a service principal and print its secret (once)",
		Example: `  armdeploy sp create -n ci
  armdeploy sp create -n deployer --role Contributor --scopes /subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/demo`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := opts.check(); err != nil {
				return err
			}
			if err := required(opts.Name, "-n/--name"); err != nil {
				return err
			}
			if opts.Role == "" && len(opts.Scopes) > 0 {
				return usagef("--scopes needs --role")
			}
			return runSPCreate(cmd.Context(), opts)
		},
	}
	create.Flags().StringVarP(&opts.Name, "name", "n", "", "the principal's display name (required)")
	create.Flags().StringVar(&opts.Tenant, "tenant", "", "the principal's home tenant (default: the service's); a principal of another tenant holds what this subscription's role assignments give it, as a multi-tenant app does")
	create.Flags().StringVar(&opts.Role, "role", "", "a role to grant: any built-in role's name (Owner, Contributor, Reader, Storage Blob Data Reader, ...) or a role definition GUID")
	create.Flags().StringArrayVar(&opts.Scopes, "scopes", nil, "where to grant --role (default: the subscription)")
	list := &cobra.Command{
		Use:   "list",
		Short: "List the service principals (never their secrets)",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := opts.check(); err != nil {
				return err
			}
			return runSPList(cmd.Context(), opts)
		},
	}
	del := &cobra.Command{
		Use:   "delete -n NAME|APP_ID",
		Short: "Delete a service principal: its tokens stop working at once",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := opts.check(); err != nil {
				return err
			}
			if err := required(opts.Name, "-n/--name"); err != nil {
				return err
			}
			return runSPDelete(cmd.Context(), opts)
		},
	}
	del.Flags().StringVarP(&opts.Name, "name", "n", "", "the principal's name, app id or object id (required)")
	cmd.AddCommand(create, list, del)
	return cmd
}

// spView is a principal as the CLI prints it (az ad sp's names).
type spView struct {
	AppID       string `json:"appId"`
	DisplayName string `json:"displayName"`
	ObjectID    string `json:"objectId"`
	Tenant      string `json:"tenant"`
	Created     string `json:"created,omitempty"`
	Password    string `json:"password,omitempty"`
}

func viewOf(p *state.ServicePrincipal) spView {
	return spView{AppID: p.AppID, DisplayName: p.DisplayName, ObjectID: p.ObjectID, Tenant: p.TenantID, Created: arm.FormatTime(p.Created)}
}

// openSPStore opens the store and a service over it (for role grants).
func openSPStore(ctx context.Context, path string, io *IOStreams) (state.Store, *arm.Service, error) {
	loc := state.ResolvePath(path)
	st, err := state.OpenStore(ctx, loc)
	if err != nil {
		return nil, nil, fmt.Errorf("open the state store %s: %w", state.Describe(loc), err)
	}
	return st, arm.New(st, arm.Options{Now: io.Now, Random: io.Random, Command: commandName([]string{"sp"})}), nil
}

// roleID resolves --role: a built-in role's name or a GUID.
func roleID(role string) (string, error) {
	for guid, name := range providers.RoleNames() {
		if strings.EqualFold(name, role) || strings.EqualFold(guid, role) {
			return guid, nil
		}
	}
	if _, err := uuid.Parse(role); err == nil {
		return strings.ToLower(role), nil
	}
	return "", usagef("unknown role %q: use a built-in role's name (Owner, Contributor, Reader, ...) or a role definition GUID", role)
}

func runSPCreate(ctx context.Context, opts *spOptions) error {
	var guid string
	if opts.Role != "" {
		var err error
		if guid, err = roleID(opts.Role); err != nil {
			return err
		}
	}
	st, svc, err := openSPStore(ctx, opts.StatePath, opts.IO)
	if err != nil {
		return err
	}
	defer st.Close()
	p, err := server.CreatePrincipal(ctx, st, opts.Name, opts.Tenant)
	if err != nil {
		return err
	}
	scopes := opts.Scopes
	if guid != "" && len(scopes) == 0 {
		scopes = []string{"/subscriptions/" + opts.Subscription}
	}
	for _, scope := range scopes {
		id := strings.TrimRight(scope, "/") + "/providers/Microsoft.Authorization/roleAssignments/" + uuid.NewString()
		body, _ := json.Marshal(map[string]any{"properties": map[string]any{
			"roleDefinitionId": "/providers/Microsoft.Authorization/roleDefinitions/" + guid,
			"principalId":      p.ObjectID, "principalType": "ServicePrincipal"}})
		if _, err := svc.PutResource(ctx, opts.IO.Principal, id, "2022-04-01", body); err != nil {
			// The principal exists without its role: say so, and how to
			// remove it.
			fmt.Fprintf(opts.IO.Err, "armdeploy: the service principal %s was created, but the role could not be granted at %s; 'armdeploy sp delete -n %s' removes it.\n",
				p.DisplayName, scope, p.AppID)
			return err
		}
	}
	v := viewOf(p.ServicePrincipal)
	v.Password, v.Created = p.Secret, ""
	if opts.Output != "text" {
		err = emit(opts.IO.Out, opts.Output, v)
	} else {
		w := tabwriter.NewWriter(opts.IO.Out, 0, 0, 2, ' ', 0)
		fmt.Fprintf(w, "appId:\t%s\n", v.AppID)
		fmt.Fprintf(w, "password:\t%s\n", v.Password)
		fmt.Fprintf(w, "tenant:\t%s\n", v.Tenant)
		fmt.Fprintf(w, "objectId:\t%s\n", v.ObjectID)
		fmt.Fprintf(w, "displayName:\t%s\n", v.DisplayName)
		err = w.Flush()
	}
	if err != nil {
		return err
	}
	fmt.Fprintln(opts.IO.Err, "The password is shown only now: store it. It is kept as a hash and cannot be shown again.")
	if guid != "" {
		fmt.Fprintf(opts.IO.Err, "Granted %s at %s.\n", roleName(guid), strings.Join(scopes, ", "))
	} else {
		fmt.Fprintln(opts.IO.Err, "The principal has no role yet: grant one with a role assignment (or create it with --role).")
	}
	return nil
}

func roleName(guid string) string {
	if n, ok := providers.RoleNames()[guid]; ok {
		return n
	}
	return guid
}

func runSPList(ctx context.Context, opts *spOptions) error {
	st, _, err := openSPStore(ctx, opts.StatePath, opts.IO)
	if err != nil {
		return err
	}
	defer st.Close()
	ps, err := st.ServicePrincipals(ctx)
	if err != nil {
		return err
	}
	views := make([]spView, 0, len(ps))
	for _, p := range ps {
		views = append(views, viewOf(p))
	}
	if opts.Output != "text" {
		return emit(opts.IO.Out, opts.Output, views)
	}
	w := tabwriter.NewWriter(opts.IO.Out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, "Name\tAppId\tObjectId\tTenant\tCreated")
	for _, v := range views {
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\n", v.DisplayName, v.AppID, v.ObjectID, v.Tenant, v.Created)
	}
	return w.Flush()
}

func runSPDelete(ctx context.Context, opts *spOptions) error {
	st, _, err := openSPStore(ctx, opts.StatePath, opts.IO)
	if err != nil {
		return err
	}
	defer st.Close()
	p, err := server.FindPrincipal(ctx, st, opts.Name)
	if err != nil {
		return err
	}
	if err := st.DeleteServicePrincipal(ctx, p.AppID); err != nil {
		return err
	}
	fmt.Fprintf(opts.IO.Err, "Deleted the service principal %s (%s). Its role assignments stay until deleted.\n", p.DisplayName, p.AppID)
	return nil
}
