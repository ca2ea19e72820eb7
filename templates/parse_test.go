package templates

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestJSONAndYAMLGiveEqualTrees(t *testing.T) {
	tests := []struct {
		name, json, yaml string
	}{
		{"scalars", `{"s":"x","i":42,"neg":-7,"big":9007199254740993,"f":1.5,"b":true,"n":null}`,
			"s: x\ni: 42\nneg: -7\nbig: 9007199254740993\nf: 1.5\nb: true\nn: null\n"},
		{"key order kept", `{"z":1,"a":2,"m":3}`, "z: 1\na: 2\nm: 3\n"},
		{"nested", `{"a":{"b":[1,{"c":"d"}]}}`, "a:\n  b:\n    - 1\n    - c: d\n"},
		{"expression quoted", `{"name":"[parameters('n')]"}`, "name: \"[parameters('n')]\"\n"},
		{"date stays a string", `{"endOfLifeDate":"2030-01-01"}`, "endOfLifeDate: 2030-01-01\n"},
		{"numeric string", `{"min":"1"}`, "min: \"1\"\n"},
		{"yes is a string", `{"v":"yes"}`, "v: yes\n"},
		{"empty collections", `{"a":[],"o":{}}`, "a: []\no: {}\n"},
		{"anchors expand", `{"base":{"x":1},"copy":{"x":1}}`, "base: &b\n  x: 1\ncopy: *b\n"},
		{"merge keys", `{"base":{"x":1},"derived":{"y":2,"x":1}}`, "base: &b\n  x: 1\nderived:\n  y: 2\n  <<: *b\n"},
		{"multi-line string", `{"s":"a\nb\n"}`, "s: |\n  a\n  b\n"},
		{"comments in json", "{\n// c\n\"a\": /* x */ 1}", "a: 1 # c\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			js, ds := Parse("t.json", []byte(tt.json))
			if ds.HasErrors() {
				t.Fatalf("json: %v", ds)
			}
			ys, ds := Parse("t.yaml", []byte(tt.yaml))
			if ds.HasErrors() {
				t.Fatalf("yaml: %v", ds)
			}
			if !Equal(js.Root, ys.Root) {
				a, _ := js.Root.MarshalJSON()
				b, _ := ys.Root.MarshalJSON()
				t.Errorf("trees differ:\njson %s\nyaml %s", a, b)
			}
		})
	}
}

func TestIntegersStayInt64(t *testing.T) {
	src, ds := Parse("t.json", []byte(`{"a": 9223372036854775807, "b": 1.0}`))
	if ds.HasErrors() {
		t.Fatal(ds)
	}
	if a := src.Root.Get("a"); a.Kind != Int || a.Int != 9223372036854775807 {
		t.Errorf("a = %v %v, want Int max", a.Kind, a.Int)
	}
	if b := src.Root.Get("b"); b.Kind != Float {
		t.Errorf("b kind = %v, want float", b.Kind)
	}
}

func TestPointerPositions(t *testing.T) {
	jsonDoc := "{\n  \"parameters\": {\n    \"Location\": {\"type\": \"string\"}\n  },\n  \"resources\": [\n    {\"name\": \"x\"}\n  ]\n}"
	yamlDoc := "parameters:\n  Location:\n    type: string\nresources:\n  - name: x\n"
	tests := []struct {
		name, file, doc, pointer string
		line, col                int
	}{
		{"json root", "t.json", jsonDoc, "", 1, 1},
		{"json case-insensitive key", "t.json", jsonDoc, "/parameters/location/type", 3, 26},
		{"json array element", "t.json", jsonDoc, "/resources/0/name", 6, 14},
		{"yaml nested", "t.yaml", yamlDoc, "/parameters/Location/type", 3, 11},
		{"yaml array element", "t.yaml", yamlDoc, "/resources/0/name", 5, 11},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src, ds := Parse(tt.file, []byte(tt.doc))
			if ds.HasErrors() {
				t.Fatal(ds)
			}
			r := src.RangeOf(tt.pointer)
			if r.Start.Line != tt.line || r.Start.Col != tt.col {
				t.Errorf("RangeOf(%q) = %d:%d, want %d:%d", tt.pointer, r.Start.Line, r.Start.Col, tt.line, tt.col)
			}
		})
	}
}

func TestStringPos(t *testing.T) {
	tests := []struct {
		name, file, doc string
		off, col        int
	}{
		{"json plain", "t.json", `{"v": "[concat('a', 'b')]"}`, 8, 16},
		{"json escapes before", "t.json", `{"v": "\"\u00e9[x]"}`, 3, 16},
		{"yaml double quoted", "t.yaml", `v: "[concat('a')]"`, 1, 6},
		{"yaml single quoted with ''", "t.yaml", `v: '[concat(''a'')]'`, 9, 15},
		{"yaml plain", "t.yaml", `v: abc`, 2, 6},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src, ds := Parse(tt.file, []byte(tt.doc))
			if ds.HasErrors() {
				t.Fatal(ds)
			}
			if got := src.Root.Get("v").StringPos(tt.off); got.Col != tt.col || got.Line != 1 {
				t.Errorf("StringPos(%d) = %d:%d, want 1:%d", tt.off, got.Line, got.Col, tt.col)
			}
		})
	}
}

