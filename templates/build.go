package templates

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/armdeploy/armdeploy/templates/diag"
)

// CodeInvalidTemplate is ARM's code for every template validation failure.
const CodeInvalidTemplate = "InvalidTemplate"

// CodeUnknownSchema is the warning code of a $schema that is not a
// published deploymentTemplate schema.
const CodeUnknownSchema = "UnknownSchema"

// The limits of arm-spec §2 that hold for the template as written.
const (
	MaxParameters       = 256
	MaxVariables        = 256
	MaxResources        = 800
	MaxOutputs          = 64
	MaxExpressionLength = 24576
	MaxNestingLevels    = 5
)

// schemaScopes maps the file name of each deploymentTemplate schema to the
// scope it is written for.
var schemaScopes = map[string]Scope{
	"deploymenttemplate.json":                ScopeResourceGroup,
	"subscriptiondeploymenttemplate.json":    ScopeSubscription,
	"managementgroupdeploymenttemplate.json": ScopeManagementGroup,
	"tenantdeploymenttemplate.json":          ScopeTenant,
}

// knownSchemas are the published deploymentTemplate schema versions.
var knownSchemas = map[string]bool{
	"2014-04-01-preview/deploymenttemplate.json":        true,
	"2015-01-01/deploymenttemplate.json":                true,
	"2019-04-01/deploymenttemplate.json":                true,
	"2018-05-01/subscriptiondeploymenttemplate.json":    true,
	"2019-08-01/managementgroupdeploymenttemplate.json": true,
	"2019-08-01/tenantdeploymenttemplate.json":          true,
}

// builder reads a Node tree into the model, collecting diagnostics. It does
// not repeat what the JSON Schema reports (wrong JSON types, missing
// required members): where a member has the wrong shape it is skipped.
type builder struct {
	src        *Source
	ds         diag.Diagnostics
	apiProfile bool   // the template names an apiProfile: apiVersion may be left out
	prefix     string // JSON pointer of the template within its file
}

func (b *builder) errorf(n *Node, format string, args ...any) {
	b.ds = append(b.ds, diag.Diagnostic{Severity: diag.Error, Code: CodeInvalidTemplate,
		Message: fmt.Sprintf(format, args...), Range: n.Range()})
}

func (b *builder) warnf(n *Node, code, format string, args ...any) {
	b.ds = append(b.ds, diag.Diagnostic{Severity: diag.Warning, Code: code,
		Message: fmt.Sprintf(format, args...), Range: n.Range()})
}

// line and col give ARM's "at line 'L' and column 'C'" numbers for a node.
func lineCol(n *Node) (int, int) {
	p := n.Range().Start
	return p.Line, p.Col
}

// NewTemplate reads a parsed file into a Template. It reports semantic
// problems (incorrect segment lengths, names declared twice in different
// case, limits, nesting) as diagnostics; structural problems are the JSON
// Schema's to report, and members with the wrong shape are skipped.
func NewTemplate(src *Source) (*Template, diag.Diagnostics) {
	return NewTemplateAt(src, src.Root, "")
}

// NewTemplateAt reads a template that is a value inside a file, such as the
// inline template of a nested deployment; pointer is that value's JSON
// pointer in the file, so resources keep their real position. A $schema is
// optional there.
func NewTemplateAt(src *Source, root *Node, pointer string) (*Template, diag.Diagnostics) {
	b := &builder{src: src, prefix: pointer}
	t := &Template{Source: src, Root: root, Pointer: pointer}
	if root.Kind != Object {
		b.errorf(root, "a template must be a JSON object, not %s", article(root.Kind))
		return t, b.ds
	}
	t.Schema = str(root.Get("$schema"))
	t.Scope = b.scope(root.Get("$schema"))
	t.ContentVersion = str(root.Get("contentVersion"))
	t.LanguageVersion = str(root.Get("languageVersion"))
	t.APIProfile = str(root.Get("apiProfile"))
	b.apiProfile = root.Get("apiProfile") != nil
	t.Metadata = root.Get("metadata")
	if defs := root.Get("definitions"); defs != nil && defs.Kind == Object {
		for _, f := range defs.Fields {
			t.Definitions = append(t.Definitions, &TypeDefinition{Name: f.Key, TypeSpec: *readTypeSpec(f.Value)})
		}
	}
	t.Parameters = b.parameters(root.Get("parameters"))
	t.Variables = b.variables(root.Get("variables"))
	t.Functions = b.functions(root.Get("functions"))
	t.Resources = b.resources(t, root.Get("resources"))
	t.Outputs = b.outputs(root.Get("outputs"))
	markSecureRefs(t)
	b.limits(t)
	b.expressionLengths(root)
	return t, b.ds
}

