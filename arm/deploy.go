package arm

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/armdeploy/armdeploy/evaluator"
	"github.com/armdeploy/armdeploy/planner"
	"github.com/armdeploy/armdeploy/providers"
	"github.com/armdeploy/armdeploy/state"
	"github.com/armdeploy/armdeploy/templates"
	"github.com/armdeploy/armdeploy/templates/diag"
)

// CreateOrUpdate runs a deployment to its end: ARM's PUT of
// .../providers/Microsoft.Resources/deployments/{name} followed by the
// long-running operation, reported through req.Apply.Hook.
//
// The lifecycle: preflight (template, parameters, evaluation, graph,
// provider and quota checks of every resource) writes nothing; a request
// that fails it returns with Diags or Preflight set and the store as it
// was. Then the group is created when asked, the lease on the scope is
// taken, the record is written Running, and each operation is committed
// as its resource starts and finishes. Canceling ctx, or a cancel request
// from another process, lets operations in flight finish and records the
// rest Canceled. The record ends Succeeded, Failed or Canceled, with the
// nested deployments recorded at their own scopes.
func (s *Service) CreateOrUpdate(ctx context.Context, req *DeploymentRequest) (*DeploymentResult, error) {
	if s.store == nil {
		return nil, errors.New("the state store is read-only here")
	}
	if err := s.normalize(ctx, req, true, actionDeploymentsWrite); err != nil {
		return nil, err
	}
	if err := s.authorizeDeployment(ctx, req); err != nil {
		return nil, err
	}
	var reads storeReads
	x, err := s.expand(ctx, req, s.resolver(ctx, req, false, reads.pending))
	if err != nil {
		return nil, err
	}
	x.readStore = reads.asked.Load()
	res := &DeploymentResult{Expansion: x}
	// A Key Vault reference resolveKeyVaultReferences could not read (one
	// without a vault id or secret name) is only a warning for validate
	// and what-if; a deployment needs the value.
	for i, d := range x.Diags {
		if d.Code == templates.CodeKeyVaultReference {
			x.Diags[i].Severity = diag.Error
		}
	}
	if x.Failed() {
		return res, nil
	}
	s.evaluatePlanned(ctx, req, x)
	p, ds := planner.NewPlan(x.Resources)
	if ds.HasErrors() {
		x.add(ds)
		return res, nil
	}
	if err := s.authorizeResources(ctx, req, p.Resources, false); err != nil {
		return nil, err
	}
	var known map[string]*state.Resource // read ahead by the preflight, for the apply
	if res.Preflight, known, err = s.preflight(ctx, req, p, nil); err != nil || res.Preflight != nil {
		return res, err
	}
	if req.Scope.ResourceGroup != "" && !req.groupExists {
		if err := s.createGroupFor(ctx, req); err != nil {
			return nil, err
		}
	}
	release, err := s.store.AcquireLease(ctx, s.lease(req), req.Apply.LockTimeout)
	if err != nil {
		return nil, err
	}
	defer release()
	rec := s.newRecord(req, x)
	if err := s.store.PutDeployment(ctx, rec); err != nil {
		return nil, err
	}
	res.Record = rec
	if err := s.run(ctx, req, p, res, known); err != nil {
		return nil, err
	}
	if rec.Status == "Failed" && req.Apply.RollbackOnError {
		release()
		s.rollback(context.WithoutCancel(ctx), req, res)
	}
	return res, nil
}

// evaluatePlanned evaluates the resources again with those the deployment
// writes unknown: they are about to change, so what reference() reads of
// them is known only at their PUT. When the first evaluation read nothing
// from the store (x.readStore), it stands.
func (s *Service) evaluatePlanned(ctx context.Context, req *DeploymentRequest, x *Expansion) {
	if !x.readStore {
		return
	}
	planned := map[string]bool{}
	for _, r := range x.Resources {
		planned[lower(r.ID)] = true
	}
	x.eval.SetResolver(s.resolver(ctx, req, false, func(id string) bool { return planned[lower(id)] }))
	if rs, ds := x.eval.Resources(); !ds.HasErrors() {
		x.Resources = rs
	}
}

