package state

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
)

const groupColumns = `subscription_id, name, location, tags, managed_by, created`

func scanGroup(row rowScanner) (*ResourceGroup, error) {
	var g ResourceGroup
	var tags sql.NullString
	var created int64
	if err := row.Scan(&g.SubscriptionID, &g.Name, &g.Location, &tags, &g.ManagedBy, &created); err != nil {
		return nil, err
	}
	if tags.Valid {
		if err := json.Unmarshal([]byte(tags.String), &g.Tags); err != nil {
			return nil, fmt.Errorf("resource group %s: tags: %w", g.Name, err)
		}
	}
	g.Created = fromNanos(created)
	return &g, nil
}

func groupNotFound(subscription, name string) error {
	return fmt.Errorf("resource group %s in subscription %s: %w", name, subscription, ErrNotFound)
}

// Group returns the group name (case-insensitive) of subscription, or an
// error wrapping [ErrNotFound].
func (s *SQLiteStore) Group(ctx context.Context, subscription, name string) (*ResourceGroup, error) {
	var g *ResourceGroup
	err := s.read(ctx, func(tx *sql.Tx) error {
		var err error
		g, err = scanGroup(tx.QueryRowContext(ctx, `SELECT `+groupColumns+` FROM resource_groups
			WHERE sub_key = ? AND name_key = ?`, lower(subscription), lower(name)))
		return err
	})
	if errors.Is(err, sql.ErrNoRows) {
		return nil, groupNotFound(subscription, name)
	}
	return g, err
}

// Groups lists the groups of subscription sorted by lower-cased name;
// subscription "" lists every subscription's, sorted by subscription then
// name.
func (s *SQLiteStore) Groups(ctx context.Context, subscription string) ([]*ResourceGroup, error) {
	q := `SELECT ` + groupColumns + ` FROM resource_groups`
	var args []any
	if subscription != "" {
		q += ` WHERE sub_key = ?`
		args = append(args, lower(subscription))
	}
	q += ` ORDER BY sub_key, name_key`
	return readAll(ctx, s, scanGroup, q, args...)
}

// PutGroup creates or replaces a group. A zero Created keeps the stored
// creation time (or now for a new group). The group's subscription is
// recorded, created when the group was, if the store does not know it yet.
func (s *SQLiteStore) PutGroup(ctx context.Context, g *ResourceGroup) error {
	now := s.now()
	tags, created, keepCreated, err := g.putPrelude(now)
	if err != nil {
		return err
	}
	err = s.write(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO resource_groups (sub_key, name_key, `+groupColumns+`)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (sub_key, name_key) DO UPDATE SET subscription_id = excluded.subscription_id,
				name = excluded.name, location = excluded.location, tags = excluded.tags,
				managed_by = excluded.managed_by,
				created = CASE WHEN ? THEN resource_groups.created ELSE excluded.created END`,
			lower(g.SubscriptionID), lower(g.Name), g.SubscriptionID, g.Name, g.Location, tags, g.ManagedBy,
			toNanos(created), keepCreated); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO subscriptions (key, id, tenant_id, display_name, state, created)
			VALUES (?, ?, '', '', 'Enabled', ?) ON CONFLICT (key) DO NOTHING`,
			lower(g.SubscriptionID), g.SubscriptionID, toNanos(created))
		return err
	})
	if err != nil {
		return fmt.Errorf("put resource group %s: %w", g.Name, err)
	}
	return nil
}

