package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// goTool returns the go command, skipping the test without one or with
// -short (each install links the binary, a few seconds).
func goTool(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("installs the binary with go install; skipped with -short")
	}
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command on PATH")
	}
	return gobin
}

// install runs the README's install line, 'go install ./cmd/armdeploy',
// in the module root dir, with -buildvcs=true so that a GOFLAGS of
// -buildvcs=false on the machine does not hide the stamp, and returns the
// binary.
func install(t *testing.T, gobin, dir string) string {
	t.Helper()
	bin := t.TempDir()
	cmd := exec.Command(gobin, "install", "-buildvcs=true", "./cmd/armdeploy")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOBIN="+bin, "GOFLAGS=-mod=readonly")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go install ./cmd/armdeploy in %s: %v\n%s", dir, err, out)
	}
	return filepath.Join(bin, "armdeploy")
}

func gitOut(t *testing.T, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		t.Skipf("git %s: %v", strings.Join(args, " "), err)
	}
	return strings.TrimSpace(string(out))
}

var versionLine = regexp.MustCompile(`^armdeploy (v\S+|\(devel\)) \(commit ([0-9a-f]{40}), (\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)(, modified)?\) go\S+ \S+/\S+\n$`)

// checkVersion runs --version and version -o json and checks that they
// name commit.
func checkVersion(t *testing.T, bin, commit string) {
	t.Helper()
	out, err := exec.Command(bin, "--version").Output()
	if err != nil {
		t.Fatalf("armdeploy --version: %v", err)
	}
	m := versionLine.FindStringSubmatch(string(out))
	if m == nil {
		t.Fatalf("armdeploy --version printed %q, want %s", out, versionLine)
	}
	if m[2] != commit {
		t.Errorf("--version names commit %s, want %s", m[2], commit)
	}
	out2, err := exec.Command(bin, "version").Output()
	if err != nil || string(out2) != string(out) {
		t.Errorf("armdeploy version printed %q (%v), want what --version printed: %q", out2, err, out)
	}
	js, err := exec.Command(bin, "version", "-o", "json").Output()
	if err != nil {
		t.Fatal(err)
	}
	var v versionInfo
	if err := json.Unmarshal(js, &v); err != nil {
		t.Fatal(err)
	}
	if v.Commit != commit || v.Date != m[3] || v.Modified != (m[4] != "") {
		t.Errorf("version -o json = %+v, disagrees with %q", v, out)
	}
}

// TestInstallFromClone is the README's install on a fresh machine: a
// clone of the repository's HEAD, 'go install ./cmd/armdeploy' in it
// (go.mod and go.sum must be complete: -mod=readonly), then
// 'armdeploy --version' naming the clone's commit, unmodified.
func TestInstallFromClone(t *testing.T) {
	gobin := goTool(t)
	root := gitOut(t, ".", "rev-parse", "--show-toplevel")
	clone := filepath.Join(t.TempDir(), "armdeploy")
	if out, err := exec.Command("git", "clone", "--quiet", "--no-hardlinks", root, clone).CombinedOutput(); err != nil {
		t.Fatalf("git clone: %v\n%s", err, out)
	}
	bin := install(t, gobin, clone)
	checkVersion(t, bin, gitOut(t, clone, "rev-parse", "HEAD"))
	out, _ := exec.Command(bin, "--version").Output()
	if strings.Contains(string(out), "modified") {
		t.Errorf("a fresh clone's build says modified: %q", out)
	}
}

// TestCompletionScripts installs the binary and runs its completion:
// bash's and fish's scripts complete a command, a flag and its values
// (bash with the bash-completion package's word splitter when installed,
// else a stand-in); zsh's loads and registers its function. fish and zsh
// run when they are installed.
func TestCompletionScripts(t *testing.T) {
	gobin := goTool(t)
	root := gitOut(t, ".", "rev-parse", "--show-toplevel")
	bin := install(t, gobin, root)
	checkVersion(t, bin, gitOut(t, root, "rev-parse", "HEAD"))
	path := filepath.Dir(bin) + string(os.PathListSeparator) + os.Getenv("PATH")
	for _, sh := range []struct{ name, marker string }{
		{"bash", "__start_armdeploy"}, {"zsh", "#compdef armdeploy"}, {"fish", "complete -c armdeploy"},
	} {
		out, err := exec.Command(bin, "completion", sh.name).Output()
		if err != nil || !strings.Contains(string(out), sh.marker) || !strings.Contains(string(out), "__complete") {
			t.Errorf("completion %s: %v; no %q in the script", sh.name, err, sh.marker)
		}
	}
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("no bash")
	}
	script := `
if [ -r /usr/share/bash-completion/bash_completion ]; then . /usr/share/bash-completion/bash_completion; fi
if ! declare -F _get_comp_words_by_ref >/dev/null; then
	_get_comp_words_by_ref() { cur="${COMP_WORDS[COMP_CWORD]}"; prev="${COMP_WORDS[COMP_CWORD-1]}"; words=("${COMP_WORDS[@]}"); cword=$COMP_CWORD; }
fi
compopt() { :; } # only works inside a completion the shell itself runs
source <(armdeploy completion bash)
complete1() { COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}; COMPREPLY=(); __start_armdeploy; printf '%s\n' "${COMPREPLY[@]}" | sort | tr '\n' ' '; echo; }
complete1 armdeploy what-
complete1 armdeploy deploy --mo
complete1 armdeploy deploy --mode ''
complete1 armdeploy group list -o ''
complete1 armdeploy compl
`
	cmd := exec.Command(bash, "-c", script)
	cmd.Env = append(os.Environ(), "PATH="+path)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("bash completion: %v\n%s", err, out)
	}
	want := "what-if \n--mode \nComplete Incremental \njson none table text tsv yaml \ncompletion \n"
	if string(out) != want {
		t.Errorf("bash completion printed\n%q\nwant\n%q", out, want)
	}
	shells := []struct{ name, script, want string }{
		{"fish", `armdeploy completion fish | source; complete -C "armdeploy deploy --mo"; complete -C "armdeploy deploy --mode "; complete -C "armdeploy what-"`,
			"--mode\tIncremental or Complete\nComplete\nIncremental\nwhat-if\tPreview what a deployment would change, as az deployment group what-if does\n"},
		// zsh completes only in an interactive line editor: check that the
		// script loads under compinit and registers its function.
		{"zsh", `autoload -U compinit; compinit -u; source <(armdeploy completion zsh); print -r -- $_comps[armdeploy]; whence -w _armdeploy`,
			"_armdeploy\n_armdeploy: function\n"},
	}
	for _, sh := range shells {
		exe, err := exec.LookPath(sh.name)
		if err != nil {
			t.Logf("%s is not installed: its script was generated but not run", sh.name)
			continue
		}
		cmd := exec.Command(exe, "-c", sh.script)
		cmd.Env = append(os.Environ(), "PATH="+path, "HOME="+t.TempDir())
		out, err := cmd.CombinedOutput()
		if err != nil || string(out) != sh.want {
			t.Errorf("%s completion: %v; printed\n%q\nwant\n%q", sh.name, err, out, sh.want)
		}
	}
}
