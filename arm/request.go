package arm

import (
	"context"
	"time"

	"github.com/armdeploy/armdeploy/evaluator"
	"github.com/armdeploy/armdeploy/planner"
	"github.com/armdeploy/armdeploy/state"
	"github.com/armdeploy/armdeploy/templates/diag"
)

// DeploymentRequest is a PUT (or validate, or what-if) of a deployment at
// a scope: ARM's deployment body with the caller.
type DeploymentRequest struct {
	Scope Scope
	// Name is the deployment's name (default: the template file's base
	// name).
	Name string
	// Location is the deployment's metadata location at subscription,
	// management-group and tenant scope; at resource-group scope, the
	// group's location when the group does not exist yet.
	Location string
	// Mode is Incremental (default) or Complete (resource-group scope only).
	Mode      string
	Template  Template
	Principal string
	// ScopeFromTemplate takes the scope's level from the template's
	// $schema (Scope then only gives the subscription): what expand and
	// graph do without -g or -m.
	ScopeFromTemplate bool
	// CreateGroup creates the target resource group at Location when it
	// does not exist, after preflight passed (the CLI's deploy -l).
	CreateGroup bool
	// ValidationLevel is how thoroughly validate and what-if check the
	// deployment, as in Azure: Provider (default) runs the providers'
	// checks and checks the caller's write access to every resource,
	// ProviderNoRbac checks read access instead (a Reader with the
	// deployments' validate and whatIf actions can preview a deployment),
	// Template skips both.
	ValidationLevel string
	// WhatIf configures a what-if.
	WhatIf WhatIfOptions
	// Apply configures a create-or-update.
	Apply ApplyOptions

	groupLocation string // resourceGroup().location
	groupExists   bool
}

// Validation levels of validate and what-if.
const (
	ValidationTemplate       = "Template"
	ValidationProvider       = "Provider"
	ValidationProviderNoRbac = "ProviderNoRbac"
)

// WhatIfOptions are the what-if request's options.
type WhatIfOptions struct {
	// IDsOnly is resultFormat ResourceIdOnly.
	IDsOnly bool
}

// ApplyOptions tune how a create-or-update runs; the zero value deploys
// instantly with parallelism 10 and no progress reporting.
type ApplyOptions struct {
	Parallelism int
	// Hook receives the apply's progress events; it must return quickly.
	Hook planner.Hook
	// OnStart is called with the plan and the deployment's record (its
	// name and mode as normalised) once preflight passed and the lease is
	// held, before the first write (a live view draws its rows).
	OnStart func(*planner.Plan, *state.Deployment)
	// Sleep waits for simulated time; nil makes every operation instant.
	// Latency is the simulated duration of one operation, PerWeight that of
	// one unit of a long-running step.
	Sleep              func(ctx context.Context, d time.Duration) error
	Latency, PerWeight time.Duration
	// LockTimeout is how long to wait for another deployment's lease on
	// the scope.
	LockTimeout time.Duration
	// RollbackOnError redeploys the scope's last successful deployment
	// when this one fails.
	RollbackOnError bool
	// OnRollback is told the name of the deployment rolled back to.
	OnRollback func(name string)
	// OnTakeover is told of the lease of a gone holder (a dead or reused
	// pid, an expired heartbeat) that the deployment took over.
	OnTakeover func(old *state.Lease)
}

// DeploymentResult is the outcome of a create-or-update.
type DeploymentResult struct {
	// Expansion is the template as evaluated; its Diags hold every
	// problem found (when it Failed, nothing was written).
	*Expansion
	// Preflight is the refusal of the checks before the first write
	// (InvalidTemplateDeployment with the providers' errors): nothing was
	// written.
	Preflight *Error
	// Deployment is the deployment as ARM returns it.
	Deployment *Deployment
	// Record is the stored deployment.
	Record     *state.Deployment
	Operations []planner.Operation
	Outputs    []evaluator.OutputValue
	// OutputDiags are the problems found evaluating the outputs.
	OutputDiags diag.Diagnostics
	// Rollback is the redeployment of the last successful deployment that
	// a failed one was rolled back to; RollbackErr says why a rollback
	// could not run or failed.
	Rollback    *DeploymentResult
	RollbackErr error
}

// Status is the deployment's provisioning state, or "" when the request
// was refused before a record was written.
func (r *DeploymentResult) Status() string {
	if r.Record == nil {
		return ""
	}
	return r.Record.Status
}
