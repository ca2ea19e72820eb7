package state

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// RoleAssignments lists the assignments at scope and at every scope above
// it, sorted by lower-cased id.
func (s *PostgresStore) RoleAssignments(ctx context.Context, scope string) ([]*RoleAssignment, error) {
	return pgReadAll(ctx, s, scanAssignment, `SELECT id, scope, principal_id, role_definition_id, created
		FROM role_assignments WHERE scope_key = ANY($1) ORDER BY key`, ancestorScopes(scope))
}

func scanAssignment(row rowScanner) (*RoleAssignment, error) {
	var a RoleAssignment
	var created int64
	if err := row.Scan(&a.ID, &a.Scope, &a.PrincipalID, &a.RoleDefinitionID, &created); err != nil {
		return nil, err
	}
	a.Created = fromNanos(created)
	return &a, nil
}

// PutRoleAssignment creates or replaces an assignment. An empty Scope is
// taken from the id; a zero Created means now.
func (s *PostgresStore) PutRoleAssignment(ctx context.Context, a *RoleAssignment) error {
	scope, created, err := a.putPrelude(s.now())
	if err != nil {
		return err
	}
	_, err = s.exec(ctx, `INSERT INTO role_assignments (key, id, scope_key, scope, principal_id,
			role_definition_id, created) VALUES ($1, $2, $3, $4, $5, $6, $7)
		ON CONFLICT (key) DO UPDATE SET id = excluded.id, scope_key = excluded.scope_key, scope = excluded.scope,
			principal_id = excluded.principal_id, role_definition_id = excluded.role_definition_id,
			created = excluded.created`,
		lower(a.ID), a.ID, scopeKey(scope), scope, a.PrincipalID, a.RoleDefinitionID, toNanos(created))
	return err
}

// DeleteRoleAssignment deletes an assignment by id; a missing one is an
// error wrapping [ErrNotFound].
func (s *PostgresStore) DeleteRoleAssignment(ctx context.Context, id string) error {
	n, err := s.exec(ctx, `DELETE FROM role_assignments WHERE key = $1`, lower(id))
	if err != nil {
		return err
	}
	if n == 0 {
		return fmt.Errorf("role assignment %s: %w", id, ErrNotFound)
	}
	return nil
}

// CreateServicePrincipal records a new principal; a taken app id or
// display name is an error wrapping [ErrExists].
func (s *PostgresStore) CreateServicePrincipal(ctx context.Context, p *ServicePrincipal) error {
	if p.AppID == "" || p.ObjectID == "" || p.DisplayName == "" || p.SecretHash == "" {
		return errors.New("create service principal: the app id, object id, name and secret hash are required")
	}
	created := p.Created
	if created.IsZero() {
		created = s.now()
	}
	// The primary key (app id) and the unique name refuse a taken one,
	// even from two processes at once.
	_, err := s.exec(ctx, `INSERT INTO service_principals (app_key, app_id, object_id, tenant_id, name_key,
			display_name, secret_hash, created) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
		lower(p.AppID), p.AppID, p.ObjectID, p.TenantID, lower(p.DisplayName), p.DisplayName, p.SecretHash, toNanos(created))
	if isUniqueViolation(err) {
		return fmt.Errorf("service principal %s (%s): %w", p.DisplayName, p.AppID, ErrExists)
	}
	return err
}

// ServicePrincipal returns a principal by app id, or an error wrapping
// [ErrNotFound].
func (s *PostgresStore) ServicePrincipal(ctx context.Context, appID string) (*ServicePrincipal, error) {
	var p *ServicePrincipal
	err := s.retry(ctx, func() error {
		var err error
		p, err = scanPrincipal(s.pool.QueryRow(ctx, `SELECT `+principalColumns+` FROM service_principals WHERE app_key = $1`, lower(appID)))
		return err
	})
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, fmt.Errorf("service principal %s: %w", appID, ErrNotFound)
	}
	return p, err
}

// ServicePrincipals lists the principals sorted by lower-cased name.
func (s *PostgresStore) ServicePrincipals(ctx context.Context) ([]*ServicePrincipal, error) {
	return pgReadAll(ctx, s, scanPrincipal, `SELECT `+principalColumns+` FROM service_principals ORDER BY name_key`)
}

// DeleteServicePrincipal deletes a principal by app id.
func (s *PostgresStore) DeleteServicePrincipal(ctx context.Context, appID string) error {
	n, err := s.exec(ctx, `DELETE FROM service_principals WHERE app_key = $1`, lower(appID))
	if err != nil {
		return err
	}
	if n == 0 {
		return fmt.Errorf("service principal %s: %w", appID, ErrNotFound)
	}
	return nil
}

// PutAsyncOperation creates or replaces an operation's record (a zero
// Created keeps the stored one, or now; Updated is now when zero) and
// deletes the finished ones not updated for [AsyncOperationTTL].
func (s *PostgresStore) PutAsyncOperation(ctx context.Context, op *AsyncOperation) error {
	now := s.now()
	created, updated, err := op.putTimes(now)
	if err != nil {
		return err
	}
	return s.write(ctx, func(tx pgx.Tx) error {
		b := &pgx.Batch{}
		b.Queue(`DELETE FROM async_operations WHERE status <> 'Running' AND updated < $1`,
			toNanos(now.Add(-AsyncOperationTTL)))
		b.Queue(`INSERT INTO async_operations (key, id, scope, kind, principal, status, result, error, created, updated)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
			ON CONFLICT (key) DO UPDATE SET id = excluded.id, scope = excluded.scope, kind = excluded.kind,
				principal = excluded.principal, status = excluded.status, result = excluded.result,
				error = excluded.error, updated = excluded.updated,
				created = CASE WHEN $11 THEN async_operations.created ELSE excluded.created END`,
			lower(op.ID), op.ID, op.Scope, op.Kind, op.Principal, op.Status, jsonArg(op.Result), jsonArg(op.Error),
			toNanos(created), toNanos(updated), op.Created.IsZero())
		return tx.SendBatch(ctx, b).Close()
	})
}

// AsyncOperation returns an operation by id, or an error wrapping
// [ErrNotFound].
func (s *PostgresStore) AsyncOperation(ctx context.Context, id string) (*AsyncOperation, error) {
	var op *AsyncOperation
	err := s.retry(ctx, func() error {
		var err error
		op, err = scanAsync(s.pool.QueryRow(ctx, `SELECT `+asyncColumns+` FROM async_operations WHERE key = $1`, lower(id)))
		return err
	})
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, fmt.Errorf("async operation %s: %w", id, ErrNotFound)
	}
	return op, err
}
