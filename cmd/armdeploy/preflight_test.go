package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A deployment that fails its checks (template, parameters, scope, limits,
// provider rules) exits 1 and leaves the state file exactly as it was: no
// group created for -l, no resource, no record, no lease. Validate, the
// same checks, exits 1 for each.
func TestFailedPreflightWritesNothing(t *testing.T) {
	path := storeDir(t)
	dir := filepath.Dir(filepath.Dir(path))
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	const rg = `"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#", "contentVersion": "1.0.0.0"`
	nsgAt := func(name, location string) string {
		return `{"type": "Microsoft.Network/networkSecurityGroups", "apiVersion": "2023-04-01", "name": "` + name + `", "location": "` + location + `", "properties": {"securityRules": []}}`
	}
	nsg := func(name string) string { return nsgAt(name, "eastus") }
	good := write("good.json", `{`+rg+`, "resources": [`+nsg("first")+`]}`)
	if code, _, stderr := runCLI(t, "deploy", "-g", "existing", "-l", "eastus", "-f", good, "--no-tui"); code != 0 {
		t.Fatalf("setup: %d %s", code, stderr)
	}
	tests := []struct{ name, template string }{
		{"not JSON", `{"resources": [`},
		{"unknown parameter", `{` + rg + `, "resources": [{"type": "Microsoft.Network/networkSecurityGroups", "apiVersion": "2023-04-01", "name": "[parameters('x')]", "location": "eastus"}]}`},
		{"801 resources", `{` + rg + `, "resources": [{"type": "Microsoft.Network/networkSecurityGroups", "apiVersion": "2023-04-01", "name": "[format('n{0}', copyIndex())]", "location": "eastus", "properties": {}, "copy": {"name": "c", "count": 800}}, ` + nsg("extra") + `]}`},
		{"provider refusal", `{` + rg + `, "resources": [` + nsg("ok") + `, {"type": "Microsoft.Compute/galleries", "apiVersion": "2022-03-03", "name": "bad-name", "location": "eastus", "properties": {}}]}`},
		{"subscription template at group scope", `{"$schema": "https://schema.management.azure.com/schemas/2018-05-01/subscriptionDeploymentTemplate.json#", "contentVersion": "1.0.0.0", "resources": []}`},
		{"five independent faults", `{` + rg + `, "resources": [` + nsgAt("n1", "narnia") + `, {"type": "Microsoft.Compute/galleries", "apiVersion": "2022-03-03", "name": "bad-name", "location": "eastus", "properties": {}}, {"type": "Microsoft.Network/publicIPAddresses", "apiVersion": "2099-01-01", "name": "ip1", "location": "eastus", "properties": {}}, {"type": "Microsoft.Compute/galleries", "apiVersion": "2022-03-03", "name": "[format('g{0}', copyIndex())]", "location": "westus", "properties": {}, "copy": {"name": "c", "count": 101}}, {"type": "Microsoft.Network/virtualNetworks", "apiVersion": "2023-04-01", "name": "vnet1", "location": "eastus", "properties": {}}]}`},
		{"cycle", `{` + rg + `, "resources": [{"type": "Microsoft.Network/networkSecurityGroups", "apiVersion": "2023-04-01", "name": "a", "location": "eastus", "properties": {}, "dependsOn": ["b"]}, {"type": "Microsoft.Network/networkSecurityGroups", "apiVersion": "2023-04-01", "name": "b", "location": "eastus", "properties": {}, "dependsOn": ["a"]}]}`},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			file := write(fmt.Sprintf("bad%d.json", i), tt.template)
			before := snapshot(t, path)
			for _, group := range []string{"new-group", "existing"} {
				code, _, stderr := runCLI(t, "deploy", "-g", group, "-l", "eastus", "-f", file, "--no-tui")
				if code != 1 {
					t.Errorf("deploy into %s: exit %d, want 1\n%s", group, code, stderr)
				}
			}
			// Validate is the same preflight: it refuses each of them.
			for _, group := range []string{"new-group", "existing"} {
				if code, _, stderr := runCLI(t, "validate", "-g", group, "-l", "eastus", "-f", file); code != 1 {
					t.Errorf("validate in %s: exit %d, want 1\n%s", group, code, stderr)
				}
			}
			if after := snapshot(t, path); !bytes.Equal(before, after) {
				t.Error("the state file changed")
			}
			if _, out, _ := runCLI(t, "group", "list"); strings.Contains(out, "new-group") {
				t.Errorf("a group was created:\n%s", out)
			}
		})
	}
}

// snapshot is the state as its files hold it: the database and its
// write-ahead log.
func snapshot(t *testing.T, path string) []byte {
	t.Helper()
	var out []byte
	for _, p := range []string{path, path + "-wal"} {
		b, err := os.ReadFile(p)
		if err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
		out = append(out, b...)
	}
	return out
}
