package templates

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/armdeploy/armdeploy/templates/diag"
)

const paramFileHelp = "Please see https://aka.ms/arm-deploy/#parameter-file for usage details."

// CheckParameters checks the supplied values against the template's
// parameter declarations as ARM does before a deployment: unknown names,
// missing values, JSON types, allowedValues, minValue/maxValue and
// minLength/maxLength, and the shape of user-defined types. Every problem is
// reported; each diagnostic points at the supplied value (or, for a missing
// one, at the declaration) and relates the other end.
func CheckParameters(t *Template, ps *ParameterSet) diag.Diagnostics {
	var ds diag.Diagnostics
	var names []string
	for _, p := range t.Parameters {
		names = append(names, p.Name)
	}
	for _, v := range ps.Values {
		if t.Parameter(v.Name) != nil {
			continue
		}
		ds = append(ds, diag.Diagnostic{Severity: diag.Error, Code: CodeInvalidTemplate, Range: v.NameAt, Target: "parameters." + v.Name,
			Message: fmt.Sprintf("The template parameters '%s' in the parameters file are not valid; they are not present in the original template and can therefore not be provided at deployment time. The only supported parameters for this template are '%s'. %s",
				v.Name, strings.Join(names, ", "), paramFileHelp)})
	}
	for _, p := range t.Parameters {
		line, col := p.KeyRange.Start.Line, p.KeyRange.Start.Col
		v := ps.Get(p.Name)
		var value *Node
		at := p.KeyRange
		switch {
		case v != nil && v.Reference != nil:
			continue // reported when the file was read
		case v != nil && (v.Value.Kind != Null || p.IsNullable() || p.DefaultValue == nil):
			value, at = v.Value, v.At
			if v.FromArg && (p.BaseType() == "string") && value.Kind != String {
				value = &Node{Kind: String, Str: v.Text, src: value.src, start: value.start, end: value.end}
			}
		case p.DefaultValue != nil:
			if p.DefaultValue.Kind == String && IsExpression(p.DefaultValue.Str) {
				continue // evaluated and checked later
			}
			value, at = p.DefaultValue, p.DefaultValue.Range()
		case p.IsNullable():
			continue
		default:
			ds = append(ds, diag.Diagnostic{Severity: diag.Error, Code: CodeInvalidTemplate, Range: p.KeyRange, Target: "parameters." + p.Name,
				Message: fmt.Sprintf("The value for the template parameter '%s' at line '%d' and column '%d' is not provided. %s", p.Name, line, col, paramFileHelp)})
			continue
		}
		c := typeChecker{t: t}
		c.check(&p.TypeSpec, value, "")
		if p.IsSecure() {
			redactProblems(c.problems, value)
		}
		for _, prob := range c.problems {
			msg := fmt.Sprintf("The provided value for the template parameter '%s' at line '%d' and column '%d' is not valid. %s", p.Name, line, col, prob.msg)
			if prob.path != "" {
				msg = fmt.Sprintf("The provided value for the template parameter '%s' at line '%d' and column '%d' is not valid: at '%s': %s", p.Name, line, col, prob.path, prob.msg)
			}
			r := at
			if prob.node != nil && prob.node.src != nil {
				r = prob.node.Range()
			}
			d := diag.Diagnostic{Severity: diag.Error, Code: CodeInvalidTemplate, Range: r, Target: "parameters." + p.Name, Message: msg}
			if r.File != p.KeyRange.File || r.Start != p.KeyRange.Start {
				d.Related = []diag.Related{{Message: fmt.Sprintf("parameter '%s' is declared here", p.Name), Range: p.KeyRange}}
			}
			ds = append(ds, d)
		}
	}
	return ds
}

// TypeProblem is one way a value fails its declared type.
type TypeProblem struct {
	Path    string // where inside the value, "" for the value itself
	Message string
	Node    *Node
}

// CheckType checks a literal value against a declared type and returns every
// problem. It is the check ARM applies to parameter values and outputs.
func CheckType(t *Template, ts *TypeSpec, v *Node) []TypeProblem {
	c := typeChecker{t: t}
	c.check(ts, v, "")
	if ts.IsSecure() {
		redactProblems(c.problems, v)
	}
	out := make([]TypeProblem, len(c.problems))
	for i, p := range c.problems {
		out[i] = TypeProblem{Path: p.path, Message: p.msg, Node: p.node}
	}
	return out
}

type problem struct {
	path string
	msg  string
	node *Node
}

