package templates

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"regexp"
	"strings"

	"github.com/armdeploy/armdeploy/templates/diag"
)

// ParameterValue is one supplied parameter value, from a parameter file or
// the command line. Values are literal: they are never evaluated as
// expressions.
type ParameterValue struct {
	Name string
	// Value is the supplied value, or nil for a Key Vault reference.
	Value *Node
	// Reference is set when the value is a Key Vault secret reference.
	Reference *Node
	// At is where the value was given (the "value" member or the
	// name=value argument), for diagnostics.
	At diag.Range
	// NameAt is where the name was given.
	NameAt diag.Range
	// Text is the raw text of a name=value argument; a string parameter
	// takes it as written even when it also parses as JSON ("1.0").
	Text string
	// FromArg is true for values given as name=value.
	FromArg bool
}

// ParameterFile is a deploymentParameters document.
type ParameterFile struct {
	Source         *Source
	Schema         string
	ContentVersion string
	Values         []*ParameterValue
}

// CodeKeyVaultReference is the warning code of a Key Vault reference, which
// cannot be resolved offline.
const CodeKeyVaultReference = "KeyVaultReferenceUnsupported"

// NewParameterFile reads a parsed deploymentParameters document. A bare
// object of {"name": {"value": ...}} members, as az accepts inline, is read
// the same way.
func NewParameterFile(src *Source) (*ParameterFile, diag.Diagnostics) {
	b := &builder{src: src}
	pf := &ParameterFile{Source: src}
	root := src.Root
	if root.Kind != Object {
		b.errorf(root, "a parameter file must be a JSON object, not %s", article(root.Kind))
		return pf, b.ds
	}
	if sch := str(root.Get("$schema")); strings.Contains(strings.ToLower(sch), "deploymenttemplate.json") {
		b.errorf(root.Get("$schema"), "This file is a deployment template ($schema '%s'), not a parameter file; pass a template with -f and parameters with -p.", sch)
		return pf, b.ds
	}
	params := root
	if p := root.Get("parameters"); p != nil && (root.Get("$schema") != nil || root.Get("contentVersion") != nil || len(root.Fields) == 1) {
		pf.Schema = str(root.Get("$schema"))
		pf.ContentVersion = str(root.Get("contentVersion"))
		params = p
	}
	if params.Kind != Object {
		return pf, b.ds
	}
	dc := dupCheck{b: b, what: "parameter value", in: params}
	for i := range params.Fields {
		f := &params.Fields[i]
		if !dc.ok(f) || f.Value.Kind != Object {
			continue
		}
		pv := &ParameterValue{Name: f.Key, At: f.KeyRange(params), NameAt: f.KeyRange(params)}
		if v := f.Value.Field("value"); v != nil {
			pv.Value, pv.At = v.Value, v.Value.Range()
		} else if ref := f.Value.Get("reference"); ref != nil {
			pv.Reference, pv.At = ref, ref.Range()
			b.ds = append(b.ds, diag.Diagnostic{Severity: diag.Warning, Code: CodeKeyVaultReference, Range: ref.Range(),
				Message: fmt.Sprintf("The value of parameter '%s' is a Key Vault reference, which armdeploy cannot resolve offline; a deployment needs the value with -p %s=VALUE.", f.Key, f.Key)})
		} else {
			continue // the schema reports the missing value
		}
		pf.Values = append(pf.Values, pv)
	}
	return pf, b.ds
}

// ErrUsage marks a -p argument that is not one of the forms az accepts; the
// CLI turns it into a usage error.
var ErrUsage = errors.New("usage")

var argName = regexp.MustCompile(`^[A-Za-z_$][A-Za-z0-9_$.\-]*$`)

