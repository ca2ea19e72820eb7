package state

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
)

// The checks and derived values every store applies before it writes, so
// that SQLite and PostgreSQL refuse and store exactly the same things.

// putPrelude checks a deployment about to be written and returns its
// output resources as the JSON text the stores keep (nil for none).
func (d *Deployment) putPrelude() (outRes any, err error) {
	if d.Name == "" {
		return nil, errors.New("put deployment: the name is required")
	}
	if err := scopeError("put deployment "+d.Name, d.Scope()); err != nil {
		return nil, err
	}
	for _, c := range []struct {
		what string
		m    json.RawMessage
	}{{"parameters", d.Parameters}, {"outputs", d.Outputs}, {"error", d.Error}} {
		if err := checkJSON("put deployment "+d.Name+": the "+c.what, c.m); err != nil {
			return nil, err
		}
	}
	if d.OutputResources == nil {
		return nil, nil
	}
	b, err := json.Marshal(d.OutputResources)
	if err != nil {
		return nil, err
	}
	return string(b), nil
}

// putPrelude checks a group about to be written and returns its tags as
// the JSON text the stores keep (nil for none) and its creation time: now
// for a zero Created, which keepCreated reports (a stored group keeps its
// own).
func (g *ResourceGroup) putPrelude(now time.Time) (tags any, created time.Time, keepCreated bool, err error) {
	if g.SubscriptionID == "" || g.Name == "" {
		return nil, created, false, errors.New("put resource group: the subscription and the name are required")
	}
	if len(g.Tags) > 0 {
		b, err := json.Marshal(g.Tags)
		if err != nil {
			return nil, created, false, err
		}
		tags = string(b)
	}
	created, keepCreated = g.Created, g.Created.IsZero()
	if keepCreated {
		created = now
	}
	return tags, created, keepCreated, nil
}

// putPrelude checks a role assignment about to be written and returns its
// scope (from the id when Scope is empty) and creation time (now when
// zero).
func (a *RoleAssignment) putPrelude(now time.Time) (scope string, created time.Time, err error) {
	if a.ID == "" {
		return "", created, errors.New("put role assignment: no id")
	}
	if scope = a.Scope; scope == "" {
		scope = scopeOfAssignment(a.ID)
	}
	if scope == "" {
		return "", created, fmt.Errorf("put role assignment %s: no scope", a.ID)
	}
	if created = a.Created; created.IsZero() {
		created = now
	}
	return scope, created, nil
}

// putTimes checks an async operation about to be written and returns its
// creation and update times (a zero Updated is now; a zero Created is
// Updated).
func (op *AsyncOperation) putTimes(now time.Time) (created, updated time.Time, err error) {
	if op.ID == "" || strings.TrimSpace(op.Status) == "" {
		return created, updated, errors.New("put async operation: the id and the status are required")
	}
	if err := checkJSON("async operation result", op.Result); err != nil {
		return created, updated, err
	}
	if err := checkJSON("async operation error", op.Error); err != nil {
		return created, updated, err
	}
	updated = op.Updated
	if updated.IsZero() {
		updated = now
	}
	created = op.Created
	if created.IsZero() {
		created = updated
	}
	return created, updated, nil
}

// resourceQuery is the SELECT of the resources f selects, in no order,
// with placeholder(n) as the n-th argument's marker (? or $n).
func (f ResourceFilter) resourceQuery(columns string, placeholder func(n int) string) (string, []any) {
	var where []string
	var args []any
	for _, c := range []struct{ col, v string }{
		{"sub_key", f.SubscriptionID}, {"group_key", f.ResourceGroup},
		{"type_key", f.Type}, {"parent_key", f.Parent},
	} {
		if c.v != "" {
			args = append(args, lower(c.v))
			where = append(where, c.col+" = "+placeholder(len(args)))
		}
	}
	if len(f.IDs) > 0 {
		var in []string
		for _, id := range f.IDs {
			args = append(args, lower(id))
			in = append(in, placeholder(len(args)))
		}
		where = append(where, "key IN ("+strings.Join(in, ", ")+")")
	}
	q := `SELECT ` + columns + ` FROM resources`
	if len(where) > 0 {
		q += ` WHERE ` + strings.Join(where, " AND ")
	}
	return q, args
}
