package server

import (
	"encoding/json"
	"net/http"
	"strings"

	"github.com/armdeploy/armdeploy/arm"
)

// Microsoft Graph's groups, the routes 'az ad group' uses (the cloud's
// Graph endpoint is the server itself, see metadata):
//
//	POST   /v1.0/groups                               create
//	GET    /v1.0/groups[?$filter=displayName eq 'x']  list
//	GET    /v1.0/groups/{id}                          show
//	GET    /v1.0/groups/{id}/members                  member list
//	POST   /v1.0/groups/{id}/members/$ref             member add
//	DELETE /v1.0/groups/{id}/members/{member}/$ref    member remove
//
// The logic (who may change the directory, cycles) is arm's.

const graphContext = "https://graph.microsoft.com/v1.0/$metadata#"

func (s *Server) graphRoutes(mux *http.ServeMux) {
	handle := func(pattern string, h func(w http.ResponseWriter, r *http.Request, principal string) (any, int, error)) {
		mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
			principal, ok := s.authenticate(w, r)
			if !ok {
				return
			}
			body, status, err := h(w, r, principal)
			if err != nil {
				e, internal := armError(err)
				if internal {
					setInternal(w, err)
				}
				writeError(w, e)
				return
			}
			if body == nil {
				w.WriteHeader(status)
				return
			}
			writeJSON(w, status, body)
		})
	}
	svc := func() *arm.Service { return s.opts.Service }
	handle("POST /v1.0/groups", func(w http.ResponseWriter, r *http.Request, p string) (any, int, error) {
		var in struct {
			DisplayName string `json:"displayName"`
		}
		if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20)).Decode(&in); err != nil {
			return nil, 0, errorf(http.StatusBadRequest, "Request_BadRequest", "The request body is not a group: %v", err)
		}
		g, err := svc().CreateADGroup(r.Context(), p, in.DisplayName, "")
		return withContext("groups/$entity", g), http.StatusCreated, err
	})
	handle("GET /v1.0/groups", func(_ http.ResponseWriter, r *http.Request, _ string) (any, int, error) {
		gs, err := svc().ADGroups(r.Context())
		if err != nil {
			return nil, 0, err
		}
		// az ad group show/list --display-name filter by name
		if f := r.URL.Query().Get("$filter"); f != "" {
			name, ok := displayNameFilter(f)
			if !ok {
				return nil, 0, errorf(http.StatusBadRequest, "Request_UnsupportedQuery", "Unsupported query: %s", f)
			}
			kept := gs[:0]
			for _, g := range gs {
				if strings.EqualFold(g.DisplayName, name) || strings.HasPrefix(strings.ToLower(g.DisplayName), strings.ToLower(name)) && strings.Contains(f, "startswith") {
					kept = append(kept, g)
				}
			}
			gs = kept
		}
		return map[string]any{"@odata.context": graphContext + "groups", "value": gs}, http.StatusOK, nil
	})
	handle("GET /v1.0/groups/{id}", func(_ http.ResponseWriter, r *http.Request, _ string) (any, int, error) {
		g, err := svc().FindADGroup(r.Context(), r.PathValue("id"))
		return withContext("groups/$entity", g), http.StatusOK, err
	})
	handle("GET /v1.0/groups/{id}/members", func(_ http.ResponseWriter, r *http.Request, _ string) (any, int, error) {
		ms, err := svc().ADGroupMembers(r.Context(), r.PathValue("id"))
		if err != nil {
			return nil, 0, err
		}
		out := make([]map[string]string, len(ms))
		for i, m := range ms {
			out[i] = map[string]string{"@odata.type": "#microsoft.graph.directoryObject", "id": m}
		}
		return map[string]any{"@odata.context": graphContext + "directoryObjects", "value": out}, http.StatusOK, nil
	})
	handle("POST /v1.0/groups/{id}/members/$ref", func(w http.ResponseWriter, r *http.Request, p string) (any, int, error) {
		var in struct {
			ID string `json:"@odata.id"`
		}
		if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20)).Decode(&in); err != nil || in.ID == "" {
			return nil, 0, errorf(http.StatusBadRequest, "Request_BadRequest", "The request body needs '@odata.id', the member's directoryObjects URL.")
		}
		member := in.ID[strings.LastIndex(in.ID, "/")+1:]
		return nil, http.StatusNoContent, svc().AddADGroupMember(r.Context(), p, r.PathValue("id"), member)
	})
	handle("DELETE /v1.0/groups/{id}/members/{member}/$ref", func(_ http.ResponseWriter, r *http.Request, p string) (any, int, error) {
		return nil, http.StatusNoContent, svc().RemoveADGroupMember(r.Context(), p, r.PathValue("id"), r.PathValue("member"))
	})
}

// withContext is a Graph entity with its @odata.context.
func withContext(entity string, g *arm.ADGroup) any {
	if g == nil {
		return nil
	}
	return struct {
		Context string `json:"@odata.context"`
		*arm.ADGroup
	}{graphContext + entity, g}
}

// displayNameFilter reads az's $filter "displayName eq 'x'" (or
// "startswith(displayName,'x')") and returns x.
func displayNameFilter(f string) (string, bool) {
	i, j := strings.Index(f, "'"), strings.LastIndex(f, "'")
	if i < 0 || j <= i || !strings.Contains(strings.ToLower(f), "displayname") {
		return "", false
	}
	return strings.ReplaceAll(f[i+1:j], "''", "'"), true
}
