package arm

import (
	"context"

	"github.com/armdeploy/armdeploy/planner"
)

// WhatIfResult is a what-if's outcome: the template as evaluated (Diags
// hold its problems; when it Failed there is no Result) and ARM's
// WhatIfOperationResult.
type WhatIfResult struct {
	*Expansion
	Result *planner.WhatIfResult
}

// WhatIf is POST .../deployments/{name}/whatIf: what the deployment would
// change at its scope, without changing anything. The target group must
// exist unless the request creates it (CreateGroup: the CLI's -l), as for
// CreateOrUpdate: Azure's what-if refuses a missing group with
// ResourceGroupNotFound, and a deployment that would create it plans its
// resources as Create.
func (s *Service) WhatIf(ctx context.Context, req *DeploymentRequest) (*WhatIfResult, error) {
	if err := s.normalize(ctx, req, true, actionDeploymentsWhatIf); err != nil {
		return nil, err
	}
	var reads storeReads
	x, err := s.expand(ctx, req, s.resolver(ctx, req, false, reads.pending))
	if err != nil {
		return nil, err
	}
	out := &WhatIfResult{Expansion: x}
	if x.Failed() {
		return out, nil
	}
	if req.ValidationLevel != ValidationTemplate {
		if err := s.authorizeResources(ctx, req, x.Resources, req.ValidationLevel == ValidationProviderNoRbac); err != nil {
			return nil, err
		}
	}
	out.Result, err = s.whatIf(ctx, req, x, reads.asked.Load)
	return out, err
}

// whatIf compares the expansion with the store. reference() to a resource
// the deployment creates or modifies cannot be answered from the store
// (the value is about to change), so the template is evaluated again with
// those resources unknown until the set of changed resources settles.
// When asked reports that the evaluation read nothing from the store, the
// first comparison stands: no value depends on what is pending.
func (s *Service) whatIf(ctx context.Context, req *DeploymentRequest, x *Expansion, asked func() bool) (*planner.WhatIfResult, error) {
	opts := planner.WhatIfOptions{Complete: req.Mode == "Complete", IDsOnly: req.WhatIf.IDsOnly,
		SubscriptionID: req.Scope.SubscriptionID, ResourceGroup: req.Scope.ResourceGroup}
	res, err := planner.WhatIf(ctx, x.Resources, s.reader, opts)
	for round := 0; err == nil && round < 3; round++ {
		changing := map[string]bool{}
		for _, c := range res.Properties.Changes {
			if c.ChangeType == planner.Create || c.ChangeType == planner.Modify || c.ChangeType == planner.Deploy {
				changing[lower(c.ResourceID)] = true
			}
		}
		if len(changing) == 0 || !asked() {
			break
		}
		x.eval.SetResolver(s.resolver(ctx, req, false, func(id string) bool { return changing[lower(id)] }))
		rs, ds := x.eval.Resources()
		if ds.HasErrors() {
			break
		}
		again, err2 := planner.WhatIf(ctx, rs, s.reader, opts)
		if err2 != nil {
			return nil, err2
		}
		same := sameChanges(res, again)
		res, x.Resources = again, rs
		if same {
			break
		}
	}
	return res, err
}

// sameChanges reports whether two what-ifs change the same resources in
// the same way.
func sameChanges(a, b *planner.WhatIfResult) bool {
	if len(a.Properties.Changes) != len(b.Properties.Changes) {
		return false
	}
	for i := range a.Properties.Changes {
		if a.Properties.Changes[i].ResourceID != b.Properties.Changes[i].ResourceID ||
			a.Properties.Changes[i].ChangeType != b.Properties.Changes[i].ChangeType {
			return false
		}
	}
	return true
}

// HasChanges reports whether a what-if would change anything.
func HasChanges(res *planner.WhatIfResult) bool {
	for _, c := range res.Properties.Changes {
		switch c.ChangeType {
		case planner.NoChange, planner.Ignore:
		default:
			return true
		}
	}
	return false
}
