//go:build unix

package evaluator

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/armdeploy/armdeploy/templates"
	"github.com/armdeploy/armdeploy/templates/diag"
)

// linkMarker is planted in every file outside the link root; no
// diagnostic may ever show it.
const linkMarker = "PLANTED-OUTSIDE-7f3a9c"

// linkingTemplate is a template with one nested deployment whose
// templateLink is link (a JSON object); the templateLink is on line 7.
func linkingTemplate(link string) string {
	return `{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "contentVersion": "1.0.0.0",
  "resources": [
    {"type": "Microsoft.Resources/deployments", "apiVersion": "2022-09-01", "name": "linked",
      "properties": {"mode": "Incremental",
        "templateLink": ` + link + `}}
  ]
}`
}

func relLink(p string) string { return fmt.Sprintf(`{"relativePath": %q}`, p) }

const okModule = `{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "contentVersion": "1.0.0.0",
  "resources": [
    {"type": "Microsoft.Network/publicIPAddresses", "apiVersion": "2023-04-01", "name": "ip1", "location": "westus2"}
  ]
}`

func writeLinkFile(t *testing.T, path, text string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

// linkTree builds, under a new temporary folder:
//
//	outside/secret.json      not JSON, with the marker (outside the root)
//	root/                    the link root
//	  modules/ok.json        a valid module
//	  a/b/c/deep.json        links ../../../modules/ok.json
//	  a/b/c/escape.json      links ../../../../outside/secret.json
//	  app/main.json          (written by each case)
//	  broken.json            invalid JSON inside the root
//	  big.json               5 MB
//	  in.json -> modules/ok.json          (relative symlink inside)
//	  out.json -> ../outside/secret.json  (symlink out)
//	  zero.json -> /dev/zero
//	  absin.json -> ROOT/modules/ok.json  (absolute symlink inside)
//	  pipe.json                           (FIFO)
func linkTree(t *testing.T) (top, root string) {
	top = t.TempDir()
	root = filepath.Join(top, "root")
	writeLinkFile(t, filepath.Join(top, "outside", "secret.json"), linkMarker+` {"not": json `+linkMarker)
	writeLinkFile(t, filepath.Join(root, "modules", "ok.json"), okModule)
	writeLinkFile(t, filepath.Join(root, "a", "b", "c", "deep.json"), linkingTemplate(relLink("../../../modules/ok.json")))
	writeLinkFile(t, filepath.Join(root, "a", "b", "c", "escape.json"), linkingTemplate(relLink("../../../../outside/secret.json")))
	writeLinkFile(t, filepath.Join(root, "broken.json"), `{"resources": [ oops`)
	writeLinkFile(t, filepath.Join(root, "big.json"), `{"x": "`+strings.Repeat("a", 5<<20)+`"}`)
	for name, target := range map[string]string{
		"in.json":    "modules/ok.json",
		"out.json":   "../outside/secret.json",
		"zero.json":  "/dev/zero",
		"absin.json": filepath.Join(root, "modules", "ok.json"),
	} {
		if err := os.Symlink(target, filepath.Join(root, name)); err != nil {
			t.Skipf("symlinks: %v", err)
		}
	}
	if err := syscall.Mkfifo(filepath.Join(root, "pipe.json"), 0o644); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	return top, root
}

// expandLinked expands the template at main and returns its resources,
// diagnostics and the sources the nested deployments loaded. It fails the
// test when expansion takes more than 5 seconds (a FIFO that blocks).
func expandLinked(t *testing.T, main string, opts Options) ([]*Resource, diag.Diagnostics, templates.Sources) {
	t.Helper()
	src, ds, err := templates.ReadFile(main)
	if err != nil || ds.HasErrors() {
		t.Fatalf("read %s: %v %v", main, err, ds)
	}
	tm, ds := templates.NewTemplate(src)
	if ds.HasErrors() {
		t.Fatal(ds)
	}
	opts.Sources = templates.Sources{}
	opts.Deployment = Deployment{Name: "d", Scope: ScopeResourceGroup, SubscriptionID: "00000000-0000-0000-0000-000000000000", ResourceGroup: "rg", Location: "westus2"}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	type result struct {
		rs []*Resource
		ds diag.Diagnostics
	}
	done := make(chan result, 1)
	go func() {
		rs, ds := NewTemplate(tm, nil, opts).Resources()
		done <- result{rs, ds}
	}()
	select {
	case r := <-done:
		return r.rs, r.ds, opts.Sources
	case <-ctx.Done():
		t.Fatalf("expanding %s did not finish within 5s (blocked on a file?)", main)
	}
	return nil, nil, nil
}

func TestLocalLinkConfinement(t *testing.T) {
	top, root := linkTree(t)
	secret := filepath.Join(top, "outside", "secret.json")
	cases := []struct {
		name string
		link string // the templateLink object
		// main is where the linking template is, relative to root
		// (default "main.json").
		main  string
		opts  Options
		want  string // "" when the link must expand (one public IP)
		error bool   // want is in an error (else no error at all)
		// at is the linking file of the refused link, relative to root
		// (default: main); depth is how many deployments come before the
		// public IP or the refusal (default 1).
		at    string
		depth int
	}{
		{name: "dotdot-etc-passwd", link: relLink("../../../../etc/passwd"), want: "resolves outside the template folder"},
		{name: "proc-self-environ", link: relLink("/proc/self/environ"), want: "is an absolute path"},
		{name: "absolute-etc-passwd", link: relLink("/etc/passwd"), want: "is an absolute path"},
		{name: "absolute-planted", link: relLink(secret), want: "is an absolute path"},
		{name: "dotdot-planted", link: relLink("../outside/secret.json"), want: "resolves outside the template folder"},
		{name: "dotdot-through-folder", link: relLink("modules/../../outside/secret.json"), want: "resolves outside the template folder"},
		{name: "backslash-drive", link: relLink(`C:\secret.json`), want: "is an absolute path"},
		{name: "symlink-outside", link: relLink("out.json"), want: "resolves outside the template folder"},
		{name: "symlink-inside", link: relLink("in.json")},
		{name: "symlink-absolute-inside", link: relLink("absin.json"), want: "absolute symbolic link"},
		{name: "fifo", link: relLink("pipe.json"), want: "is a named pipe (FIFO), not a regular file"},
		{name: "dev-zero-via-symlink", link: relLink("zero.json"), want: "resolves outside the template folder"},
		{name: "dev-zero-under-slash-root", link: relLink("../../../../../../../../dev/zero"), opts: Options{ArtifactsRoot: "/"}, want: "is a device, not a regular file"},
		{name: "directory", link: relLink("modules"), want: "is a directory, not a regular file"},
		{name: "five-megabytes", link: relLink("big.json"), want: "more than the 4 MB"},
		{name: "file-uri-relative-path", link: relLink("file:///etc/passwd"), want: "is a file:// URI"},
		{name: "file-uri-planted", link: relLink("file://" + secret), want: "is a file:// URI"},
		{name: "file-uri-as-uri", link: fmt.Sprintf(`{"uri": %q}`, "file://"+secret), want: "reads no file:// URI"},
		{name: "missing", link: relLink("modules/nope.json"), want: "the file does not exist"},
		{name: "deep-ok", link: relLink("a/b/c/deep.json"), depth: 2},
		{name: "deep-escape", link: relLink("a/b/c/escape.json"), want: "resolves outside the template folder", at: "a/b/c/escape.json", depth: 2},
		{name: "from-subfolder-ok", main: "app/main.json", link: relLink("../modules/ok.json"), opts: Options{ArtifactsRoot: root}},
		{name: "from-subfolder-without-root", main: "app/main.json", link: relLink("../modules/ok.json"), want: "resolves outside the template folder"},
		{name: "artifacts-root-escape", main: "app/main.json", link: relLink("../../outside/secret.json"), opts: Options{ArtifactsRoot: root}, want: "resolves outside the --artifacts-root folder"},
		{name: "no-local-links", link: relLink("modules/ok.json"), opts: Options{NoLocalLinks: true}, want: "reads no local template link"},
		{name: "invalid-json-inside", link: relLink("broken.json"), error: true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			main := c.main
			if main == "" {
				main = "main.json"
			}
			main = filepath.Join(root, main)
			writeLinkFile(t, main, linkingTemplate(c.link))
			at := main
			if c.at != "" {
				at = filepath.Join(root, c.at)
			}
			if c.depth == 0 {
				c.depth = 1
			}
			rs, ds, srcs := expandLinked(t, main, c.opts)
			for _, d := range ds {
				if strings.Contains(d.Message, linkMarker) || strings.Contains(d.Message, "root:") {
					t.Errorf("a diagnostic shows the target's content: %s", d.Message)
				}
			}
			for name, s := range srcs {
				if strings.Contains(string(s.Text), linkMarker) {
					t.Errorf("the outside file was loaded as %s", name)
				}
			}
			if c.want == "" && !c.error {
				if ds.HasErrors() {
					t.Fatalf("want the link to expand, got %v", ds)
				}
				if len(rs) != c.depth+1 || rs[c.depth].Type != "Microsoft.Network/publicIPAddresses" {
					t.Fatalf("want %d deployments and the public IP, got %d resources", c.depth, len(rs))
				}
				return
			}
			var found *diag.Diagnostic
			for i, d := range ds {
				if d.Severity == diag.Error && strings.Contains(d.Message, c.want) {
					found = &ds[i]
					break
				}
			}
			if found == nil {
				t.Fatalf("want an error with %q, got %v", c.want, ds)
			}
			if c.error {
				return
			}
			if found.Range.File != at || found.Range.Start.Line != 7 {
				t.Errorf("error at %s, want %s:7 (the templateLink)", found.Range, at)
			}
			if !strings.Contains(found.Message, "The linked template '") || !strings.Contains(found.Message, "of deployment 'linked'") {
				t.Errorf("message does not name the link as written: %s", found.Message)
			}
			if len(rs) != c.depth {
				t.Errorf("a refused link expanded %d resources", len(rs)-c.depth)
			}
		})
	}
}

// TestLocalLinkNamesPathAsWritten checks that a refusal quotes the
// relativePath the template wrote, not the path it resolves to.
func TestLocalLinkNamesPathAsWritten(t *testing.T) {
	_, root := linkTree(t)
	main := filepath.Join(root, "main.json")
	writeLinkFile(t, main, linkingTemplate(relLink("out.json")))
	_, ds, _ := expandLinked(t, main, Options{})
	if len(ds) != 1 || !strings.Contains(ds[0].Message, "'out.json'") || strings.Contains(ds[0].Message, "outside/secret") {
		t.Fatalf("got %v", ds)
	}
}
