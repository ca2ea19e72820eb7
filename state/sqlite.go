package state

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// busyTimeout is how long a statement waits for another process's write
// transaction before it fails with SQLITE_BUSY. Write transactions are
// short (one resource), so this is only reached when something is wrong.
const busyTimeout = 10 * time.Second

// cacheKiB is each connection's page cache. SQLite's default (2 MiB) is
// smaller than a group of 10,000 resources, so listing one re-read every
// page; 16 MiB keeps such a group cached (about 20% faster listing).
const cacheKiB = 16 << 10

// SQLiteStore is the [Store] in one SQLite file, in WAL mode so that
// readers never wait for a writer. Every method runs one transaction;
// writes begin IMMEDIATE (they take the write lock up front, so two
// processes never deadlock upgrading a read lock) and are serialised
// within the process (writes arriving while one commits are grouped into
// the next transaction, see write), across processes by SQLite's lock with
// a busy timeout. Commits are durable against a crash of the process
// (synchronous=NORMAL in WAL mode); a power loss may lose the last commits
// but never leaves a partial one.
//
// A SQLiteStore is safe for concurrent use by several goroutines.
type SQLiteStore struct {
	path string
	db   *sql.DB
	// wlock (capacity 1) is held by the goroutine running this process's
	// write transaction; qmu guards queue, the writes waiting for it (see
	// write).
	wlock chan struct{}
	qmu   sync.Mutex
	queue []*pendingWrite
	// stmts caches the statements of the frequent queries, prepared once
	// (per connection) instead of parsed at every call: query → *sql.Stmt.
	stmts  sync.Map
	nstmts atomic.Int32
	leaseKeeper
}

var (
	_ Store             = (*SQLiteStore)(nil)
	_ Tenancy           = (*SQLiteStore)(nil)
	_ OperationBatcher  = (*SQLiteStore)(nil)
	_ ConditionalPutter = (*SQLiteStore)(nil)
)

// Open opens the store at path, creating the file and its folder on first
// use, and applies the schema migrations it lacks. A store written by a
// newer armdeploy is refused with an error wrapping [ErrNewerSchema].
// A URL (postgres://...) is refused: [OpenStore] opens any location.
func Open(path string) (*SQLiteStore, error) {
	switch {
	case path == "":
		return nil, errors.New("open state: no path")
	case strings.Contains(path, "://"):
		return nil, fmt.Errorf("open state %s: not a SQLite file; a PostgreSQL store is a postgres:// or postgresql:// DSN", Describe(path))
	case strings.ContainsAny(path, "?#"):
		return nil, fmt.Errorf("open state %s: the path must not contain '?' or '#'", path)
	}
	if dir := filepath.Dir(path); dir != "." {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, fmt.Errorf("open state %s: %w", path, err)
		}
	}
	// mmap_size maps the file's first 16 MiB for reads (docs/state.md:
	// bounded, the pages it touches count in resident memory).
	dsn := path + "?_txlock=immediate" +
		fmt.Sprintf("&_pragma=busy_timeout(%d)", busyTimeout.Milliseconds()) +
		"&_pragma=foreign_keys(1)&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_pragma=temp_store(MEMORY)&_pragma=mmap_size(16777216)" +
		fmt.Sprintf("&_pragma=cache_size(-%d)", cacheKiB)
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("open state %s: %w", path, err)
	}
	// Every connection the pool may open stays open while it is used: a
	// connection closed for want of an idle slot (an apply runs 10
	// operations at once) loses its page cache and prepared statements,
	// and the next one pays for opening, the pragmas and cold reads. An
	// idle one is closed after a minute (serve's memory between bursts).
	db.SetMaxOpenConns(16)
	db.SetMaxIdleConns(16)
	db.SetConnMaxIdleTime(time.Minute)
	s := &SQLiteStore{path: path, db: db, wlock: make(chan struct{}, 1)}
	s.initKeeper()
	if err := s.migrate(context.Background()); err != nil {
		db.Close()
		return nil, fmt.Errorf("open state %s: %w", path, err)
	}
	return s, nil
}

