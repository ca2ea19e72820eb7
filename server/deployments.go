package server

import (
	"encoding/json"
	"net/http"
	"strings"

	"github.com/armdeploy/armdeploy/arm"
	"github.com/armdeploy/armdeploy/state"
)

// deploymentRoute serves {scope}/providers/Microsoft.Resources/
// deployments[/{name}[/{action}[/{id}]]] at the four scopes (and the
// older .../resourcegroups/{rg}/deployments/... that the SDK's operations
// client uses); k is where the scope ends, at the segment after
// "deployments" the rest begins.
func deploymentRoute(c *call, k, at int) handler {
	sc, err := state.ParseScope(c.prefix(k))
	if err != nil {
		return func(*call) (*reply, error) {
			return nil, errorf(http.StatusBadRequest, "InvalidScope", "The scope '%s' of the deployment is not valid: %v", c.prefix(k), err)
		}
	}
	if e := arm.CheckAPIVersion("Microsoft.Resources/deployments", c.apiVersion, ""); e != nil {
		return func(*call) (*reply, error) { return nil, e }
	}
	rest := c.low[at:]
	name := ""
	if len(rest) > 0 {
		name = c.segs[at]
	}
	d := &deploymentCall{scope: sc, name: name}
	switch {
	case len(rest) == 0:
		return methods(c, map[string]handler{"GET": d.list})
	case len(rest) == 1:
		return methods(c, map[string]handler{"PUT": d.put, "GET": d.get, "HEAD": d.head, "DELETE": d.delete})
	case len(rest) == 2:
		switch rest[1] {
		case "validate":
			return methods(c, map[string]handler{"POST": d.validate})
		case "whatif":
			return methods(c, map[string]handler{"POST": d.whatIf})
		case "cancel":
			return methods(c, map[string]handler{"POST": d.cancel})
		case "exporttemplate":
			return methods(c, map[string]handler{"POST": d.export})
		case "operations":
			return methods(c, map[string]handler{"GET": d.operations})
		}
	case len(rest) == 3:
		switch rest[1] {
		case "operations":
			d.op = c.segs[at+2]
			return methods(c, map[string]handler{"GET": d.operation})
		case "operationstatuses":
			return methods(c, map[string]handler{"GET": d.status})
		}
	}
	return nil
}

type deploymentCall struct {
	scope arm.Scope
	name  string
	op    string
}

func (d *deploymentCall) url() string { return arm.DeploymentID(d.scope, d.name) }

func (d *deploymentCall) list(c *call) (*reply, error) {
	recs, err := c.s.opts.Service.ListDeployments(c.r.Context(), c.principal, d.scope)
	if err != nil {
		return nil, err
	}
	views := make([]*arm.Deployment, 0, len(recs))
	for _, r := range recs {
		views = append(views, r.View)
	}
	return page(c, views)
}

func (d *deploymentCall) get(c *call) (*reply, error) {
	rec, err := c.s.opts.Service.GetDeployment(c.r.Context(), c.principal, d.scope, d.name)
	if err != nil {
		return nil, err
	}
	return ok(rec.View)
}

func (d *deploymentCall) head(c *call) (*reply, error) {
	_, err := c.s.opts.Service.GetDeployment(c.r.Context(), c.principal, d.scope, d.name)
	if e, isArm := arm.AsError(err); isArm && e.Status == http.StatusNotFound {
		return &reply{status: http.StatusNotFound}, nil
	} else if err != nil {
		return nil, err
	}
	return &reply{status: http.StatusNoContent}, nil
}

// put starts the deployment: 201 (or 200 when it replaces one) with the
// Running deployment and an Azure-AsyncOperation to poll; a template that
// fails its checks, or preflight, is a 400 and nothing runs.
func (d *deploymentCall) put(c *call) (*reply, error) {
	req, err := c.deploymentRequest(d.scope, d.name)
	if err != nil {
		return nil, err
	}
	rollback := req.Apply.RollbackOnError
	req.Apply = c.s.opts.Apply
	req.Apply.RollbackOnError = rollback
	req.CreateGroup = false
	start, err := c.s.opts.Service.StartDeployment(c.s.runCtx, req)
	if err != nil {
		return nil, err
	}
	if res := start.Refused; res != nil {
		if res.Failed() {
			return nil, arm.InvalidTemplateError(res.Diags)
		}
		if res.Preflight != nil {
			return nil, res.Preflight
		}
		return nil, errorf(http.StatusBadRequest, "InvalidTemplateDeployment", "The deployment was refused.")
	}
	c.s.track(start.Done)
	status := http.StatusOK
	if start.Created {
		status = http.StatusCreated
	}
	view := start.Deployment.View
	return &reply{status: status, body: view, header: map[string]string{
		"Azure-AsyncOperation": c.pollURL(d.url() + "/operationStatuses/" + start.Deployment.CorrelationID),
		"Retry-After":          c.retryAfter(), "retry-after-ms": c.retryAfterMS(),
	}}, nil
}

// status is the deployment's operationStatuses poll.
func (d *deploymentCall) status(c *call) (*reply, error) {
	st, err := c.s.opts.Service.DeploymentStatus(c.r.Context(), c.principal, d.scope, d.name)
	if err != nil {
		return nil, err
	}
	rep := &reply{status: http.StatusOK, body: st}
	if !arm.Terminal(st.Status) {
		rep.header = map[string]string{"Retry-After": c.retryAfter(), "retry-after-ms": c.retryAfterMS()}
	}
	return rep, nil
}

