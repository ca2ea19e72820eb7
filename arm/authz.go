package arm

import (
	"context"
	"sync/atomic"

	"github.com/armdeploy/armdeploy/evaluator"
	"github.com/armdeploy/armdeploy/planner"
	"github.com/armdeploy/armdeploy/providers"
)

// The operations of Microsoft.Resources/deployments a caller needs, as
// Azure names them, and the ones only an Owner of a scope holds together:
// managing access (which Contributor lacks) and deploying (which User
// Access Administrator lacks).
const (
	actionDeploymentsWrite        = "Microsoft.Resources/deployments/write"
	actionDeploymentsRead         = "Microsoft.Resources/deployments/read"
	actionDeploymentsDelete       = "Microsoft.Resources/deployments/delete"
	actionDeploymentsCancel       = "Microsoft.Resources/deployments/cancel/action"
	actionDeploymentsValidate     = "Microsoft.Resources/deployments/validate/action"
	actionDeploymentsWhatIf       = "Microsoft.Resources/deployments/whatIf/action"
	actionDeploymentsExport       = "Microsoft.Resources/deployments/exportTemplate/action"
	actionDeploymentOperationRead = "Microsoft.Resources/deployments/operations/read"
	actionRoleAssignmentsWrite    = "Microsoft.Authorization/roleAssignments/write"
)

// requireOwner checks that principal holds Owner's rights on the scope
// id: both managing access and deploying there. Breaking another
// holder's lease and exporting or importing the whole store need it.
func (s *Service) requireOwner(ctx context.Context, principal, id string) error {
	for _, action := range []string{actionRoleAssignmentsWrite, actionDeploymentsWrite} {
		if err := s.authorize(ctx, principal, action, id); err != nil {
			return err
		}
	}
	return nil
}

// resolver answers reference(), list*() and resourceGroup() of a
// deployment from the store, reading only what the request's principal
// may read.
func (s *Service) resolver(ctx context.Context, req *DeploymentRequest, strict bool, pending func(string) bool) *planner.Resolver {
	r := &planner.Resolver{Store: s.reader, Ctx: ctx, Strict: strict, Pending: pending}
	if s.store != nil {
		r.Store = s.store
	}
	if req.Principal != "" {
		r.Authorize = func(ctx context.Context, action, id string) error {
			return s.authorize(ctx, req.Principal, action, id)
		}
	}
	return r
}

// storeReads is the Pending of an evaluation's first resolver: it records
// whether the evaluation consulted the resolver about a stored resource
// (every such read asks Pending first) and answers that nothing is
// pending. When it was never asked, evaluating again with other resources
// pending gives the same resources: the second evaluation can be spared.
type storeReads struct{ asked atomic.Bool }

func (r *storeReads) pending(string) bool {
	r.asked.Store(true)
	return false
}

// authorizeResources checks, before anything is evaluated against the
// store, that the caller may run the deployment operation (write,
// validate or what-if) at the request's scope, and, once the plan is
// known, that it may write every resource whose id is known, read every
// existing resource and every resource a body builds from (the image of
// a VM, the source of an image version). Azure checks these before the
// first write, so a refused deployment changes nothing. With readOnly
// (what-if and validate at ValidationLevel ProviderNoRbac) writes are
// checked as reads.
func (s *Service) authorizeResources(ctx context.Context, req *DeploymentRequest, rs []*evaluator.Resource, readOnly bool) error {
	if req.Principal == "" {
		return nil
	}
	var denied []*Error
	check := func(action, id string) {
		if e := providers.Authorize(ctx, s.reader, req.Principal, action, id); e != nil {
			err := s.nameClient(ctx, fromProvider(e), req.Principal)
			err.Resource = id
			denied = append(denied, err)
		}
	}
	write := "write"
	if readOnly {
		write = "read"
	}
	for _, r := range rs {
		if evaluator.HasUnknownText(r.ID) {
			continue // known only at its PUT, checked there
		}
		if r.Existing {
			check("read", r.ID)
			continue
		}
		check(write, r.ID)
		payload := planner.Payload(r)
		if !payload.HasUnknown() {
			for _, id := range planner.Reads(r, payload) {
				check("read", id)
			}
		}
	}
	if len(denied) == 0 {
		return nil
	}
	e := *denied[0]
	e.Status, e.Resource = 403, ""
	if len(denied) > 1 {
		e.Details = denied
	}
	return &e
}
