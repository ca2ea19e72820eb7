package state

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// pgHistoryLock is the class of the advisory lock that PutDeployment takes
// on a scope's history (with a hash of the scope): two writers of one
// history, even of two names, run one after the other, so that the
// history's count and grooming are exact.
const pgHistoryLock = pgLockClass + 1

// Deployment returns one deployment of scope (names are
// case-insensitive), or an error wrapping [ErrNotFound].
func (s *PostgresStore) Deployment(ctx context.Context, scope Scope, name string) (*Deployment, error) {
	if err := scopeError("deployment "+name, scope); err != nil {
		return nil, err
	}
	sub, rg := scope.key()
	var d *Deployment
	err := s.retry(ctx, func() error {
		var err error
		d, err = scanDeployment(s.pool.QueryRow(ctx, `SELECT `+deploymentColumns+` FROM deployments
			WHERE sub_key = $1 AND group_key = $2 AND name_key = $3`, sub, rg, lower(name)))
		return err
	})
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, deploymentNotFound(scope, name)
	}
	return d, err
}

// Deployments lists a scope's history newest first.
func (s *PostgresStore) Deployments(ctx context.Context, scope Scope) ([]*Deployment, error) {
	if err := scopeError("deployments", scope); err != nil {
		return nil, err
	}
	sub, rg := scope.key()
	return pgReadAll(ctx, s, scanDeployment, `SELECT `+deploymentColumns+` FROM deployments
		WHERE sub_key = $1 AND group_key = $2 ORDER BY started DESC, seq DESC`, sub, rg)
}

// RunningDeployments lists the deployments whose Status is Running, at
// every scope, sorted by scope and then oldest first.
func (s *PostgresStore) RunningDeployments(ctx context.Context) ([]*Deployment, error) {
	return pgReadAll(ctx, s, scanDeployment, `SELECT `+deploymentColumns+` FROM deployments
		WHERE status = 'Running' ORDER BY sub_key, group_key, started, seq`)
}

// PutDeployment is [SQLiteStore.PutDeployment]: in place for the same
// Started, else a new run that drops the old one's operations; then the
// history is groomed, and a new deployment past [MaxDeployments] is
// refused with [ErrHistoryFull].
func (s *PostgresStore) PutDeployment(ctx context.Context, d *Deployment) error {
	outRes, err := d.putPrelude()
	if err != nil {
		return err
	}
	scope := d.Scope()
	sub, rg := scope.key()
	name := lower(d.Name)
	err = s.write(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1, hashtext($2 || '|' || $3))`,
			pgHistoryLock, sub, rg); err != nil {
			return err
		}
		var seq, started int64
		err := tx.QueryRow(ctx, `SELECT seq, started FROM deployments
			WHERE sub_key = $1 AND group_key = $2 AND name_key = $3`, sub, rg, name).Scan(&seq, &started)
		inPlace := err == nil && started == toNanos(d.Started)
		switch {
		case errors.Is(err, pgx.ErrNoRows):
		case err != nil:
			return err
		case !inPlace:
			if _, err := tx.Exec(ctx, `DELETE FROM deployments WHERE seq = $1`, seq); err != nil {
				return err
			}
		}
		if inPlace {
			_, err = tx.Exec(ctx, `UPDATE deployments SET subscription_id = $1, resource_group = $2,
				management_group = $3, name = $4, scope = $5, template_hash = $6, parameters = $7, mode = $8,
				status = $9, outputs = $10, output_resources = $11, error = $12, correlation_id = $13,
				started = $14, finished = $15, template_name = $16, location = $17,
				cancel_requested = CASE WHEN $9 = 'Running' THEN cancel_requested ELSE false END
				WHERE seq = $18`,
				d.SubscriptionID, d.ResourceGroup, d.ManagementGroup, d.Name, scope.Level(), d.TemplateHash,
				jsonArg(d.Parameters), d.Mode, d.Status, jsonArg(d.Outputs), outRes, jsonArg(d.Error), d.CorrelationID,
				toNanos(d.Started), toNanos(d.Finished), d.TemplateName, d.Location, seq)
		} else {
			err = tx.QueryRow(ctx, `INSERT INTO deployments (sub_key, group_key, name_key, `+deploymentWriteColumns+`)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20)
				RETURNING seq`,
				sub, rg, name, d.SubscriptionID, d.ResourceGroup, d.Name, scope.Level(), d.TemplateHash,
				jsonArg(d.Parameters), d.Mode, d.Status, jsonArg(d.Outputs), outRes, jsonArg(d.Error),
				d.CorrelationID, toNanos(d.Started), toNanos(d.Finished), d.TemplateName,
				d.ManagementGroup, d.Location).Scan(&seq)
		}
		if err != nil {
			return err
		}
		q, args := templateWrite(seq, textArg(d.Template))
		if _, err := tx.Exec(ctx, q, args...); err != nil {
			return err
		}
		n, err := pgGroom(ctx, tx, sub, rg, seq)
		if err != nil {
			return err
		}
		if !inPlace && n > MaxDeployments {
			return fmt.Errorf("%w: %s would hold %d deployments and running ones are not groomed; at most %d are kept",
				ErrHistoryFull, scope.ID(), n, MaxDeployments)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("put deployment %s: %w", d.Name, err)
	}
	return nil
}

// pgGroom is groom: it deletes the oldest deployments that are not
// running and not keep while the history holds GroomDeployments or more.
func pgGroom(ctx context.Context, tx pgx.Tx, sub, rg string, keep int64) (int, error) {
	var n int
	if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM deployments WHERE sub_key = $1 AND group_key = $2`,
		sub, rg).Scan(&n); err != nil {
		return 0, err
	}
	if n < GroomDeployments {
		return n, nil
	}
	tag, err := tx.Exec(ctx, `DELETE FROM deployments WHERE seq IN (
		SELECT seq FROM deployments WHERE sub_key = $1 AND group_key = $2 AND seq <> $3 AND status <> 'Running'
		ORDER BY started, seq LIMIT $4)`, sub, rg, keep, n-GroomDeployments+1)
	if err != nil {
		return 0, err
	}
	return n - int(tag.RowsAffected()), nil
}

