package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"
)

// azWhatIfFormat is ../shared/tools/az-whatif/az-whatif-format (or
// $AZ_WHATIF_FORMAT), az CLI 2.45's own what-if formatter; "" when it or
// azure-cli is not installed.
func azWhatIfFormat() string {
	for _, c := range []string{os.Getenv("AZ_WHATIF_FORMAT"), filepath.Join("..", "..", "..", "shared", "tools", "az-whatif", "az-whatif-format")} {
		if c == "" {
			continue
		}
		if _, err := os.Stat(c); err != nil {
			continue
		}
		if _, err := os.Stat("/usr/lib/python3/dist-packages/azure/cli/command_modules/resource/_formatters.py"); err != nil {
			return ""
		}
		abs, _ := filepath.Abs(c)
		return abs
	}
	return ""
}

// TestWhatIfGoldensAreAzs checks every what-if golden of testdata printed
// as text against az's formatter: the script runs again with -o json and
// az-whatif-format renders that JSON; its text must be the golden, byte
// for byte (az 2.45 differs only in two accepted ways: "scopes" without a
// colon and no Diagnostics block). Skipped without the tool.
func TestWhatIfGoldensAreAzs(t *testing.T) {
	tool := azWhatIfFormat()
	if tool == "" {
		t.Skip("az-whatif-format or azure-cli not installed")
	}
	files, _ := filepath.Glob(filepath.Join("testdata", "*", "*.txtar"))
	type golden struct{ name, text, json string }
	var cases []golden
	for _, file := range files {
		ar, err := txtar.ParseFile(file)
		if err != nil {
			t.Fatal(err)
		}
		sec := map[string]string{}
		for _, f := range ar.Files {
			sec[f.Name] = string(f.Data)
		}
		args := strings.Fields(sec["args"])
		if len(args) == 0 || args[0] != "what-if" || strings.TrimSpace(sec["exit"]) != "0" || !strings.HasPrefix(sec["stdout"], "Note: ") ||
			slices.ContainsFunc(args, func(a string) bool { return a == "-o" || a == "--output" || strings.HasPrefix(a, "--output=") }) {
			continue
		}
		name := strings.TrimPrefix(strings.TrimSuffix(filepath.ToSlash(file), ".txtar"), "testdata/")
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			for _, f := range ar.Files {
				switch f.Name {
				case "setup", "args", "exit", "stdout", "stderr":
					continue
				}
				p := filepath.Join(dir, filepath.FromSlash(f.Name))
				if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(p, f.Data, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			t.Chdir(dir)
			t.Setenv("NO_COLOR", "1")
			t.Setenv("ARMDEPLOY_STATE", filepath.Join(dir, ".armdeploy", "state.db"))
			for _, line := range strings.Split(sec["setup"], "\n") {
				if cmd := strings.Fields(line); len(cmd) > 0 {
					if code, _, stderr := runCLI(t, cmd...); code != 0 {
						t.Fatalf("setup %q: exit %d\n%s", cmd, code, stderr)
					}
				}
			}
			code, js, stderr := runCLI(t, append(args, "-o", "json")...)
			if code != 0 {
				t.Fatalf("what-if -o json: exit %d\n%s", code, stderr)
			}
			cases = append(cases, golden{name, sec["stdout"], js})
		})
	}
	// One call of the tool for all (importing az takes a second).
	tmp := t.TempDir()
	var paths []string
	for i, c := range cases {
		p := filepath.Join(tmp, strconv.Itoa(i)+".json")
		if err := os.WriteFile(p, []byte(c.json), 0o644); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	if len(paths) == 0 {
		t.Fatal("no what-if text goldens")
	}
	if out, err := exec.Command(tool, append([]string{"--out-ext", ".az.txt"}, paths...)...).CombinedOutput(); err != nil {
		t.Fatalf("az-whatif-format: %v\n%s", err, out)
	}
	same := 0
	for i, c := range cases {
		az, err := os.ReadFile(filepath.Join(tmp, strconv.Itoa(i)+".az.txt"))
		if err != nil {
			t.Fatal(err)
		}
		got := strings.Replace(c.text, "The deployment will update the following scopes:\n", "The deployment will update the following scopes\n", 1)
		if i := strings.Index(got, "\n\nDiagnostics ("); i >= 0 {
			got = got[:i] + "\n"
		}
		if got != string(az) {
			t.Errorf("%s: the golden text is not az's\n--- golden\n%s--- az\n%s", c.name, got, az)
			continue
		}
		same++
	}
	t.Logf("%d of %d what-if text goldens identical to az's formatter", same, len(cases))
}
