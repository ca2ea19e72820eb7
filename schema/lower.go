package schema

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// Lowering rewrites a hand-written schema document, before it is compiled, so that it
// says what ARM and the resource providers accept rather than what plain JSON Schema
// would. The documents stay readable ("type": "integer", "enum": [...]) and the rules
// that would otherwise be repeated on every leaf live here, in one place:
//
//   - Expressions. A node that accepts an expression (every node of a resource schema,
//     and template-schema nodes marked "x-expr": true) also accepts a string of the form
//     "[...]": its "type" gains "string" and strings must match exprPattern. A node
//     opts out with "x-expr": false.
//   - Coercion. In resource schemas integers and numbers also accept numeric strings
//     ("1") and booleans accept "true"/"false" in any case, because the providers
//     deserialize them that way (the upstream sig-image-definition-create quickstart
//     passes recommended.vCPUs.min as "1"). An object also accepts the empty string,
//     which the providers' deserializer reads as null (the gallery's safekit templates
//     pass linuxConfiguration as ''). "x-coerce": false opts out.
//   - Enums. A string enum becomes a case-insensitive pattern (most ARM enums are matched
//     ignoring case); "x-caseSensitive": true keeps the case. An enum node without
//     "type" constrains strings only (used by overlays that add an enum to a typed base).
//   - Patterns and lengths of expression-accepting strings are combined with
//     exprPattern so that an expression is never held to the literal's format.
//
// What a node meant before lowering is kept in "x-orig" (see origInfo), which the
// message builder reads to report the original keyword (type, enum, pattern, ...) with
// the allowed values instead of the lowered regular expression.

// exprPattern matches a template expression: a string that starts with "[" and ends
// with "]" but does not start with "[[" (which escapes a literal). Go's regexp has no
// look-ahead, hence the optional group.
const exprPattern = `^\[(?:[^\[][\s\S]*)?\]$`

const (
	intStringPattern    = `^\s*[+-]?[0-9]+\s*$`
	numberStringPattern = `^\s*[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?\s*$`
	boolStringPattern   = `^(?i:true|false)$`
)

var exprRegexp = regexp.MustCompile(exprPattern)

// isExpression reports whether s is a template expression.
func isExpression(s string) bool { return exprRegexp.MatchString(s) }

// lowerOptions are the defaults of a document; nodes override them with "x-expr" and
// "x-coerce".
type lowerOptions struct {
	expr   bool
	coerce bool
}

// origInfo is what a lowered node meant. It is stored in the node under "x-orig" as a
// JSON-like map so that the lowered document stays a plain JSON value.
type origInfo struct {
	types         []string // the original "type" list when lowering widened it
	enum          []string // allowed values of a string enum (or "x-enum")
	caseSensitive bool
	pattern       string // the original pattern of a string node
	minLength     int    // -1 when absent
	maxLength     int    // -1 when absent
	expr          bool   // the node accepts an expression
	coerce        bool   // numeric and boolean strings are accepted
}

func (o origInfo) toMap() map[string]any {
	m := map[string]any{"expr": o.expr, "coerce": o.coerce, "caseSensitive": o.caseSensitive}
	if o.types != nil {
		m["types"] = toAnySlice(o.types)
	}
	if o.enum != nil {
		m["enum"] = toAnySlice(o.enum)
	}
	if o.pattern != "" {
		m["pattern"] = o.pattern
	}
	if o.minLength >= 0 {
		m["minLength"] = int64(o.minLength)
	}
	if o.maxLength >= 0 {
		m["maxLength"] = int64(o.maxLength)
	}
	return m
}

// origOf reads the "x-orig" of a lowered schema node; ok is false when the node was
// not lowered.
func origOf(node map[string]any) (o origInfo, ok bool) {
	m, ok := node["x-orig"].(map[string]any)
	if !ok {
		return origInfo{minLength: -1, maxLength: -1}, false
	}
	o.types = toStringSlice(m["types"])
	o.enum = toStringSlice(m["enum"])
	o.caseSensitive, _ = m["caseSensitive"].(bool)
	o.pattern, _ = m["pattern"].(string)
	o.minLength, o.maxLength = -1, -1
	if n, ok := asInt(m["minLength"]); ok {
		o.minLength = n
	}
	if n, ok := asInt(m["maxLength"]); ok {
		o.maxLength = n
	}
	o.expr, _ = m["expr"].(bool)
	o.coerce, _ = m["coerce"].(bool)
	return o, true
}

// Keywords whose value is one subschema, a map of subschemas or a list of them.
var (
	schemaKeywords    = []string{"additionalProperties", "not", "if", "then", "else", "contains", "unevaluatedProperties", "unevaluatedItems", "additionalItems", "items"}
	schemaMapKeywords = []string{"properties", "patternProperties", "$defs", "definitions", "dependentSchemas"}
	schemaListKeyword = []string{"allOf", "anyOf", "oneOf", "prefixItems"}
)

// lowerDocument lowers a whole schema document in place.
func lowerDocument(doc any, opt lowerOptions) error {
	return lowerSchema(doc, opt, "#")
}

