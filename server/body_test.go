package server

import (
	"strings"
	"testing"
)

func TestParseDeploymentBody(t *testing.T) {
	tests := []struct {
		name     string
		body     string
		template string // substring of the template text
		mode     string
		location string
		bad      bool
	}{
		{"plain JSON", `{"properties": {"mode": "Complete", "template": {"resources": []}}}`, `"resources"`, "Complete", "", false},
		{"az splice", `{"properties": {"parameters": {"a": {"value": 1}}, "mode": "Incremental", template:{
  // comment
  "resources": []}}}`, "// comment", "Incremental", "", false},
		{"az splice with a location", `{"location": "eastus", "properties": {"mode": "Incremental", template:{"x": 1}}}`, `"x": 1`, "Incremental", "eastus", false},
		{"the marker inside a string stays", `{"properties": {"parameters": {"a": {"value": ", template: no"}}, "mode": "Incremental", template:{"y": 2}}}`, `"y": 2`, "Incremental", "", false},
		{"trailing newline", "{\"properties\": {\"mode\": \"Incremental\", template:{\"z\": 3}}}\n", `"z": 3`, "Incremental", "", false},
		{"garbage", `{"properties": `, "", "", "", true},
		{"splice without its end", `{"properties": {"mode": "Incremental", template:{"z": 3}`, "", "", "", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d, err := parseDeploymentBody([]byte(tc.body))
			if tc.bad {
				if err == nil {
					t.Fatalf("accepted: %+v", d)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(string(d.template), tc.template) || d.Properties.Mode != tc.mode || d.Location != tc.location {
				t.Errorf("template %q, mode %q, location %q", d.template, d.Properties.Mode, d.Location)
			}
		})
	}
}

func TestParseFilter(t *testing.T) {
	tests := []struct {
		name, filter string
		want         map[string]string
		bad          bool
	}{
		{"empty", "", map[string]string{}, false},
		{"az's group and type", "resourceGroup eq 'rg1' and resourceType eq 'Microsoft.Compute/galleries'",
			map[string]string{"resourcegroup": "rg1", "resourcetype": "Microsoft.Compute/galleries"}, false},
		{"any case, quotes doubled", "Name EQ 'o''brien' AND location eq 'eastus'", map[string]string{"name": "o'brien", "location": "eastus"}, false},
		{"other operators", "name ne 'x'", nil, true},
		{"functions", "startswith(tagname, 'a')", nil, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := parseFilter(tc.filter)
			if (err != nil) != tc.bad {
				t.Fatalf("error %v", err)
			}
			for k, v := range tc.want {
				if got[k] != v {
					t.Errorf("%s = %q, want %q", k, got[k], v)
				}
			}
		})
	}
}

func TestAudienceOf(t *testing.T) {
	tests := []struct{ name, scope, resource, want string }{
		{"az", "https://management.core.windows.net//.default", "", "https://management.core.windows.net/"},
		{"azidentity", "https://management.core.windows.net//.default openid offline_access profile", "", "https://management.core.windows.net/"},
		{"graph for azurerm", "https://127.0.0.1:8443//.default", "", "https://127.0.0.1:8443/"},
		{"v1 resource", "", "https://management.azure.com/", "https://management.azure.com/"},
		{"nothing", "openid", "", "https://management.core.windows.net/"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := audienceOf(tc.scope, tc.resource); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}
