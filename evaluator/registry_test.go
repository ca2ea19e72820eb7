package evaluator

import (
	"strings"
	"testing"

	"github.com/armdeploy/armdeploy/evaluator/syntax"
)

// allCases gathers the case tables of every category test file.
func allCases() []evalCase {
	var all []evalCase
	for _, table := range [][]evalCase{
		arrayCases, cidrCases, comparisonCases, dateCases, deploymentCases, lambdaCases,
		logicalCases, numericCases, objectCases, resourceCases, scopeCases, stringCases,
	} {
		all = append(all, table...)
	}
	return all
}

// testedFunction returns the function a case tests: its explicit fn, or
// the top-level call of its expression.
func testedFunction(t *testing.T, c evalCase) string {
	if c.fn != "" {
		return c.fn
	}
	n, err := syntax.Parse("[" + c.expr + "]")
	if err != nil {
		t.Fatalf("case %q does not parse: %v", c.expr, err)
	}
	for {
		switch x := n.(type) {
		case *syntax.Call:
			return x.Name
		case *syntax.Member:
			n = x.Target
		case *syntax.Index:
			n = x.Target
		default:
			return ""
		}
	}
}

// TestEveryFunctionIsTested fails when a registered function has no case
// (as the top-level call of a case, or named by the case) in the category
// tables, so that adding a function without tests is caught.
func TestEveryFunctionIsTested(t *testing.T) {
	tested := map[string]int{}
	for _, c := range allCases() {
		tested[strings.ToLower(testedFunction(t, c))]++
	}
	for _, f := range Builtins().All() {
		if tested[strings.ToLower(f.Name)] == 0 {
			t.Errorf("function %s (%s) has no test case", f.Name, f.Category)
		}
	}
}

// TestEveryFunctionIsDescribed fails when a registered function lacks a
// description, a signature or a category.
func TestEveryFunctionIsDescribed(t *testing.T) {
	for _, f := range Builtins().All() {
		if f.Description == "" || !strings.HasSuffix(f.Description, ".") {
			t.Errorf("function %s: description %q must be one sentence ending with a period", f.Name, f.Description)
		}
		if !strings.HasPrefix(f.Signature, f.Name+"(") || !strings.HasSuffix(f.Signature, ")") {
			t.Errorf("function %s: signature %q must have the form %s(...)", f.Name, f.Signature, f.Name)
		}
		if f.Category == "" {
			t.Errorf("function %s has no category", f.Name)
		}
		if f.MaxArgs != Variadic && f.MaxArgs < f.MinArgs {
			t.Errorf("function %s: MaxArgs %d < MinArgs %d", f.Name, f.MaxArgs, f.MinArgs)
		}
	}
}

func TestRegistryLookupIsCaseInsensitive(t *testing.T) {
	tests := []struct {
		name string
		want string
	}{
		{"concat", "concat"},
		{"CONCAT", "concat"},
		{"uniquestring", "uniqueString"},
		{"LambdaVariables", "lambdaVariables"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, ok := Builtins().Lookup(tt.name)
			if !ok || f.Name != tt.want {
				t.Fatalf("Lookup(%q) = %v, %v; want %s", tt.name, f, ok, tt.want)
			}
		})
	}
	if _, ok := Builtins().Lookup("noSuchFunction"); ok {
		t.Error("Lookup(noSuchFunction) succeeded")
	}
}

func TestNewRegistryRejectsDuplicates(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Fatal("NewRegistry accepted a duplicate name")
		}
	}()
	f := &Function{Name: "x", Impl: func(Call, []Value) (Value, error) { return Null, nil }}
	g := &Function{Name: "X", Impl: f.Impl}
	NewRegistry([]*Function{f, g})
}
