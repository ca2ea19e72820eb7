package server_test

import (
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/armdeploy/armdeploy/server"
)

// Raw HTTP against the server: what az CLI 2.45 sends
// (reference/arm-rest-clients.md), and the rules every request follows.

const api = "?api-version=2021-04-01"

func TestTokensAndAuthentication(t *testing.T) {
	e := newEnv(t, "")
	good := e.token(e.owner)
	// A token signed by the same key but expired: from a server over the
	// same folder whose clock is two hours behind.
	past := newEnvAt(t, e, func(o *server.Options) { o.Now = func() time.Time { return time.Now().Add(-2 * time.Hour) } })
	expired := past.token(e.owner)
	gone := e.principal("gone")
	goneToken := e.token(gone)
	if err := e.store.DeleteServicePrincipal(t.Context(), gone.AppID); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		token  string
		status int
		code   string
	}{
		{"valid", good, 200, ""},
		{"no token", "", 401, "AuthenticationFailed"},
		{"not a JWT", "garbage", 401, "InvalidAuthenticationToken"},
		{"signed by another key", forged(t), 401, "InvalidAuthenticationToken"},
		{"expired", expired, 401, "ExpiredAuthenticationToken"},
		{"deleted principal", goneToken, 401, "InvalidAuthenticationToken"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			status, h, body := e.do("GET", "/subscriptions?api-version=2019-11-01", tc.token, "")
			if status != tc.status || !strings.Contains(body, tc.code) {
				t.Fatalf("got %d %s", status, body)
			}
			if status == 401 {
				if wa := h.Get("WWW-Authenticate"); !strings.HasPrefix(wa, `Bearer authorization_uri="`+e.base+"/") || !strings.Contains(wa, `error="invalid_token"`) {
					t.Errorf("WWW-Authenticate: %q", wa)
				}
				if h.Get("x-ms-error-code") != tc.code {
					t.Errorf("x-ms-error-code: %q", h.Get("x-ms-error-code"))
				}
			}
		})
	}
	// The token endpoint's own errors are OAuth2's, not ARM's.
	grants := []struct {
		name   string
		path   string
		form   url.Values
		status int
		code   string
	}{
		{"bad secret", "/adfs/oauth2/token", url.Values{"grant_type": {"client_credentials"}, "client_id": {e.owner.AppID}, "client_secret": {"wrong"}}, 401, "invalid_client"},
		{"unknown client", "/" + tenant + "/oauth2/v2.0/token", url.Values{"grant_type": {"client_credentials"}, "client_id": {"nobody"}, "client_secret": {"x"}}, 401, "invalid_client"},
		{"other grant", "/adfs/oauth2/token", url.Values{"grant_type": {"password"}}, 400, "unsupported_grant_type"},
		{"other tenant", "/11111111-2222-3333-4444-555555555555/oauth2/v2.0/token", url.Values{"grant_type": {"client_credentials"}, "client_id": {e.owner.AppID}, "client_secret": {e.owner.Secret}}, 400, "invalid_request"},
		{"az's ADFS grant", "/adfs/oauth2/token", url.Values{"grant_type": {"client_credentials"}, "client_id": {e.owner.AppID}, "client_secret": {e.owner.Secret},
			"client_info": {"1"}, "claims": {`{"access_token": {"xms_cc": {"values": ["CP1"]}}}`}, "scope": {"https://management.core.windows.net//.default"}}, 200, ""},
	}
	for _, tc := range grants {
		t.Run(tc.name, func(t *testing.T) {
			resp, err := e.http.PostForm(e.base+tc.path, tc.form)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			var out map[string]any
			_ = json.NewDecoder(resp.Body).Decode(&out)
			if resp.StatusCode != tc.status || (tc.code != "" && out["error"] != tc.code) {
				t.Fatalf("got %d %v", resp.StatusCode, out)
			}
			if tc.status == 200 {
				if _, isNum := out["expires_in"].(float64); !isNum || out["token_type"] != "Bearer" {
					t.Errorf("token reply %v", out)
				}
				claims := decodeClaims(t, out["access_token"].(string))
				if claims["oid"] != e.owner.ObjectID || claims["tid"] != tenant || claims["aud"] != "https://management.core.windows.net/" ||
					claims["iss"] != e.base+"/adfs" || claims["idtyp"] != "app" {
					t.Errorf("claims %v", claims)
				}
			}
		})
	}
	// The secret and the tokens never reach the log.
	log := e.log.String()
	for _, secret := range []string{e.owner.Secret, good, expired} {
		if strings.Contains(log, secret) || strings.Contains(log, secret[:20]) {
			t.Errorf("the log holds a secret or token")
		}
	}
}

