package schema

import (
	"bytes"
	"encoding/json"
	"reflect"
	"regexp"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v5"
)

func TestIsExpression(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"[parameters('a')]", true},
		{"[ parameters('a')]", true},
		{"[concat('a',\n 'b')]", true},
		{"[]", true},
		{"[[parameters('a')]", false}, // escaped literal
		{"[test] value", false},
		{" [x]", false},
		{"x", false},
		{"", false},
		{"[", false},
	}
	for _, tt := range tests {
		if got := isExpression(tt.in); got != tt.want {
			t.Errorf("isExpression(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestLowerNode(t *testing.T) {
	res := lowerOptions{expr: true, coerce: true}
	tests := []struct {
		name    string
		opt     lowerOptions
		node    string
		accept  []any
		reject  []any
		wantErr bool
	}{
		{
			name: "integer in a resource", opt: res, node: `{"type": "integer"}`,
			accept: []any{int64(1), "1", " -2 ", "[parameters('n')]"},
			reject: []any{"one", true, "1.5", "[[1]"},
		},
		{
			name: "number in a resource", opt: res, node: `{"type": "number"}`,
			accept: []any{1.5, "1.5", "-.5e3", "[x()]"},
			reject: []any{"abc", false},
		},
		{
			name: "boolean in a resource", opt: res, node: `{"type": "boolean"}`,
			accept: []any{true, "TRUE", "false", "[x()]"},
			reject: []any{"yes", 1},
		},
		{
			name: "object in a resource", opt: res, node: `{"type": "object"}`,
			accept: []any{map[string]any{}, "[variables('o')]", ""},
			reject: []any{"o", " ", []any{}},
		},
		{
			name: "object without coercion", opt: lowerOptions{expr: true}, node: `{"type": "object"}`,
			accept: []any{map[string]any{}, "[variables('o')]"},
			reject: []any{""},
		},
		{
			name: "enum in a resource, any case", opt: res, node: `{"type": "string", "enum": ["Static", "Dynamic"]}`,
			accept: []any{"Static", "dynamic", "[parameters('m')]"},
			reject: []any{"Automatic", "Static ", 1},
		},
		{
			name: "case-sensitive enum", opt: res, node: `{"type": "string", "enum": ["A.b"], "x-caseSensitive": true}`,
			accept: []any{"A.b"},
			reject: []any{"a.b", "AXb"},
		},
		{
			name: "enum without a type constrains strings only", opt: res, node: `{"enum": ["x"]}`,
			accept: []any{"X", 5},
			reject: []any{"y"},
		},
		{
			name: "opted out of expressions", opt: res, node: `{"type": "object", "x-expr": false}`,
			accept: []any{map[string]any{}},
			reject: []any{"[variables('o')]"},
		},
		{
			name: "template node without x-expr", opt: lowerOptions{}, node: `{"type": "integer"}`,
			accept: []any{int64(1)},
			reject: []any{"1", "[x()]"},
		},
		{
			name: "template node with x-expr does not coerce", opt: lowerOptions{}, node: `{"type": "integer", "x-expr": true}`,
			accept: []any{int64(1), "[x()]"},
			reject: []any{"1"},
		},
		{
			name: "pattern keeps expressions", opt: res, node: `{"type": "string", "pattern": "^[a-z]+$"}`,
			accept: []any{"abc", "[toLower(x)]"},
			reject: []any{"ABC"},
		},
		{
			name: "lengths keep expressions", opt: res, node: `{"type": "string", "minLength": 2, "maxLength": 3}`,
			accept: []any{"ab", "abc", "[concat('a', 'very', 'long', 'expression')]"},
			reject: []any{"a", "abcd"},
		},
		{name: "enum and pattern", opt: res, node: `{"type": "string", "enum": ["a"], "pattern": "b"}`, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var node any
			dec := json.NewDecoder(bytes.NewReader([]byte(tt.node)))
			dec.UseNumber()
			if err := dec.Decode(&node); err != nil {
				t.Fatal(err)
			}
			err := lowerDocument(node, tt.opt)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, wantErr %v", err, tt.wantErr)
			}
			if err != nil {
				return
			}
			b, _ := json.Marshal(node)
			sch, err := jsonschema.CompileString("inline.json", string(b))
			if err != nil {
				t.Fatalf("compile %s: %v", b, err)
			}
			for _, v := range tt.accept {
				if err := sch.Validate(v); err != nil {
					t.Errorf("%#v rejected by %s: %v", v, b, err)
				}
			}
			for _, v := range tt.reject {
				if err := sch.Validate(v); err == nil {
					t.Errorf("%#v accepted by %s", v, b)
				}
			}
		})
	}
}

