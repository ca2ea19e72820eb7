package evaluator

import "testing"

// numericCases covers the numeric functions with the vectors of arm-spec
// §5.4.
var numericCases = []evalCase{
	ok("add(5, 3)", "8").v("222"),
	ok("sub(7, 3)", "4").v("222"),
	ok("mul(5, 3)", "15").v("222"),
	ok("div(8, 3)", "2").v("222"),
	ok("mod(7, 3)", "1").v("222"),
	ok("int('4')", "4").v("224"),
	fails("div(8, 0)", "The template language function 'div' was invoked with a divisor of zero.").v("225"),
	fails("mod(7, 0)", "The template language function 'mod' was invoked with a divisor of zero.").v("225"),
	ok("float('3.0')", "3.0").v("226"),
	ok("float(3)", "3.0").v("226"),
	ok("add(-5, 3)", "-2"),
	ok("div(-7, 2)", "-3"),
	ok("mod(-7, 3)", "-1"),
	ok("div(6, 11)", "0"),
	ok("mod(20, 7)", "6"),
	ok("sub(3, 7)", "-4"),
	ok("mul(-4, 3)", "-12"),
	ok("add(9223372036854775806, 1)", "9223372036854775807"),
	fails("add(9223372036854775807, 1)", "overflows a 64-bit integer"),
	fails("sub(-9223372036854775808, 1)", "overflows a 64-bit integer"),
	fails("mul(4611686018427387904, 2)", "overflows a 64-bit integer"),
	fails("div(-9223372036854775808, -1)", "overflows a 64-bit integer"),
	ok("mod(-9223372036854775808, -1)", "0"),
	fails("add('1', 2)", "expects its first parameter to be of type 'Integer'. The provided value is of type 'String'."),
	fails("add(1, json('1.5'))", "expects its second parameter to be of type 'Integer'. The provided value is of type 'Float'."),
	fails("add(1)", "function requires 2 argument(s) while 1 were provided"),
	// int
	ok("int(' -12 ')", "-12"),
	ok("int(7)", "7"),
	ok("int(json('2.5'))", "2"),
	fails("int('abc')", "cannot convert the value 'abc' to an integer"),
	fails("int(true())", "expects its parameter to be of type 'String'"),
	// float
	ok("float('-1.25')", "-1.25"),
	fails("float('x')", "cannot convert the value 'x' to a floating-point number"),
	// copyIndex
	ok("copyIndex()", "2"),
	ok("copyIndex(1)", "3"),
	ok("copyIndex('disks')", "4"),
	ok("copyIndex('DISKS', 10)", "14"),
	fails("copyIndex('nope')", "The template copy loop 'nope' is not found."),
	fails("copyIndex(true())", "expects its first parameter to be of type 'Integer'"),
	fails("copyIndex()", "The template function 'copyIndex' is not expected at this location.").with(func(c *Context) { c.CopyIndex = nil }),
}

func TestNumericFunctions(t *testing.T) { runCases(t, numericCases) }
