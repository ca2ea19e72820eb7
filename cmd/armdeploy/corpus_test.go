package main

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/armdeploy/armdeploy/templates"
)

// standIns returns -p arguments for the required parameters of a template
// that its parameter file leaves out, as template-analyzer does: the first
// allowed value, else a value of the declared type that meets its bounds.
func standIns(t *testing.T, template, params string) []string {
	t.Helper()
	src, _, err := templates.ReadFile(template)
	if err != nil || src == nil || src.Root == nil {
		return nil
	}
	tmpl, _ := templates.NewTemplate(src)
	given := &templates.ParameterSet{}
	if params != "" {
		if vals, _, _, err := templates.ReadParameterArg("@"+params, "p"); err == nil {
			given.Add(vals)
		}
	}
	var out []string
	for _, p := range tmpl.Parameters {
		linked := p.DefaultValue != nil && strings.Contains(strings.ToLower(p.DefaultValue.Str), "templatelink")
		if gv := given.Get(p.Name); gv != nil && !(gv.Value != nil && gv.Value.Kind == templates.Null && p.DefaultValue == nil) {
			continue // supplied (a null with no default counts as missing)
		}
		if linked {
			// The default reads deployment().properties.templateLink, which
			// exists only for templates deployed from a URI; the gallery's
			// harness supplies the artifacts location instead.
			out = append(out, "-p", fmt.Sprintf(`{%q:{"value":"https://raw.githubusercontent.com/Azure/azure-quickstart-templates/master/"}}`, p.Name))
			continue
		}
		if p.DefaultValue != nil || p.IsNullable() {
			continue
		}
		var v string
		switch {
		case p.AllowedValues != nil && len(p.AllowedValues.Items) > 0:
			b, _ := p.AllowedValues.Items[0].MarshalJSON()
			v = string(b)
		case p.BaseType() == "int":
			n := int64(1)
			if p.MinValue != nil {
				n = *p.MinValue
			}
			v = fmt.Sprint(n)
		case p.BaseType() == "bool":
			v = "false"
		case p.BaseType() == "array":
			v = "[]"
		case p.BaseType() == "object":
			v = "{}"
		default:
			s := "standin" + strings.ToLower(p.Name)
			if p.IsSecure() {
				s = "Stand-in-P4ssw0rd!"
			}
			if p.MaxLength != nil && int64(len(s)) > *p.MaxLength {
				s = s[:*p.MaxLength]
			}
			for p.MinLength != nil && int64(len(s)) < *p.MinLength {
				s += "x"
			}
			v = fmt.Sprintf("%q", s)
		}
		out = append(out, "-p", fmt.Sprintf(`{%q:{"value":%s}}`, p.Name, v))
	}
	return out
}

// TestCorpusExpand expands every template of the reference corpus (real
// templates from Azure's quickstart gallery) with its parameter file and
// stand-ins for what the file leaves out. At least 95% must expand; the
// rest are listed with their reasons.
func TestCorpusExpand(t *testing.T) {
	root := filepath.Join(sharedDir(t), "corpus")
	var files [][2]string
	filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err == nil && d.Name() == "azuredeploy.json" {
			params := filepath.Join(filepath.Dir(path), "azuredeploy.parameters.json")
			if _, err := os.Stat(params); err != nil {
				params = ""
			}
			files = append(files, [2]string{path, params})
		}
		return err
	})
	sort.Slice(files, func(i, j int) bool { return files[i][0] < files[j][0] })
	var failed []string
	for _, f := range files {
		args := []string{"expand", "-g", "corpus-rg", "-l", "eastus", "-f", f[0]}
		if f[1] != "" {
			args = append(args, "-p", "@"+uniquePlaceholders(t, f[1]))
		}
		args = append(args, standIns(t, f[0], f[1])...)
		code, _, stderr := runCLI(t, args...)
		rel, _ := filepath.Rel(root, f[0])
		if code != 0 {
			failed = append(failed, fmt.Sprintf("%s: exit %d\n%s", rel, code, errorLines(stderr, 4)))
		}
		if strings.Contains(stderr, "panic") || strings.Contains(stderr, "goroutine ") {
			t.Errorf("%s crashed:\n%s", rel, stderr)
		}
	}
	ok := len(files) - len(failed)
	t.Logf("expanded %d of %d corpus templates (%.0f%%)", ok, len(files), 100*float64(ok)/float64(len(files)))
	for _, f := range failed {
		t.Logf("not expanded: %s", f)
	}
	if len(files) == 0 || float64(ok) < 0.95*float64(len(files)) {
		t.Errorf("only %d of %d corpus templates expand; want at least 95%%", ok, len(files))
	}
}

var genUnique = regexp.MustCompile(`GEN-UNIQUE(-\d+)?`)

// uniquePlaceholders copies a parameter file with each GEN-UNIQUE
// placeholder replaced by a different stand-in, as the gallery's own test
// harness does; the copy is in a temporary folder.
func uniquePlaceholders(t *testing.T, path string) string {
	data, err := os.ReadFile(path)
	if err != nil || !genUnique.Match(data) {
		return path
	}
	n := 0
	data = genUnique.ReplaceAllFunc(data, func([]byte) []byte {
		n++
		return []byte(fmt.Sprintf("genunique%d", n))
	})
	out := filepath.Join(t.TempDir(), filepath.Base(path))
	if err := os.WriteFile(out, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return out
}

// errorLines returns the first n error lines of a diagnostic listing,
// without warnings and snippets.
func errorLines(s string, n int) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, ": warning: ") || strings.Contains(l, " | ") || strings.TrimSpace(l) == "" {
			continue
		}
		if out = append(out, l); len(out) == n {
			break
		}
	}
	return strings.Join(out, "\n")
}
