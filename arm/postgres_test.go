package arm

import (
	"fmt"
	"testing"

	"github.com/armdeploy/armdeploy/state/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// BenchmarkCreateOrUpdate800Postgres is [BenchmarkCreateOrUpdate800] on
// PostgreSQL (the throwaway server of pgtest, or $ARMDEPLOY_TEST_POSTGRES):
// the target is at most 3 times the SQLite time.
func BenchmarkCreateOrUpdate800Postgres(b *testing.B) {
	s := openAt(b, pgtest.DSN(b))
	file := writeFile(b, b.TempDir(), "t.json", template800())
	b.ResetTimer()
	for i := range b.N {
		res, err := s.CreateOrUpdate(b.Context(), &DeploymentRequest{Scope: Scope{SubscriptionID: sub0, ResourceGroup: fmt.Sprintf("rg%d", i)},
			Location: "eastus", CreateGroup: true, Template: Template{File: file}})
		if err != nil || res.Status() != "Succeeded" {
			b.Fatal(err, res.Status())
		}
	}
}

// TestCreateOrUpdatePostgres deploys 800 resources on PostgreSQL once, as
// the benchmark does, so that go test runs the path.
func TestCreateOrUpdatePostgres(t *testing.T) {
	s := openAt(t, pgtest.DSN(t))
	file := writeFile(t, t.TempDir(), "t.json", template800())
	res, err := s.CreateOrUpdate(t.Context(), &DeploymentRequest{Scope: Scope{SubscriptionID: sub0, ResourceGroup: "rg"},
		Location: "eastus", CreateGroup: true, Template: Template{File: file}})
	if err != nil || res.Status() != "Succeeded" {
		t.Fatal(err, res.Status())
	}
	rs, err := s.ListResources(t.Context(), "", ResourceFilter{SubscriptionID: sub0, ResourceGroup: "rg"})
	if err != nil || len(rs) != 800 {
		t.Fatalf("%d resources, %v", len(rs), err)
	}
}
