package state

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// MaxDeployments is how many deployments a group's history keeps; older
// ones are pruned as Azure does.
const MaxDeployments = 800

const deploymentColumns = `subscription_id, resource_group, name, scope, template_hash, parameters, mode,
	status, outputs, output_resources, error, correlation_id, started, finished, template, template_name`

func scanDeployment(row rowScanner) (*Deployment, error) {
	var d Deployment
	var params, outputs, outRes, derr, tmpl, tmplName sql.NullString
	var started, finished int64
	if err := row.Scan(&d.SubscriptionID, &d.ResourceGroup, &d.Name, &d.Scope, &d.TemplateHash, &params, &d.Mode,
		&d.Status, &outputs, &outRes, &derr, &d.CorrelationID, &started, &finished, &tmpl, &tmplName); err != nil {
		return nil, err
	}
	if tmpl.Valid {
		d.Template = []byte(tmpl.String)
	}
	d.TemplateName = tmplName.String
	d.Parameters, d.Outputs, d.Error = fromJSON(params), fromJSON(outputs), fromJSON(derr)
	if outRes.Valid {
		if err := json.Unmarshal([]byte(outRes.String), &d.OutputResources); err != nil {
			return nil, fmt.Errorf("deployment %s: output resources: %w", d.Name, err)
		}
	}
	d.Started, d.Finished = fromNanos(started), fromNanos(finished)
	return &d, nil
}

// textArg stores text, or NULL for none.
func textArg(b []byte) any {
	if b == nil {
		return nil
	}
	return string(b)
}

func deploymentNotFound(subscription, group, name string) error {
	return fmt.Errorf("deployment %s in resource group %s of subscription %s: %w", name, group, subscription, ErrNotFound)
}

// Deployment returns one deployment (names are case-insensitive), or an
// error wrapping [ErrNotFound].
func (s *SQLiteStore) Deployment(ctx context.Context, subscription, group, name string) (*Deployment, error) {
	var d *Deployment
	err := s.read(ctx, func(tx *sql.Tx) error {
		var err error
		d, err = scanDeployment(tx.QueryRowContext(ctx, `SELECT `+deploymentColumns+` FROM deployments
			WHERE sub_key = ? AND group_key = ? AND name_key = ?`, lower(subscription), lower(group), lower(name)))
		return err
	})
	if errors.Is(err, sql.ErrNoRows) {
		return nil, deploymentNotFound(subscription, group, name)
	}
	return d, err
}

// Deployments lists a group's history newest first (by Started, then by
// the order they were first stored). An unknown group has no history.
func (s *SQLiteStore) Deployments(ctx context.Context, subscription, group string) ([]*Deployment, error) {
	return readAll(ctx, s, scanDeployment, `SELECT `+deploymentColumns+` FROM deployments
			WHERE sub_key = ? AND group_key = ? ORDER BY started DESC, seq DESC`, lower(subscription), lower(group))
}

// PutDeployment creates or replaces a deployment record. Replacing one
// with the same Started time updates it in place (a running deployment
// reporting its end) and keeps its operations; a different Started time
// is a new run under the same name, which drops the old run's operations
// as ARM does. The group keeps at most [MaxDeployments]; the oldest are
// pruned with their operations.
func (s *SQLiteStore) PutDeployment(ctx context.Context, d *Deployment) error {
	if d.SubscriptionID == "" || d.Name == "" {
		return errors.New("put deployment: the subscription and the name are required")
	}
	for _, c := range []struct {
		what string
		m    json.RawMessage
	}{{"parameters", d.Parameters}, {"outputs", d.Outputs}, {"error", d.Error}} {
		if err := checkJSON("put deployment "+d.Name+": the "+c.what, c.m); err != nil {
			return err
		}
	}
	var outRes any
	if d.OutputResources != nil {
		b, err := json.Marshal(d.OutputResources)
		if err != nil {
			return err
		}
		outRes = string(b)
	}
	sub, rg, name := lower(d.SubscriptionID), lower(d.ResourceGroup), lower(d.Name)
	err := s.write(ctx, func(tx *sql.Tx) error {
		var seq, started int64
		err := tx.QueryRowContext(ctx, `SELECT seq, started FROM deployments
			WHERE sub_key = ? AND group_key = ? AND name_key = ?`, sub, rg, name).Scan(&seq, &started)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			_, err = tx.ExecContext(ctx, `INSERT INTO deployments (sub_key, group_key, name_key, `+deploymentColumns+`)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
				sub, rg, name, d.SubscriptionID, d.ResourceGroup, d.Name, d.Scope, d.TemplateHash,
				jsonArg(d.Parameters), d.Mode, d.Status, jsonArg(d.Outputs), outRes, jsonArg(d.Error),
				d.CorrelationID, toNanos(d.Started), toNanos(d.Finished), textArg(d.Template), d.TemplateName)
			if err != nil {
				return err
			}
		case err != nil:
			return err
		default:
			if started != toNanos(d.Started) {
				if _, err := tx.ExecContext(ctx, `DELETE FROM operations WHERE deployment = ?`, seq); err != nil {
					return err
				}
			}
			if _, err := tx.ExecContext(ctx, `UPDATE deployments SET subscription_id = ?, resource_group = ?,
				name = ?, scope = ?, template_hash = ?, parameters = ?, mode = ?, status = ?, outputs = ?,
				output_resources = ?, error = ?, correlation_id = ?, started = ?, finished = ?, template = ?,
				template_name = ? WHERE seq = ?`,
				d.SubscriptionID, d.ResourceGroup, d.Name, d.Scope, d.TemplateHash, jsonArg(d.Parameters), d.Mode,
				d.Status, jsonArg(d.Outputs), outRes, jsonArg(d.Error), d.CorrelationID,
				toNanos(d.Started), toNanos(d.Finished), textArg(d.Template), d.TemplateName, seq); err != nil {
				return err
			}
		}
		_, err = tx.ExecContext(ctx, `DELETE FROM deployments WHERE seq IN (
			SELECT seq FROM deployments WHERE sub_key = ? AND group_key = ?
			ORDER BY started DESC, seq DESC LIMIT -1 OFFSET ?)`, sub, rg, MaxDeployments)
		return err
	})
	if err != nil {
		return fmt.Errorf("put deployment %s: %w", d.Name, err)
	}
	return nil
}

// DeleteDeployment deletes a deployment and its operations; a missing one
// is an error wrapping [ErrNotFound].
func (s *SQLiteStore) DeleteDeployment(ctx context.Context, subscription, group, name string) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM deployments WHERE sub_key = ? AND group_key = ? AND name_key = ?`,
			lower(subscription), lower(group), lower(name))
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return deploymentNotFound(subscription, group, name)
		}
		return nil
	})
}

