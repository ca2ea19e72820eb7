package diag

import (
	"bytes"
	"strconv"
	"testing"
)

func TestRedactText(t *testing.T) {
	tests := []struct {
		name    string
		msg     string
		secrets []string
		want    string
	}{
		{"quoted value", "The provided value is 'Zebra7Quartz'.", []string{"Zebra7Quartz"}, "The provided value is '*****'."},
		{"unquoted, lower-cased by a provider", "The location zebra7quartz is not available", []string{"Zebra7Quartz"}, "The location ***** is not available"},
		{"every occurrence", "a Zebra7 b Zebra7", []string{"Zebra7"}, "a ***** b *****"},
		{"longest first", "value 'Zebra7Quartz'", []string{"Zebra7", "Zebra7Quartz"}, "value '*****'"},
		{"short secret only as a word", "The value 'ab' of a cabin", []string{"ab"}, "The value '*****' of a cabin"},
		{"no secrets", "unchanged 'x'", nil, "unchanged 'x'"},
		{"empty secret ignored", "unchanged", []string{""}, "unchanged"},
		{"invalid UTF-8 secret", "v '\xff\xfeab'", []string{"\xff\xfeab"}, "v '*****'"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := RedactText(tt.msg, tt.secrets); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

// redactedMap is a SourceMap that hides fixed spans.
type redactedMap struct {
	SourceMap
	spans map[int][]Span
}

func (m redactedMap) Redacted(_ string, line int) []Span { return m.spans[line] }

func TestWriteTextRedacts(t *testing.T) {
	src := redactedMap{SourceMap{"p.json": []byte(`{"pw": {"value": "hunter2hunter2"}, "n": {"value": "x"}}`)},
		map[int][]Span{1: {{Start: 18, End: 34}}}}
	line := ` 1 | {"pw": {"value": *****}, "n": {"value": "x"}}` + "\n"
	tests := []struct {
		name       string
		start, end int
		want       string
	}{
		{"caret on the secret covers the mask", 18, 34, line + "   |                  ^^^^^\n"},
		{"caret after the secret moves left", 52, 55, line + "   |                                         ^^^\n"},
		{"caret before the secret stays", 2, 6, line + "   |  ^^^^\n"},
		{"caret inside the secret", 20, 22, line + "   |                  ^^^^^\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := Diagnostic{Severity: Error, Code: "C", Message: "m",
				Range: Range{File: "p.json", Start: Pos{Line: 1, Col: tt.start}, End: Pos{Line: 1, Col: tt.end}}}
			var b bytes.Buffer
			if err := WriteText(&b, Diagnostics{d}, src); err != nil {
				t.Fatal(err)
			}
			want := "p.json:1:" + strconv.Itoa(tt.start) + ": C: m\n" + tt.want
			if b.String() != want {
				t.Errorf("got\n%s\nwant\n%s", b.String(), want)
			}
			if bytes.Contains(b.Bytes(), []byte("hunter2")) {
				t.Error("the secret is shown")
			}
		})
	}
}

func TestWriteJSONIsValidUTF8(t *testing.T) {
	tests := []struct {
		name string
		v    any
		want string
	}{
		{"raw bytes passed through", map[string]any{"a": rawJSON("\"st\xff9\"")}, "{\n  \"a\": \"st\uFFFD9\"\n}\n"},
		{"valid text unchanged", map[string]any{"a": "€"}, "{\n  \"a\": \"€\"\n}\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := WriteJSON(&b, tt.v); err != nil {
				t.Fatal(err)
			}
			if b.String() != tt.want {
				t.Errorf("got %q, want %q", b.String(), tt.want)
			}
		})
	}
}

// rawJSON is JSON written as is, as json.RawMessage is.
type rawJSON string

func (r rawJSON) MarshalJSON() ([]byte, error) { return []byte(r), nil }
