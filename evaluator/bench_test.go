package evaluator

import (
	"strconv"
	"testing"
)

// benchExpr is a realistic 10-call expression: concat, toLower,
// parameters, uniqueString, parameters, if, equals, parameters, string,
// copyIndex.
const benchExpr = "[concat(toLower(parameters('prefix')), '-', uniqueString(parameters('prefix'), 'rg'), if(equals(parameters('count'), 3), '-a', '-b'), string(copyIndex()))]"

func BenchmarkEvalCached(b *testing.B) {
	eng := NewEngine()
	s := eng.NewSession(testContext())
	p, err := eng.Compile(benchExpr)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := s.Eval(p); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		if _, err := s.Eval(p); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkCompile(b *testing.B) {
	eng := NewEngine()
	b.ReportAllocs()
	for i := range b.N {
		// A new text each time defeats the cache.
		if _, err := eng.compile(benchExpr[:len(benchExpr)-2] + ", '" + strconv.Itoa(i) + "')]"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkChain256 evaluates 256 variables, each computed from the previous
// one through functions, with lazy memoised lookups re-entering the session
// (the shape of a template's variables section).
func BenchmarkChain256(b *testing.B) {
	eng := NewEngine()
	progs := make([]*Program, 256)
	for i := range progs {
		text := "['seed']"
		if i > 0 {
			text = "[concat(take(variables('v" + strconv.Itoa(i-1) + "'), 20), '-', uniqueString(string(" + strconv.Itoa(i) + ")))]"
		}
		p, err := eng.Compile(text)
		if err != nil {
			b.Fatal(err)
		}
		progs[i] = p
	}
	b.ReportAllocs()
	for range b.N {
		cache := make([]Value, len(progs))
		done := make([]bool, len(progs))
		ctx := &Context{}
		s := eng.NewSession(ctx)
		ctx.Variables = func(name string) (Value, error) {
			i, _ := strconv.Atoi(name[1:])
			if !done[i] {
				v, err := s.Eval(progs[i])
				if err != nil {
					return Null, err
				}
				cache[i], done[i] = v, true
			}
			return cache[i], nil
		}
		if _, err := s.EvalString("[variables('v255')]"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkLambdaMap(b *testing.B) {
	eng := NewEngine()
	p, err := eng.Compile("[map(range(0, 100), lambda('i', concat('vm-', string(lambdaVariables('i')))))]")
	if err != nil {
		b.Fatal(err)
	}
	s := eng.NewSession(nil)
	b.ReportAllocs()
	for range b.N {
		if _, err := s.Eval(p); err != nil {
			b.Fatal(err)
		}
	}
}
