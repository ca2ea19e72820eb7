package main

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/armdeploy/armdeploy/internal/gallery"
)

// TestCorpusExpand expands every template of the reference corpus (real
// templates from Azure's quickstart gallery) with its parameter file and
// stand-ins for what the file leaves out, deployed from its gallery URI
// (--template-uri) with the gallery's URIs mapped to a local copy
// (--artifacts-map): the corpus itself, or the whole gallery named by
// $ARMDEPLOY_GALLERY. At least 92% of the templates must expand (the rest are
// refused by Azure too: parameter files that do not fit their template,
// GEN-UNIQUE-31 longer than a maxLength of 15, resourceId without a
// type), not
// counting those whose linked templates the mapped gallery does not hold
// (Azure cannot download them either: InvalidContentLink); every
// expansion is complete (no nested deployment left unexpanded).
func TestCorpusExpand(t *testing.T) {
	root := filepath.Join(sharedDir(t), "corpus")
	galleryDir := os.Getenv("ARMDEPLOY_GALLERY")
	if galleryDir == "" {
		galleryDir = root
	}
	galleryDir, _ = filepath.Abs(galleryDir)
	files := gallery.Templates(root)
	var failed, unresolved []string
	linked, linkedFull := 0, 0
	for _, f := range files {
		rel, _ := filepath.Rel(root, f.Path)
		uri := galleryPrefix + filepath.ToSlash(rel)
		args := []string{"expand", "-g", "corpus-rg", "-l", "eastus", "-f", f.Path, "--template-uri", uri, "--artifacts-map", galleryPrefix + "=" + galleryDir}
		if f.Params != "" {
			args = append(args, "-p", "@"+placeholders(t, f.Params))
		}
		args = append(args, gallery.StandIns(f.Path, f.Params, true)...)
		if needsArtifacts(f.Params) {
			t.Setenv("ARMDEPLOY_STATE", filepath.Join(t.TempDir(), "state.db"))
			standingArtifacts(t)
		}
		code, _, stderr := runCLI(t, args...)
		data, _ := os.ReadFile(f.Path)
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
	if counted == 0 || float64(ok) < 0.92*float64(counted) {
		t.Errorf("only %d of %d corpus templates expand; want at least 92%%", ok, counted)
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

// placeholders copies a parameter file with the gallery's placeholders
// (GEN-UNIQUE, GEN-PASSWORD, ...) replaced into a temporary folder.
func placeholders(t *testing.T, path string) string {
	out, err := gallery.ReplaceFile(path, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// needsArtifacts reports whether a parameter file names one of the
// gallery harness's standing artifacts (its Key Vault, network, identity).
func needsArtifacts(params string) bool {
	data, _ := os.ReadFile(params)
	return gallery.NeedsArtifacts(data)
}

// standingArtifacts deploys the gallery harness's standing artifacts into
// the store of $ARMDEPLOY_STATE, as the gallery's test subscription has
// them before any template runs.
func standingArtifacts(t *testing.T) {
	t.Helper()
	p := filepath.Join(t.TempDir(), "ci-artifacts.json")
	if err := os.WriteFile(p, gallery.ArtifactsTemplate, 0o644); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := runCLI(t, "deploy", "-g", gallery.ArtifactsGroup, "-l", "eastus", "--no-tui", "-f", p); code != 0 {
		t.Fatalf("the standing artifacts do not deploy: exit %d\n%s", code, stderr)
	}
}
