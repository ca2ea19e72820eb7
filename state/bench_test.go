package state_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
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
	return importedStore(b, map[string]any{"version": 1, "resources": rs})
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

// benchHistory returns a store whose group "big" holds n deployments (and
// a few other scopes a handful each), loaded through Import (which does
// not groom). Each record carries a 4 KB template, parameters and outputs,
// like a real one.
func benchHistory(b *testing.B, n int) *state.SQLiteStore {
	b.Helper()
	type dep struct {
		ManagementGroup string          `json:"managementGroup,omitempty"`
		SubscriptionID  string          `json:"subscriptionId"`
		ResourceGroup   string          `json:"resourceGroup,omitempty"`
		Name            string          `json:"name"`
		Mode            string          `json:"mode"`
		Status          string          `json:"status"`
		Started         string          `json:"started"`
		Finished        string          `json:"finished"`
		Parameters      json.RawMessage `json:"parameters"`
		Outputs         json.RawMessage `json:"outputs"`
		OutputResources []string        `json:"outputResources"`
		Template        string          `json:"template"`
		TemplateName    string          `json:"templateName"`
	}
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	tmpl := `{"$schema":"https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#","resources":[` +
		strings.Repeat(`{"type":"Microsoft.Compute/galleries","apiVersion":"2024-03-03","name":"[parameters('galleryName')]","location":"[resourceGroup().location]"},`, 30) + `{}]}`
	var ds []dep
	add := func(mg, sub, rg string, i int) {
		at := t0.Add(time.Duration(i) * time.Minute)
		ds = append(ds, dep{mg, sub, rg, fmt.Sprintf("deployment-%04d", i), "Incremental", "Succeeded",
			at.Format(time.RFC3339Nano), at.Add(time.Minute).Format(time.RFC3339Nano),
			json.RawMessage(`{"galleryName":{"type":"String","value":"gallery1"},"location":{"type":"String","value":"eastus"}}`),
			json.RawMessage(`{"galleryId":{"type":"String","value":"` + benchID("big", i) + `"}}`),
			[]string{benchID("big", i)}, tmpl, "main.json"})
	}
	for i := range n {
		add("", benchSub, "big", i)
	}
	for i := range 10 {
		add("", benchSub, "small", i)
		add("", benchSub, "", i)
		add("mg", "", "", i)
	}
	return importedStore(b, map[string]any{"version": 1, "deployments": ds})
}

// BenchmarkDeployments800 lists a full history: 800 deployments at one
// scope, newest first, templates included.
func BenchmarkDeployments800(b *testing.B) {
	s := benchHistory(b, state.MaxDeployments)
	ctx := context.Background()
	sc := state.Scope{SubscriptionID: benchSub, ResourceGroup: "big"}
	var times []time.Duration
	for b.Loop() {
		start := time.Now()
		ds, err := s.Deployments(ctx, sc)
		if err != nil {
			b.Fatal(err)
		}
		times = append(times, time.Since(start))
		if len(ds) != state.MaxDeployments {
			b.Fatalf("listed %d deployments, want %d", len(ds), state.MaxDeployments)
		}
	}
	reportMedian(b, times)
}

// BenchmarkPutDeploymentAtCap stores a new deployment into a history at
// the cap, which grooms the oldest.
func BenchmarkPutDeploymentAtCap(b *testing.B) {
	s := benchHistory(b, state.MaxDeployments)
	ctx := context.Background()
	t0 := time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)
	var times []time.Duration
	i := 0
	for b.Loop() {
		d := &state.Deployment{SubscriptionID: benchSub, ResourceGroup: "big", Name: fmt.Sprintf("new-%06d", i),
			Mode: "Incremental", Status: "Succeeded", Started: t0.Add(time.Duration(i) * time.Second)}
		start := time.Now()
		if err := s.PutDeployment(ctx, d); err != nil {
			b.Fatal(err)
		}
		times = append(times, time.Since(start))
		i++
	}
	reportMedian(b, times)
}

// BenchmarkCancelRequested is the poll a running deployment makes every
// 200 ms.
func BenchmarkCancelRequested(b *testing.B) {
	s := benchHistory(b, state.MaxDeployments)
	ctx := context.Background()
	sc := state.Scope{SubscriptionID: benchSub, ResourceGroup: "big"}
	for b.Loop() {
		if _, err := s.CancelRequested(ctx, sc, "deployment-0400"); err != nil {
			b.Fatal(err)
		}
	}
}

// importedStore is a new store holding an export document.
func importedStore(b *testing.B, export map[string]any) *state.SQLiteStore {
	b.Helper()
	doc, err := json.Marshal(export)
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

// BenchmarkOpenNew opens a store in a new file: the migrations and the
// first commits a first deployment pays for.
func BenchmarkOpenNew(b *testing.B) {
	dir := b.TempDir()
	for i := range b.N {
		s, err := state.Open(filepath.Join(dir, fmt.Sprintf("%d.db", i)))
		if err != nil {
			b.Fatal(err)
		}
		if err := s.Close(); err != nil {
			b.Fatal(err)
		}
	}
}
