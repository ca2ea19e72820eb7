package templates

import (
	"bytes"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/armdeploy/armdeploy/templates/diag"
)

// Source is one loaded file: its name as the user gave it, its text, and the
// root of its value tree. It maps byte offsets and JSON pointers to
// file:line:col.
type Source struct {
	Name   string
	Text   []byte
	Root   *Node
	Format Format

	lines    []int  // byte offset of the start of each line
	nonASCII []bool // whether each line has a byte >= 0x80
	secret   [][2]int
}

// Format is the syntax a file was written in.
type Format uint8

// The file formats.
const (
	FormatJSON Format = iota // JSON, with // and /* */ comments allowed
	FormatYAML
)

func newSource(name string, text []byte) *Source {
	n := bytes.Count(text, []byte{'\n'})
	s := &Source{Name: name, Text: text, lines: make([]int, 1, n+1), nonASCII: make([]bool, 0, n+1)}
	wide := false
	for i, c := range text {
		switch {
		case c == '\n':
			s.lines = append(s.lines, i+1)
			s.nonASCII = append(s.nonASCII, wide)
			wide = false
		case c >= 0x80:
			wide = true
		}
	}
	s.nonASCII = append(s.nonASCII, wide)
	return s
}

// Pos returns the position of byte offset off. Columns count code points.
func (s *Source) Pos(off int) diag.Pos {
	if s == nil {
		return diag.Pos{}
	}
	off = max(0, min(off, len(s.Text)))
	line := sort.Search(len(s.lines), func(i int) bool { return s.lines[i] > off }) - 1
	start := s.lines[line]
	col := off - start + 1
	if s.nonASCII[line] {
		col = utf8.RuneCount(s.Text[start:off]) + 1
	}
	return diag.Pos{Line: line + 1, Col: col, Offset: off}
}

// Range returns the range of bytes [from, to).
func (s *Source) Range(from, to int) diag.Range {
	if s == nil {
		return diag.Range{}
	}
	return diag.Range{File: s.Name, Start: s.Pos(from), End: s.Pos(to)}
}

// Line returns line n (1-based) without its line break.
func (s *Source) Line(n int) (string, bool) {
	if s == nil || n < 1 || n > len(s.lines) {
		return "", false
	}
	end := len(s.Text)
	if n < len(s.lines) {
		end = s.lines[n] - 1
	}
	return strings.TrimSuffix(string(s.Text[s.lines[n-1]:end]), "\r"), true
}

// Redact hides the bytes [from, to) from every line [Source.Redacted]
// reports: they hold a secure value.
func (s *Source) Redact(from, to int) {
	if s == nil || from >= to {
		return
	}
	s.secret = append(s.secret, [2]int{max(0, from), min(to, len(s.Text))})
}

// Redacted returns the parts of line n (1-based) that [Source.Redact] hid,
// in 1-based rune columns.
func (s *Source) Redacted(n int) []diag.Span {
	if s == nil || n < 1 || n > len(s.lines) || len(s.secret) == 0 {
		return nil
	}
	start, end := s.lines[n-1], len(s.Text)
	if n < len(s.lines) {
		end = s.lines[n] - 1
	}
	var out []diag.Span
	for _, r := range s.secret {
		from, to := max(r[0], start), min(r[1], end)
		if from >= to {
			continue
		}
		out = append(out, diag.Span{Start: s.Pos(from).Col, End: s.Pos(to).Col})
	}
	// Sorted, with overlapping spans merged.
	slices.SortFunc(out, func(a, b diag.Span) int { return a.Start - b.Start })
	merged := out[:0]
	for _, sp := range out {
		if n := len(merged); n > 0 && sp.Start <= merged[n-1].End {
			merged[n-1].End = max(merged[n-1].End, sp.End)
			continue
		}
		merged = append(merged, sp)
	}
	return merged
}

// Lookup returns the node at a JSON pointer ("" is the root). Object keys are
// matched exactly first, then case-insensitively. When the pointer goes past
// what exists, it returns the deepest node on the way and false.
func (s *Source) Lookup(pointer string) (*Node, bool) {
	if s == nil {
		return nil, false
	}
	return Lookup(s.Root, pointer)
}

// RangeOf returns the range of the value at a JSON pointer, or of the
// deepest existing node on its way.
func (s *Source) RangeOf(pointer string) diag.Range {
	n, _ := s.Lookup(pointer)
	if n == nil {
		return diag.Range{File: s.Name}
	}
	return n.Range()
}

// Lookup finds the node at a JSON pointer below n. See [Source.Lookup].
func Lookup(n *Node, pointer string) (*Node, bool) {
	if pointer == "" {
		return n, n != nil
	}
	if pointer[0] != '/' {
		return n, false
	}
	cur := n
	for _, tok := range strings.Split(pointer[1:], "/") {
		tok = strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
		var next *Node
		switch cur.Kind {
		case Object:
			next = cur.Get(tok)
		case Array:
			if i, err := strconv.Atoi(tok); err == nil && i >= 0 && i < len(cur.Items) {
				next = cur.Items[i]
			}
		}
		if next == nil {
			return cur, false
		}
		cur = next
	}
	return cur, true
}

// Pointer joins tokens into an RFC 6901 JSON pointer.
func Pointer(tokens ...string) string {
	var b strings.Builder
	for _, t := range tokens {
		b.WriteByte('/')
		b.WriteString(strings.ReplaceAll(strings.ReplaceAll(t, "~", "~0"), "/", "~1"))
	}
	return b.String()
}

// Sources collects loaded files so that diagnostics can show source lines.
type Sources map[string]*Source

// Add records a source and returns the set.
func (ss Sources) Add(s *Source) Sources {
	if s != nil {
		ss[s.Name] = s
	}
	return ss
}

// Line implements [diag.Sources].
func (ss Sources) Line(file string, n int) (string, bool) {
	if s, ok := ss[file]; ok {
		return s.Line(n)
	}
	return "", false
}

// Redacted implements [diag.Redactions].
func (ss Sources) Redacted(file string, n int) []diag.Span {
	return ss[file].Redacted(n)
}
