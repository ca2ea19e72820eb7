package state

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// Group returns the group name (case-insensitive) of subscription, or an
// error wrapping [ErrNotFound].
func (s *PostgresStore) Group(ctx context.Context, subscription, name string) (*ResourceGroup, error) {
	var g *ResourceGroup
	err := s.retry(ctx, func() error {
		var err error
		g, err = scanGroup(s.pool.QueryRow(ctx, `SELECT `+groupColumns+` FROM resource_groups
			WHERE sub_key = $1 AND name_key = $2`, lower(subscription), lower(name)))
		return err
	})
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, groupNotFound(subscription, name)
	}
	return g, err
}

// Groups lists the groups of subscription ("" for every subscription's),
// sorted by subscription and lower-cased name.
func (s *PostgresStore) Groups(ctx context.Context, subscription string) ([]*ResourceGroup, error) {
	q := `SELECT ` + groupColumns + ` FROM resource_groups`
	var args []any
	if subscription != "" {
		q += ` WHERE sub_key = $1`
		args = append(args, lower(subscription))
	}
	q += ` ORDER BY sub_key, name_key`
	return pgReadAll(ctx, s, scanGroup, q, args...)
}

// PutGroup is [SQLiteStore.PutGroup]: creates or replaces a group, a zero
// Created keeping the stored time, and records its subscription.
func (s *PostgresStore) PutGroup(ctx context.Context, g *ResourceGroup) error {
	tags, created, keepCreated, err := g.putPrelude(s.now())
	if err != nil {
		return err
	}
	// One statement: the group and, if new, its subscription.
	_, err = s.exec(ctx, `WITH g AS (
			INSERT INTO resource_groups (sub_key, name_key, `+groupColumns+`)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
			ON CONFLICT (sub_key, name_key) DO UPDATE SET subscription_id = excluded.subscription_id,
				name = excluded.name, location = excluded.location, tags = excluded.tags,
				managed_by = excluded.managed_by,
				created = CASE WHEN $9 THEN resource_groups.created ELSE excluded.created END
			RETURNING 1)
		INSERT INTO subscriptions (key, id, tenant_id, display_name, state, created)
		VALUES ($1, $3, '', '', 'Enabled', $8) ON CONFLICT (key) DO NOTHING`,
		lower(g.SubscriptionID), lower(g.Name), g.SubscriptionID, g.Name, g.Location, tags, g.ManagedBy,
		toNanos(created), keepCreated)
	if err != nil {
		return fmt.Errorf("put resource group %s: %w", g.Name, err)
	}
	return nil
}

// DeleteGroup deletes a group with its resources, its deployments and
// their operations, and the role assignments at or below its scope. A
// missing group is an error wrapping [ErrNotFound].
func (s *PostgresStore) DeleteGroup(ctx context.Context, subscription, name string) error {
	sub, rg := lower(subscription), lower(name)
	return s.write(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `DELETE FROM resource_groups WHERE sub_key = $1 AND name_key = $2`, sub, rg)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return groupNotFound(subscription, name)
		}
		scope := "/subscriptions/" + sub + "/resourcegroups/" + rg
		b := &pgx.Batch{}
		b.Queue(`DELETE FROM resources WHERE sub_key = $1 AND group_key = $2`, sub, rg)
		b.Queue(`DELETE FROM deployments WHERE sub_key = $1 AND group_key = $2`, sub, rg)
		b.Queue(`DELETE FROM role_assignments
			WHERE scope_key = $1 OR (scope_key > $2 AND scope_key < $3)`, scope, scope+"/", scope+"0")
		return tx.SendBatch(ctx, b).Close()
	})
}

// PutTenant records a tenant. A zero Created keeps the stored time (or now).
func (s *PostgresStore) PutTenant(ctx context.Context, t *Tenant) error {
	if t.ID == "" {
		return errors.New("put tenant: no id")
	}
	keep, created := t.Created.IsZero(), t.Created
	if keep {
		created = s.now()
	}
	_, err := s.exec(ctx, `INSERT INTO tenants (key, id, display_name, created) VALUES ($1, $2, $3, $4)
		ON CONFLICT (key) DO UPDATE SET id = excluded.id, display_name = excluded.display_name,
			created = CASE WHEN $5 THEN tenants.created ELSE excluded.created END`,
		lower(t.ID), t.ID, t.DisplayName, toNanos(created), keep)
	return err
}

func scanTenant(row rowScanner) (*Tenant, error) {
	var t Tenant
	var created int64
	if err := row.Scan(&t.ID, &t.DisplayName, &created); err != nil {
		return nil, err
	}
	t.Created = fromNanos(created)
	return &t, nil
}

// Tenants lists the tenants sorted by lower-cased id.
func (s *PostgresStore) Tenants(ctx context.Context) ([]*Tenant, error) {
	return pgReadAll(ctx, s, scanTenant, `SELECT id, display_name, created FROM tenants ORDER BY key`)
}

// PutSubscription records a subscription, and its tenant when the store
// does not know it. An empty State means Enabled; a zero Created keeps the
// stored time (or now).
func (s *PostgresStore) PutSubscription(ctx context.Context, sub *Subscription) error {
	if sub.ID == "" {
		return errors.New("put subscription: no id")
	}
	st := sub.State
	if st == "" {
		st = "Enabled"
	}
	now := s.now()
	keep, created := sub.Created.IsZero(), sub.Created
	if keep {
		created = now
	}
	return s.write(ctx, func(tx pgx.Tx) error {
		b := &pgx.Batch{}
		b.Queue(`INSERT INTO subscriptions (key, id, tenant_id, display_name, state, created)
			VALUES ($1, $2, $3, $4, $5, $6)
			ON CONFLICT (key) DO UPDATE SET id = excluded.id, tenant_id = excluded.tenant_id,
				display_name = excluded.display_name, state = excluded.state,
				created = CASE WHEN $7 THEN subscriptions.created ELSE excluded.created END`,
			lower(sub.ID), sub.ID, sub.TenantID, sub.DisplayName, st, toNanos(created), keep)
		if sub.TenantID != "" {
			b.Queue(`INSERT INTO tenants (key, id, display_name, created) VALUES ($1, $2, '', $3)
				ON CONFLICT (key) DO NOTHING`, lower(sub.TenantID), sub.TenantID, toNanos(now))
		}
		return tx.SendBatch(ctx, b).Close()
	})
}

// Subscription returns one subscription, or an error wrapping
// [ErrNotFound].
func (s *PostgresStore) Subscription(ctx context.Context, id string) (*Subscription, error) {
	var sub *Subscription
	err := s.retry(ctx, func() error {
		var err error
		sub, err = scanSubscription(s.pool.QueryRow(ctx,
			`SELECT `+subscriptionColumns+` FROM subscriptions WHERE key = $1`, lower(id)))
		return err
	})
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, fmt.Errorf("subscription %s: %w", id, ErrNotFound)
	}
	return sub, err
}

// Subscriptions lists the subscriptions sorted by lower-cased id.
func (s *PostgresStore) Subscriptions(ctx context.Context) ([]*Subscription, error) {
	return pgReadAll(ctx, s, scanSubscription, `SELECT `+subscriptionColumns+` FROM subscriptions ORDER BY key`)
}