// newEnvAt is a second server over the state of e.
func newEnvAt(t *testing.T, e *env, opts ...envOption) *env {
	t.Helper()
	return newEnv(t, filepath.Join(e.dir, "state.db"), opts...)
}

// forged is a well-formed HS256 token signed with another key.
func forged(t *testing.T) string {
	t.Helper()
	other := newEnv(t, "")
	return other.token(other.owner)
}

// decodeClaims reads a JWT's payload (unpadded base64url, as
// go-azure-sdk decodes it).
func decodeClaims(t *testing.T, token string) map[string]any {
	t.Helper()
	parts := strings.Split(token, ".")
	if len(parts) != 3 || strings.HasSuffix(parts[1], "=") {
		t.Fatalf("not an unpadded JWT: %q", token)
	}
	b, err := base64URL(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func TestDiscovery(t *testing.T) {
	e := newEnv(t, "")
	tests := []struct {
		name, path string
		want       map[string]string // JSON pointer-ish dotted path → value
	}{
		{"az metadata", "/metadata/endpoints?api-version=2015-01-01", map[string]string{
			"authentication.loginEndpoint": e.base + "/adfs", "graphEndpoint": e.base + "/", "galleryEndpoint": e.base + "/"}},
		{"terraform metadata", "/metadata/endpoints?api-version=2022-09-01", map[string]string{
			"name": "armdeploy", "resourceManager": e.base + "/", "microsoftGraphResourceId": e.base + "/",
			"authentication.loginEndpoint": e.base, "authentication.tenant": "common", "authentication.identityProvider": "AAD"}},
		{"ADFS OpenID configuration", "/adfs/.well-known/openid-configuration", map[string]string{
			"issuer": e.base + "/adfs", "token_endpoint": e.base + "/adfs/oauth2/token"}},
		{"AAD OpenID configuration", "/" + tenant + "/v2.0/.well-known/openid-configuration?", map[string]string{
			"issuer": e.base + "/" + tenant + "/v2.0", "token_endpoint": e.base + "/" + tenant + "/oauth2/v2.0/token"}},
		{"a doubled slash", "//" + tenant + "/v2.0/.well-known/openid-configuration", map[string]string{
			"issuer": e.base + "/" + tenant + "/v2.0"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			status, _, body := e.do("GET", tc.path, "", "")
			if status != 200 {
				t.Fatalf("%d %s", status, body)
			}
			var doc map[string]any
			if err := json.Unmarshal([]byte(body), &doc); err != nil {
				t.Fatal(err)
			}
			for path, want := range tc.want {
				var v any = doc
				for _, k := range strings.Split(path, ".") {
					v = v.(map[string]any)[k]
				}
				if v != want {
					t.Errorf("%s = %v, want %s", path, v, want)
				}
			}
		})
	}
}

func TestRequestRules(t *testing.T) {
	e := newEnv(t, "", func(o *server.Options) { o.LogFormat = "json" })
	tok := e.token(e.owner)
	g := "/subscriptions/" + sub + "/resourcegroups/rg1"
	if status, _, body := e.do("PUT", g+api, tok, `{"location": "eastus"}`); status != 201 {
		t.Fatalf("create: %d %s", status, body)
	}
	tests := []struct {
		name, method, path, body string
		status                   int
		code                     string
	}{
		{"no api-version", "GET", g, "", 400, "MissingApiVersionParameter"},
		{"ARM's casing", "GET", "/subscriptions/" + sub + "/resourceGroups/RG1" + api, "", 200, `"name":"rg1"`},
		{"update is 200", "PUT", g + api, `{"location": "eastus", "tags": {"a": "b"}}`, 200, `"a":"b"`},
		{"another location", "PUT", g + api, `{"location": "westus"}`, 409, "InvalidResourceGroupLocation"},
		{"exists", "HEAD", g + api, "", 204, ""},
		{"does not exist", "HEAD", g + "x" + api, "", 404, ""},
		{"unknown api-version of a type", "GET", g + "/providers/Microsoft.Compute/galleries/g1?api-version=1999-01-01", "", 400, "NoRegisteredProviderFound"},
		{"missing resource", "GET", g + "/providers/Microsoft.Compute/galleries/g1?api-version=2021-10-01", "", 404, "ResourceNotFound"},
		{"not JSON", "PUT", g + "/providers/Microsoft.Compute/galleries/g1?api-version=2021-10-01", `{`, 400, "InvalidRequestContent"},
		{"provider refusal", "PUT", g + "/providers/Microsoft.Compute/galleries/bad-name?api-version=2021-10-01", `{"location": "eastus"}`, 400, "InvalidParameter"},
		{"method not allowed", "POST", g + api, "", 405, "MethodNotAllowed"},
		{"subscription", "GET", "/subscriptions/" + sub + "?api-version=2019-11-01", "", 200, `"subscriptionId":"` + sub},
		{"unknown subscription", "GET", "/subscriptions/11111111-1111-1111-1111-111111111111?api-version=2019-11-01", "", 404, "SubscriptionNotFound"},
		{"tenants", "GET", "/tenants?api-version=2019-11-01", "", 200, `"tenantCategory":"Home"`},
		{"locations", "GET", "/subscriptions/" + sub + "/locations?api-version=2019-11-01", "", 200, `"name":"eastus"`},
		{"provider", "GET", "/subscriptions/" + sub + "/providers/Microsoft.Compute" + api, "", 200, `"resourceType":"galleries"`},
		{"providers", "GET", "/subscriptions/" + sub + "/providers" + api, "", 200, `"registrationState":"Registered"`},
		{"register", "POST", "/subscriptions/" + sub + "/providers/Microsoft.Compute/register" + api, "", 200, `"namespace":"Microsoft.Compute"`},
		{"role definitions by name", "GET", "/subscriptions/" + sub + "/providers/Microsoft.Authorization/roleDefinitions?$filter=roleName%20eq%20'Reader'&api-version=2018-01-01-preview", "", 200, `"roleName":"Reader"`},
		{"role assignments by principal", "GET", "/subscriptions/" + sub + "/providers/Microsoft.Authorization/roleAssignments?$filter=principalId%20eq%20'" + e.owner.ObjectID + "'&api-version=2020-04-01-preview", "", 200, e.owner.ObjectID},
		{"unknown api-version of deployments", "GET", g + "/providers/Microsoft.Resources/deployments/?api-version=1999-01-01", "", 400, "NoRegisteredProviderFound"},
		{"a bad filter", "GET", "/subscriptions/" + sub + "/resources?$filter=tagname%20ne%20'x'" + strings.Replace(api, "?", "&", 1), "", 400, "InvalidFilterInQueryString"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			status, h, body := e.do(tc.method, tc.path, tok, tc.body)
			if status != tc.status || !strings.Contains(body, tc.code) {
				t.Fatalf("got %d %s", status, body)
			}
			if h.Get("x-ms-request-id") == "" || h.Get("x-ms-correlation-request-id") == "" {
				t.Error("no request ids")
			}
			if status >= 400 && tc.method != "HEAD" && !strings.Contains(body, `"error":{"code":"`+tc.code+`"`) {
				t.Errorf("not ARM's envelope: %s", body)
			}
		})
	}
	// The client's request id is the correlation id, and the log line
	// names it with the principal.
	req := "c0ffee00-1111-2222-3333-444455556666"
	r, _ := newRequest(e, "GET", g+api, tok)
	r.Header.Set("x-ms-client-request-id", req)
	resp, err := e.http.Do(r)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.Header.Get("x-ms-correlation-request-id") != req {
		t.Errorf("correlation id %q", resp.Header.Get("x-ms-correlation-request-id"))
	}
	var line map[string]any
	for _, l := range strings.Split(strings.TrimSpace(e.log.String()), "\n") {
		if strings.Contains(l, req) {
			_ = json.Unmarshal([]byte(l), &line)
		}
	}
	if line["method"] != "GET" || line["status"] != float64(200) || line["principal"] != e.owner.ObjectID || line["path"] == nil {
		t.Errorf("log line %v", line)
	}
}

func TestRoleAssignmentsOverHTTP(t *testing.T) {
	e := newEnv(t, "")
	tok := e.token(e.owner)
	g := "/subscriptions/" + sub + "/resourcegroups/rg1"
	e.do("PUT", g+api, tok, `{"location": "eastus"}`)
	ci := e.principal("ci")
	ciTok := e.token(ci)
	ra := g + "/providers/Microsoft.Authorization/roleAssignments/6b8a3c1e-0000-4000-8000-000000000001?api-version=2022-04-01"
	body := `{"properties": {"roleDefinitionId": "/subscriptions/` + sub + `/providers/Microsoft.Authorization/roleDefinitions/` + reader +
		`", "principalId": "` + ci.ObjectID + `", "principalType": "ServicePrincipal"}}`
	steps := []struct {
		name, method, path, token, body string
		status                          int
		want                            string
	}{
		{"the principal has no role", "GET", g + api, ciTok, "", 403, "AuthorizationFailed"},
		{"it cannot grant itself one", "PUT", ra, ciTok, body, 403, "Microsoft.Authorization/roleAssignments/write"},
		{"the owner grants Reader", "PUT", ra, tok, body, 201, `"principalId":"` + ci.ObjectID},
		{"the assignment", "GET", ra, tok, "", 200, reader},
		{"listed by principal", "GET", g + "/providers/Microsoft.Authorization/roleAssignments?$filter=atScope()%20and%20principalId%20eq%20'" + ci.ObjectID + "'&api-version=2022-04-01", tok, "", 200, ci.ObjectID},
		{"the principal reads", "GET", g + api, ciTok, "", 200, `"name":"rg1"`},
		{"and sees the subscription", "GET", "/subscriptions?api-version=2019-11-01", ciTok, "", 200, sub},
		{"but cannot write", "PUT", g + "/providers/Microsoft.Compute/galleries/g1?api-version=2021-10-01", ciTok, `{"location": "eastus"}`, 403, "Microsoft.Compute/galleries/write"},
		{"the owner revokes it", "DELETE", ra, tok, "", 200, ""},
		{"the principal is denied again", "GET", g + api, ciTok, "", 403, "AuthorizationFailed"},
	}
	for _, s := range steps {
		status, _, got := e.do(s.method, s.path, s.token, s.body)
		if status != s.status || !strings.Contains(got, s.want) {
			t.Fatalf("%s: got %d %s", s.name, status, got)
		}
	}
}

func TestTLSMaterial(t *testing.T) {
	dir := t.TempDir()
	a, err := server.EnsureTLS(dir, []string{"build-agent-7", "10.0.0.5"})
	if err != nil {
		t.Fatal(err)
	}
	b, err := server.EnsureTLS(dir, []string{"build-agent-7", "10.0.0.5"})
	if err != nil {
		t.Fatal(err)
	}
	if a.CAFile != b.CAFile || a.CertFile != b.CertFile {
		t.Errorf("a restart made new material: %s %s", a.CertFile, b.CertFile)
	}
	other, err := server.EnsureTLS(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	if other.CAFile != a.CAFile || other.CertFile == a.CertFile {
		t.Errorf("other hosts: CA %s, cert %s", other.CAFile, other.CertFile)
	}
	raw, _ := os.ReadFile(a.CertFile)
	block, _ := pem.Decode(raw)
	cert, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	for _, host := range []string{"localhost", "127.0.0.1", "::1", "build-agent-7", "10.0.0.5"} {
		if err := cert.VerifyHostname(host); err != nil {
			t.Errorf("%s: %v", host, err)
		}
	}
	if _, err := cert.Verify(x509.VerifyOptions{Roots: a.Pool, DNSName: "localhost"}); err != nil {
		t.Errorf("the chain: %v", err)
	}
	if len(cert.AuthorityKeyId) == 0 || len(cert.SubjectKeyId) == 0 {
		t.Error("the certificate lacks key identifiers")
	}
	for _, key := range []string{a.KeyFile, filepath.Join(dir, "ca", "ca.key")} {
		if fi, err := os.Stat(key); err != nil || fi.Mode().Perm() != 0o600 {
			t.Errorf("%s: %v %v", key, fi.Mode().Perm(), err)
		}
	}
}
