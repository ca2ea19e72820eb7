package state_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/armdeploy/armdeploy/state"
	"github.com/armdeploy/armdeploy/state/statetest"
)

func openTemp(t *testing.T) *state.SQLiteStore {
	t.Helper()
	s, err := state.Open(filepath.Join(t.TempDir(), "state.db"))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestSQLiteConformance(t *testing.T) {
	statetest.Run(t, func(t *testing.T) state.Store { return openTemp(t) })
}

func TestOpenCreatesFolderAndFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a", "b", "state.db")
	s, err := state.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("the store file was not created: %v", err)
	}
	if s.Path() != path {
		t.Errorf("Path: got %s, want %s", s.Path(), path)
	}
	db := rawDB(t, path)
	var mode string
	if err := db.QueryRow(`PRAGMA journal_mode`).Scan(&mode); err != nil {
		t.Fatal(err)
	}
	if mode != "wal" {
		t.Errorf("journal mode: got %s, want wal", mode)
	}
	var version int
	if err := db.QueryRow(`SELECT MAX(version) FROM schema_version`).Scan(&version); err != nil {
		t.Fatal(err)
	}
	if version != state.SchemaVersion() {
		t.Errorf("schema version: got %d, want %d", version, state.SchemaVersion())
	}
}

func rawDB(t *testing.T, path string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", path+"?_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestReopenKeepsDataAndLineage(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.db")
	s, err := state.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	if err := s.PutGroup(ctx, &state.ResourceGroup{SubscriptionID: "s", Name: "rg", Location: "eastus"}); err != nil {
		t.Fatal(err)
	}
	lineage, err := s.Lineage(ctx)
	if err != nil || len(lineage) != 32 {
		t.Fatalf("Lineage: %q, %v", lineage, err)
	}
	s.Close()
	s, err = state.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.Group(ctx, "s", "rg"); err != nil {
		t.Errorf("after reopening: %v", err)
	}
	if again, _ := s.Lineage(ctx); again != lineage {
		t.Errorf("lineage changed on reopen: %s → %s", lineage, again)
	}
	other := openTemp(t)
	defer other.Close()
	if l, _ := other.Lineage(ctx); l == lineage {
		t.Error("two stores share a lineage")
	}
}

func TestOpenRefusesNewerSchema(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.db")
	s, err := state.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	if _, err := rawDB(t, path).Exec(`INSERT INTO schema_version (version, applied) VALUES (99, 0)`); err != nil {
		t.Fatal(err)
	}
	_, err = state.Open(path)
	if !errors.Is(err, state.ErrNewerSchema) {
		t.Fatalf("Open of a newer store: got %v, want ErrNewerSchema", err)
	}
	for _, want := range []string{path, "version is 99", fmt.Sprintf("up to version %d", state.SchemaVersion()), "newer armdeploy"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("the message %q does not mention %q", err, want)
		}
	}
}

func TestOpenRefuses(t *testing.T) {
	for _, path := range []string{"", "postgres://user@host/db", "state.db?mode=ro"} {
		if s, err := state.Open(path); err == nil {
			s.Close()
			t.Errorf("Open(%q) succeeded", path)
		}
	}
	// A folder where the file should be.
	dir := t.TempDir()
	if s, err := state.Open(dir); err == nil {
		s.Close()
		t.Errorf("Open of a directory succeeded")
	}
}

func TestConcurrentOpenOfNewStore(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.db")
	errs := make(chan error, 8)
	for range 8 {
		go func() {
			s, err := state.Open(path)
			if err == nil {
				err = s.PutGroup(context.Background(), &state.ResourceGroup{SubscriptionID: "s", Name: "rg", Location: "x"})
				s.Close()
			}
			errs <- err
		}()
	}
	for range 8 {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}

func TestResolvePath(t *testing.T) {
	t.Setenv(state.EnvPath, "")
	if got, want := state.ResolvePath(""), filepath.Join(".armdeploy", "state.db"); got != want {
		t.Errorf("default: got %s, want %s", got, want)
	}
	t.Setenv(state.EnvPath, "/tmp/env.db")
	if got := state.ResolvePath(""); got != "/tmp/env.db" {
		t.Errorf("with %s: got %s", state.EnvPath, got)
	}
	if got := state.ResolvePath("flag.db"); got != "flag.db" {
		t.Errorf("the flag does not win: got %s", got)
	}
}
