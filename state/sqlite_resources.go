package state

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// resourceColumns selects a resource row as one text value: its fields
// joined by NUL bytes, which neither JSON nor the validated text fields
// contain. Scanning a column costs several driver calls, each taking
// SQLite's connection mutex, and an allocation or two; one column joined
// by concat_ws (one function call, unlike a chain of ||) instead of
// fourteen makes listing a large group about twice as fast.
// scanResource splits it again.
const resourceColumns = `concat_ws(char(0), id, subscription_id, resource_group, type, name, location, parent,
	api_version, deployment, etag, created, updated, coalesce(body, ''), coalesce(request, ''))`

// resourceInsertColumns are the columns of resources that a row writes.
const resourceInsertColumns = `key, id, sub_key, group_key, type_key, parent_key,
	subscription_id, resource_group, type, name, location, parent, body, request, api_version,
	deployment, etag, created, updated`

func scanResource(row rowScanner) (*Resource, error) {
	var joined string
	if err := row.Scan(&joined); err != nil {
		return nil, err
	}
	var f [resourceFields]string
	for i := range f {
		v, rest, ok := strings.Cut(joined, "\x00")
		if !ok && i < len(f)-1 {
			return nil, fmt.Errorf("resource row %q: %d fields, want %d", joined, i+1, len(f))
		}
		f[i], joined = v, rest
	}
	created, err1 := strconv.ParseInt(f[10], 10, 64)
	updated, err2 := strconv.ParseInt(f[11], 10, 64)
	if err := errors.Join(err1, err2); err != nil {
		return nil, fmt.Errorf("resource %s: %w", f[0], err)
	}
	return &Resource{ID: f[0], SubscriptionID: f[1], ResourceGroup: f[2], Type: f[3], Name: f[4], Location: f[5],
		Parent: f[6], APIVersion: f[7], Deployment: f[8], ETag: f[9],
		Created: fromNanos(created), Updated: fromNanos(updated),
		Body: textJSON(f[12]), Request: textJSON(f[13])}, nil
}

// resourceFields is the number of fields resourceColumns joins.
const resourceFields = 14

// textJSON returns a JSON column read as text: nil for none.
func textJSON(s string) json.RawMessage {
	if s == "" {
		return nil
	}
	return json.RawMessage(s)
}

// checkText rejects NUL bytes in a resource's text fields: the store
// joins them with NUL when it reads (see resourceColumns).
func checkText(r *Resource) error {
	for _, v := range []string{r.ID, r.SubscriptionID, r.ResourceGroup, r.Type, r.Name, r.Location, r.Parent,
		r.APIVersion, r.Deployment, r.ETag} {
		if strings.IndexByte(v, 0) >= 0 {
			return fmt.Errorf("put resource %q: a field contains a NUL byte", r.ID)
		}
	}
	return nil
}

// Resource returns the resource with id (case-insensitive), or an error
// wrapping [ErrNotFound].
func (s *SQLiteStore) Resource(ctx context.Context, id string) (*Resource, error) {
	r, err := scanResource(s.queryRowOnce(ctx, `SELECT `+resourceColumns+` FROM resources WHERE key = ?`, lower(id)))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("resource %s: %w", id, ErrNotFound)
	}
	return r, err
}

// Resources lists the resources f selects, sorted by lower-cased id.
func (s *SQLiteStore) Resources(ctx context.Context, f ResourceFilter) ([]*Resource, error) {
	q, args := f.resourceQuery(resourceColumns, func(int) string { return "?" })
	rs, err := readAll(ctx, s, scanResource, q, args...)
	if err != nil {
		return nil, err
	}
	sortByKey(rs)
	return rs, nil
}

// sortByKey sorts rs by lower-cased id, the order of the key column. The
// indexes a filter selects by end with the row id (migration 9), so
// SQLite would sort with ORDER BY key, copying every row (a few KB each)
// into its sorter; sorting the scanned rows here is several times cheaper.
func sortByKey(rs []*Resource) {
	keys := make([]string, len(rs))
	for i, r := range rs {
		keys[i] = lower(r.ID)
	}
	sort.Sort(byKey{keys, rs})
}

// byKey sorts resources and their keys together.
type byKey struct {
	keys []string
	rs   []*Resource
}

func (b byKey) Len() int           { return len(b.rs) }
func (b byKey) Less(i, j int) bool { return b.keys[i] < b.keys[j] }
func (b byKey) Swap(i, j int) {
	b.keys[i], b.keys[j] = b.keys[j], b.keys[i]
	b.rs[i], b.rs[j] = b.rs[j], b.rs[i]
}

// PutResource creates or replaces a resource in one transaction. Fields
// left empty that the id determines (subscription, group, type, name,
// parent) are filled from it. A zero Created keeps the stored creation
// time (or now for a new resource); a zero Updated means now. Body and
// Request must be valid JSON when set.
func (s *SQLiteStore) PutResource(ctx context.Context, r *Resource) error {
	return s.putResource(ctx, r, "", nil)
}

