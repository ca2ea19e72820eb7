package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/armdeploy/armdeploy/internal/gallery"
)

// The stages a template goes through, in order.
const (
	stagePrereqs  = "prerequisites"
	stageValidate = "validate"
	stageWhatIf   = "what-if"
	stageDeploy   = "deploy"
	stageClean    = "clean"
	stageSecond   = "second what-if"
)

// Result is what one template did.
type Result struct {
	Rel    string // the template's path in the gallery
	Scope  string // resourceGroup, subscription, managementGroup, tenant
	Passed []string
	// Failed is the stage that failed ("" when all passed), with the
	// cause (an error code, or a short phrase) and the first lines of
	// the error.
	Failed, Cause, Detail string
	Crashed               bool
	Seconds               float64
}

// passed reports whether the template passed a stage.
func (r *Result) passed(stage string) bool {
	for _, s := range r.Passed {
		if s == stage {
			return true
		}
	}
	return false
}

type sweeper struct {
	bin, gallery, work string
	timeout            time.Duration
	// keep leaves the store and the parameter files in work, with the
	// command lines in work/commands.sh, to rerun a failure by hand.
	keep bool
}

// sweep runs the stages of one template in a store of its own.
func (s *sweeper) sweep(t gallery.Template) *Result {
	start := time.Now()
	rel, _ := filepath.Rel(s.gallery, t.Path)
	res := &Result{Rel: filepath.ToSlash(rel), Scope: scopeOf(t.Path)}
	defer func() { res.Seconds = time.Since(start).Seconds() }()
	if err := os.MkdirAll(s.work, 0o755); err != nil {
		res.Failed, res.Cause, res.Detail = stageValidate, "sweep", err.Error()
		return res
	}
	if !s.keep {
		defer os.RemoveAll(s.work)
	}
	common := []string{"-f", t.Path, "--template-uri", gallery.Prefix + res.Rel, "--artifacts-map", gallery.Prefix + "=" + s.gallery}
	var data []byte
	if t.Params != "" {
		var err error
		if data, err = os.ReadFile(t.Params); err != nil {
			res.Failed, res.Cause, res.Detail = stageValidate, "sweep", err.Error()
			return res
		}
	}
	prereq := filepath.Join(filepath.Dir(t.Path), "prereqs", "prereq.azuredeploy.json")
	prereqParams, _ := os.ReadFile(filepath.Join(filepath.Dir(prereq), "prereq.azuredeploy.parameters.json"))
	if (gallery.NeedsArtifacts(data) || gallery.NeedsArtifacts(prereqParams)) && !s.artifacts(res) {
		return res
	}
	rg := "sweep-rg"
	if exists(prereq) {
		outputs, ok := s.prereqs(res, prereq, rg+prereqSuffix(filepath.Dir(prereq)))
		if !ok {
			return res
		}
		data = gallery.ReplacePrereqs(data, outputs)
	}
	if t.Params != "" {
		p := filepath.Join(s.work, "azuredeploy.parameters.json")
		if err := os.WriteFile(p, (&gallery.Values{}).Replace(data), 0o644); err != nil {
			res.Failed, res.Cause, res.Detail = stageValidate, "sweep", err.Error()
			return res
		}
		common = append(common, "-p", "@"+p)
	}
	common = append(common, gallery.StandIns(t.Path, t.Params, true)...)
	cmd := commandsFor(res.Scope, rg)
	fail := func(stage string, code int, stdout, stderr string) *Result {
		res.Failed = stage
		res.Cause, res.Detail = causeOf(code, stdout, stderr)
		return res
	}
	type step struct {
		stage string
		args  []string
		ok    func(code int) bool
	}
	zero := func(code int) bool { return code == 0 }
	for _, st := range []step{
		{stageValidate, cmd.validate, zero},
		{stageWhatIf, cmd.whatIf, func(code int) bool { return code == 0 || code == 2 }},
		{stageDeploy, cmd.deploy, zero},
	} {
		code, stdout, stderr := s.exec(res, append(append([]string{}, st.args...), common...)...)
		if !st.ok(code) {
			return fail(st.stage, code, stdout, stderr)
		}
		if st.stage == stageDeploy && strings.Contains(stderr, "LinkedTemplateUnsupported") {
			res.Failed, res.Cause, res.Detail = stageClean, "linked template skipped", firstLines(stderr, 2)
			return res
		}
		res.Passed = append(res.Passed, st.stage)
	}
	_, export, stderr := s.exec(res, "state", "export")
	if texts := gallery.ExpressionTexts(export); len(texts) > 0 {
		res.Failed, res.Cause = stageClean, "expression text stored"
		res.Detail = strings.Join(texts[:min(len(texts), 3)], ", ")
		if export == "" {
			res.Detail = firstLines(stderr, 2)
		}
		return res
	}
	res.Passed = append(res.Passed, stageClean)
	code, stdout, stderr := s.exec(res, append(append([]string{}, cmd.second...), common...)...)
	if code != 0 {
		if code == 2 {
			res.Failed, res.Cause, res.Detail = stageSecond, "changes after deploy", changeLines(stdout, 6)
			return res
		}
		return fail(stageSecond, code, stdout, stderr)
	}
	res.Passed = append(res.Passed, stageSecond)
	return res
}

