package evaluator

import (
	"flag"
	"fmt"
	"os"
	"reflect"
	"testing"
)

// TestMain runs the package's tests three times: with every expression
// interpreted, with every expression compiled to an expr program when it is
// resolved (as before the interpreter existed), and switching from the one
// to the other after the first run of each unit. Benchmarks run once, on the
// default path.
func TestMain(m *testing.M) {
	flag.Parse()
	if f := flag.Lookup("test.bench"); f != nil && f.Value.String() != "" {
		os.Exit(m.Run())
	}
	code := 0
	for _, p := range []struct {
		name  string
		path  evalPath
		after int32
	}{
		{"interpreted", pathInterp, 0},
		{"compiled", pathCompiled, 0},
		{"compiled after their first run", pathAuto, 1},
	} {
		currentPath, compileAfter = p.path, p.after
		if c := m.Run(); c != 0 {
			fmt.Fprintf(os.Stderr, "FAIL with every expression %s\n", p.name)
			code = c
		}
	}
	os.Exit(code)
}

// TestPathsAgree evaluates expressions of every lowering (calls, member and
// index access, if/and/or/coalesce short-circuits, lambdas, unknown and
// secure values, errors) through the interpreter and through the compiled
// program of the same tree, and wants the same value or the same error.
func TestPathsAgree(t *testing.T) {
	tests := []struct{ name, expr string }{
		{"calls", benchExpr},
		{"member and index", "[createObject('a', createArray(1, createObject('b', 'x'))).a[1]['b']]"},
		{"if true", "[if(equals(1, 1), 'yes', fail('never'))]"},
		{"if false", "[if(equals(1, 2), fail('never'), 'no')]"},
		{"if unknown", "[if(equals(parameters('later'), 1), 'yes', 'no')]"},
		{"if not boolean", "[if('x', 'yes', 'no')]"},
		{"and short-circuits", "[and(false, fail('never'))]"},
		{"and all true", "[and(true, equals(1, 1), true)]"},
		{"and unknown", "[and(true, equals(parameters('later'), 1), false)]"},
		{"or short-circuits", "[or(true, fail('never'))]"},
		{"or all false", "[or(false, false)]"},
		{"or not boolean", "[or(false, 'x')]"},
		{"coalesce", "[coalesce(null(), null(), 'c', fail('never'))]"},
		{"coalesce all null", "[coalesce(null(), null())]"},
		{"lambda", "[map(range(0, 5), lambda('i', concat('vm-', string(lambdaVariables('i')))))]"},
		{"nested lambdas", "[map(range(0, 3), lambda('i', reduce(range(0, 3), 0, lambda('c', 'n', add(lambdaVariables('c'), mul(lambdaVariables('n'), lambdaVariables('i')))))))]"},
		{"large integer", "[add(9007199254740993, 1)]"},
		{"secure", "[concat(parameters('secret'), '-x')]"},
		{"error", "[createArray(1, 2)[5]]"},
		{"error inside a lambda", "[map(range(0, 3), lambda('i', createArray(1)[lambdaVariables('i')]))]"},
		{"unknown argument", "[toLower(parameters('later'))]"},
	}
	defer func(p evalPath, n int32) { currentPath, compileAfter = p, n }(currentPath, compileAfter)
	run := func(path evalPath, expr string) (string, error) {
		currentPath = path
		p, err := NewEngine().Compile(expr)
		if err != nil {
			return "", err
		}
		ctx := testContext()
		params := ctx.Parameters
		ctx.Parameters = func(name string) (Value, error) {
			if name == "later" {
				return UnknownValue("reference('vm').later"), nil
			}
			return params(name)
		}
		v, err := NewEngine().NewSession(ctx).Eval(p)
		return fmt.Sprintf("%#v", v), err
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			iv, ierr := run(pathInterp, tt.expr)
			cv, cerr := run(pathCompiled, tt.expr)
			if iv != cv || !reflect.DeepEqual(ierr, cerr) {
				t.Errorf("interpreted: %s, %v\ncompiled:    %s, %v", iv, ierr, cv, cerr)
			}
		})
	}
}

// TestCompileAfterUses evaluates one program past the threshold: it is
// interpreted compileAfter times, then runs compiled, with the same value.
func TestCompileAfterUses(t *testing.T) {
	defer func(p evalPath, n int32) { currentPath, compileAfter = p, n }(currentPath, compileAfter)
	currentPath, compileAfter = pathAuto, 3
	eng := NewEngine()
	p, err := eng.Compile("[map(range(0, 4), lambda('i', concat(parameters('prefix'), string(lambdaVariables('i')))))]")
	if err != nil {
		t.Fatal(err)
	}
	s := eng.NewSession(testContext())
	var first string
	for i := range 6 {
		v, err := s.Eval(p)
		if err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			first = v.JSON()
		} else if v.JSON() != first {
			t.Fatalf("run %d gave %s, run 0 gave %s", i, v.JSON(), first)
		}
		if compiled := p.code.prog.Load() != nil; compiled != (i >= 3) {
			t.Fatalf("after run %d compiled = %v, want %v", i, compiled, i >= 3)
		}
	}
}
