package evaluator

import (
	"strings"
	"testing"
)

// TestErrorsQuoteNoSecret: a function that fails on a secure argument (the
// test context's parameter 'secret', "p@ss") quotes ***** where it would
// quote the value, also through values computed from it and lambdas.
func TestErrorsQuoteNoSecret(t *testing.T) {
	runCases(t, []evalCase{
		fails("int(parameters('secret'))", "cannot convert the value '*****' to an integer"),
		fails("float(parameters('secret'))", "cannot convert the value '*****'"),
		fails("bool(parameters('secret'))", "The provided value is '*****'."),
		fails("json(parameters('secret'))", "The provided value '*****' cannot be parsed."),
		fails("json(concat('{', parameters('secret')))", "The provided value '*****' cannot be parsed."),
		fails("int(concat('x-', parameters('secret')))", "cannot convert the value '*****'"),
		fails("int(substring(parameters('secret'), 0, 3))", "cannot convert the value '*****'"),
		fails("uri(parameters('secret'), 'x')", "The provided value is '*****'."),
		fails("dateTimeAdd(parameters('secret'), 'PT1H')", "The provided value is '*****'."),
		fails("parseCidr(parameters('secret'))", "The provided value is '*****'."),
		fails("dataUriToString(parameters('secret'))", "The provided value is '*****'."),
		fails("parameters(parameters('secret'))", "The template parameter '*****' is not found."),
		fails("variables(parameters('secret'))", "The template variable '*****' is not found."),
		fails("map(createArray(parameters('secret')), lambda('x', int(lambdaVariables('x'))))", "cannot convert the value '*****'"),
		fails("int(parameters('prefix'))", "cannot convert the value 'Contoso'"),
	})
}

func TestSecretStrings(t *testing.T) {
	v := mustJSON(t, `{"a": "plain", "b": ["x"]}`)
	o, _ := v.AsObject()
	o.Set("s", Secure(mustJSON(t, `{"k": "S1", "n": 3, "l": ["S2"]}`)))
	o.Set("t", Secure(String("S3")))
	got := strings.Join(SecretStrings(ObjectValue(o)), ",")
	if got != "S1,S2,S3" {
		t.Errorf("got %q, want S1,S2,S3", got)
	}
	if SecretStrings(String("plain")) != nil {
		t.Error("a plain value has secrets")
	}
}
