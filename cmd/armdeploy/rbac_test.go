package main

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestRBACMatrixCLI runs the commands a user types with --as for
// principals holding Reader, Contributor or nothing on a group (and the
// default Owner), each on a copy of one store: Y is exit 0 with no
// AuthorizationFailed, N a non-zero exit naming AuthorizationFailed with
// the store unchanged. The arm package's matrix covers every operation
// and role; this one proves the commands pass the principal through.
func TestRBACMatrixCLI(t *testing.T) {
	principals := []string{"", "readerA", "contribA", "nobody"}
	fixture := storeDir(t)
	dir := filepath.Dir(filepath.Dir(fixture))
	const tmpl = `{"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#", "contentVersion": "1.0.0.0",
  "resources": [{"type": "Microsoft.Compute/galleries", "apiVersion": "2022-03-03", "name": "gal", "location": "eastus", "properties": {}}]}`
	const grants = `{"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#", "contentVersion": "1.0.0.0",
  "resources": [
    {"type": "Microsoft.Authorization/roleAssignments", "apiVersion": "2022-04-01", "name": "11111111-0000-0000-0000-000000000001",
     "properties": {"principalId": "readerA", "roleDefinitionId": "[subscriptionResourceId('Microsoft.Authorization/roleDefinitions', 'acdd72a7-3385-48ef-bd42-f606fba81ae7')]"}},
    {"type": "Microsoft.Authorization/roleAssignments", "apiVersion": "2022-04-01", "name": "11111111-0000-0000-0000-000000000002",
     "properties": {"principalId": "contribA", "roleDefinitionId": "[subscriptionResourceId('Microsoft.Authorization/roleDefinitions', 'b24988ac-6180-42a0-ab88-20f7382dd24c')]"}}]}`
	for name, text := range map[string]string{"fixture.json": tmpl, "grants.json": grants, "t.json": strings.Replace(tmpl, `"gal"`, `"gal2"`, 1)} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	for _, args := range [][]string{
		{"deploy", "-g", "rga", "-l", "eastus", "-f", "fixture.json", "--no-tui"},
		{"deploy", "-g", "rga", "-f", "grants.json", "--no-tui"},
		{"group", "create", "-n", "rgb", "-l", "eastus"},
	} {
		if code, _, stderr := runCLI(t, args...); code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, stderr)
		}
	}
	galID := "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rga/providers/Microsoft.Compute/galleries/gal"
	tests := []struct {
		args []string
		want string // a cell per principal
	}{
		{[]string{"group", "show", "-n", "rga"}, "YYYN"},
		{[]string{"resource", "show", "--ids", galID}, "YYYN"},
		{[]string{"deploy", "-g", "rga", "-f", "t.json", "--no-tui"}, "YNYN"},
		{[]string{"deployment", "group", "create", "-g", "rga", "-f", "t.json", "--no-tui"}, "YNYN"},
		{[]string{"what-if", "-g", "rga", "-f", "t.json"}, "YNYN"},
		{[]string{"validate", "-g", "rga", "-f", "t.json"}, "YNYN"},
		{[]string{"deployment", "list", "-g", "rga"}, "YYYN"},
		{[]string{"deployment", "group", "show", "-g", "rga", "-n", "fixture"}, "YYYN"},
		{[]string{"deployment", "operation", "group", "list", "-g", "rga", "-n", "fixture"}, "YYYN"},
		{[]string{"deployment", "group", "export", "-g", "rga", "-n", "fixture"}, "YNYN"},
		{[]string{"deployment", "group", "delete", "-g", "rga", "-n", "fixture"}, "YNYN"},
		{[]string{"group", "create", "-n", "rgc", "-l", "eastus"}, "YNNN"},
		{[]string{"group", "delete", "-n", "rgb", "--yes"}, "YNNN"},
		{[]string{"state", "export"}, "YNNN"},
		{[]string{"cost", "-g", "rga"}, "YYYN"},
	}
	for _, tt := range tests {
		for i, p := range principals {
			name := p
			if name == "" {
				name = "owner"
			}
			t.Run(strings.Join(tt.args, " ")+"/"+name, func(t *testing.T) {
				cell := t.TempDir()
				copyStore(t, fixture, filepath.Join(cell, ".armdeploy", "state.db"))
				for _, f := range []string{"fixture.json", "t.json"} {
					copyFile(t, filepath.Join(dir, f), filepath.Join(cell, f))
				}
				t.Chdir(cell)
				t.Setenv("ARMDEPLOY_STATE", filepath.Join(cell, ".armdeploy", "state.db"))
				_, before, _ := runCLI(t, "state", "export")
				args := tt.args
				if p != "" {
					args = append(append([]string{}, args...), "--as", p)
				}
				code, stdout, stderr := runCLI(t, args...)
				got := "?"
				denied := strings.Contains(stdout+stderr, "AuthorizationFailed")
				switch {
				case code == 0 && !denied:
					got = "Y"
				case code != 0 && denied:
					got = "N"
				}
				if want := tt.want[i : i+1]; got != want {
					t.Fatalf("armdeploy %s: got %s, want %s (exit %d)\nstdout: %s\nstderr: %s", strings.Join(args, " "), got, want, code, stdout, stderr)
				}
				if got == "N" {
					if _, after, _ := runCLI(t, "state", "export"); after != before {
						t.Errorf("a denied command changed the store")
					}
				}
			})
		}
	}
}

// copyStore copies a closed SQLite store (with its WAL, if any).
func copyStore(t *testing.T, from, to string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(to), 0o700); err != nil {
		t.Fatal(err)
	}
	copyFile(t, from, to)
	for _, ext := range []string{"-wal", "-shm"} {
		if _, err := os.Stat(from + ext); err == nil {
			copyFile(t, from+ext, to+ext)
		}
	}
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	in, err := os.Open(from)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	out, err := os.Create(to)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
}
