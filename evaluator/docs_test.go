package evaluator

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite generated files (docs/functions.md)")

// functionsDoc renders docs/functions.md from the registry: every function
// with its signature and description, by category.
func functionsDoc() string {
	var b strings.Builder
	b.WriteString("# Template functions\n\n")
	b.WriteString("Generated from the function registry by `go test ./evaluator -run TestFunctionsDoc -update`; do not edit.\n")
	b.WriteString("Function names are case-insensitive. Every function has table tests in `evaluator/<category>_test.go`.\n")
	byCat := map[Category][]*Function{}
	for _, f := range Builtins().All() {
		byCat[f.Category] = append(byCat[f.Category], f)
	}
	cats := make([]string, 0, len(byCat))
	for c := range byCat {
		cats = append(cats, string(c))
	}
	sort.Strings(cats)
	for _, c := range cats {
		fs := byCat[Category(c)]
		sort.Slice(fs, func(i, j int) bool { return strings.ToLower(fs[i].Name) < strings.ToLower(fs[j].Name) })
		fmt.Fprintf(&b, "\n## %s functions\n\n| function | description |\n|---|---|\n", strings.ToUpper(c[:1])+c[1:])
		for _, f := range fs {
			fmt.Fprintf(&b, "| `%s` | %s |\n", strings.ReplaceAll(f.Signature, "|", "\\|"), strings.ReplaceAll(f.Description, "|", "\\|"))
		}
	}
	return b.String()
}

// TestFunctionsDoc keeps docs/functions.md in step with the registry.
func TestFunctionsDoc(t *testing.T) {
	path := filepath.Join("..", "docs", "functions.md")
	want := functionsDoc()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./evaluator -run TestFunctionsDoc -update)", err)
	}
	if string(got) != want {
		t.Errorf("docs/functions.md is out of date: run go test ./evaluator -run TestFunctionsDoc -update")
	}
}
