package server_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/armdeploy/armdeploy/server"
)

// TestFeatureRoutes: the Microsoft.Features routes az feature uses, and
// their effect: a gallery in Australia Central is refused until the
// subscription registered the region's feature.
func TestFeatureRoutes(t *testing.T) {
	e := newEnv(t, "")
	tok := e.token(e.owner)
	base := "/subscriptions/" + sub + "/providers/Microsoft.Features"
	feature := base + "/providers/Microsoft.Resources/features/RegionAccess-australiacentral"
	gallery := "/subscriptions/" + sub + "/resourceGroups/rg-au/providers/Microsoft.Compute/galleries/au?api-version=2022-03-03"
	if code, _, body := e.do("PUT", "/subscriptions/"+sub+"/resourcegroups/rg-au?api-version=2022-09-01", tok, `{"location":"eastus"}`); code >= 300 {
		t.Fatalf("group: %d %s", code, body)
	}
	if code, _, body := e.do("PUT", gallery, tok, `{"location":"australiacentral","properties":{}}`); code != http.StatusBadRequest ||
		!strings.Contains(body, "LocationNotAvailableForResourceType") {
		t.Fatalf("a gallery in Australia Central before registering: %d %s", code, body)
	}
	state := func(method, path string, wantCode int) map[string]any {
		t.Helper()
		code, _, body := e.do(method, path+"?api-version=2021-07-01", tok, "")
		if code != wantCode {
			t.Fatalf("%s %s: %d %s", method, path, code, body)
		}
		var m map[string]any
		_ = json.Unmarshal([]byte(body), &m)
		return m
	}
	if m := state("GET", feature, 200); m["properties"].(map[string]any)["state"] != "NotRegistered" {
		t.Errorf("before registering: %v", m)
	}
	m := state("POST", feature+"/register", 200)
	if m["name"] != "Microsoft.Resources/RegionAccess-australiacentral" || m["type"] != "Microsoft.Features/providers/features" ||
		m["properties"].(map[string]any)["state"] != "Registered" || !strings.EqualFold(m["id"].(string), feature) {
		t.Errorf("register: %v", m)
	}
	if code, _, body := e.do("PUT", gallery, tok, `{"location":"australiacentral","properties":{}}`); code >= 300 {
		t.Fatalf("a gallery in Australia Central once registered: %d %s", code, body)
	}
	for _, list := range []string{base + "/features", base + "/providers/Microsoft.Resources/features"} {
		if v := state("GET", list, 200)["value"].([]any); len(v) != 1 {
			t.Errorf("%s: %v", list, v)
		}
	}
	if m := state("POST", feature+"/unregister", 200); m["properties"].(map[string]any)["state"] != "Unregistered" {
		t.Errorf("unregister: %v", m)
	}
	// a Reader may read features, not register them
	r := e.principal("reader")
	e.grant(r.ObjectID, reader, "/subscriptions/"+sub)
	if code, _, body := e.do("POST", feature+"/register?api-version=2021-07-01", e.token(r), ""); code != http.StatusForbidden {
		t.Errorf("a Reader registering: %d %s", code, body)
	}
}

// TestGroupMemberOfAnotherTenant: a service principal of another tenant
// gets its token from that tenant and reads a gallery shared with a
// group it belongs to.
func TestGroupMemberOfAnotherTenant(t *testing.T) {
	e := newEnv(t, "")
	tok := e.token(e.owner)
	gal := "/subscriptions/" + sub + "/resourceGroups/rg-share/providers/Microsoft.Compute/galleries/shared"
	e.do("PUT", "/subscriptions/"+sub+"/resourcegroups/rg-share?api-version=2022-09-01", tok, `{"location":"eastus"}`)
	if code, _, body := e.do("PUT", gal+"?api-version=2022-03-03", tok, `{"location":"eastus","properties":{}}`); code >= 300 {
		t.Fatalf("gallery: %d %s", code, body)
	}
	partner, err := server.CreatePrincipal(t.Context(), e.store, "partner", "22222222-2222-2222-2222-222222222222")
	if err != nil {
		t.Fatal(err)
	}
	g, err := e.svc.CreateADGroup(t.Context(), "", "partners", "")
	if err != nil {
		t.Fatal(err)
	}
	if err := e.svc.AddADGroupMember(t.Context(), "", g.ID, partner.ObjectID); err != nil {
		t.Fatal(err)
	}
	ptok := e.token(partner)
	if code, _, _ := e.do("GET", gal+"?api-version=2022-03-03", ptok, ""); code != http.StatusForbidden {
		t.Fatalf("before sharing: %d", code)
	}
	e.grant(g.ID, reader, gal)
	if code, _, body := e.do("GET", gal+"?api-version=2022-03-03", ptok, ""); code != 200 {
		t.Errorf("shared with the partner's group: %d %s", code, body)
	}
}

// TestGraphGroups: the Microsoft Graph routes az ad group uses. Only a
// principal that manages access at the tenant root changes groups; a
// member of a group holds what the group is granted.
func TestGraphGroups(t *testing.T) {
	e := newEnv(t, "")
	e.grant(e.owner.ObjectID, owner, "/")
	tok := e.token(e.owner)
	code, _, body := e.do("POST", "/v1.0/groups", tok, `{"displayName":"builders","mailNickname":"builders","securityEnabled":true,"mailEnabled":false}`)
	var g struct {
		ID, DisplayName string
	}
	if err := json.Unmarshal([]byte(body), &g); err != nil || code != http.StatusCreated || g.DisplayName != "builders" || g.ID == "" {
		t.Fatalf("create: %d %s", code, body)
	}
	member := e.principal("member")
	if code, _, body := e.do("POST", "/v1.0/groups/"+g.ID+"/members/$ref", tok,
		`{"@odata.id":"https://graph.microsoft.com/v1.0/directoryObjects/`+member.ObjectID+`"}`); code != http.StatusNoContent {
		t.Fatalf("member add: %d %s", code, body)
	}
	if code, _, body := e.do("GET", "/v1.0/groups/"+g.ID+"/members", tok, ""); code != 200 || !strings.Contains(body, member.ObjectID) {
		t.Errorf("member list: %d %s", code, body)
	}
	if code, _, body := e.do("GET", "/v1.0/groups?$filter="+url.QueryEscape("displayName eq 'builders'"), tok, ""); code != 200 || !strings.Contains(body, g.ID) {
		t.Errorf("list by name: %d %s", code, body)
	}
	// the member holds the group's Reader on the subscription
	e.grant(g.ID, reader, "/subscriptions/"+sub)
	mtok := e.token(member)
	if code, _, body := e.do("GET", "/subscriptions/"+sub+"/resourcegroups?api-version=2022-09-01", mtok, ""); code != 200 {
		t.Errorf("the member reads through the group: %d %s", code, body)
	}
	// a principal without the directory's rights is refused
	if code, _, body := e.do("POST", "/v1.0/groups", mtok, `{"displayName":"mine"}`); code != http.StatusForbidden ||
		!strings.Contains(body, "Authorization_RequestDenied") {
		t.Errorf("create by a member: %d %s", code, body)
	}
	if code, _, body := e.do("DELETE", "/v1.0/groups/"+g.ID+"/members/"+member.ObjectID+"/$ref", tok, ""); code != http.StatusNoContent {
		t.Errorf("member remove: %d %s", code, body)
	}
}
