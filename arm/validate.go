package arm

import (
	"context"
	"slices"

	"github.com/armdeploy/armdeploy/evaluator"
	"github.com/armdeploy/armdeploy/planner"
	"github.com/armdeploy/armdeploy/templates"
	"github.com/armdeploy/armdeploy/templates/diag"
)

// ValidateResult is a validation's outcome: the template as evaluated,
// with every problem a deployment would be refused for before its first
// write among Diags (the template's, and each provider refusal at its
// resource's declaration), and, when it is valid, the deployment object
// ARM returns for a successful validation.
type ValidateResult struct {
	*Expansion
	// Deployment is ARM's validation result; secure parameter values are
	// never in it.
	Deployment map[string]any
	// Preflight is the providers' refusal (InvalidTemplateDeployment, one
	// inner error per refused resource), as a deployment's preflight
	// returns it; its errors are in Diags too.
	Preflight *Error
	// templateFailed is set when the template's own checks failed (Diags
	// hold errors beside the preflight's).
	templateFailed bool
}

// Valid reports whether the template and its parameters are valid.
func (r *ValidateResult) Valid() bool { return !r.Failed() }

// Error is the REST API's answer to a validation that failed: the
// template's errors as InvalidTemplate, else the providers' refusal as
// InvalidTemplateDeployment (400 both); nil when it is valid.
func (r *ValidateResult) Error() *Error {
	switch {
	case r.Valid():
		return nil
	case r.templateFailed || r.Preflight == nil:
		return InvalidTemplateError(r.Diags)
	}
	return r.Preflight
}

// Validate is POST .../deployments/{name}/validate: every check a
// deployment runs before its first write (template, parameters,
// evaluation, graph, resource bodies, access, provider rules and quotas),
// with nothing written. All of them run, so that one validation reports
// every problem: a resource the template checks refuse is left out of the
// provider checks (and so are the resources that depend on it), the
// others are checked as deploy checks them. One refusal of the
// deployment's preflight is not validate's: a reference to a resource
// outside the template that the store does not hold (a missing parent, a
// gallery image elsewhere), since a template is often validated away from
// the state it will be deployed into. And a refusal of a resource built
// from a quickstart-gallery placeholder (GEN-UNIQUE) is a warning.
func (s *Service) Validate(ctx context.Context, req *DeploymentRequest) (*ValidateResult, error) {
	if err := s.normalize(ctx, req, false, actionDeploymentsValidate); err != nil {
		return nil, err
	}
	var reads storeReads
	x, err := s.expand(ctx, req, s.resolver(ctx, req, false, reads.pending))
	if err != nil {
		return nil, err
	}
	out := &ValidateResult{Expansion: x, templateFailed: x.Failed()}
	if x.eval == nil {
		return out, nil // nothing could be evaluated
	}
	if !x.Failed() {
		x.readStore = reads.asked.Load()
		s.evaluatePlanned(ctx, req, x) // as deploy evaluates
	}
	p, ds := planner.NewPlan(x.Resources)
	if ds.HasErrors() {
		x.add(ds)
		out.templateFailed = true
		return out, nil
	}
	if req.ValidationLevel == ValidationTemplate {
		if !x.Failed() {
			out.Deployment = validationView(req, x)
		}
		return out, nil // no provider or access checks
	}
	if err := s.authorizeResources(ctx, req, p.Resources, req.ValidationLevel == ValidationProviderNoRbac); err != nil {
		return nil, err
	}
	decls := make([]*templates.Resource, 0, len(p.Resources))
	for _, r := range p.Resources {
		decls = append(decls, r.Decl)
	}
	refused, _ := faultyDeclarations(decls, x.Diags)
	pf, _, err := s.preflight(ctx, req, p, func(r *evaluator.Resource) bool { return refused[r.Decl] })
	if err != nil {
		return nil, err
	}
	if pf != nil {
		ds := preflightDiagnostics(pf, p.Resources)
		x.add(ds)
		if ds.HasErrors() {
			e := *pf
			e.Details = nil
			for _, d := range ds.Errors() {
				i := slices.IndexFunc(pf.Details, func(pd *Error) bool { return pd.Resource == d.Target && pd.Code == d.Code })
				if i >= 0 && !slices.Contains(e.Details, pf.Details[i]) {
					e.Details = append(e.Details, pf.Details[i])
				}
			}
			out.Preflight = &e
		}
	}
	if !x.Failed() {
		out.Deployment = validationView(req, x)
	}
	return out, nil
}

// validationView is the deployment object az prints for a successful
// validation.
func validationView(req *DeploymentRequest, x *Expansion) map[string]any {
	params := map[string]any{}
	for _, p := range x.Template.Parameters {
		entry := map[string]any{"type": evaluator.TypeName(p.Type)}
		if v, ok := x.Parameters[p.Name]; ok && !p.IsSecure() {
			entry["value"] = v
		}
		params[p.Name] = entry
	}
	var warnings []any
	for _, d := range x.Diags {
		if d.Severity == diag.Warning {
			warnings = append(warnings, d.Detail())
		}
	}
	props := map[string]any{
		"provisioningState": "Succeeded",
		"mode":              req.Mode,
		"parameters":        params,
	}
	if len(warnings) > 0 {
		props["warnings"] = warnings
	}
	out := map[string]any{
		"id":         DeploymentID(req.Scope, req.Name),
		"name":       req.Name,
		"type":       "Microsoft.Resources/deployments",
		"properties": props,
	}
	if req.Scope.ResourceGroup == "" {
		out["location"] = req.Location
	}
	return out
}
