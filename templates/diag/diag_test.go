package diag

import (
	"bytes"
	"strings"
	"testing"
)

func TestWriteText(t *testing.T) {
	src := SourceMap{"t.json": []byte("{\n  \"osType\": \"Mac\",\n\t\"x\": 1\n}\n")}
	tests := []struct {
		name string
		d    Diagnostic
		want string
	}{
		{"caret under the range", Diagnostic{Severity: Error, Code: "InvalidTemplate", Message: "bad osType",
			Range: Range{File: "t.json", Start: Pos{Line: 2, Col: 13}, End: Pos{Line: 2, Col: 18}}},
			"t.json:2:13: InvalidTemplate: bad osType\n 2 |   \"osType\": \"Mac\",\n   |             ^^^^^\n"},
		{"tabs shown as spaces", Diagnostic{Severity: Warning, Code: "W", Message: "m",
			Range: Range{File: "t.json", Start: Pos{Line: 3, Col: 2}}},
			"t.json:3:2: warning: W: m\n 3 |  \"x\": 1\n   |  ^\n"},
		{"no position", Diagnostic{Severity: Error, Code: "C", Message: "m", Range: Range{File: "t.json"}}, "t.json: C: m\n"},
		{"related", Diagnostic{Severity: Error, Code: "C", Message: "m", Related: []Related{{Message: "declared here",
			Range: Range{File: "t.json", Start: Pos{Line: 1, Col: 1}}}}}, "C: m\n  t.json:1:1: declared here\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := WriteText(&b, Diagnostics{tt.d}, src); err != nil {
				t.Fatal(err)
			}
			if b.String() != tt.want {
				t.Errorf("got\n%q\nwant\n%q", b.String(), tt.want)
			}
		})
	}
}

func TestResponseAndSorting(t *testing.T) {
	ds := Diagnostics{
		{Severity: Error, Code: "B", Message: "second", Range: Range{File: "p.json", Start: Pos{Line: 1, Col: 1}}},
		{Severity: Warning, Code: "W", Message: "warn"},
		{Severity: Error, Code: "A", Message: "first", Target: "parameters.x", Range: Range{File: "t.json", Start: Pos{Line: 3, Col: 4}}},
		{Severity: Error, Code: "A", Message: "first", Target: "parameters.x", Range: Range{File: "t.json", Start: Pos{Line: 3, Col: 4}}},
	}
	ds = ds.Dedup()
	ds.SortByFiles([]string{"t.json", "p.json"})
	if got := ds[0].Message + "," + ds[1].Message + "," + ds[2].Message; got != "first,second,warn" {
		t.Errorf("order = %s", got)
	}
	var b bytes.Buffer
	if err := WriteJSON(&b, ds.Response("InvalidTemplate", "Deployment template validation failed.")); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"code": "InvalidTemplate"`, `"target": "parameters.x"`, `"lineNumber": 3`, `"linePosition": 4`} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("JSON lacks %s:\n%s", want, b.String())
		}
	}
	if strings.Contains(b.String(), "warn") {
		t.Error("warnings must not be in the error envelope")
	}
	if !ds.HasErrors() || ds.Err() == nil || (Diagnostics{{Severity: Warning}}).Err() != nil {
		t.Error("HasErrors/Err disagree")
	}
}
