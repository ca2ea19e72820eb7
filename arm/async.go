package arm

import (
	"context"
	"encoding/json"
	"errors"
	"strings"

	"github.com/armdeploy/armdeploy/planner"
	"github.com/armdeploy/armdeploy/state"
	"github.com/armdeploy/armdeploy/templates"
	"github.com/armdeploy/armdeploy/templates/diag"
)

// Long-running operations for front-ends that answer before the work is
// done (the REST API): each Start method checks the request and the
// caller's access at once, returns what ARM's first reply needs, and
// goes on in the background under ctx; the returned Done channel closes
// when it has finished. Progress and results are records in the store
// ([state.AsyncOperation], the deployment record), so any process over
// the store answers a poll, and an operation goes on when its client
// stops polling.

// Kinds of async operations.
const (
	KindWhatIf           = "whatIf"
	KindGroupDelete      = "groupDelete"
	KindDeploymentDelete = "deploymentDelete"
	KindResourcePut      = "resourcePut"
)

// DeploymentStart is a deployment started in the background.
type DeploymentStart struct {
	// Refused is set when the request failed before its record was
	// written (template errors in Diags, or Preflight): nothing was
	// written and nothing runs.
	Refused *DeploymentResult
	// Deployment is the record as written Running.
	Deployment *DeploymentRecord
	// Created is set when the scope had no deployment of that name.
	Created bool
	// Done is closed when the deployment has finished (its record then
	// says how); Err tells a failure of the machinery after that.
	Done <-chan struct{}
	err  error
}

// Err is the error the deployment ended with once Done is closed (a
// store failure; a failed deployment is a record, not an error).
func (d *DeploymentStart) Err() error { return d.err }

// StartDeployment is ARM's PUT of a deployment: it returns once the
// deployment passed preflight and its Running record is written (or was
// refused), and runs it to its end under ctx, which the caller cancels
// to stop it (the record then ends Canceled, as Ctrl-C does).
func (s *Service) StartDeployment(ctx context.Context, req *DeploymentRequest) (*DeploymentStart, error) {
	existed := false
	if req.Name != "" {
		_, err := s.reader.Deployment(ctx, req.Scope, req.Name)
		existed = err == nil
	}
	started := make(chan *state.Deployment, 1)
	onStart := req.Apply.OnStart
	req.Apply.OnStart = func(p *planner.Plan, rec *state.Deployment) {
		if onStart != nil {
			onStart(p, rec)
		}
		cp := *rec
		started <- &cp
	}
	done := make(chan struct{})
	out := &DeploymentStart{Done: done, Created: !existed}
	var res *DeploymentResult
	go func() {
		defer close(done)
		res, out.err = s.CreateOrUpdate(ctx, req)
	}()
	select {
	case rec := <-started:
		out.Deployment = &DeploymentRecord{rec, deploymentView(rec, s.opts.Now())}
		return out, nil
	case <-done:
	}
	if out.err != nil {
		return nil, out.err
	}
	select {
	case rec := <-started: // it ran to its end before we looked
		out.Deployment = &DeploymentRecord{rec, deploymentView(rec, s.opts.Now())}
		return out, nil
	default:
	}
	out.Refused = res
	return out, nil
}

// OperationStatus is ARM's body of an Azure-AsyncOperation or Location
// poll.
type OperationStatus struct {
	ID         string          `json:"id,omitempty"`
	Name       string          `json:"name,omitempty"`
	Status     string          `json:"status"`
	StartTime  string          `json:"startTime,omitempty"`
	EndTime    string          `json:"endTime,omitempty"`
	Error      *Error          `json:"error,omitempty"`
	Properties json.RawMessage `json:"properties,omitempty"`
}

// Terminal reports whether a status is final.
func Terminal(status string) bool {
	switch strings.ToLower(status) {
	case "succeeded", "failed", "canceled":
		return true
	}
	return false
}

