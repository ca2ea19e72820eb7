package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// TestTableIsReproducible regenerates the embedded table from the
// committed input and compares it with providers/data/builtin-roles.json.
func TestTableIsReproducible(t *testing.T) {
	out := filepath.Join(t.TempDir(), "roles.json")
	if err := run("testdata/az-role-definition-list.json.gz", out, "", "", ""); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile("../../providers/data/builtin-roles.json")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Error("providers/data/builtin-roles.json is not what tools/genroles makes of its input: run go generate ./providers")
	}
}
