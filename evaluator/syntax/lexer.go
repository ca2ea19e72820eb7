package syntax

import (
	"unicode"
	"unicode/utf8"
)

// tokenKind names follow the token names ARM uses in its parse errors
// ("expected token 'EndOfData' and actual 'RightParenthesis'").
type tokenKind uint8

const (
	tokEOF tokenKind = iota
	tokIdent
	tokInt
	tokString
	tokDot
	tokComma
	tokLParen
	tokRParen
	tokLBracket
	tokRBracket
	tokInvalid
)

var tokenNames = [...]string{
	tokEOF:      "EndOfData",
	tokIdent:    "Identifier",
	tokInt:      "Integer",
	tokString:   "String",
	tokDot:      "Dot",
	tokComma:    "Comma",
	tokLParen:   "LeftParenthesis",
	tokRParen:   "RightParenthesis",
	tokLBracket: "LeftSquareBracket",
	tokRBracket: "RightSquareBracket",
	tokInvalid:  "Unknown",
}

func (k tokenKind) String() string { return tokenNames[k] }

type token struct {
	kind  tokenKind
	start int
	end   int
	text  string // identifier or integer text; decoded value for strings
	err   string // for tokInvalid: why
}

// lexer splits the text between the outer brackets into tokens. Offsets are
// relative to the whole JSON string value.
type lexer struct {
	src string // the whole JSON string value
	pos int
	end int // offset of the closing ']'
}

func isIdentStart(r rune) bool { return r == '_' || r == '$' || unicode.IsLetter(r) }
func isIdentPart(r rune) bool  { return isIdentStart(r) || unicode.IsDigit(r) }

func (l *lexer) next() token {
	for l.pos < l.end {
		c := l.src[l.pos]
		if c == ' ' || c == '\t' || c == '\n' || c == '\r' {
			l.pos++
			continue
		}
		break
	}
	start := l.pos
	if l.pos >= l.end {
		return token{kind: tokEOF, start: l.end, end: l.end}
	}
	c := l.src[l.pos]
	single := func(k tokenKind) token {
		l.pos++
		return token{kind: k, start: start, end: l.pos}
	}
	switch c {
	case '.':
		return single(tokDot)
	case ',':
		return single(tokComma)
	case '(':
		return single(tokLParen)
	case ')':
		return single(tokRParen)
	case '[':
		return single(tokLBracket)
	case ']':
		return single(tokRBracket)
	case '\'':
		return l.stringLit()
	}
	if c == '-' || (c >= '0' && c <= '9') {
		l.pos++
		digits := l.pos
		for l.pos < l.end && l.src[l.pos] >= '0' && l.src[l.pos] <= '9' {
			l.pos++
		}
		if c == '-' && l.pos == digits {
			return token{kind: tokInvalid, start: start, end: l.pos, text: "-", err: "a '-' must be followed by digits"}
		}
		return token{kind: tokInt, start: start, end: l.pos, text: l.src[start:l.pos]}
	}
	r, n := utf8.DecodeRuneInString(l.src[l.pos:l.end])
	if isIdentStart(r) {
		l.pos += n
		for l.pos < l.end {
			r, n := utf8.DecodeRuneInString(l.src[l.pos:l.end])
			if !isIdentPart(r) {
				break
			}
			l.pos += n
		}
		return token{kind: tokIdent, start: start, end: l.pos, text: l.src[start:l.pos]}
	}
	l.pos += n
	return token{kind: tokInvalid, start: start, end: l.pos, text: l.src[start:l.pos], err: "unexpected character"}
}

func (l *lexer) stringLit() token {
	start := l.pos
	l.pos++ // opening quote
	var buf []byte
	seg := l.pos
	for l.pos < l.end {
		if l.src[l.pos] != '\'' {
			l.pos++
			continue
		}
		if l.pos+1 < l.end && l.src[l.pos+1] == '\'' {
			buf = append(buf, l.src[seg:l.pos+1]...)
			l.pos += 2
			seg = l.pos
			continue
		}
		var text string
		if buf == nil {
			text = l.src[seg:l.pos]
		} else {
			text = string(append(buf, l.src[seg:l.pos]...))
		}
		l.pos++
		return token{kind: tokString, start: start, end: l.pos, text: text}
	}
	return token{kind: tokInvalid, start: start, end: l.end, text: l.src[start:l.end], err: "the string literal is not terminated"}
}
