package planner

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/armdeploy/armdeploy/evaluator"
	"github.com/armdeploy/armdeploy/state"
)

// fillStore writes n resources into a SQLite store in the group rg.
func fillStore(b *testing.B, n int) *state.SQLiteStore {
	b.Helper()
	st, err := state.Open(filepath.Join(b.TempDir(), "state.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	ctx := context.Background()
	if err := st.PutGroup(ctx, &state.ResourceGroup{SubscriptionID: "s", Name: "rg", Location: "eastus"}); err != nil {
		b.Fatal(err)
	}
	for i := range n {
		id := fmt.Sprintf("/subscriptions/s/resourceGroups/rg/providers/A.B/x/c%d-0", i)
		body := fmt.Sprintf(`{"apiVersion":"1","id":%q,"name":"c%d-0","type":"A.B/x","properties":{"i":0}}`, id, i)
		if err := st.PutResource(ctx, &state.Resource{ID: id, SubscriptionID: "s", ResourceGroup: "rg", Type: "A.B/x",
			Name: fmt.Sprintf("c%d-0", i), Body: []byte(body), Request: []byte(body), Created: time.Unix(0, 0), Updated: time.Unix(0, 0)}); err != nil {
			b.Fatal(err)
		}
	}
	return st
}

// BenchmarkWhatIf800Against10k is what-if of 800 resources (half of them
// changed) against a group of 10,000 stored resources (target ≤ 100 ms).
func BenchmarkWhatIf800Against10k(b *testing.B) {
	st := fillStore(b, 10000)
	rs := expand(b, chainsTemplate(800, 1))
	for i, r := range rs {
		if i%2 == 0 {
			changed, _ := evaluator.ParseJSON(`{"i":1,"extra":["a","b"]}`)
			r.Fields.Set("properties", changed)
		}
	}
	b.ResetTimer()
	for b.Loop() {
		res, err := WhatIf(context.Background(), rs, st, WhatIfOptions{SubscriptionID: "s", ResourceGroup: "rg"})
		if err != nil || len(res.Properties.Changes) != 10000 {
			b.Fatalf("%v, %d changes", err, len(res.Properties.Changes))
		}
	}
}

// BenchmarkApply800InstantSQLite applies 800 independent resources to the
// SQLite store with no simulated latency (target ≤ 2 s).
func BenchmarkApply800InstantSQLite(b *testing.B) {
	p := plan(b, chainsTemplate(800, 1))
	for b.Loop() {
		b.StopTimer()
		st, err := state.Open(filepath.Join(b.TempDir(), "state.db"))
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		res, err := Apply(context.Background(), p, ApplyOptions{Store: st, SubscriptionID: "s", ResourceGroup: "rg"})
		if err != nil || res.Failed() {
			b.Fatal(err, res.Errors())
		}
		b.StopTimer()
		st.Close()
		b.StartTimer()
	}
}