func (d *deploymentCall) delete(c *call) (*reply, error) {
	op, done, err := c.s.opts.Service.StartDeleteDeployment(c.s.runCtx, c.principal, d.scope, d.name)
	if err != nil {
		return nil, err
	}
	c.s.track(done)
	return accepted(c, op.ID), nil
}

// accepted is the 202 of a long-running operation polled at Location.
func accepted(c *call, opID string) *reply {
	return &reply{status: http.StatusAccepted, header: map[string]string{
		"Location":    c.pollURL(operationPath(c, opID)),
		"Retry-After": c.retryAfter(), "retry-after-ms": c.retryAfterMS(),
	}}
}

// operationPath is where an operation is polled: under the request's
// subscription when it has one.
func operationPath(c *call, opID string) string {
	if len(c.low) >= 2 && c.low[0] == "subscriptions" {
		return "/subscriptions/" + c.segs[1] + "/providers/Microsoft.Resources/locations/" + arm.DefaultLocation + "/operationResults/" + opID
	}
	return "/providers/Microsoft.Resources/locations/" + arm.DefaultLocation + "/operationResults/" + opID
}

func (d *deploymentCall) validate(c *call) (*reply, error) {
	req, err := c.deploymentRequest(d.scope, d.name)
	if err != nil {
		return nil, err
	}
	res, err := c.s.opts.Service.Validate(c.r.Context(), req)
	if err != nil {
		return nil, err
	}
	if e := res.Error(); e != nil {
		return nil, e // InvalidTemplate, or the providers' InvalidTemplateDeployment
	}
	return ok(res.Deployment)
}

func (d *deploymentCall) whatIf(c *call) (*reply, error) {
	req, err := c.deploymentRequest(d.scope, d.name)
	if err != nil {
		return nil, err
	}
	op, done, err := c.s.opts.Service.StartWhatIf(c.s.runCtx, req)
	if err != nil {
		return nil, err
	}
	c.s.track(done)
	return accepted(c, op.ID), nil
}

func (d *deploymentCall) cancel(c *call) (*reply, error) {
	if err := c.s.opts.Service.CancelDeployment(c.r.Context(), c.principal, d.scope, d.name); err != nil {
		return nil, err
	}
	return &reply{status: http.StatusNoContent}, nil
}

func (d *deploymentCall) export(c *call) (*reply, error) {
	t, err := c.s.opts.Service.ExportTemplate(c.r.Context(), c.principal, d.scope, d.name)
	if err != nil {
		return nil, err
	}
	return ok(map[string]any{"template": t})
}

func (d *deploymentCall) operations(c *call) (*reply, error) {
	ops, err := c.s.opts.Service.ListOperations(c.r.Context(), c.principal, d.scope, d.name)
	if err != nil {
		return nil, err
	}
	views := make([]*arm.Operation, 0, len(ops))
	for _, op := range ops {
		views = append(views, op.View)
	}
	return page(c, views)
}

func (d *deploymentCall) operation(c *call) (*reply, error) {
	ops, err := c.s.opts.Service.ListOperations(c.r.Context(), c.principal, d.scope, d.name)
	if err != nil {
		return nil, err
	}
	for _, op := range ops {
		if strings.EqualFold(op.OperationID, d.op) {
			return ok(op.View)
		}
	}
	return nil, errorf(http.StatusNotFound, "DeploymentOperationNotFound",
		"The operation '%s' of deployment '%s' could not be found.", d.op, d.name)
}

// pollOperation answers the Location of a what-if, a group delete or a
// deployment delete (202 while it runs, then its result), and the
// Azure-AsyncOperation of a resource PUT (its status body).
func pollOperation(c *call) (*reply, error) {
	id := c.segs[len(c.segs)-1]
	op, err := c.s.opts.Service.AsyncOperation(c.r.Context(), c.principal, id)
	if err != nil {
		return nil, err
	}
	if op.Kind == arm.KindResourcePut {
		st, err := c.s.opts.Service.ResourceStatus(c.r.Context(), c.principal, id)
		if err != nil {
			return nil, err
		}
		rep := &reply{status: http.StatusOK, body: st}
		if !arm.Terminal(st.Status) {
			rep.header = map[string]string{"Retry-After": c.retryAfter(), "retry-after-ms": c.retryAfterMS()}
		}
		return rep, nil
	}
	switch op.Status {
	case "Running":
		return &reply{status: http.StatusAccepted, header: map[string]string{
			"Location": c.pollURL(c.path()), "Retry-After": c.retryAfter(), "retry-after-ms": c.retryAfterMS()}}, nil
	case "Succeeded":
		if len(op.Result) > 0 {
			return ok(json.RawMessage(op.Result))
		}
		return &reply{status: http.StatusOK}, nil
	}
	e := &arm.Error{Code: "OperationFailed", Message: "The operation failed."}
	if len(op.Error) > 0 {
		_ = json.Unmarshal(op.Error, e)
	}
	e.Status = http.StatusConflict
	if op.Status == "Canceled" {
		e.Code, e.Message = "OperationCanceled", "The operation was canceled."
	}
	return nil, e
}
