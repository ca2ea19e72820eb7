package state

import (
	"context"
	"testing"

	"github.com/armdeploy/armdeploy/state/pgtest"
)

// TestPostgresRetriesConflicts: a statement failing with a serialization
// failure (40001) or a deadlock (40P01) is run again until it succeeds;
// other errors are not retried, and the retries are bounded.
func TestPostgresRetriesConflicts(t *testing.T) {
	s, err := OpenPostgres(context.Background(), pgtest.DSN(t))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := t.Context()
	if _, err := s.pool.Exec(ctx, `CREATE SEQUENCE attempts;
		CREATE FUNCTION flaky(fail_first int, code text) RETURNS int LANGUAGE plpgsql AS $$
		BEGIN
			IF nextval('attempts') <= fail_first THEN RAISE EXCEPTION 'conflict' USING ERRCODE = code; END IF;
			RETURN 1;
		END $$`); err != nil {
		t.Fatal(err)
	}
	attempts := func() int64 {
		var n int64
		if err := s.pool.QueryRow(ctx, `SELECT last_value FROM attempts`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		_, _ = s.pool.Exec(ctx, `ALTER SEQUENCE attempts RESTART`)
		return n
	}
	for _, code := range []string{"40001", "40P01"} {
		if _, err := s.exec(ctx, `SELECT flaky(3, $1)`, code); err != nil {
			t.Errorf("%s three times, then success: %v", code, err)
		}
		if n := attempts(); n != 4 {
			t.Errorf("%s: %d attempts, want 4", code, n)
		}
	}
	if _, err := s.exec(ctx, `SELECT flaky(100, '40001')`); err == nil {
		t.Error("a statement that always conflicts succeeded")
	}
	if n := attempts(); n != pgMaxRetries+1 {
		t.Errorf("always conflicting: %d attempts, want %d", n, pgMaxRetries+1)
	}
	if _, err := s.exec(ctx, `SELECT flaky(1, '23505')`); err == nil || !isUniqueViolation(err) {
		t.Errorf("a unique violation: %v", err)
	}
	if n := attempts(); n != 1 {
		t.Errorf("a unique violation was retried: %d attempts", n)
	}
}
