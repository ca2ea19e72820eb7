package evaluator

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// maxJSONDepth bounds nesting in ParseJSON (Newtonsoft's default is 64).
const maxJSONDepth = 128

// MarshalJSON encodes v as compact JSON keeping object key order. Secure
// values are written in clear (the caller decides what may be shown; see
// [Redact]); unknown values are written as the string "[expr]".
func (v Value) MarshalJSON() ([]byte, error) {
	if v.Kind() == KindLambda {
		return nil, errors.New("a lambda expression has no JSON form")
	}
	return appendJSON(nil, v, '"', false), nil
}

// UnmarshalJSON decodes JSON into v, keeping object key order; integers
// become int64 and numbers with a fraction or exponent float64.
func (v *Value) UnmarshalJSON(data []byte) error {
	r, err := ParseJSON(string(data))
	if err != nil {
		return err
	}
	*v = r
	return nil
}

// JSON returns v as compact JSON text with double quotes (the form of ARM's
// string() for arrays and objects).
func (v Value) JSON() string { return string(appendJSON(nil, v, '"', false)) }

// Redact returns v with every secure value replaced by null, for display.
func Redact(v Value) Value {
	if !v.HasSecure() {
		return v
	}
	if v.Secure() {
		return Null
	}
	switch x := v.v.(type) {
	case *array:
		out := make([]Value, len(x.elems))
		for i, e := range x.elems {
			out[i] = Redact(e)
		}
		return Array(out)
	case *Object:
		o := NewObject(x.Len())
		for i, k := range x.keys {
			o.Set(k, Redact(x.vals[i]))
		}
		return ObjectValue(o)
	}
	return v
}

// appendJSON writes v compactly with the given quote character. With redact
// set, secure values are written as "*****".
func appendJSON(buf []byte, v Value, quote byte, redact bool) []byte {
	switch x := v.v.(type) {
	case nil:
		return append(buf, "null"...)
	case bool:
		return strconv.AppendBool(buf, x)
	case int64:
		return strconv.AppendInt(buf, x, 10)
	case float64:
		return appendFloatJSON(buf, x)
	case string:
		return appendQuoted(buf, x, quote)
	case *array:
		buf = append(buf, '[')
		for i, e := range x.elems {
			if i > 0 {
				buf = append(buf, ',')
			}
			buf = appendJSON(buf, e, quote, redact)
		}
		return append(buf, ']')
	case *Object:
		buf = append(buf, '{')
		for i, k := range x.keys {
			if i > 0 {
				buf = append(buf, ',')
			}
			buf = appendQuoted(buf, k, quote)
			buf = append(buf, ':')
			buf = appendJSON(buf, x.vals[i], quote, redact)
		}
		return append(buf, '}')
	case *Unknown:
		return appendQuoted(buf, "["+x.Expr+"]", quote)
	case *secure:
		if redact {
			return appendQuoted(buf, "*****", quote)
		}
		return appendJSON(buf, x.v, quote, redact)
	case *lambdaValue:
		return appendQuoted(buf, "<lambda>", quote)
	}
	return buf
}

// appendQuoted writes s as a JSON string literal delimited by quote, escaping
// the quote character, backslash and control characters (Newtonsoft's
// default escaping). Bytes that are not UTF-8 become U+FFFD, as
// encoding/json writes them, so that the output is always valid UTF-8.
func appendQuoted(buf []byte, s string, quote byte) []byte {
	buf = append(buf, quote)
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= utf8.RuneSelf {
			r, size := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && size == 1 {
				buf = utf8.AppendRune(buf, utf8.RuneError)
			} else {
				buf = append(buf, s[i:i+size]...)
			}
			i += size - 1
			continue
		}
		switch {
		case c == quote || c == '\\':
			buf = append(buf, '\\', c)
		case c == '\n':
			buf = append(buf, '\\', 'n')
		case c == '\r':
			buf = append(buf, '\\', 'r')
		case c == '\t':
			buf = append(buf, '\\', 't')
		case c == '\b':
			buf = append(buf, '\\', 'b')
		case c == '\f':
			buf = append(buf, '\\', 'f')
		case c < 0x20:
			buf = append(buf, `\u00`...)
			buf = append(buf, "0123456789abcdef"[c>>4], "0123456789abcdef"[c&15])
		default:
			buf = append(buf, c)
		}
	}
	return append(buf, quote)
}

// appendFloatJSON writes f the way Newtonsoft writes a double: the shortest
// round-trip digits, ".0" on integral values, and E notation outside
// 1e-5 <= |f| < 1e15.
func appendFloatJSON(buf []byte, f float64) []byte {
	s := formatFloatR(f)
	if !strings.ContainsAny(s, ".EN") && !strings.Contains(s, "Infinity") {
		s += ".0"
	}
	return append(buf, s...)
}

