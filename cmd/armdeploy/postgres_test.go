package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/armdeploy/armdeploy/state"
	"github.com/armdeploy/armdeploy/state/pgtest"
)

// comparable is an export without its lineage and with each deployment's
// operations in the order of their resource ids, without their sequence
// numbers and operation ids: those follow the order in which parallel
// operations finished, which differs from run to run on any store.
func comparable(t *testing.T, export string) string {
	t.Helper()
	var doc map[string]any
	if err := json.Unmarshal([]byte(export), &doc); err != nil {
		t.Fatal(err)
	}
	delete(doc, "lineage")
	deps, _ := doc["deployments"].([]any)
	for _, d := range deps {
		ops, _ := d.(map[string]any)["operations"].([]any)
		for _, op := range ops {
			delete(op.(map[string]any), "sequence")
			delete(op.(map[string]any), "operationId")
		}
		sort.SliceStable(ops, func(i, j int) bool {
			a, b := ops[i].(map[string]any), ops[j].(map[string]any)
			return fmt.Sprint(a["resourceId"], a["provisioningOperation"]) < fmt.Sprint(b["resourceId"], b["provisioningOperation"])
		})
	}
	b, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func exportOf(t *testing.T, location string) string {
	t.Helper()
	code, out, stderr := runCLI(t, "state", "export", "--state", location)
	if code != 0 {
		t.Fatalf("state export --state %s: exit %d: %s", state.Describe(location), code, stderr)
	}
	return out
}

// TestQuickstartPipelinePostgres deploys the gallery quickstart chain on
// PostgreSQL and on SQLite: both stores then export the same document
// (ids, bodies, outputs, operations, times; all but the lineage).
func TestQuickstartPipelinePostgres(t *testing.T) {
	dsn := pgtest.DSN(t)
	root, err := filepath.Abs(filepath.Join("..", "..", "quickstarts"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	t.Chdir(dir)
	t.Setenv("NO_COLOR", "1")
	file := filepath.Join(dir, "state.db")
	exports := map[string]string{}
	for _, loc := range []string{file, dsn} {
		t.Setenv("ARMDEPLOY_STATE", loc)
		quickstartChain(&pipeline{t: t, root: root, ext: ".json"})
		exports[loc] = exportOf(t, loc)
	}
	lite, pg := comparable(t, exports[file]), comparable(t, exports[dsn])
	if lite != pg {
		t.Errorf("the exports differ:\n%s", firstDiff(lite, pg))
	}
	if !strings.Contains(pg, "mysigvm-demo01.eastus.cloudapp.azure.com") {
		t.Errorf("the PostgreSQL export lacks the VM's hostname output")
	}
}

// firstDiff shows the first line where two texts differ, with context.
func firstDiff(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := range max(len(al), len(bl)) {
		var x, y string
		if i < len(al) {
			x = al[i]
		}
		if i < len(bl) {
			y = bl[i]
		}
		if x != y {
			return fmt.Sprintf("line %d:\nSQLite:     %s\nPostgreSQL: %s", i+1, x, y)
		}
	}
	return "(same)"
}

// TestStateMigrate copies a SQLite store to PostgreSQL and back with
// 'state migrate', each copy checked by counts and checksum: the three
// stores export the same bytes (the lineage is copied too).
func TestStateMigrate(t *testing.T) {
	dsn := pgtest.DSN(t)
	dir := t.TempDir()
	t.Chdir(dir)
	src := filepath.Join(dir, "src.db")
	file := filepath.Join(dir, "main.json")
	if err := os.WriteFile(file, []byte(slowTemplate(5)), 0o600); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := runCLI(t, "deploy", "-g", "rg-m", "-l", "eastus", "-f", file, "--no-tui", "--state", src); code != 0 {
		t.Fatalf("deploy: exit %d: %s", code, stderr)
	}
	code, out, stderr := runCLI(t, "state", "migrate", "--state", src, "--to", dsn)
	if code != 0 {
		t.Fatalf("state migrate --to postgres: exit %d: %s", code, stderr)
	}
	for _, want := range []string{"Copied ", "1 resource group", "5 resources", "1 deployment (5 operations)", "Verified: the counts match", "sha256 "} {
		if !strings.Contains(out, want) {
			t.Errorf("migrate output lacks %q:\n%s", want, out)
		}
	}
	back := filepath.Join(dir, "back.db")
	if code, _, stderr := runCLI(t, "state", "migrate", "--state", dsn, "--to", back); code != 0 {
		t.Fatalf("state migrate --to file: exit %d: %s", code, stderr)
	}
	a, b, c := exportOf(t, src), exportOf(t, dsn), exportOf(t, back)
	if a != b || b != c {
		t.Errorf("the exports differ after migrating:\n%s\n%s", firstDiff(a, b), firstDiff(b, c))
	}
	// A second migrate into the same, now full store is refused.
	if code, _, stderr := runCLI(t, "state", "migrate", "--state", src, "--to", dsn); code == 0 || !strings.Contains(stderr, "not empty") {
		t.Errorf("migrate into a full store: exit %d: %s", code, stderr)
	}
	if code, _, _ := runCLI(t, "state", "migrate", "--state", src, "--to", src); code != 2 {
		t.Errorf("migrate into itself: exit %d, want 2", code)
	}
}

// cliChild starts the CLI with args in a child process (this test binary;
// see TestMain), with env added, optionally behind a wrapper command.
func cliChild(t *testing.T, dir string, env, wrapper []string, args ...string) (*exec.Cmd, *bufio.Reader, *bytes.Buffer) {
	t.Helper()
	argv, _ := json.Marshal(args)
	name, cargs := os.Args[0], []string{"-test.run=^$"}
	if len(wrapper) > 0 {
		name, cargs = wrapper[0], append(append(wrapper[1:], os.Args[0]), cargs...)
	}
	cmd := exec.Command(name, cargs...)
	cmd.Env = append(append(os.Environ(), envCLIChild+"="+string(argv), "NO_COLOR=1"), env...)
	cmd.Dir = dir
	// Its own process group, so that a kill reaches the CLI behind a
	// wrapper too.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	var stdout bytes.Buffer
	cmd.Stdout = &stdout
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL); _ = cmd.Wait() })
	return cmd, bufio.NewReader(stderr), &stdout
}

