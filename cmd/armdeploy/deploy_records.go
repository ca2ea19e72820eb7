package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/armdeploy/armdeploy/evaluator"
	"github.com/armdeploy/armdeploy/planner"
	"github.com/armdeploy/armdeploy/state"
)

// recordNested writes each nested deployment into the history of the group
// it targets, as ARM does: its own name, status and outputs.
func recordNested(ctx context.Context, st state.Store, opts *deployOptions, ev *evaluated, res *planner.ApplyResult, parent *state.Deployment) error {
	status := map[string]planner.Operation{}
	for _, op := range res.Operations {
		status[strings.ToLower(op.ResourceID)] = op
	}
	for _, r := range ev.Resources {
		if !strings.EqualFold(r.Type, "Microsoft.Resources/deployments") || r.Existing {
			continue
		}
		op, ok := status[strings.ToLower(r.ID)]
		if !ok {
			continue
		}
		ref, err := state.ParseResourceID(r.ID)
		if err != nil || ref.ResourceGroup == "" {
			continue
		}
		d := &state.Deployment{SubscriptionID: ref.SubscriptionID, ResourceGroup: ref.ResourceGroup, Name: r.Name,
			Mode: "Incremental", Status: op.Status, CorrelationID: parent.CorrelationID,
			Started: op.Started, Finished: op.Started.Add(op.Duration), TemplateHash: parent.TemplateHash}
		if op.Status == "Succeeded" {
			if o, ok := ev.Eval.NestedOutputs(r.ID); ok {
				d.Outputs, _ = evaluator.Redact(o).MarshalJSON()
			}
		}
		if _, err := st.Group(ctx, ref.SubscriptionID, ref.ResourceGroup); err != nil {
			continue // a group this deployment did not create: nothing to record into
		}
		if err := st.PutDeployment(ctx, d); err != nil {
			return err
		}
	}
	return nil
}

// parametersJSON is {name: {type, value}} without secure values.
func parametersJSON(l *loaded, ev *evaluated) json.RawMessage {
	o := evaluator.NewObject(len(l.Template.Parameters))
	for _, p := range l.Template.Parameters {
		e := evaluator.NewObject(2)
		e.Set("type", evaluator.String(evaluator.TypeName(p.Type)))
		if v, ok := ev.Parameters[p.Name]; ok && !p.IsSecure() {
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
	rec := &state.Operation{SubscriptionID: dep.SubscriptionID, ResourceGroup: dep.ResourceGroup, Deployment: dep.Name,
		Sequence: i, OperationID: fmt.Sprintf("%016X", i+1), ResourceID: op.ResourceID, ResourceType: op.Type,
		ProvisioningOperation: op.Operation, Status: op.Status, Started: op.Started, Duration: op.Duration}
	if op.Err != nil {
		rec.Error, _ = json.Marshal(map[string]any{"code": op.Err.Code, "message": op.Err.Message, "target": op.Err.Target})
	}
	return rec
}

// deploymentError is ARM's DeploymentFailed error with one detail per
// failed operation.
func deploymentError(res *planner.ApplyResult) json.RawMessage {
	var details []map[string]any
	for _, e := range res.Errors() {
		d := map[string]any{"code": e.Code, "message": e.Message}
		if e.Target != "" {
			d["target"] = e.Target
		}
		details = append(details, d)
	}
	b, _ := json.Marshal(map[string]any{
		"code":    "DeploymentFailed",
		"message": "At least one resource deployment operation failed. Please list deployment operations for details. Please see https://aka.ms/arm-deployment-operations for usage details.",
		"details": details,
	})
	return b
}

// rollback deploys the group's last successful deployment again, with its
// template and its (non-secure) parameter values, as ARM's
// --rollback-on-error does.
func rollback(ctx context.Context, opts *deployOptions, st state.Store, failed *state.Deployment) error {
	history, err := st.Deployments(ctx, state.Scope{SubscriptionID: opts.Subscription, ResourceGroup: opts.ResourceGroup})
	if err != nil {
		return err
	}
	var last *state.Deployment
	for _, d := range history {
		if d.Status == "Succeeded" && len(d.Template) > 0 && !(strings.EqualFold(d.Name, failed.Name) && d.Started.Equal(failed.Started)) {
			last = d
			break
		}
	}
	if last == nil {
		return errors.New("the group has no earlier successful deployment to roll back to")
	}
	dir, err := os.MkdirTemp("", "armdeploy-rollback-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	tmpl := filepath.Join(dir, last.TemplateName)
	if err := os.WriteFile(tmpl, last.Template, 0o600); err != nil {
		return err
	}
	params := filepath.Join(dir, "parameters.json")
	if err := os.WriteFile(params, rollbackParameters(last.Parameters), 0o600); err != nil {
		return err
	}
	fmt.Fprintf(opts.IO.Err, "Rolling back to deployment '%s'.\n", last.Name)
	again := *opts
	again.deploymentFlags.TemplateFile, again.deploymentFlags.Parameters, again.deploymentFlags.Name = tmpl, []string{"@" + params}, last.Name
	again.Rollback, again.Confirm, again.NoTUI = false, false, true
	err = runDeploy(ctx, &again)
	var ee *exitError
	if errors.As(err, &ee) {
		return errors.New("the rollback deployment failed too")
	}
	return err
}

// rollbackParameters turns a deployment's recorded parameters ({name:
// {type, value}}) into a parameter file; secure values were never
// recorded, so those parameters fall back to their defaults.
func rollbackParameters(recorded json.RawMessage) []byte {
	var ps map[string]map[string]json.RawMessage
	_ = json.Unmarshal(recorded, &ps)
	out := map[string]map[string]json.RawMessage{}
	for name, p := range ps {
		if v, ok := p["value"]; ok {
			out[name] = map[string]json.RawMessage{"value": v}
		}
	}
	b, _ := json.Marshal(map[string]any{"parameters": out})
	return b
}
