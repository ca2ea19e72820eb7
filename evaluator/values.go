package evaluator

import (
	"fmt"
	"strconv"
)

// Kind is the type of an ARM [Value].
type Kind uint8

const (
	// KindNull is JSON null (also the zero Value).
	KindNull Kind = iota
	// KindBool is a boolean.
	KindBool
	// KindInt is a signed 64-bit integer, ARM's only integer type.
	KindInt
	// KindFloat is a float64; ARM produces floats only through json() and float().
	KindFloat
	// KindString is a string.
	KindString
	// KindArray is an ordered list of values.
	KindArray
	// KindObject is an insertion-ordered object with case-insensitive keys.
	KindObject
	// KindUnknown is a value known only at deploy time (see [Unknown]).
	KindUnknown
	// KindLambda is a lambda(...) expression; it exists only as an argument
	// of the lambda functions (filter, map, reduce, ...).
	KindLambda
)

// String returns ARM's name for the kind as used in error messages
// ("String", "Integer", "Boolean", "Array", "Object", "Null", "Float").
func (k Kind) String() string {
	switch k {
	case KindNull:
		return "Null"
	case KindBool:
		return "Boolean"
	case KindInt:
		return "Integer"
	case KindFloat:
		return "Float"
	case KindString:
		return "String"
	case KindArray:
		return "Array"
	case KindObject:
		return "Object"
	case KindUnknown:
		return "Unknown"
	case KindLambda:
		return "Lambda"
	}
	return "Kind(" + strconv.Itoa(int(k)) + ")"
}

// Value is an ARM value. The zero Value is null.
//
// Values are immutable: functions never modify their arguments, and a Value
// may be shared freely between goroutines once built. A Value is exactly one
// interface word pair, so it converts to and from expr's `any` without
// allocating.
//
// A value may carry a secure mark ([Secure]); accessors see through the mark
// and functions propagate it to their results.
type Value struct{ v any }

// Unknown is the payload of a value known only at deploy time, such as the
// result of reference() on a resource this deployment creates. Expr is the
// expression text that produced it (without the surrounding brackets).
// Anything computed from an Unknown is Unknown.
type Unknown struct {
	Expr string
}

type array struct {
	elems []Value
	flags uint8
	// size is the approximate JSON length of the array (see Value.size).
	size int64
}

type secure struct{ v Value }

// flags summarise nested content so that propagation checks are O(1).
const (
	flagUnknown uint8 = 1 << iota
	flagSecure
)

// Null is the null value.
var Null = Value{}

// True and False are the boolean values.
var (
	True  = Value{true}
	False = Value{false}
)

// Bool returns a boolean value.
func Bool(b bool) Value { return Value{b} }

// Int returns an integer value.
func Int(i int64) Value { return Value{i} }

// Float returns a float value.
func Float(f float64) Value { return Value{f} }

// String returns a string value.
func String(s string) Value { return Value{s} }

// Array returns an array value that takes ownership of elems: the caller must
// not modify elems afterwards.
func Array(elems []Value) Value {
	a := &array{elems: elems, size: 2}
	for _, e := range elems {
		a.flags |= e.flags()
		a.size = addSize(a.size, 1, e.size())
	}
	return Value{a}
}

// ArrayOf returns an array of the given elements.
func ArrayOf(elems ...Value) Value {
	return Array(append([]Value(nil), elems...))
}

// ObjectValue returns an object value for o. The caller must not modify o
// afterwards.
func ObjectValue(o *Object) Value {
	if o == nil {
		o = NewObject(0)
	}
	return Value{o}
}

// UnknownValue returns a value known only at deploy time, produced by expr.
func UnknownValue(expr string) Value { return Value{&Unknown{Expr: expr}} }

// Secure marks v as secure (securestring/secureObject). Secure values are
// never shown by views, logs or outputs; functions computing from a secure
// value return a secure value.
func Secure(v Value) Value {
	if v.Secure() {
		return v
	}
	return Value{&secure{v}}
}

// Kind reports the kind of v (seeing through the secure mark).
func (v Value) Kind() Kind {
	switch x := v.v.(type) {
	case nil:
		return KindNull
	case bool:
		return KindBool
	case int64:
		return KindInt
	case float64:
		return KindFloat
	case string:
		return KindString
	case *array:
		return KindArray
	case *Object:
		return KindObject
	case *Unknown:
		return KindUnknown
	case *lambdaValue:
		return KindLambda
	case *secure:
		return x.v.Kind()
	}
	return KindNull
}

