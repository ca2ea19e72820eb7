package server

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// call is one authenticated ARM request as the handlers see it.
type call struct {
	s          *Server
	w          http.ResponseWriter
	r          *http.Request
	principal  string
	apiVersion string
	// segs are the path's segments as sent, low the same lower-cased:
	// ARM's paths match case-insensitively (az writes resourcegroups,
	// ARM's ids resourceGroups).
	segs, low []string
}

// reply is what a handler answers: a status, a JSON body (none when nil)
// and headers.
type reply struct {
	status int
	body   any
	header map[string]string
}

// handler is an ARM operation: it returns the reply or an error that
// writeError maps to the envelope.
type handler func(c *call) (*reply, error)

func ok(body any) (*reply, error) { return &reply{status: http.StatusOK, body: body}, nil }

// routes builds the server's handler: the identity and metadata routes on
// Go's pattern mux, and the ARM surface (/subscriptions, /tenants,
// /providers), whose paths are matched case-insensitively by dispatch.
func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /metadata/endpoints", s.metadata)
	mux.HandleFunc("GET /adfs/.well-known/openid-configuration", func(w http.ResponseWriter, r *http.Request) {
		s.openIDConfig(w, r, "/adfs", "/adfs/oauth2/token", "/adfs/oauth2/authorize")
	})
	mux.HandleFunc("POST /adfs/oauth2/token", func(w http.ResponseWriter, r *http.Request) { s.token(w, r, "", "/adfs") })
	mux.HandleFunc("GET /{tenant}/v2.0/.well-known/openid-configuration", func(w http.ResponseWriter, r *http.Request) {
		t := r.PathValue("tenant")
		s.openIDConfig(w, r, "/"+t+"/v2.0", "/"+t+"/oauth2/v2.0/token", "/"+t+"/oauth2/v2.0/authorize")
	})
	mux.HandleFunc("GET /{tenant}/.well-known/openid-configuration", func(w http.ResponseWriter, r *http.Request) {
		t := r.PathValue("tenant")
		s.openIDConfig(w, r, "/"+t, "/"+t+"/oauth2/token", "/"+t+"/oauth2/authorize")
	})
	mux.HandleFunc("POST /{tenant}/oauth2/v2.0/token", func(w http.ResponseWriter, r *http.Request) {
		t := r.PathValue("tenant")
		s.token(w, r, t, "/"+t+"/v2.0")
	})
	mux.HandleFunc("POST /{tenant}/oauth2/token", func(w http.ResponseWriter, r *http.Request) {
		t := r.PathValue("tenant")
		s.token(w, r, t, "/"+t)
	})
	s.graphRoutes(mux)
	top := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Some clients join endpoints with an extra '/'.
		for strings.Contains(r.URL.Path, "//") {
			r.URL.Path = strings.ReplaceAll(r.URL.Path, "//", "/")
		}
		first, _, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), "/")
		switch strings.ToLower(first) {
		case "subscriptions", "tenants", "providers":
			s.serveARM(w, r)
		default:
			mux.ServeHTTP(w, r)
		}
	})
	return s.withRequestIDs(top)
}

// serveARM authenticates an ARM request, checks its api-version,
// dispatches it and writes the reply.
func (s *Server) serveARM(w http.ResponseWriter, r *http.Request) {
	principal, authed := s.authenticate(w, r)
	if !authed {
		return
	}
	q := r.URL.Query()
	c := &call{s: s, w: w, r: r, principal: principal, apiVersion: q.Get("api-version")}
	if c.apiVersion == "" {
		writeError(w, errorf(http.StatusBadRequest, "MissingApiVersionParameter",
			"The api-version query parameter (?api-version=) is required for all requests."))
		return
	}
	for _, seg := range strings.Split(r.URL.Path, "/") {
		if seg != "" {
			c.segs = append(c.segs, seg)
			c.low = append(c.low, strings.ToLower(seg))
		}
	}
	h := s.dispatch(c)
	if h == nil {
		writeError(w, errorf(http.StatusNotFound, "NotFound", "No route serves %s %s.", r.Method, r.URL.Path))
		return
	}
	rep, err := h(c)
	if err != nil {
		e, internal := armError(err)
		if internal {
			setInternal(w, err)
		}
		writeError(w, e)
		return
	}
	for k, v := range rep.header {
		if v != "" {
			w.Header().Set(k, v)
		}
	}
	if rep.body == nil {
		w.WriteHeader(rep.status)
		return
	}
	writeJSON(w, rep.status, rep.body)
}

