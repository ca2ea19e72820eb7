package state

import (
	"context"
	"database/sql"
	"strings"
)

// scopeKey normalises a scope: lower-cased, without a trailing slash ("/"
// stays "/").
func scopeKey(scope string) string {
	k := strings.ToLower(scope)
	if len(k) > 1 {
		k = strings.TrimRight(k, "/")
	}
	return k
}

// ancestorScopes returns scope and every prefix of it that ends at a
// segment boundary, and the root "/": the scopes whose assignments apply
// at scope. Prefixes that are not real scopes (".../providers") match no
// assignment and do no harm.
func ancestorScopes(scope string) []string {
	k := scopeKey(scope)
	out := []string{"/"}
	for i := 1; i < len(k); i++ {
		if k[i] == '/' {
			out = append(out, k[:i])
		}
	}
	if k != "/" {
		out = append(out, k)
	}
	return out
}

// scopeOfAssignment returns the scope in a role assignment id
// ("{scope}/providers/Microsoft.Authorization/roleAssignments/{name}").
func scopeOfAssignment(id string) string {
	const marker = "/providers/microsoft.authorization/roleassignments/"
	if i := strings.LastIndex(strings.ToLower(id), marker); i >= 0 {
		if i == 0 {
			return "/"
		}
		return id[:i]
	}
	return ""
}

// RoleAssignments lists the assignments at scope and at every scope above
// it, sorted by lower-cased id.
func (s *SQLiteStore) RoleAssignments(ctx context.Context, scope string) ([]*RoleAssignment, error) {
	scopes := ancestorScopes(scope)
	args := make([]any, len(scopes))
	for i, sc := range scopes {
		args[i] = sc
	}
	q := `SELECT id, scope, principal_id, role_definition_id, created FROM role_assignments
		WHERE scope_key IN (?` + strings.Repeat(", ?", len(scopes)-1) + `) ORDER BY key`
	var out []*RoleAssignment
	err := s.read(ctx, func(tx *sql.Tx) error {
		var err error
		out, err = queryAssignments(ctx, tx, q, args...)
		return err
	})
	return out, err
}

func queryAssignments(ctx context.Context, tx *sql.Tx, q string, args ...any) ([]*RoleAssignment, error) {
	rows, err := tx.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*RoleAssignment
	for rows.Next() {
		var a RoleAssignment
		var created int64
		if err := rows.Scan(&a.ID, &a.Scope, &a.PrincipalID, &a.RoleDefinitionID, &created); err != nil {
			return nil, err
		}
		a.Created = fromNanos(created)
		out = append(out, &a)
	}
	return out, rows.Err()
}

// PutRoleAssignment creates or replaces an assignment. An empty Scope is
// taken from the id; a zero Created means now.
func (s *SQLiteStore) PutRoleAssignment(ctx context.Context, a *RoleAssignment) error {
	scope, created, err := a.putPrelude(s.now())
	if err != nil {
		return err
	}
	return s.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO role_assignments (key, id, scope_key, scope, principal_id,
				role_definition_id, created) VALUES (?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (key) DO UPDATE SET id = excluded.id, scope_key = excluded.scope_key, scope = excluded.scope,
				principal_id = excluded.principal_id, role_definition_id = excluded.role_definition_id,
				created = excluded.created`,
			lower(a.ID), a.ID, scopeKey(scope), scope, a.PrincipalID, a.RoleDefinitionID, toNanos(created))
		return err
	})
}

// DeleteRoleAssignment deletes an assignment by id; a missing one is an
// error wrapping [ErrNotFound].
func (s *SQLiteStore) DeleteRoleAssignment(ctx context.Context, id string) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM role_assignments WHERE key = ?`, lower(id))
		if err != nil {
			return err
		}
		return mustAffect(res, "role assignment "+id)
	})
}