func (b *builder) scope(n *Node) Scope {
	if n == nil || n.Kind != String {
		return ScopeResourceGroup
	}
	s := strings.ToLower(strings.TrimSuffix(n.Str, "#"))
	scope, known := ScopeResourceGroup, false
	if i := strings.LastIndexByte(s, '/'); i >= 0 {
		var ok bool
		if scope, ok = schemaScopes[s[i+1:]]; ok {
			if j := strings.LastIndexByte(s[:i], '/'); j >= 0 {
				known = knownSchemas[s[j+1:]] && (strings.HasPrefix(s, "https://schema.management.azure.com/schemas/") || strings.HasPrefix(s, "http://schema.management.azure.com/schemas/"))
			}
		}
	}
	if !known {
		b.warnf(n, CodeUnknownSchema, "the $schema '%s' is not a published deploymentTemplate schema; the template is read as a %s template", n.Str, scope)
	}
	return scope
}

// str returns a string node's text, or "" for anything else.
func str(n *Node) string {
	if n != nil && n.Kind == String {
		return n.Str
	}
	return ""
}

func article(k Kind) string {
	switch k {
	case Int, Array, Object:
		return "an " + k.String()
	case Null:
		return "null"
	}
	return "a " + k.String()
}

func intPtr(n *Node) *int64 {
	if n != nil && n.Kind == Int {
		v := n.Int
		return &v
	}
	return nil
}

func readTypeSpec(n *Node) *TypeSpec {
	ts := &TypeSpec{Node: n}
	if n == nil || n.Kind != Object {
		return ts
	}
	ts.Type = strings.ToLower(str(n.Get("type")))
	ts.Ref = str(n.Get("$ref"))
	ts.AllowedValues = n.Get("allowedValues")
	ts.MinValue, ts.MaxValue = intPtr(n.Get("minValue")), intPtr(n.Get("maxValue"))
	ts.MinLength, ts.MaxLength = intPtr(n.Get("minLength")), intPtr(n.Get("maxLength"))
	if v := n.Get("nullable"); v != nil && v.Kind == Bool {
		nb := v.Bool
		ts.Nullable = &nb
	}
	if v := n.Get("sealed"); v != nil && v.Kind == Bool {
		ts.Sealed = v.Bool
	}
	if props := n.Get("properties"); props != nil && props.Kind == Object {
		for _, f := range props.Fields {
			ts.Properties = append(ts.Properties, &NamedType{Name: f.Key, Type: readTypeSpec(f.Value)})
		}
	}
	switch ap := n.Get("additionalProperties"); {
	case ap == nil:
	case ap.Kind == Bool:
		ts.NoAdditional = !ap.Bool
	case ap.Kind == Object:
		ts.AdditionalProperties = readTypeSpec(ap)
	}
	switch it := n.Get("items"); {
	case it == nil:
	case it.Kind == Bool:
		ts.NoItems = !it.Bool
	case it.Kind == Object:
		ts.Items = readTypeSpec(it)
	}
	if pi := n.Get("prefixItems"); pi != nil && pi.Kind == Array {
		for _, it := range pi.Items {
			ts.PrefixItems = append(ts.PrefixItems, readTypeSpec(it))
		}
	}
	if d := n.Get("discriminator"); d != nil && d.Kind == Object {
		disc := &Discriminator{PropertyName: str(d.Get("propertyName"))}
		if m := d.Get("mapping"); m != nil && m.Kind == Object {
			for _, f := range m.Fields {
				disc.Mapping = append(disc.Mapping, &NamedType{Name: f.Key, Type: readTypeSpec(f.Value)})
			}
		}
		ts.Discriminator = disc
	}
	ts.Metadata = n.Get("metadata")
	ts.Description = str(ts.Metadata.Get("description"))
	return ts
}

