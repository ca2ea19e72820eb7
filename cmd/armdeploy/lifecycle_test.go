package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/armdeploy/armdeploy/state/pgtest"
)

// The lifecycle tests run a deployment in a child process (this test
// binary, re-executed: TestMain runs the CLI when envCLIChild is set) and
// interrupt it: kill -9, SIGTERM, or a cancel from another process. The
// child's plain progress lines on stderr tell the parent when operations
// have finished; nothing is synchronised by sleeping.

const envCLIChild = "ARMDEPLOY_CLI_CHILD_ARGS" // JSON array of CLI arguments

func TestMain(m *testing.M) {
	if args := os.Getenv(envCLIChild); args != "" {
		var argv []string
		if err := json.Unmarshal([]byte(args), &argv); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(3)
		}
		os.Exit(Main(argv, os.Stdin, os.Stdout, os.Stderr))
	}
	code := m.Run()
	pgtest.Stop() // the throwaway PostgreSQL server, if a test started one
	os.Exit(code)
}

// slowTemplate has n independent resources; with --parallelism 1 and
// --simulate realtime each takes 2 s / speed.
func slowTemplate(n int) string {
	var rs []string
	for i := range n {
		rs = append(rs, fmt.Sprintf(`{"type": "Microsoft.Network/networkSecurityGroups", "apiVersion": "2023-04-01", "name": "nsg%02d", "location": "eastus", "properties": {"securityRules": []}}`, i))
	}
	return `{"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#", "contentVersion": "1.0.0.0", "resources": [` +
		strings.Join(rs, ",\n") + `]}`
}

// startDeploy starts 'deploy' of slowTemplate in a child process and
// returns it with a reader of its stderr.
func startDeploy(t *testing.T, dir string) (*exec.Cmd, *bufio.Reader) {
	t.Helper()
	file := filepath.Join(dir, "main.json")
	if err := os.WriteFile(file, []byte(slowTemplate(20)), 0o600); err != nil {
		t.Fatal(err)
	}
	args, _ := json.Marshal([]string{"deploy", "-g", "rg-life", "-l", "eastus", "-f", file, "--no-tui",
		"--parallelism", "1", "--simulate", "realtime", "--speed", "20"})
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), envCLIChild+"="+string(args))
	cmd.Dir = dir
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	return cmd, bufio.NewReader(stderr)
}

// waitSucceeded reads the child's progress until n operations succeeded.
func waitSucceeded(t *testing.T, r *bufio.Reader, n int) {
	t.Helper()
	for seen := 0; seen < n; {
		line, err := r.ReadString('\n')
		if err != nil {
			t.Fatalf("the child ended before %d operations succeeded (%d did): %v", n, seen, err)
		}
		if strings.Contains(line, "] succeeded ") {
			seen++
		}
	}
}

// deploymentState reads the deployment's status and its operations'
// statuses through the CLI, in-process.
func deploymentState(t *testing.T) (status, errorCode string, ops map[string]int) {
	t.Helper()
	code, out, stderr := runCLI(t, "deployment", "group", "show", "-g", "rg-life", "-n", "main", "-o", "json")
	if code != 0 {
		t.Fatalf("deployment show: exit %d: %s", code, stderr)
	}
	var d struct {
		Properties struct {
			ProvisioningState string
			Error             struct{ Code string }
		}
	}
	if err := json.Unmarshal([]byte(out), &d); err != nil {
		t.Fatal(err)
	}
	code, out, stderr = runCLI(t, "deployment", "operation", "group", "list", "-g", "rg-life", "-n", "main", "-o", "json")
	if code != 0 {
		t.Fatalf("deployment operation group list: exit %d: %s", code, stderr)
	}
	var list []struct {
		Properties struct{ ProvisioningState string }
	}
	if err := json.Unmarshal([]byte(out), &list); err != nil {
		t.Fatal(err)
	}
	ops = map[string]int{}
	for _, op := range list {
		ops[op.Properties.ProvisioningState]++
	}
	return d.Properties.ProvisioningState, d.Properties.Error.Code, ops
}

func lifecycleDir(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("runs child processes for a few seconds; skipped with -short")
	}
	dir := storeDir(t)
	return filepath.Dir(filepath.Dir(dir))
}

// kill -9 mid-deployment: the next command records the deployment Failed
// with the operations it had committed, and the group deploys again at
// once.
func TestDeployKilled(t *testing.T) {
	dir := lifecycleDir(t)
	cmd, progress := startDeploy(t, dir)
	waitSucceeded(t, progress, 3)
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()
	status, code, ops := deploymentState(t)
	if status != "Failed" || code != "DeploymentInterrupted" {
		t.Errorf("after kill -9 the deployment is %s (%s), want Failed (DeploymentInterrupted)", status, code)
	}
	if ops["Succeeded"] < 3 || ops["Running"] != 0 {
		t.Errorf("operations after kill -9: %v, want at least 3 Succeeded and none Running", ops)
	}
	if code, _, stderr := runCLI(t, "deploy", "-g", "rg-life", "-f", filepath.Join(dir, "main.json"), "--no-tui", "--lock-timeout", "0s"); code != 0 {
		t.Errorf("deploying again after kill -9: exit %d\n%s", code, stderr)
	}
}

// SIGTERM cancels as Ctrl-C does: exit 130, the deployment Canceled, the
// operations not started recorded Canceled.
func TestDeploySIGTERM(t *testing.T) {
	dir := lifecycleDir(t)
	cmd, progress := startDeploy(t, dir)
	waitSucceeded(t, progress, 2)
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, progress)
	err := cmd.Wait()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != exitCanceled {
		t.Fatalf("after SIGTERM the child ended with %v, want exit %d", err, exitCanceled)
	}
	status, _, ops := deploymentState(t)
	if status != "Canceled" || ops["Canceled"] == 0 || ops["Succeeded"] < 2 {
		t.Errorf("after SIGTERM: deployment %s, operations %v; want Canceled with Succeeded and Canceled operations", status, ops)
	}
}

// 'deployment group cancel' from another process stops a running
// deployment within a second.
func TestDeployCanceledFromAnotherProcess(t *testing.T) {
	dir := lifecycleDir(t)
	cmd, progress := startDeploy(t, dir)
	waitSucceeded(t, progress, 2)
	// Mid-way, another process sees it Running with the operations so far.
	if status, _, ops := deploymentState(t); status != "Running" || ops["Succeeded"] < 2 {
		t.Fatalf("mid-way the deployment is %s with operations %v, want Running with at least 2 Succeeded", status, ops)
	}
	asked := time.Now()
	if code, _, stderr := runCLI(t, "deployment", "group", "cancel", "-g", "rg-life", "-n", "main"); code != 0 {
		t.Fatalf("cancel: exit %d: %s", code, stderr)
	}
	_, _ = io.Copy(io.Discard, progress)
	err := cmd.Wait()
	t.Logf("the child ended %v after the cancel request", time.Since(asked).Round(time.Millisecond))
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != exitCanceled {
		t.Fatalf("after cancel the child ended with %v, want exit %d", err, exitCanceled)
	}
	if status, _, ops := deploymentState(t); status != "Canceled" || ops["Canceled"] == 0 {
		t.Errorf("after cancel: deployment %s, operations %v; want Canceled", status, ops)
	}
	if code, _, stderr := runCLI(t, "deployment", "group", "cancel", "-g", "rg-life", "-n", "main"); code != 1 || !strings.Contains(stderr, "DeploymentCannotBeCanceled") {
		t.Errorf("canceling a finished deployment: exit %d: %s", code, stderr)
	}
}
