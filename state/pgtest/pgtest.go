// Package pgtest gives tests a PostgreSQL database: the server that
// $ARMDEPLOY_TEST_POSTGRES names (a DSN), else a throwaway server that it
// starts itself, once per test binary, with the initdb and pg_ctl of the
// OS package (on PATH or under /usr/lib/postgresql/*/bin), in a temporary
// folder, on a Unix socket only, as an unprivileged user (nobody, through
// runuser, when the tests run as root). Nothing is downloaded.
//
// Each test gets its own schema ([DSN]), dropped when it ends, so tests
// run in parallel on one server. A package that uses it calls [Main] from
// its TestMain so that the server stops when the tests end. Where there is
// no server and none can be started, [DSN] skips the test with a message
// that says so loudly; [Status] tells why.
package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// EnvDSN names an existing server for the tests (a DSN whose user may
// create schemas).
const EnvDSN = "ARMDEPLOY_TEST_POSTGRES"

var (
	once    sync.Once
	base    string // the DSN of the server's database
	why     string // why there is none
	started *server
)

type server struct {
	dir, pgctl string
	runAs      []string // runuser -u nobody --, or nothing
}

// Main runs the package's tests and then stops the throwaway server if
// one was started.
func Main(m *testing.M) {
	code := m.Run()
	Stop()
	os.Exit(code)
}

// Stop stops the throwaway server and deletes its folder (nothing when
// none was started).
func Stop() {
	if started == nil {
		return
	}
	cmd := exec.Command(started.runAs[0], append(started.runAs[1:], started.pgctl, "-D",
		filepath.Join(started.dir, "data"), "-m", "fast", "-w", "-t", "60", "stop")...)
	if out, err := cmd.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "pgtest: pg_ctl stop: %v\n%s", err, out)
	}
	os.RemoveAll(started.dir)
	started = nil
}

// Status returns the DSN of the test server's database, starting the
// throwaway server on first use, or "" and why there is none.
func Status() (dsn, reason string) {
	once.Do(func() {
		if d := os.Getenv(EnvDSN); d != "" {
			base = d
			return
		}
		base, why = start()
	})
	return base, why
}

// DSN returns a DSN of a new, empty schema on the test server: its
// search_path names only that schema, which is dropped when the test
// ends. Without a server it skips the test, loudly.
func DSN(t testing.TB) string {
	t.Helper()
	dsn, reason := Status()
	if dsn == "" {
		t.Skipf("*** PostgreSQL NOT TESTED: %s (set %s to a DSN, or install the postgresql package) ***", reason, EnvDSN)
	}
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	schema := "armdeploy_test_" + hex.EncodeToString(b)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatalf("pgtest: connect: %v", err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, `CREATE SCHEMA `+schema); err != nil {
		t.Fatalf("pgtest: create schema: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		conn, err := pgx.Connect(ctx, dsn)
		if err != nil {
			t.Errorf("pgtest: connect to drop schema %s: %v", schema, err)
			return
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, `DROP SCHEMA `+schema+` CASCADE`); err != nil {
			t.Errorf("pgtest: drop schema %s: %v", schema, err)
		}
	})
	return WithParam(dsn, "search_path", schema)
}

// WithParam returns a URL DSN with a query parameter set.
func WithParam(dsn, key, value string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return dsn
	}
	q := u.Query()
	q.Set(key, value)
	u.RawQuery = q.Encode()
	return u.String()
}

// findBinaries returns initdb and pg_ctl: from PATH, else the newest
// Debian/Ubuntu install.
func findBinaries() (initdb, pgctl string, err error) {
	if i, err1 := exec.LookPath("initdb"); err1 == nil {
		if p, err2 := exec.LookPath("pg_ctl"); err2 == nil {
			return i, p, nil
		}
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool { return version(dirs[i]) > version(dirs[j]) })
	for _, d := range dirs {
		i, p := filepath.Join(d, "initdb"), filepath.Join(d, "pg_ctl")
		if isExec(i) && isExec(p) {
			return i, p, nil
		}
	}
	return "", "", errors.New("initdb and pg_ctl are not on PATH nor under /usr/lib/postgresql/*/bin")
}

func version(binDir string) int {
	var v int
	fmt.Sscanf(filepath.Base(filepath.Dir(binDir)), "%d", &v)
	return v
}

func isExec(p string) bool {
	st, err := os.Stat(p)
	return err == nil && !st.IsDir() && st.Mode()&0o111 != 0
}

// start starts a throwaway server and returns the DSN of its database.
func start() (dsn, reason string) {
	initdb, pgctl, err := findBinaries()
	if err != nil {
		return "", err.Error()
	}
	// A short folder: the socket's path must stay under 108 bytes.
	dir, err := os.MkdirTemp("", "armdeploy-pg-")
	if err != nil {
		return "", err.Error()
	}
	srv := &server{dir: dir, pgctl: pgctl}
	if os.Geteuid() == 0 {
		// The server refuses to run as root: run it as nobody.
		u, err := user.Lookup("nobody")
		if err != nil {
			os.RemoveAll(dir)
			return "", "running as root and there is no user nobody to run the server as"
		}
		runuser, err := exec.LookPath("runuser")
		if err != nil {
			os.RemoveAll(dir)
			return "", "running as root and runuser is missing"
		}
		var uid, gid int
		fmt.Sscanf(u.Uid, "%d", &uid)
		fmt.Sscanf(u.Gid, "%d", &gid)
		if err := os.Chown(dir, uid, gid); err != nil {
			os.RemoveAll(dir)
			return "", err.Error()
		}
		srv.runAs = []string{runuser, "-u", "nobody", "--"}
	}
	run := func(name string, args ...string) error {
		var cmd *exec.Cmd
		if srv.runAs != nil {
			cmd = exec.Command(srv.runAs[0], append(append(srv.runAs[1:], name), args...)...)
		} else {
			cmd = exec.Command(name, args...)
		}
		cmd.Dir = dir
		out, err := cmd.CombinedOutput()
		if err != nil {
			return fmt.Errorf("%s: %v: %s", filepath.Base(name), err, strings.TrimSpace(string(out)))
		}
		return nil
	}
	data := filepath.Join(dir, "data")
	if err := run(initdb, "-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-locale", "--no-sync"); err != nil {
		os.RemoveAll(dir)
		return "", err.Error()
	}
	opts := fmt.Sprintf("-k %s -c listen_addresses='' -c max_connections=300 -c shared_buffers=64MB", dir)
	if os.Getenv("ARMDEPLOY_TEST_POSTGRES_FSYNC") != "on" {
		// The tests need no durability across a power loss.
		opts += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
	}
	if err := run(pgctl, "-D", data, "-l", filepath.Join(dir, "server.log"), "-w", "-t", "60", "-o", opts, "start"); err != nil {
		log, _ := os.ReadFile(filepath.Join(dir, "server.log"))
		os.RemoveAll(dir)
		return "", err.Error() + "\n" + string(log)
	}
	if srv.runAs == nil {
		srv.runAs = []string{"env"}
	}
	started = srv
	return "postgres://postgres@/postgres?host=" + url.QueryEscape(dir) + "&sslmode=disable", ""
}
