package schema

import (
	"bytes"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// sharedDir is the team's shared reference folder, next to the repository.
var sharedDir = filepath.Join("..", "..", "shared")

// referenceFiles lists the .json files under shared/reference/<sub>, or skips the test
// when the shared folder is not there (outside the team's workspace).
func referenceFiles(t *testing.T, sub string) []string {
	t.Helper()
	root := filepath.Join(sharedDir, "reference", sub)
	if _, err := os.Stat(root); err != nil {
		t.Skipf("reference material not found at %s (the shared folder lives next to the repository): %v", root, err)
	}
	var files []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".json") {
			files = append(files, p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(files)
	return files
}

// loadJSON decodes a file with UseNumber and converts numbers to int64 or float64,
// the representation the templates package hands to this package.
func loadJSON(t *testing.T, path string) any {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return decodeJSON(t, data)
}

func decodeJSON(t testing.TB, data []byte) any {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		t.Fatalf("decode: %v", err)
	}
	return plainNumbers(v)
}

func plainNumbers(v any) any {
	switch x := v.(type) {
	case json.Number:
		if i, err := x.Int64(); err == nil {
			return i
		}
		f, _ := x.Float64()
		return f
	case map[string]any:
		for k, e := range x {
			x[k] = plainNumbers(e)
		}
	case []any:
		for i, e := range x {
			x[i] = plainNumbers(e)
		}
	}
	return v
}

// kindOf tells template files from parameter files (and skips metadata and REST
// examples).
func kindOf(path string, doc any) string {
	m, _ := doc.(map[string]any)
	s, _ := m["$schema"].(string)
	switch {
	case strings.Contains(strings.ToLower(s), "deploymentparameters"):
		return "parameters"
	case strings.Contains(strings.ToLower(s), "deploymenttemplate"):
		return "template"
	case strings.HasSuffix(path, ".parameters.json"):
		return "parameters"
	}
	return ""
}

// TestUpstreamTemplates: every upstream template and parameter file (the gallery
// quickstarts with their prerequisites and older versions, and the corpus) is valid.
func TestUpstreamTemplates(t *testing.T) {
	files := append(referenceFiles(t, "quickstarts"), referenceFiles(t, "corpus")...)
	var templates, params int
	for _, f := range files {
		doc := loadJSON(t, f)
		name, _ := filepath.Rel(filepath.Join(sharedDir, "reference"), f)
		switch kindOf(f, doc) {
		case "template":
			templates++
			t.Run(name, func(t *testing.T) {
				for _, v := range ValidateTemplate(doc) {
					t.Errorf("%s: %s: %s", v.Pointer, v.Keyword, v.Message)
				}
			})
		case "parameters":
			params++
			t.Run(name, func(t *testing.T) {
				for _, v := range ValidateParameterFile(doc) {
					t.Errorf("%s: %s: %s", v.Pointer, v.Keyword, v.Message)
				}
			})
		}
	}
	if templates < 40 || params < 30 {
		t.Errorf("found %d templates and %d parameter files; expected the whole reference set", templates, params)
	}
}

// declared is one resource declaration of a template, with its full type.
type declared struct {
	pointer string
	typ     string
	body    map[string]any
}

// declaredResources lists the resources of a template, children with their full type,
// and the resources of inline nested templates.
func declaredResources(tmpl any) []declared {
	var out []declared
	var walk func(rs any, parent, at string)
	walk = func(rs any, parent, at string) {
		visit := func(r any, p string) {
			m, ok := r.(map[string]any)
			if !ok {
				return
			}
			typ, _ := m["type"].(string)
			if parent != "" {
				typ = parent + "/" + typ
			}
			out = append(out, declared{pointer: p, typ: typ, body: m})
			walk(m["resources"], typ, p+"/resources")
			if props, ok := m["properties"].(map[string]any); ok {
				if nt, ok := props["template"].(map[string]any); ok {
					walk(nt["resources"], "", p+"/properties/template/resources")
				}
			}
		}
		switch x := rs.(type) {
		case []any:
			for i, r := range x {
				visit(r, at+"/"+strconv.Itoa(i))
			}
		case map[string]any:
			for _, k := range sortedKeys(x) {
				visit(x[k], at+"/"+escapeToken(k))
			}
		}
	}
	m, _ := tmpl.(map[string]any)
	walk(m["resources"], "", "/resources")
	return out
}

// TestUpstreamResources: every resource of the gallery quickstarts passes
// ValidateResource as written (literal, unevaluated), and so does every resource of
// the corpus whose type has a schema.
func TestUpstreamResources(t *testing.T) {
	files := append(referenceFiles(t, "quickstarts"), referenceFiles(t, "corpus")...)
	gallery := filepath.Join(sharedDir, "reference", "quickstarts")
	checked := 0
	for _, f := range files {
		doc := loadJSON(t, f)
		if kindOf(f, doc) != "template" {
			continue
		}
		name, _ := filepath.Rel(filepath.Join(sharedDir, "reference"), f)
		for _, r := range declaredResources(doc) {
			api, _ := r.body["apiVersion"].(string)
			t.Run(name+r.pointer, func(t *testing.T) {
				vs, known, err := ValidateResource(r.typ, api, r.body)
				if strings.HasPrefix(f, gallery) && !known {
					t.Fatalf("no schema for %s, used by a gallery quickstart", r.typ)
				}
				if err != nil {
					t.Fatalf("%s@%s: %v", r.typ, api, err)
				}
				if known {
					checked++
				}
				for _, v := range vs {
					t.Errorf("%s@%s %s: %s: %s", r.typ, api, v.Pointer, v.Keyword, v.Message)
				}
			})
		}
	}
	if checked < 60 {
		t.Errorf("only %d resources had a schema; expected the gallery quickstarts and most corpus resources", checked)
	}
}
