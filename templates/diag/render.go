package diag

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Sources gives the text of a source line for snippets. Line is 1-based.
type Sources interface {
	Line(file string, line int) (string, bool)
}

// Redactions is implemented by [Sources] that hide parts of their lines
// (the values of secure parameters): a snippet shows [Mask] in place of
// each span, and its caret moves to match.
type Redactions interface {
	Redacted(file string, line int) []Span
}

// Span is a part of one line, in 1-based rune columns; End is exclusive.
type Span struct{ Start, End int }

// SourceMap is a Sources over whole file contents keyed by file name.
type SourceMap map[string][]byte

// Line returns line n of file, without its line break.
func (m SourceMap) Line(file string, n int) (string, bool) {
	src, ok := m[file]
	if !ok || n < 1 {
		return "", false
	}
	for i := 1; i < n; i++ {
		j := strings.IndexByte(string(src), '\n')
		if j < 0 {
			return "", false
		}
		src = src[j+1:]
	}
	if j := strings.IndexByte(string(src), '\n'); j >= 0 {
		src = src[:j]
	}
	return strings.TrimSuffix(string(src), "\r"), true
}

// maxSnippet caps how much of a long source line a snippet shows.
const maxSnippet = 160

// WriteText renders every diagnostic as
//
//	file:line:col: Code: message
//	   12 | "type": "strng",
//	      |         ^^^^^^^
//
// followed by its related positions. src may be nil (no snippets).
func WriteText(out io.Writer, ds Diagnostics, src Sources) error {
	if len(ds) == 0 {
		return nil
	}
	w := bufio.NewWriter(out) // a write per diagnostic line was a syscall each
	if err := writeText(w, ds, src); err != nil {
		return err
	}
	return w.Flush()
}

func writeText(w io.Writer, ds Diagnostics, src Sources) error {
	for _, d := range ds {
		if _, err := io.WriteString(w, d.Error()+"\n"); err != nil {
			return err
		}
		if err := writeSnippet(w, d.Range, src); err != nil {
			return err
		}
		for _, r := range d.Related {
			if _, err := fmt.Fprintf(w, "  %s: %s\n", r.Range, r.Message); err != nil {
				return err
			}
		}
	}
	return nil
}

func writeSnippet(w io.Writer, r Range, src Sources) error {
	if src == nil || !r.Start.IsValid() {
		return nil
	}
	line, ok := src.Line(r.File, r.Start.Line)
	if !ok || !utf8.ValidString(line) {
		return nil
	}
	line = strings.ReplaceAll(line, "\t", " ")
	runes := []rune(line)
	col := r.Start.Col - 1
	if col > len(runes) {
		col = len(runes)
	}
	width := 1
	if r.End.Line == r.Start.Line && r.End.Col > r.Start.Col {
		width = r.End.Col - r.Start.Col
	}
	if red, ok := src.(Redactions); ok {
		runes, col, width = redact(runes, red.Redacted(r.File, r.Start.Line), col, width)
	}
	// Keep long lines readable: show a window around the caret.
	start := 0
	if len(runes) > maxSnippet {
		start = max(0, col-maxSnippet/2)
		end := min(len(runes), start+maxSnippet)
		runes = runes[start:end]
	}
	col -= start
	width = max(1, min(width, len(runes)-col))
	num := strconv.Itoa(r.Start.Line)
	pad := strings.Repeat(" ", len(num))
	_, err := fmt.Fprintf(w, " %s | %s\n %s | %s%s\n", num, string(runes), pad,
		strings.Repeat(" ", col), strings.Repeat("^", width))
	return err
}

