package state

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

func scanFeature(row rowScanner) (*FeatureRegistration, error) {
	var f FeatureRegistration
	var updated int64
	if err := row.Scan(&f.SubscriptionID, &f.Namespace, &f.Name, &f.State, &updated); err != nil {
		return nil, err
	}
	f.Updated = fromNanos(updated)
	return &f, nil
}

const featureColumns = `subscription_id, namespace, name, state, updated`

// PutFeature creates or replaces a feature's registration in its
// subscription.
func (s *SQLiteStore) PutFeature(ctx context.Context, f *FeatureRegistration) error {
	updated, err := f.putPrelude(s.now())
	if err != nil {
		return err
	}
	return s.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO features (key, sub_key, subscription_id, namespace, name, state, updated)
			VALUES (?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (key) DO UPDATE SET subscription_id = excluded.subscription_id, namespace = excluded.namespace,
				name = excluded.name, state = excluded.state, updated = excluded.updated`,
			f.key(), lower(f.SubscriptionID), f.SubscriptionID, f.Namespace, f.Name, f.State, toNanos(updated))
		return err
	})
}

// Feature returns a feature's registration in a subscription, or an error
// wrapping [ErrNotFound] when it was never registered there.
func (s *SQLiteStore) Feature(ctx context.Context, subscription, namespace, name string) (*FeatureRegistration, error) {
	k := (&FeatureRegistration{SubscriptionID: subscription, Namespace: namespace, Name: name}).key()
	var f *FeatureRegistration
	err := s.read(ctx, func(tx *sql.Tx) error {
		var err error
		f, err = scanFeature(tx.QueryRowContext(ctx, `SELECT `+featureColumns+` FROM features WHERE key = ?`, k))
		return err
	})
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("feature %s/%s: %w", namespace, name, ErrNotFound)
	}
	return f, err
}

// Features lists a subscription's registrations (every subscription's
// for "") sorted by subscription, namespace and name (lower-cased).
func (s *SQLiteStore) Features(ctx context.Context, subscription string) ([]*FeatureRegistration, error) {
	return readAll(ctx, s, scanFeature, `SELECT `+featureColumns+` FROM features WHERE ? = '' OR sub_key = ? ORDER BY key`,
		lower(subscription), lower(subscription))
}

func scanADGroup(row rowScanner) (*ADGroup, error) {
	var g ADGroup
	var created int64
	if err := row.Scan(&g.ObjectID, &g.TenantID, &g.DisplayName, &created); err != nil {
		return nil, err
	}
	g.Created = fromNanos(created)
	return &g, nil
}

const adGroupColumns = `object_id, tenant_id, display_name, created`

// CreateADGroup records a new group; a taken object id or name
// (case-insensitive) is an error wrapping [ErrExists].
func (s *SQLiteStore) CreateADGroup(ctx context.Context, g *ADGroup) error {
	created, err := g.putPrelude(s.now())
	if err != nil {
		return err
	}
	return s.write(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM ad_groups WHERE key = ? OR name_key = ?`,
			lower(g.ObjectID), lower(g.DisplayName)).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return fmt.Errorf("group %s: %w", g.DisplayName, ErrExists)
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO ad_groups (key, object_id, tenant_id, name_key, display_name, created)
			VALUES (?, ?, ?, ?, ?, ?)`, lower(g.ObjectID), g.ObjectID, g.TenantID, lower(g.DisplayName), g.DisplayName, toNanos(created))
		return err
	})
}

// ADGroups lists the groups sorted by lower-cased name.
func (s *SQLiteStore) ADGroups(ctx context.Context) ([]*ADGroup, error) {
	return readAll(ctx, s, scanADGroup, `SELECT `+adGroupColumns+` FROM ad_groups ORDER BY name_key`)
}

// AddGroupMember makes member (an object id) a member of group (an object
// id); a group that does not exist is an error wrapping [ErrNotFound].
// Adding a member twice is not an error.
func (s *SQLiteStore) AddGroupMember(ctx context.Context, group, member string) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM ad_groups WHERE key = ?`, lower(group)).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return fmt.Errorf("group %s: %w", group, ErrNotFound)
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO ad_group_members (group_key, member_key, member_id) VALUES (?, ?, ?)
			ON CONFLICT (group_key, member_key) DO NOTHING`, lower(group), lower(member), member)
		return err
	})
}

// RemoveGroupMember removes a member from a group (an error wrapping
// [ErrNotFound] when it is not one).
func (s *SQLiteStore) RemoveGroupMember(ctx context.Context, group, member string) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM ad_group_members WHERE group_key = ? AND member_key = ?`, lower(group), lower(member))
		if err != nil {
			return err
		}
		return mustAffect(res, "member "+member+" of group "+group)
	})
}

func scanString(row rowScanner) (string, error) {
	var s string
	err := row.Scan(&s)
	return s, err
}

// GroupMembers lists the object ids of a group's direct members, sorted.
func (s *SQLiteStore) GroupMembers(ctx context.Context, group string) ([]string, error) {
	return readAll(ctx, s, scanString, `SELECT member_id FROM ad_group_members WHERE group_key = ? ORDER BY member_key`, lower(group))
}

// MemberOf lists the object ids of the groups member belongs to
// directly, sorted.
func (s *SQLiteStore) MemberOf(ctx context.Context, member string) ([]string, error) {
	return readAll(ctx, s, scanString, `SELECT g.object_id FROM ad_group_members m JOIN ad_groups g ON g.key = m.group_key
		WHERE m.member_key = ? ORDER BY g.key`, lower(member))
}
