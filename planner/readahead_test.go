package planner

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/armdeploy/armdeploy/state"
)

// readCounting counts the point reads of resources.
type readCounting struct {
	*state.SQLiteStore
	reads atomic.Int32
}

func (s *readCounting) Resource(ctx context.Context, id string) (*state.Resource, error) {
	s.reads.Add(1)
	return s.SQLiteStore.Resource(ctx, id)
}

// TestApplyFromReadAhead: with the store read ahead, an operation reads
// nothing more; a resource written by someone else since the read-ahead
// is read again and updated, not created over (its creation time stays),
// and the operation says Update.
func TestApplyFromReadAhead(t *testing.T) {
	ctx := context.Background()
	p := plan(t, `{"resources":[
	  {"type":"A.B/x","apiVersion":"1","name":"quiet","properties":{"v":1}},
	  {"type":"A.B/x","apiVersion":"1","name":"raced","properties":{"v":2}}]}`)
	store := &readCounting{SQLiteStore: openStore(t)}
	known, err := Currents(ctx, p.Resources, store)
	if err != nil {
		t.Fatal(err)
	}
	if len(known) != 2 {
		t.Fatalf("read ahead %v, want both absent", known)
	}
	var raced string
	for _, r := range p.Resources {
		if r.Name == "raced" {
			raced = r.ID
		}
	}
	// someone else creates "raced" after the read-ahead
	created := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	if err := store.PutResource(ctx, &state.Resource{ID: raced, Location: "westus", ETag: "other", Created: created, Body: []byte(`{"by":"other"}`)}); err != nil {
		t.Fatal(err)
	}
	store.reads.Store(0)
	res, err := Apply(ctx, p, ApplyOptions{Store: store, Known: known, SubscriptionID: "s", ResourceGroup: "rg", Parallelism: 1})
	if err != nil || res.Failed() {
		t.Fatalf("apply: %v %+v", err, res)
	}
	ops := map[string]string{}
	for _, op := range res.Operations {
		ops[op.ResourceID] = op.Operation
	}
	for id, want := range map[string]string{p.Resources[0].ID: "Create", raced: "Update"} {
		if ops[id] != want {
			t.Errorf("%s: operation %q, want %q", id, ops[id], want)
		}
	}
	got, err := store.SQLiteStore.Resource(ctx, raced)
	if err != nil {
		t.Fatal(err)
	}
	if !got.Created.Equal(created) || got.ETag == "other" {
		t.Errorf("raced resource: created %v, etag %q; want the other write's creation time and a new etag", got.Created, got.ETag)
	}
	if n := store.reads.Load(); n != 1 {
		t.Errorf("%d point reads, want 1 (the raced resource, once its commit failed)", n)
	}
}
