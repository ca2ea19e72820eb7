package schema

import (
	"maps"
	"slices"
	"strconv"
	"strings"
)

// Before validation an instance may be rewritten, copy-on-write, so that plain JSON
// Schema can check it the way ARM reads it:
//
//   - ARM reads template and parameter-file property names case-insensitively
//     ("Resources", "DependsOn" work), so the envelope keys are renamed to their
//     canonical spelling (canonicalize);
//   - an unevaluated resource body may hold property loops ("copy": [{"name",
//     "count", "input"}]) that ARM turns into the array property "name"; the loop is
//     replaced by a one-element array holding its input, so that the input is checked
//     as an element (expandPropertyCopies).
//
// Each rewrite records where a pointer of the rewritten value came from, so that
// violations point into the caller's instance.

// rewrites maps pointers of a rewritten instance back to the original one.
type rewrites struct {
	pairs []rewrite
}

type rewrite struct{ from, to string }

func (r *rewrites) add(from, to string) {
	if from != to {
		r.pairs = append(r.pairs, rewrite{from, to})
	}
}

// original maps p back by its longest rewritten prefix.
func (r *rewrites) original(p string) string {
	best := -1
	for i, rw := range r.pairs {
		if (p == rw.from || strings.HasPrefix(p, rw.from+"/")) && (best < 0 || len(rw.from) > len(r.pairs[best].from)) {
			best = i
		}
	}
	if best < 0 {
		return p
	}
	return r.pairs[best].to + p[len(r.pairs[best].from):]
}

// shape describes which keys of an instance are ARM-defined and so renamed to their
// canonical spelling, and how to descend.
type shape struct {
	keys   map[string]string // lower-cased key → canonical key; nil leaves keys alone
	fields map[string]*shape // canonical key → shape of its value
	each   *shape            // shape of every element (array) or every value (object)
}

func keySet(names ...string) map[string]string {
	m := make(map[string]string, len(names))
	for _, n := range names {
		m[strings.ToLower(n)] = n
	}
	return m
}

// Shapes of the template and parameter-file envelopes (arm-spec.md §1, §10).
var templateShape, parameterFileShape = func() (*shape, *shape) {
	typeKeys := []string{"type", "$ref", "allowedValues", "minValue", "maxValue", "minLength", "maxLength",
		"metadata", "nullable", "sealed", "properties", "additionalProperties", "items", "prefixItems", "discriminator"}
	copyShape := &shape{keys: keySet("name", "count", "mode", "batchSize", "input")}
	param := &shape{keys: keySet(append(typeKeys, "defaultValue")...)}
	output := &shape{
		keys:   keySet(append(typeKeys, "value", "condition", "copy")...),
		fields: map[string]*shape{"copy": copyShape},
	}
	member := &shape{
		keys:   keySet("parameters", "output", "metadata"),
		fields: map[string]*shape{"parameters": {each: param}, "output": output},
	}
	function := &shape{
		keys:   keySet("namespace", "members"),
		fields: map[string]*shape{"members": {each: member}},
	}
	tmpl := &shape{keys: keySet("$schema", "contentVersion", "languageVersion", "apiProfile", "metadata",
		"definitions", "parameters", "variables", "functions", "resources", "outputs")}
	resource := &shape{keys: keySet("condition", "type", "apiVersion", "name", "comments", "location",
		"dependsOn", "tags", "sku", "kind", "scope", "copy", "plan", "properties", "resources", "zones",
		"identity", "managedBy", "extendedLocation", "existing", "subscriptionId", "resourceGroup", "metadata")}
	resources := &shape{each: resource}
	resource.fields = map[string]*shape{
		"copy":      copyShape,
		"resources": resources,
		// Only a deployment's properties hold a template; renaming a "Template" key in
		// another provider's properties is harmless because nothing reads it here.
		"properties": {keys: keySet("template"), fields: map[string]*shape{"template": tmpl}},
	}
	tmpl.fields = map[string]*shape{
		"parameters": {each: param},
		"outputs":    {each: output},
		"resources":  resources,
		"functions":  {each: function},
		"variables": {keys: keySet("copy"), fields: map[string]*shape{
			"copy": {each: copyShape},
		}},
	}

	reference := &shape{
		keys:   keySet("keyVault", "secretName", "secretVersion"),
		fields: map[string]*shape{"keyVault": {keys: keySet("id")}},
	}
	value := &shape{keys: keySet("value", "reference", "metadata"), fields: map[string]*shape{"reference": reference}}
	pfile := &shape{
		keys:   keySet("$schema", "contentVersion", "parameters", "metadata"),
		fields: map[string]*shape{"parameters": {each: value}},
	}
	return tmpl, pfile
}()

// canonicalize returns v with the keys s describes spelled canonically, recording
// renames in rw. Unchanged parts are shared with v, never modified.
func canonicalize(v any, s *shape, rw *rewrites) any {
	c := canonicalizer{rw: rw}
	out, _ := c.walk(v, s)
	return out
}

// canonicalizer walks an instance; path holds the tokens from the root, in the
// rewritten and in the original spelling, and is turned into pointers only when a key
// is renamed (which is rare), so that walking a large template allocates little.
type canonicalizer struct {
	rw   *rewrites
	path []pathToken
}

type pathToken struct {
	renamed, orig string
	index         int // array index when renamed == "" and orig == ""
}

