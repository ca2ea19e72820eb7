package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// BenchmarkCLI runs perf/ratios.sh's commands in-process, so that
// `go test -bench CLI -cpuprofile` shows where a command's time goes:
// loading, rendering and state included. The templates are
// ../shared/perf/gen.py's (400 + 400, 10 nested); it skips, saying so,
// without it.
func BenchmarkCLI(b *testing.B) {
	dir := perfTemplates(b)
	deployed := filepath.Join(dir, "deployed.db")
	benchRun(b, perfArgs("deploy", dir, "big-explicit.json", deployed, "--yes"))
	// state is the store of run i: "" for none, a name ending in "-" for
	// a fresh one per run.
	for _, bc := range []struct {
		name, cmd, template, state string
		extra                      []string
	}{
		{"ValidateExplicit800", "validate", "big-explicit.json", "v.db", nil},
		{"ExpandCopy800", "expand", "big-copy.json", "", nil},
		{"WhatIfExplicit800", "what-if", "big-explicit.json", "w.db", nil},
		{"DeployExplicit800", "deploy", "big-explicit.json", "d-", []string{"--yes"}},
		{"WhatIfExplicit800Deployed", "what-if", "big-explicit.json", deployed, nil},
		{"WhatIfNested10x800", "what-if", "big-nested.json", "wn.db", nil},
		{"DeployNested10x800", "deploy", "big-nested.json", "dn-", []string{"--yes"}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for i := range b.N {
				st := bc.state
				if strings.HasSuffix(st, "-") {
					st += strconv.Itoa(i) + ".db"
				}
				if st != "" && !filepath.IsAbs(st) {
					st = filepath.Join(dir, st)
				}
				benchRun(b, perfArgs(bc.cmd, dir, bc.template, st, bc.extra...))
			}
		})
	}
}

// perfTemplates writes gen.py's templates into a temporary folder.
func perfTemplates(b *testing.B) string {
	b.Helper()
	gen := filepath.Join("..", "..", "..", "shared", "perf", "gen.py")
	if _, err := os.Stat(gen); err != nil {
		b.Skipf("skipped: %s is absent (the perf templates come from ../shared/perf/gen.py)", gen)
	}
	dir := b.TempDir()
	if out, err := exec.Command("python3", gen, dir, "400", "10").CombinedOutput(); err != nil {
		b.Skipf("skipped: python3 %s: %v\n%s", gen, err, out)
	}
	return dir
}

// perfArgs is cmd on template (in dir) in perf/ratios.sh's group, with
// the store at state when there is one.
func perfArgs(cmd, dir, template, state string, extra ...string) []string {
	args := []string{cmd, "-g", "rg", "-l", "westus", "--subscription", "00000000-0000-0000-0000-000000000000",
		"-f", filepath.Join(dir, template)}
	if state != "" {
		args = append(args, "--state", state)
	}
	return append(args, extra...)
}

// benchRun runs armdeploy once and fails on a non-zero exit.
func benchRun(b *testing.B, args []string) {
	b.Helper()
	if code, _, stderr := runCLI(b, args...); code != 0 {
		b.Fatalf("armdeploy %s: exit %d\n%s", strings.Join(args, " "), code, lastLines(stderr, 20))
	}
}
