package arm

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/armdeploy/armdeploy/evaluator"
	"github.com/armdeploy/armdeploy/planner"
	"github.com/armdeploy/armdeploy/state"
	"github.com/armdeploy/armdeploy/templates/diag"
)

// recordNested writes each nested deployment into the history of the
// scope it targets, as ARM does: its own name, status and outputs.
func (s *Service) recordNested(ctx context.Context, x *Expansion, res *planner.ApplyResult, parent *state.Deployment) error {
	status := map[string]planner.Operation{}
	for _, op := range res.Operations {
		status[lower(op.ResourceID)] = op
	}
	for _, r := range x.Resources {
		if !strings.EqualFold(r.Type, "Microsoft.Resources/deployments") || r.Existing {
			continue
		}
		op, ok := status[lower(r.ID)]
		if !ok {
			continue
		}
		sc, ok := deploymentScopeOf(r.ID)
		if !ok {
			continue
		}
		d := &state.Deployment{SubscriptionID: sc.SubscriptionID, ResourceGroup: sc.ResourceGroup,
			ManagementGroup: sc.ManagementGroup, Name: r.Name, Mode: "Incremental",
			Status: op.Status, CorrelationID: parent.CorrelationID, Started: op.Started,
			Finished: op.Started.Add(op.Duration), TemplateHash: parent.TemplateHash}
		if op.Status == "Succeeded" {
			if o, ok := x.eval.NestedOutputs(r.ID); ok {
				if name, expr, unknown := evaluator.FirstUnknown(o); unknown {
					// An output armdeploy cannot compute offline fails
					// the nested deployment rather than being stored as
					// its expression text.
					name, _, _ = strings.Cut(name, ".")
					d.Status = "Failed"
					d.Error = errorJSON(outputsFailed(diag.Diagnostics{{Severity: diag.Error, Target: "outputs." + name,
						Message: fmt.Sprintf("the value of '[%s]' is known only to Azure and armdeploy cannot compute it offline", expr)}}))
				} else {
					d.Outputs, _ = evaluator.Redact(o).MarshalJSON()
				}
			}
			d.OutputResources = nestedOutputResources(x, r.ID, status)
		}
		if sc.ResourceGroup != "" {
			if _, err := s.store.Group(ctx, sc.SubscriptionID, sc.ResourceGroup); err != nil {
				continue // a group this deployment did not create: nothing to record into
			}
		}
		if err := s.store.PutDeployment(ctx, d); err != nil {
			return err
		}
	}
	return nil
}

// nestedOutputResources are the ids of the resources a nested deployment
// (and the deployments nested in it) wrote.
func nestedOutputResources(x *Expansion, deploymentID string, status map[string]planner.Operation) []string {
	var out []string
	key := "|" + lower(deploymentID)
	for _, r := range x.Resources {
		if r.Existing || strings.EqualFold(r.Type, "Microsoft.Resources/deployments") || !strings.Contains(lower(r.DeployedBy), key) {
			continue
		}
		if op, ok := status[lower(r.ID)]; ok && op.Status == "Succeeded" {
			out = append(out, r.ID)
		}
	}
	return out
}

// deploymentScopeOf returns the scope of a deployment resource id
// ".../providers/Microsoft.Resources/deployments/{name}".
func deploymentScopeOf(id string) (Scope, bool) {
	const marker = "/providers/microsoft.resources/deployments/"
	i := strings.LastIndex(lower(id), marker)
	if i < 0 {
		return Scope{}, false
	}
	base := id[:i]
	if base == "" {
		base = "/"
	}
	sc, err := state.ParseScope(base)
	return sc, err == nil
}

// parametersJSON is {name: {type, value}} without secure values.
func parametersJSON(x *Expansion) json.RawMessage {
	o := evaluator.NewObject(len(x.Template.Parameters))
	for _, p := range x.Template.Parameters {
		e := evaluator.NewObject(2)
		e.Set("type", evaluator.String(evaluator.TypeName(p.Type)))
		if v, ok := x.Parameters[p.Name]; ok && !p.IsSecure() {
			e.Set("value", evaluator.Redact(v))
		}
		o.Set(p.Name, evaluator.ObjectValue(e))
	}
	b, _ := evaluator.ObjectValue(o).MarshalJSON()
	return b
}

