package server

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/google/uuid"
)

// Token endpoints for the client-credentials grant, in both forms the
// clients use: ADFS-style (/adfs/..., what az 2.45 needs) and AAD-style
// (/{tenant}/oauth2/v2.0/token with its OpenID configuration, for
// azidentity, Terraform and Pulumi). Tokens are HS256 JWTs whose oid is
// the principal that arm checks.

func init() {
	// Azure's tokens carry one audience as a string, not an array;
	// clients that read the token (azurerm) expect that.
	jwt.MarshalSingleStringAsArray = false
}

// claims are the access token's claims.
type claims struct {
	jwt.RegisteredClaims
	OID   string `json:"oid"`
	TID   string `json:"tid"`
	AppID string `json:"appid"`
	IDTyp string `json:"idtyp"`
	Ver   string `json:"ver"`
}

// baseURL is the server's own URL as the client reached it.
func baseURL(r *http.Request) string {
	scheme := "https"
	if r.TLS == nil {
		scheme = "http"
	}
	return scheme + "://" + r.Host
}

// openIDConfig serves the OpenID configuration of an authority: /adfs
// or /{tenant}/v2.0.
func (s *Server) openIDConfig(w http.ResponseWriter, r *http.Request, authority, tokenPath, authorizePath string) {
	base := baseURL(r)
	writeJSON(w, http.StatusOK, map[string]any{
		"issuer":                                base + authority,
		"authorization_endpoint":                base + authorizePath,
		"token_endpoint":                        base + tokenPath,
		"jwks_uri":                              base + authority + "/discovery/keys",
		"response_types_supported":              []string{"code", "token"},
		"subject_types_supported":               []string{"pairwise"},
		"id_token_signing_alg_values_supported": []string{"HS256"},
		"grant_types_supported":                 []string{"client_credentials"},
		"tenant_region_scope":                   "NA",
	})
}

// oauthError writes OAuth2's error JSON (not ARM's envelope), as the
// token endpoints answer.
func oauthError(w http.ResponseWriter, status int, code, description string, aadsts int) {
	writeJSON(w, status, map[string]any{"error": code, "error_description": description, "error_codes": []int{aadsts},
		"timestamp": time.Now().UTC().Format("2006-01-02 15:04:05Z"), "trace_id": uuid.NewString()})
}

// token is the client-credentials grant. tenant is "" for ADFS.
func (s *Server) token(w http.ResponseWriter, r *http.Request, tenant, issuerPath string) {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		oauthError(w, http.StatusBadRequest, "invalid_request", "AADSTS900144: The request body must be application/x-www-form-urlencoded.", 900144)
		return
	}
	if gt := r.PostForm.Get("grant_type"); gt != "client_credentials" {
		oauthError(w, http.StatusBadRequest, "unsupported_grant_type",
			fmt.Sprintf("AADSTS70003: The app requested an unsupported grant type '%s'; only client_credentials is served.", gt), 70003)
		return
	}
	appID, secret := r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	if u, p, ok := r.BasicAuth(); ok && appID == "" {
		appID, secret = u, p
	}
	setPrincipal(w, appID)
	if appID == "" || secret == "" {
		oauthError(w, http.StatusBadRequest, "invalid_request", "AADSTS900144: The request body must contain the parameters 'client_id' and 'client_secret'.", 900144)
		return
	}
	p, err := checkSecret(r.Context(), s.opts.Store, appID, secret)
	if errors.Is(err, errBadClient) {
		oauthError(w, http.StatusUnauthorized, "invalid_client",
			fmt.Sprintf("AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '%s'.", appID), 7000215)
		return
	} else if err != nil {
		setInternal(w, err)
		oauthError(w, http.StatusInternalServerError, "server_error", "AADSTS50000: The token could not be issued.", 50000)
		return
	}
	switch strings.ToLower(tenant) {
	case "", "adfs", "common", "organizations", strings.ToLower(p.TenantID):
	default:
		oauthError(w, http.StatusBadRequest, "invalid_request",
			fmt.Sprintf("AADSTS700016: Application with identifier '%s' was not found in the directory '%s'.", appID, tenant), 700016)
		return
	}
	setPrincipal(w, p.ObjectID)
	audience := audienceOf(r.PostForm.Get("scope"), r.PostForm.Get("resource"))
	now := s.opts.Now()
	c := claims{RegisteredClaims: jwt.RegisteredClaims{Issuer: baseURL(r) + issuerPath, Subject: p.ObjectID,
		Audience: jwt.ClaimStrings{audience}, IssuedAt: jwt.NewNumericDate(now), NotBefore: jwt.NewNumericDate(now.Add(-5 * time.Minute)),
		ExpiresAt: jwt.NewNumericDate(now.Add(s.opts.TokenLifetime)), ID: uuid.NewString()},
		OID: p.ObjectID, TID: p.TenantID, AppID: p.AppID, IDTyp: "app", Ver: "1.0"}
	signed, err := jwt.NewWithClaims(jwt.SigningMethodHS256, c).SignedString(s.signKey)
	if err != nil {
		setInternal(w, err)
		oauthError(w, http.StatusInternalServerError, "server_error", "AADSTS50000: The token could not be issued.", 50000)
		return
	}
	secs := int(s.opts.TokenLifetime / time.Second)
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, map[string]any{"token_type": "Bearer", "expires_in": secs, "ext_expires_in": secs,
		"access_token": signed})
}