// DeleteDeployment deletes a deployment of scope and its operations; a
// missing one is an error wrapping [ErrNotFound].
func (s *PostgresStore) DeleteDeployment(ctx context.Context, scope Scope, name string) error {
	if err := scopeError("delete deployment "+name, scope); err != nil {
		return err
	}
	sub, rg := scope.key()
	n, err := s.exec(ctx, `DELETE FROM deployments WHERE sub_key = $1 AND group_key = $2 AND name_key = $3`,
		sub, rg, lower(name))
	if err != nil {
		return err
	}
	if n == 0 {
		return deploymentNotFound(scope, name)
	}
	return nil
}

// RequestCancel records a request to cancel a running deployment; a
// missing deployment is an error wrapping [ErrNotFound], one that is not
// Running an error wrapping [ErrNotRunning].
func (s *PostgresStore) RequestCancel(ctx context.Context, scope Scope, name string) error {
	if err := scopeError("cancel deployment "+name, scope); err != nil {
		return err
	}
	sub, rg := scope.key()
	// One statement: the update happens only for a running deployment,
	// and the status read back tells the other cases apart.
	var status string
	var updated bool
	err := s.retry(ctx, func() error {
		return s.pool.QueryRow(ctx, `WITH d AS (
				SELECT seq, status FROM deployments WHERE sub_key = $1 AND group_key = $2 AND name_key = $3 FOR UPDATE),
			u AS (UPDATE deployments SET cancel_requested = true FROM d
				WHERE deployments.seq = d.seq AND d.status = 'Running' RETURNING 1)
			SELECT d.status, EXISTS (SELECT 1 FROM u) FROM d`, sub, rg, lower(name)).Scan(&status, &updated)
	})
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return deploymentNotFound(scope, name)
	case err != nil:
		return err
	case !updated:
		return fmt.Errorf("cancel deployment %s %s: %w: its status is %s", name, where(scope), ErrNotRunning, status)
	}
	return nil
}

