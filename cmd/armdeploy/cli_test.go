package main

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/tools/txtar"
)

var update = flag.Bool("update", false, "rewrite the golden sections of testdata/*.txtar")

// runCLI runs armdeploy in-process and returns its exit code and output.
func runCLI(t testing.TB, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(args, &IOStreams{In: strings.NewReader(""), Out: &out, Err: &errb,
		Now:    func() time.Time { return time.Date(2026, 11, 26, 8, 0, 0, 0, time.UTC) },
		Random: bytes.NewReader(bytes.Repeat([]byte{0x5a}, 1<<16))})
	return code, out.String(), errb.String()
}

// TestScripts runs every testdata/<dir>/*.txtar: its files are written to a
// temporary folder, the commands of the optional "setup" section run there
// first (one command per line, arguments split at spaces; each must
// succeed), then the "args" section (one argument per line), and exit
// code, stdout and stderr are compared with the "exit", "stdout" and
// "stderr" sections. With -update the sections are rewritten.
func TestScripts(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*", "*.txtar"))
	if len(files) == 0 {
		t.Fatal("no scripts in testdata")
	}
	for _, file := range files {
		name := strings.TrimSuffix(filepath.ToSlash(file), ".txtar")
		name = strings.TrimPrefix(name, "testdata/")
		t.Run(name, func(t *testing.T) {
			runScript(t, file)
		})
	}
}

func runScript(t *testing.T, file string) {
	abs, err := filepath.Abs(file)
	if err != nil {
		t.Fatal(err)
	}
	ar, err := txtar.ParseFile(abs)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	var args []string
	var setup [][]string
	for _, f := range ar.Files {
		switch f.Name {
		case "setup":
			for _, line := range strings.Split(string(f.Data), "\n") {
				if fields := strings.Fields(line); len(fields) > 0 {
					setup = append(setup, fields)
				}
			}
		case "args":
			for _, line := range strings.Split(string(f.Data), "\n") {
				if line = strings.TrimRight(line, "\r"); line != "" {
					args = append(args, line)
				}
			}
		case "exit", "stdout", "stderr":
		default:
			path := filepath.Join(dir, filepath.FromSlash(f.Name))
			if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, f.Data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	if len(args) == 0 {
		t.Fatal("no args section")
	}
	t.Chdir(dir)
	t.Setenv("NO_COLOR", "1")
	t.Setenv("ARMDEPLOY_STATE", filepath.Join(dir, ".armdeploy", "state.db"))
	for _, cmd := range setup {
		if code, _, stderr := runCLI(t, cmd...); code != 0 {
			t.Fatalf("setup %q: exit %d\n%s", cmd, code, stderr)
		}
	}
	code, stdout, stderr := runCLI(t, args...)
	got := map[string]string{"exit": strconv.Itoa(code) + "\n", "stdout": stdout, "stderr": stderr}
	if *update {
		var kept []txtar.File
		for _, f := range ar.Files {
			if _, golden := got[f.Name]; !golden {
				kept = append(kept, f)
			}
		}
		for _, sec := range []string{"exit", "stdout", "stderr"} {
			if got[sec] != "" {
				kept = append(kept, txtar.File{Name: sec, Data: []byte(got[sec])})
			}
		}
		ar.Files = kept
		if err := os.WriteFile(abs, txtar.Format(ar), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	for _, sec := range []string{"exit", "stdout", "stderr"} {
		want := ""
		for _, f := range ar.Files {
			if f.Name == sec {
				want = string(f.Data)
			}
		}
		if got[sec] != want {
			t.Errorf("%s differs\n--- got\n%s--- want\n%s", sec, got[sec], want)
		}
	}
}