func TestOrigInfoRoundTrip(t *testing.T) {
	o := origInfo{types: []string{"integer"}, enum: []string{"a", "b"}, pattern: "^x$", minLength: 1, maxLength: -1, expr: true, coerce: true}
	got, ok := origOf(map[string]any{"x-orig": o.toMap()})
	if !ok || !reflect.DeepEqual(got, o) {
		t.Errorf("got %+v, want %+v", got, o)
	}
}

// inlineViolations compiles a one-off schema the way compileAll does and reports the
// violations of inst.
func inlineViolations(t *testing.T, schemaDoc string, opt lowerOptions, inst any) []Violation {
	t.Helper()
	const url = "https://schemas.armdeploy.invalid/inline.json"
	doc := decodeJSON(t, []byte(schemaDoc))
	if err := lowerDocument(doc, opt); err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(doc)
	c := jsonschema.NewCompiler()
	c.Draft = jsonschema.Draft2020
	if err := c.AddResource(url, bytes.NewReader(b)); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile(url)
	if err != nil {
		t.Fatal(err)
	}
	if err := sch.Validate(inst); err != nil {
		return violationsOf(err, inst, func(string) any { return doc }, "the value", &rewrites{})
	}
	return nil
}

// TestAnyOfBranches: a failed anyOf/oneOf reports the branch that says something about
// the value, never the "it could also be an expression" branch.
func TestAnyOfBranches(t *testing.T) {
	const expr = `{"type": "string", "pattern": "^\\[(?:[^\\[][\\s\\S]*)?\\]$"}`
	tests := []struct {
		name, schema string
		inst         any
		want         []want
	}{
		{
			name:   "object or expression, object with a bad member",
			schema: `{"anyOf": [` + expr + `, {"type": "object", "required": ["id"], "properties": {"id": {"type": "string"}}}]}`,
			inst:   map[string]any{"id": int64(5)},
			want:   []want{{"/id", "type", "property 'id' must be a string; got number 5"}},
		},
		{
			name:   "expression branch listed second",
			schema: `{"oneOf": [{"type": "object", "required": ["id"]}, ` + expr + `]}`,
			inst:   map[string]any{},
			want:   []want{{"", "required", "required property 'id' is missing from the value"}},
		},
		{
			name:   "nothing fits the type: report the literal branch",
			schema: `{"anyOf": [` + expr + `, {"type": "integer"}]}`,
			inst:   true,
			want:   []want{{"", "type", "the value must be an integer; got boolean true"}},
		},
		{
			name:   "a literal branch whose type fits wins over one whose type does not",
			schema: `{"anyOf": [{"type": "array"}, {"type": "object", "properties": {"a": {"enum": ["x", "y"]}}}]}`,
			inst:   map[string]any{"a": "z"},
			want:   []want{{"/a", "enum", "property 'a' must be one of 'x', 'y'; got 'z'"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkViolations(t, inlineViolations(t, tt.schema, lowerOptions{}, tt.inst), tt.want)
		})
	}
}

// TestPointers: keys with '/', '~', spaces and '%' come back as RFC 6901 pointers.
func TestPointers(t *testing.T) {
	doc := map[string]any{"$schema": "s", "contentVersion": "1", "resources": []any{},
		"parameters": map[string]any{
			"a/b~c d%e": map[string]any{"type": "strin"},
		}}
	checkViolations(t, ValidateTemplate(doc), []want{{"/parameters/a~1b~0c d%e/type", "enum", "got 'strin'"}})

	got, ok := resolve(doc, "/parameters/a~1b~0c d%e/type")
	if !ok || got != "strin" {
		t.Errorf("resolve: %v %v", got, ok)
	}
	if !regexp.MustCompile(`^/`).MatchString(joinPointer([]string{"x"})) || joinPointer(nil) != "" {
		t.Error("joinPointer")
	}
}

func TestRewritesOriginal(t *testing.T) {
	rw := &rewrites{}
	rw.add("/resources", "/Resources")
	rw.add("/resources/0/copy", "/Resources/0/Copy")
	rw.add("/properties/dataDisks/0", "/properties/copy/0/input")
	tests := map[string]string{
		"":                            "",
		"/resources":                  "/Resources",
		"/resources/0/name":           "/Resources/0/name",
		"/resources/0/copy/mode":      "/Resources/0/Copy/mode",
		"/resourcesX":                 "/resourcesX",
		"/properties/dataDisks/0/lun": "/properties/copy/0/input/lun",
		"/properties/dataDisks/1/lun": "/properties/dataDisks/1/lun",
		"/properties/dataDisks":       "/properties/dataDisks",
	}
	for in, want := range tests {
		if got := rw.original(in); got != want {
			t.Errorf("original(%q) = %q, want %q", in, got, want)
		}
	}
}
