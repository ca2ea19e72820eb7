package state

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"time"

	"github.com/jackc/pgx/v5"
)

// Export writes the whole store (not the leases) as [SQLiteStore.Export]
// does, in the same order, read from one snapshot of the database: a store
// holding the same records exports the same bytes on both.
func (s *PostgresStore) Export(ctx context.Context, w io.Writer) error {
	doc := newExportDoc()
	err := s.snapshot(ctx, func(tx pgx.Tx) error {
		doc = newExportDoc()
		if err := tx.QueryRow(ctx, `SELECT value FROM meta WHERE key = 'lineage'`).Scan(&doc.Lineage); err != nil {
			return fmt.Errorf("lineage: %w", err)
		}
		tenants, err := pgAll(ctx, tx, scanTenant, `SELECT id, display_name, created FROM tenants ORDER BY key`)
		if err != nil {
			return err
		}
		for _, t := range tenants {
			doc.Tenants = append(doc.Tenants, exportOfTenant(t))
		}
		subs, err := pgAll(ctx, tx, scanSubscription, `SELECT `+subscriptionColumns+` FROM subscriptions ORDER BY key`)
		if err != nil {
			return err
		}
		for _, sub := range subs {
			doc.Subscriptions = append(doc.Subscriptions, exportOfSub(sub))
		}
		groups, err := pgAll(ctx, tx, scanGroup, `SELECT `+groupColumns+` FROM resource_groups ORDER BY sub_key, name_key`)
		if err != nil {
			return err
		}
		for _, g := range groups {
			doc.ResourceGroups = append(doc.ResourceGroups, exportOfGroup(g))
		}
		resources, err := pgAll(ctx, tx, scanPGResource, `SELECT `+pgResourceColumns+` FROM resources ORDER BY key`)
		if err != nil {
			return err
		}
		for _, r := range resources {
			doc.Resources = append(doc.Resources, exportOfResource(r))
		}
		type depRow struct {
			seq    int64
			cancel bool
			d      *Deployment
		}
		deps, err := pgAll(ctx, tx, func(row rowScanner) (depRow, error) {
			var dr depRow
			d, err := scanDeployment(prefixScanner{row, []any{&dr.seq, &dr.cancel}})
			dr.d = d
			return dr, err
		}, `SELECT seq, cancel_requested, `+deploymentColumns+` FROM deployments ORDER BY sub_key, group_key, started, seq`)
		if err != nil {
			return err
		}
		// Every operation in one query, grouped by deployment here.
		ops := map[int64][]*Operation{}
		rows, err := tx.Query(ctx, `SELECT deployment, sequence, operation_id, resource_id, resource_type,
			provisioning_operation, status, started, duration, error FROM operations ORDER BY deployment, sequence`)
		if err != nil {
			return err
		}
		for rows.Next() {
			var seq, started, duration int64
			var operr *string
			op := &Operation{}
			if err := rows.Scan(&seq, &op.Sequence, &op.OperationID, &op.ResourceID, &op.ResourceType,
				&op.ProvisioningOperation, &op.Status, &started, &duration, &operr); err != nil {
				rows.Close()
				return err
			}
			op.Started, op.Duration = fromNanos(started), time.Duration(duration)
			if operr != nil {
				op.Error = json.RawMessage(*operr)
			}
			ops[seq] = append(ops[seq], op)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, dr := range deps {
			doc.Deployments = append(doc.Deployments, exportOfDeployment(dr.d, dr.cancel, ops[dr.seq]))
		}
		all, err := pgAll(ctx, tx, scanAssignment, `SELECT id, scope, principal_id, role_definition_id, created
			FROM role_assignments ORDER BY key`)
		if err != nil {
			return err
		}
		for _, a := range all {
			doc.RoleAssignments = append(doc.RoleAssignments, exportOfAssignment(a))
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("export state: %w", err)
	}
	return encodeExport(w, &doc)
}

// prefixScanner scans leading columns before the ones a scan function
// reads.
type prefixScanner struct {
	r      rowScanner
	prefix []any
}

func (p prefixScanner) Scan(dst ...any) error {
	return p.r.Scan(append(p.prefix, dst...)...)
}

// Import reads a document written by Export (of either store) into an
// empty store in one transaction, table by table with COPY, and takes over
// its lineage. A store that holds any record is refused with an error
// wrapping [ErrNotEmpty]; a document of a newer format with one wrapping
// [ErrNewerSchema].
func (s *PostgresStore) Import(ctx context.Context, r io.Reader) error {
	doc, err := decodeExport(r)
	if err != nil {
		return fmt.Errorf("import state: %w", err)
	}
	rows, err := importRows(doc)
	if err != nil {
		return fmt.Errorf("import state: %w", err)
	}
	err = s.write(ctx, func(tx pgx.Tx) error {
		// Two imports at once: the second waits and then finds the store
		// not empty.
		if _, err := tx.Exec(ctx, `LOCK TABLE resources, deployments IN EXCLUSIVE MODE`); err != nil {
			return err
		}
		var counts [6]int
		if err := tx.QueryRow(ctx, `SELECT
			(SELECT COUNT(*) FROM tenants), (SELECT COUNT(*) FROM subscriptions),
			(SELECT COUNT(*) FROM resource_groups), (SELECT COUNT(*) FROM resources),
			(SELECT COUNT(*) FROM deployments), (SELECT COUNT(*) FROM role_assignments)`).
			Scan(&counts[0], &counts[1], &counts[2], &counts[3], &counts[4], &counts[5]); err != nil {
			return err
		}
		if err := notEmpty(counts); err != nil {
			return err
		}
		if doc.Lineage != "" {
			if _, err := tx.Exec(ctx, `INSERT INTO meta (key, value) VALUES ('lineage', $1)
				ON CONFLICT (key) DO UPDATE SET value = excluded.value`, doc.Lineage); err != nil {
				return err
			}
		}
		for _, t := range rows.tables() {
			if len(t.rows) == 0 {
				continue
			}
			if _, err := tx.CopyFrom(ctx, pgx.Identifier{t.name}, t.columns, pgx.CopyFromRows(t.rows)); err != nil {
				return fmt.Errorf("%s: %w", t.name, err)
			}
		}
		// Later deployments are numbered after the imported ones.
		_, err := tx.Exec(ctx, `SELECT setval(pg_get_serial_sequence('deployments', 'seq'),
			GREATEST(MAX(seq), 1), MAX(seq) IS NOT NULL) FROM deployments`)
		return err
	})
	if err != nil {
		return fmt.Errorf("import state: %w", err)
	}
	return nil
}

// importSet is an export document as the rows of each table, checked as
// the SQLite store's import checks them.
type importSet struct {
	tenants, subs, groups, resources, deployments, templates, operations, assignments [][]any
}

type importTable struct {
	name    string
	columns []string
	rows    [][]any
}

func (set *importSet) tables() []importTable {
	return []importTable{
		{"tenants", []string{"key", "id", "display_name", "created"}, set.tenants},
		{"subscriptions", []string{"key", "id", "tenant_id", "display_name", "state", "created"}, set.subs},
		{"resource_groups", []string{"sub_key", "name_key", "subscription_id", "name", "location", "tags",
			"managed_by", "created"}, set.groups},
		{"resources", []string{"key", "id", "sub_key", "group_key", "type_key", "parent_key", "subscription_id",
			"resource_group", "type", "name", "location", "parent", "body", "request", "api_version", "deployment",
			"etag", "created", "updated"}, set.resources},
		{"deployments", []string{"seq", "sub_key", "group_key", "name_key", "cancel_requested", "subscription_id",
			"resource_group", "name", "scope", "template_hash", "parameters", "mode", "status", "outputs",
			"output_resources", "error", "correlation_id", "started", "finished", "template_name",
			"management_group", "location"}, set.deployments},
		{"deployment_templates", []string{"seq", "template"}, set.templates},
		{"operations", []string{"deployment", "sequence", "operation_id", "resource_id", "resource_type",
			"provisioning_operation", "status", "started", "duration", "error"}, set.operations},
		{"role_assignments", []string{"key", "id", "scope_key", "scope", "principal_id", "role_definition_id",
			"created"}, set.assignments},
	}
}

func importRows(doc *exportDoc) (*importSet, error) {
	set := &importSet{}
	for _, t := range doc.Tenants {
		created, err := parseTime("tenant "+t.ID, t.Created)
		if err != nil {
			return nil, err
		}
		set.tenants = append(set.tenants, []any{lower(t.ID), t.ID, t.DisplayName, toNanos(created)})
	}
	for _, sub := range doc.Subscriptions {
		created, err := parseTime("subscription "+sub.ID, sub.Created)
		if err != nil {
			return nil, err
		}
		set.subs = append(set.subs, []any{lower(sub.ID), sub.ID, sub.TenantID, sub.DisplayName, sub.State, toNanos(created)})
	}
	for _, g := range doc.ResourceGroups {
		created, err := parseTime("resource group "+g.Name, g.Created)
		if err != nil {
			return nil, err
		}
		var tags any
		if len(g.Tags) > 0 {
			b, _ := json.Marshal(g.Tags)
			tags = string(b)
		}
		set.groups = append(set.groups, []any{lower(g.SubscriptionID), lower(g.Name), g.SubscriptionID, g.Name,
			g.Location, tags, g.ManagedBy, toNanos(created)})
	}
	for _, r := range doc.Resources {
		if err := checkText(&Resource{ID: r.ID, SubscriptionID: r.SubscriptionID, ResourceGroup: r.ResourceGroup,
			Type: r.Type, Name: r.Name, Location: r.Location, Parent: r.Parent, APIVersion: r.APIVersion,
			Deployment: r.Deployment, ETag: r.ETag}); err != nil {
			return nil, err
		}
		created, err := parseTime("resource "+r.ID, r.Created)
		if err != nil {
			return nil, err
		}
		updated, err := parseTime("resource "+r.ID, r.Updated)
		if err != nil {
			return nil, err
		}
		set.resources = append(set.resources, []any{lower(r.ID), r.ID, lower(r.SubscriptionID), lower(r.ResourceGroup),
			lower(r.Type), lower(r.Parent), r.SubscriptionID, r.ResourceGroup, r.Type, r.Name, r.Location, r.Parent,
			compactJSON(r.Body), compactJSON(r.Request), r.APIVersion, r.Deployment, r.ETag,
			toNanos(created), toNanos(updated)})
	}
	for i, d := range doc.Deployments {
		seq := int64(i + 1)
		if err := importDeployment(set, seq, &d); err != nil {
			return nil, fmt.Errorf("deployment %s: %w", d.Name, err)
		}
	}
	for _, a := range doc.RoleAssignments {
		created, err := parseTime("role assignment "+a.ID, a.Created)
		if err != nil {
			return nil, err
		}
		set.assignments = append(set.assignments, []any{lower(a.ID), a.ID, scopeKey(a.Scope), a.Scope,
			a.PrincipalID, a.RoleDefinitionID, toNanos(created)})
	}
	return set, nil
}

func importDeployment(set *importSet, seq int64, d *exportDeployment) error {
	row, err := deploymentRow(d)
	if err != nil {
		return err
	}
	set.deployments = append(set.deployments, append([]any{seq}, row...))
	if t := nullIfEmpty(d.Template); t != nil {
		set.templates = append(set.templates, []any{seq, t})
	}
	ops, err := operationRows(seq, d)
	if err != nil {
		return err
	}
	set.operations = append(set.operations, ops...)
	return nil
}
