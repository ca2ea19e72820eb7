package evaluator

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

// evalCase is one function test: an expression (without the brackets) and
// either the expected value as JSON or a substring of the expected error.
// The subtest is named after the expression, like a call.
type evalCase struct {
	expr    string
	want    string // JSON; ignored when wantErr is set
	wantErr string
	unknown string // expected expression of an unknown result
	vec     string // arm-spec §5 vector number, when the case is one
	fn      string // function under test when it is not the top-level call
	ctx     func(*Context)
}

// ok expects expr to evaluate to the JSON value want.
func ok(expr, want string) evalCase { return evalCase{expr: expr, want: want} }

// okS expects expr to evaluate to the string want.
func okS(expr, want string) evalCase {
	b, _ := String(want).MarshalJSON()
	return evalCase{expr: expr, want: string(b)}
}

// okU expects expr to evaluate to an unknown value produced by text.
func okU(expr, text string) evalCase { return evalCase{expr: expr, unknown: text} }

// fails expects expr to fail with a message containing msg.
func fails(expr, msg string) evalCase { return evalCase{expr: expr, wantErr: msg} }

// v tags a case with its arm-spec vector number.
func (c evalCase) v(n string) evalCase { c.vec = n; return c }

// of names the function a case tests when it is not the top-level call.
func (c evalCase) of(fn string) evalCase { c.fn = fn; return c }

// with adjusts the test context for one case.
func (c evalCase) with(f func(*Context)) evalCase { c.ctx = f; return c }

var testEngine = NewEngine()

// dogs is the docs' lambda example data.
const dogsJSON = `[
 {"name":"Evie","age":5,"interests":["Ball","Frisbee"]},
 {"name":"Casper","age":3,"interests":["Other dogs"]},
 {"name":"Indy","age":2,"interests":["Butter"]},
 {"name":"Kira","age":8,"interests":["Rubs"]}]`

// testContext is a deterministic context: fixed clock, counting random
// source, the psrule deployment of arm-spec §5.5, a few parameters and
// variables, copy loops and one user function.
func testContext() *Context {
	params := mustObject(`{
		"prefix": "Contoso", "count": 3, "flag": true, "empty": "", "nothing": null,
		"tags": {"cost-center": "42", "env": "prod"},
		"list": ["a", "b", "c"],
		"secret": "p@ss"}`)
	vars := mustObject(`{"dogs": ` + dogsJSON + `, "obj": {"a": {"b": [10, 20]}}}`)
	loops := map[string]int64{"": 2, "disks": 4}
	return &Context{
		Deployment: Deployment{
			Name: "test-deployment", SubscriptionID: "ffffffff-ffff-ffff-ffff-ffffffffffff",
			SubscriptionName: "Test subscription",
			TenantID:         "00000000-0000-0000-0000-000000000001", ResourceGroup: "ps-rule-test-rg",
			ResourceGroupLocation: "eastus", ManagementGroup: "psrule-test", Mode: "Incremental",
		},
		Now:    func() time.Time { return time.Date(2019, 3, 5, 17, 53, 18, 0, time.UTC) },
		Random: &countingReader{},
		Parameters: func(name string) (Value, error) {
			v, ok := params.Get(name)
			if !ok {
				return Null, fmt.Errorf("The template parameter '%s' is not found.", name)
			}
			if strings.EqualFold(name, "secret") {
				return Secure(v), nil
			}
			return v, nil
		},
		Variables: func(name string) (Value, error) {
			v, ok := vars.Get(name)
			if !ok {
				return Null, fmt.Errorf("The template variable '%s' is not found.", name)
			}
			return v, nil
		},
		CopyIndex: func(loop string) (int64, error) {
			i, ok := loops[strings.ToLower(loop)]
			if !ok {
				return 0, fmt.Errorf("The template copy loop '%s' is not found.", loop)
			}
			return i, nil
		},
		UserFunctions: testUserFunctions{},
	}
}

func mustObject(s string) *Object {
	v, err := ParseJSON(s)
	if err != nil {
		panic(err)
	}
	o, _ := v.AsObject()
	return o
}

func mustJSON(t testing.TB, s string) Value {
	t.Helper()
	v, err := ParseJSON(s)
	if err != nil {
		t.Fatalf("bad JSON in test %q: %v", s, err)
	}
	return v
}

// countingReader yields 0, 1, 2, ... so newGuid is deterministic.
type countingReader struct{ n byte }

func (r *countingReader) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = r.n
		r.n++
	}
	return len(p), nil
}

// testUserFunctions implements contoso.double(int) and contoso.fail().
type testUserFunctions struct{}

func (testUserFunctions) CallUser(ns, name string, args []Value) (Value, error) {
	switch strings.ToLower(ns + "." + name) {
	case "contoso.double":
		n, _ := args[0].AsInt()
		return Int(2 * n), nil
	case "contoso.greet":
		s, _ := args[0].AsString()
		return String("Hello " + s), nil
	}
	return Null, fmt.Errorf("The template function '%s.%s' is not valid.", ns, name)
}

// sameValue is Equal plus identical kinds throughout (an int never equals a
// float here) and identical secure marks at the top.
func sameValue(a, b Value) bool {
	if a.Kind() != b.Kind() {
		return false
	}
	switch a.Kind() {
	case KindArray:
		x, _ := a.AsArray()
		y, _ := b.AsArray()
		if len(x) != len(y) {
			return false
		}
		for i := range x {
			if !sameValue(x[i], y[i]) {
				return false
			}
		}
		return true
	case KindObject:
		x, _ := a.AsObject()
		y, _ := b.AsObject()
		if x.Len() != y.Len() {
			return false
		}
		for i, k := range x.Keys() {
			yv, ok := y.Get(k)
			if !ok || !sameValue(x.ValueAt(i), yv) {
				return false
			}
		}
		return true
	case KindUnknown:
		x, _ := a.AsUnknown()
		y, _ := b.AsUnknown()
		return x.Expr == y.Expr
	}
	return Equal(a, b)
}

// runCases evaluates each case in its own subtest.
func runCases(t *testing.T, cases []evalCase) {
	t.Helper()
	for _, tc := range cases {
		name := tc.expr
		if tc.vec != "" {
			name = "#" + tc.vec + " " + name
		}
		t.Run(name, func(t *testing.T) {
			ctx := testContext()
			if tc.ctx != nil {
				tc.ctx(ctx)
			}
			s := testEngine.NewSession(ctx)
			got, err := s.EvalString("[" + tc.expr + "]")
			if tc.wantErr != "" {
				if err == nil {
					t.Fatalf("got %s, want error containing %q", got, tc.wantErr)
				}
				if !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error %q does not contain %q", err.Error(), tc.wantErr)
				}
				var ee *Error
				if !errors.As(err, &ee) {
					t.Fatalf("error of type %T, want *Error", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("unexpected error: %v", err)
			}
			if tc.unknown != "" {
				u, ok := got.AsUnknown()
				if !ok || u.Expr != tc.unknown {
					t.Fatalf("got %s (%s), want unknown %q", got.JSON(), got.Kind(), tc.unknown)
				}
				return
			}
			want := mustJSON(t, tc.want)
			if !sameValue(got.Unsecure(), want) {
				t.Fatalf("got  %s (%s)\nwant %s (%s)", got.JSON(), got.Kind(), want.JSON(), want.Kind())
			}
		})
	}
}