// dupCheck reports names that differ only in case: ARM looks names up
// case-insensitively, so the second declaration could never be reached.
type dupCheck struct {
	b    *builder
	what string
	seen map[string]*Field
	in   *Node
}

func (d *dupCheck) ok(f *Field) bool {
	if d.seen == nil {
		d.seen = map[string]*Field{}
	}
	k := strings.ToLower(f.Key)
	if first, dup := d.seen[k]; dup {
		r := first.KeyRange(d.in).Start
		d.b.ds = append(d.b.ds, diag.Diagnostic{Severity: diag.Error, Code: CodeInvalidTemplate,
			Range: f.KeyRange(d.in),
			Message: fmt.Sprintf("The %s '%s' is declared more than once: names are case-insensitive and '%s' at line '%d' and column '%d' has the same name.",
				d.what, f.Key, first.Key, r.Line, r.Col)})
		return false
	}
	d.seen[k] = f
	return true
}

func (b *builder) parameters(n *Node) []*Parameter {
	if n == nil || n.Kind != Object {
		return nil
	}
	dc := dupCheck{b: b, what: "template parameter", in: n}
	var out []*Parameter
	for i := range n.Fields {
		f := &n.Fields[i]
		if !dc.ok(f) {
			continue
		}
		p := &Parameter{Name: f.Key, KeyRange: f.KeyRange(n), TypeSpec: *readTypeSpec(f.Value)}
		p.DefaultValue = f.Value.Get("defaultValue")
		out = append(out, p)
	}
	return out
}

func (b *builder) variables(n *Node) []*Variable {
	if n == nil || n.Kind != Object {
		return nil
	}
	dc := dupCheck{b: b, what: "template variable", in: n}
	var out []*Variable
	for i := range n.Fields {
		f := &n.Fields[i]
		if strings.EqualFold(f.Key, "copy") && f.Value.Kind == Array {
			for _, c := range f.Value.Items {
				cp := readCopy(c)
				if cp.Name == "" {
					continue
				}
				nameField := c.Field("name")
				vf := &Field{Key: cp.Name, Value: c, keyStart: nameField.Value.start, keyEnd: nameField.Value.end}
				if !dc.ok(vf) {
					continue
				}
				out = append(out, &Variable{Name: cp.Name, KeyRange: nameField.Value.Range(), Copy: cp})
			}
			continue
		}
		if !dc.ok(f) {
			continue
		}
		out = append(out, &Variable{Name: f.Key, KeyRange: f.KeyRange(n), Value: f.Value})
	}
	return out
}

func readCopy(n *Node) *Copy {
	if n == nil || n.Kind != Object {
		return nil
	}
	c := &Copy{Node: n, Name: str(n.Get("name")), Count: n.Get("count"), BatchSize: n.Get("batchSize"), Input: n.Get("input")}
	c.Mode = strings.ToLower(str(n.Get("mode")))
	if c.Mode == "" {
		c.Mode = "parallel"
	}
	return c
}

func (b *builder) functions(n *Node) []*UserFunction {
	if n == nil || n.Kind != Array {
		return nil
	}
	var out []*UserFunction
	seen := map[string]*Node{}
	for _, ns := range n.Items {
		nsName := str(ns.Get("namespace"))
		members := ns.Get("members")
		if members == nil || members.Kind != Object {
			continue
		}
		for _, m := range members.Fields {
			key := strings.ToLower(nsName + "." + m.Key)
			if seen[key] != nil {
				b.errorf(m.Value, "The user-defined function '%s.%s' is declared more than once.", nsName, m.Key)
				continue
			}
			seen[key] = m.Value
			uf := &UserFunction{Namespace: nsName, Name: m.Key, Node: m.Value}
			if ps := m.Value.Get("parameters"); ps != nil && ps.Kind == Array {
				for _, p := range ps.Items {
					uf.Parameters = append(uf.Parameters, &FunctionParameter{Name: str(p.Get("name")), TypeSpec: *readTypeSpec(p)})
				}
			}
			if o := m.Value.Get("output"); o != nil {
				uf.Output = readTypeSpec(o)
				uf.Value = o.Get("value")
			}
			out = append(out, uf)
		}
	}
	return out
}