// artifacts deploys the harness's standing artifacts into the
// template's store; it reports a failure in res.
func (s *sweeper) artifacts(res *Result) bool {
	path := filepath.Join(s.work, "ci-artifacts.json")
	if err := os.WriteFile(path, gallery.ArtifactsTemplate, 0o644); err != nil {
		res.Failed, res.Cause, res.Detail = stagePrereqs, "sweep", err.Error()
		return false
	}
	code, stdout, stderr := s.exec(res, "deploy", "-g", gallery.ArtifactsGroup, "-l", "eastus", "--no-tui", "-f", path)
	if code != 0 {
		res.Failed = stagePrereqs
		res.Cause, res.Detail = causeOf(code, stdout, stderr)
		res.Cause = "standing artifacts: " + res.Cause
		return false
	}
	return true
}

// prereqs deploys a sample's prereqs/prereq.azuredeploy.json (with its
// parameter file) into group, as the harness does before the sample, and
// returns the deployment's outputs for the GET-PREREQ-* placeholders.
func (s *sweeper) prereqs(res *Result, template, group string) (map[string]struct{ Value json.RawMessage }, bool) {
	rel, _ := filepath.Rel(s.gallery, template)
	args := []string{"-f", template, "--template-uri", gallery.Prefix + filepath.ToSlash(rel), "--artifacts-map", gallery.Prefix + "=" + s.gallery, "-o", "json"}
	params := filepath.Join(filepath.Dir(template), "prereq.azuredeploy.parameters.json")
	if exists(params) {
		dir := filepath.Join(s.work, "prereqs")
		_ = os.MkdirAll(dir, 0o755)
		p, err := gallery.ReplaceFile(params, dir)
		if err != nil {
			res.Failed, res.Cause, res.Detail = stagePrereqs, "sweep", err.Error()
			return nil, false
		}
		args = append(args, "-p", "@"+p)
	} else {
		params = ""
	}
	args = append(args, gallery.StandIns(template, params, true)...)
	code, stdout, stderr := s.exec(res, append(commandsFor(scopeOf(template), group).deploy, args...)...)
	if code != 0 {
		res.Failed = stagePrereqs
		res.Cause, res.Detail = causeOf(code, stdout, stderr)
		return nil, false
	}
	var d struct {
		Properties struct {
			Outputs map[string]struct{ Value json.RawMessage }
		}
	}
	_ = json.Unmarshal([]byte(stdout), &d)
	return d.Properties.Outputs, true
}

// prereqSuffix is the suffix of the prerequisites' resource group: the
// sample's prereqs/.settings.json PrereqResourceGroupNameSuffix ("" puts
// them into the sample's own group), else "-prereqs", as the harness's
// Gen-ResourceGroupNames.ps1 says.
func prereqSuffix(dir string) string {
	data, err := os.ReadFile(filepath.Join(dir, ".settings.json"))
	if err != nil {
		return "-prereqs"
	}
	var settings map[string]any
	_ = json.Unmarshal(data, &settings)
	if v, ok := settings["PrereqResourceGroupNameSuffix"].(string); ok {
		return v
	}
	return "-prereqs"
}

