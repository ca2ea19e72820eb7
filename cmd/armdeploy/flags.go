package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/armdeploy/armdeploy/arm"
	"github.com/armdeploy/armdeploy/evaluator"
)

// deploymentFlags are the flags every template command shares, named as in
// 'az deployment group|sub|mg|tenant'.
type deploymentFlags struct {
	ResourceGroup   string
	ManagementGroup string
	TemplateFile    string
	Parameters      []string
	Output          string
	Location        string
	Subscription    string
	Tenant          string
	Name            string
	// ValidationLevel is validate's and what-if's --validation-level.
	ValidationLevel string
	// ArtifactsRoot is --artifacts-root: the folder local template links
	// must stay inside (default: the template file's folder).
	ArtifactsRoot string
	// TemplateURI and ArtifactsMapArgs are --template-uri and
	// --artifacts-map (see links.go).
	TemplateURI      string
	TemplateSpec     string
	ArtifactsMapArgs []string
	linkURI          string
	artifactsMap     []evaluator.ArtifactMapping
	// level is the scope the command deploys at: "group" (the default),
	// "sub", "mg" or "tenant".
	level         string
	locationGiven bool
}

func (f *deploymentFlags) register(cmd *cobra.Command) {
	fl := cmd.Flags()
	switch f.level {
	case "auto":
		fl.StringVarP(&f.ResourceGroup, "resource-group", "g", "", "the resource group to deploy to (a resource-group template needs it)")
		fl.StringVarP(&f.ManagementGroup, "management-group-id", "m", "", "the management group to deploy to (a management-group template needs it)")
		fl.StringVarP(&f.Location, "location", "l", "", "the group's location when it does not exist yet, or the deployment's location")
	case "", "group":
		fl.StringVarP(&f.ResourceGroup, "resource-group", "g", "", "the resource group to deploy to (required)")
		fl.StringVarP(&f.Location, "location", "l", "", "the resource group's location when the group does not exist yet")
	case "mg":
		fl.StringVarP(&f.ManagementGroup, "management-group-id", "m", "", "the management group to deploy to (required)")
		fl.StringVarP(&f.Location, "location", "l", "", "the location to store the deployment's metadata (required)")
	default:
		fl.StringVarP(&f.Location, "location", "l", "", "the location to store the deployment's metadata (required)")
	}
	fl.StringVarP(&f.TemplateFile, "template-file", "f", "", "the template: .json, .jsonc, .yaml or .yml (required)")
	fl.StringArrayVarP(&f.Parameters, "parameters", "p", nil,
		"parameters: @file.json, file.json, NAME=VALUE or a JSON object; repeat to merge, later values win")
	fl.StringVarP(&f.Output, "output", "o", "text", outputHelp)
	fl.StringVar(&f.Subscription, "subscription", "", "the subscription id (default "+arm.DefaultSubscription+")")
	fl.StringVar(&f.Tenant, "tenant", "", "the tenant id (default "+arm.DefaultTenant+")")
	fl.StringVarP(&f.Name, "name", "n", "", "the deployment name (default: the template file's base name)")
	fl.StringVar(&f.ArtifactsRoot, "artifacts-root", "",
		"the folder linked templates (templateLink.relativePath) must stay inside (default: the template file's folder)")
	fl.StringVarP(&f.TemplateURI, "template-uri", "u", "", templateURIHelp)
	fl.StringArrayVar(&f.ArtifactsMapArgs, "artifacts-map", nil, artifactsMapHelp)
	fl.StringVarP(&f.TemplateSpec, "template-spec", "s", "", templateSpecHelp)
}

// registerValidationLevel adds validate's and what-if's
// --validation-level, as az has it.
func (f *deploymentFlags) registerValidationLevel(cmd *cobra.Command) {
	cmd.Flags().StringVar(&f.ValidationLevel, "validation-level", "",
		"how thoroughly to validate: Template (the template only), Provider (default: provider checks and write access to every resource) or ProviderNoRbac (read access instead of write)")
}

