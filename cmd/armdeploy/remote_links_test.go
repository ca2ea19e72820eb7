//go:build unix

package main

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

const uriLinkTemplate = `{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "contentVersion": "1.0.0.0",
  "resources": [
    {"type": "Microsoft.Resources/deployments", "apiVersion": "2022-09-01", "name": "linked",
      "properties": {"mode": "Incremental", "templateLink": {"uri": "LINK"}}}
  ]
}`

const plainTemplate = `{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "contentVersion": "1.0.0.0",
  "resources": [{"type": "Microsoft.Network/virtualNetworks", "apiVersion": "2023-04-01", "name": "vnet1", "location": "eastus",
    "properties": {"addressSpace": {"addressPrefixes": ["10.0.0.0/16"]}}}]
}`

// TestArtifactsMapConfinement: a mapping's folder is the root of the
// files read through it, as the template folder is for local links:
// symbolic links out of it, absolute symbolic links, named pipes,
// devices, folders and files over 4 MB are refused before anything is
// read, and no message shows the target.
func TestArtifactsMapConfinement(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	t.Setenv("ARMDEPLOY_STATE", filepath.Join(dir, ".armdeploy", "state.db"))
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.MkdirAll("site/sub", 0o755))
	must(os.WriteFile("outside.json", []byte(`{"planted": "`+linksMarker+`"}`), 0o644))
	must(os.WriteFile("site/ok.json", []byte(plainTemplate), 0o644))
	must(os.Symlink("../outside.json", "site/out.json"))
	must(os.Symlink(filepath.Join(dir, "site", "ok.json"), "site/abs.json"))
	must(os.Symlink("ok.json", "site/rel.json"))
	must(os.Symlink("/dev/zero", "site/zero.json"))
	if err := syscall.Mkfifo("site/pipe.json", 0o644); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	big := make([]byte, 4*1024*1024+1)
	must(os.WriteFile("site/big.json", big, 0o644))
	const prefix = "https://contoso.blob.core.windows.net/t/"
	tests := []struct {
		name, link string
		code       int
		want       string
	}{
		{"regular file", "ok.json", 0, ""},
		{"relative symbolic link inside", "rel.json", 0, ""},
		{"symbolic link out of the folder", "out.json", 1, "It is refused: it resolves outside the folder --artifacts-map maps '" + prefix + "' to"},
		{"absolute symbolic link", "abs.json", 1, "It is refused: it is reached through an absolute symbolic link"},
		{"device through a symbolic link", "zero.json", 1, "It is refused: it resolves outside the folder"},
		{"named pipe", "pipe.json", 1, "It is refused: it is a named pipe (FIFO) in the folder"},
		{"folder", "sub", 1, "It is refused: it is a directory in the folder"},
		{"over 4 MB", "big.json", 1, "It is refused: the file has 4194305 bytes, more than the 4 MB"},
		{"missing", "none.json", 1, "The file does not exist in the folder"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			must(os.WriteFile("main.json", []byte(strings.Replace(uriLinkTemplate, "LINK", prefix+tc.link+"?sv=1&sig=c2VjcmV0", 1)), 0o644))
			for _, cmd := range []string{"validate", "what-if", "expand"} {
				code, _, stderr := cliWithin(t, cmd, "-g", "rg", "-l", "eastus", "-f", "main.json", "--artifacts-map", prefix+"=site")
				if code != tc.code || !strings.Contains(stderr, tc.want) {
					t.Errorf("%s: exit %d, stderr:\n%s\nwant exit %d and %q", cmd, code, stderr, tc.code, tc.want)
				}
				// the snippet quotes the template's own line; the message
				// (the first line) never the SAS token
				msg, _, _ := strings.Cut(stderr, "\n")
				if strings.Contains(stderr, linksMarker) || strings.Contains(msg, "sig=") || strings.Contains(stderr, filepath.Join(dir, "outside.json")) {
					t.Errorf("%s: the message shows the target, its path or the SAS token:\n%s", cmd, stderr)
				}
			}
		})
	}
}

