package state_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/armdeploy/armdeploy/state"
)

// The crash and lease tests re-execute the test binary as a child process
// that runs TestCrashChild or TestLeaseChild. The child reports progress
// on file descriptor 3 (a pipe), one line per event; the parent reads it
// to decide when to kill or release the child. Nothing is synchronised by
// sleeping.
const (
	envChild = "ARMDEPLOY_STATE_TEST_CHILD" // "crash" or "lease"
	envPath  = "ARMDEPLOY_STATE_TEST_PATH"
	envGroup = "ARMDEPLOY_STATE_TEST_GROUP"
	envWait  = "ARMDEPLOY_STATE_TEST_WAIT"
	envFirst = "ARMDEPLOY_STATE_TEST_PROBE_FIRST"

	crashResources = 1000
	crashSub       = "00000000-0000-0000-0000-00000000c0de"
)

// crashID and crashBody are what the child writes for index i: bodies of
// varied sizes (200 B to about 30 KB) so that kills land in small and large
// commits.
func crashID(i int) string {
	return fmt.Sprintf("/subscriptions/%s/resourceGroups/crash/providers/Microsoft.Compute/disks/disk%04d", crashSub, i)
}

func crashBody(i int) []byte {
	pad := strings.Repeat(string(rune('a'+i%26)), 200+(i*7919)%30000)
	b, _ := json.Marshal(map[string]any{"id": crashID(i), "index": i, "properties": map[string]any{"pad": pad}})
	return b
}

// child starts the test binary running test with env, and returns the
// command, the read end of its progress pipe and the write end of its
// stdin.
func child(t *testing.T, test string, env ...string) (*exec.Cmd, *bufio.Reader, io.WriteCloser) {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^"+test+"$", "-test.count=1")
	cmd.Env = append(os.Environ(), env...)
	cmd.ExtraFiles = []*os.File{w}
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	w.Close()
	t.Cleanup(func() {
		r.Close()
		if cmd.ProcessState == nil {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
		}
	})
	return cmd, bufio.NewReader(r), stdin
}

// progress is the child's end of the pipe.
func progress() *os.File { return os.NewFile(3, "progress") }

// TestCrashChild is the child of TestCrash: it commits the crash
// resources one transaction each, starting at the first one missing, and
// reports each commit.
func TestCrashChild(t *testing.T) {
	if os.Getenv(envChild) != "crash" {
		t.Skip("runs only as the child of TestCrash")
	}
	out := progress()
	s, err := state.Open(os.Getenv(envPath))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	have, err := s.Resources(ctx, state.ResourceFilter{SubscriptionID: crashSub})
	if err != nil {
		t.Fatal(err)
	}
	for i := len(have); i < crashResources; i++ {
		if err := s.PutResource(ctx, &state.Resource{ID: crashID(i), Location: "eastus", Body: crashBody(i)}); err != nil {
			t.Fatal(err)
		}
		fmt.Fprintln(out, i)
	}
	fmt.Fprintln(out, "done")
}

// TestCrash kills a child that commits 1,000 resources with SIGKILL at 20
// random moments (a seeded number of commits plus a seeded jitter); after each kill the store must open and hold exactly the
// commits made so far (at least every one the child reported), each body
// whole. A last run completes all 1,000.
func TestCrash(t *testing.T) {
	if testing.Short() {
		t.Skip("kills 20 child processes")
	}
	path := filepath.Join(t.TempDir(), "state.db")
	rng := rand.New(rand.NewPCG(2026, 11))
	reported := 0
	for kill := range 20 {
		cmd, pipe, _ := child(t, "TestCrashChild", envChild+"=crash", envPath+"="+path)
		after := 1 + rng.IntN(45) // commits to wait for before the kill
		for range after {
			line, err := pipe.ReadString('\n')
			if err != nil {
				t.Fatalf("kill %d: the child stopped early: %v", kill, err)
			}
			if n, err := strconv.Atoi(strings.TrimSpace(line)); err == nil {
				reported = n + 1
			}
		}
		// The kill lands a random time after the k-th commit: inside the next
		// commit, between commits or during a checkpoint. (Jitter, not
		// synchronisation: nothing waits for the child to reach a point.)
		jitter := time.Duration(rng.IntN(3000)) * time.Microsecond
		time.Sleep(jitter)
		if err := cmd.Process.Kill(); err != nil {
			t.Fatal(err)
		}
		_ = cmd.Wait()
		n := checkCrashStore(t, path, fmt.Sprintf("after kill %d", kill+1))
		if n < reported {
			t.Fatalf("after kill %d: %d resources stored, but the child reported %d commits", kill+1, n, reported)
		}
		t.Logf("kill %d, %v after new commit #%d: %d resources stored", kill+1, jitter, after, n)
	}
	cmd, pipe, _ := child(t, "TestCrashChild", envChild+"=crash", envPath+"="+path)
	rest, _ := io.ReadAll(pipe)
	if err := cmd.Wait(); err != nil {
		t.Fatalf("the last run failed: %v", err)
	}
	if !bytes.HasSuffix(rest, []byte("done\n")) {
		t.Fatalf("the last run did not finish: %q", rest)
	}
	if n := checkCrashStore(t, path, "after the last run"); n != crashResources {
		t.Fatalf("after the last run: %d resources, want %d", n, crashResources)
	}
}