// DeleteGroup deletes a group with its resources, its deployments and
// their operations, and the role assignments at or below its scope. A
// missing group is an error wrapping [ErrNotFound].
func (s *SQLiteStore) DeleteGroup(ctx context.Context, subscription, name string) error {
	sub, rg := lower(subscription), lower(name)
	return s.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM resource_groups WHERE sub_key = ? AND name_key = ?`, sub, rg)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return groupNotFound(subscription, name)
		}
		scope := "/subscriptions/" + sub + "/resourcegroups/" + rg
		for _, q := range []string{
			`DELETE FROM resources WHERE sub_key = ? AND group_key = ?`,
			`DELETE FROM deployments WHERE sub_key = ? AND group_key = ?`,
		} {
			if _, err := tx.ExecContext(ctx, q, sub, rg); err != nil {
				return err
			}
		}
		_, err = tx.ExecContext(ctx, `DELETE FROM role_assignments
			WHERE scope_key = ? OR (scope_key > ? AND scope_key < ?)`, scope, scope+"/", scope+"0")
		return err
	})
}

// PutTenant records a tenant. A zero Created keeps the stored time (or now).
func (s *SQLiteStore) PutTenant(ctx context.Context, t *Tenant) error {
	if t.ID == "" {
		return errors.New("put tenant: no id")
	}
	keep, created := t.Created.IsZero(), t.Created
	if keep {
		created = s.now()
	}
	return s.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO tenants (key, id, display_name, created) VALUES (?, ?, ?, ?)
			ON CONFLICT (key) DO UPDATE SET id = excluded.id, display_name = excluded.display_name,
				created = CASE WHEN ? THEN tenants.created ELSE excluded.created END`,
			lower(t.ID), t.ID, t.DisplayName, toNanos(created), keep)
		return err
	})
}

// Tenants lists the tenants sorted by lower-cased id.
func (s *SQLiteStore) Tenants(ctx context.Context) ([]*Tenant, error) {
	var out []*Tenant
	err := s.read(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT id, display_name, created FROM tenants ORDER BY key`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var t Tenant
			var created int64
			if err := rows.Scan(&t.ID, &t.DisplayName, &created); err != nil {
				return err
			}
			t.Created = fromNanos(created)
			out = append(out, &t)
		}
		return rows.Err()
	})
	return out, err
}

// PutSubscription records a subscription, and its tenant when the store
// does not know it. An empty State means Enabled; a zero Created keeps the
// stored time (or now).
func (s *SQLiteStore) PutSubscription(ctx context.Context, sub *Subscription) error {
	if sub.ID == "" {
		return errors.New("put subscription: no id")
	}
	state := sub.State
	if state == "" {
		state = "Enabled"
	}
	now := s.now()
	keep, created := sub.Created.IsZero(), sub.Created
	if keep {
		created = now
	}
	return s.write(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO subscriptions (key, id, tenant_id, display_name, state, created)
			VALUES (?, ?, ?, ?, ?, ?)
			ON CONFLICT (key) DO UPDATE SET id = excluded.id, tenant_id = excluded.tenant_id,
				display_name = excluded.display_name, state = excluded.state,
				created = CASE WHEN ? THEN subscriptions.created ELSE excluded.created END`,
			lower(sub.ID), sub.ID, sub.TenantID, sub.DisplayName, state, toNanos(created), keep); err != nil {
			return err
		}
		if sub.TenantID == "" {
			return nil
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO tenants (key, id, display_name, created) VALUES (?, ?, '', ?)
			ON CONFLICT (key) DO NOTHING`, lower(sub.TenantID), sub.TenantID, toNanos(now))
		return err
	})
}

const subscriptionColumns = `id, tenant_id, display_name, state, created`

func scanSubscription(row rowScanner) (*Subscription, error) {
	var sub Subscription
	var created int64
	if err := row.Scan(&sub.ID, &sub.TenantID, &sub.DisplayName, &sub.State, &created); err != nil {
		return nil, err
	}
	sub.Created = fromNanos(created)
	return &sub, nil
}

// Subscription returns one subscription, or an error wrapping
// [ErrNotFound].
func (s *SQLiteStore) Subscription(ctx context.Context, id string) (*Subscription, error) {
	var sub *Subscription
	err := s.read(ctx, func(tx *sql.Tx) error {
		var err error
		sub, err = scanSubscription(tx.QueryRowContext(ctx,
			`SELECT `+subscriptionColumns+` FROM subscriptions WHERE key = ?`, lower(id)))
		return err
	})
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("subscription %s: %w", id, ErrNotFound)
	}
	return sub, err
}

// Subscriptions lists the subscriptions sorted by lower-cased id.
func (s *SQLiteStore) Subscriptions(ctx context.Context) ([]*Subscription, error) {
	return readAll(ctx, s, scanSubscription, `SELECT `+subscriptionColumns+` FROM subscriptions ORDER BY key`)
}
