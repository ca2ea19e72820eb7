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
