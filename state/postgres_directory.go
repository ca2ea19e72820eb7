package state

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// PutFeature creates or replaces a feature's registration in its
// subscription.
func (s *PostgresStore) PutFeature(ctx context.Context, f *FeatureRegistration) error {
	updated, err := f.putPrelude(s.now())
	if err != nil {
		return err
	}
	_, err = s.exec(ctx, `INSERT INTO features (key, sub_key, subscription_id, namespace, name, state, updated)
		VALUES ($1, $2, $3, $4, $5, $6, $7)
		ON CONFLICT (key) DO UPDATE SET subscription_id = excluded.subscription_id, namespace = excluded.namespace,
			name = excluded.name, state = excluded.state, updated = excluded.updated`,
		f.key(), lower(f.SubscriptionID), f.SubscriptionID, f.Namespace, f.Name, f.State, toNanos(updated))
	return err
}

// Feature returns a feature's registration in a subscription, or an error
// wrapping [ErrNotFound].
func (s *PostgresStore) Feature(ctx context.Context, subscription, namespace, name string) (*FeatureRegistration, error) {
	k := (&FeatureRegistration{SubscriptionID: subscription, Namespace: namespace, Name: name}).key()
	var f *FeatureRegistration
	err := s.retry(ctx, func() error {
		var err error
		f, err = scanFeature(s.pool.QueryRow(ctx, `SELECT `+featureColumns+` FROM features WHERE key = $1`, k))
		return err
	})
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, fmt.Errorf("feature %s/%s: %w", namespace, name, ErrNotFound)
	}
	return f, err
}

// Features lists a subscription's registrations (every subscription's
// for "") sorted by subscription, namespace and name.
func (s *PostgresStore) Features(ctx context.Context, subscription string) ([]*FeatureRegistration, error) {
	return pgReadAll(ctx, s, scanFeature, `SELECT `+featureColumns+` FROM features WHERE $1 = '' OR sub_key = $1 ORDER BY key`, lower(subscription))
}

// CreateADGroup records a new group; a taken object id or name is an
// error wrapping [ErrExists].
func (s *PostgresStore) CreateADGroup(ctx context.Context, g *ADGroup) error {
	created, err := g.putPrelude(s.now())
	if err != nil {
		return err
	}
	_, err = s.exec(ctx, `INSERT INTO ad_groups (key, object_id, tenant_id, name_key, display_name, created)
		VALUES ($1, $2, $3, $4, $5, $6)`, lower(g.ObjectID), g.ObjectID, g.TenantID, lower(g.DisplayName), g.DisplayName, toNanos(created))
	if isUniqueViolation(err) {
		return fmt.Errorf("group %s: %w", g.DisplayName, ErrExists)
	}
	return err
}

// ADGroups lists the groups sorted by lower-cased name.
func (s *PostgresStore) ADGroups(ctx context.Context) ([]*ADGroup, error) {
	return pgReadAll(ctx, s, scanADGroup, `SELECT `+adGroupColumns+` FROM ad_groups ORDER BY name_key`)
}

// AddGroupMember makes member a member of group (an error wrapping
// [ErrNotFound] when the group does not exist).
func (s *PostgresStore) AddGroupMember(ctx context.Context, group, member string) error {
	n, err := s.exec(ctx, `INSERT INTO ad_group_members (group_key, member_key, member_id)
		SELECT key, $2, $3 FROM ad_groups WHERE key = $1
		ON CONFLICT (group_key, member_key) DO NOTHING`, lower(group), lower(member), member)
	if err != nil {
		return err
	}
	if n == 0 {
		var exists bool
		if err := s.retry(ctx, func() error {
			return s.pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM ad_groups WHERE key = $1)`, lower(group)).Scan(&exists)
		}); err != nil {
			return err
		}
		if !exists {
			return fmt.Errorf("group %s: %w", group, ErrNotFound)
		}
	}
	return nil
}

// RemoveGroupMember removes a member from a group.
func (s *PostgresStore) RemoveGroupMember(ctx context.Context, group, member string) error {
	n, err := s.exec(ctx, `DELETE FROM ad_group_members WHERE group_key = $1 AND member_key = $2`, lower(group), lower(member))
	if err != nil {
		return err
	}
	if n == 0 {
		return fmt.Errorf("member %s of group %s: %w", member, group, ErrNotFound)
	}
	return nil
}

// GroupMembers lists the object ids of a group's direct members, sorted.
func (s *PostgresStore) GroupMembers(ctx context.Context, group string) ([]string, error) {
	return pgReadAll(ctx, s, scanString, `SELECT member_id FROM ad_group_members WHERE group_key = $1 ORDER BY member_key`, lower(group))
}

// MemberOf lists the object ids of the groups member belongs to
// directly, sorted.
func (s *PostgresStore) MemberOf(ctx context.Context, member string) ([]string, error) {
	return pgReadAll(ctx, s, scanString, `SELECT g.object_id FROM ad_group_members m JOIN ad_groups g ON g.key = m.group_key
		WHERE m.member_key = $1 ORDER BY g.key`, lower(member))
}
