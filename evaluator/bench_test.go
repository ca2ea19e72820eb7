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
	s.SetBudget(unlimited())
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
	s.SetBudget(unlimited())
	b.ReportAllocs()
	for range b.N {
		if _, err := s.Eval(p); err != nil {
			b.Fatal(err)
		}
	}
}

// benchPaths runs f once with every unit interpreted and once with every
// unit compiled when resolved.
func benchPaths(b *testing.B, f func(b *testing.B)) {
	defer func(p evalPath) { currentPath = p }(currentPath)
	for _, p := range []struct {
		name string
		path evalPath
	}{{"interpreted", pathInterp}, {"compiled", pathCompiled}} {
		b.Run(p.name, func(b *testing.B) {
			currentPath = p.path
			f(b)
		})
	}
}

// BenchmarkOneShot compiles and evaluates a new expression each time, as
// a template's names, dependsOn entries and property values are: the
// interpreter skips lowering, type-checking and compiling to expr.
func BenchmarkOneShot(b *testing.B) {
	benchPaths(b, func(b *testing.B) {
		eng := NewEngine()
		s := eng.NewSession(testContext())
		s.SetBudget(unlimited())
		b.ReportAllocs()
		for i := range b.N {
			p, err := eng.compile(benchExpr[:len(benchExpr)-2] + ", '" + strconv.Itoa(i) + "')]")
			if err != nil {
				b.Fatal(err)
			}
			if _, err := s.Eval(p); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkRepeated evaluates one program many times, as a copy loop or a
// lambda body runs.
func BenchmarkRepeated(b *testing.B) {
	benchPaths(b, func(b *testing.B) {
		eng := NewEngine()
		s := eng.NewSession(testContext())
		s.SetBudget(unlimited())
		p, err := eng.Compile(benchExpr)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		for range b.N {
			if _, err := s.Eval(p); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkRepeatedLambda is BenchmarkLambdaMap on each path.
func BenchmarkRepeatedLambda(b *testing.B) {
	benchPaths(b, BenchmarkLambdaMap)
}

// unlimited is a budget a benchmark's b.N runs cannot exhaust.
func unlimited() *Budget { return NewBudgetOf(1<<62, 1<<62) }
