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
	return standInsFor(t, template, params, false)
}

// standInsFor is standIns; with linked, the template is deployed from its
// URI (--template-uri), so a default that reads
// deployment().properties.templateLink is left to the template.
func standInsFor(t *testing.T, template, params string, linked bool) []string {
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
		isLinked := p.DefaultValue != nil && strings.Contains(strings.ToLower(p.DefaultValue.Str), "templatelink")
		if gv := given.Get(p.Name); gv != nil && !(gv.Value != nil && gv.Value.Kind == templates.Null && p.DefaultValue == nil) {
			continue // supplied (a null with no default counts as missing)
		}
		if linked && isLinked {
			continue // deployed from its URI: the default applies
		}
		if isLinked {
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
// stand-ins for what the file leaves out, deployed from its gallery URI
// (--template-uri) with the gallery's URIs mapped to a local copy
// (--artifacts-map): the corpus itself, or the whole gallery named by
// $ARMDEPLOY_GALLERY. At least 95% of the templates must expand, not
// counting those whose linked templates the mapped gallery does not hold
// (Azure cannot download them either: InvalidContentLink); every
// expansion is complete (no nested deployment left unexpanded).
func TestCorpusExpand(t *testing.T) {
	root := filepath.Join(sharedDir(t), "corpus")
	gallery := os.Getenv("ARMDEPLOY_GALLERY")
	if gallery == "" {
		gallery = root
	}
	gallery, _ = filepath.Abs(gallery)
	files := corpusTemplates(root)
	var failed, unresolved []string
	linked, linkedFull := 0, 0
	for _, f := range files {
		rel, _ := filepath.Rel(root, f[0])
		uri := galleryPrefix + filepath.ToSlash(rel)
		args := []string{"expand", "-g", "corpus-rg", "-l", "eastus", "-f", f[0], "--template-uri", uri, "--artifacts-map", galleryPrefix + "=" + gallery}
		if f[1] != "" {
			args = append(args, "-p", "@"+uniquePlaceholders(t, f[1]))
		}
		args = append(args, standInsFor(t, f[0], f[1], true)...)
		code, _, stderr := runCLI(t, args...)
		data, _ := os.ReadFile(f[0])
		hasLinks := strings.Contains(string(data), "templateLink")
		if hasLinks {
			linked++
		}
		switch {
		case code == 0 && strings.Contains(stderr, "LinkedTemplateUnsupported"):
			failed = append(failed, fmt.Sprintf("%s: a nested deployment is not expanded\n%s", rel, stderr))
		case code == 0:
			if hasLinks {
				linkedFull++
			}
		case onlyLinkErrors(stderr):
			unresolved = append(unresolved, fmt.Sprintf("%s\n%s", rel, errorLines(stderr, 4)))
		default:
			failed = append(failed, fmt.Sprintf("%s: exit %d\n%s", rel, code, errorLines(stderr, 4)))
		}
		if strings.Contains(stderr, "panic") || strings.Contains(stderr, "goroutine ") {
			t.Errorf("%s crashed:\n%s", rel, stderr)
		}
	}
	counted := len(files) - len(unresolved)
	ok := counted - len(failed)
	t.Logf("expanded %d of %d corpus templates (%d not counted: a linked template is not in the mapped gallery); "+
		"%d of the %d templates with linked templates expand fully", ok, len(files), len(unresolved), linkedFull, linked)
	for _, f := range unresolved {
		t.Logf("link not in the gallery: %s", f)
	}
	for _, f := range failed {
		t.Logf("not expanded: %s", f)
	}
	if counted == 0 || float64(ok) < 0.95*float64(counted) {
		t.Errorf("only %d of %d corpus templates expand; want at least 95%%", ok, counted)
	}
}

// onlyLinkErrors reports whether every error of a listing is a linked
// template that cannot be read (InvalidContentLink, InvalidTemplateSpec).
func onlyLinkErrors(stderr string) bool {
	n := 0
	for _, l := range strings.Split(stderr, "\n") {
		if !strings.Contains(l, ": InvalidContentLink: ") && !strings.Contains(l, ": InvalidTemplateSpec: ") {
			if strings.Contains(l, ": error: ") || regexp.MustCompile(`:\d+:\d+: [A-Za-z]+: `).MatchString(l) && !strings.Contains(l, ": warning: ") {
				return false
			}
			continue
		}
		n++
	}
	return n > 0
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

// TestGallerySweepLinked expands every azuredeploy.json of a local copy of
// the quickstart gallery ($ARMDEPLOY_GALLERY; skipped without it) that
// links templates (templateLink), deployed from its gallery URI with the
// gallery mapped, and counts those that expand fully: exit 0 and no nested
// deployment left unexpanded. It reports; it asserts only that nothing
// panics.
func TestGallerySweepLinked(t *testing.T) {
	gallery := os.Getenv("ARMDEPLOY_GALLERY")
	if gallery == "" {
		t.Skip("set ARMDEPLOY_GALLERY to a copy of the quickstart gallery")
	}
	gallery, _ = filepath.Abs(gallery)
	old := os.Getenv("ARMDEPLOY_SWEEP_OLD") != "" // the flags before --template-uri existed
	var files []string
	filepath.WalkDir(gallery, func(path string, d os.DirEntry, err error) error {
		if err == nil && d.Name() == "azuredeploy.json" {
			if data, _ := os.ReadFile(path); strings.Contains(strings.ToLower(string(data)), "templatelink") {
				files = append(files, path)
			}
		}
		return err
	})
	sort.Strings(files)
	full, skipped, unresolved, other := 0, 0, 0, 0
	causes := map[string]int{}
	for _, f := range files {
		rel, _ := filepath.Rel(gallery, f)
		params := filepath.Join(filepath.Dir(f), "azuredeploy.parameters.json")
		if _, err := os.Stat(params); err != nil {
			params = ""
		}
		args := []string{"expand", "-g", "corpus-rg", "-l", "eastus", "-f", f}
		if !old {
			args = append(args, "--template-uri", galleryPrefix+filepath.ToSlash(rel), "--artifacts-map", galleryPrefix+"="+gallery)
		}
		if params != "" {
			args = append(args, "-p", "@"+uniquePlaceholders(t, params))
		}
		args = append(args, standInsFor(t, f, params, !old)...)
		code, _, stderr := runCLI(t, args...)
		if strings.Contains(stderr, "goroutine ") {
			t.Errorf("%s crashed:\n%s", rel, stderr)
		}
		switch {
		case code == 0 && strings.Contains(stderr, "LinkedTemplateUnsupported"):
			skipped++
		case code == 0:
			full++
		case onlyLinkErrors(stderr):
			unresolved++
			cause := "template spec"
			for _, l := range strings.Split(stderr, "\n") {
				if i := strings.Index(l, "InvalidContentLink: "); i >= 0 {
					cause = linkCause(l[i:])
					break
				}
			}
			causes[cause]++
			if os.Getenv("ARMDEPLOY_SWEEP_VERBOSE") != "" {
				t.Logf("unresolved: %s\n%s", rel, errorLines(stderr, 1))
			}
		default:
			other++
			if os.Getenv("ARMDEPLOY_SWEEP_VERBOSE") != "" {
				t.Logf("failed: %s\n%s", rel, errorLines(stderr, 2))
			}
		}
	}
	t.Logf("%d gallery templates link templates: %d expand fully, %d succeed with a nested deployment left unexpanded, "+
		"%d fail only on a link the gallery does not hold, %d fail otherwise", len(files), full, skipped, unresolved, other)
	for c, n := range causes {
		t.Logf("  unresolved link: %s: %d", c, n)
	}
}

// linkCause classifies an InvalidContentLink message.
func linkCause(msg string) string {
	switch {
	case strings.Contains(msg, "not an absolute"):
		return "not an absolute URI"
	case strings.Contains(msg, "does not exist"):
		return "no such file in the gallery"
	case strings.Contains(msg, "map the URI"):
		return "outside the gallery's prefix"
	}
	return "other"
}

// corpusTemplates lists every azuredeploy.json below root with its
// azuredeploy.parameters.json ("" when it has none), sorted by path.
func corpusTemplates(root string) [][2]string {
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
	return files
}