// hasNested reports whether rs hold a nested deployment.
func hasNested(rs []*evaluator.Resource) bool {
	return slices.ContainsFunc(rs, func(r *evaluator.Resource) bool {
		return !r.Existing && strings.EqualFold(r.Type, "Microsoft.Resources/deployments")
	})
}

// run applies the plan under a record already written Running and
// finishes the record; known is what the preflight read ahead.
func (s *Service) run(ctx context.Context, req *DeploymentRequest, p *planner.Plan, res *DeploymentResult, known map[string]*state.Resource) error {
	x, rec := res.Expansion, res.Record
	applyCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	stopWatch := s.watchCancel(applyCtx, rec.Scope(), rec.Name, cancel)
	defer stopWatch()
	if req.Apply.OnStart != nil {
		req.Apply.OnStart(p, rec)
	}
	ops := newOperationLog(s, rec, req.Apply.Hook)
	// Each re-expansion sees the resources written so far; what is still
	// to be written is unknown.
	pending := func(id string) bool {
		return !ops.done(id) && p.Graph.Index(lower("|"+id)) >= 0
	}
	var evalMu sync.Mutex
	refreshed := false // under evalMu
	refresh := func(ctx context.Context, r *evaluator.Resource) ([]*evaluator.Resource, error) {
		evalMu.Lock()
		defer evalMu.Unlock()
		refreshed = true
		x.eval.SetResolver(s.resolver(ctx, req, true, pending))
		rs, ds := x.eval.Resources()
		mine := templates.PathOf(r.Decl.Pointer)
		for _, d := range ds.Errors() {
			if d.Target == mine || strings.HasPrefix(d.Target, mine+".") {
				return nil, errors.New(d.Message)
			}
		}
		return rs, nil
	}
	sc := req.Scope
	out, err := planner.Apply(applyCtx, p, planner.ApplyOptions{
		Store: withCounts(s.store), Deployment: rec.Name, SubscriptionID: sc.SubscriptionID, ResourceGroup: sc.ResourceGroup,
		Parallelism: req.Apply.Parallelism, Hook: ops, Now: s.opts.Now, Refresh: refresh,
		Complete: req.Mode == "Complete", Sleep: req.Apply.Sleep, Latency: req.Apply.Latency, PerWeight: req.Apply.PerWeight,
		Tenant: s.opts.Tenant, Known: known,
		Interim: func(body map[string]any, updating bool, progress map[string]int) map[string]any {
			if updating {
				return inProgressBody(body, "Updating", progress)
			}
			return inProgressBody(body, "Creating", progress)
		},
		Authorize: func(ctx context.Context, action, id string) *providers.Error {
			return providers.Authorize(ctx, s.store, req.Principal, action, id)
		},
	})
	// The history is written even when the deployment was canceled, and
	// the record finished only after its operations.
	ops.flush()
	bg := context.WithoutCancel(ctx)
	if err != nil {
		rec.Status, rec.Finished = "Failed", s.opts.Now()
		rec.Error = errorJSON(&Error{Code: "InternalServerError", Message: err.Error()})
		_ = s.store.PutDeployment(bg, rec)
		return err
	}
	// Every operation was committed as it ran (the operation log).
	res.Operations = out.Operations
	if !out.Failed() {
		x.eval.SetResolver(s.resolver(bg, req, true, nil))
		if x.readStore || refreshed || hasNested(p.Resources) {
			// nested deployments' outputs, now that everything exists;
			// without any, and with every resource as first evaluated,
			// outputs read the store themselves
			x.eval.Resources()
		}
		res.Outputs, res.OutputDiags = x.eval.DeployedOutputs()
	}
	if err := s.recordNested(bg, x, out, rec); err != nil {
		return err
	}
	rec.Finished = s.opts.Now()
	rec.OutputResources = out.OutputResources
	rec.Outputs = outputsJSON(res.Outputs)
	switch {
	case applyCtx.Err() != nil && out.Failed():
		rec.Status = "Canceled"
	case out.Failed():
		rec.Status = "Failed"
		rec.Error = deploymentError(out)
	case res.OutputDiags.HasErrors():
		// Azure fails a deployment whose outputs cannot be evaluated.
		rec.Status = "Failed"
		rec.Error = outputError(res.OutputDiags)
	default:
		rec.Status = "Succeeded"
	}
	if err := s.store.PutDeployment(bg, rec); err != nil {
		return err
	}
	res.Deployment = deploymentView(rec, s.opts.Now())
	return nil
}

