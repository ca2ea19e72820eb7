package evaluator

import "testing"

// logicalCases covers the logical functions with the vectors of arm-spec
// §5.4, including the laziness of if, and and or.
var logicalCases = []evalCase{
	// and, or, not
	ok("and(bool('true'), bool('false'))", "false").v("217"),
	ok("or(bool('true'), bool('false'))", "true").v("217"),
	ok("not(bool('true'))", "false").v("217"),
	ok("not(equals(1, 2))", "true").v("209"),
	ok("and(true(), true(), true())", "true"),
	ok("or(false(), false(), false())", "false"),
	ok("and(false(), fail('not evaluated'))", "false"),
	ok("or(true(), fail('not evaluated'))", "true"),
	ok("and(not(empty(parameters('list'))), equals(parameters('list')[0], 'a'))", "true"),
	ok("and(not(empty(createArray())), equals(createArray()[0], 'a'))", "false"),
	fails("and(true(), 1)", "The provided arguments for template language function 'and' is not valid: all arguments should be of type 'boolean'."),
	fails("or(false(), 'x')", "The provided arguments for template language function 'or' is not valid"),
	fails("not(1)", "The provided arguments for template language function 'not' is not valid"),
	fails("and(true())", "function requires at least 2 argument(s) while 1 were provided"),
	// bool
	ok("bool('true')", "true").v("218"),
	ok("bool('false')", "false").v("218"),
	ok("bool(1)", "true").v("218"),
	ok("bool(0)", "false").v("218"),
	ok("bool('TRUE')", "true"),
	ok("bool(true())", "true"),
	fails("bool('yes')", "expects its parameter to be the string 'true' or 'false'"),
	fails("bool(createArray())", "expects its parameter to be of type 'String'"),
	// if
	okS("if(equals('a','a'), 'yes', 'no')", "yes").v("219"),
	okS("if(equals('a','b'), 'yes', 'no')", "no").v("219"),
	ok(`if(equals('a','a'), json('{"test":"value1"}'), json('null'))`, `{"test":"value1"}`).v("220"),
	okS("if(true(), 'chosen', fail('not evaluated'))", "chosen"),
	okS("if(false(), createArray()[5], 'safe')", "safe"),
	fails("if('true', 1, 2)", "The provided arguments for template language function 'if' is not valid: all arguments should be of type 'boolean'."),
	fails("if(true(), 1)", "function requires 3 argument(s) while 2 were provided"),
	// true, false
	ok("true()", "true").v("221"),
	ok("false()", "false").v("221"),
	fails("true(1)", "function requires 0 argument(s) while 1 were provided"),
}

func TestLogicalFunctions(t *testing.T) { runCases(t, logicalCases) }
