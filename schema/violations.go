package schema

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v5"
)

// This file turns the validator's error tree into Violations: one per real problem,
// at the instance pointer of the offending value, with the keyword the schema author
// wrote (not the lowered one) and a sentence that names the property and, for enums,
// the allowed values.

// leafKeywords are the keywords that fail on their own (without subschema causes).
var leafKeywords = map[string]bool{
	"type": true, "enum": true, "const": true, "pattern": true, "format": true,
	"required": true, "additionalProperties": true, "dependentRequired": true, "dependencies": true,
	"minimum": true, "maximum": true, "exclusiveMinimum": true, "exclusiveMaximum": true, "multipleOf": true,
	"minLength": true, "maxLength": true, "minItems": true, "maxItems": true, "uniqueItems": true,
	"minProperties": true, "maxProperties": true, "minContains": true, "maxContains": true,
	"not": true, "oneOf": true, "additionalItems": true,
}

// reporter builds violations against one validated instance.
type reporter struct {
	inst any                  // the instance that was validated (after rewrites)
	docs func(url string) any // the lowered schema document at a URL
	root string               // how to name the instance itself: "the template", ...
	out  []Violation          // collected, in pointers of inst
}

// violationsOf converts a validation error to sorted, deduplicated violations with
// pointers into the caller's instance.
func violationsOf(err error, inst any, docs func(url string) any, root string, rw *rewrites) []Violation {
	var ve *jsonschema.ValidationError
	if !errors.As(err, &ve) {
		return []Violation{{Pointer: "", Keyword: "type", Message: fmt.Sprintf("%s cannot be validated: %v", root, err)}}
	}
	r := &reporter{inst: inst, docs: docs, root: root}
	r.walk(ve)
	for i := range r.out {
		r.out[i].Pointer = rw.original(r.out[i].Pointer)
	}
	return sortViolations(r.out)
}

// sortViolations orders by pointer, then keyword, then message, and drops duplicates.
func sortViolations(v []Violation) []Violation {
	slices.SortFunc(v, func(a, b Violation) int {
		return cmp.Or(cmp.Compare(a.Pointer, b.Pointer), cmp.Compare(a.Keyword, b.Keyword), cmp.Compare(a.Message, b.Message))
	})
	return slices.Compact(v)
}

func (r *reporter) walk(ve *jsonschema.ValidationError) {
	if len(ve.Causes) == 0 {
		r.leaf(ve)
		return
	}
	if kw := lastToken(ve.KeywordLocation); (kw == "anyOf" || kw == "oneOf") && ve.Message != "" {
		r.walk(r.chooseBranch(ve))
		return
	}
	for _, c := range ve.Causes {
		r.walk(c)
	}
}

// chooseBranch picks the branch of a failed anyOf/oneOf worth reporting. A branch that
// is only "a template expression" says nothing useful about a literal, and a branch
// whose type does not even fit the value is less relevant than one whose type fits but
// some detail inside fails.
func (r *reporter) chooseBranch(ve *jsonschema.ValidationError) *jsonschema.ValidationError {
	var fallback *jsonschema.ValidationError
	for _, b := range ve.Causes {
		leaves := collectLeaves(b, nil)
		exprOnly, typeMismatch := true, false
		for _, l := range leaves {
			kw, node := r.keywordNode(l)
			if l.InstanceLocation == ve.InstanceLocation && kw == "type" {
				typeMismatch = true
			}
			if l.InstanceLocation != ve.InstanceLocation || !isExpressionNode(node) {
				exprOnly = false
			}
		}
		if exprOnly {
			continue
		}
		if !typeMismatch {
			return b
		}
		if fallback == nil {
			fallback = b
		}
	}
	if fallback != nil {
		return fallback
	}
	return ve.Causes[0]
}

// isExpressionNode reports whether a schema node only says "a template expression".
func isExpressionNode(node map[string]any) bool {
	if node["pattern"] != exprPattern {
		return false
	}
	types, _ := typesOf(node["type"])
	return len(types) == 0 || len(types) == 1 && types[0] == "string"
}

func collectLeaves(ve *jsonschema.ValidationError, out []*jsonschema.ValidationError) []*jsonschema.ValidationError {
	if len(ve.Causes) == 0 {
		return append(out, ve)
	}
	for _, c := range ve.Causes {
		out = collectLeaves(c, out)
	}
	return out
}

func lastToken(p string) string {
	return p[strings.LastIndexByte(p, '/')+1:]
}

