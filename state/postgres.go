package state

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/url"
	"os"
	"regexp"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// PostgresStore is the [Store] in a PostgreSQL database, shared by every
// machine that opens the same DSN: CI runners, engineers' laptops,
// several 'armdeploy serve' replicas. It has the tables and numbered
// migrations of the SQLite store (see [PostgresMigrations]), in the schema
// that the connection's search_path names first (public by default).
//
// Every method is one transaction (most are one statement, so one round
// trip); transactions that fail with a serialization failure or a
// deadlock (SQLSTATE 40001, 40P01) are retried with a growing, jittered
// pause. Times are stored as Unix nanoseconds as in SQLite, so that an
// export is the same on both stores; the clock is this host's, corrected
// by the offset to the database server's clock measured on open, so that
// the heartbeats that several hosts write compare on one clock.
//
// Leases are rows (one per scope) as in SQLite, renewed by a heartbeat; a
// waiter is woken by a notification (LISTEN/NOTIFY) when a lease is
// released or broken, and polls for holders whose heartbeat expires.
//
// A PostgresStore is safe for concurrent use by several goroutines.
type PostgresStore struct {
	dsn    string // redacted
	pool   *pgxpool.Pool
	schema string // current_schema() of the pool's connections
	leaseKeeper
}

var (
	_ Store   = (*PostgresStore)(nil)
	_ Tenancy = (*PostgresStore)(nil)
)

// IsPostgresDSN reports whether a --state value names a PostgreSQL
// database (a postgres:// or postgresql:// URL) rather than a SQLite file.
func IsPostgresDSN(location string) bool {
	l := strings.ToLower(location)
	return strings.HasPrefix(l, "postgres://") || strings.HasPrefix(l, "postgresql://")
}

// RedactDSN returns a DSN with its password (in the URL's user info or a
// password parameter) replaced by "xxxxx", for messages and logs.
func RedactDSN(dsn string) string {
	if u, err := url.Parse(dsn); err == nil && u.Scheme != "" {
		if _, has := u.User.Password(); has {
			u.User = url.UserPassword(u.User.Username(), "xxxxx")
		}
		q := u.Query()
		for k := range q {
			if strings.EqualFold(k, "password") {
				q.Set(k, "xxxxx")
			}
		}
		if u.RawQuery != "" {
			u.RawQuery = q.Encode()
		}
		return u.String()
	}
	// Not a URL: key=value form, or something that does not parse; hide
	// anything after a password key and any user info.
	s := kvPassword.ReplaceAllString(dsn, "${1}xxxxx")
	return userInfo.ReplaceAllString(s, "${1}xxxxx@")
}

var (
	kvPassword = regexp.MustCompile(`(?i)(password\s*=\s*)('(?:[^'\\]|\\.)*'|\S+)`)
	userInfo   = regexp.MustCompile(`(://[^:/@]*:)[^@]*@`)
)

// DSN parameters that armdeploy reads itself and does not pass to the
// server: lease_heartbeat and lease_expiry (Go durations, see
// [PostgresStore.SetLeaseTiming]).
var dsnLeaseParams = []string{"lease_heartbeat", "lease_expiry"}

// splitLeaseParams removes armdeploy's own parameters from a URL DSN.
func splitLeaseParams(dsn string) (string, map[string]time.Duration, error) {
	out := map[string]time.Duration{}
	u, err := url.Parse(dsn)
	if err != nil || u.RawQuery == "" {
		return dsn, out, nil
	}
	q := u.Query()
	for _, k := range dsnLeaseParams {
		v := q.Get(k)
		if v == "" {
			continue
		}
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			return "", nil, fmt.Errorf("%s=%q is not a positive duration (such as 30s)", k, v)
		}
		out[k] = d
		q.Del(k)
	}
	u.RawQuery = q.Encode()
	return u.String(), out, nil
}

