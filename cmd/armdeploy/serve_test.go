package main

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestSPCommands(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "state.db")
	var created struct{ AppID, Password, ObjectID, Tenant string }
	tests := []struct {
		name   string
		args   []string
		code   int
		stdout []string // substrings
		stderr []string
		absent []string // substrings of stdout+stderr that must not be there
	}{
		{"create", []string{"sp", "create", "-n", "ci", "-o", "json"}, 0, []string{`"appId"`, `"password"`, `"tenant"`}, []string{"shown only now"}, nil},
		{"create a taken name", []string{"sp", "create", "-n", "CI"}, 1, nil, []string{"already exists"}, nil},
		{"create with a role", []string{"sp", "create", "-n", "deployer", "--role", "reader"}, 0, []string{"appId:", "password:"}, []string{"Granted Reader at /subscriptions/"}, nil},
		{"unknown role", []string{"sp", "create", "-n", "x", "--role", "Boss"}, 2, nil, []string{"unknown role"}, nil},
		{"scopes without a role", []string{"sp", "create", "-n", "x", "--scopes", "/subscriptions/s"}, 2, nil, []string{"--scopes needs --role"}, nil},
		{"create needs a name", []string{"sp", "create"}, 2, nil, []string{"-n/--name"}, nil},
		{"list", []string{"sp", "list"}, 0, []string{"ci", "deployer"}, nil, []string{"password"}},
		{"delete", []string{"sp", "delete", "-n", "ci"}, 0, nil, []string{"Deleted the service principal ci"}, nil},
		{"delete a missing one", []string{"sp", "delete", "-n", "ci"}, 1, nil, []string{"There is no service principal 'ci'"}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, append(tc.args, "--state", db)...)
			if code != tc.code {
				t.Fatalf("exit %d, want %d\n%s%s", code, tc.code, stdout, stderr)
			}
			for _, s := range tc.stdout {
				if !strings.Contains(stdout, s) {
					t.Errorf("stdout lacks %q:\n%s", s, stdout)
				}
			}
			for _, s := range tc.stderr {
				if !strings.Contains(stderr, s) {
					t.Errorf("stderr lacks %q:\n%s", s, stderr)
				}
			}
			for _, s := range tc.absent {
				if strings.Contains(stdout+stderr, s) {
					t.Errorf("output has %q:\n%s%s", s, stdout, stderr)
				}
			}
			if tc.name == "create" {
				if err := json.Unmarshal([]byte(stdout), &created); err != nil || len(created.Password) < 30 {
					t.Fatalf("create -o json: %v\n%s", err, stdout)
				}
			}
		})
	}
	// The secret is stored only as a hash.
	raw, err := os.ReadFile(db)
	if err != nil {
		t.Fatal(err)
	}
	wal, _ := os.ReadFile(db + "-wal")
	if bytes.Contains(append(raw, wal...), []byte(created.Password)) {
		t.Error("the secret is in the state file")
	}
}

func TestServePrintEnv(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "state.db")
	code, stdout, stderr := runCLI(t, "serve", "--print-env", "--state", db, "--addr", "127.0.0.1:9443")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	ca := filepath.Join(dir, "serve", "ca", "ca.pem")
	for _, want := range []string{"export REQUESTS_CA_BUNDLE=" + ca, "export SSL_CERT_FILE=" + ca,
		"export ARMDEPLOY_ENDPOINT=https://127.0.0.1:9443", "export ARM_METADATA_HOSTNAME=127.0.0.1:9443",
		"az cloud register -n armdeploy --endpoint-resource-manager https://127.0.0.1:9443/"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("print-env lacks %q:\n%s", want, stdout)
		}
	}
	if _, err := os.Stat(ca); err != nil {
		t.Errorf("no CA: %v", err)
	}
	for _, key := range []string{filepath.Join(dir, "serve", "ca", "ca.key"), filepath.Join(dir, "serve", "token", "key")} {
		if fi, err := os.Stat(key); err != nil || fi.Mode().Perm() != 0o600 {
			t.Errorf("%s: %v %v", key, fi.Mode(), err)
		}
	}
	code, stdout, _ = runCLI(t, "serve", "--print-env", "--http", "--state", db)
	if code != 0 || strings.Contains(stdout, "REQUESTS_CA_BUNDLE") || !strings.Contains(stdout, "http://127.0.0.1:8443") {
		t.Errorf("--http --print-env: %d\n%s", code, stdout)
	}
	for _, args := range [][]string{{"serve", "--log-format", "xml"}, {"serve", "--addr", "nope"}, {"serve", "extra"}} {
		if code, _, _ := runCLI(t, append(args, "--state", db)...); code != 2 {
			t.Errorf("%q: exit %d, want 2", args, code)
		}
	}
}

func TestServeStartsAndStops(t *testing.T) {
	dir := t.TempDir()
	var errb bytes.Buffer
	io := &IOStreams{Out: &bytes.Buffer{}, Err: &syncWriter{w: &errb}, Now: time.Now}
	opts := &serveOptions{IO: io, Addr: "127.0.0.1:0", LogFormat: "json", Simulate: "instant"}
	opts.store.Path = filepath.Join(dir, "state.db")
	ctx, cancel := context.WithCancel(context.Background())
	urls := make(chan string, 1)
	done := make(chan error, 1)
	go func() { done <- runServe(ctx, opts, func(u string) { urls <- u }) }()
	var url string
	select {
	case url = <-urls:
	case err := <-done:
		t.Fatalf("serve ended: %v", err)
	}
	pem, err := os.ReadFile(filepath.Join(dir, "serve", "ca", "ca.pem"))
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(pem)
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	resp, err := client.Get(url + "/metadata/endpoints?api-version=2015-01-01")
	if err != nil {
		t.Fatal(err)
	}
	var md struct {
		Authentication struct{ LoginEndpoint string }
	}
	_ = json.NewDecoder(resp.Body).Decode(&md)
	resp.Body.Close()
	if md.Authentication.LoginEndpoint != url+"/adfs" {
		t.Errorf("loginEndpoint %q", md.Authentication.LoginEndpoint)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	out := errb.String()
	for _, want := range []string{"listening on https://127.0.0.1:", "REQUESTS_CA_BUNDLE=", `"path":"/metadata/endpoints"`, "armdeploy serve: stopped"} {
		if !strings.Contains(out, want) {
			t.Errorf("stderr lacks %q:\n%s", want, out)
		}
	}
}

// syncWriter serialises writes from the server's goroutines.
type syncWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}