// keywordNode finds the failing keyword of a leaf and the schema node holding it.
// The keyword is "false" for a false schema and "" when it cannot be told.
func (r *reporter) keywordNode(ve *jsonschema.ValidationError) (string, map[string]any) {
	url, frag, _ := strings.Cut(ve.AbsoluteKeywordLocation, "#")
	doc := r.docs(url)
	toks := pointerTokens(validatorPointer(frag))
	for i := len(toks) - 1; i >= 0; i-- {
		if !leafKeywords[toks[i]] {
			continue
		}
		if n, ok := resolve(doc, joinPointer(toks[:i])); ok {
			if m, ok := n.(map[string]any); ok {
				if _, has := m[toks[i]]; has {
					return toks[i], m
				}
			}
		}
	}
	if n, ok := resolve(doc, joinPointer(toks)); ok {
		if b, ok := n.(bool); ok && !b {
			return "false", nil
		}
	}
	return "", nil
}

func joinPointer(toks []string) string {
	var b strings.Builder
	for _, t := range toks {
		b.WriteByte('/')
		b.WriteString(escapeToken(t))
	}
	return b.String()
}

func (r *reporter) add(ptr, keyword, msg string) {
	r.out = append(r.out, Violation{Pointer: ptr, Keyword: keyword, Message: msg})
}

// leaf reports one failing keyword.
func (r *reporter) leaf(ve *jsonschema.ValidationError) {
	ptr := validatorPointer(ve.InstanceLocation)
	value, _ := resolve(r.inst, ptr)
	kw, node := r.keywordNode(ve)
	subj := r.subject(ptr)
	custom, _ := node["x-message"].(string)

	switch kw {
	case "required":
		obj, _ := value.(map[string]any)
		for _, name := range toStringSlice(node["required"]) {
			if _, ok := obj[name]; !ok {
				r.add(ptr, "required", fmt.Sprintf("required property '%s' is missing from %s", name, r.noun(ptr)))
			}
		}
	case "additionalProperties":
		obj, _ := value.(map[string]any)
		allowed, _ := node["properties"].(map[string]any)
		for _, name := range sortedKeys(obj) {
			if _, ok := allowed[name]; ok {
				continue
			}
			msg := fmt.Sprintf("property '%s' is not allowed in %s", name, r.noun(ptr))
			if len(allowed) > 0 && len(allowed) <= 16 {
				msg += "; allowed properties are " + quoteList(sortedKeys(allowed))
			}
			r.add(ptr+"/"+escapeToken(name), "additionalProperties", msg)
		}
	case "type":
		r.add(ptr, "type", fmt.Sprintf("%s must be %s; got %s", subj, expectation(node), describe(value)))
	case "pattern":
		r.pattern(ptr, subj, node, value, custom)
	case "enum":
		r.add(ptr, "enum", fmt.Sprintf("%s must be one of %s; got %s", subj, valueList(node["enum"]), short(value)))
	case "const":
		r.add(ptr, "const", fmt.Sprintf("%s must be %s; got %s", subj, short(node["const"]), short(value)))
	case "not":
		if p, ok := node["x-pointer"].(string); ok {
			if obj, ok := value.(map[string]any); ok {
				if _, has := obj[p]; has {
					ptr += "/" + escapeToken(p)
				}
			}
		}
		if custom == "" {
			custom = fmt.Sprintf("%s is not allowed in this form", subj)
		}
		r.add(ptr, "not", custom)
	case "false":
		r.add(ptr, "false", fmt.Sprintf("%s is not allowed", subj))
	case "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum":
		words := map[string]string{"minimum": "at least", "maximum": "at most", "exclusiveMinimum": "greater than", "exclusiveMaximum": "less than"}
		r.add(ptr, kw, fmt.Sprintf("%s must be %s %v; got %v", subj, words[kw], node[kw], short(value)))
	case "minLength", "maxLength":
		words := map[string]string{"minLength": "at least", "maxLength": "at most"}
		r.add(ptr, kw, fmt.Sprintf("%s must be %s %v characters long; got %s", subj, words[kw], node[kw], short(value)))
	case "minItems", "maxItems":
		words := map[string]string{"minItems": "at least", "maxItems": "at most"}
		n := 0
		if l, ok := value.([]any); ok {
			n = len(l)
		}
		r.add(ptr, kw, fmt.Sprintf("%s must have %s %v items; got %d", subj, words[kw], node[kw], n))
	default:
		if kw == "" {
			kw = lastToken(ve.KeywordLocation)
		}
		if custom == "" {
			custom = fmt.Sprintf("%s is not valid: %s", subj, ve.Message)
		}
		r.add(ptr, kw, custom)
	}
}

