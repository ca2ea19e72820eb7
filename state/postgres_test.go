package state_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/armdeploy/armdeploy/state"
	"github.com/armdeploy/armdeploy/state/pgtest"
	"github.com/armdeploy/armdeploy/state/statetest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// openPG opens a store in a new schema of the test server.
func openPG(t testing.TB) *state.PostgresStore {
	t.Helper()
	s, err := state.OpenPostgres(context.Background(), pgtest.DSN(t))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestPostgresConformance(t *testing.T) {
	if dsn, why := pgtest.Status(); dsn == "" {
		fmt.Printf("*** PostgreSQL conformance suite SKIPPED: %s ***\n", why)
	} else {
		fmt.Printf("PostgreSQL conformance suite: running on %s\n", state.RedactDSN(dsn))
	}
	statetest.Run(t, func(t *testing.T) state.Store { return openPG(t) })
}

func TestPostgresMigrationsMatchSQLite(t *testing.T) {
	if state.PostgresMigrations() != state.SchemaVersion() {
		t.Fatalf("%d PostgreSQL migrations for schema version %d", state.PostgresMigrations(), state.SchemaVersion())
	}
}

// TestPostgresSameTables: the PostgreSQL schema has the SQLite schema's
// tables and columns, no more and no fewer.
func TestPostgresSameTables(t *testing.T) {
	dsn := pgtest.DSN(t)
	pg, err := state.OpenPostgres(t.Context(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer pg.Close()
	lite := openTemp(t)
	defer lite.Close()
	conn, err := pgx.Connect(t.Context(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(t.Context())
	rows, err := conn.Query(t.Context(), `SELECT table_name || '.' || column_name FROM information_schema.columns
		WHERE table_schema = current_schema() ORDER BY 1`)
	if err != nil {
		t.Fatal(err)
	}
	pgCols, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	db := rawDB(t, lite.Path())
	lrows, err := db.Query(`SELECT m.name || '.' || p.name FROM sqlite_master m, pragma_table_info(m.name) p
		WHERE m.type = 'table' ORDER BY 1`)
	if err != nil {
		t.Fatal(err)
	}
	defer lrows.Close()
	var liteCols []string
	for lrows.Next() {
		var c string
		if err := lrows.Scan(&c); err != nil {
			t.Fatal(err)
		}
		liteCols = append(liteCols, c)
	}
	slices.Sort(pgCols)
	slices.Sort(liteCols)
	if strings.Join(pgCols, "\n") != strings.Join(liteCols, "\n") {
		t.Errorf("the schemas differ:\nPostgreSQL %q\nSQLite     %q", pgCols, liteCols)
	}
}

// TestPostgresConcurrentOpen: processes opening a new database at once
// migrate it once (the advisory lock), and all of them can use it.
func TestPostgresConcurrentOpen(t *testing.T) {
	dsn := pgtest.DSN(t)
	const n = 8
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for range n {
		wg.Go(func() {
			s, err := state.OpenPostgres(context.Background(), dsn)
			if err == nil {
				err = s.PutGroup(context.Background(), &state.ResourceGroup{SubscriptionID: "s", Name: "rg", Location: "x"})
				s.Close()
			}
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	conn, err := pgx.Connect(t.Context(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(t.Context())
	var versions, lineages int
	if err := conn.QueryRow(t.Context(), `SELECT (SELECT COUNT(*) FROM schema_version),
		(SELECT COUNT(*) FROM meta WHERE key = 'lineage')`).Scan(&versions, &lineages); err != nil {
		t.Fatal(err)
	}
	if versions != state.SchemaVersion() || lineages != 1 {
		t.Errorf("after %d concurrent opens: %d schema versions, %d lineages; want %d and 1", n, versions, lineages, state.SchemaVersion())
	}
}

func TestPostgresRefusesNewerSchema(t *testing.T) {
	dsn := pgtest.DSN(t)
	s, err := state.OpenPostgres(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	conn, err := pgx.Connect(t.Context(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(t.Context())
	if _, err := conn.Exec(t.Context(), `INSERT INTO schema_version (version, applied) VALUES (99, 0)`); err != nil {
		t.Fatal(err)
	}
	_, err = state.OpenPostgres(context.Background(), dsn)
	if !errors.Is(err, state.ErrNewerSchema) || !strings.Contains(err.Error(), "version is 99") {
		t.Fatalf("open of a newer database: got %v, want ErrNewerSchema naming version 99", err)
	}
}

// TestPostgresReopenKeepsLineage: a second open of the same database
// finds its data and lineage; another schema has another lineage.
func TestPostgresReopenKeepsLineage(t *testing.T) {
	dsn := pgtest.DSN(t)
	ctx := t.Context()
	s, err := state.OpenPostgres(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.PutGroup(ctx, &state.ResourceGroup{SubscriptionID: "s", Name: "rg", Location: "eastus"}); err != nil {
		t.Fatal(err)
	}
	lineage, err := s.Lineage(ctx)
	if err != nil || len(lineage) != 32 {
		t.Fatalf("Lineage: %q, %v", lineage, err)
	}
	s.Close()
	st, err := state.OpenStore(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := st.Group(ctx, "s", "rg"); err != nil {
		t.Errorf("after reopening: %v", err)
	}
	if again, _ := st.(*state.PostgresStore).Lineage(ctx); again != lineage {
		t.Errorf("lineage changed on reopen: %s → %s", lineage, again)
	}
	other := openPG(t)
	defer other.Close()
	if l, _ := other.Lineage(ctx); l == lineage {
		t.Error("two schemas share a lineage")
	}
}

func TestRedactDSN(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"postgres://alice:s3cret@db.example:5432/armdeploy?sslmode=require",
			"postgres://alice:xxxxx@db.example:5432/armdeploy?sslmode=require"},
		{"postgresql://alice@db/armdeploy", "postgresql://alice@db/armdeploy"},
		{"postgres://db/armdeploy?password=s3cret&sslmode=disable", "postgres://db/armdeploy?password=xxxxx&sslmode=disable"},
		{"host=db user=alice password=s3cret dbname=x", "host=db user=alice password=xxxxx dbname=x"},
		{"host=db password='s3 cret' dbname=x", "host=db password=xxxxx dbname=x"},
		{"postgres://alice:p%40ss@db/x", "postgres://alice:xxxxx@db/x"},
	} {
		if got := state.RedactDSN(tc.in); got != tc.want {
			t.Errorf("RedactDSN(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestPostgresOpenErrorHidesPassword: a failed connection names the DSN
// without its password.
func TestPostgresOpenErrorHidesPassword(t *testing.T) {
	dsn := "postgres://alice:Sup3rSecretPw@127.0.0.1:1/armdeploy?sslmode=disable&connect_timeout=2"
	_, err := state.OpenStore(context.Background(), dsn)
	if err == nil {
		t.Fatal("open of a closed port succeeded")
	}
	if strings.Contains(err.Error(), "Sup3rSecretPw") {
		t.Errorf("the error shows the password: %v", err)
	}
	if !strings.Contains(err.Error(), "postgres://alice:xxxxx@127.0.0.1:1/armdeploy") {
		t.Errorf("the error does not name the redacted DSN: %v", err)
	}
	t.Setenv("PGPASSWORD", "EnvSecretPw1")
	_, err = state.OpenStore(context.Background(), "postgres://bob@127.0.0.1:1/x?connect_timeout=2")
	if err == nil || strings.Contains(err.Error(), "EnvSecretPw1") {
		t.Errorf("with PGPASSWORD: %v", err)
	}
}

func TestOpenStoreDispatches(t *testing.T) {
	st, err := state.OpenStore(t.Context(), t.TempDir()+"/state.db")
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := st.(*state.SQLiteStore); !ok {
		t.Errorf("a file path opened %T", st)
	}
	st.Close()
	for _, l := range []string{"postgres://x", "POSTGRESQL://x", "postgresql://"} {
		if !state.IsPostgresDSN(l) {
			t.Errorf("IsPostgresDSN(%q) = false", l)
		}
	}
	for _, l := range []string{"state.db", "/tmp/postgres.db", "mysql://x"} {
		if state.IsPostgresDSN(l) {
			t.Errorf("IsPostgresDSN(%q) = true", l)
		}
	}
}
