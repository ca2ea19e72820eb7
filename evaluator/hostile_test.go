package evaluator

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/armdeploy/armdeploy/templates"
	"github.com/armdeploy/armdeploy/templates/diag"
)

// hostileMemory is what the evaluation of one hostile template may
// allocate in all (runtime TotalAlloc), the bound.
const hostileMemory = 100 << 20

// outputTemplate is a template whose only output has the given value
// expression, with variables vars (name → JSON value).
func outputTemplate(expr string, vars map[string]any) string {
	doc := map[string]any{
		"$schema":        "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
		"contentVersion": "1.0.0.0",
		"variables":      vars,
		"resources":      []any{},
		"outputs":        map[string]any{"out": map[string]any{"type": "object", "value": map[string]any{"v": "[" + expr + "]"}}},
	}
	b, _ := json.Marshal(doc)
	return string(b)
}

// doubling returns n variables v1..vn, each built from the one before with
// step (a format with %s for the previous variable's reference).
func doubling(n int, first any, step string) map[string]any {
	vars := map[string]any{"v0": first}
	for i := 1; i <= n; i++ {
		vars[fmt.Sprintf("v%d", i)] = "[" + fmt.Sprintf(step, fmt.Sprintf("variables('v%d')", i-1)) + "]"
	}
	return vars
}

// selfLinking is a template with three nested deployments that link the
// template itself: 3^depth deployments if nothing stopped it.
const selfLinking = `{"$schema":"https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#","contentVersion":"1.0.0.0",
"resources":[
 {"type":"Microsoft.Resources/deployments","apiVersion":"2022-09-01","name":"[concat('a', uniqueString(deployment().name))]","properties":{"mode":"Incremental","templateLink":{"relativePath":"t.json"}}},
 {"type":"Microsoft.Resources/deployments","apiVersion":"2022-09-01","name":"[concat('b', uniqueString(deployment().name))]","properties":{"mode":"Incremental","templateLink":{"relativePath":"t.json"}}},
 {"type":"Microsoft.Resources/deployments","apiVersion":"2022-09-01","name":"[concat('c', uniqueString(deployment().name))]","properties":{"mode":"Incremental","templateLink":{"relativePath":"t.json"}}}
]}`

// TestHostileTemplates: templates built to take unbounded time or memory,
// or to overflow, fail with a positioned ARM-style error naming the limit,
// within the evaluation budget and well under 100 MB.
func TestHostileTemplates(t *testing.T) {
	for _, tt := range hostileTemplates() {
		t.Run(tt.name, func(t *testing.T) {
			path := writeTemplate(t, tt.doc)
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			ds, budget := evaluateFile(t, path)
			runtime.ReadMemStats(&after)
			if alloc := after.TotalAlloc - before.TotalAlloc; alloc > hostileMemory {
				t.Errorf("allocated %d MB, want < %d MB", alloc>>20, hostileMemory>>20)
			}
			steps, bytes := budget.Used()
			t.Logf("budget used: %d steps, %d bytes; allocated %d KB", steps, bytes, (after.TotalAlloc-before.TotalAlloc)>>10)
			var found *diag.Diagnostic
			for i := range ds {
				if strings.Contains(ds[i].Message, tt.want) {
					found = &ds[i]
					break
				}
			}
			if found == nil {
				t.Fatalf("no diagnostic containing %q in %v", tt.want, ds)
			}
			if found.Severity != diag.Error || found.Code != templates.CodeInvalidTemplate {
				t.Errorf("diagnostic %v: want an InvalidTemplate error", found)
			}
			if found.Range.File != path || found.Range.Start.Line == 0 {
				t.Errorf("diagnostic %v is not positioned in %s", found, path)
			}
			if len(ds) > 20 {
				for _, d := range ds[:5] {
					t.Log(d.Error())
				}
				t.Errorf("%d diagnostics; a limit should be reported a few times, not once per value", len(ds))
			}
		})
	}
}

// BenchmarkHostileTemplates measures how long each hostile template takes
// to fail (the bound is one second each).
func BenchmarkHostileTemplates(b *testing.B) {
	for _, tt := range hostileTemplates() {
		b.Run(tt.name, func(b *testing.B) {
			path := writeTemplate(b, tt.doc)
			b.ReportAllocs()
			for b.Loop() {
				evaluateFile(b, path)
			}
		})
	}
}

