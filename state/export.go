package state

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
)

// ExportVersion is the version of the export document this build writes
// and the newest it reads. Fields added since without a new version (all
// optional): a deployment's managementGroup and cancelRequested.
const ExportVersion = 1

// The export document. These types are the file format only; they are
// unexported so that the in-memory model can change without changing the
// format. "version" comes first so that a reader can sniff it before
// decoding the rest. Leases are not exported: they belong to running
// processes.
type exportDoc struct {
	Version         int                `json:"version"`
	SchemaVersion   int                `json:"schemaVersion"`
	Lineage         string             `json:"lineage"`
	Tenants         []exportTenant     `json:"tenants"`
	Subscriptions   []exportSub        `json:"subscriptions"`
	ResourceGroups  []exportGroup      `json:"resourceGroups"`
	Resources       []exportResource   `json:"resources"`
	Deployments     []exportDeployment `json:"deployments"`
	RoleAssignments []exportAssignment `json:"roleAssignments"`
}

type exportTenant struct {
	ID          string `json:"id"`
	DisplayName string `json:"displayName,omitempty"`
	Created     string `json:"created,omitempty"`
}

type exportSub struct {
	ID          string `json:"id"`
	TenantID    string `json:"tenantId,omitempty"`
	DisplayName string `json:"displayName,omitempty"`
	State       string `json:"state"`
	Created     string `json:"created,omitempty"`
}

type exportGroup struct {
	SubscriptionID string            `json:"subscriptionId"`
	Name           string            `json:"name"`
	Location       string            `json:"location"`
	Tags           map[string]string `json:"tags,omitempty"`
	ManagedBy      string            `json:"managedBy,omitempty"`
	Created        string            `json:"created,omitempty"`
}

type exportResource struct {
	ID             string          `json:"id"`
	SubscriptionID string          `json:"subscriptionId,omitempty"`
	ResourceGroup  string          `json:"resourceGroup,omitempty"`
	Type           string          `json:"type"`
	Name           string          `json:"name"`
	Location       string          `json:"location,omitempty"`
	Parent         string          `json:"parent,omitempty"`
	APIVersion     string          `json:"apiVersion,omitempty"`
	Deployment     string          `json:"deployment,omitempty"`
	ETag           string          `json:"etag,omitempty"`
	Created        string          `json:"created,omitempty"`
	Updated        string          `json:"updated,omitempty"`
	Body           json.RawMessage `json:"body,omitempty"`
	Request        json.RawMessage `json:"request,omitempty"`
}

type exportDeployment struct {
	// ManagementGroup is set for management-group deployments; a tenant
	// deployment has none of managementGroup, subscriptionId and
	// resourceGroup.
	ManagementGroup string `json:"managementGroup,omitempty"`
	SubscriptionID  string `json:"subscriptionId"`
	ResourceGroup   string `json:"resourceGroup,omitempty"`
	Name            string `json:"name"`
	// Scope is the level of the scope (Scope.Level()); Import derives it
	// from the fields above and does not read it.
	Scope           string          `json:"scope,omitempty"`
	TemplateHash    string          `json:"templateHash,omitempty"`
	Mode            string          `json:"mode,omitempty"`
	Status          string          `json:"status,omitempty"`
	CorrelationID   string          `json:"correlationId,omitempty"`
	Started         string          `json:"started,omitempty"`
	Finished        string          `json:"finished,omitempty"`
	Parameters      json.RawMessage `json:"parameters,omitempty"`
	Outputs         json.RawMessage `json:"outputs,omitempty"`
	OutputResources []string        `json:"outputResources,omitempty"`
	Error           json.RawMessage `json:"error,omitempty"`
	Template        string          `json:"template,omitempty"`
	TemplateName    string          `json:"templateName,omitempty"`
	Location        string          `json:"location,omitempty"`
	// CancelRequested is a cancel request of a running deployment not
	// yet seen by its process.
	CancelRequested bool              `json:"cancelRequested,omitempty"`
	Operations      []exportOperation `json:"operations,omitempty"`
}

type exportOperation struct {
	Sequence              int             `json:"sequence"`
	OperationID           string          `json:"operationId,omitempty"`
	ResourceID            string          `json:"resourceId,omitempty"`
	ResourceType          string          `json:"resourceType,omitempty"`
	ProvisioningOperation string          `json:"provisioningOperation,omitempty"`
	Status                string          `json:"status,omitempty"`
	Started               string          `json:"started,omitempty"`
	Duration              string          `json:"duration"`
	Error                 json.RawMessage `json:"error,omitempty"`
}