func lowerSchema(node any, opt lowerOptions, at string) error {
	m, ok := node.(map[string]any)
	if !ok {
		return nil // boolean schema
	}
	if err := lowerNode(m, opt); err != nil {
		return fmt.Errorf("%s: %w", at, err)
	}
	for _, kw := range schemaKeywords {
		switch sub := m[kw].(type) {
		case map[string]any:
			if err := lowerSchema(sub, opt, at+"/"+kw); err != nil {
				return err
			}
		case []any: // draft-07 tuple "items"
			for i, s := range sub {
				if err := lowerSchema(s, opt, at+"/"+kw+"/"+strconv.Itoa(i)); err != nil {
					return err
				}
			}
		}
	}
	for _, kw := range schemaMapKeywords {
		if sub, ok := m[kw].(map[string]any); ok {
			for _, k := range sortedKeys(sub) {
				if err := lowerSchema(sub[k], opt, at+"/"+kw+"/"+k); err != nil {
					return err
				}
			}
		}
	}
	for _, kw := range schemaListKeyword {
		if sub, ok := m[kw].([]any); ok {
			for i, s := range sub {
				if err := lowerSchema(s, opt, at+"/"+kw+"/"+strconv.Itoa(i)); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// lowerNode rewrites the keywords of one schema node (not its subschemas).
func lowerNode(m map[string]any, opt lowerOptions) error {
	expr, coerce := opt.expr, opt.coerce
	if v, ok := m["x-expr"].(bool); ok {
		expr = v
	}
	if v, ok := m["x-coerce"].(bool); ok {
		coerce = v
	}
	types, err := typesOf(m["type"])
	if err != nil {
		return err
	}
	o := origInfo{minLength: -1, maxLength: -1, expr: expr, coerce: coerce}
	o.caseSensitive, _ = m["x-caseSensitive"].(bool)
	if xe, ok := m["x-enum"]; ok {
		o.enum = toStringSlice(xe)
	}
	changed := o.enum != nil

	// String constraints: enum, pattern, lengths.
	var literal string // what a literal string must match ("" = anything)
	if ev, ok := m["enum"].([]any); ok {
		vals := toStringSlice(ev)
		if len(vals) == len(ev) { // only string enums are lowered
			if _, hasPattern := m["pattern"]; hasPattern {
				return fmt.Errorf("a node cannot have both a string enum and a pattern")
			}
			o.enum = vals
			literal = enumRegexp(vals, o.caseSensitive)
			delete(m, "enum")
			changed = true
		}
	}
	if p, ok := m["pattern"].(string); ok {
		o.pattern = p
		literal = p
		changed = true
	}
	if expr {
		minL, hasMin := asInt(m["minLength"])
		maxL, hasMax := asInt(m["maxLength"])
		if (hasMin || hasMax) && literal == "" && maxL <= 1000 {
			if !hasMin {
				minL = 0
			}
			o.minLength, o.maxLength = -1, -1
			bounds := strconv.Itoa(minL) + ","
			if hasMin {
				o.minLength = minL
			}
			if hasMax {
				o.maxLength = maxL
				bounds += strconv.Itoa(maxL)
			}
			literal = `^[\s\S]{` + bounds + `}$`
			delete(m, "minLength")
			delete(m, "maxLength")
			changed = true
		}
	}

	var alts []string // what a string must match, as alternatives
	switch {
	case expr && types != nil && !slices.Contains(types, "string"):
		// Widen a non-string type to also accept (some) strings.
		o.types = types
		m["type"] = toAnySlice(append(slices.Clone(types), "string"))
		if coerce {
			switch {
			case slices.Contains(types, "integer"):
				alts = append(alts, intStringPattern)
			case slices.Contains(types, "number"):
				alts = append(alts, numberStringPattern)
			}
			if slices.Contains(types, "boolean") {
				alts = append(alts, boolStringPattern)
			}
			if slices.Contains(types, "object") {
				alts = append(alts, `^$`)
			}
		}
		alts = append(alts, exprPattern)
		changed = true
	case literal != "" && expr:
		alts = []string{"(?:" + literal + ")", exprPattern}
	case literal != "":
		alts = []string{literal}
	}
	if len(alts) > 0 {
		p := strings.Join(alts, "|")
		if _, err := regexp.Compile(p); err != nil {
			return fmt.Errorf("lowered pattern %q: %w", p, err)
		}
		m["pattern"] = p
	}
	if changed {
		m["x-orig"] = o.toMap()
	}
	return nil
}

// enumRegexp builds an anchored alternation of the quoted values.
func enumRegexp(vals []string, caseSensitive bool) string {
	q := make([]string, len(vals))
	for i, v := range vals {
		q[i] = regexp.QuoteMeta(v)
	}
	flags := "(?i:"
	if caseSensitive {
		flags = "(?:"
	}
	return "^" + flags + strings.Join(q, "|") + ")$"
}

func typesOf(v any) ([]string, error) {
	switch t := v.(type) {
	case nil:
		return nil, nil
	case string:
		return []string{t}, nil
	case []any:
		s := toStringSlice(t)
		if len(s) != len(t) {
			return nil, fmt.Errorf("bad type list %v", t)
		}
		return s, nil
	}
	return nil, fmt.Errorf("bad type %v", v)
}

func toStringSlice(v any) []string {
	l, ok := v.([]any)
	if !ok {
		return nil
	}
	out := make([]string, 0, len(l))
	for _, e := range l {
		if s, ok := e.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

func toAnySlice(s []string) []any {
	out := make([]any, len(s))
	for i, v := range s {
		out[i] = v
	}
	return out
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