// OpenPostgres connects to the database a DSN names and applies the schema
// migrations it lacks, under an advisory lock so that processes opening
// it at once do not migrate twice. A DSN is a postgres:// or
// postgresql:// URL; what it leaves out comes from the PG* environment
// variables (PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE, PGSSLMODE,
// ...) and ~/.pgpass, as for psql. Errors name the DSN with its password
// hidden. A database written by a newer armdeploy is refused with an error
// wrapping [ErrNewerSchema].
func OpenPostgres(ctx context.Context, dsn string) (*PostgresStore, error) {
	shown := RedactDSN(dsn)
	fail := func(err error) error {
		return &redactedError{msg: fmt.Sprintf("open state %s: %s", shown, redactErr(err, dsn)), err: err}
	}
	connStr, timing, err := splitLeaseParams(dsn)
	if err != nil {
		return nil, fail(err)
	}
	cfg, err := pgxpool.ParseConfig(connStr)
	if err != nil {
		return nil, fail(errors.New("not a valid PostgreSQL DSN"))
	}
	if !strings.Contains(connStr, "pool_max_conns") {
		// Enough for a deployment's parallel walk (10 by default), its
		// lease heartbeat and a lease waiter.
		cfg.MaxConns = 12
	}
	s := &PostgresStore{dsn: shown}
	s.initKeeper()
	s.SetLeaseTiming(timing["lease_heartbeat"], timing["lease_expiry"])
	cctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	pool, err := pgxpool.NewWithConfig(cctx, cfg)
	if err != nil {
		return nil, fail(err)
	}
	s.pool = pool
	offset, err := s.clockOffset(cctx)
	if err != nil {
		pool.Close()
		return nil, fail(err)
	}
	s.now = func() time.Time { return time.Now().Add(offset) }
	if err := s.migrate(cctx); err != nil {
		pool.Close()
		return nil, fail(err)
	}
	return s, nil
}

// redactErr returns err's message without the DSN's password, should a
// driver message quote it.
func redactErr(err error, dsn string) string {
	msg := err.Error()
	if u, perr := url.Parse(dsn); perr == nil {
		if p, ok := u.User.Password(); ok && p != "" {
			msg = strings.ReplaceAll(msg, p, "xxxxx")
		}
	}
	if p := os.Getenv("PGPASSWORD"); p != "" {
		msg = strings.ReplaceAll(msg, p, "xxxxx")
	}
	return msg
}

// redactedError is an error whose message hides a password; errors.Is
// and errors.As still see the error it wraps.
type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.err }

// clockOffset measures the database server's clock against this host's
// and reads the schema the store lives in.
func (s *PostgresStore) clockOffset(ctx context.Context) (time.Duration, error) {
	// The sample with the shortest round trip bounds the error best; an
	// offset within half of it cannot be told from none (a server on this
	// host), and is taken as none, so that processes of one host agree.
	var best, bestRTT time.Duration = 0, -1
	for range 3 {
		before := time.Now()
		var serverNanos int64
		err := s.pool.QueryRow(ctx, `SELECT (extract(epoch FROM clock_timestamp()) * 1000000)::bigint * 1000,
			current_schema()`).Scan(&serverNanos, &s.schema)
		if err != nil {
			return 0, err
		}
		if s.schema == "" {
			return 0, errors.New("the connection's search_path names no schema that exists")
		}
		after := time.Now()
		if rtt := after.Sub(before); bestRTT < 0 || rtt < bestRTT {
			bestRTT = rtt
			best = time.Unix(0, serverNanos).Sub(before.Add(rtt / 2))
		}
	}
	if best.Abs() <= bestRTT/2+time.Millisecond {
		return 0, nil
	}
	return best, nil
}

// DSN returns the store's DSN with the password hidden.
func (s *PostgresStore) DSN() string { return s.dsn }

// Path returns the redacted DSN, for messages that name the store.
func (s *PostgresStore) Path() string { return s.dsn }

// Close stops renewing the heartbeats of the leases taken through the
// store and closes its connections.
func (s *PostgresStore) Close() error {
	s.closeKeeper()
	s.pool.Close()
	return nil
}

