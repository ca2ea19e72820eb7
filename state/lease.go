package state

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Lease polling: the first retry comes after leaseBackoffMin, each later
// one after twice the previous wait, at most leaseBackoffMax.
const (
	leaseBackoffMin = 5 * time.Millisecond
	leaseBackoffMax = 250 * time.Millisecond
)

// Lease heartbeats: a holder renews its lease every DefaultLeaseHeartbeat;
// a holder on another host whose last heartbeat is DefaultLeaseExpiry old
// is gone. [SQLiteStore.SetLeaseTiming] changes them.
const (
	DefaultLeaseHeartbeat = 5 * time.Second
	DefaultLeaseExpiry    = 30 * time.Second
)

// SetLeaseTiming sets how often the store renews the heartbeat of a lease
// it acquired (heartbeat) and how old the heartbeat of a holder on another
// host may be before the holder counts as gone (expiry); a zero duration
// keeps the current value. Expiry should be several heartbeats. The
// heartbeat interval applies to leases acquired afterwards.
func (s *SQLiteStore) SetLeaseTiming(heartbeat, expiry time.Duration) {
	if heartbeat > 0 {
		s.leaseHeartbeat.Store(int64(heartbeat))
	}
	if expiry > 0 {
		s.leaseExpiry.Store(int64(expiry))
	}
}

// AcquireLease takes the lease on l.Scope (lower-cased) for l.Holder. Each
// attempt is one transaction: insert the lease if there is none; take it
// over if its holder is gone (then l.OnTakeover, if set, is called with
// the old lease once the new one is held); otherwise the attempt fails. A
// holder is alive when it is on this host and its process still runs (the
// same process: where the lease records its start time and boot id, a
// later process that reuses the pid does not count), or on another host
// and its heartbeat is younger than the expiry (see
// [SQLiteStore.SetLeaseTiming]; the hosts' clocks must roughly agree).
// Failed attempts are retried with a growing pause until wait has elapsed
// (wait 0: one attempt), then AcquireLease returns a *[LeaseError] naming
// the holder. A done ctx ends the wait with ctx's error.
//
// A zero l.Started means now; l.Heartbeat is set to now. A holder on this
// host with a zero ProcessStart and BootID gets its process's (see
// [ProcessIdentity]). Until release is
// called (or the store is closed), a goroutine renews the heartbeat every
// heartbeat interval; it stops by itself when the lease was broken or
// taken over. The returned release stops the renewal and deletes the
// lease if it is still this acquisition's (not broken or taken over
// since); calling it again does nothing.
func (s *SQLiteStore) AcquireLease(ctx context.Context, l Lease, wait time.Duration) (func() error, error) {
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

const leaseColumns = `scope, holder, principal, pid, host, command, started, heartbeat, process_start, boot_id`

func scanLease(row rowScanner) (*Lease, error) {
	var l Lease
	var started, heartbeat, procStart int64
	if err := row.Scan(&l.Scope, &l.Holder, &l.Principal, &l.PID, &l.Host, &l.Command, &started, &heartbeat,
		&procStart, &l.BootID); err != nil {
		return nil, err
	}
	l.Started, l.Heartbeat = fromNanos(started), fromNanos(heartbeat)
	l.ProcessStart = uint64(procStart)
	return &l, nil
}

// tryLease makes one attempt; it returns the live lease that blocks it
// (nil when l is now held) and the lease of a gone holder it took over.
func (s *SQLiteStore) tryLease(ctx context.Context, l Lease, token string) (held, gone *Lease, err error) {
	err = s.write(ctx, func(tx *sql.Tx) error {
		held, gone = nil, nil
		cur, err := scanLease(tx.QueryRowContext(ctx, `SELECT `+leaseColumns+` FROM leases WHERE scope = ?`, l.Scope))
		switch {
		case errors.Is(err, sql.ErrNoRows):
		case err != nil:
			return err
		case s.holderAlive(cur):
			held = cur
			return nil
		default:
			gone = cur
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO leases (`+leaseColumns+`, token)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (scope) DO UPDATE SET holder = excluded.holder, principal = excluded.principal,
				pid = excluded.pid, host = excluded.host, command = excluded.command, started = excluded.started,
				heartbeat = excluded.heartbeat, process_start = excluded.process_start, boot_id = excluded.boot_id,
				token = excluded.token`,
			l.Scope, l.Holder, l.Principal, l.PID, l.Host, l.Command, toNanos(l.Started), s.now().UnixNano(),
			int64(l.ProcessStart), l.BootID, token)
		return err
	})
	if err != nil {
		held, gone = nil, nil
	}
	return held, gone, err
}

// holdLease starts renewing the lease (scope, token) and returns its
// release function.
func (s *SQLiteStore) holdLease(scope, token string) func() error {
	return s.hold(func() (bool, error) { return s.renewLease(scope, token) }, func() error {
		// Release even when the deployment's context was canceled.
		err := s.write(context.Background(), func(tx *sql.Tx) error {
			_, err := tx.Exec(`DELETE FROM leases WHERE scope = ? AND token = ?`, scope, token)
			return err
		})
		if err != nil {
			return fmt.Errorf("release lease on %s: %w", scope, err)
		}
		return nil
	})
}

// renewLease writes a new heartbeat; it reports false when the lease is no
// longer this acquisition's.
func (s *SQLiteStore) renewLease(scope, token string) (bool, error) {
	ctx, cancel := context.WithTimeout(context.Background(), busyTimeout)
	defer cancel()
	var n int64
	err := s.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE leases SET heartbeat = ? WHERE scope = ? AND token = ?`,
			s.now().UnixNano(), scope, token)
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	return n > 0, err
}

func leaseNotFound(scope string) error {
	return fmt.Errorf("lease on %s: %w", scope, ErrNotFound)
}

// Lease returns the lease on scope (lower-cased), with Stale set when its
// holder is gone, or an error wrapping [ErrNotFound] when there is none.
func (s *SQLiteStore) Lease(ctx context.Context, scope string) (*Lease, error) {
	var l *Lease
	err := s.read(ctx, func(tx *sql.Tx) error {
		var err error
		l, err = scanLease(tx.QueryRowContext(ctx, `SELECT `+leaseColumns+` FROM leases WHERE scope = ?`, lower(scope)))
		return err
	})
	if errors.Is(err, sql.ErrNoRows) {
		return nil, leaseNotFound(lower(scope))
	} else if err != nil {
		return nil, err
	}
	l.Stale = !s.holderAlive(l)
	return l, nil
}

// Leases lists the leases recorded, sorted by scope, with Stale set on
// those whose holder is gone.
func (s *SQLiteStore) Leases(ctx context.Context) ([]*Lease, error) {
	ls, err := readAll(ctx, s, scanLease, `SELECT `+leaseColumns+` FROM leases ORDER BY scope`)
	for _, l := range ls {
		l.Stale = !s.holderAlive(l)
	}
	return ls, err
}

// BreakLease deletes the lease on scope (lower-cased) whoever holds it;
// there being none is an error wrapping [ErrNotFound]. The holder is not
// told: its renewals stop and its release does nothing.
func (s *SQLiteStore) BreakLease(ctx context.Context, scope string) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM leases WHERE scope = ?`, lower(scope))
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return leaseNotFound(lower(scope))
		}
		return nil
	})
}
