package planner

import (
	"github.com/armdeploy/armdeploy/evaluator"
)

// Diff is the delta of a change from before to after: diff at the root.
func Diff(before, after evaluator.Value) []PropertyChange { return diff("", before, after) }

// diff compares two payloads as ARM's what-if does and returns the changed
// properties with dotted paths ("properties.osProfile.computerName"). Object
// keys match case-insensitively. Arrays are aligned as Azure aligns them
// (see arrayDiff): inserted and removed elements are a Create or a Delete
// at their index, an object element that changed in place a Modify with
// its own children. A value still unknown is NoEffect.
func diff(path string, before, after evaluator.Value) []PropertyChange {
	if u, ok := after.AsUnknown(); ok {
		if b, ok := before.AsUnknown(); ok && b.Expr == u.Expr {
			return nil
		}
		return []PropertyChange{prop(path, PropNoEffect, before, after)}
	}
	if evaluator.Equal(before, after) {
		return nil
	}
	bo, bIsObj := before.AsObject()
	ao, aIsObj := after.AsObject()
	if bIsObj && aIsObj {
		var out []PropertyChange
		for i := range bo.Len() {
			k := bo.KeyAt(i)
			av, ok := ao.Get(k)
			if !ok {
				out = append(out, leaves(JoinPath(path, k), PropDelete, bo.ValueAt(i))...)
				continue
			}
			out = append(out, diff(JoinPath(path, k), bo.ValueAt(i), av)...)
		}
		for i := range ao.Len() {
			k := ao.KeyAt(i)
			if !bo.Has(k) {
				out = append(out, leaves(JoinPath(path, k), PropCreate, ao.ValueAt(i))...)
			}
		}
		return out
	}
	ba, bIsArr := before.AsArray()
	aa, aIsArr := after.AsArray()
	if bIsArr && aIsArr {
		pc := PropertyChange{Path: path, PropertyChangeType: PropArray, Children: arrayDiff(ba, aa)}
		if len(pc.Children) == 0 {
			return nil
		}
		if !changes(pc.Children) {
			// Only unknown elements: the array as a whole may or may not
			// change; show it with its expressions.
			return []PropertyChange{prop(path, PropNoEffect, before, after)}
		}
		return []PropertyChange{pc}
	}
	switch {
	case before.IsNull():
		return []PropertyChange{prop(path, PropCreate, before, after)}
	case after.IsNull():
		return []PropertyChange{prop(path, PropDelete, before, after)}
	}
	return []PropertyChange{prop(path, PropModify, before, after)}
}

// leaves reports an object that appears or disappears as a whole member by
// member, as ARM does ("tags.Owner"); arrays and scalars are one change.
func leaves(path string, t PropertyChangeType, v evaluator.Value) []PropertyChange {
	o, ok := v.AsObject()
	if !ok || o.Len() == 0 {
		if t == PropCreate {
			return []PropertyChange{prop(path, t, evaluator.Null, v)}
		}
		return []PropertyChange{prop(path, t, v, evaluator.Null)}
	}
	var out []PropertyChange
	for i := range o.Len() {
		out = append(out, leaves(JoinPath(path, o.KeyAt(i)), t, o.ValueAt(i))...)
	}
	return out
}

func isObject(v evaluator.Value) bool {
	_, ok := v.AsObject()
	return ok
}

func prop(path string, t PropertyChangeType, before, after evaluator.Value) PropertyChange {
	pc := PropertyChange{Path: path, PropertyChangeType: t}
	if t != PropCreate {
		b := before
		pc.Before = &b
	}
	if t != PropDelete {
		a := after
		pc.After = &a
	}
	return pc
}

// JoinPath appends key to a dotted property path ("properties" + "osProfile"
// is "properties.osProfile"), as what-if deltas and az's flattened lists
// write paths.
func JoinPath(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}
