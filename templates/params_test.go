package templates

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestReadParameterArg(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "p.json")
	os.WriteFile(file, []byte(`{"$schema":"https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#","contentVersion":"1.0.0.0","parameters":{"a":{"value":"fromfile"},"n":{"value":3}}}`), 0o644)
	yfile := filepath.Join(dir, "p.yaml")
	os.WriteFile(yfile, []byte("parameters:\n  a:\n    value: fromyaml\n"), 0o644)
	tests := []struct {
		name, arg string
		want      map[string]string // name -> JSON of value
		wantErr   bool
	}{
		{"@file", "@" + file, map[string]string{"a": `"fromfile"`, "n": `3`}, false},
		{"plain file", file, map[string]string{"a": `"fromfile"`, "n": `3`}, false},
		{"yaml file", "@" + yfile, map[string]string{"a": `"fromyaml"`}, false},
		{"name=string", "adminPassword=Correct-Horse-9-Battery", map[string]string{"adminPassword": `"Correct-Horse-9-Battery"`}, false},
		{"name=int", "count=3", map[string]string{"count": `3`}, false},
		{"name=bool", "flag=true", map[string]string{"flag": `true`}, false},
		{"name=json array", `zones=["1","2"]`, map[string]string{"zones": `["1","2"]`}, false},
		{"name=version stays a string", "v=0.0.1", map[string]string{"v": `"0.0.1"`}, false},
		{"name=path", "id=/subscriptions/x/y", map[string]string{"id": `"/subscriptions/x/y"`}, false},
		{"name= empty", "e=", map[string]string{"e": `""`}, false},
		{"value with =", "conn=a=b", map[string]string{"conn": `"a=b"`}, false},
		{"inline json", `{"galleryName":{"value":"g1"}}`, map[string]string{"galleryName": `"g1"`}, false},
		{"inline whole file", `{"contentVersion":"1.0.0.0","parameters":{"x":{"value":1}}}`, map[string]string{"x": `1`}, false},
		{"long value (file name too long as a path)", "sshKey=ssh-rsa " + strings.Repeat("A", 5000), map[string]string{"sshKey": `"ssh-rsa ` + strings.Repeat("A", 5000) + `"`}, false},
		{"value that is a path under a file", "p=" + file + "/x", map[string]string{"p": `"` + file + `/x"`}, false},
		{"value naming a directory", "dir=" + dir, map[string]string{"dir": `"` + dir + `"`}, false},
		{"missing file", "nothere.json", nil, true},
		{"@missing file", "@nothere.json", nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			vals, _, ds, err := ReadParameterArg(tt.arg, "-p #1")
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, wantErr %v", err, tt.wantErr)
			}
			if ds.HasErrors() {
				t.Fatalf("diagnostics %v", ds)
			}
			got := map[string]string{}
			for _, v := range vals {
				b, _ := v.Value.MarshalJSON()
				got[v.Name] = string(b)
			}
			if len(got) != len(tt.want) {
				t.Fatalf("got %v, want %v", got, tt.want)
			}
			for k, w := range tt.want {
				if got[k] != w {
					t.Errorf("%s = %s, want %s", k, got[k], w)
				}
			}
		})
	}
	if _, _, _, err := ReadParameterArg("nothere.json", "-p"); !errors.Is(err, ErrUsage) {
		t.Errorf("a missing plain file is a usage error, got %v", err)
	}
}

func TestKeyVaultReferenceIsReported(t *testing.T) {
	src, _ := Parse("p.json", []byte(`{"parameters":{"pw":{"reference":{"keyVault":{"id":"/subscriptions/x/resourceGroups/r/providers/Microsoft.KeyVault/vaults/kv"},"secretName":"s"}}}}`))
	pf, ds := NewParameterFile(src)
	if len(pf.Values) != 1 || pf.Values[0].Reference == nil {
		t.Fatalf("values = %+v", pf.Values)
	}
	if len(ds) != 1 || ds[0].Code != CodeKeyVaultReference || ds[0].Range.Start.Col != 34 {
		t.Errorf("diagnostics = %v", ds)
	}
}

func TestParameterSetLaterWins(t *testing.T) {
	var ps ParameterSet
	a, _, _, _ := ReadParameterArg("X=1", "-p #1")
	b, _, _, _ := ReadParameterArg("x=2", "-p #2")
	ps.Add(a)
	ps.Add(b)
	if len(ps.Values) != 1 || ps.Get("X").Value.Int != 2 {
		t.Errorf("got %+v", ps.Values)
	}
}