// CancelRequested reports whether a cancel was requested for a deployment
// of scope; a missing deployment is an error wrapping [ErrNotFound].
func (s *PostgresStore) CancelRequested(ctx context.Context, scope Scope, name string) (bool, error) {
	if err := scopeError("deployment "+name, scope); err != nil {
		return false, err
	}
	sub, rg := scope.key()
	var requested bool
	err := s.retry(ctx, func() error {
		return s.pool.QueryRow(ctx, `SELECT cancel_requested FROM deployments
			WHERE sub_key = $1 AND group_key = $2 AND name_key = $3`, sub, rg, lower(name)).Scan(&requested)
	})
	if errors.Is(err, pgx.ErrNoRows) {
		return false, deploymentNotFound(scope, name)
	}
	return requested, err
}

// PutOperation creates or replaces one operation of a deployment: one
// statement that finds the deployment and upserts the operation. The
// deployment must exist (else an error wrapping [ErrNotFound]).
func (s *PostgresStore) PutOperation(ctx context.Context, op *Operation) error {
	scope := op.Scope()
	if err := scopeError("put operation", scope); err != nil {
		return err
	}
	if err := checkJSON("put operation: the error", op.Error); err != nil {
		return err
	}
	sub, rg := scope.key()
	n, err := s.exec(ctx, `INSERT INTO operations (deployment, sequence, operation_id, resource_id,
			resource_type, provisioning_operation, status, started, duration, error)
		SELECT seq, $4, $5, $6, $7, $8, $9, $10, $11, $12 FROM deployments
			WHERE sub_key = $1 AND group_key = $2 AND name_key = $3
		ON CONFLICT (deployment, sequence) DO UPDATE SET operation_id = excluded.operation_id,
			resource_id = excluded.resource_id, resource_type = excluded.resource_type,
			provisioning_operation = excluded.provisioning_operation, status = excluded.status,
			started = excluded.started, duration = excluded.duration, error = excluded.error`,
		sub, rg, lower(op.Deployment), op.Sequence, op.OperationID, op.ResourceID, op.ResourceType,
		op.ProvisioningOperation, op.Status, toNanos(op.Started), int64(op.Duration), jsonArg(op.Error))
	if err != nil {
		return err
	}
	if n == 0 {
		return fmt.Errorf("put operation: %w", deploymentNotFound(scope, op.Deployment))
	}
	return nil
}

// Operations lists the operations of a deployment of scope by Sequence; a
// missing deployment is an error wrapping [ErrNotFound].
func (s *PostgresStore) Operations(ctx context.Context, scope Scope, deployment string) ([]*Operation, error) {
	if err := scopeError("operations of deployment "+deployment, scope); err != nil {
		return nil, err
	}
	sub, rg := scope.key()
	var out []*Operation
	err := s.snapshot(ctx, func(tx pgx.Tx) error {
		var seq int64
		var stored Deployment
		err := tx.QueryRow(ctx, `SELECT seq, management_group, subscription_id, resource_group, name
			FROM deployments WHERE sub_key = $1 AND group_key = $2 AND name_key = $3`, sub, rg, lower(deployment)).
			Scan(&seq, &stored.ManagementGroup, &stored.SubscriptionID, &stored.ResourceGroup, &stored.Name)
		if errors.Is(err, pgx.ErrNoRows) {
			return deploymentNotFound(scope, deployment)
		} else if err != nil {
			return err
		}
		out, err = pgOperations(ctx, tx, seq, &stored)
		return err
	})
	return out, err
}

// pgOperations reads the operations of the deployment row seq, whose
// scope and name d gives.
func pgOperations(ctx context.Context, q pgQuerier, seq int64, d *Deployment) ([]*Operation, error) {
	return pgAll(ctx, q, func(row rowScanner) (*Operation, error) {
		op := &Operation{ManagementGroup: d.ManagementGroup, SubscriptionID: d.SubscriptionID,
			ResourceGroup: d.ResourceGroup, Deployment: d.Name}
		var started, duration int64
		var operr *string
		if err := row.Scan(&op.Sequence, &op.OperationID, &op.ResourceID, &op.ResourceType,
			&op.ProvisioningOperation, &op.Status, &started, &duration, &operr); err != nil {
			return nil, err
		}
		op.Started, op.Duration = fromNanos(started), time.Duration(duration)
		if operr != nil {
			op.Error = json.RawMessage(*operr)
		}
		return op, nil
	}, `SELECT sequence, operation_id, resource_id, resource_type, provisioning_operation, status, started,
		duration, error FROM operations WHERE deployment = $1 ORDER BY sequence`, seq)
}