// DeploymentStatus is the poll of a deployment's operationStatuses: its
// provisioning state as an operation status, with its error when it
// failed.
func (s *Service) DeploymentStatus(ctx context.Context, principal string, sc Scope, name string) (*OperationStatus, error) {
	d, err := s.GetDeployment(ctx, principal, sc, name)
	if err != nil {
		return nil, err
	}
	st := &OperationStatus{Status: d.Status, StartTime: FormatTime(d.Started), EndTime: FormatTime(d.Finished)}
	switch d.Status {
	case "Accepted", "Running":
		st.Status, st.EndTime = "Running", ""
	case "Failed":
		st.Error = &Error{}
		if json.Unmarshal(d.Error, st.Error) != nil || st.Error.Code == "" {
			st.Error = &Error{Code: "DeploymentFailed", Message: "The deployment failed."}
		}
	}
	return st, nil
}

// startAsync records a Running operation about scope for principal and
// runs fn in the background under ctx; fn's result is recorded as the
// operation's result, its *Error as its error.
func (s *Service) startAsync(ctx context.Context, principal, kind, scope string, fn func(ctx context.Context) (json.RawMessage, error)) (*state.AsyncOperation, <-chan struct{}, error) {
	if s.store == nil {
		return nil, nil, errors.New("the state store is read-only here")
	}
	op := &state.AsyncOperation{ID: s.newID(), Scope: scope, Kind: kind, Principal: principal, Status: "Running",
		Created: s.opts.Now(), Updated: s.opts.Now()}
	if err := s.store.PutAsyncOperation(ctx, op); err != nil {
		return nil, nil, err
	}
	done := make(chan struct{})
	first := *op
	go func() {
		defer close(done)
		result, err := fn(ctx)
		op.Status, op.Result, op.Updated = "Succeeded", result, s.opts.Now()
		if err != nil {
			e, ok := AsError(err)
			if !ok {
				e = &Error{Code: "InternalServerError", Message: err.Error(), Status: 500}
			}
			op.Status, op.Error = "Failed", errorJSON(e)
			if errors.Is(err, context.Canceled) {
				op.Status = "Canceled"
			}
		}
		_ = s.store.PutAsyncOperation(context.WithoutCancel(ctx), op)
	}()
	return &first, done, nil
}

// AsyncOperation returns a long-running operation's record for its
// principal or one that may read its scope. A missing one is
// OperationNotFound (404).
func (s *Service) AsyncOperation(ctx context.Context, principal, id string) (*state.AsyncOperation, error) {
	if s.store == nil {
		return nil, Errorf(404, "OperationNotFound", "The operation '%s' could not be found.", id)
	}
	op, err := s.store.AsyncOperation(ctx, id)
	if errors.Is(err, state.ErrNotFound) {
		return nil, Errorf(404, "OperationNotFound", "The operation '%s' could not be found.", id)
	} else if err != nil {
		return nil, err
	}
	if principal != "" && !strings.EqualFold(op.Principal, principal) {
		if err := s.authorize(ctx, principal, "read", op.Scope); err != nil {
			return nil, err
		}
	}
	return op, nil
}

// WhatIfOperation is a what-if's result as ARM's operation result:
// {status, properties: {changes}} or {status: Failed, error}.
type WhatIfOperation struct {
	Status     string `json:"status"`
	Error      *Error `json:"error,omitempty"`
	Properties *struct {
		Changes any `json:"changes"`
	} `json:"properties,omitempty"`
}

// StartWhatIf is ARM's POST of .../whatIf: the caller's right to run a
// what-if at the scope (and the group's existence) is checked at once;
// the what-if runs in the background and its result (a template error is
// a Failed result, as in Azure) is the operation's.
func (s *Service) StartWhatIf(ctx context.Context, req *DeploymentRequest) (*state.AsyncOperation, <-chan struct{}, error) {
	name := req.Name
	if name == "" {
		name = "whatIf"
	}
	if err := s.authorize(ctx, req.Principal, actionDeploymentsWhatIf, DeploymentID(req.Scope, name)); err != nil {
		return nil, nil, err
	}
	return s.startAsync(ctx, req.Principal, KindWhatIf, req.Scope.ID(), func(ctx context.Context) (json.RawMessage, error) {
		res, err := s.WhatIf(ctx, req)
		out := &WhatIfOperation{Status: "Succeeded"}
		switch {
		case err != nil:
			e, ok := AsError(err)
			if !ok {
				return nil, err
			}
			out.Status, out.Error = "Failed", e
		case res.Failed():
			out.Status, out.Error = "Failed", InvalidTemplateError(res.Diags)
		default:
			out.Properties = &struct {
				Changes any `json:"changes"`
			}{res.Result.Properties.Changes}
		}
		return json.Marshal(out)
	})
}