// PutOperation creates or replaces one operation of a deployment; an
// operation is identified by its Sequence within the deployment. The
// deployment must exist (else an error wrapping [ErrNotFound]).
func (s *SQLiteStore) PutOperation(ctx context.Context, op *Operation) error {
	if err := checkJSON("put operation: the error", op.Error); err != nil {
		return err
	}
	return s.write(ctx, func(tx *sql.Tx) error {
		var seq int64
		err := tx.QueryRowContext(ctx, `SELECT seq FROM deployments WHERE sub_key = ? AND group_key = ? AND name_key = ?`,
			lower(op.SubscriptionID), lower(op.ResourceGroup), lower(op.Deployment)).Scan(&seq)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("put operation: %w", deploymentNotFound(op.SubscriptionID, op.ResourceGroup, op.Deployment))
		} else if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO operations (deployment, sequence, operation_id, resource_id,
				resource_type, provisioning_operation, status, started, duration, error)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (deployment, sequence) DO UPDATE SET operation_id = excluded.operation_id,
				resource_id = excluded.resource_id, resource_type = excluded.resource_type,
				provisioning_operation = excluded.provisioning_operation, status = excluded.status,
				started = excluded.started, duration = excluded.duration, error = excluded.error`,
			seq, op.Sequence, op.OperationID, op.ResourceID, op.ResourceType, op.ProvisioningOperation, op.Status,
			toNanos(op.Started), int64(op.Duration), jsonArg(op.Error))
		return err
	})
}

// Operations lists a deployment's operations by Sequence; a missing
// deployment is an error wrapping [ErrNotFound].
func (s *SQLiteStore) Operations(ctx context.Context, subscription, group, deployment string) ([]*Operation, error) {
	var out []*Operation
	err := s.read(ctx, func(tx *sql.Tx) error {
		var seq int64
		var sub, rg, name string
		err := tx.QueryRowContext(ctx, `SELECT seq, subscription_id, resource_group, name FROM deployments
			WHERE sub_key = ? AND group_key = ? AND name_key = ?`,
			lower(subscription), lower(group), lower(deployment)).Scan(&seq, &sub, &rg, &name)
		if errors.Is(err, sql.ErrNoRows) {
			return deploymentNotFound(subscription, group, deployment)
		} else if err != nil {
			return err
		}
		out, err = queryOperations(ctx, tx, seq, sub, rg, name)
		return err
	})
	return out, err
}

func queryOperations(ctx context.Context, tx *sql.Tx, seq int64, sub, rg, name string) ([]*Operation, error) {
	rows, err := tx.QueryContext(ctx, `SELECT sequence, operation_id, resource_id, resource_type,
		provisioning_operation, status, started, duration, error FROM operations
		WHERE deployment = ? ORDER BY sequence`, seq)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*Operation
	for rows.Next() {
		op := &Operation{SubscriptionID: sub, ResourceGroup: rg, Deployment: name}
		var started, duration int64
		var operr sql.NullString
		if err := rows.Scan(&op.Sequence, &op.OperationID, &op.ResourceID, &op.ResourceType,
			&op.ProvisioningOperation, &op.Status, &started, &duration, &operr); err != nil {
			return nil, err
		}
		op.Started, op.Duration, op.Error = fromNanos(started), time.Duration(duration), fromJSON(operr)
		out = append(out, op)
	}
	return out, rows.Err()
}
