package syntax

import (
	"fmt"
	"strconv"
	"unicode/utf8"
)

// MaxExpressionLength is ARM's limit on the length of a template expression,
// in characters (arm-spec §2).
const MaxExpressionLength = 24576

// maxDepth bounds nesting so that hostile input cannot exhaust the stack of
// this parser or of the compiler behind it.
const maxDepth = 512

// Form is how ARM treats a JSON string value.
type Form uint8

const (
	// Literal is a plain string, used as is.
	Literal Form = iota
	// Escaped starts with "[[" and ends with "]": a literal whose first '['
	// is dropped.
	Escaped
	// Expression starts with '[' and ends with ']' and is evaluated.
	Expression
)

// Classify reports whether s is a literal, an escaped literal or an
// expression (arm-spec §3.1).
func Classify(s string) Form {
	if len(s) < 2 || s[0] != '[' || s[len(s)-1] != ']' {
		return Literal
	}
	if s[1] == '[' {
		return Escaped
	}
	return Expression
}

// LiteralValue returns the value of a string that is not an expression: the
// string itself, or without its first '[' when it is escaped with "[[".
func LiteralValue(s string) string {
	if Classify(s) == Escaped {
		return s[1:]
	}
	return s
}

// Error is a parse error. Offset is the byte offset of the offending token
// within the JSON string value.
type Error struct {
	Offset   int
	Expected string // ARM token name, or empty
	Actual   string // ARM token name, or empty
	Message  string
}

// Error returns the ARM-worded message.
func (e *Error) Error() string { return e.Message }

// Parse parses the JSON string value s, which must have the expression form
// "[...]" (see [Classify]). All ranges in the tree are byte offsets into s.
func Parse(s string) (Node, error) {
	if Classify(s) != Expression {
		return nil, &Error{Offset: 0, Message: fmt.Sprintf("The string '%s' is not a template language expression: it must start with '[' and end with ']'.", s)}
	}
	if n := utf8.RuneCountInString(s); n > MaxExpressionLength {
		return nil, &Error{Offset: MaxExpressionLength, Message: fmt.Sprintf(
			"The template language expression is %d characters long, which exceeds the limit of %d characters.", n, MaxExpressionLength)}
	}
	p := &parser{src: s, lex: lexer{src: s, pos: 1, end: len(s) - 1}}
	p.advance()
	n := p.expr(0)
	if p.err == nil && p.tok.kind != tokEOF {
		p.expect(tokEOF)
	}
	if p.err != nil {
		return nil, p.err
	}
	return n, nil
}

type parser struct {
	src string
	lex lexer
	tok token
	err *Error
}

func (p *parser) advance() { p.tok = p.lex.next() }

func (p *parser) inner() string { return p.src[1 : len(p.src)-1] }

// expect records ARM's "expected token" error unless the current token has
// kind k; it reports whether it did.
func (p *parser) expect(k tokenKind) bool {
	if p.tok.kind == k {
		return true
	}
	p.failExpected(k.String())
	return false
}

func (p *parser) failExpected(expected string) {
	if p.err != nil {
		return
	}
	actual := p.tok.kind.String()
	msg := fmt.Sprintf("Unable to parse language expression '%s': expected token '%s' and actual '%s'.", p.inner(), expected, actual)
	if p.tok.kind == tokInvalid {
		msg = fmt.Sprintf("Unable to parse language expression '%s': %s at position '%d'.", p.inner(), p.tok.err, p.tok.start-1)
	}
	p.err = &Error{Offset: p.tok.start, Expected: expected, Actual: actual, Message: msg}
}

func (p *parser) failf(offset int, format string, args ...any) {
	if p.err == nil {
		p.err = &Error{Offset: offset, Message: fmt.Sprintf(format, args...)}
	}
}

// expr := primary accessor*
func (p *parser) expr(depth int) Node {
	if depth > maxDepth {
		p.failf(p.tok.start, "Unable to parse language expression '%s': the expression is nested more than %d levels deep.", p.inner(), maxDepth)
		return nil
	}
	n := p.primary(depth)
	for p.err == nil {
		switch p.tok.kind {
		case tokDot:
			p.advance()
			if !p.expect(tokIdent) {
				return nil
			}
			name := p.tok
			p.advance()
			n = &Member{Target: n, Name: name.text, NameRange: Range{name.start, name.end},
				Range: Range{n.Span().Start, name.end}}
		case tokLBracket:
			p.advance()
			idx := p.expr(depth + 1)
			if p.err != nil || !p.expect(tokRBracket) {
				return nil
			}
			end := p.tok.end
			p.advance()
			n = &Index{Target: n, Index: idx, Range: Range{n.Span().Start, end}}
		default:
			return n
		}
	}
	return nil
}

// primary := call | string | integer
func (p *parser) primary(depth int) Node {
	t := p.tok
	switch t.kind {
	case tokString:
		p.advance()
		return &StringLit{Value: t.text, Range: Range{t.start, t.end}}
	case tokInt:
		v, err := strconv.ParseInt(t.text, 10, 64)
		if err != nil {
			p.failf(t.start, "Unable to parse language expression '%s': the integer '%s' is out of range.", p.inner(), t.text)
			return nil
		}
		p.advance()
		return &IntLit{Value: v, Range: Range{t.start, t.end}}
	case tokIdent:
		return p.call(depth)
	}
	p.failExpected(tokIdent.String())
	return nil
}

// call := name [ '.' name ] '(' [ expr { ',' expr } ] ')'
func (p *parser) call(depth int) Node {
	first := p.tok
	p.advance()
	c := &Call{Name: first.text, NameRange: Range{first.start, first.end}}
	if p.tok.kind == tokDot {
		p.advance()
		if !p.expect(tokIdent) {
			return nil
		}
		c.Namespace, c.Name = first.text, p.tok.text
		c.NameRange.End = p.tok.end
		p.advance()
	}
	if !p.expect(tokLParen) {
		return nil
	}
	p.advance()
	if p.tok.kind != tokRParen {
		for {
			arg := p.expr(depth + 1)
			if p.err != nil {
				return nil
			}
			c.Args = append(c.Args, arg)
			if p.tok.kind == tokComma {
				p.advance()
				continue
			}
			break
		}
	}
	if !p.expect(tokRParen) {
		return nil
	}
	c.Range = Range{first.start, p.tok.end}
	p.advance()
	return c
}
