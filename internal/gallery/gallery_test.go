package gallery

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"
)

func TestReplace(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		want     *regexp.Regexp
	}{
		{"unique", `{"a":{"value":"GEN-UNIQUE"}}`, regexp.MustCompile(`^\{"a":\{"value":"ci[0-9a-f]{16}"\}\}$`)},
		{"unique of a length", `{"a":{"value":"GEN-UNIQUE-8"}}`, regexp.MustCompile(`^\{"a":\{"value":"ci[0-9a-f]{6}"\}\}$`)},
		{"unique inside a string", `{"a":{"value":"pre-GEN-UNIQUE-5-post"}}`, regexp.MustCompile(`^\{"a":\{"value":"pre-ci[0-9a-f]{3}-post"\}\}$`)},
		{"password", `{"a":{"value":"GEN-PASSWORD"}}`, regexp.MustCompile(`^\{"a":\{"value":"cI#[0-9a-f]{17}"\}\}$`)},
		{"guid", `{"a":{"value":"GEN-GUID"}}`, regexp.MustCompile(`^\{"a":\{"value":"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-8[0-9a-f]{3}-[0-9a-f]{12}"\}\}$`)},
		{"standing artifact", `{"a":{"value":"GEN-VNET-NAME"}}`, regexp.MustCompile(`^\{"a":\{"value":"ci-vnet"\}\}$`)},
		{"key vault reference", `{"a":{"reference":"GEN-KEYVAULT-PASSWORD-REFERENCE"}}`,
			regexp.MustCompile(`^\{"a":\{"reference":\{"keyVault":\{"id":"/subscriptions/[^"]+/vaults/ci-kv-armdeploy"\},"secretName":"ci-password"\}\}\}$`)},
		{"another key vault reference", `{"a":{"reference":"GEN-KEYVAULT-OPENSHIFT-PULLSECRET-REFERENCE"}}`,
			regexp.MustCompile(`^\{"a":\{"reference":\{"keyVault":\{"id":"/subscriptions/[^"]+/vaults/ci-kv-armdeploy"\},"secretName":"ci-password"\}\}\}$`)},
		{"no placeholder", `{"a":{"value":"GENERAL"}}`, regexp.MustCompile(`^\{"a":\{"value":"GENERAL"\}\}$`)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := string((&Values{}).Replace([]byte(tc.in)))
			if !tc.want.MatchString(got) {
				t.Errorf("Replace(%s) = %s, want %s", tc.in, got, tc.want)
			}
			if !json.Valid([]byte(got)) {
				t.Errorf("not JSON: %s", got)
			}
		})
	}
	v := &Values{}
	if a, b := v.value("GEN-UNIQUE"), v.value("GEN-UNIQUE"); a == b {
		t.Errorf("two GEN-UNIQUE values are equal: %s", a)
	}
}

func TestReplacePrereqs(t *testing.T) {
	outputs := map[string]struct{ Value json.RawMessage }{
		"vnetName": {json.RawMessage(`"vnet1"`)},
		"subnets":  {json.RawMessage(`["a","b"]`)},
	}
	got := string(ReplacePrereqs([]byte(`{"a":{"value":"GET-PREREQ-VNETNAME"},"b":{"value":"GET-PREREQ-subnets"},"c":{"value":"GET-PREREQ-missing"}}`), outputs))
	want := `{"a":{"value":"vnet1"},"b":{"value":["a","b"]},"c":{"value":"GET-PREREQ-missing"}}`
	if got != want {
		t.Errorf("got %s\nwant %s", got, want)
	}
}

func TestExpressionTexts(t *testing.T) {
	export := `{"resources":[{"body":"{\"properties\":{\"key\":\"[listKeys('x', '2020-01-01').keys[0].value]\"}}"},` +
		`{"type":"Microsoft.Resources/templateSpecs/versions","body":"{\"properties\":{\"mainTemplate\":{\"x\":\"[parameters('spec')]\"}}}"},` +
		`{"type":"Microsoft.Blueprint/blueprints/artifacts","body":"{\"properties\":{\"parameters\":{\"p\":{\"value\":\"[parameters('bp')]\"}}}}"}],` +
		`"deployments":[{"template":{"x":"[concat('a')]"},"outputs":{"o":{"value":"[reference('r').id]"}},"plain":"[not an expression"}]}`
	got := strings.Join(ExpressionTexts(export), "\n")
	for _, want := range []string{"listKeys", "reference('r').id"} {
		if !strings.Contains(got, want) {
			t.Errorf("missing %s in:\n%s", want, got)
		}
	}
	if strings.Contains(got, "concat") || strings.Contains(got, "not an expression") || strings.Contains(got, "spec") || strings.Contains(got, "bp") {
		t.Errorf("a template or plain text was reported:\n%s", got)
	}
}
