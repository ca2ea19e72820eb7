package templates

import (
	"bytes"
	"fmt"
	"math"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
	"unsafe"

	"github.com/armdeploy/armdeploy/templates/diag"
)

// MaxDepth is the deepest nesting of arrays and objects a file may have.
// ARM's own JSON reader stops far earlier in practice; the limit exists so
// that hostile input cannot exhaust the stack.
const MaxDepth = 512

// CodeInvalidContent is the diagnostic code of a file that is not valid
// JSON or YAML. ARM answers a request body it cannot read with the same code.
const CodeInvalidContent = "InvalidRequestContent"

// jsonParser reads JSON with // and /* */ comments into a Node tree. It
// stops at the first syntax error: after one, positions of later errors
// would be guesses.
type jsonParser struct {
	src   *Source
	b     []byte
	i     int
	depth int
	warns diag.Diagnostics

	// Nodes are carved out of slabs, and members and elements collect on
	// shared stacks before being copied into exact-size slices: a 4 MB
	// template has hundreds of thousands of values.
	slab   []Node
	fields []Field
	items  []*Node

	// multiline is the offset of the last string that ran over a line
	// break, or -1: a syntax error after it often means a missing quote.
	multiline int
}

// view returns b[from:to] as a string without copying. The source text is
// never modified after parsing (Parse owns it), so strings may share it.
func (p *jsonParser) view(from, to int) string {
	if from >= to {
		return ""
	}
	return unsafe.String(&p.b[from], to-from)
}

func (p *jsonParser) alloc() *Node {
	if len(p.slab) == 0 {
		p.slab = make([]Node, 512)
	}
	n := &p.slab[0]
	p.slab = p.slab[1:]
	return n
}

type syntaxError struct {
	off int
	msg string
}

func parseJSON(src *Source) (*Node, diag.Diagnostics) {
	p := &jsonParser{src: src, b: src.Text, multiline: -1}
	if bytes.HasPrefix(p.b, utf8BOM) {
		p.i = len(utf8BOM)
	}
	var root *Node
	err := func() (err *syntaxError) {
		defer func() {
			if r := recover(); r != nil {
				se, ok := r.(*syntaxError)
				if !ok {
					panic(r)
				}
				err = se
			}
		}()
		p.skipSpace()
		if p.i >= len(p.b) {
			p.fail(p.i, "the file is empty; expected a JSON object")
		}
		root = p.value()
		p.skipSpace()
		if p.i < len(p.b) {
			p.fail(p.i, "unexpected %s after the end of the document", p.describe(p.i))
		}
		return nil
	}()
	if err != nil {
		d := diag.Errorf(src.Range(err.off, err.off+1), CodeInvalidContent, "%s", err.msg)
		return nil, append(p.warns, d)
	}
	return root, p.warns
}

func (p *jsonParser) fail(off int, format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	if p.multiline >= 0 && off > p.multiline {
		pos := p.src.Pos(p.multiline)
		msg += fmt.Sprintf(" (the string that starts at line %d, column %d runs over a line break: is its closing quote missing?)", pos.Line, pos.Col)
	}
	panic(&syntaxError{off: off, msg: msg})
}

func (p *jsonParser) describe(off int) string {
	if off >= len(p.b) {
		return "end of file"
	}
	r, _ := utf8.DecodeRune(p.b[off:])
	if r < 0x20 || r == utf8.RuneError {
		return fmt.Sprintf("character %U", r)
	}
	return fmt.Sprintf("character '%c'", r)
}

func (p *jsonParser) skipSpace() {
	for p.i < len(p.b) {
		switch c := p.b[p.i]; c {
		case ' ', '\t', '\n', '\r':
			p.i++
		case '/':
			if p.i+1 >= len(p.b) {
				p.fail(p.i, "unexpected character '/'")
			}
			switch p.b[p.i+1] {
			case '/':
				for p.i < len(p.b) && p.b[p.i] != '\n' {
					p.i++
				}
			case '*':
				start := p.i
				p.i += 2
				for {
					if p.i+1 >= len(p.b) {
						p.fail(start, "unterminated /* comment")
					}
					if p.b[p.i] == '*' && p.b[p.i+1] == '/' {
						p.i += 2
						break
					}
					p.i++
				}
			default:
				p.fail(p.i, "unexpected character '/'")
			}
		default:
			return
		}
	}
}

func (p *jsonParser) node(k Kind, start int) *Node {
	n := p.alloc()
	n.Kind, n.src, n.start, n.end = k, p.src, int32(start), int32(p.i)
	return n
}