// outputsJSON is {name: {type, value}} without secure outputs.
func outputsJSON(outs []evaluator.OutputValue) json.RawMessage {
	o := evaluator.NewObject(len(outs))
	for _, out := range outs {
		if out.Secure {
			continue
		}
		e := evaluator.NewObject(2)
		e.Set("type", evaluator.String(out.Type))
		e.Set("value", evaluator.Redact(out.Value))
		o.Set(out.Name, evaluator.ObjectValue(e))
	}
	b, _ := evaluator.ObjectValue(o).MarshalJSON()
	return b
}

func operationRecord(dep *state.Deployment, i int, op planner.Operation) *state.Operation {
	rec := &state.Operation{SubscriptionID: dep.SubscriptionID, ResourceGroup: dep.ResourceGroup,
		ManagementGroup: dep.ManagementGroup, Deployment: dep.Name, Sequence: i, OperationID: fmt.Sprintf("%016X", i+1),
		ResourceID: op.ResourceID, ResourceType: op.Type, ProvisioningOperation: op.Operation, Status: op.Status,
		Started: op.Started, Duration: op.Duration}
	if op.Err != nil {
		rec.Error, _ = json.Marshal(map[string]any{"code": op.Err.Code, "message": op.Err.Message, "target": op.Err.Target})
	}
	return rec
}

// deploymentError is ARM's DeploymentFailed error with one detail per
// failed operation.
func deploymentError(res *planner.ApplyResult) json.RawMessage {
	var details []*Error
	for _, e := range res.Errors() {
		details = append(details, &Error{Code: e.Code, Message: e.Message, Target: e.Target})
	}
	return errorJSON(&Error{Code: "DeploymentFailed",
		Message: "At least one resource deployment operation failed. Please list deployment operations for details. Please see https://aka.ms/arm-deployment-operations for usage details.",
		Details: details})
}

// outputError is ARM's error for outputs that could not be evaluated.
func outputError(ds diag.Diagnostics) json.RawMessage {
	return errorJSON(outputsFailed(ds))
}

// outputsFailed is Azure's DeploymentOutputEvaluationFailed: the message
// names the outputs that failed, each detail holds one of them, targeted
// at the output's name, with the reason after "The template output 'x' is
// not valid: " (Azure/azure-policy#1442, Azure/data-management-zone#286).
func outputsFailed(ds diag.Diagnostics) *Error {
	var names []string
	var details []*Error
	seen := map[string]bool{}
	for _, d := range ds.Errors() {
		name := strings.TrimPrefix(d.Target, "outputs.")
		if !seen[name] {
			seen[name] = true
			names = append(names, name)
		}
		msg := d.Message
		if prefix := "The template output '" + name + "' is not valid"; !strings.HasPrefix(msg, prefix) {
			msg = prefix + ": " + msg + "."
		}
		details = append(details, &Error{Code: "DeploymentOutputEvaluationFailed", Target: name, Message: msg})
	}
	return &Error{Code: "DeploymentOutputEvaluationFailed",
		Message: "Unable to evaluate template outputs: '" + strings.Join(names, ", ") + "'. Please see error details and deployment operations. Please see https://aka.ms/arm-common-errors for usage details.",
		Details: details}
}

// errorJSON is an ARM error document, its members in sorted order as
// stored records have always had them.
func errorJSON(e *Error) json.RawMessage {
	b, _ := json.Marshal(errorMap(e))
	return b
}

func errorMap(e *Error) map[string]any {
	m := map[string]any{"code": e.Code, "message": e.Message}
	if e.Target != "" {
		m["target"] = e.Target
	}
	if len(e.Details) > 0 {
		ds := make([]map[string]any, 0, len(e.Details))
		for _, d := range e.Details {
			ds = append(ds, errorMap(d))
		}
		m["details"] = ds
	}
	return m
}