// checkCrashStore opens the store, checks that it holds resources 0..n-1
// with their whole bodies and that SQLite finds the file intact, and
// returns n.
func checkCrashStore(t *testing.T, path, when string) int {
	t.Helper()
	s, err := state.Open(path)
	if err != nil {
		t.Fatalf("%s: the store does not open: %v", when, err)
	}
	defer s.Close()
	rs, err := s.Resources(context.Background(), state.ResourceFilter{SubscriptionID: crashSub})
	if err != nil {
		t.Fatalf("%s: %v", when, err)
	}
	for i, r := range rs {
		if r.ID != crashID(i) {
			t.Fatalf("%s: resource %d is %s, want %s (a gap)", when, i, r.ID, crashID(i))
		}
		if !json.Valid(r.Body) || !bytes.Equal(r.Body, crashBody(i)) {
			t.Fatalf("%s: the body of resource %d is not what was written (%d bytes, want %d)",
				when, i, len(r.Body), len(crashBody(i)))
		}
	}
	var ok string
	if err := rawDB(t, path).QueryRow(`PRAGMA integrity_check`).Scan(&ok); err != nil || ok != "ok" {
		t.Fatalf("%s: integrity check: %q, %v", when, ok, err)
	}
	return len(rs)
}

// TestLeaseChild is the child of the lease tests: a deployment that takes
// the lease on its group, reports "acquired", writes a few resources, and
// holds the lease until its stdin closes. If the lease is busy it reports
// "failed <holder> <waited ms>: <message>" and exits 3. With envFirst set
// it first probes once without waiting and reports "busy" when that fails.
func TestLeaseChild(t *testing.T) {
	if os.Getenv(envChild) != "lease" {
		t.Skip("runs only as the child of the lease tests")
	}
	out := progress()
	s, err := state.Open(os.Getenv(envPath))
	if err != nil {
		t.Fatal(err)
	}
	wait, err := time.ParseDuration(os.Getenv(envWait))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	rg := os.Getenv(envGroup)
	holder := fmt.Sprintf("deploy-%s-%d", rg, os.Getpid())
	host, _ := os.Hostname()
	l := state.Lease{Scope: "/subscriptions/" + crashSub + "/resourcegroups/" + rg, Holder: holder,
		PID: os.Getpid(), Host: host}
	if os.Getenv(envFirst) != "" {
		if _, err := s.AcquireLease(ctx, l, 0); err == nil {
			t.Fatal("the probe got the lease")
		}
		fmt.Fprintln(out, "busy")
	}
	start := time.Now()
	release, err := s.AcquireLease(ctx, l, wait)
	var le *state.LeaseError
	if errors.As(err, &le) {
		fmt.Fprintf(out, "failed %s %d: %v\n", le.Held.Holder, time.Since(start).Milliseconds(), err)
		s.Close()
		os.Exit(3)
	} else if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(out, "acquired %s\n", holder)
	for i := range 5 {
		id := fmt.Sprintf("/subscriptions/%s/resourceGroups/%s/providers/Microsoft.Compute/disks/%s-%d", crashSub, rg, holder, i)
		if err := s.PutResource(ctx, &state.Resource{ID: id, Body: json.RawMessage(`{}`)}); err != nil {
			t.Fatal(err)
		}
	}
	_, _ = io.Copy(io.Discard, os.Stdin) // hold until the parent says so
	if err := release(); err != nil {
		t.Fatal(err)
	}
	fmt.Fprintln(out, "released")
}

func leaseChild(t *testing.T, path, rg string, wait time.Duration, extra ...string) (*exec.Cmd, *bufio.Reader, io.WriteCloser) {
	env := append([]string{envChild + "=lease", envPath + "=" + path, envGroup + "=" + rg, envWait + "=" + wait.String()}, extra...)
	return child(t, "TestLeaseChild", env...)
}