// formatFloatR formats f like .NET's double.ToString("R", invariant).
func formatFloatR(f float64) string {
	switch {
	case math.IsNaN(f):
		return "NaN"
	case math.IsInf(f, 1):
		return "Infinity"
	case math.IsInf(f, -1):
		return "-Infinity"
	case f == 0:
		return "0"
	}
	e := strconv.FormatFloat(f, 'e', -1, 64) // d.ddde±XX
	mant, expStr, _ := strings.Cut(e, "e")
	exp, _ := strconv.Atoi(expStr)
	if exp >= -4 && exp < 15 {
		return strconv.FormatFloat(f, 'f', -1, 64)
	}
	sign := "+"
	if exp < 0 {
		sign = "-"
		exp = -exp
	}
	es := strconv.Itoa(exp)
	if len(es) < 2 {
		es = "0" + es
	}
	return mant + "E" + sign + es
}

// ParseJSON parses JSON text into a Value, keeping object key order. It is
// lenient the way ARM's json() is (Newtonsoft): strings and keys may use
// single quotes, keys may be unquoted identifiers, and comments are allowed.
// Empty or all-whitespace text yields null.
func ParseJSON(text string) (Value, error) {
	p := jsonParser{s: text}
	p.skip()
	if p.i >= len(p.s) {
		if p.err != nil {
			return Null, p.err
		}
		return Null, nil
	}
	v := p.value(0)
	if p.err == nil {
		p.skip()
		if p.i < len(p.s) && p.err == nil {
			p.fail("additional text after the JSON value")
		}
	}
	if p.err != nil {
		return Null, p.err
	}
	return v, nil
}

type jsonParser struct {
	s   string
	i   int
	err error
}

func (p *jsonParser) fail(format string, args ...any) {
	if p.err == nil {
		p.err = fmt.Errorf("invalid JSON at position %d: %s", p.i, fmt.Sprintf(format, args...))
	}
}

func (p *jsonParser) skip() {
	for p.i < len(p.s) {
		c := p.s[p.i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			p.i++
		case c == '/' && p.i+1 < len(p.s) && p.s[p.i+1] == '/':
			for p.i < len(p.s) && p.s[p.i] != '\n' {
				p.i++
			}
		case c == '/' && p.i+1 < len(p.s) && p.s[p.i+1] == '*':
			end := strings.Index(p.s[p.i+2:], "*/")
			if end < 0 {
				p.fail("unterminated comment")
				p.i = len(p.s)
				return
			}
			p.i += end + 4
		default:
			return
		}
	}
}

func (p *jsonParser) value(depth int) Value {
	if depth > maxJSONDepth {
		p.fail("nesting deeper than %d", maxJSONDepth)
		return Null
	}
	p.skip()
	if p.i >= len(p.s) {
		p.fail("unexpected end of text")
		return Null
	}
	switch c := p.s[p.i]; {
	case c == '{':
		return p.object(depth)
	case c == '[':
		return p.array(depth)
	case c == '"' || c == '\'':
		return String(p.str())
	case c == '-' || c == '.' || (c >= '0' && c <= '9'):
		return p.number()
	default:
		word := p.ident()
		switch word {
		case "true":
			return True
		case "false":
			return False
		case "null", "undefined":
			// Newtonsoft reads undefined as JavaScript's undefined, which
			// ARM's values treat as null.
			return Null
		}
		p.fail("unexpected character %q", c)
		return Null
	}
}

func (p *jsonParser) object(depth int) Value {
	p.i++ // {
	o := NewObject(4)
	for {
		p.skip()
		if p.i >= len(p.s) {
			p.fail("unterminated object")
			return Null
		}
		if p.s[p.i] == '}' {
			p.i++
			return ObjectValue(o)
		}
		var key string
		if c := p.s[p.i]; c == '"' || c == '\'' {
			key = p.str()
		} else {
			key = p.ident()
			if key == "" {
				p.fail("expected a property name")
				return Null
			}
		}
		p.skip()
		if p.i >= len(p.s) || p.s[p.i] != ':' {
			p.fail("expected ':' after property name")
			return Null
		}
		p.i++
		v := p.value(depth + 1)
		if p.err != nil {
			return Null
		}
		o.Set(key, v)
		p.skip()
		if p.i < len(p.s) && p.s[p.i] == ',' {
			p.i++
			continue
		}
		if p.i < len(p.s) && p.s[p.i] == '}' {
			continue
		}
		p.fail("expected ',' or '}' in object")
		return Null
	}
}

func (p *jsonParser) array(depth int) Value {
	p.i++ // [
	var elems []Value
	for {
		p.skip()
		if p.i >= len(p.s) {
			p.fail("unterminated array")
			return Null
		}
		if p.s[p.i] == ']' {
			p.i++
			if elems == nil {
				elems = []Value{}
			}
			return Array(elems)
		}
		v := p.value(depth + 1)
		if p.err != nil {
			return Null
		}
		elems = append(elems, v)
		p.skip()
		if p.i < len(p.s) && p.s[p.i] == ',' {
			p.i++
			continue
		}
		if p.i < len(p.s) && p.s[p.i] == ']' {
			continue
		}
		p.fail("expected ',' or ']' in array")
		return Null
	}
}

