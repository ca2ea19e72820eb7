package schema

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"path"
	"strings"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v5"
)

// schemaFS holds every schema document; see schemas/ for the sources.
//
//go:embed schemas
var schemaFS embed.FS

// baseURL is the URL the embedded documents are registered under. The .invalid TLD
// cannot resolve, and the compiler refuses to load anything anyway.
const baseURL = "https://schemas.armdeploy.invalid/"

const (
	templateURL   = baseURL + "deploymentTemplate.json"
	parametersURL = baseURL + "deploymentParameters.json"
)

// compiledSet is the result of compiling every embedded document once.
type compiledSet struct {
	template   *jsonschema.Schema
	parameters *jsonschema.Schema
	// resources maps a registry Ref (see registry.go) to its compiled schema.
	resources map[string]*jsonschema.Schema
	// docs maps a document URL to the lowered document, for building messages.
	docs map[string]any
}

// compiled compiles the embedded schemas on first use. The documents are part of the
// binary and covered by tests, so a failure is a programming error and panics.
var compiled = sync.OnceValue(func() *compiledSet {
	cs, err := compileAll()
	if err != nil {
		panic(fmt.Sprintf("schema: compile embedded schemas: %v", err))
	}
	return cs
})

func compileAll() (*compiledSet, error) {
	c := jsonschema.NewCompiler()
	c.Draft = jsonschema.Draft2020
	c.LoadURL = func(u string) (io.ReadCloser, error) {
		return nil, fmt.Errorf("schema %s is not embedded and is never fetched", u)
	}
	meta, err := jsonschema.CompileString(baseURL+"extension-meta.json", extensionMeta)
	if err != nil {
		return nil, err
	}
	c.RegisterExtension("armdeploy", meta, armExtension{})
	cs := &compiledSet{resources: map[string]*jsonschema.Schema{}, docs: map[string]any{}}

	err = fs.WalkDir(schemaFS, "schemas", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || path.Ext(p) != ".json" {
			return err
		}
		rel := strings.TrimPrefix(p, "schemas/")
		url := baseURL + rel
		raw, err := schemaFS.ReadFile(p)
		if err != nil {
			return err
		}
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.UseNumber()
		var doc any
		if err := dec.Decode(&doc); err != nil {
			return fmt.Errorf("decode %s: %w", p, err)
		}
		m, ok := doc.(map[string]any)
		if !ok || m["$id"] != url {
			return fmt.Errorf("%s: $id must be %q", p, url)
		}
		opt := lowerOptions{}
		if strings.HasPrefix(rel, "resources/") {
			opt = lowerOptions{expr: true, coerce: true}
		}
		if err := lowerDocument(doc, opt); err != nil {
			return fmt.Errorf("lower %s: %w", p, err)
		}
		lowered, err := json.Marshal(doc)
		if err != nil {
			return err
		}
		if err := c.AddResource(url, bytes.NewReader(lowered)); err != nil {
			return fmt.Errorf("add %s: %w", p, err)
		}
		cs.docs[url] = doc
		return nil
	})
	if err != nil {
		return nil, err
	}

	if cs.template, err = c.Compile(templateURL); err != nil {
		return nil, err
	}
	if cs.parameters, err = c.Compile(parametersURL); err != nil {
		return nil, err
	}
	for _, rt := range resourceTypes {
		for _, s := range rt.Schemas {
			if _, done := cs.resources[s.Ref]; done {
				continue
			}
			sch, err := c.Compile(baseURL + s.Ref)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", rt.Type, err)
			}
			cs.resources[s.Ref] = sch
		}
	}
	return cs, nil
}