type typeChecker struct {
	t        *Template
	problems []problem
	depth    int
}

func (c *typeChecker) add(path string, n *Node, format string, args ...any) {
	c.problems = append(c.problems, problem{path: path, msg: fmt.Sprintf(format, args...), node: n})
}

// jtokenNames are the type names ARM uses in "Template parameter JToken
// type is not valid" messages.
var jtokenNames = map[string]string{
	"string": "String", "int": "Integer", "bool": "Boolean", "object": "Object", "array": "Array",
}

func jtoken(k Kind) string {
	switch k {
	case Null:
		return "Null"
	case Bool:
		return "Boolean"
	case Int:
		return "Integer"
	case Float:
		return "Float"
	case String:
		return "String"
	case Array:
		return "Array"
	}
	return "Object"
}

func kindMatches(base string, k Kind) bool {
	switch base {
	case "string":
		return k == String
	case "int":
		return k == Int
	case "bool":
		return k == Bool
	case "object":
		return k == Object
	case "array":
		return k == Array
	}
	return true // unknown type names are the schema's to report
}

// ResolveRef returns the type a "#/definitions/..." pointer names, or nil.
func (t *Template) ResolveRef(ref string) *TypeSpec {
	rest, ok := strings.CutPrefix(ref, "#/definitions/")
	if !ok {
		return nil
	}
	toks := strings.Split(rest, "/")
	d := t.Definition(toks[0])
	if d == nil {
		return nil
	}
	ts := &d.TypeSpec
	for i := 1; i < len(toks) && ts != nil; i++ {
		switch toks[i] {
		case "properties":
			if i+1 >= len(toks) {
				return nil
			}
			i++
			var next *TypeSpec
			for _, p := range ts.Properties {
				if p.Name == toks[i] {
					next = p.Type
				}
			}
			ts = next
		case "items":
			ts = ts.Items
		case "additionalProperties":
			ts = ts.AdditionalProperties
		case "prefixItems":
			if i+1 >= len(toks) {
				return nil
			}
			i++
			n, err := strconv.Atoi(toks[i])
			if err != nil || n < 0 || n >= len(ts.PrefixItems) {
				return nil
			}
			ts = ts.PrefixItems[n]
		default:
			return nil
		}
	}
	return ts
}

func (c *typeChecker) check(ts *TypeSpec, v *Node, path string) {
	if ts == nil || v == nil {
		return
	}
	c.depth++
	defer func() { c.depth-- }()
	if c.depth > 64 {
		return // a $ref cycle; the definitions check reports it
	}
	if ts.Ref != "" {
		ref := c.t.ResolveRef(ts.Ref)
		if ref == nil {
			c.add(path, nil, "The type reference '%s' does not resolve to a definition.", ts.Ref)
			return
		}
		if v.Kind == Null && ts.IsNullable() {
			return
		}
		if !(v.Kind == Null && ts.Nullable != nil && !*ts.Nullable) {
			c.check(ref, v, path)
		} else {
			c.add(path, v, "Template parameter JToken type is not valid. Expected a value. Actual 'Null'.")
		}
		c.constraints(ts, v, path)
		return
	}
	if v.Kind == Null {
		if !ts.IsNullable() && ts.Type != "" {
			c.add(path, v, "Template parameter JToken type is not valid. Expected '%s'. Actual 'Null'. %s", jtokenNames[ts.BaseType()], paramFileHelp)
		}
		return
	}
	if !kindMatches(ts.BaseType(), v.Kind) {
		c.add(path, v, "Template parameter JToken type is not valid. Expected '%s'. Actual '%s'. %s", jtokenNames[ts.BaseType()], jtoken(v.Kind), paramFileHelp)
		return
	}
	c.constraints(ts, v, path)
	switch v.Kind {
	case Object:
		c.object(ts, v, path)
	case Array:
		c.array(ts, v, path)
	}
}

