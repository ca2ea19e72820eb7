package evaluator

import (
	"errors"
	"strings"
	"testing"
)

// FuzzEval compiles and evaluates arbitrary expressions: evaluation must
// never panic (an internal error) and every error must be an *Error whose
// range lies within the expression.
func FuzzEval(f *testing.F) {
	for _, c := range allCases() {
		f.Add("[" + c.expr + "]")
	}
	f.Add("[if(parameters('flag'), createArray(1)[0], 'x')]")
	f.Add("[coalesce(tryGet(variables('obj'), 'a', 'b', 5), 7)]")
	eng := NewEngine()
	f.Fuzz(func(t *testing.T, s string) {
		if len(s) > 160 || strings.Count(s, "range") > 0 && strings.Count(s, "lambda") > 0 {
			return // keep each input fast: nested loops over range() are slow, not wrong
		}
		ctx := testContext()
		ctx.Resolver = fakeResolver{}
		v, err := eng.NewSession(ctx).EvalString(s)
		if err == nil {
			if _, merr := v.MarshalJSON(); merr != nil && v.Kind() != KindLambda {
				t.Fatalf("result of %q does not marshal: %v", s, merr)
			}
			return
		}
		var ee *Error
		if !errors.As(err, &ee) {
			t.Fatalf("error of type %T for %q: %v", err, s, err)
		}
		if ee.Kind == ErrInternal {
			t.Fatalf("internal error for %q: %v", s, err)
		}
		if ee.Expression != "" && (ee.Range.Start < 0 || ee.Range.End > len(ee.Expression) || ee.Range.Start > ee.Range.End) {
			t.Fatalf("range %v outside %q", ee.Range, ee.Expression)
		}
	})
}
