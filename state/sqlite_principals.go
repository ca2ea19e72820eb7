package state

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

const principalColumns = `app_id, object_id, tenant_id, display_name, secret_hash, created`

func scanPrincipal(row rowScanner) (*ServicePrincipal, error) {
	var p ServicePrincipal
	var created int64
	if err := row.Scan(&p.AppID, &p.ObjectID, &p.TenantID, &p.DisplayName, &p.SecretHash, &created); err != nil {
		return nil, err
	}
	p.Created = fromNanos(created)
	return &p, nil
}

// CreateServicePrincipal records a new principal; a taken app id or
// display name is an error wrapping [ErrExists].
func (s *SQLiteStore) CreateServicePrincipal(ctx context.Context, p *ServicePrincipal) error {
	if p.AppID == "" || p.ObjectID == "" || p.DisplayName == "" || p.SecretHash == "" {
		return errors.New("create service principal: the app id, object id, name and secret hash are required")
	}
	created := p.Created
	if created.IsZero() {
		created = s.now()
	}
	return s.write(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM service_principals WHERE app_key = ? OR name_key = ?`,
			lower(p.AppID), lower(p.DisplayName)).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return fmt.Errorf("service principal %s (%s): %w", p.DisplayName, p.AppID, ErrExists)
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO service_principals (app_key, app_id, object_id, tenant_id, name_key,
				display_name, secret_hash, created) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			lower(p.AppID), p.AppID, p.ObjectID, p.TenantID, lower(p.DisplayName), p.DisplayName, p.SecretHash, toNanos(created))
		return err
	})
}

// ServicePrincipal returns a principal by app id, or an error wrapping
// [ErrNotFound].
func (s *SQLiteStore) ServicePrincipal(ctx context.Context, appID string) (*ServicePrincipal, error) {
	var p *ServicePrincipal
	err := s.read(ctx, func(tx *sql.Tx) error {
		var err error
		p, err = scanPrincipal(tx.QueryRowContext(ctx, `SELECT `+principalColumns+` FROM service_principals WHERE app_key = ?`, lower(appID)))
		return err
	})
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("service principal %s: %w", appID, ErrNotFound)
	}
	return p, err
}

// ServicePrincipals lists the principals sorted by lower-cased name.
func (s *SQLiteStore) ServicePrincipals(ctx context.Context) ([]*ServicePrincipal, error) {
	return readAll(ctx, s, scanPrincipal, `SELECT `+principalColumns+` FROM service_principals ORDER BY name_key`)
}

// DeleteServicePrincipal deletes a principal by app id.
func (s *SQLiteStore) DeleteServicePrincipal(ctx context.Context, appID string) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM service_principals WHERE app_key = ?`, lower(appID))
		if err != nil {
			return err
		}
		return mustAffect(res, "service principal "+appID)
	})
}

const asyncColumns = `id, scope, kind, principal, status, result, error, created, updated`

func scanAsync(row rowScanner) (*AsyncOperation, error) {
	var op AsyncOperation
	var result, errJSON sql.NullString
	var created, updated int64
	if err := row.Scan(&op.ID, &op.Scope, &op.Kind, &op.Principal, &op.Status, &result, &errJSON, &created, &updated); err != nil {
		return nil, err
	}
	op.Result, op.Error = fromJSON(result), fromJSON(errJSON)
	op.Created, op.Updated = fromNanos(created), fromNanos(updated)
	return &op, nil
}

// PutAsyncOperation creates or replaces an operation's record (a zero
// Created keeps the stored one, or now; Updated is now when zero) and
// deletes the finished ones not updated for [AsyncOperationTTL].
func (s *SQLiteStore) PutAsyncOperation(ctx context.Context, op *AsyncOperation) error {
	now := s.now()
	created, updated, err := op.putTimes(now)
	if err != nil {
		return err
	}
	return s.write(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM async_operations WHERE status <> 'Running' AND updated < ?`,
			toNanos(now.Add(-AsyncOperationTTL))); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO async_operations (key, id, scope, kind, principal, status, result, error, created, updated)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (key) DO UPDATE SET id = excluded.id, scope = excluded.scope, kind = excluded.kind, principal = excluded.principal,
				status = excluded.status, result = excluded.result, error = excluded.error, updated = excluded.updated,
				created = CASE WHEN ? THEN async_operations.created ELSE excluded.created END`,
			lower(op.ID), op.ID, op.Scope, op.Kind, op.Principal, op.Status, jsonArg(op.Result), jsonArg(op.Error),
			toNanos(created), toNanos(updated), op.Created.IsZero())
		return err
	})
}

// AsyncOperation returns an operation by id, or an error wrapping
// [ErrNotFound].
func (s *SQLiteStore) AsyncOperation(ctx context.Context, id string) (*AsyncOperation, error) {
	var op *AsyncOperation
	err := s.read(ctx, func(tx *sql.Tx) error {
		var err error
		op, err = scanAsync(tx.QueryRowContext(ctx, `SELECT `+asyncColumns+` FROM async_operations WHERE key = ?`, lower(id)))
		return err
	})
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("async operation %s: %w", id, ErrNotFound)
	}
	return op, err
}
