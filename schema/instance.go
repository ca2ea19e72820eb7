package schema

import (
	"encoding/json"
	"fmt"
	"math"
	"net/url"
	"reflect"
	"strconv"
	"strings"
)

// Instances are plain Go values. The validator understands map[string]any, []any,
// string, bool, nil, json.Number and Go's numeric types directly; anything else
// (map[string]string, []string, typed structs, ...) is converted by normalize, which
// runs only when the validator reports a value it cannot handle, so the common case
// costs nothing.

// normalize returns v with every value turned into one the validator understands.
func normalize(v any) (any, error) {
	switch x := v.(type) {
	case nil, bool, string, json.Number, int, int8, int32, int64, uint, uint8, uint32, uint64:
		return x, nil
	case int16: // not in the validator's type switch
		return int64(x), nil
	case uint16:
		return uint64(x), nil
	case float64:
		return normalizeFloat(x)
	case float32:
		return normalizeFloat(float64(x))
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			n, err := normalize(e)
			if err != nil {
				return nil, err
			}
			out[k] = n
		}
		return out, nil
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			n, err := normalize(e)
			if err != nil {
				return nil, err
			}
			out[i] = n
		}
		return out, nil
	case json.Marshaler:
		return normalizeJSON(x)
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Pointer, reflect.Interface:
		if rv.IsNil() {
			return nil, nil
		}
		return normalize(rv.Elem().Interface())
	case reflect.Map:
		if rv.Type().Key().Kind() != reflect.String {
			return nil, fmt.Errorf("map with %s keys is not a JSON object", rv.Type().Key())
		}
		out := make(map[string]any, rv.Len())
		it := rv.MapRange()
		for it.Next() {
			n, err := normalize(it.Value().Interface())
			if err != nil {
				return nil, err
			}
			out[it.Key().String()] = n
		}
		return out, nil
	case reflect.Slice, reflect.Array:
		out := make([]any, rv.Len())
		for i := range out {
			n, err := normalize(rv.Index(i).Interface())
			if err != nil {
				return nil, err
			}
			out[i] = n
		}
		return out, nil
	case reflect.String:
		return rv.String(), nil
	case reflect.Bool:
		return rv.Bool(), nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return rv.Int(), nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return rv.Uint(), nil
	case reflect.Float32, reflect.Float64:
		return normalizeFloat(rv.Float())
	case reflect.Struct:
		return normalizeJSON(v)
	}
	return nil, fmt.Errorf("%T is not a JSON value", v)
}

func normalizeFloat(f float64) (any, error) {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return nil, fmt.Errorf("%v is not a JSON number", f)
	}
	return f, nil
}

// normalizeJSON converts a value through its JSON encoding.
func normalizeJSON(v any) (any, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("encode %T: %w", v, err)
	}
	var out any
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.UseNumber()
	if err := dec.Decode(&out); err != nil {
		return nil, fmt.Errorf("decode %T: %w", v, err)
	}
	return out, nil
}

// asInt reads a small integer from a decoded JSON number or a Go integer.
func asInt(v any) (int, bool) {
	switch n := v.(type) {
	case json.Number:
		i, err := n.Int64()
		return int(i), err == nil
	case int64:
		return int(n), true
	case int:
		return n, true
	case float64:
		if n == math.Trunc(n) {
			return int(n), true
		}
	}
	return 0, false
}

// JSON pointers (RFC 6901).

// escapeToken escapes one reference token.
func escapeToken(s string) string {
	if !strings.ContainsAny(s, "~/") {
		return s
	}
	return strings.ReplaceAll(strings.ReplaceAll(s, "~", "~0"), "/", "~1")
}

// unescapeToken undoes escapeToken.
func unescapeToken(s string) string {
	if !strings.Contains(s, "~") {
		return s
	}
	return strings.ReplaceAll(strings.ReplaceAll(s, "~1", "/"), "~0", "~")
}

// pointerTokens splits a pointer into unescaped tokens; "" has none.
func pointerTokens(p string) []string {
	if p == "" {
		return nil
	}
	parts := strings.Split(strings.TrimPrefix(p, "/"), "/")
	for i, t := range parts {
		parts[i] = unescapeToken(t)
	}
	return parts
}

// validatorPointer turns a location reported by the validator into an RFC 6901
// pointer: the validator percent-encodes each token (url.PathEscape) after the ~0/~1
// escaping, so tokens with spaces or '%' must be decoded.
func validatorPointer(loc string) string {
	if !strings.Contains(loc, "%") {
		return loc
	}
	parts := strings.Split(loc, "/")
	for i, t := range parts {
		if u, err := url.PathUnescape(t); err == nil {
			parts[i] = u
		}
	}
	return strings.Join(parts, "/")
}

// resolve returns the value at pointer p in v.
func resolve(v any, p string) (any, bool) {
	for _, t := range pointerTokens(p) {
		switch x := v.(type) {
		case map[string]any:
			e, ok := x[t]
			if !ok {
				return nil, false
			}
			v = e
		case []any:
			i, err := strconv.Atoi(t)
			if err != nil || i < 0 || i >= len(x) {
				return nil, false
			}
			v = x[i]
		default:
			return nil, false
		}
	}
	return v, true
}