// TestTemplateURIPath: --template-uri with a path (or file:// URI) makes
// deployment().properties.templateLink.uri the file's URI, so the
// gallery's _artifactsLocation convention reads the files beside it,
// confined to the template's folder; a file:// URI outside it is refused.
func TestTemplateURIPath(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	t.Setenv("ARMDEPLOY_STATE", filepath.Join(dir, ".armdeploy", "state.db"))
	gallery := `{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "contentVersion": "1.0.0.0",
  "parameters": {"_artifactsLocation": {"type": "string", "defaultValue": "[deployment().properties.templateLink.uri]"}},
  "resources": [{"type": "Microsoft.Resources/deployments", "apiVersion": "2022-09-01", "name": "linked",
    "properties": {"mode": "Incremental", "templateLink": {"uri": "[uri(parameters('_artifactsLocation'), 'LINK')]"}}}]
}`
	if err := os.MkdirAll("site/nested", 0o755); err != nil {
		t.Fatal(err)
	}
	os.WriteFile("site/nested/vnet.json", []byte(plainTemplate), 0o644)
	os.WriteFile("outside.json", []byte(`{"planted": "`+linksMarker+`"}`), 0o644)
	tests := []struct {
		name, link, uri string
		code            int
		want            string
	}{
		{"path", "nested/vnet.json", "site/main.json", 0, ""},
		{"file URI", "nested/vnet.json", "file://" + filepath.ToSlash(filepath.Join(dir, "site", "main.json")), 0, ""},
		{"climbing out", "../outside.json", "site/main.json", 1, "armdeploy reads no file:// URI"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			os.WriteFile("site/main.json", []byte(strings.Replace(gallery, "LINK", tc.link, 1)), 0o644)
			code, out, stderr := cliWithin(t, "expand", "-g", "rg", "-l", "eastus", "--template-uri", tc.uri)
			if code != tc.code || !strings.Contains(stderr, tc.want) {
				t.Fatalf("exit %d, stderr:\n%s\nwant exit %d and %q", code, stderr, tc.code, tc.want)
			}
			if code == 0 && !strings.Contains(out, "virtualNetworks/vnet1") {
				t.Errorf("the linked template is not expanded:\n%s", out)
			}
			if strings.Contains(stderr, linksMarker) {
				t.Errorf("the message shows the target:\n%s", stderr)
			}
		})
	}
}

// TestArtifactsMapConfig: $ARMDEPLOY_CONFIG names the config file; its
// relative folders are relative to the file's folder.
func TestArtifactsMapConfig(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	t.Setenv("ARMDEPLOY_STATE", filepath.Join(dir, ".armdeploy", "state.db"))
	os.MkdirAll("conf/site", 0o755)
	os.WriteFile("conf/site/ok.json", []byte(plainTemplate), 0o644)
	os.WriteFile("conf/armdeploy.yaml", []byte("artifacts-map:\n  - https://contoso.blob.core.windows.net/t/=site\n"), 0o644)
	os.WriteFile("main.json", []byte(strings.Replace(uriLinkTemplate, "LINK", "https://contoso.blob.core.windows.net/t/ok.json", 1)), 0o644)
	t.Setenv("ARMDEPLOY_CONFIG", filepath.Join("conf", "armdeploy.yaml"))
	if code, out, stderr := cliWithin(t, "expand", "-g", "rg", "-f", "main.json"); code != 0 || !strings.Contains(out, "vnet1") {
		t.Errorf("exit %d\n%s%s", code, out, stderr)
	}
	os.WriteFile("conf/armdeploy.yaml", []byte("artifacts-map:\n  - ftp://x/=site\n"), 0o644)
	if code, _, stderr := cliWithin(t, "expand", "-g", "rg", "-f", "main.json"); code != 2 || !strings.Contains(stderr, "conf/armdeploy.yaml") {
		t.Errorf("a bad config file: exit %d, want 2 naming it\n%s", code, stderr)
	}
}
