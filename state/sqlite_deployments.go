package state

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// The history of a scope (a resource group, a subscription, a management
// group or the tenant) is capped as in Azure: it holds at most
// MaxDeployments deployments, and when a write leaves it holding
// GroomDeployments or more, the oldest (by Started, then by the order
// they were stored) are deleted with their operations until it holds
// fewer. Running deployments are never groomed.
const (
	MaxDeployments   = 800
	GroomDeployments = 790
)

// ErrHistoryFull is returned (wrapped) by PutDeployment for a new
// deployment at a scope whose history already holds [MaxDeployments] that
// grooming cannot delete (they are all running). ARM's error code for it
// is DeploymentQuotaExceeded.
var ErrHistoryFull = errors.New("the deployment history of the scope is full")

// ErrNotRunning is returned (wrapped) by RequestCancel for a deployment
// that is not running.
var ErrNotRunning = errors.New("the deployment is not running")

// StatusRunning is the Status of a deployment or operation in progress.
const StatusRunning = "Running"

// deploymentColumns are the columns scanDeployment reads, the template
// from its own table (schema version 10); deploymentWriteColumns are
// those a record's row writes: all but the template.
const (
	deploymentColumns = `subscription_id, resource_group, name, scope, template_hash, parameters, mode,
	status, outputs, output_resources, error, correlation_id, started, finished,
	(SELECT template FROM deployment_templates t WHERE t.seq = deployments.seq), template_name,
	management_group, location`
	deploymentWriteColumns = `subscription_id, resource_group, name, scope, template_hash, parameters, mode,
	status, outputs, output_resources, error, correlation_id, started, finished, template_name,
	management_group, location`
)

// putTemplateQuery writes the template of a deployment ($1 its seq, $2
// the template), leaving an unchanged one unwritten; deleteTemplateQuery
// deletes it ($1 the seq). Both dialects read them.
const (
	putTemplateQuery = `INSERT INTO deployment_templates (seq, template) VALUES ($1, $2)
		ON CONFLICT (seq) DO UPDATE SET template = excluded.template
		WHERE deployment_templates.template IS DISTINCT FROM excluded.template`
	deleteTemplateQuery = `DELETE FROM deployment_templates WHERE seq = $1`
)

// templateWrite is the statement that stores template (a string, or nil
// for none) as the template of the deployment seq, with its arguments.
func templateWrite(seq int64, template any) (string, []any) {
	if template == nil {
		return deleteTemplateQuery, []any{seq}
	}
	return putTemplateQuery, []any{seq, template}
}

// putTemplate stores the template of the deployment seq (see templateWrite).
func putTemplate(ctx context.Context, tx *sql.Tx, seq int64, template any) error {
	q, args := templateWrite(seq, template)
	_, err := tx.ExecContext(ctx, q, args...)
	return err
}