// pattern reports a failed pattern, in terms of what the node meant before lowering.
func (r *reporter) pattern(ptr, subj string, node map[string]any, value any, custom string) {
	s, _ := value.(string)
	o, lowered := origOf(node)
	switch {
	case lowered && o.types != nil:
		// A widened non-string type: the string is neither coercible nor an expression.
		r.add(ptr, "type", fmt.Sprintf("%s must be %s; got %s", subj, expectation(node), describe(value)))
	case lowered && o.enum != nil:
		r.add(ptr, "enum", fmt.Sprintf("%s must be one of %s; got '%s'", subj, quoteList(o.enum), clip(s)))
	case lowered && o.pattern != "" || !lowered:
		if custom == "" {
			p := o.pattern
			if !lowered {
				p, _ = node["pattern"].(string)
			}
			custom = fmt.Sprintf("must match the pattern %s", p)
		}
		r.add(ptr, "pattern", fmt.Sprintf("%s %s; got '%s'", subj, custom, clip(s)))
	case o.minLength >= 0 && len([]rune(s)) < o.minLength:
		r.add(ptr, "minLength", fmt.Sprintf("%s must be at least %d characters long; got '%s'", subj, o.minLength, clip(s)))
	case o.maxLength >= 0:
		r.add(ptr, "maxLength", fmt.Sprintf("%s must be at most %d characters long; got '%s'", subj, o.maxLength, clip(s)))
	default:
		r.add(ptr, "pattern", fmt.Sprintf("%s is not valid; got '%s'", subj, clip(s)))
	}
}

// subject names the value at ptr for the start of a sentence.
func (r *reporter) subject(ptr string) string {
	toks := pointerTokens(ptr)
	if len(toks) == 0 {
		return r.root
	}
	last := toks[len(toks)-1]
	if len(toks) >= 2 {
		parent := toks[len(toks)-2]
		if isIndex(last) {
			return fmt.Sprintf("item %s of '%s'", last, parent)
		}
		if len(toks) == 2 {
			switch parent {
			case "parameters":
				return fmt.Sprintf("parameter '%s'", last)
			case "outputs":
				return fmt.Sprintf("output '%s'", last)
			case "resources":
				return fmt.Sprintf("resource '%s'", last)
			}
		}
	}
	return fmt.Sprintf("property '%s'", last)
}

// noun names the object at ptr inside a sentence.
func (r *reporter) noun(ptr string) string {
	toks := pointerTokens(ptr)
	if len(toks) == 0 {
		return r.root
	}
	s := r.subject(ptr)
	if strings.HasPrefix(s, "property ") {
		return strings.TrimPrefix(s, "property ")
	}
	return s
}

func isIndex(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// expectation says what a node accepts: "an integer or a template expression".
func expectation(node map[string]any) string {
	o, lowered := origOf(node)
	types := o.types
	if types == nil {
		types, _ = typesOf(node["type"])
	}
	if lowered && o.enum != nil {
		return "one of " + quoteList(o.enum)
	}
	var parts []string
	for _, t := range types {
		switch t {
		case "integer":
			if o.coerce {
				t = "an integer (or a string holding one)"
			} else {
				t = "an integer"
			}
		case "number":
			t = "a number"
		case "boolean":
			if o.coerce {
				t = "a boolean (or 'true'/'false')"
			} else {
				t = "a boolean"
			}
		case "object":
			t = "an object"
		case "array":
			t = "an array"
		case "string":
			t = "a string"
		case "null":
			t = "null"
		}
		parts = append(parts, t)
	}
	if lowered && o.expr && o.types != nil {
		parts = append(parts, "a template expression")
	}
	switch len(parts) {
	case 0:
		return "a valid value"
	case 1:
		return parts[0]
	}
	return strings.Join(parts[:len(parts)-1], ", ") + " or " + parts[len(parts)-1]
}

// describe names the JSON type and value: "string 'big'", "boolean true", "an object".
func describe(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case string:
		return fmt.Sprintf("string '%s'", clip(x))
	case bool:
		return fmt.Sprintf("boolean %v", x)
	case map[string]any:
		return "an object"
	case []any:
		return "an array"
	}
	return fmt.Sprintf("number %v", v)
}

// short renders a value briefly: 'text', 5, true, null, an object, an array.
func short(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case string:
		return "'" + clip(x) + "'"
	case map[string]any:
		return "an object"
	case []any:
		return "an array"
	}
	return fmt.Sprint(v)
}

// clip shortens long strings for messages.
func clip(s string) string {
	const max = 60
	if r := []rune(s); len(r) > max {
		return string(r[:max]) + "..."
	}
	return s
}

func quoteList(vals []string) string {
	q := make([]string, len(vals))
	for i, v := range vals {
		q[i] = "'" + v + "'"
	}
	return strings.Join(q, ", ")
}

func valueList(v any) string {
	l, _ := v.([]any)
	q := make([]string, len(l))
	for i, e := range l {
		q[i] = short(e)
	}
	return strings.Join(q, ", ")
}
