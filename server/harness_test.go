package server_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	azarm "github.com/Azure/azure-sdk-for-go/sdk/azcore/arm"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/cloud"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"
	"github.com/google/uuid"

	"github.com/armdeploy/armdeploy/arm"
	"github.com/armdeploy/armdeploy/server"
	"github.com/armdeploy/armdeploy/state"
)

const (
	sub    = arm.DefaultSubscription
	tenant = arm.DefaultTenant
	owner  = "8e3af657-a8ff-443c-a75c-2fe8c4bcb635"
	reader = "acdd72a7-3385-48ef-bd42-f606fba81ae7"
)

// syncBuffer is a log sink safe for concurrent writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// env is a server on 127.0.0.1:0 over TLS with a store of its own, a
// client that trusts its CA, and an Owner service principal.
type env struct {
	t      *testing.T
	dir    string
	base   string
	svc    *arm.Service
	store  state.Store
	srv    *server.Server
	http   *http.Client
	cfg    cloud.Configuration
	log    *syncBuffer
	owner  *server.NewPrincipal
	cancel context.CancelFunc
	done   chan error
}

type envOption func(*server.Options)

// newEnv starts a server over the state file path ("" for a new one in a
// temporary folder).
func newEnv(t *testing.T, path string, opts ...envOption) *env {
	t.Helper()
	if path == "" {
		path = filepath.Join(t.TempDir(), "state.db")
	}
	return newEnvOn(t, path, server.DefaultDir(path), opts...)
}

// newEnvOn starts a server over the store at location (a state file or a
// PostgreSQL DSN) with its material in dir.
func newEnvOn(t *testing.T, location, dir string, opts ...envOption) *env {
	t.Helper()
	st, err := state.OpenStore(t.Context(), location)
	if err != nil {
		t.Fatal(err)
	}
	svc := arm.New(st, arm.Options{Command: "armdeploy serve (test)", CancelPoll: 10 * time.Millisecond})
	e := &env{t: t, dir: filepath.Dir(location), svc: svc, store: st, log: &syncBuffer{}, done: make(chan error, 1)}
	o := server.Options{Service: svc, Store: st, Dir: dir, Log: e.log, RetryAfter: 5 * time.Millisecond}
	for _, f := range opts {
		f(&o)
	}
	if e.srv, err = server.New(o); err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	scheme := "https"
	if o.HTTP {
		scheme = "http"
	}
	e.base = scheme + "://" + ln.Addr().String()
	ctx, cancel := context.WithCancel(context.Background())
	e.cancel = cancel
	go func() { e.done <- e.srv.Serve(ctx, ln) }()
	t.Cleanup(func() {
		e.stop()
		st.Close()
	})
	tr := &http.Transport{}
	if tls := e.srv.TLS(); tls != nil {
		tr.TLSClientConfig = tlsConfig(tls.Pool)
	}
	e.http = &http.Client{Transport: tr, Timeout: time.Minute}
	e.cfg = cloud.Configuration{ActiveDirectoryAuthorityHost: e.base + "/",
		Services: map[cloud.ServiceName]cloud.ServiceConfiguration{
			cloud.ResourceManager: {Endpoint: e.base, Audience: "https://management.core.windows.net/"},
		}}
	e.owner = e.principal("owner-" + uuid.NewString()[:8])
	e.grant(e.owner.ObjectID, owner, "/subscriptions/"+sub)
	return e
}

// stop shuts the server down gracefully (once).
func (e *env) stop() {
	if e.cancel == nil {
		return
	}
	e.cancel()
	e.cancel = nil
	if err := <-e.done; err != nil {
		e.t.Errorf("serve: %v", err)
	}
}

func tlsConfig(pool *x509.CertPool) *tls.Config { return &tls.Config{RootCAs: pool} }

// uuidFor is a GUID made from s (role assignment names).
func uuidFor(s string) string { return uuid.NewSHA1(uuid.NameSpaceOID, []byte(s)).String() }

