package state

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// pgLeaseChannel is the notification channel on which a release or a
// break of a lease is announced, with the payload "schema:scope".
const pgLeaseChannel = "armdeploy_lease"

// pgLeasePollMax is the longest a waiter sleeps between two attempts
// when no notification comes: it bounds how late a waiter sees that a
// holder's heartbeat expired (a release wakes it at once).
const pgLeasePollMax = time.Second

// AcquireLease takes the lease on l.Scope (lower-cased) for l.Holder, with
// the semantics of [SQLiteStore.AcquireLease]. Each attempt is one
// transaction: insert the lease row if there is none; else lock the row
// (SELECT ... FOR UPDATE, so that two hosts attempting at once see one
// another's result) and take it over if its holder is gone, a process of
// this host that is no longer there or a holder on another host whose
// heartbeat is older than the expiry. Between attempts a waiter listens
// on the database for the release of the lease (LISTEN/NOTIFY), polling
// meanwhile with a growing pause; when wait has elapsed it fails with a
// *[LeaseError] naming the holder.
func (s *PostgresStore) AcquireLease(ctx context.Context, l Lease, wait time.Duration) (func() error, error) {
	if l.Scope == "" {
		return nil, errors.New("acquire lease: no scope")
	}
	l.Scope = lower(l.Scope)
	if l.Started.IsZero() {
		l.Started = s.now()
	}
	if l.Host == s.host && l.ProcessStart == 0 && l.BootID == "" {
		l.ProcessStart, l.BootID = ProcessIdentity(l.PID)
	}
	token := newToken()
	deadline := time.Now().Add(wait)
	pause := leaseBackoffMin
	var listener *pgxpool.Conn
	defer func() {
		if listener != nil {
			// A connection that stops listening goes back to the pool;
			// one in doubt is closed.
			uctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
			defer cancel()
			if _, err := listener.Exec(uctx, `UNLISTEN `+pgLeaseChannel); err != nil {
				_ = listener.Hijack().Close(uctx)
				return
			}
			listener.Release()
		}
	}()
	for {
		held, gone, err := s.tryLease(ctx, l, token)
		if err != nil {
			return nil, fmt.Errorf("acquire lease on %s: %w", l.Scope, err)
		}
		if held == nil {
			release := s.holdLease(l.Scope, token)
			if gone != nil && l.OnTakeover != nil {
				gone.Stale = true
				l.OnTakeover(gone)
			}
			return release, nil
		}
		left := time.Until(deadline)
		if left <= 0 {
			return nil, &LeaseError{Held: held}
		}
		if listener == nil {
			// Listen before the next attempt, so that a release between
			// the attempt and the wait is not missed.
			if c, err := s.pool.Acquire(ctx); err == nil {
				if _, err := c.Exec(ctx, `LISTEN `+pgLeaseChannel); err == nil {
					listener = c
				} else {
					c.Release()
				}
			}
			if listener != nil {
				continue
			}
		}
		if err := s.waitRelease(ctx, listener, l.Scope, min(pause, left)); err != nil {
			return nil, fmt.Errorf("wait for the lease on %s held by deployment '%s': %w", l.Scope, held.Holder, err)
		}
		pause = min(2*pause, pgLeasePollMax)
	}
}

// waitRelease waits up to d for a notification that the lease on scope
// was released (any notification on another scope is ignored), or just d
// without a listener. It returns ctx's error when ctx ends.
func (s *PostgresStore) waitRelease(ctx context.Context, listener *pgxpool.Conn, scope string, d time.Duration) error {
	if listener == nil {
		t := time.NewTimer(d)
		defer t.Stop()
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
			return nil
		}
	}
	wctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	want := s.schema + ":" + scope
	for {
		n, err := listener.Conn().WaitForNotification(wctx)
		switch {
		case ctx.Err() != nil:
			return ctx.Err()
		case wctx.Err() != nil:
			return nil // the poll interval is over
		case err != nil:
			// The connection failed: poll without it from now on.
			return nil
		case n.Payload == want:
			return nil
		}
	}
}