func (p *jsonParser) value() *Node {
	if p.i >= len(p.b) {
		p.fail(p.i, "unexpected end of file; expected a value")
	}
	start := p.i
	switch c := p.b[p.i]; {
	case c == '{':
		return p.object()
	case c == '[':
		return p.array()
	case c == '"':
		s := p.str()
		n := p.node(String, start)
		n.Str, n.style = s, styleJSON
		return n
	case c == '-' || (c >= '0' && c <= '9'):
		return p.number()
	case p.word("true"):
		n := p.node(Bool, start)
		n.Bool = true
		return n
	case p.word("false"):
		return p.node(Bool, start)
	case p.word("null"):
		return p.node(Null, start)
	case c == '\'':
		p.fail(p.i, "strings must use double quotes")
	}
	p.fail(p.i, "unexpected %s; expected a value", p.describe(p.i))
	return nil
}

func (p *jsonParser) word(w string) bool {
	if len(p.b)-p.i < len(w) || string(p.b[p.i:p.i+len(w)]) != w {
		return false
	}
	if j := p.i + len(w); j < len(p.b) && isIdentByte(p.b[j]) {
		return false
	}
	p.i += len(w)
	return true
}

func isIdentByte(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

func (p *jsonParser) enter(start int) {
	p.depth++
	if p.depth > MaxDepth {
		p.fail(start, "the document nests arrays and objects more than %d levels deep", MaxDepth)
	}
}

func (p *jsonParser) object() *Node {
	start := p.i
	p.enter(start)
	p.i++ // {
	n := p.node(Object, start)
	base := len(p.fields)
	var seen map[string]int32
	for {
		p.skipSpace()
		if p.i >= len(p.b) {
			p.fail(start, "unterminated object: missing '}'")
		}
		if p.b[p.i] == '}' {
			p.i++
			break
		}
		if len(p.fields) > base {
			if p.b[p.i] != ',' {
				p.fail(p.i, "unexpected %s; expected ',' or '}' after an object member", p.describe(p.i))
			}
			comma := p.i
			p.i++
			p.skipSpace()
			if p.i < len(p.b) && p.b[p.i] == '}' {
				p.warns = append(p.warns, diag.Warningf(p.src.Range(comma, comma+1), "TrailingComma",
					"trailing comma before '}'"))
				p.i++
				break
			}
		}
		if p.i >= len(p.b) || p.b[p.i] != '"' {
			if p.i < len(p.b) && p.b[p.i] == '\'' {
				p.fail(p.i, "property names must use double quotes")
			}
			p.fail(p.i, "unexpected %s; expected a property name in double quotes", p.describe(p.i))
		}
		ks := p.i
		key := p.str()
		ke := p.i
		if first, dup := p.duplicate(base, key, &seen); dup {
			pos := p.src.Pos(int(first))
			p.fail(ks, "duplicate property '%s' (first defined at line %d, column %d)", key, pos.Line, pos.Col)
		}
		p.skipSpace()
		if p.i >= len(p.b) || p.b[p.i] != ':' {
			p.fail(p.i, "unexpected %s; expected ':' after property name '%s'", p.describe(p.i), key)
		}
		p.i++
		p.skipSpace()
		v := p.value()
		p.fields = append(p.fields, Field{Key: key, Value: v, keyStart: int32(ks), keyEnd: int32(ke)})
		if seen != nil {
			seen[key] = int32(ks)
		}
	}
	if len(p.fields) > base {
		n.Fields = append([]Field(nil), p.fields[base:]...)
		p.fields = p.fields[:base]
	}
	p.depth--
	n.end = int32(p.i)
	return n
}

// duplicate reports whether key is already a member of the object being
// read (members from base on the field stack). Small objects are scanned;
// from 16 members on, a map is built.
func (p *jsonParser) duplicate(base int, key string, seen *map[string]int32) (int32, bool) {
	if *seen == nil {
		members := p.fields[base:]
		if len(members) < 16 {
			for _, f := range members {
				if f.Key == key {
					return f.keyStart, true
				}
			}
			return 0, false
		}
		*seen = make(map[string]int32, 2*len(members))
		for _, f := range members {
			(*seen)[f.Key] = f.keyStart
		}
	}
	first, dup := (*seen)[key]
	return first, dup
}

func (p *jsonParser) array() *Node {
	start := p.i
	p.enter(start)
	p.i++ // [
	n := p.node(Array, start)
	base := len(p.items)
	for {
		p.skipSpace()
		if p.i >= len(p.b) {
			p.fail(start, "unterminated array: missing ']'")
		}
		if p.b[p.i] == ']' {
			p.i++
			break
		}
		if len(p.items) > base {
			if p.b[p.i] != ',' {
				p.fail(p.i, "unexpected %s; expected ',' or ']' after an array element", p.describe(p.i))
			}
			comma := p.i
			p.i++
			p.skipSpace()
			if p.i < len(p.b) && p.b[p.i] == ']' {
				p.warns = append(p.warns, diag.Warningf(p.src.Range(comma, comma+1), "TrailingComma",
					"trailing comma before ']'"))
				p.i++
				break
			}
		}
		v := p.value()
		p.items = append(p.items, v)
	}
	if len(p.items) > base {
		n.Items = append([]*Node(nil), p.items[base:]...)
		p.items = p.items[:base]
	} else {
		n.Items = []*Node{}
	}
	p.depth--
	n.end = int32(p.i)
	return n
}

// str reads a double-quoted string. Raw line breaks are allowed inside, as
// ARM allows multi-line strings.
func (p *jsonParser) str() string {
	start := p.i
	p.i++ // opening quote
	// Fast path: no escapes.
	j := p.i
	for j < len(p.b) && p.b[j] != '"' && p.b[j] != '\\' {
		if p.b[j] == '\n' {
			p.multiline = start
		}
		j++
	}
	if j < len(p.b) && p.b[j] == '"' {
		s := p.view(p.i, j)
		p.i = j + 1
		return s
	}
	buf := make([]byte, 0, j-p.i+16)
	buf = append(buf, p.b[p.i:j]...)
	p.i = j
	for {
		if p.i >= len(p.b) {
			p.fail(start, "unterminated string")
		}
		c := p.b[p.i]
		switch c {
		case '"':
			p.i++
			return string(buf)
		case '\\':
			if p.i+1 >= len(p.b) {
				p.fail(start, "unterminated string")
			}
			e := p.b[p.i+1]
			p.i += 2
			switch e {
			case '"', '\\', '/':
				buf = append(buf, e)
			case 'b':
				buf = append(buf, '\b')
			case 'f':
				buf = append(buf, '\f')
			case 'n':
				buf = append(buf, '\n')
			case 'r':
				buf = append(buf, '\r')
			case 't':
				buf = append(buf, '\t')
			case 'u':
				r := p.hex4(p.i - 2)
				if utf16.IsSurrogate(r) && p.i+1 < len(p.b) && p.b[p.i] == '\\' && p.b[p.i+1] == 'u' {
					save := p.i
					p.i += 2
					r2 := p.hex4(save)
					if dec := utf16.DecodeRune(r, r2); dec != utf8.RuneError {
						r = dec
					} else {
						p.i = save
					}
				}
				buf = utf8.AppendRune(buf, r)
			default:
				p.fail(p.i-2, "invalid escape sequence '\\%c' in string", e)
			}
		default:
			if c == '\n' {
				p.multiline = start
			}
			buf = append(buf, c)
			p.i++
		}
	}
}

func (p *jsonParser) hex4(at int) rune {
	if p.i+4 > len(p.b) {
		p.fail(at, "invalid \\u escape: expected four hexadecimal digits")
	}
	v, err := strconv.ParseUint(string(p.b[p.i:p.i+4]), 16, 32)
	if err != nil {
		p.fail(at, "invalid \\u escape: expected four hexadecimal digits")
	}
	p.i += 4
	return rune(v)
}

func (p *jsonParser) number() *Node {
	start := p.i
	if p.b[p.i] == '-' {
		p.i++
	}
	digits := p.i
	for p.i < len(p.b) && p.b[p.i] >= '0' && p.b[p.i] <= '9' {
		p.i++
	}
	if p.i == digits {
		p.fail(start, "invalid number: expected a digit after '-'")
	}
	if p.b[digits] == '0' && p.i-digits > 1 {
		p.fail(start, "invalid number: leading zeros are not allowed")
	}
	isFloat := false
	if p.i < len(p.b) && p.b[p.i] == '.' {
		isFloat = true
		p.i++
		d := p.i
		for p.i < len(p.b) && p.b[p.i] >= '0' && p.b[p.i] <= '9' {
			p.i++
		}
		if p.i == d {
			p.fail(start, "invalid number: expected a digit after '.'")
		}
	}
	if p.i < len(p.b) && (p.b[p.i] == 'e' || p.b[p.i] == 'E') {
		isFloat = true
		p.i++
		if p.i < len(p.b) && (p.b[p.i] == '+' || p.b[p.i] == '-') {
			p.i++
		}
		d := p.i
		for p.i < len(p.b) && p.b[p.i] >= '0' && p.b[p.i] <= '9' {
			p.i++
		}
		if p.i == d {
			p.fail(start, "invalid number: expected a digit in the exponent")
		}
	}
	if p.i < len(p.b) && isIdentByte(p.b[p.i]) {
		p.fail(p.i, "unexpected %s in a number", p.describe(p.i))
	}
	text := p.view(start, p.i)
	if !isFloat {
		v, err := strconv.ParseInt(text, 10, 64)
		if err != nil {
			p.fail(start, "the integer %s is out of range: integers are signed 64-bit", text)
		}
		n := p.node(Int, start)
		n.Int = v
		return n
	}
	v, err := strconv.ParseFloat(text, 64)
	if err != nil || math.IsInf(v, 0) {
		p.fail(start, "the number %s is out of range", text)
	}
	n := p.node(Float, start)
	n.Float = v
	return n
}
