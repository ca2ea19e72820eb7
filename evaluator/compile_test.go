package evaluator

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/armdeploy/armdeploy/evaluator/syntax"
)

func TestCompileLiterals(t *testing.T) {
	tests := []struct {
		in       string
		want     string
		wantExpr bool
	}{
		{"plain text", "plain text", false},
		{"[[not an expression]", "[not an expression]", false},
		{"[test] value", "[test] value", false},
		{"", "", false},
		{"['an expression']", "an expression", true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			p, err := testEngine.Compile(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if p.IsExpression() != tt.wantExpr {
				t.Errorf("IsExpression = %v, want %v", p.IsExpression(), tt.wantExpr)
			}
			if p.Text() != tt.in {
				t.Errorf("Text = %q, want %q", p.Text(), tt.in)
			}
			got, err := testEngine.NewSession(nil).Eval(p)
			if err != nil {
				t.Fatal(err)
			}
			if s, _ := got.AsString(); s != tt.want {
				t.Errorf("got %q, want %q", s, tt.want)
			}
		})
	}
}

func TestCompileCachesByText(t *testing.T) {
	eng := NewEngine()
	a, err := eng.Compile("[concat('a', 'b')]")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := eng.Compile("[concat('a', 'b')]")
	c, _ := eng.Compile("[concat('a',  'b')]")
	if a != b {
		t.Error("the same text compiled twice gave different programs")
	}
	if a == c {
		t.Error("different texts share a program")
	}
	if a.Root() == nil || syntax.Print(a.Root()) != "concat('a', 'b')" {
		t.Errorf("Root = %v", a.Root())
	}
}

// TestErrorPositions checks that compile and run-time errors name the
// failing function and carry the byte range of the failing call.
func TestErrorPositions(t *testing.T) {
	tests := []struct {
		in       string
		wantKind ErrorKind
		wantFunc string
		wantText string // the source text at the error range
		wantMsg  string
	}{
		{"[concat('a', add(1, 'x'))]", ErrArgumentType, "add", "add(1, 'x')", "The template language function 'add' expects its second parameter to be of type 'Integer'. The provided value is of type 'String'."},
		{"[noSuch(1)]", ErrUnknownFunction, "noSuch", "noSuch(1)", "The template function 'noSuch' is not valid. Please see https://aka.ms/arm-functions for usage details."},
		{"[toUpper(concat('a'), 'b')]", ErrArgumentCount, "toUpper", "toUpper(concat('a'), 'b')", "Unable to evaluate template language function 'toUpper': function requires 1 argument(s) while 2 were provided. Please see https://aka.ms/arm-template-expressions/#toupper for usage details."},
		{"[createObject('a', 1).b]", ErrProperty, "b", "createObject('a', 1).b", "The language expression property 'b' doesn't exist, available properties are 'a'."},
		{"[createArray(1, 2)[2]]", ErrIndex, "[]", "createArray(1, 2)[2]", "The language expression property array index '2' is out of bounds."},
		{"['abc'.length]", ErrProperty, "length", "'abc'.length", "Property selection is not supported on values of type 'String'."},
		{"[createArray(1)[true()]]", ErrIndex, "[]", "createArray(1)[true()]", "an index must be an integer"},
		{"[if(true(), div(1, 0), 1)]", ErrArgumentValue, "div", "div(1, 0)", "was invoked with a divisor of zero."},
		{"[map(createArray(1, 0), lambda('x', div(1, lambdaVariables('x'))))]", ErrArgumentValue, "div", "div(1, lambdaVariables('x'))", "divisor of zero"},
		{"[concat('a',)]", ErrParse, "", "", "Unable to parse language expression 'concat('a',)': expected token 'Identifier' and actual 'RightParenthesis'."},
		{"[contoso.missing()]", ErrExternal, "contoso.missing", "contoso.missing()", "The template function 'contoso.missing' is not valid."},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			_, err := testEngine.NewSession(testContext()).EvalString(tt.in)
			var ee *Error
			if !errors.As(err, &ee) {
				t.Fatalf("error %v (%T), want *Error", err, err)
			}
			if ee.Kind != tt.wantKind {
				t.Errorf("Kind = %v, want %v", ee.Kind, tt.wantKind)
			}
			if ee.Function != tt.wantFunc {
				t.Errorf("Function = %q, want %q", ee.Function, tt.wantFunc)
			}
			if got := ee.Expression[ee.Range.Start:ee.Range.End]; got != tt.wantText {
				t.Errorf("range %v covers %q, want %q", ee.Range, got, tt.wantText)
			}
			if ee.Expression != tt.in {
				t.Errorf("Expression = %q, want %q", ee.Expression, tt.in)
			}
			if !strings.Contains(ee.Message, tt.wantMsg) {
				t.Errorf("Message = %q, want it to contain %q", ee.Message, tt.wantMsg)
			}
		})
	}
}

