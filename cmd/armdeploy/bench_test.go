package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The end-to-end commands of perf/ratios.sh, run in-process so that
// `go test -bench . -cpuprofile` shows where a command's time goes,
// start-up, loading, rendering and state included. The templates are
// ../shared/perf/gen.py's; the benchmarks skip, saying so, without it.

// perfTemplates writes gen.py's templates (400 + 400, 10 nested) into a
// temporary folder and returns it.
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

// benchCLI runs armdeploy with args(i) b.N times and fails on a non-zero
// exit.
func benchCLI(b *testing.B, args func(i int) []string) {
	b.Helper()
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		runBench(b, args(i))
	}
}

// runBench runs armdeploy once, in-process, and fails on a non-zero exit.
func runBench(b *testing.B, args []string) {
	b.Helper()
	var out, errb bytes.Buffer
	code := run(args, &IOStreams{In: strings.NewReader(""), Out: &out, Err: &errb,
		Now:    func() time.Time { return time.Date(2026, 11, 26, 8, 0, 0, 0, time.UTC) },
		Random: bytes.NewReader(bytes.Repeat([]byte{0x5a}, 1<<16))})
	if code != 0 {
		b.Fatalf("armdeploy %s: exit %d\n%s", strings.Join(args, " "), code, tail(errb.String()))
	}
}

func tail(s string) string {
	if len(s) > 2000 {
		return "…" + s[len(s)-2000:]
	}
	return s
}

var perfGroup = []string{"-g", "rg", "-l", "westus", "--subscription", "00000000-0000-0000-0000-000000000000"}

func perfArgs(cmd string, rest ...string) []string {
	return append(append([]string{cmd}, perfGroup...), rest...)
}

func BenchmarkCLIValidateExplicit800(b *testing.B) {
	dir := perfTemplates(b)
	benchCLI(b, func(i int) []string {
		return perfArgs("validate", "-f", filepath.Join(dir, "big-explicit.json"), "--state", filepath.Join(dir, "v.db"))
	})
}

func BenchmarkCLIExpandCopy800(b *testing.B) {
	dir := perfTemplates(b)
	benchCLI(b, func(i int) []string { return perfArgs("expand", "-f", filepath.Join(dir, "big-copy.json")) })
}

func BenchmarkCLIWhatIfExplicit800(b *testing.B) {
	dir := perfTemplates(b)
	benchCLI(b, func(i int) []string {
		return perfArgs("what-if", "-f", filepath.Join(dir, "big-explicit.json"), "--state", filepath.Join(dir, "w.db"))
	})
}

func BenchmarkCLIDeployExplicit800(b *testing.B) {
	dir := perfTemplates(b)
	benchCLI(b, func(i int) []string {
		return perfArgs("deploy", "-f", filepath.Join(dir, "big-explicit.json"), "--state", filepath.Join(dir, "d"+strconv.Itoa(i)+".db"), "--yes")
	})
}

func BenchmarkCLIWhatIfExplicit800Deployed(b *testing.B) {
	dir := perfTemplates(b)
	state := filepath.Join(dir, "deployed.db")
	runBench(b, perfArgs("deploy", "-f", filepath.Join(dir, "big-explicit.json"), "--state", state, "--yes"))
	benchCLI(b, func(i int) []string {
		return perfArgs("what-if", "-f", filepath.Join(dir, "big-explicit.json"), "--state", state)
	})
}

func BenchmarkCLIWhatIfNested10x800(b *testing.B) {
	dir := perfTemplates(b)
	benchCLI(b, func(i int) []string {
		return perfArgs("what-if", "-f", filepath.Join(dir, "big-nested.json"), "--state", filepath.Join(dir, "wn.db"))
	})
}

func BenchmarkCLIDeployNested10x800(b *testing.B) {
	dir := perfTemplates(b)
	benchCLI(b, func(i int) []string {
		return perfArgs("deploy", "-f", filepath.Join(dir, "big-nested.json"), "--state", filepath.Join(dir, "dn"+strconv.Itoa(i)+".db"), "--yes")
	})
}
