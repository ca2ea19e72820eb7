package server_test

import (
	"encoding/json"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/armdeploy/armdeploy/server"
)

// names are the "name"s of a list's value, and its nextLink.
func names(t *testing.T, body string) ([]string, string) {
	t.Helper()
	var l struct {
		Value []struct {
			Name       string         `json:"name"`
			Properties map[string]any `json:"properties"`
		} `json:"value"`
		NextLink string `json:"nextLink"`
	}
	if err := json.Unmarshal([]byte(body), &l); err != nil || l.Value == nil {
		t.Fatalf("not a list: %v %s", err, body)
	}
	var out []string
	for _, v := range l.Value {
		out = append(out, v.Name)
	}
	return out, l.NextLink
}

// GET of a collection (a path ending in a resource type) lists that type
// under its parent, as az's sig list, sig image-definition list and sig
// image-version list read it; they answered 400 InvalidResourceId before.
func TestCollectionGET(t *testing.T) {
	e := newEnv(t, "", func(o *server.Options) { o.PageSize = 2 })
	tok := e.token(e.owner)
	s := "/subscriptions/" + sub
	g := s + "/resourcegroups/rg1"
	const gal = "?api-version=2021-10-01"
	for _, p := range []struct{ path, body string }{
		{g + api, `{"location": "eastus"}`},
		{s + "/resourcegroups/rg2" + api, `{"location": "eastus"}`},
		{g + "/providers/Microsoft.Compute/galleries/g1" + gal, `{"location": "eastus"}`},
		{g + "/providers/Microsoft.Compute/galleries/g2" + gal, `{"location": "eastus"}`},
		{g + "/providers/Microsoft.Compute/galleries/g3" + gal, `{"location": "eastus"}`},
		{s + "/resourcegroups/rg2/providers/Microsoft.Compute/galleries/g4" + gal, `{"location": "eastus"}`},
		{g + "/providers/Microsoft.Compute/galleries/g1/images/d1" + gal, `{"location": "eastus", "properties": {"osType": "Linux", "osState": "Generalized",
			"identifier": {"publisher": "p", "offer": "o", "sku": "s"}}}`},
	} {
		if status, _, body := e.do("PUT", p.path, tok, p.body); status != 200 && status != 201 {
			t.Fatalf("PUT %s: %d %s", p.path, status, body)
		}
	}
	// all follows nextLink to the end.
	all := func(path string) []string {
		t.Helper()
		var out []string
		for range 10 {
			status, _, body := e.do("GET", path, tok, "")
			if status != 200 {
				t.Fatalf("GET %s: %d %s", path, status, body)
			}
			ns, next := names(t, body)
			out = append(out, ns...)
			if next == "" {
				return out
			}
			path = next
		}
		t.Fatalf("%s: no end to nextLink", path)
		return nil
	}
	if got := all(g + "/providers/Microsoft.Compute/galleries" + gal); !slices.Equal(got, []string{"g1", "g2", "g3"}) {
		t.Errorf("galleries of rg1: %v", got)
	}
	if got := all(s + "/providers/Microsoft.Compute/galleries" + gal); !slices.Equal(got, []string{"g1", "g2", "g3", "g4"}) {
		t.Errorf("galleries of the subscription: %v", got)
	}
	if got := all(g + "/providers/Microsoft.Compute/galleries/G1/images" + gal); !slices.Equal(got, []string{"d1"}) {
		t.Errorf("definitions of g1: %v", got)
	}
	if got := all(g + "/providers/Microsoft.Compute/galleries/g2/images" + gal); len(got) != 0 {
		t.Errorf("definitions of g2: %v", got)
	}
	// The items are the resources as their GETs return them.
	_, _, body := e.do("GET", g+"/providers/Microsoft.Compute/galleries/g1/images"+gal, tok, "")
	if !strings.Contains(body, `"osType":"Linux"`) || !strings.Contains(body, `"type":"Microsoft.Compute/galleries/images"`) {
		t.Errorf("definition list body: %s", body)
	}
	for _, tc := range []struct {
		name, path string
		status     int
		code       string
	}{
		{"missing parent", g + "/providers/Microsoft.Compute/galleries/nosuch/images" + gal, 404, "ResourceNotFound"},
		{"missing group", s + "/resourcegroups/nosuch/providers/Microsoft.Compute/galleries" + gal, 404, "ResourceGroupNotFound"},
		{"unknown api-version", g + "/providers/Microsoft.Compute/galleries?api-version=1999-01-01", 400, "NoRegisteredProviderFound"},
		{"a provider without a type stays a bad id", g + "/providers/Microsoft.Compute" + gal, 400, "InvalidResourceId"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if status, _, body := e.do("GET", tc.path, tok, ""); status != tc.status || !strings.Contains(body, `"code":"`+tc.code+`"`) {
				t.Fatalf("got %d %s", status, body)
			}
		})
	}
	// A principal without a role sees none of them.
	nobody := e.principal("nobody")
	ntok := e.token(nobody)
	if status, _, body := e.do("GET", g+"/providers/Microsoft.Compute/galleries"+gal, ntok, ""); status == 200 {
		if ns, _ := names(t, body); len(ns) != 0 {
			t.Errorf("a principal without a role lists %v", ns)
		}
	}
}

// $filter=tagName eq 'k' [and tagValue eq 'v'] is what az resource list
// --tag k[=v] sends; it answered 400 InvalidFilterInQueryString before.
func TestResourceListTagFilter(t *testing.T) {
	e := newEnv(t, "")
	tok := e.token(e.owner)
	g := "/subscriptions/" + sub + "/resourcegroups/rg1"
	const gal = "?api-version=2021-10-01"
	for _, p := range []struct{ path, body string }{
		{g + api, `{"location": "eastus"}`},
		{g + "/providers/Microsoft.Compute/galleries/prod" + gal, `{"location": "eastus", "tags": {"Env": "Prod", "team": "a"}}`},
		{g + "/providers/Microsoft.Compute/galleries/dev" + gal, `{"location": "eastus", "tags": {"env": "dev"}}`},
		{g + "/providers/Microsoft.Compute/galleries/none" + gal, `{"location": "eastus"}`},
	} {
		if status, _, body := e.do("PUT", p.path, tok, p.body); status != 200 && status != 201 {
			t.Fatalf("PUT %s: %d %s", p.path, status, body)
		}
	}
	for _, tc := range []struct {
		filter string
		want   []string
	}{
		{"tagname eq 'env'", []string{"dev", "prod"}},
		{"tagName eq 'ENV' and tagValue eq 'Prod'", []string{"prod"}},
		{"tagname eq 'env' and tagvalue eq 'prod'", nil}, // values match as they are
		{"tagname eq 'team'", []string{"prod"}},
		{"tagvalue eq 'dev'", []string{"dev"}},
		{"resourceGroup eq 'rg1' and tagname eq 'nosuch'", nil},
	} {
		t.Run(tc.filter, func(t *testing.T) {
			path := "/subscriptions/" + sub + "/resources?$filter=" + url.QueryEscape(tc.filter) + "&api-version=2021-04-01"
			status, _, body := e.do("GET", path, tok, "")
			if status != 200 {
				t.Fatalf("got %d %s", status, body)
			}
			got, _ := names(t, body)
			slices.Sort(got)
			if !slices.Equal(got, tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}