// writeTemplate writes doc as t.json in a new temporary folder.
func writeTemplate(t testing.TB, doc string) string {
	path := filepath.Join(t.TempDir(), "t.json")
	if err := os.WriteFile(path, []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// hostileCase is a template built to exhaust the evaluator, and the error
// it must fail with.
type hostileCase struct {
	name string
	doc  string
	want string // in the diagnostic's message
}

func hostileTemplates() []hostileCase {
	return []hostileCase{
		{name: "self-linking template, three links per level", doc: selfLinking,
			want: "a deployment may expand at most 500 nested and linked deployments"},
		{name: "string doubling through variables",
			doc:  outputTemplate("length(variables('v40'))", doubling(40, strings.Repeat("x", 1024), "concat(%[1]s, %[1]s)")),
			want: "a value may be at most 4194304 bytes, the size limit of a template"},
		{name: "array doubling through variables",
			doc:  outputTemplate("length(variables('v40'))", doubling(40, []any{1, 2, 3, 4}, "concat(%[1]s, %[1]s)")),
			want: "a value may be at most 4194304 bytes"},
		{name: "shared halves: an array of the previous one twice",
			doc:  outputTemplate("length(string(variables('v64')))", doubling(64, "x", "createArray(%[1]s, %[1]s)")),
			want: "a value may be at most 4194304 bytes"},
		{name: "object of the previous one twice",
			doc:  outputTemplate("length(variables('v64'))", doubling(64, "x", "createObject('a', %[1]s, 'b', %[1]s)")),
			want: "a value may be at most 4194304 bytes"},
		{name: "format width of 2^31", doc: outputTemplate("format('{0,2147483647}', 1)", nil),
			want: "Input string was not in a correct format."},
		{name: "format of many wide placeholders", doc: outputTemplate("format('"+strings.Repeat("{0,999999}", 200)+"', 1)", nil),
			want: "The template language function 'format' produced a value of"},
		{name: "map over a range of 10^8", doc: outputTemplate("map(range(0, 100000000), lambda('i', lambdaVariables('i')))", nil),
			want: "expects its second parameter (count) to be between 0 and 10000"},
		{name: "nested reduce of 10^8 iterations",
			doc:  outputTemplate("reduce(range(0, 10000), 0, lambda('a', 'i', reduce(range(0, 10000), 0, lambda('b', 'j', add(lambdaVariables('b'), 1)))))", nil),
			want: "exceeded its limit of 2000000 function calls and lambda iterations"},
		{name: "nested map of 10^8 elements",
			doc:  outputTemplate("length(map(range(0, 10000), lambda('i', map(range(0, 10000), lambda('j', lambdaVariables('j'))))))", nil),
			want: "exceeded its limit of"},
		{name: "union of big distinct arrays",
			doc: outputTemplate("length(union(variables('a'), variables('b'), variables('c')))", map[string]any{
				"a": "[map(range(0, 10000), lambda('i', string(lambdaVariables('i'))))]",
				"b": "[map(range(0, 10000), lambda('i', concat('b', string(lambdaVariables('i')))))]",
				"c": "[map(range(0, 10000), lambda('i', concat('c', string(lambdaVariables('i')))))]",
			}),
			want: "exceeded its limit of 2000000 function calls"},
		{name: "range near the int64 limit", doc: outputTemplate("range(9223372036854775807, 2)", nil),
			want: "expects the sum of the start index and the count to be at most 2147483647"},
		{name: "add overflow", doc: outputTemplate("add(9223372036854775807, 1)", nil), want: "overflows a 64-bit integer"},
		{name: "sub overflow", doc: outputTemplate("sub(-9223372036854775807, 5)", nil), want: "overflows a 64-bit integer"},
		{name: "mul overflow", doc: outputTemplate("mul(4611686018427387904, 2)", nil), want: "overflows a 64-bit integer"},
		{name: "div overflow", doc: outputTemplate("div(sub(-9223372036854775807, 1), -1)", nil), want: "overflows a 64-bit integer"},
		{name: "dateTimeAdd of a billion years", doc: outputTemplate("dateTimeAdd('2019-01-01T00:00:00Z', 'P1000000000Y')", nil),
			want: "un-representable DateTime"},
		{name: "dateTimeAdd past year 9999", doc: outputTemplate("dateTimeAdd('9999-12-31T00:00:00Z', 'P1D')", nil),
			want: "un-representable DateTime"},
		{name: "dateTimeAdd before year 1", doc: outputTemplate("dateTimeAdd('0001-01-01T00:00:00Z', '-PT1S')", nil),
			want: "un-representable DateTime"},
		{name: "dateTimeAdd of 10^15 days", doc: outputTemplate("dateTimeAdd('2019-01-01T00:00:00Z', 'P1000000000000000D')", nil),
			want: "un-representable DateTime"},
		{name: "padLeft to 2^31", doc: outputTemplate("padLeft('a', 2147483647)", nil), want: "expects its second parameter to be at most"},
		{name: "replace that multiplies a string",
			doc:  outputTemplate("length(replace(padLeft('', 1000000, 'a'), 'a', padLeft('', 1000, 'b')))", nil),
			want: "The template language function 'replace' produced a value of"},
		{name: "property copy loops 800 x 800 x 800", doc: `{"resources":[{"type":"Microsoft.Compute/disks","apiVersion":"2020-12-01","name":"d","location":"eastus",
			"properties":{"copy":[{"name":"a","count":800,"input":{"copy":[{"name":"b","count":800,"input":{"copy":[{"name":"c","count":800,"input":{"x":"[copyIndex('c')]"}}]}}]}}]}}]}`,
			want: "exceeded their limit of 33554432 bytes in all"},
	}
}

// evaluateFile expands the template file at path at resource-group scope,
// resources then outputs, and returns every diagnostic and the budget.
func evaluateFile(t testing.TB, path string) (diag.Diagnostics, *Budget) {
	t.Helper()
	src, ds, err := templates.ReadFile(path)
	if err != nil || ds.HasErrors() {
		t.Fatal(err, ds)
	}
	tmpl, ds := templates.NewTemplate(src)
	if ds.HasErrors() {
		t.Fatal(ds)
	}
	e := NewTemplate(tmpl, nil, Options{Deployment: deploymentAt(ScopeResourceGroup)})
	_, rds := e.Resources()
	_, ods := e.Outputs()
	return append(rds, ods...), e.Budget()
}
