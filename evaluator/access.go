package evaluator

import (
	"strings"
)

// Internal call sites produced by the compiler; they are not template
// functions and are not in any Registry.

// memberFunction implements x.name.
var memberFunction = &Function{Name: "member", MinArgs: 1, MaxArgs: 1, shallow: true,
	Impl: func(c Call, args []Value) (Value, error) { return c.property(args[0], c.site.member) }}

// indexFunction implements x[i] and x['name'].
var indexFunction = &Function{Name: "index", MinArgs: 2, MaxArgs: 2, shallow: true,
	Impl: func(c Call, args []Value) (Value, error) {
		switch k := args[1].raw().(type) {
		case string:
			return c.property(args[0], k)
		case int64:
			return c.element(args[0], k)
		}
		return Null, c.Errorf(ErrIndex, "The language expression property array index '%s' is not valid: an index must be an integer or a property name must be a string.%s",
			FormatText(args[1]), usage)
	}}

// property returns v.name, case-insensitively.
func (c Call) property(v Value, name string) (Value, error) {
	o, ok := v.AsObject()
	if !ok {
		return Null, c.Errorf(ErrProperty, "The language expression property '%s' cannot be selected. Property selection is not supported on values of type '%s'.%s",
			name, v.Kind(), usage)
	}
	r, ok := o.Get(name)
	if !ok {
		return Null, c.Errorf(ErrProperty, "The language expression property '%s' doesn't exist, available properties are '%s'.%s",
			name, strings.Join(o.Keys(), ", "), usage)
	}
	return r, nil
}

// element returns v[i] for an array.
func (c Call) element(v Value, i int64) (Value, error) {
	a, ok := v.AsArray()
	if !ok {
		return Null, c.Errorf(ErrIndex, "The language expression property array index '%d' cannot be applied. Indexing is not supported on values of type '%s'.%s",
			i, v.Kind(), usage)
	}
	if i < 0 || i >= int64(len(a)) {
		return Null, c.Errorf(ErrIndex, "The language expression property array index '%d' is out of bounds.%s", i, usage)
	}
	return a[i], nil
}

// ifCondFunction checks the condition of if(); it returns a boolean or an
// unknown value standing for the whole if(...).
var ifCondFunction = &Function{Name: "if", MinArgs: 1, MaxArgs: 1, shallow: true, keepUnknown: true, plain: true,
	Impl: func(c Call, args []Value) (Value, error) { return c.logicArg(args[0]) }}

// logicArgFunction checks one argument of and()/or().
var logicArgFunction = &Function{Name: "and/or", MinArgs: 1, MaxArgs: 1, shallow: true, keepUnknown: true, plain: true,
	Impl: func(c Call, args []Value) (Value, error) { return c.logicArg(args[0]) }}

func (c Call) logicArg(v Value) (Value, error) {
	if v.IsUnknown() {
		return UnknownValue(c.site.text()), nil
	}
	b, ok := v.AsBool()
	if !ok {
		return Null, c.Errorf(ErrArgumentType, "The provided arguments for template language function '%s' is not valid: all arguments should be of type 'boolean'.%s",
			c.Name(), usage)
	}
	return Bool(b), nil
}

// isNullFunction tests a coalesce() argument for null.
var isNullFunction = &Function{Name: "coalesce", MinArgs: 1, MaxArgs: 1, shallow: true, keepUnknown: true, plain: true,
	Impl: func(c Call, args []Value) (Value, error) { return Bool(args[0].IsNull()), nil }}

// userFunction calls namespace.member(...) through the Context hook.
var userFunction = &Function{Name: "user", MinArgs: 0, MaxArgs: Variadic,
	Impl: func(c Call, args []Value) (Value, error) {
		uf := c.Context().UserFunctions
		if uf == nil {
			return Null, c.newError(ErrUnknownFunction, unknownFunctionMessage(c.Name()))
		}
		return uf.CallUser(c.site.namespace, c.site.user, args)
	}}
