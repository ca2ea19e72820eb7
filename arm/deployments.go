package arm

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/armdeploy/armdeploy/state"
)

// Deployment is a deployment as ARM's GET returns it. Members are in
// sorted order, as the CLI has always printed them.
type Deployment struct {
	ID         string               `json:"id"`
	Location   string               `json:"location,omitempty"`
	Name       string               `json:"name"`
	Properties DeploymentProperties `json:"properties"`
	Type       string               `json:"type"`
}

// DeploymentProperties are a deployment's properties.
type DeploymentProperties struct {
	CorrelationID     string              `json:"correlationId,omitempty"`
	Duration          string              `json:"duration"`
	Error             json.RawMessage     `json:"error,omitempty"`
	Mode              string              `json:"mode"`
	OutputResources   []ResourceReference `json:"outputResources"`
	Outputs           json.RawMessage     `json:"outputs"`
	Parameters        json.RawMessage     `json:"parameters"`
	ProvisioningState string              `json:"provisioningState"`
	TemplateHash      string              `json:"templateHash,omitempty"`
	Timestamp         string              `json:"timestamp"`
}

// ResourceReference is {"id": ...}.
type ResourceReference struct {
	ID string `json:"id"`
}

// Operation is a deployment operation as ARM's list returns it.
type Operation struct {
	ID          string              `json:"id"`
	OperationID string              `json:"operationId"`
	Properties  OperationProperties `json:"properties"`
}

// OperationProperties are an operation's properties.
type OperationProperties struct {
	Duration              string         `json:"duration"`
	ProvisioningOperation string         `json:"provisioningOperation"`
	ProvisioningState     string         `json:"provisioningState"`
	StatusMessage         map[string]any `json:"statusMessage,omitempty"`
	TargetResource        map[string]any `json:"targetResource"`
	Timestamp             string         `json:"timestamp"`
}

// DeploymentID is the id of a deployment at a scope.
func DeploymentID(sc Scope, name string) string {
	base := sc.ID()
	if base == "/" {
		base = ""
	}
	return base + "/providers/Microsoft.Resources/deployments/" + name
}

// deploymentView is a stored deployment as ARM's GET returns it. The
// duration of a deployment still running is measured to now.
func deploymentView(d *state.Deployment, now time.Time) *Deployment {
	end := d.Finished
	if end.IsZero() {
		end = now
	}
	timestamp := d.Finished
	if timestamp.IsZero() {
		timestamp = d.Started
	}
	out := &Deployment{ID: DeploymentID(d.Scope(), d.Name), Name: d.Name, Type: "Microsoft.Resources/deployments", Location: d.Location,
		Properties: DeploymentProperties{ProvisioningState: d.Status, Mode: d.Mode, Timestamp: FormatTime(timestamp),
			Duration: FormatDuration(end.Sub(d.Started)), Parameters: rawOrNil(d.Parameters), Outputs: rawOrNil(d.Outputs),
			OutputResources: make([]ResourceReference, 0, len(d.OutputResources)), CorrelationID: d.CorrelationID,
			TemplateHash: d.TemplateHash, Error: rawOrNil(d.Error)}}
	for _, id := range d.OutputResources {
		out.Properties.OutputResources = append(out.Properties.OutputResources, ResourceReference{id})
	}
	return out
}

// operationView is a stored operation as ARM returns it.
func operationView(d *state.Deployment, op *state.Operation) *Operation {
	target := map[string]any{"id": op.ResourceID, "resourceType": op.ResourceType}
	if ref, err := state.ParseResourceID(op.ResourceID); err == nil {
		target["resourceName"] = ref.Name
	}
	props := OperationProperties{ProvisioningOperation: op.ProvisioningOperation, ProvisioningState: op.Status,
		Timestamp: FormatTime(op.Started.Add(op.Duration)), Duration: FormatDuration(op.Duration), TargetResource: target}
	if len(op.Error) > 0 {
		props.StatusMessage = map[string]any{"status": "Failed", "error": json.RawMessage(op.Error)}
	}
	return &Operation{ID: DeploymentID(d.Scope(), d.Name) + "/operations/" + op.OperationID, OperationID: op.OperationID, Properties: props}
}

func rawOrNil(m json.RawMessage) json.RawMessage {
	if len(m) == 0 {
		return nil
	}
	return m
}

// DeploymentRecord is a stored deployment with its ARM view, for
// front-ends that print tables.
type DeploymentRecord struct {
	*state.Deployment
	View *Deployment
}

// checkScope checks that principal may perform action on id (a
// deployment of sc, or sc itself) and then that the scope exists: a
// caller without access learns nothing of the scope, not even whether it
// exists.
func (s *Service) checkScope(ctx context.Context, sc Scope, principal, action, id string) error {
	if err := s.authorize(ctx, principal, action, id); err != nil {
		return err
	}
	if sc.ResourceGroup != "" {
		_, err := s.reader.Group(ctx, sc.SubscriptionID, sc.ResourceGroup)
		if errors.Is(err, state.ErrNotFound) {
			return groupNotFound(sc.ResourceGroup)
		}
		return err
	}
	return nil
}

// GetDeployment is GET .../deployments/{name}.
func (s *Service) GetDeployment(ctx context.Context, principal string, sc Scope, name string) (*DeploymentRecord, error) {
	return s.getDeployment(ctx, principal, actionDeploymentsRead, sc, name)
}