// PutResourceIf is PutResource only when the stored resource is as read
// (see [ConditionalPutter]): one statement, whose update does nothing
// when the row it meets is not the one read.
func (s *SQLiteStore) PutResourceIf(ctx context.Context, r *Resource, read *Resource) error {
	if read == nil {
		return s.putResource(ctx, r, " WHERE 0", nil)
	}
	return s.putResource(ctx, r, " WHERE resources.etag = ? AND resources.updated = ?", []any{read.ETag, toNanos(read.Updated)})
}

// putResource upserts r; where, when set, is the condition (with its
// arguments) on the row it would replace: a row that fails it stays,
// and the put fails with ErrPreconditionFailed.
func (s *SQLiteStore) putResource(ctx context.Context, r *Resource, where string, whereArgs []any) error {
	if r.ID == "" {
		return errors.New("put resource: no id")
	}
	if err := checkText(r); err != nil {
		return err
	}
	if err := checkJSON("put resource "+r.ID+": the body", r.Body); err != nil {
		return err
	}
	if err := checkJSON("put resource "+r.ID+": the request", r.Request); err != nil {
		return err
	}
	c := *r
	if p, err := ParseResourceID(r.ID); err == nil {
		fill(&c.SubscriptionID, p.SubscriptionID)
		fill(&c.ResourceGroup, p.ResourceGroup)
		fill(&c.Type, p.Type)
		fill(&c.Name, p.Name)
		fill(&c.Parent, p.Parent)
	}
	now := s.now()
	keepCreated := c.Created.IsZero()
	if keepCreated {
		c.Created = now
	}
	if c.Updated.IsZero() {
		c.Updated = now
	}
	err := s.writeStatement(ctx, func(tx *sql.Tx) error {
		res, err := s.exec(ctx, tx, `INSERT INTO resources (`+resourceInsertColumns+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (key) DO UPDATE SET id = excluded.id, sub_key = excluded.sub_key,
			group_key = excluded.group_key, type_key = excluded.type_key, parent_key = excluded.parent_key,
			subscription_id = excluded.subscription_id, resource_group = excluded.resource_group,
			type = excluded.type, name = excluded.name, location = excluded.location, parent = excluded.parent,
			body = excluded.body, request = excluded.request, api_version = excluded.api_version,
			deployment = excluded.deployment, etag = excluded.etag,
			created = CASE WHEN ? THEN resources.created ELSE excluded.created END,
			updated = excluded.updated`+where,
			append([]any{lower(c.ID), c.ID, lower(c.SubscriptionID), lower(c.ResourceGroup), lower(c.Type), lower(c.Parent),
				c.SubscriptionID, c.ResourceGroup, c.Type, c.Name, c.Location, c.Parent,
				jsonArg(c.Body), jsonArg(c.Request), c.APIVersion, c.Deployment, c.ETag,
				toNanos(c.Created), toNanos(c.Updated), keepCreated}, whereArgs...)...)
		if err != nil || where == "" {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return ErrPreconditionFailed
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("put resource %s: %w", r.ID, err)
	}
	return nil
}

func fill(dst *string, v string) {
	if *dst == "" {
		*dst = v
	}
}

// DeleteResource deletes one resource; its children, if any, stay (the
// planner deletes children first, and providers refuse to delete a parent
// that has them). A missing resource is an error wrapping [ErrNotFound].
func (s *SQLiteStore) DeleteResource(ctx context.Context, id string) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM resources WHERE key = ?`, lower(id))
		if err != nil {
			return fmt.Errorf("delete resource %s: %w", id, err)
		}
		return mustAffect(res, "resource "+id)
	})
}

// mustAffect turns "no row changed" into an error wrapping ErrNotFound.
func mustAffect(res sql.Result, what string) error {
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return fmt.Errorf("%s: %w", what, ErrNotFound)
	}
	return nil
}

// countByLocation is the query of CountByLocation, answered from the
// resources_by_type_location index alone.
const countByLocation = `SELECT location, count(*) FROM resources WHERE type_key = %s AND sub_key = %s GROUP BY location ORDER BY location`

// locationCount is one row of countByLocation.
type locationCount struct {
	location string
	n        int
}

func scanLocationCount(row rowScanner) (locationCount, error) {
	var c locationCount
	err := row.Scan(&c.location, &c.n)
	return c, err
}

func locationCounts(rows []locationCount) map[string]int {
	out := make(map[string]int, len(rows))
	for _, r := range rows {
		out[r.location] += r.n
	}
	return out
}

// CountByLocation counts a subscription's resources of a type by location
// as stored.
func (s *SQLiteStore) CountByLocation(ctx context.Context, subscription, resourceType string) (map[string]int, error) {
	rows, err := readAll(ctx, s, scanLocationCount, fmt.Sprintf(countByLocation, "?", "?"), lower(resourceType), lower(subscription))
	if err != nil {
		return nil, fmt.Errorf("count resources of type %s: %w", resourceType, err)
	}
	return locationCounts(rows), nil
}

var _ LocationCounter = (*SQLiteStore)(nil)