// IsNull reports whether v is null.
func (v Value) IsNull() bool { return v.Kind() == KindNull }

// IsUnknown reports whether v itself is unknown.
func (v Value) IsUnknown() bool { _, ok := v.v.(*Unknown); return ok }

// HasUnknown reports whether v is unknown or contains an unknown value.
func (v Value) HasUnknown() bool { return v.flags()&flagUnknown != 0 }

// Secure reports whether v carries the secure mark.
func (v Value) Secure() bool { _, ok := v.v.(*secure); return ok }

// HasSecure reports whether v is secure or contains a secure value.
func (v Value) HasSecure() bool { return v.flags()&flagSecure != 0 }

// Unsecure returns v without its secure mark (nested marks stay).
func (v Value) Unsecure() Value {
	if s, ok := v.v.(*secure); ok {
		return s.v
	}
	return v
}

func (v Value) flags() uint8 {
	switch x := v.v.(type) {
	case *array:
		return x.flags
	case *Object:
		return x.flags
	case *Unknown:
		return flagUnknown
	case *secure:
		return flagSecure | x.v.flags()
	}
	return 0
}

func (v Value) raw() any {
	if s, ok := v.v.(*secure); ok {
		return s.v.v
	}
	return v.v
}

// AsBool returns the boolean held by v.
func (v Value) AsBool() (bool, bool) { b, ok := v.raw().(bool); return b, ok }

// AsInt returns the integer held by v.
func (v Value) AsInt() (int64, bool) { i, ok := v.raw().(int64); return i, ok }

// AsFloat returns the float held by v.
func (v Value) AsFloat() (float64, bool) { f, ok := v.raw().(float64); return f, ok }

// AsString returns the string held by v.
func (v Value) AsString() (string, bool) { s, ok := v.raw().(string); return s, ok }

// AsArray returns the elements of an array value. The slice must not be
// modified.
func (v Value) AsArray() ([]Value, bool) {
	a, ok := v.raw().(*array)
	if !ok {
		return nil, false
	}
	return a.elems, true
}

// AsObject returns the object held by v. It must not be modified.
func (v Value) AsObject() (*Object, bool) { o, ok := v.raw().(*Object); return o, ok }

// AsUnknown returns the payload of an unknown value.
func (v Value) AsUnknown() (*Unknown, bool) { u, ok := v.v.(*Unknown); return u, ok }

// Len returns the length of a string (in UTF-16 code units, as .NET counts),
// array or object, and 0 for other kinds.
func (v Value) Len() int {
	switch x := v.raw().(type) {
	case string:
		return utf16Len(x)
	case *array:
		return len(x.elems)
	case *Object:
		return x.Len()
	}
	return 0
}

// Get looks up key in an object value case-insensitively.
func (v Value) Get(key string) (Value, bool) {
	o, ok := v.AsObject()
	if !ok {
		return Null, false
	}
	r, ok := o.Get(key)
	if ok && v.Secure() {
		r = Secure(r)
	}
	return r, ok
}

// Index returns element i of an array value.
func (v Value) Index(i int) (Value, bool) {
	a, ok := v.AsArray()
	if !ok || i < 0 || i >= len(a) {
		return Null, false
	}
	if v.Secure() {
		return Secure(a[i]), true
	}
	return a[i], true
}

// String renders v for debugging as compact JSON with secure values redacted.
// It is not one of ARM's renderers; see [Value.JSON], [FormatText] and
// [StringText] for those.
func (v Value) String() string {
	return string(appendJSON(nil, v, '"', true))
}

// GoString implements fmt.GoStringer.
func (v Value) GoString() string { return "evaluator.Value(" + v.String() + ")" }

// Format implements fmt.Formatter so that %v prints the redacted form.
func (v Value) Format(f fmt.State, verb rune) {
	switch verb {
	case 'q':
		fmt.Fprintf(f, "%q", v.String())
	default:
		_, _ = f.Write([]byte(v.String()))
	}
}

func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		if r >= 0x10000 {
			n += 2
		} else {
			n++
		}
	}
	return n
}