// principal creates a service principal with no role.
func (e *env) principal(name string) *server.NewPrincipal {
	e.t.Helper()
	p, err := server.CreatePrincipal(e.t.Context(), e.store, name, tenant)
	if err != nil {
		e.t.Fatal(err)
	}
	return p
}

// grant assigns a built-in role to a principal at scope, as the default
// owner does with a role assignment.
func (e *env) grant(oid, role, scope string) {
	e.t.Helper()
	id := strings.TrimRight(scope, "/") + "/providers/Microsoft.Authorization/roleAssignments/" + uuidFor(oid+role+scope)
	body := `{"properties": {"roleDefinitionId": "/providers/Microsoft.Authorization/roleDefinitions/` + role +
		`", "principalId": "` + oid + `", "principalType": "ServicePrincipal"}}`
	if _, err := e.svc.PutResource(e.t.Context(), "", id, "2022-04-01", json.RawMessage(body)); err != nil {
		e.t.Fatal(err)
	}
}

// credential is azidentity's client-secret credential of p against the
// server's AAD-style token endpoint.
func (e *env) credential(p *server.NewPrincipal) azcore.TokenCredential {
	e.t.Helper()
	cred, err := azidentity.NewClientSecretCredential(p.TenantID, p.AppID, p.Secret, &azidentity.ClientSecretCredentialOptions{
		ClientOptions:            azcore.ClientOptions{Cloud: e.cfg, Transport: e.http},
		DisableInstanceDiscovery: true,
	})
	if err != nil {
		e.t.Fatal(err)
	}
	return cred
}

// clientOptions are the ARM clients' options.
func (e *env) clientOptions() *azarm.ClientOptions {
	return &azarm.ClientOptions{ClientOptions: policy.ClientOptions{Cloud: e.cfg, Transport: e.http}, DisableRPRegistration: true}
}

// poll is how the tests wait for long-running operations: the server's
// retry-after-ms (5 ms) paces the poller.
var poll = &runtime.PollUntilDoneOptions{Frequency: time.Second}

// token gets an access token for p with a raw client-credentials POST.
func (e *env) token(p *server.NewPrincipal) string {
	e.t.Helper()
	form := url.Values{"grant_type": {"client_credentials"}, "client_id": {p.AppID}, "client_secret": {p.Secret},
		"scope": {"https://management.core.windows.net//.default"}}
	resp, err := e.http.PostForm(e.base+"/"+p.TenantID+"/oauth2/v2.0/token", form)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || resp.StatusCode != 200 {
		e.t.Fatalf("token: %d %v", resp.StatusCode, err)
	}
	return out.AccessToken
}

// do sends a raw request with a bearer token ("" for none) and returns
// the status, headers and body.
func (e *env) do(method, path, token, body string) (int, http.Header, string) {
	e.t.Helper()
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	u := path
	if !strings.HasPrefix(u, "http") {
		u = e.base + path
	}
	req, err := http.NewRequest(method, u, r)
	if err != nil {
		e.t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := e.http.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, string(b)
}

// readJSON reads a JSON file of the repository into a map.
func readJSON(t *testing.T, path string) map[string]any {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", path))
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// errorCode is the ARM error code of an SDK error ("" when it is none).
func errorCode(err error) (int, string) {
	var re *azcore.ResponseError
	if errors.As(err, &re) {
		return re.StatusCode, re.ErrorCode
	}
	return 0, ""
}

// newRequest is a request with a bearer token.
func newRequest(e *env, method, path, token string) (*http.Request, error) {
	r, err := http.NewRequest(method, e.base+path, nil)
	if err == nil && token != "" {
		r.Header.Set("Authorization", "Bearer "+token)
	}
	return r, err
}

func base64URL(s string) ([]byte, error) { return base64.RawURLEncoding.DecodeString(s) }
