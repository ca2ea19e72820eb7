package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/armdeploy/armdeploy/internal/gallery"

	"github.com/armdeploy/armdeploy/templates"
)

// templatesIn lists the templates under root (files named azuredeploy.* or
// prereq.azuredeploy.*, not parameter files), with the parameter file next
// to each in the same format, or "" when there is none.
func templatesIn(t *testing.T, root string, exts ...string) [][2]string {
	t.Helper()
	var out [][2]string
	err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		base := d.Name()
		ext := filepath.Ext(base)
		if !strings.Contains(base, "azuredeploy") || strings.Contains(base, ".parameters.") || !contains(exts, ext) {
			return nil
		}
		params := strings.TrimSuffix(path, ext) + ".parameters" + ext
		if _, err := os.Stat(params); err != nil {
			params = ""
		}
		out = append(out, [2]string{path, params})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func TestQuickstartsValidate(t *testing.T) {
	files := templatesIn(t, filepath.Join("..", "..", "quickstarts"), ".json", ".yaml")
	if len(files) < 16 {
		t.Fatalf("found only %d quickstart templates", len(files))
	}
	for _, f := range files {
		t.Run(filepath.ToSlash(f[0]), func(t *testing.T) {
			args := []string{"validate", "-g", "rg-sig-quickstarts", "-f", f[0]}
			if f[1] != "" {
				args = append(args, "-p", "@"+f[1])
			}
			code, _, stderr := runCLI(t, args...)
			if code != 0 || stderr != "" {
				t.Errorf("exit %d\n%s", code, stderr)
			}
		})
	}
}

func TestQuickstartYAMLMatchesJSON(t *testing.T) {
	var n int
	filepath.WalkDir(filepath.Join("..", "..", "quickstarts"), func(path string, d os.DirEntry, err error) error {
		if err != nil || filepath.Ext(path) != ".json" {
			return err
		}
		n++
		t.Run(filepath.ToSlash(path), func(t *testing.T) {
			js, _, err := templates.ReadFile(path)
			if err != nil || js == nil {
				t.Fatal(err)
			}
			ys, _, err := templates.ReadFile(strings.TrimSuffix(path, ".json") + ".yaml")
			if err != nil || ys == nil {
				t.Fatal("no YAML twin", err)
			}
			if !templates.Equal(js.Root, ys.Root) {
				t.Error("the YAML form differs from the JSON form")
			}
		})
		return nil
	})
	if n == 0 {
		t.Fatal("no quickstarts found")
	}
}

// sharedDir locates ../shared (the reference material), or skips.
func sharedDir(t *testing.T) string {
	t.Helper()
	dir := filepath.Join("..", "..", "..", "shared", "reference")
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("reference material not found at %s: this test needs the ../shared folder next to the repository", dir)
	}
	return dir
}

// extraParams are the values the upstream test harness supplies itself.
var extraParams = map[string][]string{
	"vm-from-sig/prereqs/prereq.azuredeploy.json": {"osDiskVhdUri=https://example.blob.core.windows.net/vhds/os.vhd"},
	// The older version has no parameter file of its own.
	"vm-from-sig/older-version/azuredeploy.commit-26912f98.json": {"adminUsername=azureuser", "adminPassword=Correct-Horse-9-Battery",
		"dnsLabelPrefix=sigdemo42", "galleryName=g1", "galleryImageDefinitionName=d1", "galleryImageVersionName=0.0.1"},
}

func TestUpstreamQuickstartsValidate(t *testing.T) {
	root := filepath.Join(sharedDir(t), "quickstarts")
	for _, f := range templatesIn(t, root, ".json") {
		rel, _ := filepath.Rel(root, f[0])
		t.Run(filepath.ToSlash(rel), func(t *testing.T) {
			args := []string{"validate", "-g", "rg1", "-f", f[0], "--artifacts-map", galleryPrefix + "=" + filepath.Join("testdata", "artifacts")}
			if f[1] != "" {
				args = append(args, "-p", "@"+placeholders(t, f[1]))
			}
			args = append(args, prefixed("-p", extraParams[filepath.ToSlash(rel)])...)
			code, _, stderr := runCLI(t, args...)
			if code != 0 || strings.Contains(stderr, "error") {
				t.Errorf("exit %d\n%s", code, stderr)
			}
		})
	}
}

func prefixed(flag string, values []string) []string {
	var out []string
	for _, v := range values {
		out = append(out, flag, v)
	}
	return out
}

// galleryPrefix is where the quickstart gallery's templates link their
// modules from; testdata/artifacts holds the modules the upstream
// quickstarts link (copied from the gallery).
const galleryPrefix = gallery.Prefix

// TestUpstreamLinkedModule: the sig-image-definition-create prerequisite
// links the gallery's module by URI. With --artifacts-map it deploys, the
// module's gallery included; without, every preflight command fails
// naming the URI and the flag.
func TestUpstreamLinkedModule(t *testing.T) {
	prereq, err := filepath.Abs(filepath.Join(sharedDir(t), "quickstarts", "sig-image-definition-create", "prereqs", "prereq.azuredeploy.json"))
	if err != nil {
		t.Fatal(err)
	}
	artifacts, _ := filepath.Abs(filepath.Join("testdata", "artifacts"))
	dir := t.TempDir()
	t.Chdir(dir)
	t.Setenv("ARMDEPLOY_STATE", filepath.Join(dir, "state.db"))
	uri := galleryPrefix + "modules/Microsoft.Compute/galleries/create/1.0/azuredeploy.json"
	for _, cmd := range []string{"validate", "what-if", "deploy"} {
		code, _, stderr := runCLI(t, cmd, "-g", "rg-sig", "-l", "eastus", "-f", prereq)
		if code != 1 || !strings.Contains(stderr, "InvalidContentLink") || !strings.Contains(stderr, uri) || !strings.Contains(stderr, "--artifacts-map") {
			t.Errorf("%s without --artifacts-map: exit %d, want 1 naming the URI and the flag\n%s", cmd, code, stderr)
		}
	}
	code, _, stderr := runCLI(t, "deploy", "-g", "rg-sig", "-l", "eastus", "-f", prereq, "--artifacts-map", galleryPrefix+"="+artifacts)
	if code != 0 {
		t.Fatalf("deploy with --artifacts-map: exit %d\n%s", code, stderr)
	}
	code, out, stderr := runCLI(t, "resource", "list", "-g", "rg-sig", "-o", "tsv", "--query", "[].type")
	if code != 0 || !strings.Contains(out, "Microsoft.Compute/galleries") {
		t.Errorf("the module's gallery is not deployed: exit %d\n%s%s", code, out, stderr)
	}
}