func (b *builder) outputs(n *Node) []*Output {
	if n == nil || n.Kind != Object {
		return nil
	}
	dc := dupCheck{b: b, what: "template output", in: n}
	var out []*Output
	for i := range n.Fields {
		f := &n.Fields[i]
		if !dc.ok(f) {
			continue
		}
		o := &Output{Name: f.Key, KeyRange: f.KeyRange(n), TypeSpec: *readTypeSpec(f.Value)}
		o.Value = f.Value.Get("value")
		o.Condition = f.Value.Get("condition")
		o.Copy = readCopy(f.Value.Get("copy"))
		out = append(out, o)
	}
	return out
}

func (b *builder) limits(t *Template) {
	root := t.Root
	check := func(key string, have, limit int) {
		if have > limit {
			b.errorf(root.Get(key), "%s", LimitExceeded(key, limit, have))
		}
	}
	check("parameters", len(t.Parameters), MaxParameters)
	check("variables", len(t.Variables), MaxVariables)
	check("resources", len(t.AllResources()), MaxResources)
	check("outputs", len(t.Outputs), MaxOutputs)
}

// LimitExceeded is ARM's message for a template section ("parameters",
// "variables", "resources", "outputs") with more members than its limit
// allows. Each template counts on its own; a nested deployment's template
// is a template of its own. The resources text is Azure's, verbatim:
//
//	The number of template resources limit exceeded. Limit: '800' and actual: '2187'. Please see https://aka.ms/arm-template/#resources for usage details.
//
// The other sections follow the same pattern (Azure's text for them was
// not found; it is the analogue).
func LimitExceeded(section string, limit, actual int) string {
	return fmt.Sprintf("The number of template %s limit exceeded. Limit: '%d' and actual: '%d'. Please see https://aka.ms/arm-template/#%s for usage details.", section, limit, actual, section)
}

// expressionLengths reports expressions above ARM's 24,576-character limit,
// in values and in object keys.
func (b *builder) expressionLengths(n *Node) {
	switch n.Kind {
	case String:
		if len(n.Str) > MaxExpressionLength && IsExpression(n.Str) {
			b.errorf(n, "The template language expression is %d characters long, which exceeds the limit of '%d' characters.", len(n.Str), MaxExpressionLength)
		}
	case Array:
		for _, it := range n.Items {
			b.expressionLengths(it)
		}
	case Object:
		for i := range n.Fields {
			f := &n.Fields[i]
			if len(f.Key) > MaxExpressionLength && IsExpression(f.Key) {
				b.ds = append(b.ds, diag.Diagnostic{Severity: diag.Error, Code: CodeInvalidTemplate, Range: f.KeyRange(n),
					Message: fmt.Sprintf("The template language expression is %d characters long, which exceeds the limit of '%d' characters.", len(f.Key), MaxExpressionLength)})
			}
			b.expressionLengths(f.Value)
		}
	}
}

// PathOf turns a JSON pointer into ARM's dotted target form:
// "/resources/0/properties/x" becomes "resources[0].properties.x".
func PathOf(pointer string) string {
	if pointer == "" {
		return ""
	}
	var sb strings.Builder
	for _, tok := range strings.Split(pointer[1:], "/") {
		tok = strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
		if _, err := strconv.Atoi(tok); err == nil {
			sb.WriteString("[" + tok + "]")
			continue
		}
		if sb.Len() > 0 {
			sb.WriteByte('.')
		}
		sb.WriteString(tok)
	}
	return sb.String()
}

// markSecureRefs marks the parameters and outputs whose $ref leads to a
// securestring or secureObject definition as secure.
func markSecureRefs(t *Template) {
	secure := func(ts *TypeSpec) bool {
		for range len(t.Definitions) + 1 { // a cycle ends here
			if ts.Ref == "" {
				return ts.Type == "securestring" || ts.Type == "secureobject"
			}
			name, ok := strings.CutPrefix(ts.Ref, "#/definitions/")
			d := t.Definition(name)
			if !ok || d == nil {
				return false
			}
			ts = &d.TypeSpec
		}
		return false
	}
	for _, p := range t.Parameters {
		p.secureRef = p.Ref != "" && secure(&p.TypeSpec)
	}
	for _, o := range t.Outputs {
		o.secureRef = o.Ref != "" && secure(&o.TypeSpec)
	}
}