func scanDeployment(row rowScanner) (*Deployment, error) {
	var d Deployment
	var level string // the scope column: Level() at the time of the write
	var params, outputs, outRes, derr, tmpl, tmplName sql.NullString
	var started, finished int64
	if err := row.Scan(&d.SubscriptionID, &d.ResourceGroup, &d.Name, &level, &d.TemplateHash, &params, &d.Mode,
		&d.Status, &outputs, &outRes, &derr, &d.CorrelationID, &started, &finished, &tmpl, &tmplName,
		&d.ManagementGroup, &d.Location); err != nil {
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

// where names the scope in messages.
func where(sc Scope) string {
	switch sc.Level() {
	case LevelResourceGroup:
		return fmt.Sprintf("in resource group %s of subscription %s", sc.ResourceGroup, sc.SubscriptionID)
	case LevelSubscription:
		return "in subscription " + sc.SubscriptionID
	case LevelManagementGroup:
		return "in management group " + sc.ManagementGroup
	}
	return "at the tenant scope"
}

func deploymentNotFound(sc Scope, name string) error {
	return fmt.Errorf("deployment %s %s: %w", name, where(sc), ErrNotFound)
}

// Deployment returns one deployment of scope (names are
// case-insensitive), or an error wrapping [ErrNotFound].
func (s *SQLiteStore) Deployment(ctx context.Context, scope Scope, name string) (*Deployment, error) {
	if err := scopeError("deployment "+name, scope); err != nil {
		return nil, err
	}
	sub, rg := scope.key()
	var d *Deployment
	err := s.read(ctx, func(tx *sql.Tx) error {
		var err error
		d, err = scanDeployment(tx.QueryRowContext(ctx, `SELECT `+deploymentColumns+` FROM deployments
			WHERE sub_key = ? AND group_key = ? AND name_key = ?`, sub, rg, lower(name)))
		return err
	})
	if errors.Is(err, sql.ErrNoRows) {
		return nil, deploymentNotFound(scope, name)
	}
	return d, err
}

// Deployments lists a scope's history newest first (by Started, then by
// the order they were stored). An unknown scope has no history.
func (s *SQLiteStore) Deployments(ctx context.Context, scope Scope) ([]*Deployment, error) {
	if err := scopeError("deployments", scope); err != nil {
		return nil, err
	}
	sub, rg := scope.key()
	return readAll(ctx, s, scanDeployment, `SELECT `+deploymentColumns+` FROM deployments
			WHERE sub_key = ? AND group_key = ? ORDER BY started DESC, seq DESC`, sub, rg)
}

// RunningDeployments lists the deployments whose Status is Running, at
// every scope, sorted by scope and then oldest first: the ones a control
// plane resumes or fails after a crash.
func (s *SQLiteStore) RunningDeployments(ctx context.Context) ([]*Deployment, error) {
	// The literal (not a parameter) lets SQLite use the partial index.
	return readAll(ctx, s, scanDeployment, `SELECT `+deploymentColumns+` FROM deployments
			WHERE status = 'Running' ORDER BY sub_key, group_key, started, seq`)
}

// PutDeployment creates or replaces a deployment record in the history of
// its scope (d.Scope()). Replacing one with the same Started time updates
// it in place (a running deployment reporting its end) and keeps its
// operations; a different Started time is a new run under the same name,
// which drops the old run's operations and its cancel request, and moves
// the name to the newest place in the history, as ARM does. Writing a
// Status other than Running clears a cancel request. The history is then
// groomed (see [GroomDeployments]); a new deployment that would make it
// hold more than [MaxDeployments] is refused with [ErrHistoryFull].
func (s *SQLiteStore) PutDeployment(ctx context.Context, d *Deployment) error {
	outRes, err := d.putPrelude()
	if err != nil {
		return err
	}
	scope := d.Scope()
	sub, rg := scope.key()
	name := lower(d.Name)
	err = s.write(ctx, func(tx *sql.Tx) error {
		var seq, started int64
		err := tx.QueryRowContext(ctx, `SELECT seq, started FROM deployments
			WHERE sub_key = ? AND group_key = ? AND name_key = ?`, sub, rg, name).Scan(&seq, &started)
		inPlace := err == nil && started == toNanos(d.Started)
		switch {
		case errors.Is(err, sql.ErrNoRows):
		case err != nil:
			return err
		case !inPlace:
			// A new run: the old one goes with its operations (ON DELETE
			// CASCADE) and the new one is stored last.
			if _, err := tx.ExecContext(ctx, `DELETE FROM deployments WHERE seq = ?`, seq); err != nil {
				return err
			}
		}
		if inPlace {
			if _, err := tx.ExecContext(ctx, `UPDATE deployments SET subscription_id = ?, resource_group = ?,
				management_group = ?, name = ?, scope = ?, template_hash = ?, parameters = ?, mode = ?, status = ?,
				outputs = ?, output_resources = ?, error = ?, correlation_id = ?, started = ?, finished = ?,
				template_name = ?, location = ?,
				cancel_requested = CASE WHEN ? = 'Running' THEN cancel_requested ELSE 0 END
				WHERE seq = ?`,
				d.SubscriptionID, d.ResourceGroup, d.ManagementGroup, d.Name, scope.Level(), d.TemplateHash,
				jsonArg(d.Parameters), d.Mode, d.Status, jsonArg(d.Outputs), outRes, jsonArg(d.Error), d.CorrelationID,
				toNanos(d.Started), toNanos(d.Finished), d.TemplateName, d.Location, d.Status, seq); err != nil {
				return err
			}
		} else {
			res, err := tx.ExecContext(ctx, `INSERT INTO deployments (sub_key, group_key, name_key, `+deploymentWriteColumns+`)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
				sub, rg, name, d.SubscriptionID, d.ResourceGroup, d.Name, scope.Level(), d.TemplateHash,
				jsonArg(d.Parameters), d.Mode, d.Status, jsonArg(d.Outputs), outRes, jsonArg(d.Error),
				d.CorrelationID, toNanos(d.Started), toNanos(d.Finished), d.TemplateName,
				d.ManagementGroup, d.Location)
			if err != nil {
				return err
			}
			if seq, err = res.LastInsertId(); err != nil {
				return err
			}
		}
		if err := putTemplate(ctx, tx, seq, textArg(d.Template)); err != nil {
			return err
		}
		n, err := groom(ctx, tx, sub, rg, seq)
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

// groom deletes the oldest deployments of a scope's history that are not
// running and not keep (the one just written) while it holds
// GroomDeployments or more, and returns how many it holds then.
func groom(ctx context.Context, tx *sql.Tx, sub, rg string, keep int64) (int, error) {
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM deployments WHERE sub_key = ? AND group_key = ?`,
		sub, rg).Scan(&n); err != nil {
		return 0, err
	}
	if n < GroomDeployments {
		return n, nil
	}
	res, err := tx.ExecContext(ctx, `DELETE FROM deployments WHERE seq IN (
		SELECT seq FROM deployments WHERE sub_key = ? AND group_key = ? AND seq <> ? AND status <> 'Running'
		ORDER BY started, seq LIMIT ?)`, sub, rg, keep, n-GroomDeployments+1)
	if err != nil {
		return 0, err
	}
	deleted, err := res.RowsAffected()
	return n - int(deleted), err
}

// DeleteDeployment deletes a deployment of scope and its operations; a
// missing one is an error wrapping [ErrNotFound].
func (s *SQLiteStore) DeleteDeployment(ctx context.Context, scope Scope, name string) error {
	if err := scopeError("delete deployment "+name, scope); err != nil {
		return err
	}
	sub, rg := scope.key()
	return s.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM deployments WHERE sub_key = ? AND group_key = ? AND name_key = ?`,
			sub, rg, lower(name))
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return deploymentNotFound(scope, name)
		}
		return nil
	})
}

// RequestCancel records a request to cancel a running deployment; the
// process running it sees it with [SQLiteStore.CancelRequested]. A missing
// deployment is an error wrapping [ErrNotFound], one that is not Running
// an error wrapping [ErrNotRunning]. The request is cleared when
// PutDeployment writes a status other than Running or a new run of the
// name.
func (s *SQLiteStore) RequestCancel(ctx context.Context, scope Scope, name string) error {
	if err := scopeError("cancel deployment "+name, scope); err != nil {
		return err
	}
	sub, rg := scope.key()
	return s.write(ctx, func(tx *sql.Tx) error {
		var seq int64
		var status string
		err := tx.QueryRowContext(ctx, `SELECT seq, status FROM deployments
			WHERE sub_key = ? AND group_key = ? AND name_key = ?`, sub, rg, lower(name)).Scan(&seq, &status)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			return deploymentNotFound(scope, name)
		case err != nil:
			return err
		case status != StatusRunning:
			return fmt.Errorf("cancel deployment %s %s: %w: its status is %s", name, where(scope), ErrNotRunning, status)
		}
		_, err = tx.ExecContext(ctx, `UPDATE deployments SET cancel_requested = 1 WHERE seq = ?`, seq)
		return err
	})
}

// CancelRequested reports whether a cancel was requested for a
// deployment of scope (and not cleared since); a missing deployment is an
// error wrapping [ErrNotFound]. It is one indexed read that never waits
// for a writer, cheap enough to poll several times a second.
func (s *SQLiteStore) CancelRequested(ctx context.Context, scope Scope, name string) (bool, error) {
	if err := scopeError("deployment "+name, scope); err != nil {
		return false, err
	}
	sub, rg := scope.key()
	var requested bool
	err := s.read(ctx, func(tx *sql.Tx) error {
		return tx.QueryRowContext(ctx, `SELECT cancel_requested FROM deployments
			WHERE sub_key = ? AND group_key = ? AND name_key = ?`, sub, rg, lower(name)).Scan(&requested)
	})
	if errors.Is(err, sql.ErrNoRows) {
		return false, deploymentNotFound(scope, name)
	}
	return requested, err
}

// PutOperation creates or replaces one operation of a deployment (of the
// scope op.Scope()); an operation is identified by its Sequence within
// the deployment. The deployment must exist (else an error wrapping
// [ErrNotFound]).
func (s *SQLiteStore) PutOperation(ctx context.Context, op *Operation) error {
	return s.PutOperations(ctx, []*Operation{op})
}

// PutOperations stores ops in one write: all or, when one fails, none.
func (s *SQLiteStore) PutOperations(ctx context.Context, ops []*Operation) error {
	for _, op := range ops {
		if err := scopeError("put operation", op.Scope()); err != nil {
			return err
		}
		if err := checkJSON("put operation: the error", op.Error); err != nil {
			return err
		}
	}
	return s.write(ctx, func(tx *sql.Tx) error {
		seqs := map[[3]string]int64{} // the deployments' rows, by scope and name
		for _, op := range ops {
			scope := op.Scope()
			sub, rg := scope.key()
			k := [3]string{sub, rg, lower(op.Deployment)}
			seq, ok := seqs[k]
			if !ok {
				err := s.queryRow(ctx, tx, `SELECT seq FROM deployments WHERE sub_key = ? AND group_key = ? AND name_key = ?`,
					sub, rg, k[2]).Scan(&seq)
				if errors.Is(err, sql.ErrNoRows) {
					return fmt.Errorf("put operation: %w", deploymentNotFound(scope, op.Deployment))
				} else if err != nil {
					return err
				}
				seqs[k] = seq
			}
			_, err := s.exec(ctx, tx, `INSERT INTO operations (deployment, sequence, operation_id, resource_id,
					resource_type, provisioning_operation, status, started, duration, error)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
				ON CONFLICT (deployment, sequence) DO UPDATE SET operation_id = excluded.operation_id,
					resource_id = excluded.resource_id, resource_type = excluded.resource_type,
					provisioning_operation = excluded.provisioning_operation, status = excluded.status,
					started = excluded.started, duration = excluded.duration, error = excluded.error`,
				seq, op.Sequence, op.OperationID, op.ResourceID, op.ResourceType, op.ProvisioningOperation, op.Status,
				toNanos(op.Started), int64(op.Duration), jsonArg(op.Error))
			if err != nil {
				return err
			}
		}
		return nil
	})
}

func (s *SQLiteStore) Operations(ctx context.Context, scope Scope, deployment string) ([]*Operation, error) {
	if err := scopeError("operations of deployment "+deployment, scope); err != nil {
		return nil, err
	}
	sub, rg := scope.key()
	var out []*Operation
	err := s.read(ctx, func(tx *sql.Tx) error {
		var seq int64
		var stored Deployment
		err := tx.QueryRowContext(ctx, `SELECT seq, management_group, subscription_id, resource_group, name
			FROM deployments WHERE sub_key = ? AND group_key = ? AND name_key = ?`, sub, rg, lower(deployment)).
			Scan(&seq, &stored.ManagementGroup, &stored.SubscriptionID, &stored.ResourceGroup, &stored.Name)
		if errors.Is(err, sql.ErrNoRows) {
			return deploymentNotFound(scope, deployment)
		} else if err != nil {
			return err
		}
		out, err = queryOperations(ctx, tx, seq, &stored)
		return err
	})
	return out, err
}

// queryOperations reads the operations of the deployment row seq, whose
// scope and name d gives.
func queryOperations(ctx context.Context, tx *sql.Tx, seq int64, d *Deployment) ([]*Operation, error) {
	rows, err := tx.QueryContext(ctx, `SELECT sequence, operation_id, resource_id, resource_type,
		provisioning_operation, status, started, duration, error FROM operations
		WHERE deployment = ? ORDER BY sequence`, seq)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*Operation
	for rows.Next() {
		op := &Operation{ManagementGroup: d.ManagementGroup, SubscriptionID: d.SubscriptionID,
			ResourceGroup: d.ResourceGroup, Deployment: d.Name}
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
