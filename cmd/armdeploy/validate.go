package main

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/armdeploy/armdeploy/arm"
	"github.com/armdeploy/armdeploy/templates"
	"github.com/armdeploy/armdeploy/templates/diag"
)

type validateOptions struct {
	IO *IOStreams
	deploymentFlags
	store storeFlag
}

func newValidateCmd(io *IOStreams) *cobra.Command { return validateCmd(io, "group") }

// validateCmd is validate at a scope level (group, sub, mg, tenant).
func validateCmd(io *IOStreams, level string) *cobra.Command {
	opts := &validateOptions{IO: io}
	opts.level = level
	cmd := &cobra.Command{
		Use:   "validate -g RG -f TEMPLATE [-p PARAMS]...",
		Short: "Check a template and its parameters without deploying",
		Long: `Validate runs every check a deployment runs before its first write and
reports every problem it finds, all in one run: syntax, the template and
parameter-file schemas, parameter values (missing, unknown, type,
allowedValues, ranges, lengths), expressions, resource bodies against the
schema of their type and API version, segment lengths, limits, access, and
what the resource providers would refuse (locations, names, rules, quotas,
missing parents) against the state store. A problem that only follows from
an earlier one is not reported again. It exits 0 when the template is valid
and 1 when it is not.`,
		Example: `  armdeploy validate -g demo -f quickstarts/sig-create/azuredeploy.json -p @quickstarts/sig-create/azuredeploy.parameters.json
  armdeploy validate -g demo -f main.yaml -p galleryName=g1 -o json`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := opts.check(cmd, args); err != nil {
				return err
			}
			return runValidate(cmd.Context(), opts)
		},
	}
	opts.register(cmd)
	opts.registerValidationLevel(cmd)
	opts.store.register(cmd)
	return cmd
}

func runValidate(ctx context.Context, opts *validateOptions) error {
	svc, err := service(ctx, opts.store.Path, opts.IO, true)
	if err != nil {
		return err
	}
	defer svc.Close()
	res, err := svc.Validate(ctx, opts.request(opts.IO))
	if err != nil {
		return err
	}
	failed := res.Failed()
	if opts.Output != "text" {
		switch e := res.Error(); {
		case e != nil && e.Code == "InvalidTemplateDeployment":
			// The template is valid; its resources' providers refuse it,
			// as a deployment's preflight would.
			err = emitError(opts.IO.Out, opts.Output, map[string]any{"error": e})
		case failed:
			err = emitError(opts.IO.Out, opts.Output, errorResponse(res.Diags))
		default:
			err = emit(opts.IO.Out, opts.Output, res.Deployment)
		}
	} else {
		err = diag.WriteText(opts.IO.Err, res.Diags, res.Sources)
		if err == nil && res.Valid() {
			fmt.Fprintf(opts.IO.Out, "%s is valid: %s.\n", opts.TemplateFile, counts(res.Template))
		}
	}
	if err != nil {
		return err
	}
	if failed {
		if opts.Output == "text" {
			fmt.Fprintf(opts.IO.Err, "%s is not valid: %s.\n", opts.TemplateFile, summary(res.Diags))
		}
		return &exitError{exitFailed}
	}
	return nil
}

// writePreflight prints a preflight refusal: the outer error, then each
// resource's.
func writePreflight(w io.Writer, e *arm.Error) error {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %s\n", e.Code, e.Message)
	for _, d := range e.Details {
		fmt.Fprintf(&b, "  %s: %s: %s\n", d.Resource, d.Code, d.Message)
	}
	_, err := io.WriteString(w, b.String())
	return err
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