func exists(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.Mode().IsRegular()
}

// exec runs armdeploy with the template's own store.
func (s *sweeper) exec(res *Result, args ...string) (int, string, string) {
	ctx, cancel := context.WithTimeout(context.Background(), s.timeout)
	defer cancel()
	c := exec.CommandContext(ctx, s.bin, args...)
	c.Dir = s.work
	if s.keep {
		s.record(args)
	}
	c.Env = append(os.Environ(), "ARMDEPLOY_STATE="+filepath.Join(s.work, "state.db"), "NO_COLOR=1", "TERM=dumb")
	c.WaitDelay = 5 * time.Second
	var stdout, stderr bytes.Buffer
	c.Stdout, c.Stderr = &stdout, &stderr
	err := c.Run()
	code := 0
	var exit *exec.ExitError
	switch {
	case ctx.Err() != nil:
		code = -1
		stderr.WriteString("\ntimeout: the command ran longer than " + s.timeout.String())
	case errors.As(err, &exit):
		code = exit.ExitCode()
	case err != nil:
		code = -1
		stderr.WriteString("\n" + err.Error())
	}
	if strings.Contains(stderr.String(), "goroutine ") || strings.Contains(stderr.String(), "panic:") {
		res.Crashed = true
	}
	return code, stdout.String(), stderr.String()
}

// record appends a command line to work/commands.sh.
func (s *sweeper) record(args []string) {
	f, err := os.OpenFile(filepath.Join(s.work, "commands.sh"), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		return
	}
	defer f.Close()
	line := "ARMDEPLOY_STATE=" + shellQuote(filepath.Join(s.work, "state.db")) + " " + shellQuote(s.bin)
	for _, a := range args {
		line += " " + shellQuote(a)
	}
	fmt.Fprintln(f, line)
}

func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// commands are the armdeploy command lines of one scope's stages.
type commands struct{ validate, whatIf, deploy, second []string }

func commandsFor(scope, rg string) commands {
	const mg = gallery.ManagementGroup
	switch scope {
	case "subscription", "tenant":
		short := map[string]string{"subscription": "sub", "tenant": "tenant"}[scope]
		base := []string{"deployment", short}
		return commands{
			validate: append(base[:2:2], "validate", "-l", "eastus"),
			whatIf:   append(base[:2:2], "what-if", "-l", "eastus"),
			deploy:   append(base[:2:2], "create", "-l", "eastus", "--no-tui"),
			second:   append(base[:2:2], "what-if", "-l", "eastus", "--detailed-exit-code"),
		}
	case "managementGroup":
		base := []string{"deployment", "mg"}
		return commands{
			validate: append(base[:2:2], "validate", "-m", mg, "-l", "eastus"),
			whatIf:   append(base[:2:2], "what-if", "-m", mg, "-l", "eastus"),
			deploy:   append(base[:2:2], "create", "-m", mg, "-l", "eastus", "--no-tui"),
			second:   append(base[:2:2], "what-if", "-m", mg, "-l", "eastus", "--detailed-exit-code"),
		}
	}
	return commands{
		validate: []string{"validate", "-g", rg, "-l", "eastus"},
		whatIf:   []string{"what-if", "-g", rg, "-l", "eastus"},
		deploy:   []string{"deploy", "-g", rg, "-l", "eastus", "--no-tui"},
		second:   []string{"what-if", "-g", rg, "--detailed-exit-code"},
	}
}