func TestBadInput(t *testing.T) {
	deepJSON := strings.Repeat("[", 10000) + strings.Repeat("]", 10000)
	deepYAML := strings.Repeat("- ", 10000) + "x\n"
	deepFlowYAML := "a: " + strings.Repeat("[", 10000) + strings.Repeat("]", 10000) + "\n"
	bomb := "a: &a [x,x,x,x,x,x,x,x,x]\n"
	for i := 'b'; i <= 'k'; i++ {
		bomb += fmt.Sprintf("%c: &%c [*%c,*%c,*%c,*%c,*%c,*%c,*%c,*%c,*%c]\n", i, i, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1)
	}
	tests := []struct {
		name, file string
		data       []byte
		wantCode   string
		line, col  int
		warnOnly   bool
	}{
		{"unterminated string", "t.json", []byte("{\n  \"a\": \"abc\n}"), CodeInvalidContent, 2, 8, false},
		{"duplicate key json", "t.json", []byte("{\"a\": 1,\n \"a\": 2}"), CodeInvalidContent, 2, 2, false},
		{"duplicate key yaml", "t.yaml", []byte("a: 1\na: 2\n"), CodeInvalidContent, 2, 1, false},
		{"tab indentation", "t.yaml", []byte("a:\n\tb: 1\n"), CodeInvalidContent, 2, 1, false},
		{"utf-8 bom is a warning", "t.json", append([]byte{0xEF, 0xBB, 0xBF}, `{"a":1}`...), "ByteOrderMark", 1, 1, true},
		{"utf-16 bom", "t.json", []byte{0xFF, 0xFE, '{', 0}, CodeInvalidContent, 1, 1, false},
		{"empty file", "t.json", nil, CodeInvalidContent, 1, 1, false},
		{"only whitespace", "t.yaml", []byte("  \n\n"), CodeInvalidContent, 1, 1, false},
		{"binary data", "t.json", []byte{'{', 0x00, 0x01, 0xff}, CodeInvalidContent, 1, 2, false},
		{"invalid utf-8", "t.json", []byte("{\"a\": \"\xff\"}"), CodeInvalidContent, 1, 8, false},
		{"deep json", "t.json", []byte(deepJSON), CodeInvalidContent, 1, MaxDepth + 1, false},
		{"deep yaml", "t.yaml", []byte(deepYAML), CodeInvalidContent, 1, 0, false},
		{"deep flow yaml", "t.yaml", []byte(deepFlowYAML), CodeInvalidContent, 1, 0, false},
		{"alias bomb", "t.yaml", []byte(bomb), CodeInvalidContent, 0, 0, false},
		{"trailing garbage", "t.json", []byte(`{"a":1} x`), CodeInvalidContent, 1, 9, false},
		{"single quotes", "t.json", []byte(`{'a':1}`), CodeInvalidContent, 1, 2, false},
		{"leading zero", "t.json", []byte(`{"a":01}`), CodeInvalidContent, 1, 6, false},
		{"int overflow", "t.json", []byte(`{"a":99999999999999999999}`), CodeInvalidContent, 1, 6, false},
		{"unterminated comment", "t.json", []byte("{\"a\":1 /* x"), CodeInvalidContent, 1, 8, false},
		{"two yaml documents", "t.yaml", []byte("a: 1\n---\nb: 2\n"), CodeInvalidContent, 0, 0, false},
		{"yaml custom tag", "t.yaml", []byte("a: !Ref x\n"), CodeInvalidContent, 1, 4, false},
		{"yaml infinity", "t.yaml", []byte("a: .inf\n"), CodeInvalidContent, 1, 4, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start := time.Now()
			_, ds := Parse(tt.file, tt.data)
			if time.Since(start) > 5*time.Second {
				t.Errorf("took %v", time.Since(start))
			}
			if len(ds) == 0 {
				t.Fatal("no diagnostic")
			}
			d := ds[len(ds)-1]
			if tt.warnOnly {
				d = ds[0]
				if ds.HasErrors() {
					t.Errorf("want only a warning, got %v", ds)
				}
			}
			if d.Code != tt.wantCode {
				t.Errorf("code = %s, want %s (%s)", d.Code, tt.wantCode, d.Message)
			}
			if tt.line > 0 && (d.Range.Start.Line != tt.line || (tt.col > 0 && d.Range.Start.Col != tt.col)) {
				t.Errorf("at %d:%d, want %d:%d (%s)", d.Range.Start.Line, d.Range.Start.Col, tt.line, tt.col, d.Message)
			}
		})
	}
}

func TestReadFileRefusesHugeFileWithoutReading(t *testing.T) {
	path := filepath.Join(t.TempDir(), "huge.json")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(1 << 30); err != nil { // sparse: 1 GB costs no disk
		t.Fatal(err)
	}
	f.Close()
	src, ds, err := ReadFile(path)
	if err != nil || src != nil { // too large: nothing read, nothing to show
		t.Fatalf("ReadFile = %v, %v", src, err)
	}
	if len(ds) != 1 || ds[0].Code != CodeTooLarge || !strings.Contains(ds[0].Message, "1073741824 bytes") {
		t.Errorf("diagnostics = %v", ds)
	}
}

func TestTrailingCommaIsAWarning(t *testing.T) {
	src, ds := Parse("t.json", []byte(`{"a":[1,2,],}`))
	if src == nil || ds.HasErrors() || len(ds) != 2 {
		t.Fatalf("got %v", ds)
	}
}

func TestMarshalRoundTrip(t *testing.T) {
	in := `{"b":1,"a":[true,null,"x\u00e9\"",1.5,{"k":-3}]}`
	src, ds := Parse("t.json", []byte(in))
	if ds.HasErrors() {
		t.Fatal(ds)
	}
	out, _ := src.Root.MarshalJSON()
	if string(out) != `{"b":1,"a":[true,null,"xé\"",1.5,{"k":-3}]}` {
		t.Errorf("got %s", out)
	}
}
