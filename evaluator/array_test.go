package evaluator

import "testing"

const nested = "createArray(createArray(1,2,3), createArray(2,3,4), createArray(3,4,5), createArray(2,3,4))"

// arrayCases covers the array functions with the non-lambda vectors of
// arm-spec §5.3.
var arrayCases = []evalCase{
	// array
	ok("array(1)", "[1]").v("116"),
	ok("array('efgh')", `["efgh"]`).v("117"),
	ok(`array(json('{"a":"b","c":"d"}'))`, `[{"a":"b","c":"d"}]`).v("118"),
	ok("array(createArray())", "[]"),
	// concat
	ok("concat(createArray('1-1','1-2','1-3'), createArray('2-1','2-2','2-3'))", `["1-1","1-2","1-3","2-1","2-2","2-3"]`).v("119"),
	ok("concat(createArray(1), null(), createArray(2))", "[1,2]"),
	fails("concat(createArray(1), 'a')", "The provided parameters for language function 'concat' are invalid. Either all or none of the parameters must be an array."),
	// contains
	ok(`contains(json('{"one":"a","two":"b","three":"c"}'), 'one')`, "true").v("120"),
	ok(`contains(json('{"one":"a","two":"b","three":"c"}'), 'a')`, "false").v("121"),
	ok(`contains(json('{"one":"a","two":"b","three":"c"}'), 'Two')`, "true").v("122"),
	ok("contains(createArray('one','two','three'), 'three')", "true").v("123"),
	ok("contains(createArray('one','two','three'), 'four')", "false").v("124"),
	ok("contains(createArray('FOO','BAR'), 'foo')", "false"),
	ok("contains(createArray('FOO'), 123)", "false"),
	ok("contains(createArray(createArray(1)), createArray(1))", "true"),
	fails("contains(1, 1)", "expects its first parameter to be of type 'Array'"),
	// createArray
	ok("createArray('a','b','c')", `["a","b","c"]`).v("126"),
	ok("createArray(1, 2, 3)", "[1,2,3]").v("127"),
	ok("createArray(createArray('one','two','three'))", `[["one","two","three"]]`).v("128"),
	ok("createArray()", "[]").v("129"),
	// empty
	ok("empty(createArray())", "true").v("130"),
	ok("empty(json('{}'))", "true").v("130"),
	ok("empty(null())", "true").v("130"),
	ok("empty(createArray(1))", "false"),
	fails("empty(1)", "expects its parameter to be of type 'Array'"),
	// first, last
	okS("first(createArray('one','two','three'))", "one").v("131"),
	okS("last(createArray('one','two','three'))", "three").v("132"),
	ok("first(createArray())", "null").v("133"),
	ok("last(createArray())", "null").v("133"),
	ok("first(null())", "null"),
	// flatten
	ok("flatten(createArray())", "[]").v("135"),
	ok("flatten(createArray(createArray(1, 2), createArray(3), createArray(createArray(4))))", "[1,2,3,[4]]"),
	fails("flatten(createArray(1))", "expects its parameter to be an array of arrays"),
	// indexOf, lastIndexOf on arrays
	ok("indexOf(createArray('fizz','buzz','pop','fizz'), 'fizz')", "0").v("137"),
	ok("indexOf("+nested+", createArray(2,3,4))", "1").v("139"),
	ok("lastIndexOf("+nested+", createArray(2,3,4))", "3").v("140"),
	ok("indexOf(createArray('one','Two','three','two'), 'two')", "3").v("141"),
	ok("lastIndexOf(createArray('a', 'b'), 'c')", "-1"),
	ok("indexOf(createArray(1, '1'), '1')", "1"),
	// indexFromEnd, tryIndexFromEnd
	okS("indexFromEnd(createArray('one','two','three'), 1)", "three").v("170"),
	okS("indexFromEnd(createArray('one','two','three'), 2)", "two").v("170"),
	okS("indexFromEnd(createArray('one','two','three'), 3)", "one").v("170"),
	fails("indexFromEnd(createArray('one','two','three'), 4)", "reverse index '4' is out of bounds").v("171"),
	fails("indexFromEnd(createArray('one'), 0)", "reverse index '0' is out of bounds"),
	ok("tryIndexFromEnd(createArray('one','two','three'), 4)", "null").v("172"),
	ok("tryIndexFromEnd(createArray('one','two','three'), -1)", "null").v("172"),
	okS("tryIndexFromEnd(createArray('one','two','three'), 1)", "three"),
	ok("tryIndexFromEnd(null(), 1)", "null"),
	// intersection
	ok(`intersection(json('{"one":"a","two":"b","three":"c"}'), json('{"one":"a","two":"z","three":"c"}'))`, `{"one":"a","three":"c"}`).v("142"),
	ok("intersection(createArray('one','two','three'), createArray('two','three'))", `["two","three"]`).v("143"),
	ok("intersection(createArray(1, 1, 2), createArray(1, 2), createArray(1))", "[1]"),
	fails("intersection(createArray(1), createObject())", "expects its second parameter to be of type 'Array'"),
	// length
	ok("length(createArray('one','two','three'))", "3").v("145"),
	ok(`length(json('{"propA":"one","propB":"two","propC":"three","propD":{"propD-1":"sub","propD-2":"sub"}}'))`, "4").v("146"),
	ok("length(createArray(1,2,3,4,5))", "5").v("147"),
	fails("length(null())", "expects its parameter to be an array, an object or a string. The provided value is of type 'Null'."),
	// max, min
	ok("max(createArray(0,3,2,5,4))", "5").v("148"),
	ok("max(0,3,2,5,4)", "5").v("148"),
	ok("min(createArray(0,3,2,5,4))", "0").v("149"),
	ok("min(0,3,2,5,4)", "0").v("149"),
	ok("max(-7)", "-7"),
	fails("max('a', 'b')", "expects integers or an array of integers"),
	fails("min(createArray())", "expects at least one integer"),
	// range
	ok("range(5, 3)", "[5,6,7]").v("151"),
	ok("range(3, 10)", "[3,4,5,6,7,8,9,10,11,12]").v("152"),
	ok("range(1, 0)", "[]").v("153"),
	ok("range(-2, 2)", "[-2,-1]"),
	fails("range(0, 10001)", "count) to be between 0 and 10000"),
	fails("range(0, -1)", "count) to be between 0 and 10000"),
	fails("range(2147483647, 1)", "at most 2147483647"),
	// skip, take on arrays
	ok("skip(createArray('one','two','three'), 2)", `["three"]`).v("154"),
	ok("take(createArray('one','two','three'), 2)", `["one","two"]`).v("155"),
	ok("take(createArray('fizz','buzz','pop'), 2)", `["fizz","buzz"]`).v("156"),
	ok("skip(createArray(1), 5)", "[]"),
	ok("take(createArray(1, 2), -1)", "[]"),
	fails("skip(createArray(1), 'a')", "expects its second parameter to be of type 'Integer'"),
	// tryGet
	okS(`tryGet(json('{"properties":{"displayName":"Test 001","values":["Value 1","Value 2"]}}'), 'properties', 'values', 1)`, "Value 2").v("167"),
	ok(`tryGet(json('{"properties":{"displayName":"Test 001","values":["Value 1","Value 2"]}}'), 'properties', 'values', 2)`, "null").v("168"),
	ok(`tryGet(json('{"properties":{"displayName":"Test 001","values":["Value 1","Value 2"]}}'), 'notValue')`, "null").v("168"),
	okS("tryGet(createArray('one','two'), 1)", "two").v("169"),
	ok("tryGet(createObject('foo', createArray(createObject('bar','baz'))), 'fizz')", "null").v("203"),
	ok("tryGet(createObject('foo', createArray(createObject('bar','baz'))).foo, 10)", "null").v("204"),
	ok("tryGet(null(), 'a')", "null"),
	okS("tryGet(createObject('Key', 'v'), 'KEY')", "v"),
	// union
	ok(`union(json('{"one":"a","two":"b","three":"c1"}'), json('{"three":"c2","four":"d","five":"e"}'))`, `{"one":"a","two":"b","three":"c2","four":"d","five":"e"}`).v("157"),
	ok("union(createArray('one','two','three'), createArray('three','four'))", `["one","two","three","four"]`).v("158"),
	ok("union(createArray('fizz','buzz'), createArray('pop'))", `["fizz","buzz","pop"]`).v("159"),
	ok(`union(json('{"property":{"one":"a","two":"b","three":"c1"},"nestedArray":[1,2]}'), json('{"property":{"three":"c2","four":"d","five":"e"},"nestedArray":[3,4]}'))`,
		`{"property":{"one":"a","two":"b","three":"c2","four":"d","five":"e"},"nestedArray":[3,4]}`).v("160"),
	ok(`union(json('[["one","two"],["three"]]'), json('[["three"],["four","two"]]'))`, `[["one","two"],["three"],["four","two"]]`).v("161"),
	ok("union(null(), createArray(1), createArray(1, 2))", "[1,2]"),
	fails("union(createArray(1), createObject())", "expects its parameters to be all arrays or all objects"),
}

func TestArrayFunctions(t *testing.T) { runCases(t, arrayCases) }
