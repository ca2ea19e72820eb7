package schema

import (
	"fmt"
	"io/fs"
	"path"
	"strings"
	"testing"
)

// TestEveryEmbeddedSchemaCompiles: the schemas compile lazily, so a broken
// one would only show when a template uses its type; this compiles all of
// them, and loads every embedded document (its $id checked, lowered) even
// when nothing refers to it.
func TestEveryEmbeddedSchemaCompiles(t *testing.T) {
	cs, err := compileAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(cs.resources) == 0 {
		t.Fatal("no resource schema compiled")
	}
	err = fs.WalkDir(schemaFS, "schemas", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || path.Ext(p) != ".json" {
			return err
		}
		rc, err := cs.load(baseURL + strings.TrimPrefix(p, "schemas/"))
		if err != nil {
			return err
		}
		return rc.Close()
	})
	if err != nil {
		t.Fatal(err)
	}
}

// BenchmarkStartUp is what the first ValidateTemplate of a run pays before
// validating: compiling the template and parameter-file schemas.
func BenchmarkStartUp(b *testing.B) {
	for range b.N {
		if _, err := newCompiledSet(); err != nil {
			b.Fatal(err)
		}
	}
}

// compileAll compiles every embedded schema: the template's, the parameter
// file's and every resource type's.
func compileAll() (*compiledSet, error) {
	cs, err := newCompiledSet()
	if err != nil {
		return nil, err
	}
	for _, rt := range resourceTypes {
		for _, s := range rt.Schemas {
			if _, err := cs.compileResource(s.Ref); err != nil {
				return nil, fmt.Errorf("%s: %w", rt.Type, err)
			}
		}
	}
	return cs, nil
}
