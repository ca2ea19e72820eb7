//go:build linux || darwin || freebsd

package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/creack/pty"
)

// The terminal tests run the CLI (this test binary, re-executed: see
// TestMain) on a pseudo-terminal, as a user's shell would, and read what
// it wrote there. Nothing is synchronised by sleeping: the tests wait for
// output.

// terminal is a child process on a pty.
type terminal struct {
	t    *testing.T
	pty  *os.File
	cmd  *exec.Cmd
	mu   sync.Mutex
	out  bytes.Buffer
	more chan struct{} // a value after each read
	done chan struct{} // closed when the output ends
}

// childCmd is the CLI with args in dir, as a child process.
func childCmd(t *testing.T, dir string, args ...string) *exec.Cmd {
	t.Helper()
	argv, _ := json.Marshal(args)
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), envCLIChild+"="+string(argv), "TERM=xterm-256color", "ARMDEPLOY_STATE="+filepath.Join(dir, "state.db"))
	cmd.Env = slicesWithout(cmd.Env, "NO_COLOR=")
	cmd.Dir = dir
	return cmd
}

func slicesWithout(env []string, prefix string) []string {
	var out []string
	for _, e := range env {
		if !strings.HasPrefix(e, prefix) {
			out = append(out, e)
		}
	}
	return out
}

// startTerminal starts cmd with the pty as its controlling terminal and as
// stdin, stdout and stderr, except those streams cmd already sets.
func startTerminal(t *testing.T, cmd *exec.Cmd, cols, rows int) *terminal {
	t.Helper()
	master, tty, err := pty.Open()
	if err != nil {
		t.Skipf("no pseudo-terminal: %v", err)
	}
	if err := pty.Setsize(master, &pty.Winsize{Cols: uint16(cols), Rows: uint16(rows)}); err != nil {
		t.Fatal(err)
	}
	ctty := 0
	if cmd.Stdin == nil {
		cmd.Stdin = tty
	} else {
		ctty = 1
	}
	if cmd.Stdout == nil {
		cmd.Stdout = tty
	}
	if cmd.Stderr == nil {
		cmd.Stderr = tty
	}
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true, Ctty: ctty}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	tty.Close()
	term := &terminal{t: t, pty: master, cmd: cmd, more: make(chan struct{}, 1), done: make(chan struct{})}
	go func() {
		defer close(term.done)
		buf := make([]byte, 4096)
		for {
			n, err := master.Read(buf)
			term.mu.Lock()
			term.out.Write(buf[:n])
			term.mu.Unlock()
			select {
			case term.more <- struct{}{}:
			default:
			}
			if err != nil {
				return // EIO once the child has closed the terminal
			}
		}
	}()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		master.Close()
	})
	return term
}

func (term *terminal) output() []byte {
	term.mu.Lock()
	defer term.mu.Unlock()
	return bytes.Clone(term.out.Bytes())
}

// waitFor waits until the output after offset from contains s and
// returns the offset just past it.
func (term *terminal) waitFor(from int, s string) int {
	term.t.Helper()
	deadline := time.After(60 * time.Second)
	for {
		out := term.output()
		if i := bytes.Index(out[min(from, len(out)):], []byte(s)); i >= 0 {
			return from + i + len(s)
		}
		select {
		case <-term.more:
		case <-term.done:
			if !bytes.Contains(term.output()[from:], []byte(s)) {
				term.t.Fatalf("the output ended without %q:\n%q", s, term.output())
			}
		case <-deadline:
			term.t.Fatalf("no %q in the output after 60 s:\n%q", s, term.output())
		}
	}
}

// wait waits for the child to exit and its output to end, and returns
// its exit code.
func (term *terminal) wait() int {
	term.t.Helper()
	err := term.cmd.Wait()
	<-term.done
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return ee.ExitCode()
	}
	if err != nil {
		term.t.Fatal(err)
	}
	return 0
}

// ntemplate has NSGs whose long names differ only at their end.
func ntemplate(n int) string {
	var rs []string
	for i := range n {
		rs = append(rs, fmt.Sprintf(`{"type": "Microsoft.Network/networkSecurityGroups", "apiVersion": "2023-04-01", "name": "contoso-build-farm-agents-network-security-group-eastus-%02d", "location": "eastus", "properties": {"securityRules": []}}`, i+1))
	}
	return `{"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#", "contentVersion": "1.0.0.0", "resources": [` +
		strings.Join(rs, ",\n") + `]}`
}

func terminalDir(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("runs child processes on a pseudo-terminal; skipped with -short")
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "main.json"), []byte(ntemplate(6)), 0o600); err != nil {
		t.Fatal(err)
	}
	return dir
}

// noEscapes fails when out holds any escape sequence.
func noEscapes(t *testing.T, what string, out []byte) {
	t.Helper()
	if i := bytes.IndexByte(out, 0x1b); i >= 0 {
		t.Errorf("%s wrote an escape sequence at byte %d: %q", what, i, out[max(0, i-20):min(len(out), i+20)])
	}
}