// ReadParameterArg reads one -p argument in any form az accepts:
//
//	@file.json | @file.yaml     a parameter file
//	file.json                   a parameter file, when the file exists
//	{"name": {"value": ...}}    inline JSON (a whole parameter file works too)
//	name=value                  one value: JSON when it parses, else a string
//
// As az decides, an argument that names an existing regular file is that
// file; any other argument of the name=value form (a valid parameter name
// before the first '=') is a value, however long, even when it cannot be a
// path at all.
//
// label names the argument in diagnostics (for example "-p #2"). The
// source of a file or inline JSON is returned for snippets. An argument that
// fits no form, or a file that cannot be read, is an error wrapping
// [ErrUsage] or the file error.
func ReadParameterArg(arg, label string) ([]*ParameterValue, *Source, diag.Diagnostics, error) {
	readFile := func(path string) ([]*ParameterValue, *Source, diag.Diagnostics, error) {
		src, ds, err := ReadFile(path)
		if nr := (*NotRegularError)(nil); errors.As(err, &nr) {
			return nil, nil, nil, fmt.Errorf("the parameters file %w", err)
		} else if err != nil {
			return nil, nil, nil, fmt.Errorf("parameters %s: %w", path, err)
		}
		if src == nil || src.Root == nil {
			RedactUnparsed(src)
			return nil, src, ds, nil
		}
		pf, more := NewParameterFile(src)
		return pf.Values, src, append(ds, more...), nil
	}
	switch {
	case strings.HasPrefix(arg, "@"):
		return readFile(arg[1:])
	case strings.HasPrefix(strings.TrimSpace(arg), "{"):
		src, ds := Parse(label, []byte(arg))
		if src.Root == nil {
			RedactUnparsed(src)
			return nil, src, ds, nil
		}
		pf, more := NewParameterFile(src)
		return pf.Values, src, append(ds, more...), nil
	}
	name, text, ok := strings.Cut(arg, "=")
	pair := ok && argName.MatchString(name)
	// As az: an existing file is read as one; otherwise NAME=VALUE is a
	// value. A NAME=VALUE that cannot be a path (a long SSH key: "file
	// name too long") is a value, whatever stat says; only an argument of
	// no other form reports why it could not be read.
	if fi, err := os.Stat(arg); err == nil && (fi.Mode().IsRegular() || !pair && !fi.IsDir()) {
		return readFile(arg)
	} else if err != nil && !pair && !errors.Is(err, fs.ErrNotExist) {
		return nil, nil, nil, fmt.Errorf("parameters %s: %w", arg, err)
	}
	if !pair {
		shown := arg
		if ok {
			shown = name + "=" + diag.Mask // the value may be a secret
		}
		return nil, nil, nil, fmt.Errorf("%w: -p %q is not a parameter file (no such file), a JSON object or NAME=VALUE", ErrUsage, shown)
	}
	src := newSource(label, []byte(arg))
	off := len(name) + 1
	pv := &ParameterValue{Name: name, Text: text, FromArg: true, At: src.Range(off, len(arg)), NameAt: src.Range(0, len(name))}
	if v := parseArgJSON(text); v != nil {
		shiftNode(v, src, off)
		pv.Value = v
	} else {
		pv.Value = &Node{Kind: String, Str: text, src: src, start: int32(off), end: int32(len(arg))}
	}
	return []*ParameterValue{pv}, src, nil, nil
}

// parseArgJSON parses the value of name=value as JSON, or returns nil.
func parseArgJSON(text string) *Node {
	if strings.TrimSpace(text) == "" {
		return nil
	}
	src := newSource("", []byte(text))
	root, ds := parseJSON(src)
	if ds.HasErrors() || root == nil {
		return nil
	}
	return root
}

// shiftNode moves a tree parsed from the value part of an argument into the
// source of the whole argument.
func shiftNode(n *Node, src *Source, off int) {
	n.src = src
	n.start += int32(off)
	n.end += int32(off)
	for _, it := range n.Items {
		shiftNode(it, src, off)
	}
	for i := range n.Fields {
		n.Fields[i].keyStart += int32(off)
		n.Fields[i].keyEnd += int32(off)
		shiftNode(n.Fields[i].Value, src, off)
	}
}

// ParameterSet is the merged result of every -p argument: later values
// replace earlier ones with the same (case-insensitive) name.
type ParameterSet struct {
	Values  []*ParameterValue
	Sources Sources
}

// Add merges values into the set, later ones winning.
func (ps *ParameterSet) Add(values []*ParameterValue) {
	for _, v := range values {
		replaced := false
		for i, old := range ps.Values {
			if strings.EqualFold(old.Name, v.Name) {
				ps.Values[i] = v
				replaced = true
				break
			}
		}
		if !replaced {
			ps.Values = append(ps.Values, v)
		}
	}
}

// Get returns the value supplied for a parameter, or nil.
func (ps *ParameterSet) Get(name string) *ParameterValue {
	for _, v := range ps.Values {
		if strings.EqualFold(v.Name, name) {
			return v
		}
	}
	return nil
}
