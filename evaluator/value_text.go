package evaluator

import (
	"strconv"
)

// The three text renderers of arm-spec §12 point 5. They differ in how
// booleans and nested strings are written:
//
//	value                     StringText             FormatText           join/concat
//	'abc'                     abc                    abc                  abc
//	true                      True                   True                 True
//	12                        12                     12                   12
//	null                      (empty)                (empty)              (empty)
//	{"a":"b","c":true}        {"a":"b","c":true}     {'a':'b','c':true}   error
//	["x",1]                   ["x",1]                ['x',1]              error

// StringText renders v the way ARM's string() does: strings unchanged,
// booleans as True/False, arrays and objects as compact JSON with double
// quotes.
func StringText(v Value) string {
	switch x := v.raw().(type) {
	case string:
		return x
	case *array, *Object:
		return string(appendJSON(nil, v.Unsecure(), '"', false))
	}
	return scalarText(v)
}

// FormatText renders v the way format() and string interpolation do (.NET
// ToString): strings unchanged, booleans as True/False, arrays and objects
// as compact JSON with single-quoted strings (`{'a':'b','!c':2}`).
func FormatText(v Value) string {
	switch x := v.raw().(type) {
	case string:
		return x
	case *array, *Object:
		return string(appendJSON(nil, v.Unsecure(), '\'', false))
	}
	return scalarText(v)
}

// scalarText renders null, booleans and numbers as .NET's ToString does.
func scalarText(v Value) string {
	switch x := v.raw().(type) {
	case nil:
		return ""
	case bool:
		if x {
			return "True"
		}
		return "False"
	case int64:
		return strconv.FormatInt(x, 10)
	case float64:
		return formatFloatR(x)
	case string:
		return x
	case *Unknown:
		return "[" + x.Expr + "]"
	}
	return ""
}

// JoinText renders an element the way join() and the string form of
// concat() do: strings, integers, floats, booleans (True/False) and null
// (empty). Arrays and objects are not accepted (ok is false).
func JoinText(v Value) (string, bool) {
	switch v.raw().(type) {
	case *array, *Object, *lambdaValue:
		return "", false
	}
	return scalarText(v), true
}
