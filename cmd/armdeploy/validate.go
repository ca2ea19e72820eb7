package main

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/armdeploy/armdeploy/evaluator"
	"github.com/armdeploy/armdeploy/templates"
	"github.com/armdeploy/armdeploy/templates/diag"
)

type validateOptions struct {
	IO *IOStreams
	deploymentFlags
}

func newValidateCmd(io *IOStreams) *cobra.Command {
	opts := &validateOptions{IO: io}
	cmd := &cobra.Command{
		Use:   "validate -g RG -f TEMPLATE [-p PARAMS]...",
		Short: "Check a template and its parameters without deploying",
		Long: `Validate reads the template and its parameters and reports every problem it
finds: syntax, the template and parameter-file schemas, resource bodies
against the schema of their type and API version, segment lengths, limits,
and parameter values (missing, unknown, type, allowedValues, ranges,
lengths). It exits 0 when the template is valid and 1 when it is not.`,
		Example: `  armdeploy validate -g demo -f quickstarts/sig-create/azuredeploy.json -p @quickstarts/sig-create/azuredeploy.parameters.json
  armdeploy validate -g demo -f main.yaml -p galleryName=g1 -o json`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := opts.check(args); err != nil {
				return err
			}
			return runValidate(opts)
		},
	}
	opts.register(cmd)
	return cmd
}

func runValidate(opts *validateOptions) error {
	l, err := load(&opts.deploymentFlags)
	if err != nil {
		return err
	}
	ev := evaluate(l, &opts.deploymentFlags, opts.IO)
	failed := l.Diags.HasErrors()
	if opts.Output != "text" {
		if failed {
			err = emit(opts.IO.Out, opts.Output, errorResponse(l.Diags))
		} else {
			err = emit(opts.IO.Out, opts.Output, validationResult(opts, l, ev))
		}
	} else {
		err = diag.WriteText(opts.IO.Err, l.Diags, l.Sources)
		if err == nil && !failed {
			fmt.Fprintf(opts.IO.Out, "%s is valid: %s.\n", opts.TemplateFile, counts(l.Template))
		}
	}
	if err != nil {
		return err
	}
	if failed {
		if opts.Output == "text" {
			fmt.Fprintf(opts.IO.Err, "%s is not valid: %s.\n", opts.TemplateFile, summary(l.Diags))
		}
		return &exitError{exitFailed}
	}
	return nil
}

// errorResponse wraps the errors in ARM's envelope. The outer code is the
// code the errors share (InvalidRequestContent for a file that is not JSON
// or YAML), else InvalidTemplate.
func errorResponse(ds diag.Diagnostics) diag.ErrorResponse {
	errs := ds.Errors()
	code := errs[0].Code
	for _, d := range errs {
		if d.Code != code {
			code = templates.CodeInvalidTemplate
		}
	}
	var msg string
	switch {
	case code == templates.CodeInvalidContent && len(errs) == 1:
		msg = fmt.Sprintf("The request content was invalid and could not be deserialized: '%s'.", errs[0].Message)
	case code == templates.CodeInvalidContent:
		msg = fmt.Sprintf("The request content was invalid and could not be deserialized: %s; see details.", summary(ds))
	case len(errs) == 1:
		msg = fmt.Sprintf("Deployment template validation failed: '%s'.", errs[0].Message)
	default:
		code = templates.CodeInvalidTemplate
		msg = fmt.Sprintf("Deployment template validation failed: %s; see details.", summary(ds))
	}
	return ds.Response(code, msg)
}

func summary(ds diag.Diagnostics) string {
	n := len(ds.Errors())
	w := len(ds) - n
	s := plural(n, "error")
	if w > 0 {
		s += ", " + plural(w, "warning")
	}
	return s
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

func counts(t *templates.Template) string {
	return strings.Join([]string{
		plural(len(t.AllResources()), "resource"),
		plural(len(t.Parameters), "parameter"),
		plural(len(t.Outputs), "output"),
	}, ", ")
}

// validationResult is the deployment object az prints for a successful
// validation. Secure parameter values are never shown.
func validationResult(opts *validateOptions, l *loaded, ev *evaluated) map[string]any {
	params := map[string]any{}
	for _, p := range l.Template.Parameters {
		entry := map[string]any{"type": evaluator.TypeName(p.Type)}
		if v, ok := ev.Parameters[p.Name]; ok && !p.IsSecure() {
			entry["value"] = v
		}
		params[p.Name] = entry
	}
	var warnings []any
	for _, d := range l.Diags {
		if d.Severity == diag.Warning {
			warnings = append(warnings, d.Detail())
		}
	}
	props := map[string]any{
		"provisioningState": "Succeeded",
		"mode":              "Incremental",
		"parameters":        params,
	}
	if len(warnings) > 0 {
		props["warnings"] = warnings
	}
	return map[string]any{
		"id": fmt.Sprintf("/subscriptions/%s/resourceGroups/%s/providers/Microsoft.Resources/deployments/%s",
			opts.Subscription, opts.ResourceGroup, opts.Name),
		"name":       opts.Name,
		"type":       "Microsoft.Resources/deployments",
		"properties": props,
	}
}
