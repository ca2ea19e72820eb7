package arm

import (
	"context"
	"encoding/json"
	"strings"
	"time"

	"github.com/armdeploy/armdeploy/planner"
	"github.com/armdeploy/armdeploy/providers"
	"github.com/armdeploy/armdeploy/state"
)

// Simulation sets how long the long-running part of a resource PUT
// (image-version replication) takes outside a deployment: Sleep waits
// (nil: instantly), PerWeight is the time of one unit of a step's weight.
type Simulation struct {
	Sleep     func(ctx context.Context, d time.Duration) error
	PerWeight time.Duration
}

// ResourcePut is a resource PUT that may go on in the background.
type ResourcePut struct {
	// Resource is the resource as stored when the call returned: the
	// provider's result, or, while replication runs, the same with
	// provisioningState Creating/Updating and replication in progress.
	Resource *state.Resource
	// Created is set when there was no such resource before.
	Created bool
	// Operation is the long-running operation when the PUT goes on; nil
	// when it finished (Done is then closed).
	Operation *state.AsyncOperation
	Done      <-chan struct{}
}

// StartPutResource is ARM's PUT of a resource id for a long-running
// provider (an image version replicates to its target regions): the
// provider checks and computes the body at once; the replication runs in
// the background under ctx, committing progress as it goes, and the
// final body is committed when it ends. A PUT with nothing to replicate
// (or sim.Sleep nil) is [Service.PutResource].
func (s *Service) StartPutResource(ctx context.Context, principal, id, apiVersion string, body json.RawMessage, sim Simulation) (*ResourcePut, error) {
	p, err := s.preparePut(ctx, principal, id, apiVersion, body)
	if err != nil {
		return nil, err
	}
	r, current, payload, result, now := p.r, p.current, p.payload, p.result, p.now
	done := make(chan struct{})
	out := &ResourcePut{Created: current == nil, Done: done}
	if len(result.Replication) == 0 || sim.Sleep == nil || planner.IsGroupID(id) {
		defer close(done)
		if err := planner.Commit(ctx, s.store, r, payload, result, current, "", now, s.opts.Now()); err != nil {
			return nil, err
		}
		out.Resource, err = s.store.Resource(ctx, id)
		return out, err
	}
	provisioning := "Creating"
	if current != nil {
		provisioning = "Updating"
	}
	progress := map[string]int{}
	for _, st := range result.Replication {
		progress[providers.NormalizeLocation(st.Name)] = 0
	}
	commitInterim := func(ctx context.Context) error {
		interim := &providers.Result{Body: inProgressBody(result.Body, provisioning, progress)}
		return planner.Commit(ctx, s.store, r, payload, interim, current, "", now, s.opts.Now())
	}
	if err := commitInterim(ctx); err != nil {
		return nil, err
	}
	if out.Resource, err = s.store.Resource(ctx, id); err != nil {
		return nil, err
	}
	op := &state.AsyncOperation{ID: s.newID(), Scope: id, Kind: KindResourcePut, Principal: principal, Status: "Running", Created: now, Updated: now}
	if err := s.store.PutAsyncOperation(ctx, op); err != nil {
		return nil, err
	}
	first := *op
	out.Operation = &first
	go func() {
		defer close(done)
		bg := context.WithoutCancel(ctx)
		canceled := false
		for _, st := range result.Replication {
			region := providers.NormalizeLocation(st.Name)
			for pct := 25; pct <= 100 && !canceled; pct += 25 {
				if err := sim.Sleep(ctx, time.Duration(st.Weight*float64(sim.PerWeight)/4)); err != nil {
					canceled = true
					break
				}
				progress[region] = pct
				if pct < 100 {
					_ = commitInterim(bg)
				}
			}
		}
		op.Status, op.Updated = "Succeeded", s.opts.Now()
		if canceled {
			// The server stopped: what replicated so far stays, the
			// version is recorded Failed as Azure does for an interrupted
			// replication.
			failed := inProgressBody(result.Body, "Failed", progress)
			_ = planner.Commit(bg, s.store, r, payload, &providers.Result{Body: failed}, current, "", now, s.opts.Now())
			op.Status = "Canceled"
			op.Error = errorJSON(&Error{Code: "OperationCanceled", Message: "The operation was canceled: the server stopped before the replication finished."})
		} else if err := planner.Commit(bg, s.store, r, payload, result, current, "", now, s.opts.Now()); err != nil {
			op.Status = "Failed"
			op.Error = errorJSON(&Error{Code: "InternalServerError", Message: err.Error()})
		}
		_ = s.store.PutAsyncOperation(bg, op)
	}()
	return out, nil
}

// inProgressBody is a copy of a provider's body with the provisioning
// state given and each replicating region at its progress.
func inProgressBody(body map[string]any, provisioning string, progress map[string]int) map[string]any {
	var cp map[string]any
	b, _ := json.Marshal(body)
	_ = json.Unmarshal(b, &cp)
	props, _ := cp["properties"].(map[string]any)
	if props == nil {
		return cp
	}
	props["provisioningState"] = provisioning
	rs, _ := props["replicationStatus"].(map[string]any)
	if rs == nil {
		return cp
	}
	aggregated := "Completed"
	summary, _ := rs["summary"].([]any)
	for _, x := range summary {
		e, _ := x.(map[string]any)
		if e == nil {
			continue
		}
		region, _ := e["region"].(string)
		pct, ok := progress[providers.NormalizeLocation(region)]
		if !ok || pct >= 100 {
			continue
		}
		e["state"], e["progress"] = "Replicating", int64(pct)
		aggregated = "InProgress"
		if provisioning == "Failed" {
			e["state"], e["details"] = "Failed", "The replication was interrupted."
		}
	}
	if provisioning == "Failed" && aggregated == "InProgress" {
		aggregated = "Failed"
	}
	rs["aggregatedState"] = aggregated
	return cp
}

// ResourceStatus is the poll of a resource PUT's operation: its record
// with ARM's status body ({name, status, startTime, endTime, error}).
func (s *Service) ResourceStatus(ctx context.Context, principal, id string) (*OperationStatus, error) {
	op, err := s.AsyncOperation(ctx, principal, id)
	if err != nil {
		return nil, err
	}
	st := &OperationStatus{Name: op.ID, Status: op.Status, StartTime: FormatTime(op.Created)}
	if op.Status == "Running" {
		st.Status = "InProgress"
	} else {
		st.EndTime = FormatTime(op.Updated)
	}
	if len(op.Error) > 0 {
		st.Error = &Error{}
		_ = json.Unmarshal(op.Error, st.Error)
	}
	return st, nil
}

// ResourceView is a stored resource as ARM's GET returns it: as
// [ResourceBody], except that an image version's replicationStatus is
// shown only with $expand=ReplicationStatus, as in Azure.
func ResourceView(r *state.Resource, expand string) any {
	b := ResourceBody(r)
	if !strings.EqualFold(r.Type, "Microsoft.Compute/galleries/images/versions") || strings.Contains(lower(expand), "replicationstatus") {
		return b
	}
	raw, ok := b.(json.RawMessage)
	if !ok {
		return b
	}
	var m map[string]any
	if json.Unmarshal(raw, &m) != nil {
		return b
	}
	if props, ok := m["properties"].(map[string]any); ok {
		delete(props, "replicationStatus")
	}
	return m
}