// methods picks the handler of the request's method; nil when none.
func methods(c *call, hs map[string]handler) handler {
	if h, ok := hs[c.r.Method]; ok {
		return h
	}
	allowed := make([]string, 0, len(hs))
	for m := range hs {
		allowed = append(allowed, m)
	}
	return func(c *call) (*reply, error) {
		return nil, errorf(http.StatusMethodNotAllowed, "MethodNotAllowed", "The method %s is not allowed on %s (allowed: %s).",
			c.r.Method, c.r.URL.Path, strings.Join(allowed, ", "))
	}
}

// dispatch maps the path to its handler.
func (s *Server) dispatch(c *call) handler {
	low, n := c.low, len(c.low)
	switch {
	case n == 1 && low[0] == "subscriptions":
		return methods(c, map[string]handler{"GET": listSubscriptions})
	case n == 1 && low[0] == "tenants":
		return methods(c, map[string]handler{"GET": listTenants})
	case n == 2 && low[0] == "subscriptions":
		return methods(c, map[string]handler{"GET": getSubscription})
	}
	if k := find(low, "providers", "microsoft.resources", "deployments"); k >= 0 {
		return deploymentRoute(c, k, k+3)
	}
	if n >= 5 && low[0] == "subscriptions" && low[2] == "resourcegroups" && low[4] == "deployments" {
		return deploymentRoute(c, 4, 5)
	}
	if n >= 4 && low[n-4] == "locations" && (low[n-2] == "operationresults" || low[n-2] == "operations" || low[n-2] == "operationstatuses") {
		return methods(c, map[string]handler{"GET": pollOperation})
	}
	if h := featureRoute(c); h != nil {
		return h
	}
	if low[0] == "subscriptions" && n >= 3 {
		switch {
		case n == 3 && low[2] == "locations":
			return methods(c, map[string]handler{"GET": listLocations})
		case n == 3 && low[2] == "providers":
			return methods(c, map[string]handler{"GET": listProviders})
		case n == 4 && low[2] == "providers":
			return methods(c, map[string]handler{"GET": getProvider})
		case n == 5 && low[2] == "providers" && low[4] == "register":
			return methods(c, map[string]handler{"POST": getProvider})
		case n == 3 && low[2] == "resourcegroups":
			return methods(c, map[string]handler{"GET": listGroups})
		case n == 4 && low[2] == "resourcegroups":
			return methods(c, map[string]handler{"PUT": putGroup, "GET": getGroup, "HEAD": headGroup, "PATCH": patchGroup, "DELETE": deleteGroup})
		case n == 5 && low[2] == "resourcegroups" && low[4] == "resources":
			return methods(c, map[string]handler{"GET": listResources})
		case n == 3 && low[2] == "resources":
			return methods(c, map[string]handler{"GET": listResources})
		case n == 4 && low[2] == "operationresults":
			return methods(c, map[string]handler{"GET": pollOperation})
		}
	}
	if k := find(low, "providers", "microsoft.authorization", "roleassignments"); k >= 0 && k+3 == n {
		return methods(c, map[string]handler{"GET": listRoleAssignments})
	}
	if k := find(low, "providers", "microsoft.authorization", "roledefinitions"); k >= 0 && k+4 >= n {
		if k+3 == n {
			return methods(c, map[string]handler{"GET": listRoleDefinitions})
		}
		return methods(c, map[string]handler{"GET": getRoleDefinition})
	}
	return methods(c, map[string]handler{"GET": getResource, "HEAD": headResource, "PUT": putResource,
		"PATCH": patchResource, "DELETE": deleteResource})
}