// audienceOf is the resource a token is for: the first scope ending in
// /.default without that suffix (openid, offline_access and profile
// ignored), else the v1 resource field, else ARM's audience.
func audienceOf(scope, resource string) string {
	for _, sc := range strings.Fields(scope) {
		if a, ok := strings.CutSuffix(sc, "/.default"); ok && a != "" {
			return a
		}
	}
	if resource != "" {
		return resource
	}
	return "https://management.core.windows.net/"
}

// authenticate returns the principal (the token's oid) of an ARM request,
// or writes the 401 and returns "".
func (s *Server) authenticate(w http.ResponseWriter, r *http.Request) (string, bool) {
	challenge := func(code, desc string) {
		w.Header().Set("WWW-Authenticate", fmt.Sprintf(`Bearer authorization_uri="%s/%s", error="invalid_token", error_description="%s"`,
			baseURL(r), s.opts.Tenant, desc))
		writeError(w, errorf(http.StatusUnauthorized, code, "%s", desc))
	}
	auth := r.Header.Get("Authorization")
	raw, ok := strings.CutPrefix(auth, "Bearer ")
	if !ok {
		if raw, ok = strings.CutPrefix(auth, "bearer "); !ok {
			challenge("AuthenticationFailed", "Authentication failed. The 'Authorization' header is missing.")
			return "", false
		}
	}
	var c claims
	_, err := jwt.ParseWithClaims(strings.TrimSpace(raw), &c, func(*jwt.Token) (any, error) { return s.signKey, nil },
		jwt.WithValidMethods([]string{"HS256"}), jwt.WithTimeFunc(s.opts.Now), jwt.WithExpirationRequired())
	switch {
	case errors.Is(err, jwt.ErrTokenExpired):
		challenge("ExpiredAuthenticationToken", "The access token expiry UTC time is earlier than the current UTC time.")
		return "", false
	case err != nil || c.OID == "":
		challenge("InvalidAuthenticationToken", "The access token is invalid.")
		return "", false
	}
	// A principal deleted since the token was issued has no access.
	if _, err := s.opts.Store.ServicePrincipal(r.Context(), c.AppID); err != nil {
		challenge("InvalidAuthenticationToken", "The access token is from a service principal that no longer exists.")
		return "", false
	}
	setPrincipal(w, c.OID)
	return c.OID, true
}
