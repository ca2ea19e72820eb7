package state

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"time"
)

// Lease polling: the first retry comes after leaseBackoffMin, each later
// one after twice the previous wait, at most leaseBackoffMax.
const (
	leaseBackoffMin = 5 * time.Millisecond
	leaseBackoffMax = 250 * time.Millisecond
)

// AcquireLease takes the lease on l.Scope (lower-cased) for l.Holder. Each
// attempt is one transaction: insert the lease if there is none; take it
// over if its holder is gone (same host and the process no longer exists);
// otherwise the holder is alive (a holder on another host is assumed
// alive) and the attempt fails. Failed attempts are retried with a growing
// pause until wait has elapsed (wait 0: one attempt), then AcquireLease
// returns a *[LeaseError] naming the holder. A done ctx ends the wait
// with ctx's error.
//
// A zero l.Started means now. The returned release deletes the lease if it
// is still this acquisition's (not taken over since); calling it again
// does nothing.
func (s *SQLiteStore) AcquireLease(ctx context.Context, l Lease, wait time.Duration) (func() error, error) {
	if l.Scope == "" {
		return nil, errors.New("acquire lease: no scope")
	}
	l.Scope = lower(l.Scope)
	if l.Started.IsZero() {
		l.Started = s.now()
	}
	token := newToken()
	deadline := time.Now().Add(wait)
	pause := leaseBackoffMin
	for {
		held, err := s.tryLease(ctx, l, token)
		if err != nil {
			return nil, fmt.Errorf("acquire lease on %s: %w", l.Scope, err)
		}
		if held == nil {
			return s.releaser(l.Scope, token), nil
		}
		left := time.Until(deadline)
		if left <= 0 {
			return nil, &LeaseError{Held: held}
		}
		t := time.NewTimer(min(pause, left))
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, fmt.Errorf("wait for the lease on %s held by deployment '%s': %w", l.Scope, held.Holder, ctx.Err())
		case <-t.C:
		}
		pause = min(2*pause, leaseBackoffMax)
	}
}

// tryLease makes one attempt; it returns the live lease that blocks it, or
// nil when l is now held.
func (s *SQLiteStore) tryLease(ctx context.Context, l Lease, token string) (*Lease, error) {
	var held *Lease
	err := s.write(ctx, func(tx *sql.Tx) error {
		var cur Lease
		var started int64
		err := tx.QueryRowContext(ctx, `SELECT scope, holder, pid, host, started FROM leases WHERE scope = ?`, l.Scope).
			Scan(&cur.Scope, &cur.Holder, &cur.PID, &cur.Host, &started)
		switch {
		case errors.Is(err, sql.ErrNoRows):
		case err != nil:
			return err
		default:
			cur.Started = fromNanos(started)
			if s.holderAlive(&cur) {
				held = &cur
				return nil
			}
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO leases (scope, holder, pid, host, started, token)
			VALUES (?, ?, ?, ?, ?, ?)
			ON CONFLICT (scope) DO UPDATE SET holder = excluded.holder, pid = excluded.pid, host = excluded.host,
				started = excluded.started, token = excluded.token`,
			l.Scope, l.Holder, l.PID, l.Host, toNanos(l.Started), token)
		return err
	})
	return held, err
}

// holderAlive reports whether a lease's process may still run: a process
// on this host is checked; one on another host cannot be and is assumed
// alive.
func (s *SQLiteStore) holderAlive(l *Lease) bool {
	if l.Host != s.host {
		return true
	}
	return processAlive(l.PID)
}

func (s *SQLiteStore) releaser(scope, token string) func() error {
	var once sync.Once
	var err error
	return func() error {
		once.Do(func() {
			// Release even when the deployment's context was canceled.
			err = s.write(context.Background(), func(tx *sql.Tx) error {
				_, err := tx.Exec(`DELETE FROM leases WHERE scope = ? AND token = ?`, scope, token)
				return err
			})
			if err != nil {
				err = fmt.Errorf("release lease on %s: %w", scope, err)
			}
		})
		return err
	}
}

// Leases lists the leases held now, sorted by scope, for diagnostics.
func (s *SQLiteStore) Leases(ctx context.Context) ([]*Lease, error) {
	var out []*Lease
	err := s.read(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT scope, holder, pid, host, started FROM leases ORDER BY scope`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var l Lease
			var started int64
			if err := rows.Scan(&l.Scope, &l.Holder, &l.PID, &l.Host, &started); err != nil {
				return err
			}
			l.Started = fromNanos(started)
			out = append(out, &l)
		}
		return rows.Err()
	})
	return out, err
}
