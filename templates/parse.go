package templates

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"github.com/armdeploy/armdeploy/templates/diag"
)

// MaxFileSize is ARM's limit on a template or parameter file: 4 MB.
const MaxFileSize = 4 << 20

// CodeTooLarge is the diagnostic code of a file above [MaxFileSize].
const CodeTooLarge = "RequestContentTooLarge"

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// ReadFile reads a file of at most [MaxFileSize] bytes and parses it. A
// larger file is refused before it is read, so a huge or endless file costs
// nothing. A file that cannot be opened is an error, not a diagnostic; so
// is anything but a regular file (a *[NotRegularError]), refused before it
// is opened: a named pipe would block for ever and a device never ends.
func ReadFile(path string) (*Source, diag.Diagnostics, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, nil, &NotRegularError{Path: path, What: fileKind(fi.Mode())}
	}
	if fi.Size() > MaxFileSize {
		return nil, diag.Diagnostics{tooLarge(path, fi.Size())}, nil
	}
	f, err := os.OpenFile(path, os.O_RDONLY|openFlags, 0)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	data, ds, err := readOpened(f, path, fi)
	if err != nil || ds != nil {
		return nil, ds, err
	}
	src, ds := Parse(path, data)
	return src, ds, nil
}

func tooLarge(path string, size int64) diag.Diagnostic {
	what := "more than 4194304 bytes"
	if size >= 0 {
		what = fmt.Sprintf("%d bytes", size)
	}
	return diag.Diagnostic{Severity: diag.Error, Code: CodeTooLarge, Range: diag.Range{File: path},
		Message: fmt.Sprintf("The request content size exceeds the maximum size of 4 MB: the file has %s.", what)}
}

// Parse reads data as JSON (comments allowed) or YAML, chosen by the file
// extension of name (.yaml and .yml are YAML; anything else is JSON unless
// it does not start like JSON and parses as YAML). It returns the source
// with its tree, or nil and at least one error diagnostic. Parse takes
// ownership of data: strings of the tree may share its memory, so the
// caller must not modify it afterwards.
//
// When the text cannot be parsed, the source is still returned (with a nil
// Root) so that diagnostics can show the offending line; only a file above
// the size limit yields a nil source.
func Parse(name string, data []byte) (*Source, diag.Diagnostics) {
	src := newSource(name, data)
	var ds diag.Diagnostics
	if len(data) > MaxFileSize {
		return nil, diag.Diagnostics{tooLarge(name, int64(len(data)))}
	}
	if d, ok := checkEncoding(src); !ok {
		return src, diag.Diagnostics{d}
	} else if d.Message != "" {
		ds = append(ds, d)
	}
	body := data
	if bytes.HasPrefix(body, utf8BOM) {
		body = body[len(utf8BOM):]
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return src, append(ds, diag.Errorf(src.Range(0, 0), CodeInvalidContent,
			"the file is empty; expected a JSON or YAML object"))
	}
	var more diag.Diagnostics
	switch formatOf(name, body) {
	case FormatYAML:
		src.Format = FormatYAML
		src.Root, more = parseYAML(src)
	default:
		src.Format = FormatJSON
		src.Root, more = parseJSON(src)
	}
	return src, append(ds, more...)
}

func formatOf(name string, body []byte) Format {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".yaml", ".yml":
		return FormatYAML
	case ".json", ".jsonc":
		return FormatJSON
	}
	if t := bytes.TrimLeft(body, " \t\r\n"); len(t) > 0 && (t[0] == '{' || t[0] == '[' || t[0] == '/') {
		return FormatJSON
	}
	return FormatYAML
}

// checkEncoding accepts UTF-8 text. A UTF-8 byte-order mark is accepted with
// a warning (az strips it too); UTF-16/32, NUL bytes and invalid UTF-8 are
// errors. ok=false means the file cannot be parsed; a non-empty d with
// ok=true is a warning.
func checkEncoding(src *Source) (d diag.Diagnostic, ok bool) {
	b := src.Text
	switch {
	case bytes.HasPrefix(b, []byte{0xFF, 0xFE}), bytes.HasPrefix(b, []byte{0xFE, 0xFF}):
		return diag.Errorf(src.Range(0, 2), CodeInvalidContent,
			"the file is UTF-16 encoded (it starts with a UTF-16 byte-order mark); save it as UTF-8"), false
	case bytes.HasPrefix(b, utf8BOM):
		d = diag.Warningf(src.Range(0, 3), "ByteOrderMark", "the file starts with a UTF-8 byte-order mark; it is ignored")
	}
	if i := bytes.IndexByte(b, 0); i >= 0 {
		return diag.Errorf(src.Range(i, i+1), CodeInvalidContent,
			"the file contains a NUL byte at offset %d: it is binary data, not a JSON or YAML text", i), false
	}
	if !utf8.Valid(b) {
		i := 0
		for i < len(b) {
			r, size := utf8.DecodeRune(b[i:])
			if r == utf8.RuneError && size == 1 {
				break
			}
			i += size
		}
		return diag.Errorf(src.Range(i, i+1), CodeInvalidContent,
			"the file is not valid UTF-8 text: invalid byte 0x%02X at offset %d", b[i], i), false
	}
	return d, true
}