// TestTerminalPlain runs commands with a terminal on stdout and stderr but
// no TUI (--no-tui, stdin not a terminal, commands without a view): the
// output is plain lines with no escape sequence at all, not even the
// background-colour or cursor-position queries whose answers would land
// in the user's shell.
func TestTerminalPlain(t *testing.T) {
	dir := terminalDir(t)
	devNull, err := os.Open(os.DevNull)
	if err != nil {
		t.Fatal(err)
	}
	defer devNull.Close()
	tests := []struct {
		name      string
		args      []string
		stdinNull bool
		want      string
	}{
		{"deploy --no-tui", []string{"deploy", "-g", "rg1", "-l", "eastus", "-f", "main.json", "--no-tui"}, false, "] succeeded "},
		{"deploy, stdin not a terminal", []string{"deploy", "-g", "rg2", "-l", "eastus", "-f", "main.json"}, true, "] succeeded "},
		{"deploy -c --yes, stdin not a terminal", []string{"deploy", "-g", "rg3", "-l", "eastus", "-f", "main.json", "-c", "--yes"}, true, "Resource changes: 6 to create."},
		{"what-if -i, stdin not a terminal", []string{"what-if", "-g", "rg1", "-f", "main.json", "-i", "-o", "json"}, true, `"changeType": "NoChange"`},
		{"version", []string{"version"}, false, "armdeploy "},
		{"group list", []string{"group", "list", "-o", "table"}, false, "rg1"},
		{"ui, stdin not a terminal", []string{"ui"}, true, "ui is interactive"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cmd := childCmd(t, dir, tt.args...)
			if tt.stdinNull {
				cmd.Stdin = devNull
			}
			term := startTerminal(t, cmd, 80, 24)
			code := term.wait()
			out := term.output()
			if !bytes.Contains(out, []byte(tt.want)) {
				t.Errorf("exit %d; the output has no %q:\n%s", code, tt.want, out)
			}
			noEscapes(t, tt.name, out)
		})
	}
}

// TestTerminalDeployTUI runs deploy with stdin and stderr on a terminal of
// 80 columns, which shows the live view; it resizes the terminal to 60
// columns mid-deployment. The view sends no terminal query, redraws from a
// cleared screen after the resize, and the screen a user sees at the end
// holds one frame whose rows fit 60 columns and can be told apart: the
// long names lose their middle, not their distinct end.
func TestTerminalDeployTUI(t *testing.T) {
	dir := terminalDir(t)
	cmd := childCmd(t, dir, "deploy", "-g", "rg-tui", "-l", "eastus", "-f", "main.json",
		"--parallelism", "1", "--simulate", "realtime", "--speed", "4")
	var stdout bytes.Buffer
	cmd.Stdout = &stdout // the deployment's summary; the view is on stderr
	term := startTerminal(t, cmd, 80, 24)
	first := term.waitFor(0, "deploying")
	term.waitFor(first, "eastus-01")
	before := len(term.output())
	if err := pty.Setsize(term.pty, &pty.Winsize{Cols: 60, Rows: 24}); err != nil {
		t.Fatal(err)
	}
	cleared := term.waitFor(before, ansi.EraseEntireScreen)
	if code := term.wait(); code != 0 {
		t.Fatalf("exit %d:\n%q\n%s", code, term.output(), stdout.String())
	}
	out := term.output()

	scr := newScreen(80, 24)
	scr.write(out[:before])
	scr.resize(60, 24)
	scr.write(out[before:])
	if len(scr.queries) > 0 {
		t.Errorf("the view queried the terminal: %q", scr.queries)
	}
	lines := scr.text()
	screenText := strings.Join(lines, "\n")
	if n := strings.Count(screenText, "deploy main → rg-tui"); n != 1 {
		t.Errorf("the screen shows %d headers, want 1 (stray lines of an old frame?):\n%s", n, screenText)
	}
	if !strings.Contains(screenText, "deployment succeeded: 6 resources") {
		t.Errorf("the screen does not end with the final frame:\n%s", screenText)
	}
	rows := map[string]bool{}
	for _, l := range lines {
		if w := ansi.StringWidth(l); w > 60 {
			t.Errorf("a line is %d cells wide on a 60-column terminal: %q", w, l)
		}
		if strings.HasPrefix(l, " ✓ ") {
			name := strings.Fields(l)[1]
			if rows[name] {
				t.Errorf("two rows show %q:\n%s", name, screenText)
			}
			rows[name] = true
		}
	}
	if len(rows) != 6 {
		t.Errorf("the screen shows %d distinct succeeded rows, want 6:\n%s", len(rows), screenText)
	}
	// At 80 columns too the rows were distinct: the first frame after the
	// resize is a whole frame, and before it the names ended in -01..-06.
	if !bytes.Contains(out[:cleared], []byte("eastus-01")) {
		t.Errorf("the 80-column frames did not show the distinct end of the names")
	}
	if !strings.Contains(stdout.String(), "Deployment 'main' succeeded") {
		t.Errorf("stdout: %q", stdout.String())
	}
}
