package diag

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// Severity says whether a diagnostic stops the run.
type Severity rune

const (
	// Error makes the input invalid.
	Error Severity = 'E'
	// Warning is reported but does not make the input invalid.
	Warning Severity = 'W'
)

// String returns "error" or "warning".
func (s Severity) String() string {
	if s == Warning {
		return "warning"
	}
	return "error"
}

// Pos is a position in a source file. Line and Col are 1-based; Col counts
// characters (Unicode code points), not bytes. Offset is the 0-based byte
// offset. The zero Pos means "no position".
type Pos struct {
	Line, Col, Offset int
}

// IsValid reports whether p names a real position.
func (p Pos) IsValid() bool { return p.Line > 0 }

// Range is a span of a source file. End is exclusive; it may equal Start.
type Range struct {
	File       string
	Start, End Pos
}

// IsValid reports whether r has a file position.
func (r Range) IsValid() bool { return r.Start.IsValid() }

// String renders "file:line:col", "file" or "" when nothing is known.
func (r Range) String() string {
	switch {
	case r.File != "" && r.Start.IsValid():
		return fmt.Sprintf("%s:%d:%d", r.File, r.Start.Line, r.Start.Col)
	case r.Start.IsValid():
		return fmt.Sprintf("%d:%d", r.Start.Line, r.Start.Col)
	default:
		return r.File
	}
}

// Diagnostic is one problem in the user's input.
type Diagnostic struct {
	Severity Severity
	// Code is ARM's error code where Azure has one (InvalidTemplate,
	// InvalidRequestContent, NoRegisteredProviderFound, ...).
	Code string
	// Message is the full text, in ARM's words where Azure has them.
	Message string
	// Target names the element the problem is about, in ARM's dotted form
	// ("parameters.location", "resources[2].properties"), or a resource id.
	Target string
	// Path is the RFC 6901 JSON pointer of the element in its file.
	Path string
	// Range is where the element is. It may be invalid for problems that
	// have no place in a file.
	Range Range
	// Related points at other places that explain the problem, such as the
	// template parameter a parameter-file value is checked against.
	Related []Related
}

// Related is a secondary position of a diagnostic.
type Related struct {
	Message string
	Range   Range
}

// Errorf returns an error diagnostic at r.
func Errorf(r Range, code, format string, args ...any) Diagnostic {
	return Diagnostic{Severity: Error, Code: code, Message: fmt.Sprintf(format, args...), Range: r}
}

// Warningf returns a warning diagnostic at r.
func Warningf(r Range, code, format string, args ...any) Diagnostic {
	return Diagnostic{Severity: Warning, Code: code, Message: fmt.Sprintf(format, args...), Range: r}
}

// Error implements error so that a single diagnostic can travel as one.
func (d Diagnostic) Error() string {
	var b strings.Builder
	if s := d.Range.String(); s != "" {
		b.WriteString(s)
		b.WriteString(": ")
	}
	if d.Severity == Warning {
		b.WriteString("warning: ")
	}
	if d.Code != "" {
		b.WriteString(d.Code)
		b.WriteString(": ")
	}
	b.WriteString(d.Message)
	return b.String()
}

// Diagnostics is an append-only list of diagnostics.
type Diagnostics []Diagnostic

// Append adds diagnostics and returns the list, like the builtin append.
func (ds Diagnostics) Append(more ...Diagnostic) Diagnostics { return append(ds, more...) }

// HasErrors reports whether any diagnostic is an error.
func (ds Diagnostics) HasErrors() bool {
	return slices.ContainsFunc(ds, func(d Diagnostic) bool { return d.Severity == Error })
}

// Errors returns only the error diagnostics.
func (ds Diagnostics) Errors() Diagnostics {
	var out Diagnostics
	for _, d := range ds {
		if d.Severity == Error {
			out = append(out, d)
		}
	}
	return out
}

// Err returns nil when there are no errors, else an error whose text lists
// every error diagnostic, one per line.
func (ds Diagnostics) Err() error {
	errs := ds.Errors()
	if len(errs) == 0 {
		return nil
	}
	return errs
}

// Error lists the diagnostics one per line.
func (ds Diagnostics) Error() string {
	lines := make([]string, len(ds))
	for i, d := range ds {
		lines[i] = d.Error()
	}
	return strings.Join(lines, "\n")
}

// Sort orders diagnostics by file, position, code and message so that output
// is stable whatever order the checks ran in. Diagnostics without a position
// come first within their file.
func (ds Diagnostics) Sort() {
	slices.SortStableFunc(ds, func(a, b Diagnostic) int {
		return cmp.Or(
			cmp.Compare(a.Range.File, b.Range.File),
			cmp.Compare(a.Range.Start.Line, b.Range.Start.Line),
			cmp.Compare(a.Range.Start.Col, b.Range.Start.Col),
			cmp.Compare(a.Code, b.Code),
			cmp.Compare(a.Message, b.Message),
		)
	})
}

// SortByFiles orders diagnostics like Sort, but files in the given order
// (the template first, then each -p argument as given) instead of by name;
// files not in the list come last, by name.
func (ds Diagnostics) SortByFiles(files []string) {
	rank := func(f string) int {
		for i, x := range files {
			if x == f {
				return i
			}
		}
		return len(files)
	}
	slices.SortStableFunc(ds, func(a, b Diagnostic) int {
		return cmp.Or(
			cmp.Compare(rank(a.Range.File), rank(b.Range.File)),
			cmp.Compare(a.Range.File, b.Range.File),
			cmp.Compare(a.Range.Start.Line, b.Range.Start.Line),
			cmp.Compare(a.Range.Start.Col, b.Range.Start.Col),
			cmp.Compare(a.Code, b.Code),
			cmp.Compare(a.Message, b.Message),
		)
	})
}

// Dedup removes exact repeats (same severity, code, message and position),
// keeping the first. It keeps the order of the rest.
func (ds Diagnostics) Dedup() Diagnostics {
	type key struct {
		sev       Severity
		code, msg string
		r         Range
	}
	if len(ds) < 2 {
		return ds
	}
	seen := make(map[key]bool, len(ds))
	out := make(Diagnostics, 0, len(ds))
	for _, d := range ds {
		k := key{d.Severity, d.Code, d.Message, d.Range}
		if seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, d)
	}
	return out
}