func (c *canonicalizer) pointers(last pathToken) (renamed, orig string) {
	var rb, ob strings.Builder
	for _, t := range append(c.path, last) {
		rb.WriteByte('/')
		ob.WriteByte('/')
		if t.renamed == "" && t.orig == "" {
			rb.WriteString(strconv.Itoa(t.index))
			ob.WriteString(strconv.Itoa(t.index))
			continue
		}
		rb.WriteString(escapeToken(t.renamed))
		ob.WriteString(escapeToken(t.orig))
	}
	return rb.String(), ob.String()
}

func (c *canonicalizer) walk(v any, s *shape) (any, bool) {
	switch x := v.(type) {
	case map[string]any:
		out, changed := x, false
		var renamed map[string]string // canonical → original
		if s.keys != nil {
			for k := range x {
				ck, ok := s.keys[strings.ToLower(k)]
				if !ok || ck == k {
					continue
				}
				if _, both := x[ck]; both {
					continue // both spellings present: leave it to the schema
				}
				if !changed {
					out, changed = maps.Clone(x), true
				}
				delete(out, k)
				out[ck] = x[k]
				if renamed == nil {
					renamed = map[string]string{}
				}
				renamed[ck] = k
				c.rw.add(c.pointers(pathToken{renamed: ck, orig: k}))
			}
		}
		var updates map[string]any
		descend := func(k string, sub *shape) {
			e, ok := out[k]
			if !ok {
				return
			}
			orig := k
			if o, ok := renamed[k]; ok {
				orig = o
			}
			c.path = append(c.path, pathToken{renamed: k, orig: orig})
			nv, ch := c.walk(e, sub)
			c.path = c.path[:len(c.path)-1]
			if ch {
				if updates == nil {
					updates = map[string]any{}
				}
				updates[k] = nv
			}
		}
		if s.each != nil {
			for k := range out {
				descend(k, s.each)
			}
		}
		for k, sub := range s.fields {
			descend(k, sub)
		}
		if updates != nil {
			if !changed {
				out, changed = maps.Clone(x), true
			}
			maps.Copy(out, updates)
		}
		return out, changed
	case []any:
		if s.each == nil {
			return x, false
		}
		out, changed := x, false
		for i, e := range x {
			c.path = append(c.path, pathToken{index: i})
			nv, ch := c.walk(e, s.each)
			c.path = c.path[:len(c.path)-1]
			if ch {
				if !changed {
					out, changed = slices.Clone(x), true
				}
				out[i] = nv
			}
		}
		return out, changed
	}
	return v, false
}

// expandPropertyCopies rewrites the property loops inside body["properties"].
func expandPropertyCopies(body any, rw *rewrites) any {
	m, ok := body.(map[string]any)
	if !ok {
		return body
	}
	p, ok := m["properties"]
	if !ok || !hasCopy(p) {
		return body
	}
	np, changed := expandCopiesAt(p, "/properties", "/properties", rw)
	if !changed {
		return body
	}
	out := maps.Clone(m)
	out["properties"] = np
	return out
}

// propertyCopies returns the loops of a "copy" value when it has the property-loop
// shape: a non-empty array of objects, each with a string "name" and an "input".
func propertyCopies(v any) ([]map[string]any, bool) {
	l, ok := v.([]any)
	if !ok || len(l) == 0 {
		return nil, false
	}
	out := make([]map[string]any, len(l))
	for i, e := range l {
		m, ok := e.(map[string]any)
		if !ok {
			return nil, false
		}
		if _, ok := m["name"].(string); !ok {
			return nil, false
		}
		if _, ok := m["input"]; !ok {
			return nil, false
		}
		out[i] = m
	}
	return out, true
}

func expandCopiesAt(v any, np, op string, rw *rewrites) (any, bool) {
	switch x := v.(type) {
	case map[string]any:
		out, changed := x, false
		loops, isLoop := propertyCopies(x["copy"])
		if isLoop {
			for _, l := range loops {
				if _, clash := x[l["name"].(string)]; clash {
					isLoop = false // ARM would reject this; leave it to the provider
				}
			}
		}
		if isLoop {
			out, changed = maps.Clone(x), true
			delete(out, "copy")
			for i, l := range loops {
				name := l["name"].(string)
				at := np + "/" + escapeToken(name)
				from := op + "/copy/" + strconv.Itoa(i)
				rw.add(at, from)
				rw.add(at+"/0", from+"/input")
				in, _ := expandCopiesAt(l["input"], at+"/0", from+"/input", rw)
				out[name] = []any{in}
			}
		}
		for k, e := range x {
			if isLoop && k == "copy" {
				continue
			}
			t := "/" + escapeToken(k)
			if nv, ch := expandCopiesAt(e, np+t, op+t, rw); ch {
				if !changed {
					out, changed = maps.Clone(x), true
				}
				out[k] = nv
			}
		}
		return out, changed
	case []any:
		out, changed := x, false
		for i, e := range x {
			t := "/" + strconv.Itoa(i)
			if nv, ch := expandCopiesAt(e, np+t, op+t, rw); ch {
				if !changed {
					out, changed = slices.Clone(x), true
				}
				out[i] = nv
			}
		}
		return out, changed
	}
	return v, false
}

// hasCopy reports whether any object inside v has a "copy" key.
func hasCopy(v any) bool {
	switch x := v.(type) {
	case map[string]any:
		if _, ok := x["copy"]; ok {
			return true
		}
		for _, e := range x {
			if hasCopy(e) {
				return true
			}
		}
	case []any:
		for _, e := range x {
			if hasCopy(e) {
				return true
			}
		}
	}
	return false
}
