package state

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
)

// pgResourceColumns selects a resource row column by column (the binary
// protocol makes that cheap, unlike SQLite's, see resourceColumns).
const pgResourceColumns = `id, subscription_id, resource_group, type, name, location, parent,
	api_version, deployment, etag, created, updated, body, request`

func scanPGResource(row rowScanner) (*Resource, error) {
	var r Resource
	var created, updated int64
	var body, request *string
	if err := row.Scan(&r.ID, &r.SubscriptionID, &r.ResourceGroup, &r.Type, &r.Name, &r.Location, &r.Parent,
		&r.APIVersion, &r.Deployment, &r.ETag, &created, &updated, &body, &request); err != nil {
		return nil, err
	}
	r.Created, r.Updated = fromNanos(created), fromNanos(updated)
	if body != nil {
		r.Body = textJSON(*body)
	}
	if request != nil {
		r.Request = textJSON(*request)
	}
	return &r, nil
}

// Resource returns the resource with id (case-insensitive), or an error
// wrapping [ErrNotFound].
func (s *PostgresStore) Resource(ctx context.Context, id string) (*Resource, error) {
	var r *Resource
	err := s.retry(ctx, func() error {
		var err error
		r, err = scanPGResource(s.pool.QueryRow(ctx, `SELECT `+pgResourceColumns+` FROM resources WHERE key = $1`, lower(id)))
		return err
	})
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, fmt.Errorf("resource %s: %w", id, ErrNotFound)
	}
	return r, err
}

// Resources lists the resources f selects, sorted by lower-cased id.
func (s *PostgresStore) Resources(ctx context.Context, f ResourceFilter) ([]*Resource, error) {
	q, args := f.resourceQuery(pgResourceColumns, func(n int) string { return "$" + strconv.Itoa(n) })
	return pgReadAll(ctx, s, scanPGResource, q+` ORDER BY key`, args...)
}

// pgPutResource is the upsert of one resource; its 20 arguments are
// resourceArgs'.
const pgPutResource = `INSERT INTO resources (` + resourceInsertColumns + `)
	VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)
	ON CONFLICT (key) DO UPDATE SET id = excluded.id, sub_key = excluded.sub_key,
		group_key = excluded.group_key, type_key = excluded.type_key, parent_key = excluded.parent_key,
		subscription_id = excluded.subscription_id, resource_group = excluded.resource_group,
		type = excluded.type, name = excluded.name, location = excluded.location, parent = excluded.parent,
		body = excluded.body, request = excluded.request, api_version = excluded.api_version,
		deployment = excluded.deployment, etag = excluded.etag,
		created = CASE WHEN $20 THEN resources.created ELSE excluded.created END,
		updated = excluded.updated`

// resourceArgs checks a resource as PutResource does, fills what its id
// determines and the times, and returns the arguments of pgPutResource.
func resourceArgs(r *Resource, t time.Time) ([]any, error) {
	if r.ID == "" {
		return nil, errors.New("put resource: no id")
	}
	if err := checkText(r); err != nil {
		return nil, err
	}
	if err := checkJSON("put resource "+r.ID+": the body", r.Body); err != nil {
		return nil, err
	}
	if err := checkJSON("put resource "+r.ID+": the request", r.Request); err != nil {
		return nil, err
	}
	c := *r
	if p, err := ParseResourceID(r.ID); err == nil {
		fill(&c.SubscriptionID, p.SubscriptionID)
		fill(&c.ResourceGroup, p.ResourceGroup)
		fill(&c.Type, p.Type)
		fill(&c.Name, p.Name)
		fill(&c.Parent, p.Parent)
	}
	keepCreated := c.Created.IsZero()
	if keepCreated {
		c.Created = t
	}
	if c.Updated.IsZero() {
		c.Updated = t
	}
	return []any{lower(c.ID), c.ID, lower(c.SubscriptionID), lower(c.ResourceGroup), lower(c.Type), lower(c.Parent),
		c.SubscriptionID, c.ResourceGroup, c.Type, c.Name, c.Location, c.Parent,
		jsonArg(c.Body), jsonArg(c.Request), c.APIVersion, c.Deployment, c.ETag,
		toNanos(c.Created), toNanos(c.Updated), keepCreated}, nil
}

// PutResource creates or replaces a resource: one statement, so one
// transaction and one round trip. Fields left empty that the id determines
// are filled from it; a zero Created keeps the stored creation time (or
// now), a zero Updated means now.
func (s *PostgresStore) PutResource(ctx context.Context, r *Resource) error {
	args, err := resourceArgs(r, s.now())
	if err != nil {
		return err
	}
	if _, err := s.exec(ctx, pgPutResource, args...); err != nil {
		return fmt.Errorf("put resource %s: %w", r.ID, err)
	}
	return nil
}

// PutResources writes several resources in one transaction and one round
// trip (a batch of upserts): all of them or none. It is for callers that
// commit many resources at once, such as an import or a migration.
func (s *PostgresStore) PutResources(ctx context.Context, rs []*Resource) error {
	b := &pgx.Batch{}
	for _, r := range rs {
		args, err := resourceArgs(r, s.now())
		if err != nil {
			return err
		}
		b.Queue(pgPutResource, args...)
	}
	return s.write(ctx, func(tx pgx.Tx) error { return tx.SendBatch(ctx, b).Close() })
}

// DeleteResource deletes one resource; its children, if any, stay. A
// missing resource is an error wrapping [ErrNotFound].
func (s *PostgresStore) DeleteResource(ctx context.Context, id string) error {
	n, err := s.exec(ctx, `DELETE FROM resources WHERE key = $1`, lower(id))
	if err != nil {
		return fmt.Errorf("delete resource %s: %w", id, err)
	}
	if n == 0 {
		return fmt.Errorf("resource %s: %w", id, ErrNotFound)
	}
	return nil
}

// CountByLocation counts a subscription's resources of a type by location
// as stored.
func (s *PostgresStore) CountByLocation(ctx context.Context, subscription, resourceType string) (map[string]int, error) {
	rows, err := pgReadAll(ctx, s, scanLocationCount, fmt.Sprintf(countByLocation, "$1", "$2"), lower(resourceType), lower(subscription))
	if err != nil {
		return nil, fmt.Errorf("count resources of type %s: %w", resourceType, err)
	}
	return locationCounts(rows), nil
}

var _ LocationCounter = (*PostgresStore)(nil)