// Path returns the file the store was opened from.
func (s *SQLiteStore) Path() string { return s.path }

// Close stops renewing the heartbeats of the leases taken through the
// store and closes the database. Those leases stay until their release
// functions run (which then fail: the database is closed) or their holder
// is gone: its process, on this host, or, on another host, its heartbeat,
// which is no longer renewed.
func (s *SQLiteStore) Close() error {
	s.closeKeeper()
	return s.db.Close()
}

// SetClock sets the clock the store reads for the times it fills in
// (creation times, lease starts and heartbeats) and for the age of lease
// heartbeats; tests use it. Call it before the store is used from several
// goroutines.
func (s *SQLiteStore) SetClock(now func() time.Time) { s.now = now }

// Lineage returns the random id given to the store when it was created
// (or carried over by Import): two stores with the same lineage share a
// history.
func (s *SQLiteStore) Lineage(ctx context.Context) (string, error) {
	var l string
	err := s.read(ctx, func(tx *sql.Tx) error {
		return tx.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = 'lineage'`).Scan(&l)
	})
	return l, err
}

// migrate brings the schema up to date. A store that is up to date is
// only read, so opening never waits for another process's write; else the
// migrations run in one write transaction, which re-reads the version, so
// that two processes opening a new store at once do not both migrate.
func (s *SQLiteStore) migrate(ctx context.Context) error {
	var v int
	err := s.read(ctx, func(tx *sql.Tx) error {
		return tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_version`).Scan(&v)
	})
	if err == nil && v == SchemaVersion() {
		return nil
	}
	if err == nil && v > SchemaVersion() {
		return newerSchema(v)
	}
	// No schema_version table yet (a new file), or an older schema.
	return s.write(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_version (
			version INTEGER PRIMARY KEY,
			applied INTEGER NOT NULL)`); err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_version`).Scan(&v); err != nil {
			return err
		}
		if v > SchemaVersion() {
			return newerSchema(v)
		}
		for n := v + 1; n <= SchemaVersion(); n++ {
			if _, err := tx.ExecContext(ctx, migrations[n-1]); err != nil {
				return fmt.Errorf("migrate schema to version %d: %w", n, err)
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO schema_version (version, applied) VALUES (?, ?)`,
				n, s.now().UnixNano()); err != nil {
				return err
			}
		}
		if v == 0 {
			_, err := tx.ExecContext(ctx, `INSERT INTO meta (key, value) VALUES ('lineage', ?)`, newToken())
			return err
		}
		return nil
	})
}

func newerSchema(v int) error {
	return fmt.Errorf("%w: its schema version is %d, this armdeploy reads up to version %d; use a newer armdeploy",
		ErrNewerSchema, v, SchemaVersion())
}

// write runs fn in a write transaction (BEGIN IMMEDIATE) and returns once
// the transaction holding its rows has committed (or fn failed and its rows
// were rolled back). Writes of this process that arrive while another
// commits are grouped (see writeBatch).
func (s *SQLiteStore) write(ctx context.Context, fn func(tx *sql.Tx) error) error {
	return s.enqueue(&pendingWrite{ctx: ctx, fn: fn, done: make(chan error, 1)})
}

// writeStatement is write for an fn that runs one statement: in a group
// it needs no savepoint, since SQLite undoes a failing statement by
// itself. fn fails with ErrPreconditionFailed when the statement ran and
// changed nothing; any other failure of fn (it may have rolled back the
// whole transaction) runs the group again write by write.
func (s *SQLiteStore) writeStatement(ctx context.Context, fn func(tx *sql.Tx) error) error {
	return s.enqueue(&pendingWrite{ctx: ctx, fn: fn, done: make(chan error, 1), statement: true})
}

// enqueue queues w and returns its outcome once its transaction is done.
func (s *SQLiteStore) enqueue(w *pendingWrite) error {
	s.qmu.Lock()
	s.queue = append(s.queue, w)
	s.qmu.Unlock()
	select {
	case err := <-w.done: // run in the group of the writer before us
		return err
	case s.wlock <- struct{}{}:
	}
	defer func() { <-s.wlock }()
	select {
	case err := <-w.done:
		return err
	default:
	}
	s.qmu.Lock()
	batch := s.queue
	s.queue = nil
	s.qmu.Unlock()
	s.writeBatch(batch)
	return <-w.done
}

// groupWrites is cleared by a benchmark only, to measure writes without
// grouping.
var groupWrites = true

// pendingWrite is one caller's write waiting for its transaction.
type pendingWrite struct {
	ctx  context.Context
	fn   func(tx *sql.Tx) error
	done chan error // buffered: written once
	// statement is set by writeStatement.
	statement bool
}

// writeBatch runs the writes queued while the previous transaction
// committed, in their order, in one transaction: each inside a savepoint
// (but a single statement, see writeStatement), so that a failing write's
// rows are rolled back and the others commit;
// each caller learns its outcome once the commit is done. A group commit
// gives every caller what a transaction of its own gives (its rows are
// durable when write returns; a failing write leaves nothing), since the
// writes of the group run one after the other as separate transactions
// would and none returns before the commit; what it saves is the
// transaction's cost (the lock, the WAL frames of pages several writes
// touch, the commit) for every write but the first. Should the grouped
// transaction fail as a whole (the commit, a savepoint, a statement
// interrupted by its context, which rolls the transaction back), every
// write runs again in a transaction of its own.
func (s *SQLiteStore) writeBatch(batch []*pendingWrite) {
	if len(batch) == 1 || !groupWrites {
		for _, w := range batch {
			w.done <- s.writeOne(w.ctx, w.fn)
		}
		return
	}
	results := make([]error, len(batch))
	if s.writeGroup(batch, results) != nil {
		for _, w := range batch {
			w.done <- s.writeOne(w.ctx, w.fn)
		}
		return
	}
	for i, w := range batch {
		w.done <- results[i]
	}
}

// writeGroup runs batch in one transaction, results[i] the outcome of
// batch[i]; an error means the transaction failed and nothing committed.
func (s *SQLiteStore) writeGroup(batch []*pendingWrite, results []error) error {
	ctx := context.Background() // the transaction outlives any one caller's context
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	for i, w := range batch {
		if results[i] = w.ctx.Err(); results[i] != nil {
			continue
		}
		if w.statement {
			// A savepoint would copy every page the statement changes
			// into its journal; the statement is atomic by itself.
			if results[i] = w.fn(tx); results[i] != nil && !errors.Is(results[i], ErrPreconditionFailed) {
				_ = tx.Rollback()
				return results[i]
			}
			continue
		}
		if _, err := s.exec(ctx, tx, `SAVEPOINT grouped`); err != nil {
			_ = tx.Rollback()
			return err
		}
		if results[i] = w.fn(tx); results[i] != nil {
			if _, err := s.exec(ctx, tx, `ROLLBACK TO grouped`); err != nil {
				_ = tx.Rollback()
				return err
			}
		}
		if _, err := s.exec(ctx, tx, `RELEASE grouped`); err != nil {
			_ = tx.Rollback()
			return err
		}
	}
	return tx.Commit()
}

// writeOne runs fn in a transaction of its own.
func (s *SQLiteStore) writeOne(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	return tx.Commit()
}

// read runs fn in a read transaction (a plain BEGIN: in WAL mode it sees
// the last commit and never waits for a writer).
// rowScanner is what the scan functions read a row from.
type rowScanner = interface{ Scan(...any) error }

// readAll runs a query in a read transaction and scans every row.
func readAll[T any](ctx context.Context, s *SQLiteStore, scan func(rowScanner) (T, error), query string, args ...any) ([]T, error) {
	var out []T
	err := s.read(ctx, func(tx *sql.Tx) error {
		rows, err := s.query(ctx, tx, query, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			v, err := scan(rows)
			if err != nil {
				return err
			}
			out = append(out, v)
		}
		return rows.Err()
	})
	return out, err
}

func (s *SQLiteStore) read(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := s.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return err
	}
	defer func() { _ = tx.Rollback() }()
	return fn(tx)
}

// maxStmts bounds the statement cache (the queries of resource filters
// vary with the number of ids they hold).
const maxStmts = 128

// prepared returns query's cached statement bound to tx, or nil when it
// cannot be prepared (the caller then runs the query text).
func (s *SQLiteStore) prepared(ctx context.Context, tx *sql.Tx, query string) *sql.Stmt {
	if st := s.stmt(ctx, query); st != nil {
		return tx.StmtContext(ctx, st)
	}
	return nil
}

// stmt returns query's cached statement, preparing it on first use, or
// nil when it cannot be prepared or the cache is full.
func (s *SQLiteStore) stmt(ctx context.Context, query string) *sql.Stmt {
	if v, ok := s.stmts.Load(query); ok {
		return v.(*sql.Stmt)
	}
	if s.nstmts.Load() >= maxStmts {
		return nil
	}
	st, err := s.db.PrepareContext(ctx, query)
	if err != nil {
		return nil
	}
	if v, loaded := s.stmts.LoadOrStore(query, st); loaded {
		_ = st.Close()
		st = v.(*sql.Stmt)
	} else {
		s.nstmts.Add(1)
	}
	return st
}

// queryRowOnce runs a query of one row outside any transaction (one
// statement reads one consistent snapshot by itself), through the
// statement cache: a point read then costs no BEGIN and ROLLBACK.
func (s *SQLiteStore) queryRowOnce(ctx context.Context, query string, args ...any) *sql.Row {
	if st := s.stmt(ctx, query); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return s.db.QueryRowContext(ctx, query, args...)
}

// exec runs a statement in tx through the statement cache.
func (s *SQLiteStore) exec(ctx context.Context, tx *sql.Tx, query string, args ...any) (sql.Result, error) {
	if st := s.prepared(ctx, tx, query); st != nil {
		return st.ExecContext(ctx, args...)
	}
	return tx.ExecContext(ctx, query, args...)
}

// queryRow runs a query of one row in tx through the statement cache.
func (s *SQLiteStore) queryRow(ctx context.Context, tx *sql.Tx, query string, args ...any) *sql.Row {
	if st := s.prepared(ctx, tx, query); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return tx.QueryRowContext(ctx, query, args...)
}

// query runs a query in tx through the statement cache.
func (s *SQLiteStore) query(ctx context.Context, tx *sql.Tx, query string, args ...any) (*sql.Rows, error) {
	if st := s.prepared(ctx, tx, query); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return tx.QueryContext(ctx, query, args...)
}

// newToken returns 16 random bytes in hex.
func newToken() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// Times are stored as Unix nanoseconds, 0 for the zero time, and read
// back in UTC.
func toNanos(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixNano()
}

func fromNanos(n int64) time.Time {
	if n == 0 {
		return time.Time{}
	}
	return time.Unix(0, n).UTC()
}

// JSON columns hold the raw document or NULL for none.
func jsonArg(m []byte) any {
	if len(m) == 0 {
		return nil
	}
	return string(m)
}

func fromJSON(ns sql.NullString) []byte {
	if !ns.Valid {
		return nil
	}
	return []byte(ns.String)
}

// checkJSON rejects a JSON column value that is not valid JSON, so that
// Export always writes a valid document.
func checkJSON(what string, m []byte) error {
	if len(m) > 0 && !json.Valid(m) {
		return fmt.Errorf("%s is not valid JSON", what)
	}
	return nil
}

func lower(s string) string { return strings.ToLower(s) }
