package evaluator

import "testing"

// comparisonCases covers the comparison functions with the vectors of
// arm-spec §5.4.
var comparisonCases = []evalCase{
	// coalesce
	okS("coalesce(null(), null(), 'default')", "default").v("205"),
	ok("coalesce(null(), null(), 1)", "1").v("206"),
	ok(`coalesce(null(), null(), json('{"first":"default"}'))`, `{"first":"default"}`).v("206"),
	ok("coalesce(null(), null(), createArray(1))", "[1]").v("206"),
	ok("empty(coalesce(null(), null()))", "true").v("207"),
	ok("coalesce(null(), 123)", "123").v("216"),
	okS("coalesce('', 'x')", ""),
	ok("coalesce(null())", "null"),
	okS("coalesce('first', fail('not evaluated'))", "first"),
	// equals
	ok("equals(1, 1)", "true").v("208"),
	ok("equals('a','a')", "true").v("208"),
	ok("equals(createArray('a','b'), createArray('a','b'))", "true").v("208"),
	ok(`equals(json('{"a":"b"}'), json('{"a":"b"}'))`, "true").v("208"),
	ok("equals(123, 456)", "false").v("215"),
	ok("equals('a', 'A')", "false"),
	ok("equals(createArray(), createArray())", "true"),
	ok(`equals(json('{"a":1,"b":2}'), json('{"B":2,"a":1}'))`, "true"),
	ok("equals(1, '1')", "false"),
	ok("equals(null(), null())", "true"),
	// greater, greaterOrEquals, less, lessOrEquals
	ok("greater(1, 2)", "false").v("210"),
	ok("greater('A', 'a')", "true").v("210"),
	ok("greaterOrEquals(1, 2)", "false").v("211"),
	ok("greaterOrEquals('A', 'a')", "true").v("211"),
	ok("less(1, 2)", "true").v("212"),
	ok("less('A', 'a')", "false").v("212"),
	ok("lessOrEquals(1, 2)", "true").v("213"),
	ok("lessOrEquals('A', 'a')", "false").v("213"),
	ok("greater('Test2','Test1')", "true").v("214"),
	ok("less('Test1','Test2')", "true").v("214"),
	ok("less(123, 456)", "true").v("215"),
	ok("lessOrEquals(123, 456)", "true").v("215"),
	ok("greater(123, 456)", "false").v("215"),
	ok("greaterOrEquals(123, 456)", "false").v("215"),
	ok("greaterOrEquals(2, 2)", "true"),
	ok("lessOrEquals('b', 'B')", "true"),
	ok("less('abc', 'ABD')", "true"),
	ok("less(json('1.5'), 2)", "true"),
	fails("less(1, 'a')", "expects two parameters of the same type"),
	fails("greater(createArray(), createArray())", "The provided values are of type 'Array' and 'Array'"),
}

func TestComparisonFunctions(t *testing.T) { runCases(t, comparisonCases) }
