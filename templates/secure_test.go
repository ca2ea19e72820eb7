package templates

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/armdeploy/armdeploy/templates/diag"
)

func TestRedactSecureValues(t *testing.T) {
	tmpl := `{"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
"contentVersion": "1.0.0.0",
"parameters": {
  "pw": {"type": "securestring"},
  "obj": {"type": "secureObject", "defaultValue": {"k": "DefaultSecret1"}},
  "name": {"type": "string"}
},
"resources": []}`
	tests := []struct {
		name    string
		args    []string
		file    string // the source whose line 1 is checked
		want    string // line 1 of file with its redacted spans replaced
		secrets []string
	}{
		{"name=value", []string{"pw=Hunter2Hunter2", "name=plain"}, "-p #1", "pw=*****", []string{"DefaultSecret1", "Hunter2Hunter2"}},
		{"inline JSON", []string{`{"pw": {"value": "Hunter2Hunter2"}, "name": {"value": "plain"}}`}, "-p #1",
			`{"pw": {"value": *****}, "name": {"value": "plain"}}`, []string{"DefaultSecret1", "Hunter2Hunter2"}},
		{"secure object", []string{`{"obj": {"value": {"a": "S1xx", "b": ["S2xx"]}}}`}, "-p #1",
			`{"obj": {"value": *****}}`, []string{"DefaultSecret1", "S1xx", "S2xx"}},
		{"a plain parameter stays", []string{"name=plain"}, "-p #1", "name=plain", []string{"DefaultSecret1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src, ds := Parse("t.json", []byte(tmpl))
			if ds.HasErrors() {
				t.Fatal(ds)
			}
			tm, _ := NewTemplate(src)
			ps := &ParameterSet{Sources: Sources{}}
			ps.Sources.Add(src)
			for i, a := range tt.args {
				vals, psrc, _, err := ReadParameterArg(a, "-p #"+string(rune('1'+i)))
				if err != nil {
					t.Fatal(err)
				}
				ps.Sources.Add(psrc)
				ps.Add(vals)
			}
			secrets := RedactSecureValues(tm, ps)
			slices.Sort(secrets)
			if !slices.Equal(secrets, tt.secrets) {
				t.Errorf("secrets %q, want %q", secrets, tt.secrets)
			}
			line, _ := ps.Sources.Line(tt.file, 1)
			if got := mask(line, ps.Sources.Redacted(tt.file, 1)); got != tt.want {
				t.Errorf("line 1 shows %q, want %q", got, tt.want)
			}
			if line, _ := ps.Sources.Line("t.json", 5); !strings.Contains(mask(line, ps.Sources.Redacted("t.json", 5)), `"defaultValue": *****`) {
				t.Errorf("the secure default is not hidden: %v", ps.Sources.Redacted("t.json", 5))
			}
		})
	}
}

// mask replaces the redacted spans of line with *****.
func mask(line string, spans []diag.Span) string {
	r := []rune(line)
	for i := len(spans) - 1; i >= 0; i-- {
		s := spans[i]
		r = append(r[:s.Start-1], append([]rune("*****"), r[s.End-1:]...)...)
	}
	return string(r)
}

// TestRedactUnparsed: a parameter source that does not parse shows its
// keys and structure in snippets, never a value (any may be secure).
func TestRedactUnparsed(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name, file, text string
		want             []string // the masked lines
	}{
		{name: "inline JSON, unterminated", text: `{"pw": {"value": "Sup3rS3cret"`,
			want: []string{`{"pw": {"value": "*****"`}},
		{name: "JSON file with a trailing comma and escapes", file: "p.json",
			text: "{\"parameters\": {\"pw\": {\"value\": \"Sup3r\\\"S3cret\" }, }\n",
			want: []string{`{"parameters": {"pw": {"value": "*****" }, }`}},
		{name: "JSON array values", file: "a.json", text: "{\"parameters\": {\"x\": {\"value\": [\"Sup3rS3cret\", 1]\n",
			want: []string{`{"parameters": {"x": {"value": ["*****", 1]`}},
		{name: "YAML file", file: "p.yaml", text: "parameters:\n  pw:\n    value: Sup3rS3cret\n   bad: [\n  - Sup3rS3cret\n",
			want: []string{"parameters:", "  pw:", "    value: *****", "   bad: *****", "  - *****"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			arg := tt.text
			if tt.file != "" {
				path := filepath.Join(dir, tt.file)
				if err := os.WriteFile(path, []byte(tt.text), 0o600); err != nil {
					t.Fatal(err)
				}
				arg = "@" + path
			}
			_, src, ds, err := ReadParameterArg(arg, "-p #1")
			if err != nil || !ds.HasErrors() || src == nil || src.Root != nil {
				t.Fatalf("want an unparsable source: err %v, diagnostics %v", err, ds)
			}
			for i, want := range tt.want {
				line, _ := src.Line(i + 1)
				if got := mask(line, src.Redacted(i+1)); got != want {
					t.Errorf("line %d = %q, want %q", i+1, got, want)
				}
			}
		})
	}
}

// TestSecureRef: a parameter or output typed by a $ref that leads, through
// any chain of definitions, to securestring or secureObject is secure; a
// cycle or a missing definition is not.
func TestSecureRef(t *testing.T) {
	doc := `{"languageVersion": "2.0", "contentVersion": "1.0.0.0",
"definitions": {"pw": {"type": "securestring"}, "alias": {"$ref": "#/definitions/pw"}, "obj": {"type": "secureObject"},
  "plain": {"type": "string"}, "loopA": {"$ref": "#/definitions/loopB"}, "loopB": {"$ref": "#/definitions/loopA"}},
"parameters": {"direct": {"$ref": "#/definitions/pw"}, "chained": {"$ref": "#/definitions/alias"}, "object": {"$ref": "#/definitions/obj"},
  "plain": {"$ref": "#/definitions/plain"}, "cycle": {"$ref": "#/definitions/loopA"}, "missing": {"$ref": "#/definitions/nope"}},
"resources": {},
"outputs": {"secret": {"$ref": "#/definitions/alias", "value": "x"}, "shown": {"$ref": "#/definitions/plain", "value": "x"}}}`
	src, ds := Parse("t.json", []byte(doc))
	if ds.HasErrors() {
		t.Fatal(ds)
	}
	tm, _ := NewTemplate(src)
	want := map[string]bool{"direct": true, "chained": true, "object": true, "plain": false, "cycle": false, "missing": false}
	for _, p := range tm.Parameters {
		if got := p.IsSecure(); got != want[p.Name] {
			t.Errorf("parameter %s: IsSecure = %v, want %v", p.Name, got, want[p.Name])
		}
	}
	for _, o := range tm.Outputs {
		if got := o.IsSecure(); got != (o.Name == "secret") {
			t.Errorf("output %s: IsSecure = %v", o.Name, got)
		}
	}
}