func (p *jsonParser) ident() string {
	start := p.i
	for p.i < len(p.s) {
		c := p.s[p.i]
		if c == '_' || c == '$' || c >= 0x80 || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') {
			p.i++
			continue
		}
		break
	}
	return p.s[start:p.i]
}

func (p *jsonParser) str() string {
	q := p.s[p.i]
	p.i++
	var sb strings.Builder
	start := p.i
	for p.i < len(p.s) {
		c := p.s[p.i]
		switch {
		case c == q:
			if sb.Len() == 0 {
				s := p.s[start:p.i]
				p.i++
				return s
			}
			sb.WriteString(p.s[start:p.i])
			p.i++
			return sb.String()
		case c == '\\':
			sb.WriteString(p.s[start:p.i])
			p.i++
			if p.i >= len(p.s) {
				p.fail("unterminated string")
				return ""
			}
			e := p.s[p.i]
			p.i++
			switch e {
			case '"', '\'', '\\', '/':
				sb.WriteByte(e)
			case 'b':
				sb.WriteByte('\b')
			case 'f':
				sb.WriteByte('\f')
			case 'n':
				sb.WriteByte('\n')
			case 'r':
				sb.WriteByte('\r')
			case 't':
				sb.WriteByte('\t')
			case 'u':
				sb.WriteRune(p.unicodeEscape())
			default:
				p.fail("invalid escape '\\%c'", e)
				return ""
			}
			start = p.i
		default:
			p.i++
		}
	}
	p.fail("unterminated string")
	return ""
}

func (p *jsonParser) hex4() (rune, bool) {
	if p.i+4 > len(p.s) {
		return 0, false
	}
	n, err := strconv.ParseUint(p.s[p.i:p.i+4], 16, 32)
	if err != nil {
		return 0, false
	}
	p.i += 4
	return rune(n), true
}

func (p *jsonParser) unicodeEscape() rune {
	r, ok := p.hex4()
	if !ok {
		p.fail("invalid \\u escape")
		return utf8.RuneError
	}
	if utf16.IsSurrogate(r) && p.i+6 <= len(p.s) && p.s[p.i] == '\\' && p.s[p.i+1] == 'u' {
		save := p.i
		p.i += 2
		if r2, ok := p.hex4(); ok {
			if d := utf16.DecodeRune(r, r2); d != utf8.RuneError {
				return d
			}
		}
		p.i = save
	}
	return r
}

// number reads a number as Newtonsoft's JsonTextReader does: besides
// JSON's numbers it accepts a leading or trailing decimal point (".25",
// "-.5", "1."), hexadecimal integers ("0x1F") and, for a leading zero
// followed by digits, octal integers ("010" is 8).
func (p *jsonParser) number() Value {
	start := p.i
	if p.s[p.i] == '-' {
		p.i++
	}
	digits := p.i
	if p.i+1 < len(p.s) && p.s[p.i] == '0' && (p.s[p.i+1] == 'x' || p.s[p.i+1] == 'X') {
		p.i += 2
		hexStart := p.i
		for p.i < len(p.s) && isHexDigit(p.s[p.i]) {
			p.i++
		}
		n, err := strconv.ParseInt(p.s[hexStart:p.i], 16, 64)
		if err != nil {
			p.fail("invalid number %q", p.s[start:p.i])
			return Null
		}
		if p.s[start] == '-' {
			n = -n
		}
		return Int(n)
	}
	for p.i < len(p.s) && p.s[p.i] >= '0' && p.s[p.i] <= '9' {
		p.i++
	}
	intDigits := p.i - digits
	isFloat := false
	if p.i < len(p.s) && p.s[p.i] == '.' {
		isFloat = true
		p.i++
		for p.i < len(p.s) && p.s[p.i] >= '0' && p.s[p.i] <= '9' {
			p.i++
		}
	}
	if p.i-digits == 0 || p.i-digits == 1 && isFloat {
		p.fail("invalid number")
		return Null
	}
	if p.i < len(p.s) && (p.s[p.i] == 'e' || p.s[p.i] == 'E') {
		isFloat = true
		p.i++
		if p.i < len(p.s) && (p.s[p.i] == '+' || p.s[p.i] == '-') {
			p.i++
		}
		for p.i < len(p.s) && p.s[p.i] >= '0' && p.s[p.i] <= '9' {
			p.i++
		}
	}
	text := p.s[start:p.i]
	if !isFloat {
		base := 10
		if intDigits > 1 && p.s[digits] == '0' {
			base = 8
		}
		if n, err := strconv.ParseInt(text, base, 64); err == nil {
			return Int(n)
		} else if base == 8 {
			p.fail("invalid number %q", text)
			return Null
		}
	}
	f, err := strconv.ParseFloat(text, 64)
	if err != nil && !errors.Is(err, strconv.ErrRange) {
		p.fail("invalid number %q", text)
		return Null
	}
	return Float(f)
}

func isHexDigit(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}