// SetClock sets the clock the store reads for the times it fills in and
// for the age of lease heartbeats; tests use it. Call it before the store
// is used from several goroutines.
func (s *PostgresStore) SetClock(now func() time.Time) { s.now = now }

// SetLeaseTiming is [SQLiteStore.SetLeaseTiming]: how often a held lease's
// heartbeat is renewed and how old a heartbeat may be before its holder
// on another host is gone. The DSN parameters lease_heartbeat and
// lease_expiry set them on open.
func (s *PostgresStore) SetLeaseTiming(heartbeat, expiry time.Duration) {
	if heartbeat > 0 {
		s.leaseHeartbeat.Store(int64(heartbeat))
	}
	if expiry > 0 {
		s.leaseExpiry.Store(int64(expiry))
	}
}

// Lineage returns the random id given to the store when it was created.
func (s *PostgresStore) Lineage(ctx context.Context) (string, error) {
	var l string
	err := s.pool.QueryRow(ctx, `SELECT value FROM meta WHERE key = 'lineage'`).Scan(&l)
	return l, err
}

// Retries of transactions that failed on a conflict.
const (
	pgMaxRetries = 8
	pgRetryMin   = 2 * time.Millisecond
	pgRetryMax   = 200 * time.Millisecond
)

// retryable reports a serialization failure or a deadlock: the
// transaction did nothing and may be run again.
func retryable(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && (pe.Code == "40001" || pe.Code == "40P01")
}

// isUniqueViolation reports SQLSTATE 23505.
func isUniqueViolation(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "23505"
}

// retry runs fn until it succeeds, fails with an error that is not a
// conflict, or has been retried pgMaxRetries times.
func (s *PostgresStore) retry(ctx context.Context, fn func() error) error {
	pause := pgRetryMin
	for attempt := 0; ; attempt++ {
		err := fn()
		if err == nil || !retryable(err) || attempt == pgMaxRetries {
			return err
		}
		// Full jitter: two writers that collided do not collide again.
		t := time.NewTimer(time.Duration(rand.Int64N(int64(pause)) + 1))
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
		pause = min(2*pause, pgRetryMax)
	}
}

// write runs fn in a read-write transaction, retried on conflicts.
func (s *PostgresStore) write(ctx context.Context, fn func(tx pgx.Tx) error) error {
	return s.retry(ctx, func() error {
		return pgx.BeginTxFunc(ctx, s.pool, pgx.TxOptions{}, fn)
	})
}

// exec runs one statement (its own transaction), retried on conflicts,
// and returns the rows it changed.
func (s *PostgresStore) exec(ctx context.Context, sql string, args ...any) (int64, error) {
	var n int64
	err := s.retry(ctx, func() error {
		tag, err := s.pool.Exec(ctx, sql, args...)
		n = tag.RowsAffected()
		return err
	})
	return n, err
}

// snapshot runs fn in a read-only transaction that sees one snapshot of
// the whole database (REPEATABLE READ), for reads of several tables.
func (s *PostgresStore) snapshot(ctx context.Context, fn func(tx pgx.Tx) error) error {
	return s.retry(ctx, func() error {
		return pgx.BeginTxFunc(ctx, s.pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, fn)
	})
}

// pgQuerier is what the query helpers run on: the pool or a transaction.
type pgQuerier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// pgAll runs a query and scans every row.
func pgAll[T any](ctx context.Context, q pgQuerier, scan func(rowScanner) (T, error), sql string, args ...any) ([]T, error) {
	rows, err := q.Query(ctx, sql, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// readAll runs a query on the pool, retried on conflicts.
func pgReadAll[T any](ctx context.Context, s *PostgresStore, scan func(rowScanner) (T, error), sql string, args ...any) ([]T, error) {
	var out []T
	err := s.retry(ctx, func() error {
		var err error
		out, err = pgAll(ctx, s.pool, scan, sql, args...)
		return err
	})
	return out, err
}
