package main

import (
	"bytes"
	"io"
	"testing"
)

// TestEmitFormats checks az's tsv and table rules and --query on small
// documents.
func TestEmitFormats(t *testing.T) {
	doc := []any{
		map[string]any{"name": "a", "size": 32, "ok": true, "tags": map[string]any{"x": "1"}, "zones": []any{"1", "2"}, "managedBy": nil, "id": "/x/a"},
		map[string]any{"name": "bb", "size": 1024, "ok": false, "tags": map[string]any{}, "zones": []any{}, "managedBy": nil, "id": "/x/bb"},
	}
	tests := []struct {
		name, format, query, want string
	}{
		{"tsv", "tsv", "", "/x/a\tNone\ta\tTrue\t32\t\t2\n/x/bb\tNone\tbb\tFalse\t1024\t\t0\n"},
		{"table", "table", "", "Name  Ok     Size\n----  -----  ----\na     True     32\nbb    False  1024\n"},
		{"query tsv", "tsv", "[].name", "a\nbb\n"},
		{"query scalar bool tsv", "tsv", "[0].ok", "true\n"},
		{"query table of scalars", "table", "[].size", "Result\n------\n    32\n  1024\n"},
		{"query hash order json", "json", "[].{z: size, a: name}", "[\n  {\n    \"z\": 32,\n    \"a\": \"a\"\n  },\n  {\n    \"z\": 1024,\n    \"a\": \"bb\"\n  }\n]\n"},
		{"query keeps document order", "json", "[?size > `100`] | [0].{name: name, size: size}", "{\n  \"name\": \"bb\",\n  \"size\": 1024\n}\n"},
		{"query yaml", "yaml", "[1].zones", "[]\n"},
		{"keys in the document's order", "tsv", "keys([0])", "id\nmanagedBy\nname\nok\nsize\ntags\nzones\n"},
		{"query list of lists table", "table", "[].[name, size]", "Column1  Column2\n-------  -------\na             32\nbb          1024\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			var w io.Writer = &buf
			if tt.query != "" {
				w = &queryWriter{Writer: &buf, text: tt.query}
			}
			if err := emit(w, tt.format, doc); err != nil {
				t.Fatal(err)
			}
			if got := buf.String(); got != tt.want {
				t.Errorf("got\n%q\nwant\n%q", got, tt.want)
			}
		})
	}
}
