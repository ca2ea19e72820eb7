package state_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/armdeploy/armdeploy/state"
)

const benchSub = "00000000-0000-0000-0000-0000000be7c4"

func benchID(group string, i int) string {
	return fmt.Sprintf("/subscriptions/%s/resourceGroups/%s/providers/Microsoft.Compute/galleries/g%06d",
		benchSub, group, i)
}

// benchBody is a gallery body of about 600 bytes.
func benchBody(id string) json.RawMessage {
	b, _ := json.Marshal(map[string]any{
		"id": id, "type": "Microsoft.Compute/galleries", "location": "eastus",
		"tags": map[string]string{"env": "bench", "owner": "platform-team"},
		"properties": map[string]any{"description": "a gallery for the benchmark", "provisioningState": "Succeeded",
			"identifier":     map[string]any{"uniqueName": "00000000-0000-0000-0000-000000000000-G"},
			"sharingProfile": map[string]any{"permissions": "Private"}},
	})
	return b
}

// benchStore returns a store holding n resources in group "big" (plus a
// few in another group), loaded in one transaction through Import.
func benchStore(b *testing.B, n int) *state.SQLiteStore {
	b.Helper()
	type res struct {
		ID             string          `json:"id"`
		SubscriptionID string          `json:"subscriptionId"`
		ResourceGroup  string          `json:"resourceGroup"`
		Type           string          `json:"type"`
		Name           string          `json:"name"`
		Location       string          `json:"location"`
		Created        string          `json:"created"`
		Updated        string          `json:"updated"`
		Body           json.RawMessage `json:"body"`
	}
	now := time.Now().UTC().Format(time.RFC3339Nano)
	var rs []res
	add := func(group string, i int) {
		id := benchID(group, i)
		rs = append(rs, res{id, benchSub, group, "Microsoft.Compute/galleries", fmt.Sprintf("g%06d", i),
			"eastus", now, now, benchBody(id)})
	}
	for i := range n {
		add("big", i)
	}
	for i := range 100 {
		add("small", i)
	}
	doc, err := json.Marshal(map[string]any{"version": 1, "resources": rs})
	if err != nil {
		b.Fatal(err)
	}
	s, err := state.Open(filepath.Join(b.TempDir(), "state.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	if err := s.Import(context.Background(), bytes.NewReader(doc)); err != nil {
		b.Fatal(err)
	}
	return s
}

// reportMedian adds the median of the per-operation times as a metric.
func reportMedian(b *testing.B, times []time.Duration) {
	if len(times) == 0 {
		return
	}
	slices.Sort(times)
	b.ReportMetric(float64(times[len(times)/2].Nanoseconds()), "median-ns/op")
}

// BenchmarkPutResourceWith10k commits one resource (one transaction) into
// a store that already holds 10,000. Target: median ≤ 1 ms.
func BenchmarkPutResourceWith10k(b *testing.B) {
	s := benchStore(b, 10_000)
	ctx := context.Background()
	var times []time.Duration
	i := 0
	for b.Loop() {
		id := benchID("big", 10_000+i)
		r := &state.Resource{ID: id, Location: "eastus", Body: benchBody(id), APIVersion: "2024-03-03",
			Deployment: "bench", ETag: fmt.Sprintf(`W/"%d"`, i)}
		start := time.Now()
		if err := s.PutResource(ctx, r); err != nil {
			b.Fatal(err)
		}
		times = append(times, time.Since(start))
		i++
	}
	reportMedian(b, times)
}

// BenchmarkListGroup10k lists a group of 10,000 resources. Target: ≤ 50 ms.
func BenchmarkListGroup10k(b *testing.B) {
	s := benchStore(b, 10_000)
	ctx := context.Background()
	f := state.ResourceFilter{SubscriptionID: benchSub, ResourceGroup: "big"}
	var times []time.Duration
	for b.Loop() {
		start := time.Now()
		rs, err := s.Resources(ctx, f)
		if err != nil {
			b.Fatal(err)
		}
		times = append(times, time.Since(start))
		if len(rs) != 10_000 {
			b.Fatalf("listed %d resources, want 10000", len(rs))
		}
	}
	reportMedian(b, times)
}