func TestParseErrorOffset(t *testing.T) {
	_, err := testEngine.Compile("[concat('a' 'b')]")
	var ee *Error
	if !errors.As(err, &ee) || ee.Kind != ErrParse || ee.Range.Start != 12 {
		t.Fatalf("err = %#v, want a parse error at offset 12", err)
	}
}

// TestUnknownPropagation checks that values computed from an unknown stay
// unknown, named after the outermost call that consumed them, while
// navigation and lazy functions keep what is known.
func TestUnknownPropagation(t *testing.T) {
	ctx := func() *Context {
		c := testContext()
		c.Parameters = func(name string) (Value, error) {
			if name == "later" {
				return UnknownValue("reference('vm').id"), nil
			}
			if name == "partly" {
				o := NewObject(2)
				o.Set("known", String("yes"))
				o.Set("later", UnknownValue("reference('vm').x"))
				return ObjectValue(o), nil
			}
			return Null, fmt.Errorf("no parameter %s", name)
		}
		return c
	}
	tests := []struct {
		in          string
		wantUnknown string // expected Unknown.Expr; empty means a known value
		wantJSON    string
	}{
		{"[parameters('later')]", "reference('vm').id", ""},
		{"[toUpper(parameters('later'))]", "toUpper(parameters('later'))", ""},
		{"[concat('x', toUpper(parameters('later')))]", "concat('x', toUpper(parameters('later')))", ""},
		{"[parameters('later').name]", "parameters('later').name", ""},
		{"[parameters('partly').known]", "", `"yes"`},
		{"[string(parameters('partly'))]", "string(parameters('partly'))", ""},
		{"[length(parameters('partly'))]", "", "2"},
		{"[if(equals(parameters('later'), 'a'), 1, 2)]", "if(equals(parameters('later'), 'a'), 1, 2)", ""},
		{"[if(true(), 1, parameters('later'))]", "", "1"},
		{"[and(false(), equals(parameters('later'), 'a'))]", "", "false"},
		{"[and(equals(parameters('later'), 'a'), true())]", "and(equals(parameters('later'), 'a'), true())", ""},
		{"[coalesce(parameters('later'), 'x')]", "reference('vm').id", ""},
		{"[coalesce(null(), parameters('later'))]", "reference('vm').id", ""},
		{"[filter(createArray(1), lambda('x', equals(parameters('later'), 'a')))]", "filter(createArray(1), lambda('x', equals(parameters('later'), 'a')))", ""},
		{"[map(createArray(1), lambda('x', parameters('later')))[0]]", "reference('vm').id", ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := testEngine.NewSession(ctx()).EvalString(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			u, isUnknown := got.AsUnknown()
			if tt.wantUnknown != "" {
				if !isUnknown || u.Expr != tt.wantUnknown {
					t.Fatalf("got %s, want unknown %q", got, tt.wantUnknown)
				}
				return
			}
			if isUnknown || got.JSON() != tt.wantJSON {
				t.Fatalf("got %s, want %s", got, tt.wantJSON)
			}
		})
	}
}

func TestSecurePropagation(t *testing.T) {
	tests := []struct {
		in         string
		wantSecure bool
		want       string
	}{
		{"[parameters('secret')]", true, `"p@ss"`},
		{"[concat('pw:', parameters('secret'))]", true, `"pw:p@ss"`},
		{"[length(parameters('secret'))]", true, "4"},
		{"[createObject('pw', parameters('secret'))]", true, `{"pw":"p@ss"}`},
		{"[string(createObject('pw', parameters('secret')))]", true, `"{\"pw\":\"p@ss\"}"`},
		{"[createObject('pw', parameters('secret')).pw]", true, `"p@ss"`},
		{"[if(equals(parameters('secret'), 'x'), 'a', 'b')]", false, `"b"`},
		{"[coalesce(parameters('secret'), 'x')]", true, `"p@ss"`},
		{"[parameters('prefix')]", false, `"Contoso"`},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := testEngine.NewSession(testContext()).EvalString(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if got.HasSecure() != tt.wantSecure {
				t.Errorf("HasSecure = %v, want %v", got.HasSecure(), tt.wantSecure)
			}
			if got.JSON() != tt.want {
				t.Errorf("JSON = %s, want %s", got.JSON(), tt.want)
			}
			if tt.wantSecure && strings.Contains(got.String(), "p@ss") {
				t.Errorf("String() shows the secret: %s", got.String())
			}
		})
	}
}