// getDeployment reads a deployment for an operation on it.
func (s *Service) getDeployment(ctx context.Context, principal, action string, sc Scope, name string) (*DeploymentRecord, error) {
	if err := s.checkScope(ctx, sc, principal, action, DeploymentID(sc, name)); err != nil {
		return nil, err
	}
	d, err := s.reader.Deployment(ctx, sc, name)
	if errors.Is(err, state.ErrNotFound) {
		return nil, deploymentNotFound(name)
	} else if err != nil {
		return nil, err
	}
	return &DeploymentRecord{d, deploymentView(d, s.opts.Now())}, nil
}

// ListDeployments is GET .../deployments: the scope's history, newest
// first.
func (s *Service) ListDeployments(ctx context.Context, principal string, sc Scope) ([]*DeploymentRecord, error) {
	if err := s.checkScope(ctx, sc, principal, actionDeploymentsRead, sc.ID()); err != nil {
		return nil, err
	}
	ds, err := s.reader.Deployments(ctx, sc)
	if err != nil {
		return nil, err
	}
	now := s.opts.Now()
	out := make([]*DeploymentRecord, 0, len(ds))
	for _, d := range ds {
		out = append(out, &DeploymentRecord{d, deploymentView(d, now)})
	}
	return out, nil
}

// OperationRecord is a stored operation with its ARM view.
type OperationRecord struct {
	*state.Operation
	View *Operation
}

// ListOperations is GET .../deployments/{name}/operations.
func (s *Service) ListOperations(ctx context.Context, principal string, sc Scope, name string) ([]*OperationRecord, error) {
	d, err := s.getDeployment(ctx, principal, actionDeploymentOperationRead, sc, name)
	if err != nil {
		return nil, err
	}
	ops, err := s.reader.Operations(ctx, sc, d.Name)
	if errors.Is(err, state.ErrNotFound) {
		return nil, deploymentNotFound(name)
	} else if err != nil {
		return nil, err
	}
	out := make([]*OperationRecord, 0, len(ops))
	for _, op := range ops {
		out = append(out, &OperationRecord{op, operationView(d.Deployment, op)})
	}
	return out, nil
}

// DeleteDeployment is DELETE .../deployments/{name}: the record and its
// operations go, its resources stay. A running deployment cannot be
// deleted while its process holds the scope.
func (s *Service) DeleteDeployment(ctx context.Context, principal string, sc Scope, name string) error {
	d, err := s.getDeployment(ctx, principal, actionDeploymentsDelete, sc, name)
	if err != nil {
		return err
	}
	if s.store == nil {
		return deploymentNotFound(name)
	}
	if d.Status == "Running" {
		// Its process may still be at work: it must not hold the scope.
		release, err := s.store.AcquireLease(ctx, s.leaseFor(leaseScope(sc), "deployment delete", principal, nil), 0)
		if err != nil {
			return err
		}
		defer release()
	}
	err = s.store.DeleteDeployment(ctx, sc, name)
	if errors.Is(err, state.ErrNotFound) {
		return deploymentNotFound(name)
	}
	return err
}

// CancelDeployment is POST .../deployments/{name}/cancel: the process
// running the deployment sees the request within CancelPoll and stops as
// Ctrl-C does. Only a running deployment can be canceled.
func (s *Service) CancelDeployment(ctx context.Context, principal string, sc Scope, name string) error {
	d, err := s.getDeployment(ctx, principal, actionDeploymentsCancel, sc, name)
	if err != nil {
		return err
	}
	if d.Status != "Running" && d.Status != "Accepted" {
		return Errorf(409, "DeploymentCannotBeCanceled",
			"The deployment '%s' cannot be canceled: its provisioning state is '%s'. Only running deployments can be canceled.", d.Name, d.Status)
	}
	if s.store == nil {
		return deploymentNotFound(name)
	}
	err = s.store.RequestCancel(ctx, sc, d.Name)
	if errors.Is(err, state.ErrNotRunning) {
		return Errorf(409, "DeploymentCannotBeCanceled",
			"The deployment '%s' cannot be canceled: it is no longer running.", d.Name)
	}
	return err
}

// ExportTemplate is POST .../deployments/{name}/exportTemplate: the
// template the deployment ran, as a JSON document (YAML templates are
// returned as JSON, as ARM would hold them).
func (s *Service) ExportTemplate(ctx context.Context, principal string, sc Scope, name string) (json.RawMessage, error) {
	d, err := s.getDeployment(ctx, principal, actionDeploymentsExport, sc, name)
	if err != nil {
		return nil, err
	}
	if len(d.Template) == 0 {
		return nil, Errorf(404, "DeploymentTemplateNotFound", "The template of deployment '%s' was not kept.", d.Name)
	}
	return templateDocument(d.TemplateName, d.Template)
}

// FormatTime renders a timestamp as ARM does (UTC, RFC 3339); "" for none.
func FormatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}

// FormatDuration renders a duration in ISO 8601 as ARM does: PT1M2.5S.
func FormatDuration(d time.Duration) string {
	if d < 0 {
		d = 0
	}
	var b strings.Builder
	b.WriteString("PT")
	if h := d / time.Hour; h > 0 {
		fmt.Fprintf(&b, "%dH", h)
		d -= h * time.Hour
	}
	if m := d / time.Minute; m > 0 {
		fmt.Fprintf(&b, "%dM", m)
		d -= m * time.Minute
	}
	if d > 0 || b.Len() == 2 {
		s := strings.TrimRight(strings.TrimRight(fmt.Sprintf("%.7f", d.Seconds()), "0"), ".")
		fmt.Fprintf(&b, "%sS", s)
	}
	return b.String()
}
