package views

import (
	"math"
	"strconv"
	"strings"
	"unicode"

	"github.com/armdeploy/armdeploy/evaluator"
)

// pyValue is a value as az's formatter holds it: what json.loads makes of
// the JSON `what-if -o json` writes (None, bool, int, float, str, list,
// dict in key order).
type pyValue struct {
	kind pyKind
	b    bool
	i    int64
	f    float64
	s    string
	list []pyValue
	keys []string
	vals []pyValue
}

type pyKind uint8

const (
	pyNone pyKind = iota
	pyBool
	pyIntKind
	pyFloatKind
	pyStrKind
	pyList
	pyDict
)

func ptrValue(v *evaluator.Value) pyValue {
	if v == nil {
		return pyValue{}
	}
	return toPy(*v)
}

// toPy converts a value as its JSON form reads back: unknown values are
// the string "[expr]", strings are cleaned of bytes that are not UTF-8.
func toPy(v evaluator.Value) pyValue {
	if u, ok := v.AsUnknown(); ok {
		return pyValue{kind: pyStrKind, s: clean("[" + u.Expr + "]")}
	}
	switch v.Kind() {
	case evaluator.KindBool:
		b, _ := v.AsBool()
		return pyValue{kind: pyBool, b: b}
	case evaluator.KindInt:
		i, _ := v.AsInt()
		return pyValue{kind: pyIntKind, i: i}
	case evaluator.KindFloat:
		f, _ := v.AsFloat()
		if f == 0 {
			f = 0 // the JSON writes -0.0 as 0.0
		}
		return pyValue{kind: pyFloatKind, f: f}
	case evaluator.KindString:
		s, _ := v.AsString()
		return pyValue{kind: pyStrKind, s: clean(s)}
	case evaluator.KindArray:
		a, _ := v.AsArray()
		out := pyValue{kind: pyList, list: make([]pyValue, len(a))}
		for i, e := range a {
			out.list[i] = toPy(e)
		}
		return out
	case evaluator.KindObject:
		o, _ := v.AsObject()
		out := pyValue{kind: pyDict, keys: make([]string, 0, o.Len()), vals: make([]pyValue, 0, o.Len())}
		for i := range o.Len() {
			out.keys = append(out.keys, clean(o.KeyAt(i)))
			out.vals = append(out.vals, toPy(o.ValueAt(i)))
		}
		return out
	case evaluator.KindLambda:
		return pyValue{kind: pyStrKind, s: "<lambda>"}
	}
	return pyValue{}
}

// isLeaf is az's _is_leaf: a scalar, [] or {}.
func isLeaf(v pyValue) bool {
	switch v.kind {
	case pyList:
		return len(v.list) == 0
	case pyDict:
		return len(v.keys) == 0
	}
	return true
}

func nonEmptyArray(v pyValue) bool  { return v.kind == pyList && len(v.list) > 0 }
func nonEmptyObject(v pyValue) bool { return v.kind == pyDict && len(v.keys) > 0 }

// truthy is Python's truth value.
func truthy(v pyValue) bool {
	switch v.kind {
	case pyNone:
		return false
	case pyBool:
		return v.b
	case pyIntKind:
		return v.i != 0
	case pyFloatKind:
		return v.f != 0
	case pyStrKind:
		return v.s != ""
	case pyList:
		return len(v.list) > 0
	}
	return len(v.keys) > 0
}

// pyStr is Python's str().
func pyStr(v pyValue) string {
	switch v.kind {
	case pyStrKind:
		return v.s
	case pyNone:
		return "None"
	case pyBool:
		if v.b {
			return "True"
		}
		return "False"
	case pyIntKind:
		return strconv.FormatInt(v.i, 10)
	case pyFloatKind:
		return pyFloatRepr(v.f)
	}
	return pyRepr(v)
}