func TestUserFunctions(t *testing.T) {
	tests := []struct {
		in   string
		want string
	}{
		{"[contoso.double(21)]", "42"},
		{"[CONTOSO.DOUBLE(contoso.double(2))]", "8"},
		{"[contoso.greet(parameters('prefix'))]", `"Hello Contoso"`},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := testEngine.NewSession(testContext()).EvalString(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if got.JSON() != tt.want {
				t.Fatalf("got %s, want %s", got.JSON(), tt.want)
			}
		})
	}
	t.Run("no hook", func(t *testing.T) {
		_, err := testEngine.NewSession(nil).EvalString("[contoso.double(1)]")
		if err == nil || !strings.Contains(err.Error(), "The template function 'contoso.double' is not valid.") {
			t.Fatalf("err = %v", err)
		}
	})
}

// reentrantUDF evaluates a user function body with the same session, as
// the template layer does.
type reentrantUDF struct {
	s    *Session
	body *Program
}

func (u *reentrantUDF) CallUser(ns, name string, args []Value) (Value, error) {
	arg := args[0]
	ctx := &Context{Parameters: func(string) (Value, error) { return arg, nil }}
	return u.s.EvalWith(ctx, u.body)
}

func TestEvalWithReentrant(t *testing.T) {
	eng := NewEngine()
	body, err := eng.Compile("[concat(parameters('name'), '-', toLower(parameters('name')))]")
	if err != nil {
		t.Fatal(err)
	}
	ctx := testContext()
	s := eng.NewSession(ctx)
	ctx.UserFunctions = &reentrantUDF{s: s, body: body}
	got, err := s.EvalString("[concat('<', ns.f(parameters('prefix')), '>', parameters('prefix'))]")
	if err != nil {
		t.Fatal(err)
	}
	if want := `"<Contoso-contoso>Contoso"`; got.JSON() != want {
		t.Fatalf("got %s, want %s", got.JSON(), want)
	}
	if s.Context() != ctx {
		t.Fatal("EvalWith did not restore the context")
	}
}

// recursiveUDF calls itself without end.
type recursiveUDF struct{ s *Session }

func (u recursiveUDF) CallUser(ns, name string, args []Value) (Value, error) {
	return u.s.EvalString("[ns.loop()]")
}

func TestEvalDepthLimit(t *testing.T) {
	ctx := testContext()
	s := testEngine.NewSession(ctx)
	ctx.UserFunctions = recursiveUDF{s}
	_, err := s.EvalString("[ns.loop()]")
	if err == nil || !strings.Contains(err.Error(), fmt.Sprintf("nested more than %d levels", maxEvalDepth)) {
		t.Fatalf("err = %v, want depth error", err)
	}
}

func TestPanicBecomesInternalError(t *testing.T) {
	boom := &Function{Name: "boom", Category: CategoryString, MinArgs: 0, MaxArgs: 0,
		Impl: func(Call, []Value) (Value, error) { panic("kaboom") }}
	eng := NewEngineWith(NewRegistry(BuiltinFunctions(), []*Function{boom}))
	_, err := eng.NewSession(nil).EvalString("[concat('a', boom())]")
	var ee *Error
	if !errors.As(err, &ee) || ee.Kind != ErrInternal || !strings.Contains(ee.Message, "kaboom") {
		t.Fatalf("err = %#v, want an internal error mentioning kaboom", err)
	}
}

// TestConcurrentSessions runs one program from many goroutines, one session
// each (run with -race).
func TestConcurrentSessions(t *testing.T) {
	eng := NewEngine()
	p, err := eng.Compile("[map(range(0, 20), lambda('i', concat(parameters('prefix'), string(lambdaVariables('i')))))]")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s := eng.NewSession(testContext())
			for i := 0; i < 50; i++ {
				v, err := s.Eval(p)
				if err != nil {
					errs <- err
					return
				}
				if e, _ := v.Index(19); e.JSON() != `"Contoso19"` {
					errs <- fmt.Errorf("got %s", v.JSON())
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func TestSetContext(t *testing.T) {
	s := testEngine.NewSession(testContext())
	p, _ := testEngine.Compile("[copyIndex()]")
	for i := int64(0); i < 3; i++ {
		ctx := testContext()
		ctx.CopyIndex = func(string) (int64, error) { return i, nil }
		s.SetContext(ctx)
		got, err := s.Eval(p)
		if err != nil {
			t.Fatal(err)
		}
		if n, _ := got.AsInt(); n != i {
			t.Fatalf("iteration %d: got %d", i, n)
		}
	}
}