// scopeOf reads the deployment scope from a template's $schema.
func scopeOf(path string) string {
	data, _ := os.ReadFile(path)
	var head struct {
		Schema string `json:"$schema"`
	}
	_ = json.Unmarshal(data, &head)
	s := strings.ToLower(head.Schema)
	switch {
	case strings.Contains(s, "subscriptiondeploymenttemplate"):
		return "subscription"
	case strings.Contains(s, "managementgroupdeploymenttemplate"):
		return "managementGroup"
	case strings.Contains(s, "tenantdeploymenttemplate"):
		return "tenant"
	}
	return "resourceGroup"
}

// diagnostic matches an error line: "file:line:col: Code: message" or
// "error: Code: message".
var diagnostic = regexp.MustCompile(`(?:^|: )([A-Z][A-Za-z0-9]+): (.*)$`)

// causeOf names why a command failed: the error code of its first error
// line with its message's shape (quoted names and numbers elided), and
// the first error lines themselves.
func causeOf(code int, stdout, stderr string) (string, string) {
	if code == -1 {
		return "timeout or no start", firstLines(stderr, 2)
	}
	var errs []string
	cause := ""
	for _, l := range errorLines(stderr) {
		m := diagnostic.FindStringSubmatch(l)
		if m == nil || m[1] == "Warning" || strings.Contains(l, " warning ") {
			continue
		}
		// A refusal at preflight is named by its first inner error.
		if cause == "" || strings.HasPrefix(cause, "InvalidTemplateDeployment:") && len(errs) == 1 {
			cause = m[1] + ": " + shape(m[2])
		}
		errs = append(errs, l)
	}
	if cause == "" {
		lines := errorLines(stderr)
		if len(lines) == 0 {
			lines = errorLines(stdout)
		}
		return "exit " + itoa(code), strings.Join(lines[:min(len(lines), 3)], "\n")
	}
	return cause, strings.Join(errs[:min(len(errs), 3)], "\n")
}

// cause recomputes a stored result's cause from its error lines (after
// shape changed); a cause that is no error code stays.
func cause(failed, detail, old string) string {
	if failed == "" || !diagnostic.MatchString(strings.SplitN(detail, "\n", 2)[0]) {
		return old
	}
	if c, _ := causeOf(1, "", detail); !strings.HasPrefix(c, "exit ") {
		return c
	}
	return old
}

var (
	quoted  = regexp.MustCompile(`'[^']*'|"[^"]*"`)
	numbers = regexp.MustCompile(`\b\d+\b`)
)

// shape is a message with its particulars elided, so that failures of
// one kind group together: quoted names become '…', numbers N, and the
// message stops at its first sentence (at most 90 characters).
func shape(msg string) string {
	switch {
	case strings.Contains(msg, "is known only to Azure"):
		return "a value armdeploy cannot compute offline (known only to Azure)"
	case strings.Contains(msg, "doesn't exist, available properties are"):
		msg = msg[:strings.Index(msg, ", available")]
	}
	s := strings.ReplaceAll(msg, "n't", "n\u2019t")
	s = quoted.ReplaceAllString(s, "'…'")
	s = numbers.ReplaceAllString(s, "N")
	if i := strings.Index(s, ". "); i > 0 {
		s = s[:i+1]
	}
	if r := []rune(s); len(r) > 90 {
		s = string(r[:90]) + "…"
	}
	return s
}

// errorLines are the lines of a diagnostic listing that are neither
// warnings nor source snippets.
func errorLines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		t := strings.TrimSpace(l)
		if t == "" || strings.Contains(l, ": warning: ") || strings.Contains(l, " | ") || strings.HasPrefix(t, "|") || strings.Trim(t, "^~ ") == "" {
			continue
		}
		out = append(out, t)
	}
	return out
}

func firstLines(s string, n int) string {
	lines := errorLines(s)
	return strings.Join(lines[:min(len(lines), n)], "\n")
}

// changeLines are the first lines of a what-if that name a change.
func changeLines(s string, n int) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		t := strings.TrimSpace(l)
		if strings.HasPrefix(t, "~ ") || strings.HasPrefix(t, "+ ") || strings.HasPrefix(t, "- ") || strings.HasPrefix(t, "x ") {
			if out = append(out, t); len(out) == n {
				break
			}
		}
	}
	return strings.Join(out, "\n")
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}