// pyRepr is Python's repr() of a value.
func pyRepr(v pyValue) string {
	switch v.kind {
	case pyStrKind:
		return pyStrRepr(v.s)
	case pyList:
		parts := make([]string, len(v.list))
		for i, e := range v.list {
			parts[i] = pyRepr(e)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case pyDict:
		parts := make([]string, len(v.keys))
		for i, k := range v.keys {
			parts[i] = pyStrRepr(k) + ": " + pyRepr(v.vals[i])
		}
		return "{" + strings.Join(parts, ", ") + "}"
	}
	return pyStr(v)
}

// pyStrRepr is repr() of a str: single quotes unless the text holds a
// single quote and no double quote.
func pyStrRepr(s string) string {
	q := byte('\'')
	if strings.Contains(s, "'") && !strings.Contains(s, `"`) {
		q = '"'
	}
	var sb strings.Builder
	sb.WriteByte(q)
	for _, r := range s {
		switch {
		case r == rune(q) || r == '\\':
			sb.WriteByte('\\')
			sb.WriteRune(r)
		case r == '\n':
			sb.WriteString(`\n`)
		case r == '\r':
			sb.WriteString(`\r`)
		case r == '\t':
			sb.WriteString(`\t`)
		case r < 0x20 || r == 0x7f:
			sb.WriteString(`\x` + leftPad(strconv.FormatInt(int64(r), 16), 2))
		case r < 0x80 || unicode.IsPrint(r):
			sb.WriteRune(r)
		case r <= 0xff:
			sb.WriteString(`\x` + leftPad(strconv.FormatInt(int64(r), 16), 2))
		case r <= 0xffff:
			sb.WriteString(`\u` + leftPad(strconv.FormatInt(int64(r), 16), 4))
		default:
			sb.WriteString(`\U` + leftPad(strconv.FormatInt(int64(r), 16), 8))
		}
	}
	sb.WriteByte(q)
	return sb.String()
}

func leftPad(s string, n int) string {
	if len(s) >= n {
		return s
	}
	return strings.Repeat("0", n-len(s)) + s
}

// pyFloatRepr is Python's repr() of a float: the shortest digits that read
// back, in positional form for exponents -4..15 (with ".0" when integral)
// and else in exponent form with at least two exponent digits ("2.5e-07",
// "1e+21").
func pyFloatRepr(f float64) string {
	switch {
	case math.IsNaN(f):
		return "nan"
	case math.IsInf(f, 1):
		return "inf"
	case math.IsInf(f, -1):
		return "-inf"
	}
	e := strconv.FormatFloat(f, 'e', -1, 64) // -d.ddde±XX
	mant, expStr, _ := strings.Cut(e, "e")
	exp, _ := strconv.Atoi(expStr)
	if exp >= -5+1 && exp < 16 {
		s := strconv.FormatFloat(f, 'f', -1, 64)
		if !strings.Contains(s, ".") {
			s += ".0"
		}
		return s
	}
	sign := "+"
	if exp < 0 {
		sign, exp = "-", -exp
	}
	return mant + "e" + sign + leftPad(strconv.Itoa(exp), 2)
}

// pyUpperSpecial are the characters whose Python upper case is longer than
// one character and that can appear in a scope (\w).
var pyUpperSpecial = map[rune]string{
	'ß': "SS", 'ŉ': "ʼN", 'ǰ': "J̌", 'ΐ': "Ϊ́", 'ΰ': "Ϋ́", 'և': "ԵՒ",
	'ẖ': "H̱", 'ẗ': "T̈", 'ẘ': "W̊", 'ẙ': "Y̊", 'ẚ': "Aʾ",
	'ﬀ': "FF", 'ﬁ': "FI", 'ﬂ': "FL", 'ﬃ': "FFI", 'ﬄ': "FFL", 'ﬅ': "ST", 'ﬆ': "ST",
	'ﬓ': "ՄՆ", 'ﬔ': "ՄԵ", 'ﬕ': "ՄԻ", 'ﬖ': "ՎՆ", 'ﬗ': "ՄԽ",
}

// pyUpper is Python's str.upper(), az's key for grouping scopes.
func pyUpper(s string) string {
	var sb strings.Builder
	for _, r := range s {
		if u, ok := pyUpperSpecial[r]; ok {
			sb.WriteString(u)
			continue
		}
		sb.WriteRune(unicode.ToUpper(r))
	}
	return sb.String()
}
