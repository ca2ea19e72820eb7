package state

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// TestWriteGroup runs queued writes as one group: each caller gets its own
// outcome, a failing write leaves none of its rows, a write whose context
// is done runs not at all, and the others commit; when the grouped
// transaction itself fails, every write runs again on its own.
func TestWriteGroup(t *testing.T) {
	put := func(key string) func(*sql.Tx) error {
		return func(tx *sql.Tx) error {
			_, err := tx.Exec(`INSERT INTO meta (key, value) VALUES (?, 'v')`, key)
			return err
		}
	}
	boom := errors.New("boom")
	failAfter := func(key string) func(*sql.Tx) error {
		return func(tx *sql.Tx) error {
			if err := put(key)(tx); err != nil {
				return err
			}
			return boom
		}
	}
	// endTx ends the transaction it is given: inside a group, the group
	// fails and every write runs alone; alone, its own commit fails.
	endTx := func(tx *sql.Tx) error {
		_, err := tx.Exec(`ROLLBACK`)
		return err
	}
	unchanged := func(*sql.Tx) error { return ErrPreconditionFailed }
	// abort fails as a statement does that SQLite answers by rolling the
	// transaction back (an interrupt, a full disk).
	abort := func(tx *sql.Tx) error {
		if err := endTx(tx); err != nil {
			return err
		}
		return boom
	}
	canceled, cancel := context.WithCancel(context.Background())
	cancel()
	type write struct {
		key       string
		ctx       context.Context
		fn        func(*sql.Tx) error
		statement bool // queued by writeStatement
		wantErr   bool
		stored    bool
	}
	tests := []struct {
		name   string
		writes []write
		// runs is how many times the first write runs: twice when the
		// group runs again write by write
		runs int
	}{
		{"one", []write{{key: "a", fn: put("a"), stored: true}}, 1},
		{"all succeed", []write{{key: "a", fn: put("a"), stored: true}, {key: "b", fn: put("b"), stored: true}, {key: "c", fn: put("c"), stored: true}}, 1},
		{"one fails", []write{{key: "a", fn: put("a"), stored: true}, {key: "b", fn: failAfter("b"), wantErr: true},
			{key: "c", fn: put("c"), stored: true}}, 1},
		{"a duplicate of an earlier write fails", []write{{key: "a", fn: put("a"), stored: true}, {key: "a2", fn: put("a"), wantErr: true}}, 1},
		{"canceled", []write{{key: "a", fn: put("a"), stored: true}, {key: "b", ctx: canceled, fn: put("b"), wantErr: true}}, 1},
		{"the group fails", []write{{key: "a", fn: put("a"), stored: true}, {key: "x", fn: endTx, wantErr: true},
			{key: "c", fn: put("c"), stored: true}}, 2},
		{"statements", []write{{key: "a", fn: put("a"), statement: true, stored: true}, {key: "b", fn: put("b"), statement: true, stored: true},
			{key: "c", fn: put("c"), stored: true}}, 1},
		{"a statement changes nothing", []write{{key: "a", fn: put("a"), statement: true, stored: true},
			{key: "x", fn: unchanged, statement: true, wantErr: true}, {key: "c", fn: put("c"), statement: true, stored: true}}, 1},
		{"a statement fails", []write{{key: "a", fn: put("a"), statement: true, stored: true},
			{key: "a2", fn: put("a"), statement: true, wantErr: true}, {key: "c", fn: put("c"), statement: true, stored: true}}, 2},
		{"a failing statement ends the transaction", []write{{key: "a", fn: put("a"), statement: true, stored: true},
			{key: "x", fn: abort, statement: true, wantErr: true}, {key: "c", fn: put("c"), statement: true, stored: true}}, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := Open(filepath.Join(t.TempDir(), "state.db"))
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			batch := make([]*pendingWrite, len(tt.writes))
			runs := 0
			for i, w := range tt.writes {
				ctx := w.ctx
				if ctx == nil {
					ctx = context.Background()
				}
				fn := w.fn
				if i == 0 {
					fn = func(tx *sql.Tx) error { runs++; return w.fn(tx) }
				}
				batch[i] = &pendingWrite{ctx: ctx, fn: fn, done: make(chan error, 1), statement: w.statement}
			}
			s.writeBatch(batch)
			if tt.runs != 0 && runs != tt.runs {
				t.Errorf("the first write ran %d times, want %d", runs, tt.runs)
			}
			for i, w := range tt.writes {
				if err := <-batch[i].done; (err != nil) != w.wantErr {
					t.Errorf("write %s: err = %v, want an error: %v", w.key, err, w.wantErr)
				}
				var n int
				if err := s.db.QueryRow(`SELECT COUNT(*) FROM meta WHERE key = ?`, w.key).Scan(&n); err != nil {
					t.Fatal(err)
				}
				if (n == 1) != w.stored {
					t.Errorf("write %s: stored %d rows, want stored: %v", w.key, n, w.stored)
				}
			}
		})
	}
}