type exportAssignment struct {
	ID               string `json:"id"`
	Scope            string `json:"scope"`
	PrincipalID      string `json:"principalId"`
	RoleDefinitionID string `json:"roleDefinitionId"`
	Created          string `json:"created,omitempty"`
}

func formatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}

func parseTime(what, s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%s: %w", what, err)
	}
	return t, nil
}

// Export writes the whole store (not the leases) as one indented JSON
// document with "version" first. The order is stable: tenants and
// subscriptions by id, groups by subscription and name, resources by
// lower-cased id, deployments by subscription, group and age (oldest
// first) with their operations by sequence, role assignments by id; so
// Export after Import of an export gives the same bytes.
func (s *SQLiteStore) Export(ctx context.Context, w io.Writer) error {
	doc := newExportDoc()
	err := s.read(ctx, func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = 'lineage'`).Scan(&doc.Lineage); err != nil {
			return fmt.Errorf("lineage: %w", err)
		}
		if err := eachRow(ctx, tx, `SELECT id, display_name, created FROM tenants ORDER BY key`, func(r *sql.Rows) error {
			t, err := scanTenant(r)
			if err != nil {
				return err
			}
			doc.Tenants = append(doc.Tenants, exportOfTenant(t))
			return nil
		}); err != nil {
			return err
		}
		if err := eachRow(ctx, tx, `SELECT `+subscriptionColumns+` FROM subscriptions ORDER BY key`, func(r *sql.Rows) error {
			sub, err := scanSubscription(r)
			if err != nil {
				return err
			}
			doc.Subscriptions = append(doc.Subscriptions, exportOfSub(sub))
			return nil
		}); err != nil {
			return err
		}
		if err := eachRow(ctx, tx, `SELECT `+groupColumns+` FROM resource_groups ORDER BY sub_key, name_key`, func(r *sql.Rows) error {
			g, err := scanGroup(r)
			if err != nil {
				return err
			}
			doc.ResourceGroups = append(doc.ResourceGroups, exportOfGroup(g))
			return nil
		}); err != nil {
			return err
		}
		if err := eachRow(ctx, tx, `SELECT `+resourceColumns+` FROM resources ORDER BY key`, func(r *sql.Rows) error {
			res, err := scanResource(r)
			if err != nil {
				return err
			}
			doc.Resources = append(doc.Resources, exportOfResource(res))
			return nil
		}); err != nil {
			return err
		}
		type depRow struct {
			seq    int64
			cancel bool
			d      *Deployment
		}
		var deps []depRow
		// Tenant ("/") and management-group ("/providers/...") histories
		// sort before the subscriptions'.
		if err := eachRow(ctx, tx, `SELECT seq, cancel_requested, `+deploymentColumns+` FROM deployments
			ORDER BY sub_key, group_key, started, seq`, func(r *sql.Rows) error {
			var dr depRow
			d, err := scanDeployment(rowWithPrefix{r, []any{&dr.seq, &dr.cancel}})
			if err != nil {
				return err
			}
			dr.d = d
			deps = append(deps, dr)
			return nil
		}); err != nil {
			return err
		}
		for _, dr := range deps {
			ops, err := queryOperations(ctx, tx, dr.seq, dr.d)
			if err != nil {
				return err
			}
			doc.Deployments = append(doc.Deployments, exportOfDeployment(dr.d, dr.cancel, ops))
		}
		all, err := queryAssignments(ctx, tx, `SELECT id, scope, principal_id, role_definition_id, created
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

func newExportDoc() exportDoc {
	return exportDoc{Version: ExportVersion, SchemaVersion: SchemaVersion(),
		Tenants: []exportTenant{}, Subscriptions: []exportSub{}, ResourceGroups: []exportGroup{},
		Resources: []exportResource{}, Deployments: []exportDeployment{}, RoleAssignments: []exportAssignment{}}
}

// encodeExport writes the document as every store does: indented, HTML
// characters as they are.
func encodeExport(w io.Writer, doc *exportDoc) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(doc)
}

func exportOfTenant(t *Tenant) exportTenant {
	return exportTenant{ID: t.ID, DisplayName: t.DisplayName, Created: formatTime(t.Created)}
}

func exportOfSub(sub *Subscription) exportSub {
	return exportSub{ID: sub.ID, TenantID: sub.TenantID, DisplayName: sub.DisplayName, State: sub.State,
		Created: formatTime(sub.Created)}
}

func exportOfGroup(g *ResourceGroup) exportGroup {
	return exportGroup{SubscriptionID: g.SubscriptionID, Name: g.Name, Location: g.Location, Tags: g.Tags,
		ManagedBy: g.ManagedBy, Created: formatTime(g.Created)}
}

func exportOfResource(res *Resource) exportResource {
	return exportResource{ID: res.ID, SubscriptionID: res.SubscriptionID,
		ResourceGroup: res.ResourceGroup, Type: res.Type, Name: res.Name, Location: res.Location,
		Parent: res.Parent, APIVersion: res.APIVersion, Deployment: res.Deployment, ETag: res.ETag,
		Created: formatTime(res.Created), Updated: formatTime(res.Updated), Body: res.Body, Request: res.Request}
}

func exportOfDeployment(d *Deployment, cancel bool, ops []*Operation) exportDeployment {
	ed := exportDeployment{ManagementGroup: d.ManagementGroup, SubscriptionID: d.SubscriptionID,
		ResourceGroup: d.ResourceGroup, Name: d.Name,
		Scope: d.Scope().Level(), TemplateHash: d.TemplateHash, Mode: d.Mode, Status: d.Status,
		CorrelationID: d.CorrelationID, Started: formatTime(d.Started), Finished: formatTime(d.Finished),
		Parameters: d.Parameters, Outputs: d.Outputs, OutputResources: d.OutputResources, Error: d.Error,
		Template: string(d.Template), TemplateName: d.TemplateName, Location: d.Location, CancelRequested: cancel}
	for _, op := range ops {
		ed.Operations = append(ed.Operations, exportOperation{Sequence: op.Sequence, OperationID: op.OperationID,
			ResourceID: op.ResourceID, ResourceType: op.ResourceType, ProvisioningOperation: op.ProvisioningOperation,
			Status: op.Status, Started: formatTime(op.Started), Duration: op.Duration.String(), Error: op.Error})
	}
	return ed
}

func exportOfAssignment(a *RoleAssignment) exportAssignment {
	return exportAssignment{ID: a.ID, Scope: a.Scope, PrincipalID: a.PrincipalID,
		RoleDefinitionID: a.RoleDefinitionID, Created: formatTime(a.Created)}
}

// rowWithPrefix scans leading columns (seq, cancel_requested) before the
// deployment columns.
type rowWithPrefix struct {
	r      *sql.Rows
	prefix []any
}

func (p rowWithPrefix) Scan(dst ...any) error {
	return p.r.Scan(append(p.prefix, dst...)...)
}

func eachRow(ctx context.Context, tx *sql.Tx, q string, fn func(*sql.Rows) error) error {
	rows, err := tx.QueryContext(ctx, q)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// Import reads a document written by Export into an empty store, in one
// transaction, and takes over its lineage. A store that holds any record
// is refused with an error wrapping [ErrNotEmpty]; a document of a newer
// format with one wrapping [ErrNewerSchema].
func (s *SQLiteStore) Import(ctx context.Context, r io.Reader) error {
	doc, err := decodeExport(r)
	if err != nil {
		return fmt.Errorf("import state: %w", err)
	}
	err = s.write(ctx, func(tx *sql.Tx) error {
		if err := checkEmpty(ctx, tx); err != nil {
			return err
		}
		return insertExport(ctx, tx, doc)
	})
	if err != nil {
		return fmt.Errorf("import state: %w", err)
	}
	return nil
}

func decodeExport(r io.Reader) (*exportDoc, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	var sniff struct {
		Version *int `json:"version"`
	}
	if err := json.Unmarshal(data, &sniff); err != nil {
		return nil, fmt.Errorf("not an armdeploy state export: %w", err)
	}
	switch {
	case sniff.Version == nil:
		return nil, errors.New("not an armdeploy state export: no \"version\"")
	case *sniff.Version > ExportVersion:
		return nil, &newerError{fmt.Sprintf("the export was written by a newer armdeploy: "+
			"its format version is %d, this armdeploy reads up to version %d; use a newer armdeploy",
			*sniff.Version, ExportVersion)}
	case *sniff.Version < 1:
		return nil, fmt.Errorf("not an armdeploy state export: version %d", *sniff.Version)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var doc exportDoc
	if err := dec.Decode(&doc); err != nil {
		return nil, err
	}
	return &doc, nil
}

func checkEmpty(ctx context.Context, tx *sql.Tx) error {
	var counts [6]int
	err := tx.QueryRowContext(ctx, `SELECT
		(SELECT COUNT(*) FROM tenants), (SELECT COUNT(*) FROM subscriptions),
		(SELECT COUNT(*) FROM resource_groups), (SELECT COUNT(*) FROM resources),
		(SELECT COUNT(*) FROM deployments), (SELECT COUNT(*) FROM role_assignments)`).
		Scan(&counts[0], &counts[1], &counts[2], &counts[3], &counts[4], &counts[5])
	if err != nil {
		return err
	}
	return notEmpty(counts)
}

// notEmpty is the error of an import into a store that holds the
// records counted (tenants, subscriptions, groups, resources, deployments,
// role assignments), or nil for an empty one.
func notEmpty(counts [6]int) error {
	if counts == [6]int{} {
		return nil
	}
	var held []string
	for i, what := range []string{"tenant", "subscription", "resource group", "resource", "deployment", "role assignment"} {
		switch {
		case counts[i] == 1:
			held = append(held, "1 "+what)
		case counts[i] > 1:
			held = append(held, fmt.Sprintf("%d %ss", counts[i], what))
		}
	}
	return fmt.Errorf("%w: it holds %s; import into a new store (--state or %s)",
		ErrNotEmpty, strings.Join(held, ", "), EnvPath)
}

// compactJSON returns m without insignificant white space (the export
// indents embedded documents), or nil for none.
func compactJSON(m json.RawMessage) any {
	if len(m) == 0 {
		return nil
	}
	var b bytes.Buffer
	if err := json.Compact(&b, m); err != nil {
		return string(m) // cannot happen: m was decoded as JSON
	}
	return b.String()
}

func insertExport(ctx context.Context, tx *sql.Tx, doc *exportDoc) error {
	if doc.Lineage != "" {
		if _, err := tx.ExecContext(ctx, `INSERT INTO meta (key, value) VALUES ('lineage', ?)
			ON CONFLICT (key) DO UPDATE SET value = excluded.value`, doc.Lineage); err != nil {
			return err
		}
	}
	for _, t := range doc.Tenants {
		created, err := parseTime("tenant "+t.ID, t.Created)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO tenants (key, id, display_name, created) VALUES (?, ?, ?, ?)`,
			lower(t.ID), t.ID, t.DisplayName, toNanos(created)); err != nil {
			return fmt.Errorf("tenant %s: %w", t.ID, err)
		}
	}
	for _, sub := range doc.Subscriptions {
		created, err := parseTime("subscription "+sub.ID, sub.Created)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO subscriptions (key, id, tenant_id, display_name, state, created)
			VALUES (?, ?, ?, ?, ?, ?)`, lower(sub.ID), sub.ID, sub.TenantID, sub.DisplayName, sub.State,
			toNanos(created)); err != nil {
			return fmt.Errorf("subscription %s: %w", sub.ID, err)
		}
	}
	for _, g := range doc.ResourceGroups {
		created, err := parseTime("resource group "+g.Name, g.Created)
		if err != nil {
			return err
		}
		var tags any
		if len(g.Tags) > 0 {
			b, _ := json.Marshal(g.Tags)
			tags = string(b)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO resource_groups (sub_key, name_key, `+groupColumns+`)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, lower(g.SubscriptionID), lower(g.Name), g.SubscriptionID, g.Name,
			g.Location, tags, g.ManagedBy, toNanos(created)); err != nil {
			return fmt.Errorf("resource group %s: %w", g.Name, err)
		}
	}
	for _, r := range doc.Resources {
		if err := checkText(&Resource{ID: r.ID, SubscriptionID: r.SubscriptionID, ResourceGroup: r.ResourceGroup,
			Type: r.Type, Name: r.Name, Location: r.Location, Parent: r.Parent, APIVersion: r.APIVersion,
			Deployment: r.Deployment, ETag: r.ETag}); err != nil {
			return err
		}
		created, err := parseTime("resource "+r.ID, r.Created)
		if err != nil {
			return err
		}
		updated, err := parseTime("resource "+r.ID, r.Updated)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO resources (`+resourceInsertColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			lower(r.ID), r.ID, lower(r.SubscriptionID), lower(r.ResourceGroup), lower(r.Type), lower(r.Parent),
			r.SubscriptionID, r.ResourceGroup, r.Type, r.Name, r.Location, r.Parent, compactJSON(r.Body), compactJSON(r.Request),
			r.APIVersion, r.Deployment, r.ETag, toNanos(created), toNanos(updated)); err != nil {
			return fmt.Errorf("resource %s: %w", r.ID, err)
		}
	}
	for _, d := range doc.Deployments {
		if err := insertDeployment(ctx, tx, &d); err != nil {
			return fmt.Errorf("deployment %s: %w", d.Name, err)
		}
	}
	for _, a := range doc.RoleAssignments {
		created, err := parseTime("role assignment "+a.ID, a.Created)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO role_assignments (key, id, scope_key, scope, principal_id,
			role_definition_id, created) VALUES (?, ?, ?, ?, ?, ?, ?)`, lower(a.ID), a.ID, scopeKey(a.Scope), a.Scope,
			a.PrincipalID, a.RoleDefinitionID, toNanos(created)); err != nil {
			return fmt.Errorf("role assignment %s: %w", a.ID, err)
		}
	}
	return nil
}

func nullIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// deploymentRow is an exported deployment as the values of the columns
// sub_key, group_key, name_key, cancel_requested and deploymentWriteColumns, in
// that order, for either store's import.
func deploymentRow(d *exportDeployment) ([]any, error) {
	started, err := parseTime("started", d.Started)
	if err != nil {
		return nil, err
	}
	finished, err := parseTime("finished", d.Finished)
	if err != nil {
		return nil, err
	}
	var outRes any
	if d.OutputResources != nil {
		b, _ := json.Marshal(d.OutputResources)
		outRes = string(b)
	}
	scope := Scope{ManagementGroup: d.ManagementGroup, SubscriptionID: d.SubscriptionID, ResourceGroup: d.ResourceGroup}
	if err := scope.Validate(); err != nil {
		return nil, err
	}
	sub, rg := scope.key()
	return []any{sub, rg, lower(d.Name), d.CancelRequested && d.Status == StatusRunning, d.SubscriptionID, d.ResourceGroup, d.Name,
		scope.Level(), d.TemplateHash, compactJSON(d.Parameters), d.Mode, d.Status, compactJSON(d.Outputs), outRes,
		compactJSON(d.Error), d.CorrelationID, toNanos(started), toNanos(finished), d.TemplateName,
		d.ManagementGroup, d.Location}, nil
}

// operationRows are an exported deployment's operations as the values of
// the operations table's columns, the deployment's seq first.
func operationRows(seq int64, d *exportDeployment) ([][]any, error) {
	var rows [][]any
	for _, op := range d.Operations {
		opStarted, err := parseTime(fmt.Sprintf("operation %d", op.Sequence), op.Started)
		if err != nil {
			return nil, err
		}
		dur, err := time.ParseDuration(op.Duration)
		if err != nil {
			return nil, fmt.Errorf("operation %d: duration: %w", op.Sequence, err)
		}
		rows = append(rows, []any{seq, int64(op.Sequence), op.OperationID, op.ResourceID,
			op.ResourceType, op.ProvisioningOperation, op.Status, toNanos(opStarted), int64(dur), compactJSON(op.Error)})
	}
	return rows, nil
}

func insertDeployment(ctx context.Context, tx *sql.Tx, d *exportDeployment) error {
	row, err := deploymentRow(d)
	if err != nil {
		return err
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO deployments (sub_key, group_key, name_key, cancel_requested, `+deploymentWriteColumns+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, row...)
	if err != nil {
		return err
	}
	seq, err := res.LastInsertId()
	if err != nil {
		return err
	}
	if err := putTemplate(ctx, tx, seq, nullIfEmpty(d.Template)); err != nil {
		return err
	}
	ops, err := operationRows(seq, d)
	if err != nil {
		return err
	}
	for _, op := range ops {
		if _, err := tx.ExecContext(ctx, `INSERT INTO operations (deployment, sequence, operation_id, resource_id,
			resource_type, provisioning_operation, status, started, duration, error)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, op...); err != nil {
			return fmt.Errorf("operation %d: %w", op[1], err)
		}
	}
	return nil
}

// newerError is a refusal of something a newer armdeploy wrote, with its
// own wording; errors.Is(err, ErrNewerSchema) holds.
type newerError struct{ msg string }

func (e *newerError) Error() string { return e.msg }
func (e *newerError) Unwrap() error { return ErrNewerSchema }
