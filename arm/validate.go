package arm

import (
	"context"

	"github.com/armdeploy/armdeploy/evaluator"
	"github.com/armdeploy/armdeploy/planner"
	"github.com/armdeploy/armdeploy/templates/diag"
)

// ValidateResult is a validation's outcome: the template as evaluated
// (Diags hold every problem; what the providers would refuse at deploy
// time is among them as warnings) and, when it is valid, the deployment
// object ARM returns for a successful validation.
type ValidateResult struct {
	*Expansion
	// Deployment is ARM's validation result; secure parameter values are
	// never in it.
	Deployment map[string]any
}

// Valid reports whether the template and its parameters are valid.
func (r *ValidateResult) Valid() bool { return !r.Failed() }

// Validate is POST .../deployments/{name}/validate: the checks a
// deployment runs before its first write (template, parameters,
// evaluation, graph, resource bodies, provider rules and quotas), with
// nothing written.
func (s *Service) Validate(ctx context.Context, req *DeploymentRequest) (*ValidateResult, error) {
	if err := s.normalize(ctx, req, false, actionDeploymentsValidate); err != nil {
		return nil, err
	}
	x, err := s.expand(ctx, req, evaluator.UnknownResolver{})
	if err != nil {
		return nil, err
	}
	out := &ValidateResult{Expansion: x}
	if x.Failed() {
		return out, nil
	}
	p, ds := planner.NewPlan(x.Resources)
	if ds.HasErrors() {
		x.add(ds)
		return out, nil
	}
	if req.ValidationLevel == ValidationTemplate {
		out.Deployment = validationView(req, x)
		return out, nil // no provider or access checks
	}
	if err := s.authorizeResources(ctx, req, p.Resources, req.ValidationLevel == ValidationProviderNoRbac); err != nil {
		return nil, err
	}
	// What the providers would refuse is a warning here: validate checks
	// the template, and a deployment's preflight (which refuses it) runs
	// against the state the deployment will have.
	pf, err := s.preflight(ctx, req, p, true)
	if err != nil {
		return out, err
	}
	if pf != nil {
		for _, d := range pf.Details {
			x.add(diag.Diagnostics{{Severity: diag.Warning, Code: d.Code, Target: d.Target,
				Message: "The deployment would be refused: " + d.Resource + ": " + d.Message}})
		}
	}
	out.Deployment = validationView(req, x)
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
