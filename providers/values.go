package providers

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Body access with ARM's case-insensitive property names, numeric
// coercion and comparison, shared by every provider.

// get returns m[key], matching the key case-insensitively as ARM does.
func get(m map[string]any, key string) (any, bool) {
	if m == nil {
		return nil, false
	}
	if v, ok := m[key]; ok {
		return v, true
	}
	for k, v := range m {
		if strings.EqualFold(k, key) {
			return v, true
		}
	}
	return nil, false
}

// at follows a path of keys through nested objects.
func at(m map[string]any, keys ...string) any {
	var cur any = m
	for _, k := range keys {
		o, ok := cur.(map[string]any)
		if !ok {
			return nil
		}
		if cur, ok = get(o, k); !ok {
			return nil
		}
	}
	return cur
}

// objAt returns the object at a path, or nil.
func objAt(m map[string]any, keys ...string) map[string]any {
	o, _ := at(m, keys...).(map[string]any)
	return o
}

// strAt returns the string at a path, or "".
func strAt(m map[string]any, keys ...string) string {
	s, _ := at(m, keys...).(string)
	return s
}

// arrAt returns the array at a path, or nil.
func arrAt(m map[string]any, keys ...string) []any {
	a, _ := at(m, keys...).([]any)
	return a
}

// has reports whether the path exists with a non-null value.
func has(m map[string]any, keys ...string) bool { return at(m, keys...) != nil }

// set writes v at key, replacing a member whose name differs only in case.
func set(m map[string]any, key string, v any) {
	for k := range m {
		if k != key && strings.EqualFold(k, key) {
			delete(m, k)
		}
	}
	m[key] = v
}

// setDefault writes v at key unless the key is present.
func setDefault(m map[string]any, key string, v any) {
	if _, ok := get(m, key); !ok {
		m[key] = v
	}
}

// del removes key case-insensitively.
func del(m map[string]any, key string) {
	for k := range m {
		if strings.EqualFold(k, key) {
			delete(m, k)
		}
	}
}

// child returns the object at key, creating it when absent.
func child(m map[string]any, key string) map[string]any {
	if o, ok := at(m, key).(map[string]any); ok {
		return o
	}
	o := map[string]any{}
	set(m, key, o)
	return o
}

// deepCopy copies JSON-like values so that a provider never changes its
// request.
func deepCopy(v any) any {
	switch t := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(t))
		for k, e := range t {
			out[k] = deepCopy(e)
		}
		return out
	case []any:
		out := make([]any, len(t))
		for i, e := range t {
			out[i] = deepCopy(e)
		}
		return out
	}
	return v
}

// asInt converts an integer given as a number or a numeric string (ARM
// accepts "64" for an int32, as the sig-image-definition quickstart
// relies on).
func asInt(v any) (int64, bool) {
	switch t := v.(type) {
	case int:
		return int64(t), true
	case int32:
		return int64(t), true
	case int64:
		return t, true
	case float64:
		if t == math.Trunc(t) && !math.IsInf(t, 0) {
			return int64(t), true
		}
	case json.Number:
		if n, err := t.Int64(); err == nil {
			return n, true
		}
	case string:
		if n, err := strconv.ParseInt(strings.TrimSpace(t), 10, 64); err == nil {
			return n, true
		}
	}
	return 0, false
}

// asBool accepts a JSON bool or "true"/"false".
func asBool(v any) (bool, bool) {
	switch t := v.(type) {
	case bool:
		return t, true
	case string:
		if b, err := strconv.ParseBool(strings.TrimSpace(t)); err == nil {
			return b, true
		}
	}
	return false, false
}

// coerceInt32 replaces the value at m[key] by an int64 when it is an
// integer or a numeric string in the int32 range. wirePath names it in the
// error ("properties.recommended.vCPUs.min"). Absent keys are fine.
func coerceInt32(m map[string]any, key, wirePath string) *Error {
	v, ok := get(m, key)
	if !ok || v == nil {
		return nil
	}
	n, ok := asInt(v)
	if !ok || n < math.MinInt32 || n > math.MaxInt32 {
		// [U] the text mirrors the service's JSON deserialiser
		// ("Could not convert string to DateTimeOffset: ..." is quoted
		// in gallery-rp.md §4.3); the code is the neutral default of §8.
		e := Errorf("InvalidParameter", "Could not convert string to integer: %v. Path '%s'.", v, wirePath)
		e.Target = wirePath
		return e
	}
	set(m, key, n)
	return nil
}

// coerceBool replaces "true"/"false" by a bool.
func coerceBool(m map[string]any, key, wirePath string) *Error {
	v, ok := get(m, key)
	if !ok || v == nil {
		return nil
	}
	b, ok := asBool(v)
	if !ok {
		// [U] text modelled on the deserialiser's.
		e := Errorf("InvalidParameter", "Could not convert string to boolean: %v. Path '%s'.", v, wirePath)
		e.Target = wirePath
		return e
	}
	set(m, key, b)
	return nil
}

// oneOf returns the canonical spelling of v among allowed (matched
// case-insensitively), or "".
func oneOf(v string, allowed ...string) string {
	for _, a := range allowed {
		if strings.EqualFold(v, a) {
			return a
		}
	}
	return ""
}

// enum checks an optional enum member, rewrites it to its canonical
// spelling and returns an InvalidParameter error for any other value.
// leaf names the parameter in the message, target is the error's target.
func enum(m map[string]any, key, leaf, target string, allowed ...string) *Error {
	v, ok := get(m, key)
	if !ok || v == nil {
		return nil
	}
	s, _ := v.(string)
	c := oneOf(s, allowed...)
	if c == "" {
		return errInvalidValue(leaf, target)
	}
	set(m, key, c)
	return nil
}

// same compares two JSON-like values as ARM compares property values:
// strings case-insensitively, numbers by value (numeric strings included),
// objects key by key.
func same(a, b any) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	if x, ok := asInt(a); ok {
		if y, ok := asInt(b); ok {
			return x == y
		}
	}
	switch x := a.(type) {
	case string:
		y, ok := b.(string)
		return ok && strings.EqualFold(x, y)
	case bool:
		y, ok := b.(bool)
		return ok && x == y
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for k, v := range x {
			w, ok := get(y, k)
			if !ok || !same(v, w) {
				return false
			}
		}
		return true
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !same(x[i], y[i]) {
				return false
			}
		}
		return true
	}
	return fmt.Sprint(a) == fmt.Sprint(b)
}
