package main

import (
	"encoding/base64"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

// The planted secrets: distinctive enough that any 6 consecutive
// characters of one found anywhere is a leak.
const (
	secretFile   = "Zq7Xw2Kp9Lm4Vb" // pw from a parameter file
	secretArg    = "Hj3Rt8Nc5Gs1Dy" // pw from -p pw=...
	secretInline = "Ia5Lo2Eh7Wq3Pd" // pw from -p '{"pw": ...}'
	secretKey    = "Uf6Pe0Wa2Qi9Ok" // a member of the secureObject cfg
	secretList   = "Bn4Cv7Mx1Tz3Ls" // an element of a list in cfg
	secretShort  = "Ey5Iu8Ow3r"     // pw too short: parameter validation fails
	secretObjStr = "Ro2Sa6Td9FgKw"  // cfg given as a string: a type error
)

var planted = []string{secretFile, secretArg, secretInline, secretKey, secretList, secretShort, secretObjStr}

// secretsTemplate spreads the secure parameters and values computed from
// them (substring, base64, concat, toUpper, a member, a list) over tags,
// properties and outputs.
const secretsTemplate = `{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "contentVersion": "1.0.0.0",
  "parameters": {
    "pw": {"type": "securestring", "minLength": 12},
    "cfg": {"type": "secureObject"},
    "name": {"type": "string", "defaultValue": "stsecrets"}
  },
  "variables": {"prefix": "[substring(parameters('pw'), 0, 6)]"},
  "resources": [
    {
      "type": "Microsoft.Storage/storageAccounts",
      "apiVersion": "2023-01-01",
      "name": "[parameters('name')]",
      "location": "eastus",
      "sku": {"name": "Standard_LRS"},
      "kind": "StorageV2",
      "tags": {"prefix": "[variables('prefix')]", "b64": "[base64(parameters('pw'))]", "key": "[parameters('cfg').key]", "plain": "visible"},
      "properties": {
        "conn": "[concat('pre-', parameters('pw'), '-post')]",
        "upper": "[toUpper(parameters('pw'))]",
        "cfg": "[parameters('cfg')]",
        "list": "[parameters('cfg').list]",
        "plain": "visible"
      }
    }
  ],
  "outputs": {
    "s": {"type": "securestring", "value": "[parameters('pw')]"},
    "so": {"type": "secureObject", "value": "[parameters('cfg')]"},
    "prefix": {"type": "string", "value": "[variables('prefix')]"},
    "b64": {"type": "string", "value": "[base64(parameters('pw'))]"},
    "plain": {"type": "string", "value": "[parameters('name')]"}
  }
}`

// evalTemplate fails evaluating EXPR, a function of the secure parameters.
const evalTemplate = `{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "contentVersion": "1.0.0.0",
  "parameters": {"pw": {"type": "securestring"}, "cfg": {"type": "secureObject"}},
  "resources": [],
  "outputs": {"o": {"type": "string", "value": "[string(EXPR)]"}}
}`

// providerTemplate sends a secret where a provider refuses it and quotes
// it: as a public IP's location (refused at preflight) and in a DNS label
// known only once the storage account exists (refused at the PUT, recorded
// in the operation and the deployment's error).
const providerTemplate = `{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "contentVersion": "1.0.0.0",
  "parameters": {"pw": {"type": "securestring"}, "cfg": {"type": "secureObject"}, "where": {"type": "string", "defaultValue": "label"}},
  "resources": [
    {"type": "Microsoft.Storage/storageAccounts", "apiVersion": "2023-01-01", "name": "stdep", "location": "eastus",
     "sku": {"name": "Standard_LRS"}, "kind": "StorageV2", "properties": {}},
    {
      "type": "Microsoft.Network/publicIPAddresses",
      "apiVersion": "2020-08-01",
      "name": "pip1",
      "location": "[if(equals(parameters('where'), 'location'), parameters('pw'), 'eastus')]",
      "dependsOn": ["stdep"],
      "properties": {
        "publicIPAllocationMethod": "[if(equals(parameters('where'), 'schema'), parameters('pw'), 'Dynamic')]",
        "dnsSettings": {"domainNameLabel": "[concat(parameters('pw'), reference('stdep').provisioningState)]"}
      }
    }
  ]
}`

// TestSecretsNowhere plants securestring and secureObject values (from a
// parameter file, from -p NAME=VALUE and from inline JSON), runs every
// command that reads or writes them, in every output format, successful
// and failing, and looks for the secrets in stdout, stderr and every byte
// of the store after each run: raw, in any case, as any 6 consecutive
// characters, base64 (standard and URL) and JSON-escaped. A failing run
// must also say why (want), with ***** where the value was.
func TestSecretsNowhere(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	t.Setenv("NO_COLOR", "1")
	store := filepath.Join(dir, ".armdeploy", "state.db")
	t.Setenv("ARMDEPLOY_STATE", store)
	cfg := `{"key": "` + secretKey + `", "list": ["` + secretList + `"], "n": 1}`
	write(t, "main.json", secretsTemplate)
	write(t, "provider.json", providerTemplate)
	write(t, "params.json", `{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#",
  "contentVersion": "1.0.0.0",
  "parameters": {
    "pw": {"value": "`+secretFile+`"},
    "cfg": {"value": `+cfg+`}
  }
}`)
	write(t, "short.json", `{"parameters": {"pw": {"value": "`+secretShort+`"}, "cfg": {"value": "`+secretObjStr+`"}}}`)
	fromFile := []string{"-p", "@params.json"}
	fromArg := []string{"-p", "pw=" + secretArg, "-p", "cfg=" + cfg}
	inline := []string{"-p", `{"pw": {"value": "` + secretInline + `"}, "cfg": {"value": ` + cfg + `}}`}
	main := []string{"-g", "rg-secrets", "-f", "main.json"}
	join := func(parts ...[]string) []string {
		var out []string
		for _, p := range parts {
			out = append(out, p...)
		}
		return out
	}
	stID := "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-secrets/providers/Microsoft.Storage/storageAccounts/stsecrets"

	type run struct {
		name string
		args []string
		fail bool   // the run must fail (exit code not 0)
		want string // text the output must contain
	}
	var runs []run
	for _, params := range []struct {
		name string
		args []string
	}{{"file", fromFile}, {"arg", fromArg}, {"inline", inline}} {
		p := params.args
		runs = append(runs,
			run{name: "validate " + params.name, args: join([]string{"validate"}, main, p), want: "is valid"},
			run{name: "validate json " + params.name, args: join([]string{"validate"}, main, p, []string{"-o", "json"}), want: `"SecureString"`},
			run{name: "expand " + params.name, args: join([]string{"expand"}, main, p), want: "(secure)"},
			run{name: "expand json " + params.name, args: join([]string{"expand"}, main, p, []string{"-o", "json"}), want: "*****"},
			run{name: "expand yaml " + params.name, args: join([]string{"expand"}, main, p, []string{"-o", "yaml"}), want: "*****"},
			run{name: "what-if " + params.name, args: join([]string{"what-if", "-l", "eastus"}, main, p), want: "stsecrets"},
			run{name: "what-if json " + params.name, args: join([]string{"what-if", "-l", "eastus"}, main, p, []string{"-o", "json"}), want: "stsecrets"},
			run{name: "graph " + params.name, args: join([]string{"graph"}, main, p), want: "stsecrets"},
			run{name: "deploy " + params.name, args: join([]string{"deploy", "-l", "eastus", "--no-tui"}, main, p), want: "succeeded"},
			run{name: "deploy json " + params.name, args: join([]string{"deploy", "--no-tui"}, main, p, []string{"-o", "json"}), want: "Succeeded"},
			run{name: "deploy yaml " + params.name, args: join([]string{"deploy", "--no-tui"}, main, p, []string{"-o", "yaml"}), want: "Succeeded"},
			run{name: "what-if after deploy " + params.name, args: join([]string{"what-if"}, main, p), want: "stsecrets"},
		)
	}
	for _, o := range []string{"text", "json", "yaml"} {
		runs = append(runs,
			run{name: "deployment show " + o, args: []string{"deployment", "show", "-g", "rg-secrets", "-n", "main", "-o", o}, want: "main"},
			run{name: "deployment list " + o, args: []string{"deployment", "list", "-g", "rg-secrets", "-o", o}, want: "main"},
			run{name: "deployment operations " + o, args: []string{"deployment", "operations", "-g", "rg-secrets", "-n", "main", "-o", o}, want: "stsecrets"},
			run{name: "resource list " + o, args: []string{"resource", "list", "-g", "rg-secrets", "-o", o}, want: "stsecrets"},
			run{name: "resource show " + o, args: []string{"resource", "show", "--ids", stID, "-o", o}, want: "stsecrets"},
		)
	}
	runs = append(runs,
		run{name: "deployment export", args: []string{"deployment", "group", "export", "-g", "rg-secrets", "-n", "main"}, want: "securestring"},
		run{name: "state export", args: []string{"state", "export"}, want: "stsecrets"},

		// Parameter validation: a value too short, an object given as a
		// string; the snippets show the source line with ***** in place.
		run{name: "too short from a file", args: join([]string{"validate"}, main, []string{"-p", "@short.json"}), fail: true,
			want: `{"parameters": {"pw": {"value": *****}, "cfg": {"value": *****}}}`},
		run{name: "too short from -p", args: join([]string{"deploy", "--no-tui"}, main, []string{"-p", "pw=" + secretShort, "-p", "cfg=" + cfg}), fail: true,
			want: " 1 | pw=*****\n"},
		run{name: "too short json", args: join([]string{"validate"}, main, []string{"-p", "@short.json", "-o", "json"}), fail: true,
			want: "less than the minimum length"},
		run{name: "bad -p name", args: join([]string{"validate"}, main, []string{"-p", "p w=" + secretArg}), fail: true,
			want: `"p w=*****"`},

		// Providers quoting what they refuse.
		run{name: "provider refuses a location at preflight", args: join([]string{"deploy", "--no-tui", "-g", "rg-secrets", "-f", "provider.json", "-p", "where=location"}, fromFile), fail: true,
			want: "The provided location ***** is not available"},
		run{name: "schema refuses an enum value", args: join([]string{"validate", "-g", "rg-secrets", "-f", "provider.json", "-p", "where=schema"}, fromArg), fail: true,
			want: "got '*****'"},
		run{name: "provider refuses a label at the PUT", args: join([]string{"deploy", "--no-tui", "-g", "rg-secrets", "-f", "provider.json"}, fromArg), fail: true,
			want: "The domain name label ***** is invalid"},
		run{name: "failed deployment show", args: []string{"deployment", "operations", "-g", "rg-secrets", "-n", "provider", "-o", "json"},
			want: "The domain name label ***** is invalid"},
		run{name: "state export after failures", args: []string{"state", "export"}, want: "InvalidDomainNameLabel"},
	)
	// Evaluation errors that quote the value they fail on.
	for _, ex := range []struct{ expr, want string }{
		{"int(parameters('pw'))", "cannot convert the value '*****' to an integer"},
		{"json(parameters('pw'))", "The provided value '*****' cannot be parsed."},
		{"bool(substring(parameters('pw'), 2, 9))", "The provided value is '*****'."},
		{"parameters(parameters('pw'))", "The template parameter '*****' is not found."},
		{"uri(base64(parameters('pw')), 'x')", "The provided value is '*****'."},
		{"int(parameters('cfg').key)", "cannot convert the value '*****' to an integer"},
		{"map(parameters('cfg').list, lambda('x', int(lambdaVariables('x'))))", "cannot convert the value '*****' to an integer"},
	} {
		file := "eval-" + strings.NewReplacer("(", "", ")", "", "'", "", ",", "", " ", "", ".", "").Replace(ex.expr)[:12] + ".json"
		write(t, file, strings.Replace(evalTemplate, "EXPR", ex.expr, 1))
		for _, params := range [][]string{fromFile, fromArg} {
			runs = append(runs,
				run{name: "eval " + ex.expr, args: join([]string{"validate", "-g", "rg-secrets", "-f", file}, params), fail: true, want: ex.want},
				run{name: "eval deploy json " + ex.expr, args: join([]string{"deploy", "--no-tui", "-g", "rg-secrets", "-f", file, "-o", "json"}, params), fail: true, want: ex.want},
			)
		}
	}

	for _, r := range runs {
		code, stdout, stderr := runCLI(t, r.args...)
		if (code != 0) != r.fail {
			t.Errorf("%s: exit %d\n%s%s", r.name, code, stdout, stderr)
		}
		if !strings.Contains(stdout+stderr, r.want) {
			t.Errorf("%s: the output does not contain %q\n--- stdout\n%s--- stderr\n%s", r.name, r.want, stdout, stderr)
		}
		scanSecrets(t, r.name+": stdout", []byte(stdout))
		scanSecrets(t, r.name+": stderr", []byte(stderr))
		files, _ := filepath.Glob(store + "*")
		if len(files) == 0 && r.name == "deploy file" {
			t.Fatal("no store after the first deploy")
		}
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			scanSecrets(t, r.name+": "+filepath.Base(f), b)
		}
	}
}