// redact replaces each span of line with [Mask] and moves the caret
// [col, col+width) (0-based runes) to the same place in the new line: a
// caret inside a span covers its mask.
func redact(line []rune, spans []Span, col, width int) ([]rune, int, int) {
	if len(spans) == 0 {
		return line, col, width
	}
	slices.SortFunc(spans, func(a, b Span) int { return a.Start - b.Start })
	mask := []rune(Mask)
	out := make([]rune, 0, len(line))
	start, end := -1, -1
	caretEnd := col + width
	next := 0           // the first rune of line not yet copied
	at := func(p int) { // before copying rune p, outside every span
		if p == col && start < 0 {
			start = len(out)
		}
		if p == caretEnd && end < 0 {
			end = len(out)
		}
	}
	for _, sp := range spans {
		s, e := max(sp.Start-1, next), min(sp.End-1, len(line))
		if s >= e {
			continue
		}
		for p := next; p < s; p++ {
			at(p)
			out = append(out, line[p])
		}
		maskStart := len(out)
		out = append(out, mask...)
		for p := s; p < e; p++ {
			if p == col && start < 0 {
				start = maskStart
			}
			if p > s && p == caretEnd && end < 0 {
				end = len(out)
			}
		}
		if s == caretEnd && end < 0 {
			end = maskStart
		}
		next = e
	}
	for p := next; p < len(line); p++ {
		at(p)
		out = append(out, line[p])
	}
	if start < 0 {
		start = len(out)
	}
	if end < 0 {
		end = len(out)
	}
	return out, start, max(1, end-start)
}

// ErrorResponse is ARM's error envelope: {"error": {...}}.
type ErrorResponse struct {
	Error *ErrorDetail `json:"error"`
}

// ErrorDetail is ARM's error shape, as the REST API returns it.
type ErrorDetail struct {
	Code           string           `json:"code"`
	Message        string           `json:"message"`
	Target         *string          `json:"target"`
	Details        []*ErrorDetail   `json:"details,omitempty"`
	AdditionalInfo []AdditionalInfo `json:"additionalInfo,omitempty"`
}

// AdditionalInfo carries ARM's TemplateViolation position record.
type AdditionalInfo struct {
	Type string        `json:"type"`
	Info ViolationInfo `json:"info"`
}

// ViolationInfo is the position of a template violation. Armdeploy adds the
// file, which ARM (that receives one document) does not need.
type ViolationInfo struct {
	File         string `json:"file,omitempty"`
	LineNumber   int    `json:"lineNumber"`
	LinePosition int    `json:"linePosition"`
	Path         string `json:"path"`
}

// Detail converts one diagnostic to ARM's error shape.
func (d Diagnostic) Detail() *ErrorDetail {
	e := &ErrorDetail{Code: d.Code, Message: d.Message}
	if d.Target != "" {
		t := d.Target
		e.Target = &t
	}
	if d.Range.IsValid() || d.Path != "" {
		e.AdditionalInfo = []AdditionalInfo{{Type: "TemplateViolation", Info: ViolationInfo{
			File: d.Range.File, LineNumber: d.Range.Start.Line, LinePosition: d.Range.Start.Col, Path: d.Target,
		}}}
	}
	return e
}

// Response wraps error diagnostics in ARM's envelope. A single error is the
// envelope's error itself; several are the details of an outer error with
// the given code and message.
func (ds Diagnostics) Response(code, message string) ErrorResponse {
	errs := ds.Errors()
	if len(errs) == 1 && code == "" {
		return ErrorResponse{Error: errs[0].Detail()}
	}
	outer := &ErrorDetail{Code: code, Message: message}
	for _, d := range errs {
		outer.Details = append(outer.Details, d.Detail())
	}
	return ErrorResponse{Error: outer}
}

// WriteJSON writes v as indented JSON without HTML escaping. The output is
// always valid UTF-8: bytes that are not (from a stored body or a
// MarshalJSON passed through as is) become U+FFFD; in valid JSON they can
// only stand inside strings.
func WriteJSON(w io.Writer, v any) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return err
	}
	_, err := w.Write(ValidUTF8(buf.Bytes()))
	return err
}

// ValidUTF8 returns b with each byte that is not part of a UTF-8 sequence
// replaced by U+FFFD, as encoding/json replaces them in strings; b itself
// when it is valid.
func ValidUTF8(b []byte) []byte {
	if utf8.Valid(b) {
		return b
	}
	out := make([]byte, 0, len(b)+8)
	for len(b) > 0 {
		r, size := utf8.DecodeRune(b)
		if r == utf8.RuneError && size == 1 {
			out = utf8.AppendRune(out, utf8.RuneError)
		} else {
			out = append(out, b[:size]...)
		}
		b = b[size:]
	}
	return out
}