// TestWriteConcurrent has many goroutines write at once (grouped or not):
// every write returns nil and its row is there.
func TestWriteConcurrent(t *testing.T) {
	s, err := Open(filepath.Join(t.TempDir(), "state.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	const n = 64
	errs := make(chan error, n)
	for i := range n {
		go func() {
			errs <- s.write(context.Background(), func(tx *sql.Tx) error {
				_, err := tx.Exec(`INSERT INTO meta (key, value) VALUES (?, 'v')`, "k"+string(rune('0'+i/10))+string(rune('0'+i%10)))
				return err
			})
		}()
	}
	for range n {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
	var got int
	if err := s.db.QueryRow(`SELECT COUNT(*) FROM meta WHERE key LIKE 'k%'`).Scan(&got); err != nil {
		t.Fatal(err)
	}
	if got != n {
		t.Errorf("%d rows, want %d", got, n)
	}
}

// BenchmarkPutResourceParallel800 writes 800 resources from 10 goroutines
// (as a deployment's workers do), grouped and each in a transaction of
// its own, and reports the process's CPU time per 800 as cpu-ms/op.
func BenchmarkPutResourceParallel800(b *testing.B) {
	defer func() { groupWrites = true }()
	for _, grouped := range []bool{true, false} {
		name := map[bool]string{true: "grouped", false: "alone"}[grouped]
		b.Run(name, func(b *testing.B) {
			groupWrites = grouped
			s, err := Open(filepath.Join(b.TempDir(), "state.db"))
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			ctx := context.Background()
			if err := s.PutGroup(ctx, &ResourceGroup{SubscriptionID: "s", Name: "rg", Location: "eastus"}); err != nil {
				b.Fatal(err)
			}
			body := []byte(`{"properties":{"minimumTlsVersion":"TLS1_2","supportsHttpsTrafficOnly":true},"sku":{"name":"Standard_LRS"}}`)
			start := cpuTime()
			b.ResetTimer()
			for i := range b.N {
				ids := make(chan string, 800)
				for j := range 800 {
					ids <- fmt.Sprintf("/subscriptions/s/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/st%d-%d", i, j)
				}
				close(ids)
				errs := make(chan error, 10)
				for range 10 {
					go func() {
						for id := range ids {
							if err := s.PutResource(ctx, &Resource{ID: id, Location: "eastus", Body: body, Request: body}); err != nil {
								errs <- err
								return
							}
						}
						errs <- nil
					}()
				}
				for range 10 {
					if err := <-errs; err != nil {
						b.Fatal(err)
					}
				}
			}
			b.ReportMetric(float64(cpuTime()-start)/float64(time.Millisecond)/float64(b.N), "cpu-ms/op")
		})
	}
}

// cpuTime is the process's CPU time, user and system.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// PutOperations writes a batch of operation records in one write, all or
// none: a record of a missing deployment fails the batch with ErrNotFound
// and leaves the others out.
func TestPutOperationsBatch(t *testing.T) {
	s, err := Open(filepath.Join(t.TempDir(), "state.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	started := time.Date(2026, 12, 4, 8, 0, 0, 0, time.UTC)
	for _, name := range []string{"dep", "other"} {
		if err := s.PutDeployment(ctx, &Deployment{SubscriptionID: "s", ResourceGroup: "rg", Name: name, Status: "Running", Started: started}); err != nil {
			t.Fatal(err)
		}
	}
	op := func(dep string, seq int) *Operation {
		return &Operation{SubscriptionID: "s", ResourceGroup: "rg", Deployment: dep, Sequence: seq,
			OperationID: fmt.Sprintf("OP%d", seq), ResourceID: fmt.Sprintf("/subscriptions/s/resourceGroups/rg/providers/A.B/x/n%d", seq),
			ResourceType: "A.B/x", ProvisioningOperation: "Create", Status: "Succeeded", Started: started}
	}
	count := func(dep string) int {
		ops, err := s.Operations(ctx, Scope{SubscriptionID: "s", ResourceGroup: "rg"}, dep)
		if err != nil {
			t.Fatal(err)
		}
		return len(ops)
	}
	if err := s.PutOperations(ctx, []*Operation{op("dep", 1), op("dep", 2), op("other", 1), op("DEP", 3)}); err != nil {
		t.Fatal(err)
	}
	if got := count("dep"); got != 3 {
		t.Errorf("dep: %d operations, want 3", got)
	}
	if got := count("other"); got != 1 {
		t.Errorf("other: %d operations, want 1", got)
	}
	err = s.PutOperations(ctx, []*Operation{op("dep", 4), op("missing", 1)})
	if !errors.Is(err, ErrNotFound) {
		t.Errorf("a record of a missing deployment: %v, want ErrNotFound", err)
	}
	if got := count("dep"); got != 3 {
		t.Errorf("after the failed batch dep has %d operations, want 3 (none of the batch)", got)
	}
}
