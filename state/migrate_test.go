package state

import (
	"database/sql"
	"fmt"
	"path/filepath"
	"testing"
	"time"
)

// TestMigrateFrom2 opens a store written at schema version 2 (history at
// subscription and group scope only, leases without heartbeats): its
// records read back through the scope API, and an old lease counts its
// start as its heartbeat.
func TestMigrateFrom2(t *testing.T) {
	started := time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC).UnixNano()
	s := openOld(t,
		`CREATE TABLE schema_version (version INTEGER PRIMARY KEY, applied INTEGER NOT NULL)`,
		migrations[0], migrations[1],
		`INSERT INTO schema_version VALUES (1, 0), (2, 0)`,
		`INSERT INTO meta VALUES ('lineage', 'old')`,
		`INSERT INTO deployments (sub_key, group_key, name_key, subscription_id, resource_group, name, scope,
			template_hash, mode, status, correlation_id, started, finished)
		VALUES ('s1', 'rg1', 'dep', 'S1', 'RG1', 'Dep', 'resourceGroup', 'h', 'Incremental', 'Running', 'c', 1, 0),
			('s1', '', 'dep', 'S1', '', 'Dep', 'subscription', 'h', 'Incremental', 'Succeeded', 'c', 2, 3)`,
		`INSERT INTO operations (deployment, sequence, operation_id, resource_id, resource_type,
			provisioning_operation, status, started, duration) VALUES (1, 1, 'op', '/x', 't', 'Create', 'Running', 1, 0)`,
		fmt.Sprintf(`INSERT INTO leases VALUES ('/subscriptions/s1/resourcegroups/rg1', 'Dep', 1,
		'old-host.invalid', %d, 'tok')`, started))
	ctx := t.Context()
	d, err := s.Deployment(ctx, Scope{SubscriptionID: "s1", ResourceGroup: "rg1"}, "dep")
	if err != nil || d.Name != "Dep" || d.Scope() != (Scope{SubscriptionID: "S1", ResourceGroup: "RG1"}) {
		t.Fatalf("the group deployment after migrating: %+v, %v", d, err)
	}
	if d, err := s.Deployment(ctx, Scope{SubscriptionID: "S1"}, "DEP"); err != nil || d.Scope().Level() != LevelSubscription {
		t.Errorf("the subscription deployment after migrating: %+v, %v", d, err)
	}
	if ops, err := s.Operations(ctx, d.Scope(), "dep"); err != nil || len(ops) != 1 {
		t.Errorf("operations after migrating: %d, %v", len(ops), err)
	}
	if run, err := s.RunningDeployments(ctx); err != nil || len(run) != 1 || run[0].ResourceGroup != "RG1" {
		t.Errorf("RunningDeployments after migrating: %+v, %v", run, err)
	}
	if c, err := s.CancelRequested(ctx, d.Scope(), "dep"); err != nil || c {
		t.Errorf("CancelRequested after migrating: %v, %v", c, err)
	}
	l, err := s.Lease(ctx, "/subscriptions/s1/resourcegroups/rg1")
	if err != nil || !l.Heartbeat.Equal(time.Unix(0, started).UTC()) || !l.Stale || l.Command != "" ||
		l.Principal != "" || l.ProcessStart != 0 || l.BootID != "" {
		t.Errorf("the old lease after migrating: %+v, %v; want its start as its heartbeat, stale", l, err)
	}
}

// TestMigrateTemplates opens a store written at schema version 9, whose
// deployments hold their templates: they read back from their own table,
// updating a record keeps its template, and a record put without one has
// none.
func TestMigrateTemplates(t *testing.T) {
	qs := []string{`CREATE TABLE schema_version (version INTEGER PRIMARY KEY, applied INTEGER NOT NULL)`}
	for i := range 9 {
		qs = append(qs, migrations[i], fmt.Sprintf(`INSERT INTO schema_version VALUES (%d, 0)`, i+1))
	}
	qs = append(qs, `INSERT INTO meta VALUES ('lineage', 'old')`,
		`INSERT INTO deployments (sub_key, group_key, name_key, subscription_id, resource_group, name, scope,
			template_hash, mode, status, correlation_id, started, finished, template)
		VALUES ('s1', 'rg1', 'with', 'S1', 'RG1', 'With', 'resourceGroup', 'h', 'Incremental', 'Succeeded', 'c', 1, 2, '{"resources":[]}'),
			('s1', 'rg1', 'without', 'S1', 'RG1', 'Without', 'resourceGroup', 'h', 'Incremental', 'Succeeded', 'c', 3, 4, NULL)`)
	s := openOld(t, qs...)
	ctx := t.Context()
	sc := Scope{SubscriptionID: "s1", ResourceGroup: "rg1"}
	d, err := s.Deployment(ctx, sc, "with")
	if err != nil || string(d.Template) != `{"resources":[]}` {
		t.Fatalf("the template after migrating: %+v, %v", d, err)
	}
	if d, err := s.Deployment(ctx, sc, "without"); err != nil || d.Template != nil {
		t.Errorf("a deployment without a template after migrating: %q, %v", d.Template, err)
	}
	var inColumn int
	if err := s.db.QueryRow(`SELECT COUNT(*) FROM deployments WHERE template IS NOT NULL`).Scan(&inColumn); err != nil || inColumn != 0 {
		t.Errorf("%d templates left in the deployments' column (%v), want 0", inColumn, err)
	}
	// In place: the same template stays, another replaces it, none drops it.
	for _, tc := range []struct {
		name     string
		template []byte
	}{{"the same", []byte(`{"resources":[]}`)}, {"another", []byte(`{"resources":[{}]}`)}, {"none", nil}} {
		d.Status, d.Template = "Failed", tc.template
		if err := s.PutDeployment(ctx, d); err != nil {
			t.Fatal(err)
		}
		got, err := s.Deployment(ctx, sc, "with")
		if err != nil || string(got.Template) != string(tc.template) || (got.Template == nil) != (tc.template == nil) || got.Status != "Failed" {
			t.Errorf("%s template: %q (%s), %v; want %q", tc.name, got.Template, got.Status, err, tc.template)
		}
	}
}

// openOld writes a store of an older schema with stmts and opens it,
// which migrates it; the store is closed when the test ends.
func openOld(t *testing.T, stmts ...string) *SQLiteStore {
	t.Helper()
	path := filepath.Join(t.TempDir(), "state.db")
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range stmts {
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("%.60s: %v", q, err)
		}
	}
	db.Close()
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}