// authorizeDeployment checks that the caller may create the target group
// when the deployment creates it (a subscription-scope write of
// Microsoft.Resources/subscriptions/resourceGroups).
func (s *Service) authorizeDeployment(ctx context.Context, req *DeploymentRequest) error {
	if req.Scope.ResourceGroup != "" && !req.groupExists {
		return s.authorize(ctx, req.Principal, "write", req.Scope.ID())
	}
	return nil
}

// createGroupFor creates the request's resource group at its location.
func (s *Service) createGroupFor(ctx context.Context, req *DeploymentRequest) error {
	g := &state.ResourceGroup{SubscriptionID: req.Scope.SubscriptionID, Name: req.Scope.ResourceGroup,
		Location: normalizeLocation(req.Location), Created: s.opts.Now()}
	if err := s.store.PutGroup(ctx, g); err != nil {
		return err
	}
	req.groupExists = true
	return nil
}

func (s *Service) lease(req *DeploymentRequest) state.Lease {
	return s.leaseFor(leaseScope(req.Scope), req.Name, req.Principal, req.Apply.OnTakeover)
}

// newRecord is the Running record of a deployment about to start.
func (s *Service) newRecord(req *DeploymentRequest, x *Expansion) *state.Deployment {
	sc := req.Scope
	rec := &state.Deployment{SubscriptionID: sc.SubscriptionID, ResourceGroup: sc.ResourceGroup,
		ManagementGroup: sc.ManagementGroup, Name: req.Name,
		TemplateHash: templateHash(x.Template), Parameters: parametersJSON(x), Mode: req.Mode,
		Status: "Running", CorrelationID: s.newID(), Started: s.opts.Now(),
		Template: x.Template.Source.Text, TemplateName: filepath.Base(req.Template.File)}
	if sc.ResourceGroup == "" {
		rec.Location = req.Location // ARM keeps a sub, mg or tenant deployment's location
	}
	return rec
}

// watchCancel polls the store for a cancel request of the deployment from
// another process and cancels the run when one comes; the returned
// function stops the watch.
func (s *Service) watchCancel(ctx context.Context, sc Scope, name string, cancel func()) func() {
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(s.opts.CancelPoll)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-ctx.Done():
				return
			case <-t.C:
				if yes, err := s.store.CancelRequested(ctx, sc, name); err == nil && yes {
					cancel()
					return
				}
			}
		}
	}()
	return func() { close(done); wg.Wait() }
}

func (s *Service) newID() string {
	b := make([]byte, 16)
	if _, err := io.ReadFull(s.opts.Random, b); err != nil {
		return ""
	}
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}

func templateHash(t *templates.Template) string {
	sum := sha256.Sum256(t.Source.Text)
	// ARM gives a 64-bit hash in decimal ("templateHash": "1503614551333918392").
	return strconv.FormatUint(binary.BigEndian.Uint64(sum[:8]), 10)
}

// normalizeLocation turns "East US" into "eastus", as ARM stores it.
func normalizeLocation(l string) string {
	return strings.ToLower(strings.ReplaceAll(l, " ", ""))
}
