// Package arm is the local Azure Resource Manager control plane: ARM's REST
// operations as typed Go calls. It owns resource groups, deployments at the
// four ARM scopes (tenant, management group, subscription, resource group:
// validate, what-if, create-or-update as a long-running operation reporting
// through a hook, get, list, delete, cancel, operations, export template),
// generic resources through the providers, and role assignments.
//
// Every operation takes the calling principal and is authorised once, here,
// against the role assignments. The deployment lifecycle lives here too:
// preflight (every check before the first write), the lease on the target
// scope, the deployment record and its operations committed as each
// resource finishes, nested deployments recorded at their own scope,
// rollback, cancellation from another process, and the recovery of
// deployments whose process died.
//
// For a front-end that answers before the work is done (the REST server),
// the Start methods (StartDeployment, StartWhatIf, StartDeleteGroup,
// StartDeleteDeployment, StartPutResource) check the request and the
// caller's access at once and go on in the background; their progress and
// results are records in the store, so any process over it answers a poll.
//
// Front-ends (the CLI in cmd/armdeploy, the REST server) map flags or HTTP
// onto these calls and render the results; they hold no engine logic, so
// the CLI and the REST API behave the same by construction. Results are
// ARM's shapes: the JSON a front-end prints is the JSON the REST API
// returns.
package arm