// tryLease makes one attempt; it returns the live lease that blocks it
// (nil when l is now held) and the lease of a gone holder it took over.
func (s *PostgresStore) tryLease(ctx context.Context, l Lease, token string) (held, gone *Lease, err error) {
	err = s.write(ctx, func(tx pgx.Tx) error {
		held, gone = nil, nil
		now := s.now().UnixNano()
		args := []any{l.Scope, l.Holder, l.Principal, l.PID, l.Host, l.Command, toNanos(l.Started), now,
			int64(l.ProcessStart), l.BootID, token}
		tag, err := tx.Exec(ctx, `INSERT INTO leases (`+leaseColumns+`, token)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT (scope) DO NOTHING`, args...)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 1 {
			return nil
		}
		cur, err := scanLease(tx.QueryRow(ctx, `SELECT `+leaseColumns+` FROM leases WHERE scope = $1 FOR UPDATE`, l.Scope))
		if errors.Is(err, pgx.ErrNoRows) {
			// Released between the two statements: the next attempt
			// inserts it.
			held = &Lease{Scope: l.Scope, Holder: "(released)"}
			return errRetryLease
		} else if err != nil {
			return err
		}
		if s.holderAlive(cur) {
			held = cur
			return nil
		}
		gone = cur
		_, err = tx.Exec(ctx, `UPDATE leases SET holder = $2, principal = $3, pid = $4, host = $5, command = $6,
			started = $7, heartbeat = $8, process_start = $9, boot_id = $10, token = $11 WHERE scope = $1`, args...)
		return err
	})
	if errors.Is(err, errRetryLease) {
		return s.tryLease(ctx, l, token)
	}
	if err != nil {
		held, gone = nil, nil
	}
	return held, gone, err
}

var errRetryLease = errors.New("retry the lease")

// holdLease starts renewing the lease (scope, token) and returns its
// release function.
func (s *PostgresStore) holdLease(scope, token string) func() error {
	every := time.Duration(s.leaseHeartbeat.Load())
	renew := func() (bool, error) {
		ctx, cancel := context.WithTimeout(context.Background(), max(every, 5*time.Second))
		defer cancel()
		n, err := s.exec(ctx, `UPDATE leases SET heartbeat = $1 WHERE scope = $2 AND token = $3`,
			s.now().UnixNano(), scope, token)
		return n > 0, err
	}
	return s.hold(renew, func() error {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		// Release even when the deployment's context was canceled, and
		// wake the waiters.
		_, err := s.exec(ctx, `WITH d AS (DELETE FROM leases WHERE scope = $1 AND token = $2 RETURNING scope)
			SELECT pg_notify($3, current_schema() || ':' || scope) FROM d`, scope, token, pgLeaseChannel)
		if err != nil {
			return fmt.Errorf("release lease on %s: %w", scope, err)
		}
		return nil
	})
}

// Lease returns the lease on scope (lower-cased), with Stale set when its
// holder is gone, or an error wrapping [ErrNotFound] when there is none.
func (s *PostgresStore) Lease(ctx context.Context, scope string) (*Lease, error) {
	var l *Lease
	err := s.retry(ctx, func() error {
		var err error
		l, err = scanLease(s.pool.QueryRow(ctx, `SELECT `+leaseColumns+` FROM leases WHERE scope = $1`, lower(scope)))
		return err
	})
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, leaseNotFound(lower(scope))
	} else if err != nil {
		return nil, err
	}
	l.Stale = !s.holderAlive(l)
	return l, nil
}

// Leases lists the leases recorded, sorted by scope, with Stale set on
// those whose holder is gone.
func (s *PostgresStore) Leases(ctx context.Context) ([]*Lease, error) {
	ls, err := pgReadAll(ctx, s, scanLease, `SELECT `+leaseColumns+` FROM leases ORDER BY scope`)
	for _, l := range ls {
		l.Stale = !s.holderAlive(l)
	}
	return ls, err
}

// BreakLease deletes the lease on scope (lower-cased) whoever holds it
// and wakes its waiters; there being none is an error wrapping
// [ErrNotFound].
func (s *PostgresStore) BreakLease(ctx context.Context, scope string) error {
	var n int
	err := s.retry(ctx, func() error {
		return s.pool.QueryRow(ctx, `WITH d AS (DELETE FROM leases WHERE scope = $1 RETURNING scope),
			n AS (SELECT pg_notify($2, current_schema() || ':' || scope) FROM d)
			SELECT (SELECT COUNT(*) FROM d) + 0 * (SELECT COUNT(*) FROM n)`, lower(scope), pgLeaseChannel).Scan(&n)
	})
	if err != nil {
		return err
	}
	if n == 0 {
		return leaseNotFound(lower(scope))
	}
	return nil
}