// find returns the index where words start in low, or -1.
func find(low []string, words ...string) int {
	for i := 0; i+len(words) <= len(low); i++ {
		match := true
		for j, w := range words {
			if low[i+j] != w {
				match = false
				break
			}
		}
		if match {
			return i
		}
	}
	return -1
}

// path is the request's path without a trailing slash, as sent.
func (c *call) path() string { return "/" + strings.Join(c.segs, "/") }

// prefix is the path of the first k segments ("/" for none).
func (c *call) prefix(k int) string {
	if k == 0 {
		return "/"
	}
	return "/" + strings.Join(c.segs[:k], "/")
}

// base is the server's URL as the client reached it.
func (c *call) base() string { return baseURL(c.r) }

// pollURL is an absolute URL on the server with the request's
// api-version.
func (c *call) pollURL(path string) string {
	return c.base() + path + "?api-version=" + url.QueryEscape(c.apiVersion)
}

// retryAfter is the Retry-After header value.
func (c *call) retryAfter() string {
	return strconv.Itoa(max(1, int(c.s.opts.RetryAfter/time.Second)))
}

// retryAfterMS is retry-after-ms (which the Azure SDKs read before
// Retry-After) when the server's Retry-After is below a second; "" else.
func (c *call) retryAfterMS() string {
	if c.s.opts.RetryAfter >= time.Second {
		return ""
	}
	return strconv.Itoa(max(1, int(c.s.opts.RetryAfter/time.Millisecond)))
}

// maxBody bounds a request body (a template and its parameters).
const maxBody = 64 << 20

// readBody reads the request body; an empty one is "{}".
func (c *call) readBody() ([]byte, error) {
	b, err := io.ReadAll(http.MaxBytesReader(c.w, c.r.Body, maxBody))
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		return nil, errorf(http.StatusRequestEntityTooLarge, "RequestContentTooLarge", "The request content is larger than %d bytes.", maxBody)
	} else if err != nil {
		return nil, errorf(http.StatusBadRequest, "InvalidRequestContent", "The request content could not be read: %v", err)
	}
	if len(strings.TrimSpace(string(b))) == 0 {
		return []byte("{}"), nil
	}
	return b, nil
}

// decodeJSON decodes a JSON request body into v.
func (c *call) decodeJSON(v any) ([]byte, error) {
	b, err := c.readBody()
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(b, v); err != nil {
		return nil, errorf(http.StatusBadRequest, "InvalidRequestContent",
			"The request content was invalid and could not be deserialized: '%v'.", err)
	}
	return b, nil
}

// page is one page of a list: {"value": [...], "nextLink": ...}. The
// next page's link repeats the request with $skiptoken set to where it
// starts.
func page[T any](c *call, items []T) (*reply, error) {
	start := 0
	if tok := c.r.URL.Query().Get("$skiptoken"); tok != "" {
		n, err := strconv.Atoi(tok)
		if err != nil || n < 0 {
			return nil, errorf(http.StatusBadRequest, "InvalidSkipToken", "The $skiptoken '%s' is not valid.", tok)
		}
		start = min(n, len(items))
	}
	size := c.s.opts.PageSize
	if top := c.r.URL.Query().Get("$top"); top != "" {
		if n, err := strconv.Atoi(top); err == nil && n > 0 && n < size {
			size = n
		}
	}
	end := min(start+size, len(items))
	body := map[string]any{"value": items[start:end]}
	if end < len(items) {
		q := c.r.URL.Query()
		q.Set("$skiptoken", strconv.Itoa(end))
		body["nextLink"] = c.base() + c.r.URL.Path + "?" + q.Encode()
	}
	if items == nil {
		body["value"] = []T{}
	}
	return ok(body)
}