func TestCheckParameters(t *testing.T) {
	tmpl := `{
  "parameters": {
    "name": {"type": "string", "minLength": 3, "maxLength": 5},
    "sku": {"type": "string", "allowedValues": ["Standard_LRS", "Premium_LRS"], "defaultValue": "Standard_LRS"},
    "count": {"type": "int", "minValue": 1, "maxValue": 3, "defaultValue": 1},
    "tags": {"type": "object", "defaultValue": {}},
    "zones": {"type": "array", "allowedValues": ["1", "2", "3"], "defaultValue": []},
    "pw": {"type": "securestring"},
    "opt": {"type": "string", "nullable": true}
  },
  "resources": []
}`
	tests := []struct {
		name string
		args []string
		want []string // substrings, one per diagnostic, in order
	}{
		{"all good", []string{"name=abcd", "pw=secret", "sku=premium_lrs"}, nil},
		{"missing", []string{"name=abc"}, []string{"t.json:8:5: InvalidTemplate: The value for the template parameter 'pw' at line '8' and column '5' is not provided."}},
		{"unknown", []string{"name=abc", "pw=x", "nope=1"}, []string{"-p #3:1:1: InvalidTemplate: The template parameters 'nope' in the parameters file are not valid"}},
		{"too short", []string{"name=ab", "pw=x"}, []string{"The length of the value is '2', which is less than the minimum length '3'."}},
		{"too long", []string{"name=abcdef", "pw=x"}, []string{"greater than the maximum length '5'"}},
		{"not allowed", []string{"name=abc", "pw=x", "sku=Basic"}, []string{"-p #3:1:5: InvalidTemplate: The provided value for the template parameter 'sku' at line '4' and column '5' is not valid. The parameter value is not part of the allowed value(s): 'Standard_LRS,Premium_LRS'."}},
		{"range", []string{"name=abc", "pw=x", "count=9"}, []string{"The value '9' is greater than the maximum value '3'."}},
		{"type", []string{"name=abc", "pw=x", "count=abc"}, []string{"Template parameter JToken type is not valid. Expected 'Integer'. Actual 'String'."}},
		{"object type", []string{"name=abc", "pw=x", "tags=[1]"}, []string{"Expected 'Object'. Actual 'Array'."}},
		{"array elements allowed", []string{"name=abc", "pw=x", `zones=["1","4"]`}, []string{"-p #3:1:12: InvalidTemplate"}},
		{"string param keeps raw text", []string{"name=1.0", "pw=x"}, nil},
		{"every error at once", []string{"name=a", "count=0", "x=1"}, []string{"minimum length", "minimum value", "'x' in the parameters file", "'pw'"}},
	}
	src, _ := Parse("t.json", []byte(tmpl))
	tt0, _ := NewTemplate(src)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var ps ParameterSet
			for i, a := range tt.args {
				v, _, _, err := ReadParameterArg(a, "-p #"+string(rune('1'+i)))
				if err != nil {
					t.Fatal(err)
				}
				ps.Add(v)
			}
			ds := CheckParameters(tt0, &ps)
			ds.Sort()
			if len(ds) != len(tt.want) {
				t.Fatalf("got %d diagnostics, want %d:\n%v", len(ds), len(tt.want), ds)
			}
			for i, w := range tt.want {
				if !strings.Contains(ds[i].Error(), w) {
					t.Errorf("diagnostic %d = %q\nwant it to contain %q", i, ds[i].Error(), w)
				}
			}
		})
	}
}

func TestUserDefinedTypes(t *testing.T) {
	doc := `{"languageVersion":"2.0","definitions":{
	  "port": {"type":"int","minValue":1,"maxValue":65535},
	  "rule": {"type":"object","properties":{"name":{"type":"string"},"port":{"$ref":"#/definitions/port"},"note":{"type":"string","nullable":true}},"additionalProperties":false},
	  "shape": {"type":"object","discriminator":{"propertyName":"kind","mapping":{"circle":{"type":"object","properties":{"kind":{"type":"string"},"r":{"type":"int"}}}}}}
	},
	"parameters":{"rules":{"type":"array","items":{"$ref":"#/definitions/rule"}},"shape":{"$ref":"#/definitions/shape"}},
	"resources":{}}`
	src, _ := Parse("t.json", []byte(doc))
	tmpl, ds := NewTemplate(src)
	if len(ds) != 0 {
		t.Fatal(ds)
	}
	tests := []struct {
		name, rules, shape string
		want               []string
	}{
		{"valid", `[{"name":"a","port":80}]`, `{"kind":"circle","r":1}`, nil},
		{"bad port and extra", `[{"name":"a","port":0,"x":1}]`, `{"kind":"circle","r":1}`, []string{"at '[0].port': The value '0' is less than", "at '[0].x': The property 'x' is not allowed."}},
		{"missing required", `[{"port":80}]`, `{"kind":"circle","r":1}`, []string{"The required property 'name' is missing."}},
		{"unknown discriminator", `[]`, `{"kind":"square"}`, []string{"The value 'square' is not one of the allowed values 'circle'."}},
		{"discriminated type", `[]`, `{"kind":"circle","r":"x"}`, []string{"Expected 'Integer'. Actual 'String'."}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var ps ParameterSet
			for _, a := range []string{`{"rules":{"value":` + tt.rules + `},"shape":{"value":` + tt.shape + `}}`} {
				v, _, ds, err := ReadParameterArg(a, "-p")
				if err != nil || ds.HasErrors() {
					t.Fatal(err, ds)
				}
				ps.Add(v)
			}
			got := CheckParameters(tmpl, &ps)
			if len(got) != len(tt.want) {
				t.Fatalf("got %v, want %d", got, len(tt.want))
			}
			for i, w := range tt.want {
				if !strings.Contains(got[i].Message, w) {
					t.Errorf("got %q, want %q", got[i].Message, w)
				}
			}
		})
	}
}
