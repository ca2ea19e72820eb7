package planner

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"
)

// chainsTemplate is width chains of length resources each: the critical
// path is length resources long and never more than width are ready.
func chainsTemplate(width, length int) string {
	var rs []string
	for c := range width {
		for i := range length {
			dep := ""
			if i > 0 {
				dep = fmt.Sprintf(`,"dependsOn":["c%d-%d"]`, c, i-1)
			}
			rs = append(rs, fmt.Sprintf(`{"type":"A.B/x","apiVersion":"1","name":"c%d-%d"%s,"properties":{"i":%d}}`, c, i, dep, i))
		}
	}
	return `{"resources":[` + strings.Join(rs, ",") + `]}`
}

func sleepFor(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// BenchmarkApplyCriticalPath deploys 200 resources (10 chains of 20) with
// a simulated latency L = 20 ms per resource at parallelism 10, committing
// to the SQLite store. The walk should
// take close to the critical path, 20 × L; the metric "x-critical-path"
// is the ratio (target ≤ 1.2).
func BenchmarkApplyCriticalPath(b *testing.B) {
	const latency = 20 * time.Millisecond
	p := plan(b, chainsTemplate(10, 20))
	var total time.Duration
	for b.Loop() {
		start := time.Now()
		res, err := Apply(context.Background(), p, ApplyOptions{Store: openStore(b), Parallelism: 10, Sleep: sleepFor,
			Latency: latency, SubscriptionID: "s", ResourceGroup: "rg"})
		if err != nil || res.Failed() {
			b.Fatal(err)
		}
		total += time.Since(start)
	}
	b.ReportMetric(float64(total)/float64(b.N)/float64(20*latency), "x-critical-path")
}