func (c *typeChecker) constraints(ts *TypeSpec, v *Node, path string) {
	if ts.AllowedValues != nil && ts.AllowedValues.Kind == Array {
		var bad []*Node
		if v.Kind == Array && ts.BaseType() == "array" {
			for _, it := range v.Items {
				if !allowed(ts.AllowedValues, it) {
					bad = append(bad, it)
				}
			}
		} else if !allowed(ts.AllowedValues, v) {
			bad = append(bad, v)
		}
		for _, b := range bad {
			c.add(path, b, "The parameter value is not part of the allowed value(s): '%s'.", allowedList(ts.AllowedValues))
		}
	}
	if v.Kind == Int {
		if ts.MinValue != nil && v.Int < *ts.MinValue {
			c.add(path, v, "The value '%d' is less than the minimum value '%d'.", v.Int, *ts.MinValue)
		}
		if ts.MaxValue != nil && v.Int > *ts.MaxValue {
			c.add(path, v, "The value '%d' is greater than the maximum value '%d'.", v.Int, *ts.MaxValue)
		}
	}
	length := -1
	switch v.Kind {
	case String:
		length = utf8.RuneCountInString(v.Str)
	case Array:
		length = len(v.Items)
	}
	if length >= 0 {
		if ts.MinLength != nil && int64(length) < *ts.MinLength {
			c.add(path, v, "The length of the value is '%d', which is less than the minimum length '%d'.", length, *ts.MinLength)
		}
		if ts.MaxLength != nil && int64(length) > *ts.MaxLength {
			c.add(path, v, "The length of the value is '%d', which is greater than the maximum length '%d'.", length, *ts.MaxLength)
		}
	}
}

func (c *typeChecker) object(ts *TypeSpec, v *Node, path string) {
	if d := ts.Discriminator; d != nil {
		tag := v.Get(d.PropertyName)
		if tag == nil || tag.Kind != String {
			c.add(path, v, "The property '%s' that selects the object's type is missing or not a string.", d.PropertyName)
			return
		}
		for _, m := range d.Mapping {
			if m.Name == tag.Str {
				c.check(m.Type, v, path)
				return
			}
		}
		var names []string
		for _, m := range d.Mapping {
			names = append(names, m.Name)
		}
		c.add(join(path, d.PropertyName), tag, "The value '%s' is not one of the allowed values '%s'.", tag.Str, strings.Join(names, ", "))
		return
	}
	if len(ts.Properties) == 0 && ts.AdditionalProperties == nil && !ts.NoAdditional && !ts.Sealed {
		return
	}
	for _, p := range ts.Properties {
		pv := v.Get(p.Name)
		if pv == nil {
			if !c.nullable(p.Type) {
				c.add(path, v, "The required property '%s' is missing.", p.Name)
			}
			continue
		}
		c.check(p.Type, pv, join(path, p.Name))
	}
	for _, f := range v.Fields {
		if slices.ContainsFunc(ts.Properties, func(p *NamedType) bool { return strings.EqualFold(p.Name, f.Key) }) {
			continue
		}
		switch {
		case ts.NoAdditional || ts.Sealed:
			c.add(join(path, f.Key), f.Value, "The property '%s' is not allowed.", f.Key)
		case ts.AdditionalProperties != nil:
			c.check(ts.AdditionalProperties, f.Value, join(path, f.Key))
		}
	}
}

func (c *typeChecker) nullable(ts *TypeSpec) bool {
	if ts.Nullable != nil {
		return *ts.Nullable
	}
	if ts.Ref != "" {
		if r := c.t.ResolveRef(ts.Ref); r != nil && r != ts {
			return c.nullable(r)
		}
	}
	return false
}

func (c *typeChecker) array(ts *TypeSpec, v *Node, path string) {
	for i, it := range v.Items {
		p := fmt.Sprintf("%s[%d]", path, i)
		switch {
		case i < len(ts.PrefixItems):
			c.check(ts.PrefixItems[i], it, p)
		case ts.NoItems && (len(ts.PrefixItems) > 0 || ts.Items == nil):
			c.add(p, it, "The array may have at most %d elements.", len(ts.PrefixItems))
		case ts.Items != nil:
			c.check(ts.Items, it, p)
		}
	}
	if len(v.Items) < len(ts.PrefixItems) {
		c.add(path, v, "The array must have at least %d elements.", len(ts.PrefixItems))
	}
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// allowed reports whether v equals an element of list; strings compare
// case-insensitively, as ARM's allowedValues check does.
func allowed(list, v *Node) bool {
	for _, a := range list.Items {
		if a.Kind == String && v.Kind == String {
			if strings.EqualFold(a.Str, v.Str) {
				return true
			}
			continue
		}
		if Equal(a, v) {
			return true
		}
	}
	return false
}

func allowedList(list *Node) string {
	parts := make([]string, len(list.Items))
	for i, a := range list.Items {
		if a.Kind == String {
			parts[i] = a.Str
		} else {
			b, _ := a.MarshalJSON()
			parts[i] = string(b)
		}
	}
	return strings.Join(parts, ",")
}
