package schema

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"io"
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

// compiledSet holds the compiled schemas. The template and parameter-file
// schemas are compiled on first use of the package; a resource type's schema
// is compiled when a body of that type is first validated, and a document is
// read and lowered when a compilation first refers to it, so that a run pays
// only for the schemas its template uses (compiling all of them is most of a
// short command's start-up).
type compiledSet struct {
	template   *jsonschema.Schema
	parameters *jsonschema.Schema

	mu sync.Mutex // guards c and resources; compiling is not safe for concurrent use
	c  *jsonschema.Compiler
	// resources maps a registry Ref (see registry.go) to its compiled schema.
	resources map[string]*jsonschema.Schema
	// docs maps a document URL to the lowered document, for building messages.
	docs sync.Map
}

// compiled compiles the embedded schemas on first use. The documents are part of the
// binary and covered by tests, so a failure is a programming error and panics.
var compiled = sync.OnceValue(func() *compiledSet {
	cs, err := newCompiledSet()
	if err != nil {
		panic(fmt.Sprintf("schema: compile embedded schemas: %v", err))
	}
	return cs
})

// doc returns the lowered document at url (nil when none was loaded).
func (cs *compiledSet) doc(url string) any {
	d, _ := cs.docs.Load(url)
	return d
}

// resource returns the compiled schema of a registry Ref, compiling it on
// first use; a failure is a programming error (see compiled) and panics.
func (cs *compiledSet) resource(ref string) *jsonschema.Schema {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	sch, err := cs.compileResource(ref)
	if err != nil {
		panic(fmt.Sprintf("schema: compile embedded schema %s: %v", ref, err))
	}
	return sch
}

func (cs *compiledSet) compileResource(ref string) (*jsonschema.Schema, error) {
	if sch, ok := cs.resources[ref]; ok {
		return sch, nil
	}
	sch, err := cs.c.Compile(baseURL + ref)
	if err != nil {
		return nil, err
	}
	cs.resources[ref] = sch
	return sch, nil
}

// load reads the embedded document at url, checks its $id and lowers it
// (resource documents accept expressions and ARM's coercions); it is the
// compiler's only source of documents.
func (cs *compiledSet) load(url string) (io.ReadCloser, error) {
	rel, ok := strings.CutPrefix(url, baseURL)
	if !ok {
		return nil, fmt.Errorf("schema %s is not embedded and is never fetched", url)
	}
	p := "schemas/" + rel
	raw, err := schemaFS.ReadFile(p)
	if err != nil {
		return nil, fmt.Errorf("schema %s is not embedded and is never fetched", url)
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var doc any
	if err := dec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("decode %s: %w", p, err)
	}
	m, ok := doc.(map[string]any)
	if !ok || m["$id"] != url {
		return nil, fmt.Errorf("%s: $id must be %q", p, url)
	}
	opt := lowerOptions{}
	if strings.HasPrefix(rel, "resources/") {
		opt = lowerOptions{expr: true, coerce: true}
	}
	if err := lowerDocument(doc, opt); err != nil {
		return nil, fmt.Errorf("lower %s: %w", p, err)
	}
	lowered, err := json.Marshal(doc)
	if err != nil {
		return nil, err
	}
	cs.docs.Store(url, doc)
	return io.NopCloser(bytes.NewReader(lowered)), nil
}

// newCompiledSet compiles the template and parameter-file schemas.
func newCompiledSet() (*compiledSet, error) {
	cs := &compiledSet{c: jsonschema.NewCompiler(), resources: map[string]*jsonschema.Schema{}}
	cs.c.Draft = jsonschema.Draft2020
	cs.c.LoadURL = cs.load
	meta, err := jsonschema.CompileString(baseURL+"extension-meta.json", extensionMeta)
	if err != nil {
		return nil, err
	}
	cs.c.RegisterExtension("armdeploy", meta, armExtension{})
	if cs.template, err = cs.c.Compile(templateURL); err != nil {
		return nil, err
	}
	if cs.parameters, err = cs.c.Compile(parametersURL); err != nil {
		return nil, err
	}
	return cs, nil
}