func readLine(t *testing.T, who string, r *bufio.Reader) string {
	t.Helper()
	line, err := r.ReadString('\n')
	if err != nil {
		t.Fatalf("%s: %v (read %q)", who, err, line)
	}
	return strings.TrimSpace(line)
}

// TestLeaseTwoProcesses runs two deploying processes at once.
func TestLeaseTwoProcesses(t *testing.T) {
	if testing.Short() {
		t.Skip("starts child processes")
	}
	t.Run("same group: the second waits, then fails naming the holder", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "state.db")
		a, aOut, aIn := leaseChild(t, path, "rg1", 0)
		got := readLine(t, "A", aOut)
		holder, ok := strings.CutPrefix(got, "acquired ")
		if !ok {
			t.Fatalf("A: %q", got)
		}
		const wait = 300 * time.Millisecond
		b, bOut, _ := leaseChild(t, path, "rg1", wait)
		got = readLine(t, "B", bOut)
		var name string
		var waited int64
		if _, err := fmt.Sscanf(got, "failed %s %d:", &name, &waited); err != nil {
			t.Fatalf("B: %q", got)
		}
		if name != holder || !strings.Contains(got, "'"+holder+"'") {
			t.Errorf("B's error does not name the holder %s: %q", holder, got)
		}
		if waited < wait.Milliseconds() {
			t.Errorf("B gave up after %d ms, want at least %v", waited, wait)
		}
		var ee *exec.ExitError
		if err := b.Wait(); !errors.As(err, &ee) || ee.ExitCode() != 3 {
			t.Errorf("B: %v, want exit status 3", err)
		}
		aIn.Close()
		if got := readLine(t, "A", aOut); got != "released" {
			t.Errorf("A: %q", got)
		}
		if err := a.Wait(); err != nil {
			t.Errorf("A: %v", err)
		}
	})
	t.Run("same group: the second waits and gets the lease when the first ends", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "state.db")
		a, aOut, aIn := leaseChild(t, path, "rg1", 0)
		readLine(t, "A", aOut)
		b, bOut, bIn := leaseChild(t, path, "rg1", time.Minute, envFirst+"=1")
		if got := readLine(t, "B", bOut); got != "busy" {
			t.Fatalf("B: %q", got)
		}
		aIn.Close() // B is waiting now: let A finish
		if err := a.Wait(); err != nil {
			t.Errorf("A: %v", err)
		}
		if got := readLine(t, "B", bOut); !strings.HasPrefix(got, "acquired ") {
			t.Fatalf("B: %q", got)
		}
		bIn.Close()
		if err := b.Wait(); err != nil {
			t.Errorf("B: %v", err)
		}
	})
	t.Run("different groups: both finish", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "state.db")
		a, aOut, aIn := leaseChild(t, path, "rg1", 0)
		b, bOut, bIn := leaseChild(t, path, "rg2", 0)
		// Both hold their lease at the same time.
		for who, r := range map[string]*bufio.Reader{"A": aOut, "B": bOut} {
			if got := readLine(t, who, r); !strings.HasPrefix(got, "acquired ") {
				t.Fatalf("%s: %q", who, got)
			}
		}
		aIn.Close()
		bIn.Close()
		for who, c := range map[string]*exec.Cmd{"A": a, "B": b} {
			if err := c.Wait(); err != nil {
				t.Errorf("%s: %v", who, err)
			}
		}
		s, err := state.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		rs, err := s.Resources(context.Background(), state.ResourceFilter{SubscriptionID: crashSub})
		if err != nil || len(rs) != 10 {
			t.Errorf("both deployments' resources: %d, %v", len(rs), err)
		}
		if ls, _ := s.Leases(context.Background()); len(ls) != 0 {
			t.Errorf("leases left: %+v", ls)
		}
	})
	t.Run("a lease left by a killed process is taken over", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "state.db")
		a, aOut, _ := leaseChild(t, path, "rg1", 0)
		readLine(t, "A", aOut)
		_ = a.Process.Kill()
		_ = a.Wait() // reaped: its pid no longer exists
		b, bOut, bIn := leaseChild(t, path, "rg1", 0)
		if got := readLine(t, "B", bOut); !strings.HasPrefix(got, "acquired ") {
			t.Fatalf("B did not take over the dead holder's lease: %q", got)
		}
		bIn.Close()
		if err := b.Wait(); err != nil {
			t.Errorf("B: %v", err)
		}
	})
}
