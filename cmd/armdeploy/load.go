package main

import (
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/armdeploy/armdeploy/schema"
	"github.com/armdeploy/armdeploy/templates"
	"github.com/armdeploy/armdeploy/templates/diag"
)

// Defaults of the deployment context when no flag or state says otherwise.
const (
	defaultSubscription = "00000000-0000-0000-0000-000000000000"
	defaultTenant       = "00000000-0000-0000-0000-000000000000"
	defaultLocation     = "eastus"
)

// deploymentFlags are the flags every template command shares, named as in
// 'az deployment group'.
type deploymentFlags struct {
	ResourceGroup string
	TemplateFile  string
	Parameters    []string
	Output        string
	Location      string
	Subscription  string
	Tenant        string
	Name          string
}

func (f *deploymentFlags) register(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.StringVarP(&f.ResourceGroup, "resource-group", "g", "", "the resource group to deploy to (required)")
	fl.StringVarP(&f.TemplateFile, "template-file", "f", "", "the template: .json, .jsonc, .yaml or .yml (required)")
	fl.StringArrayVarP(&f.Parameters, "parameters", "p", nil,
		"parameters: @file.json, file.json, NAME=VALUE or a JSON object; repeat to merge, later values win")
	fl.StringVarP(&f.Output, "output", "o", "text", "output format: text, json or yaml")
	fl.StringVarP(&f.Location, "location", "l", "", "the resource group's location when the group does not exist yet")
	fl.StringVar(&f.Subscription, "subscription", "", "the subscription id (default "+defaultSubscription+")")
	fl.StringVar(&f.Tenant, "tenant", "", "the tenant id (default "+defaultTenant+")")
	fl.StringVarP(&f.Name, "name", "n", "", "the deployment name (default: the template file's base name)")
}

// check validates the flags; extra positional arguments are more -p
// values, as az's "-p a=1 b=2" allows.
func (f *deploymentFlags) check(args []string) error {
	f.Parameters = append(f.Parameters, args...)
	if f.ResourceGroup == "" {
		return usagef("the resource group is required: -g/--resource-group")
	}
	if f.TemplateFile == "" {
		return usagef("the template file is required: -f/--template-file")
	}
	switch f.Output {
	case "text", "json", "yaml":
	default:
		return usagef("unknown output format %q: use text, json or yaml", f.Output)
	}
	if f.Subscription == "" {
		f.Subscription = defaultSubscription
	}
	if f.Tenant == "" {
		f.Tenant = defaultTenant
	}
	if f.Location == "" {
		f.Location = defaultLocation
	}
	if f.Name == "" {
		base := filepath.Base(f.TemplateFile)
		f.Name = strings.TrimSuffix(base, filepath.Ext(base))
	}
	return nil
}

// loaded is a template with its parameters, read and checked as far as can
// be without evaluating expressions.
type loaded struct {
	Template *templates.Template
	Params   *templates.ParameterSet
	Sources  templates.Sources
	Diags    diag.Diagnostics
	order    []string // file names: the template, then each -p source
	// blocked is set when the checks before evaluation found errors:
	// evaluating would mostly repeat them in other words.
	blocked bool
}

// load reads the template and every -p argument, and runs the checks that
// need no evaluation: syntax, schemas, segment lengths, limits and
// parameter values. It collects every problem; only I/O failures and
// malformed -p arguments are returned as errors.
func load(f *deploymentFlags) (*loaded, error) {
	l := &loaded{Params: &templates.ParameterSet{}, Sources: templates.Sources{}}
	src, ds, err := templates.ReadFile(f.TemplateFile)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, usagef("the template file %s does not exist", f.TemplateFile)
	} else if err != nil {
		return nil, err
	}
	order := []string{f.TemplateFile}
	l.Diags = append(l.Diags, ds...)
	l.Sources.Add(src)
	if src != nil && src.Root != nil {
		t, more := templates.NewTemplate(src)
		l.Template = t
		l.Diags = append(l.Diags, more...)
		l.Diags = append(l.Diags, schema.CheckTemplate(t)...)
	}
	for i, arg := range f.Parameters {
		values, psrc, ds, err := templates.ReadParameterArg(arg, fmt.Sprintf("-p #%d", i+1))
		if errors.Is(err, templates.ErrUsage) || errors.Is(err, fs.ErrNotExist) {
			return nil, &usageError{err}
		} else if err != nil {
			return nil, err
		}
		l.Diags = append(l.Diags, ds...)
		if psrc != nil {
			order = append(order, psrc.Name)
			l.Sources.Add(psrc)
			if psrc.Root != nil && psrc.Root.Kind == templates.Object {
				l.Diags = append(l.Diags, schema.CheckParameterFile(psrc)...)
			}
		}
		l.Params.Add(values)
	}
	l.blocked = l.Template == nil || l.Diags.HasErrors()
	if l.Template != nil {
		pds := templates.CheckParameters(l.Template, l.Params)
		l.blocked = l.blocked || pds.HasErrors()
		l.Diags = append(l.Diags, pds...)
	}
	l.Diags = l.Diags.Dedup()
	l.order = order
	l.Diags.SortByFiles(order)
	return l, nil
}