// StartDeleteGroup is ARM's DELETE of a resource group: access and
// existence are checked at once, the delete runs in the background.
func (s *Service) StartDeleteGroup(ctx context.Context, principal, subscription, name string) (*state.AsyncOperation, <-chan struct{}, error) {
	if err := s.authorize(ctx, principal, "delete", groupID(subscription, name)); err != nil {
		return nil, nil, err
	}
	if _, err := s.GetGroup(ctx, "", subscription, name); err != nil {
		return nil, nil, err
	}
	return s.startAsync(ctx, principal, KindGroupDelete, groupID(subscription, name), func(ctx context.Context) (json.RawMessage, error) {
		return nil, s.DeleteGroup(ctx, principal, subscription, name)
	})
}

// StartDeleteDeployment is ARM's DELETE of a deployment as a long-running
// operation.
func (s *Service) StartDeleteDeployment(ctx context.Context, principal string, sc Scope, name string) (*state.AsyncOperation, <-chan struct{}, error) {
	d, err := s.getDeployment(ctx, principal, actionDeploymentsDelete, sc, name)
	if err != nil {
		return nil, nil, err
	}
	if d.Status == "Running" || d.Status == "Accepted" {
		// A running one is refused at once unless its process is gone.
		if err := s.DeleteDeployment(ctx, principal, sc, name); err != nil {
			return nil, nil, err
		}
	}
	return s.startAsync(ctx, principal, KindDeploymentDelete, DeploymentID(sc, name), func(ctx context.Context) (json.RawMessage, error) {
		err := s.DeleteDeployment(ctx, principal, sc, name)
		if e, ok := AsError(err); ok && e.Code == "DeploymentNotFound" {
			err = nil // deleted above
		}
		return nil, err
	})
}

// InvalidTemplateError is the ARM error of a template that failed its
// checks, as validate returns it: a single error as itself, several as
// the details of one InvalidTemplate, each with its TemplateViolation
// position.
func InvalidTemplateError(ds diag.Diagnostics) *Error {
	errs := ds.Errors()
	if len(errs) == 0 {
		return &Error{Code: templates.CodeInvalidTemplate, Message: "Deployment template validation failed.", Status: 400}
	}
	code := errs[0].Code
	for _, d := range errs {
		if d.Code != code {
			code = templates.CodeInvalidTemplate
		}
	}
	var msg string
	switch {
	case code == templates.CodeInvalidContent && len(errs) == 1:
		msg = "The request content was invalid and could not be deserialized: '" + errs[0].Message + "'."
	case code == templates.CodeInvalidContent:
		msg = "The request content was invalid and could not be deserialized; see details."
	case len(errs) == 1:
		msg = "Deployment template validation failed: '" + errs[0].Message + "'."
	default:
		code = templates.CodeInvalidTemplate
		msg = "Deployment template validation failed; see details."
	}
	out := &Error{Code: code, Message: msg, Status: 400}
	for _, d := range errs {
		out.Details = append(out.Details, fromDetail(d.Detail()))
	}
	return out
}

func fromDetail(d *diag.ErrorDetail) *Error {
	e := &Error{Code: d.Code, Message: d.Message, AdditionalInfo: d.AdditionalInfo}
	if d.Target != nil {
		e.Target = *d.Target
	}
	for _, x := range d.Details {
		e.Details = append(e.Details, fromDetail(x))
	}
	return e
}