// TestPostgresManyProcesses: 10 processes deploy to 10 groups and 5 more
// to one group, all at once, on one PostgreSQL database. All succeed; the
// shared group's deployments never overlap (their operations' times, and
// their records' start and end, are disjoint); a process that does not
// wait is refused with a message naming the holder; nothing else fails.
func TestPostgresManyProcesses(t *testing.T) {
	dsn := pgtest.DSN(t)
	dir := t.TempDir()
	file := filepath.Join(dir, "main.json")
	if err := os.WriteFile(file, []byte(slowTemplate(4)), 0o600); err != nil {
		t.Fatal(err)
	}
	// Create the shared group first, so that no two processes race to
	// create it (which is not what is tested).
	if code, _, stderr := runCLI(t, "group", "create", "-n", "rg-shared", "-l", "eastus", "--state", dsn); code != 0 {
		t.Fatalf("group create: exit %d: %s", code, stderr)
	}
	type proc struct {
		name, group string
		cmd         *exec.Cmd
		stderr      *bufio.Reader
		stdout      *bytes.Buffer
		errText     string
	}
	var procs []*proc
	common := []string{"-l", "eastus", "-f", file, "--no-tui", "--parallelism", "1", "--simulate", "realtime",
		"--speed", "20", "--lock-timeout", "5m", "--state", dsn}
	for i := range 10 {
		procs = append(procs, &proc{name: fmt.Sprintf("dep-own-%d", i), group: fmt.Sprintf("rg-own-%d", i)})
	}
	for i := range 5 {
		procs = append(procs, &proc{name: fmt.Sprintf("dep-shared-%d", i), group: "rg-shared"})
	}
	for _, p := range procs {
		p.cmd, p.stderr, p.stdout = cliChild(t, dir, nil, nil, append([]string{"deploy", "-g", p.group, "-n", p.name}, common...)...)
	}
	// A deployment that does not wait, while the shared group is held.
	var refused string
	{
		deadline := time.Now().Add(2 * time.Minute)
		for {
			_, out, _ := runCLI(t, "lease", "list", "--state", dsn, "-o", "json")
			if strings.Contains(out, "rg-shared") {
				break
			}
			if time.Now().After(deadline) {
				t.Fatal("the shared group was never leased")
			}
			time.Sleep(20 * time.Millisecond) // polling a process we do not control
		}
		code, _, stderr := runCLI(t, "deploy", "-g", "rg-shared", "-n", "impatient", "-f", file, "--no-tui",
			"--lock-timeout", "0s", "--state", dsn)
		if code == 0 {
			t.Error("a deployment with --lock-timeout 0s ran while the group was held")
		}
		refused = stderr
	}
	if !regexp.MustCompile(`resource group /subscriptions/[^ ]+/resourcegroups/rg-shared is locked by deployment 'dep-shared-\d' \(process \d+ on [^ ]+, since `).MatchString(refused) {
		t.Errorf("the refusal does not name the holder:\n%s", refused)
	}
	var wg sync.WaitGroup
	for _, p := range procs {
		wg.Go(func() {
			var b strings.Builder
			for {
				line, err := p.stderr.ReadString('\n')
				b.WriteString(line)
				if err != nil {
					break
				}
			}
			p.errText = b.String()
		})
	}
	wg.Wait()
	for _, p := range procs {
		err := p.cmd.Wait()
		if err != nil {
			t.Errorf("%s: %v\n%s", p.name, err, p.errText)
		}
		for _, line := range strings.Split(p.errText, "\n") {
			if l := strings.ToLower(line); strings.Contains(l, "error") || strings.Contains(l, "warning") || strings.Contains(l, "failed") {
				t.Errorf("%s: %s", p.name, line)
			}
		}
	}
	// The shared group's writers, from the records.
	st, err := state.OpenPostgres(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	scope := state.Scope{SubscriptionID: "00000000-0000-0000-0000-000000000000", ResourceGroup: "rg-shared"}
	deps, err := st.Deployments(t.Context(), scope)
	if err != nil {
		t.Fatal(err)
	}
	type span struct {
		name       string
		start, end time.Time
	}
	var spans []span
	for _, d := range deps {
		if d.Status != "Succeeded" {
			t.Errorf("%s: %s", d.Name, d.Status)
		}
		ops, err := st.Operations(t.Context(), scope, d.Name)
		if err != nil {
			t.Fatal(err)
		}
		if len(ops) != 4 {
			t.Errorf("%s: %d operations, want 4", d.Name, len(ops))
		}
		// The span of the deployment's writes: from its first operation's
		// start to its last one's end. The record's own times contain it
		// (give or take clock readings: durations are measured on the
		// monotonic clock, and a loaded 2-core machine takes tens of
		// milliseconds between the readings). The overlap check below,
		// on the operations' own spans, is the property under test.
		sp := span{name: d.Name}
		const slack = 500 * time.Millisecond
		for _, op := range ops {
			end := op.Started.Add(op.Duration)
			if sp.start.IsZero() || op.Started.Before(sp.start) {
				sp.start = op.Started
			}
			if end.After(sp.end) {
				sp.end = end
			}
			if op.Started.Before(d.Started.Add(-slack)) || end.After(d.Finished.Add(slack)) {
				t.Errorf("%s: operation %d (%v + %v) outside the deployment (%v to %v)", d.Name, op.Sequence,
					op.Started, op.Duration, d.Started, d.Finished)
			}
		}
		spans = append(spans, sp)
	}
	if len(spans) != 5 {
		t.Fatalf("the shared group holds %d deployments, want 5", len(spans))
	}
	sort.Slice(spans, func(i, j int) bool { return spans[i].start.Before(spans[j].start) })
	for i := 1; i < len(spans); i++ {
		if spans[i].start.Before(spans[i-1].end) {
			t.Errorf("%s (%v to %v) overlaps %s (%v to %v)", spans[i].name, spans[i].start, spans[i].end,
				spans[i-1].name, spans[i-1].start, spans[i-1].end)
		}
	}
	for i := range 10 {
		sc := state.Scope{SubscriptionID: scope.SubscriptionID, ResourceGroup: fmt.Sprintf("rg-own-%d", i)}
		if rs, err := st.Resources(t.Context(), state.ResourceFilter{SubscriptionID: sc.SubscriptionID, ResourceGroup: sc.ResourceGroup}); err != nil || len(rs) != 4 {
			t.Errorf("rg-own-%d: %d resources, %v", i, len(rs), err)
		}
	}
	if ls, err := st.Leases(t.Context()); err != nil || len(ls) != 0 {
		t.Errorf("leases left: %v, %v", ls, err)
	}
}

// TestPostgresKillHolder: a deployment killed with SIGKILL leaves its
// lease; the next deployment to the group takes it over and names the old
// holder. On this host the dead pid tells at once; for a holder on another
// host (a child in a UTS namespace of its own, with another host name)
// the lease is taken over only once its heartbeat is older than the expiry
// (2 s here, lease_expiry in the DSN).
func TestPostgresKillHolder(t *testing.T) {
	dsn := pgtest.WithParam(pgtest.WithParam(pgtest.DSN(t), "lease_expiry", "2s"), "lease_heartbeat", "200ms")
	dir := t.TempDir()
	file := filepath.Join(dir, "main.json")
	if err := os.WriteFile(file, []byte(slowTemplate(20)), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("ARMDEPLOY_STATE", dsn)
	for _, tc := range []struct {
		name    string
		wrapper []string
		remote  bool
	}{
		{"same host", nil, false},
		{"other host", []string{"unshare", "--uts", "--fork", "sh", "-c", `hostname "$0" && exec "$@"`, "other-host.test"}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.remote {
				if err := exec.Command("unshare", "--uts", "true").Run(); err != nil {
					t.Skipf("cannot make a UTS namespace here (%v): needs root and unshare", err)
				}
			}
			group := "rg-kill-" + strings.ReplaceAll(tc.name, " ", "-")
			cmd, stderr, _ := cliChild(t, dir, nil, tc.wrapper, "deploy", "-g", group, "-n", "victim", "-l", "eastus",
				"-f", file, "--no-tui", "--parallelism", "1", "--simulate", "realtime", "--speed", "20")
			waitSucceeded(t, stderr, 2)
			if err := syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL); err != nil {
				t.Fatal(err)
			}
			_ = cmd.Wait()
			killed := time.Now()
			code, _, errText := runCLI(t, "deploy", "-g", group, "-n", "next", "-f", file, "--no-tui", "--lock-timeout", "1m")
			took := time.Since(killed)
			if code != 0 {
				t.Fatalf("the next deployment: exit %d: %s", code, errText)
			}
			if !regexp.MustCompile(`warning: (took over|broke) the lease on /subscriptions/[^ ]+/resourcegroups/` + group + ` (from|of) .*victim`).MatchString(errText) {
				t.Errorf("the next deployment does not name the old holder:\n%s", errText)
			}
			if tc.remote {
				if !strings.Contains(errText, "other-host.test") {
					t.Errorf("the warning does not name the old holder's host:\n%s", errText)
				}
				if took < 1500*time.Millisecond {
					t.Errorf("took the lease over %v after the kill, before the 2 s heartbeat expiry", took)
				}
			}
			t.Logf("taken over %v after the kill: %s", took.Round(time.Millisecond), strings.TrimSpace(errText))
		})
	}
}