// scanSecrets reports every planted secret found in b in any of its forms.
func scanSecrets(t *testing.T, where string, b []byte) {
	t.Helper()
	text := strings.ToLower(string(b))
	for _, s := range planted {
		forms := map[string]string{
			"base64":     base64.StdEncoding.EncodeToString([]byte(s)),
			"base64 URL": base64.RawURLEncoding.EncodeToString([]byte(s)),
		}
		q, _ := json.Marshal(s)
		forms["JSON"] = string(q[1 : len(q)-1])
		for i := 0; i+6 <= len(s); i++ {
			forms["part "+s[i:i+6]] = s[i : i+6]
		}
		for form, f := range forms {
			if strings.Contains(text, strings.ToLower(f)) || strings.Contains(string(b), f) {
				t.Errorf("%s: secret %s leaks (%s)", where, s, form)
			}
		}
	}
}

func write(t *testing.T, name, text string) {
	t.Helper()
	if err := os.WriteFile(name, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestJSONOutputIsUTF8: a value with bytes that are not UTF-8 (a resource
// name from -p NAME=VALUE, which the shell passes as is) reaches -o json
// and -o yaml of every command as U+FFFD, never raw.
func TestJSONOutputIsUTF8(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	t.Setenv("NO_COLOR", "1")
	t.Setenv("ARMDEPLOY_STATE", filepath.Join(dir, ".armdeploy", "state.db"))
	write(t, "main.json", secretsTemplate)
	name := "name=st\xff\xfe9"
	p := []string{"-p", "pw=" + secretArg, "-p", `cfg={"key": "k", "list": []}`, "-p", name}
	main := []string{"-g", "rg-utf8", "-f", "main.json"}
	id := "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-utf8/providers/Microsoft.Storage/storageAccounts/st\xff\xfe9"
	runs := []struct {
		name string
		args []string
	}{
		{"deploy", append(append([]string{"deploy", "-l", "eastus", "--no-tui", "-o", "json"}, main...), p...)},
		{"validate", append(append([]string{"validate", "-o", "json"}, main...), p...)},
		{"expand", append(append([]string{"expand", "-o", "json"}, main...), p...)},
		{"what-if", append(append([]string{"what-if", "-o", "json"}, main...), p...)},
		{"deployment show", []string{"deployment", "show", "-g", "rg-utf8", "-n", "main", "-o", "json"}},
		{"deployment list yaml", []string{"deployment", "list", "-g", "rg-utf8", "-o", "yaml"}},
		{"deployment operations", []string{"deployment", "operations", "-g", "rg-utf8", "-n", "main", "-o", "json"}},
		{"resource list", []string{"resource", "list", "-g", "rg-utf8", "-o", "json"}},
		{"resource show", []string{"resource", "show", "--ids", id, "-o", "json"}},
		{"state export", []string{"state", "export"}},
	}
	for _, r := range runs {
		t.Run(r.name, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, r.args...)
			if code != 0 {
				t.Fatalf("exit %d\n%s%s", code, stdout, stderr)
			}
			if !utf8.ValidString(stdout) {
				t.Errorf("stdout is not valid UTF-8:\n%q", stdout)
			}
			if !strings.Contains(stdout, "st\uFFFD\uFFFD9") && !strings.Contains(stdout, `st\ufffd\ufffd9`) {
				t.Errorf("stdout does not show the name with U+FFFD:\n%s", stdout)
			}
		})
	}
}