// check validates the flags; extra positional arguments are more -p
// values, as az's "-p a=1 b=2" allows.
func (f *deploymentFlags) check(cmd *cobra.Command, args []string) error {
	f.Parameters = append(f.Parameters, args...)
	f.locationGiven = cmd.Flags().Changed("location")
	switch f.level {
	case "auto":
		if f.ResourceGroup != "" && f.ManagementGroup != "" {
			return usagef("use either -g/--resource-group or -m/--management-group-id, not both")
		}
	case "", "group":
		if f.ResourceGroup == "" {
			return usagef("the resource group is required: -g/--resource-group")
		}
	case "mg":
		if f.ManagementGroup == "" {
			return usagef("the management group is required: -m/--management-group-id")
		}
	}
	if err := f.checkLinks(); err != nil {
		return err
	}
	if f.TemplateFile == "" && f.linkURI == "" && f.TemplateSpec == "" {
		return usagef("the template file is required: -f/--template-file (or --template-uri, --template-spec)")
	}
	if err := checkOutput(f.Output); err != nil {
		return err
	}
	switch strings.ToLower(f.ValidationLevel) {
	case "":
	case "template":
		f.ValidationLevel = arm.ValidationTemplate
	case "provider":
		f.ValidationLevel = arm.ValidationProvider
	case "providernorbac":
		f.ValidationLevel = arm.ValidationProviderNoRbac
	default:
		return usagef("unknown validation level %q: use Template, Provider or ProviderNoRbac", f.ValidationLevel)
	}
	if f.Subscription == "" {
		f.Subscription = arm.DefaultSubscription
	}
	if f.Tenant == "" {
		f.Tenant = arm.DefaultTenant
	}
	return nil
}

// groupHint adds to a missing target group's ResourceGroupNotFound how to
// create it: what-if and deploy both refuse a missing group unless -l
// names its location.
func (f *deploymentFlags) groupHint(err error) error {
	var ae *arm.Error
	if f.locationGiven || f.ResourceGroup == "" || !errors.As(err, &ae) || ae.Code != "ResourceGroupNotFound" ||
		!strings.EqualFold(ae.Message, fmt.Sprintf("Resource group '%s' could not be found.", f.ResourceGroup)) {
		return err
	}
	return fmt.Errorf("%w\nGive -l/--location to create it: deploy creates the group, what-if previews the deployment as if it did.", err)
}

// scope is the deployment's target.
func (f *deploymentFlags) scope() arm.Scope {
	level := f.level
	if level == "auto" {
		switch {
		case f.ResourceGroup != "":
			level = "group"
		case f.ManagementGroup != "":
			level = "mg"
		default:
			level = "sub"
		}
	}
	return scopeAt(level, f.Subscription, f.ResourceGroup, f.ManagementGroup)
}

// scopeAt is the scope of a level (az's group, sub, mg or tenant) with the
// ids its flags gave.
func scopeAt(level, subscription, group, managementGroup string) arm.Scope {
	switch level {
	case "sub":
		return arm.Scope{SubscriptionID: subscription}
	case "mg":
		return arm.Scope{ManagementGroup: managementGroup}
	case "tenant":
		return arm.Scope{}
	}
	return arm.Scope{SubscriptionID: subscription, ResourceGroup: group}
}

// request is the arm request the flags describe.
func (f *deploymentFlags) request(io *IOStreams) *arm.DeploymentRequest {
	return &arm.DeploymentRequest{Scope: f.scope(), Name: f.Name, Location: f.Location, Principal: io.Principal, ValidationLevel: f.ValidationLevel,
		Template: arm.Template{File: f.TemplateFile, Parameters: f.Parameters, ArtifactsRoot: f.ArtifactsRoot,
			LinkURI: f.linkURI, ArtifactsMap: f.artifactsMap, SpecID: f.TemplateSpec},
		ScopeFromTemplate: f.level == "auto" && f.ResourceGroup == "" && f.ManagementGroup == ""}
}

// storeFlag is the --state flag every template command has.
type storeFlag struct{ Path string }

func (s *storeFlag) register(cmd *cobra.Command) {
	cmd.Flags().StringVar(&s.Path, "state", "", "the state store (default .armdeploy/state.db, or $ARMDEPLOY_STATE)")
}

// service opens the control plane over the store, creating it on first
// use; existing opens it only when the store exists (commands that only
// read). Either way, deployments whose process died are closed first.
func service(ctx context.Context, path string, io *IOStreams, existing bool) (*arm.Service, error) {
	opts := arm.Options{Now: io.Now, Random: io.Random, Command: commandName(os.Args[1:])}
	open := arm.Open
	if existing {
		open = arm.OpenExisting
	}
	svc, err := open(ctx, path, opts)
	if err != nil {
		return nil, fmt.Errorf("open the state store: %w", err)
	}
	for _, r := range svc.Recovered {
		if r.Lease != nil {
			fmt.Fprintf(io.Err, "warning: broke the lease on %s of %s: the holder is gone\n", r.Lease.Scope, holderText(r.Lease))
		}
		fmt.Fprintf(io.Err, "armdeploy: deployment '%s' at %s did not finish (its process ended); it is now recorded Failed.\n", r.Name, r.Scope.ID())
	}
	return svc, nil
}

// commandName is the command a lease records: "armdeploy" and the
// subcommand words, never flags or values (a -p value may be a secret).
func commandName(args []string) string {
	words := []string{"armdeploy"}
	for _, a := range args {
		if strings.HasPrefix(a, "-") {
			break
		}
		words = append(words, a)
	}
	return strings.Join(words, " ")
}
