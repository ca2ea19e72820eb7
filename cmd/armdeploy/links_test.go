//go:build unix

package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

const linksMarker = "PLANTED-CLI-OUTSIDE-c41d"

// cliWithin runs the CLI and fails the test if it does not end within 10
// seconds (a read blocked on a named pipe).
func cliWithin(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	type result struct {
		code           int
		stdout, stderr string
	}
	done := make(chan result, 1)
	go func() {
		code, out, errs := runCLI(t, args...)
		done <- result{code, out, errs}
	}()
	select {
	case r := <-done:
		return r.code, r.stdout, r.stderr
	case <-ctx.Done():
		t.Fatalf("armdeploy %s did not finish within 10s", strings.Join(args, " "))
	}
	return 0, "", ""
}

const linkCLITemplate = `{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "contentVersion": "1.0.0.0",
  "resources": [
    {"type": "Microsoft.Resources/deployments", "apiVersion": "2022-09-01", "name": "linked",
      "properties": {"mode": "Incremental", "templateLink": {"relativePath": "LINK"}}}
  ]
}`

// TestCLINamedPipes: -f and -p naming a FIFO are refused at once, as
// usage errors that say what the file is.
func TestCLINamedPipes(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	t.Setenv("ARMDEPLOY_STATE", filepath.Join(dir, ".armdeploy", "state.db"))
	if err := syscall.Mkfifo("pipe.json", 0o644); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	if err := os.WriteFile("main.json", []byte(strings.Replace(linkCLITemplate, "LINK", "pipe.json", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"validate", "-g", "rg", "-f", "pipe.json"}, 2, "the template file pipe.json is a named pipe (FIFO), not a regular file"},
		{[]string{"expand", "-g", "rg", "-f", "main.json", "-p", "@pipe.json"}, 2, "the parameters file pipe.json is a named pipe (FIFO), not a regular file"},
		{[]string{"expand", "-g", "rg", "-f", "main.json", "-p", "pipe.json"}, 2, "the parameters file pipe.json is a named pipe (FIFO), not a regular file"},
		{[]string{"expand", "-g", "rg", "-f", "main.json"}, 1, "The linked template 'pipe.json' of deployment 'linked' is refused: it is a named pipe (FIFO), not a regular file."},
	} {
		code, _, stderr := cliWithin(t, c.args...)
		if code != c.code || !strings.Contains(stderr, c.want) {
			t.Errorf("armdeploy %s: exit %d, stderr:\n%s\nwant exit %d and %q", strings.Join(c.args, " "), code, stderr, c.code, c.want)
		}
	}
}

// TestCLILinkConfinement: every template command has --artifacts-root and
// refuses a link out of the root without showing the target.
func TestCLILinkConfinement(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	t.Setenv("NO_COLOR", "1")
	t.Setenv("ARMDEPLOY_STATE", filepath.Join(dir, ".armdeploy", "state.db"))
	write := func(name, text string) {
		if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(name, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("secret.json", linksMarker+" {not json "+linksMarker)
	write("app/main.json", strings.Replace(linkCLITemplate, "LINK", "../secret.json", 1))
	if err := os.Symlink("../secret.json", "app/out.json"); err != nil {
		t.Skip(err)
	}
	write("app/viaLink.json", strings.Replace(linkCLITemplate, "LINK", "out.json", 1))
	commands := [][]string{
		{"validate", "-g", "rg"},
		{"expand", "-g", "rg"},
		{"what-if", "-g", "rg", "-l", "westus2"},
		{"deploy", "-g", "rg", "-l", "westus2"},
		{"graph", "-g", "rg"},
		{"deployment", "group", "create", "-g", "rg", "-l", "westus2"},
		{"deployment", "group", "validate", "-g", "rg"},
		{"deployment", "group", "what-if", "-g", "rg", "-l", "westus2"},
	}
	for _, cmd := range commands {
		for _, main := range []string{"app/main.json", "app/viaLink.json"} {
			for _, root := range []string{"", "app"} {
				args := append(append([]string{}, cmd...), "-f", main)
				if root != "" {
					args = append(args, "--artifacts-root", root)
				}
				code, stdout, stderr := cliWithin(t, args...)
				if code != 1 || !strings.Contains(stderr, "is refused: it resolves outside the") {
					t.Errorf("armdeploy %s: exit %d, stderr:\n%s", strings.Join(args, " "), code, stderr)
				}
				if strings.Contains(stdout+stderr, linksMarker) {
					t.Errorf("armdeploy %s shows the outside file:\n%s%s", strings.Join(args, " "), stdout, stderr)
				}
			}
		}
	}
	// The same link is fine when the root is the folder above.
	code, _, stderr := cliWithin(t, "validate", "-g", "rg", "-f", "app/main.json", "--artifacts-root", ".")
	if strings.Contains(stderr, "is refused") || strings.Contains(stderr, "outside") {
		t.Errorf("with --artifacts-root . the link is inside: exit %d\n%s", code, stderr)
	}
}
