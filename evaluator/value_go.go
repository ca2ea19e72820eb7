package evaluator

import (
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"sort"
)

// FromGo converts a plain Go value into a Value. It accepts nil, bool, all
// integer kinds (as int64), float32/float64 (integral floats stay floats),
// json.Number, string, []any and other slices, map[string]any and other
// string-keyed maps (keys sorted, since Go maps have no order), *Object,
// Value and *Unknown. Anything else is an error.
func FromGo(x any) (Value, error) {
	switch t := x.(type) {
	case nil:
		return Null, nil
	case Value:
		return t, nil
	case *Object:
		return ObjectValue(t), nil
	case *Unknown:
		return Value{t}, nil
	case bool:
		return Bool(t), nil
	case string:
		return String(t), nil
	case int:
		return Int(int64(t)), nil
	case int8:
		return Int(int64(t)), nil
	case int16:
		return Int(int64(t)), nil
	case int32:
		return Int(int64(t)), nil
	case int64:
		return Int(t), nil
	case uint:
		return uintValue(uint64(t))
	case uint8:
		return Int(int64(t)), nil
	case uint16:
		return Int(int64(t)), nil
	case uint32:
		return Int(int64(t)), nil
	case uint64:
		return uintValue(t)
	case float32:
		return Float(float64(t)), nil
	case float64:
		return Float(t), nil
	case json.Number:
		return ParseJSON(t.String())
	case []any:
		out := make([]Value, len(t))
		for i, e := range t {
			v, err := FromGo(e)
			if err != nil {
				return Null, err
			}
			out[i] = v
		}
		return Array(out), nil
	case map[string]any:
		keys := make([]string, 0, len(t))
		for k := range t {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		o := NewObject(len(keys))
		for _, k := range keys {
			v, err := FromGo(t[k])
			if err != nil {
				return Null, err
			}
			o.Set(k, v)
		}
		return ObjectValue(o), nil
	}
	rv := reflect.ValueOf(x)
	switch rv.Kind() {
	case reflect.Slice, reflect.Array:
		out := make([]Value, rv.Len())
		for i := range out {
			v, err := FromGo(rv.Index(i).Interface())
			if err != nil {
				return Null, err
			}
			out[i] = v
		}
		return Array(out), nil
	case reflect.Map:
		if rv.Type().Key().Kind() == reflect.String {
			m := make(map[string]any, rv.Len())
			for _, k := range rv.MapKeys() {
				m[k.String()] = rv.MapIndex(k).Interface()
			}
			return FromGo(m)
		}
	case reflect.Pointer:
		if rv.IsNil() {
			return Null, nil
		}
		return FromGo(rv.Elem().Interface())
	}
	return Null, fmt.Errorf("cannot convert %T to an ARM value", x)
}

func uintValue(u uint64) (Value, error) {
	if u > math.MaxInt64 {
		return Null, fmt.Errorf("integer %d overflows int64", u)
	}
	return Int(int64(u)), nil
}

// MustFromGo is like [FromGo] but panics on error; for tests and literals.
func MustFromGo(x any) Value {
	v, err := FromGo(x)
	if err != nil {
		panic(err)
	}
	return v
}

// Go converts v to plain Go: nil, bool, int64, float64, string, []any and
// map[string]any (which loses key order; use [Value.MarshalJSON] to keep it).
// Secure marks are dropped, unknown values become *Unknown.
func (v Value) Go() any {
	switch x := v.raw().(type) {
	case *array:
		out := make([]any, len(x.elems))
		for i, e := range x.elems {
			out[i] = e.Go()
		}
		return out
	case *Object:
		out := make(map[string]any, x.Len())
		for i, k := range x.keys {
			out[k] = x.vals[i].Go()
		}
		return out
	case *lambdaValue:
		return nil
	default:
		return x
	}
}
