package evaluator

import "testing"

const dogs = "variables('dogs')"

// lambdaCases covers the lambda functions with the lambda vectors of
// arm-spec §5.3.
var lambdaCases = []evalCase{
	// filter
	ok("filter("+dogs+", lambda('dog', greaterOrEquals(lambdaVariables('dog').age, 5)))",
		`[{"name":"Evie","age":5,"interests":["Ball","Frisbee"]},{"name":"Kira","age":8,"interests":["Rubs"]}]`).v("181"),
	ok("filter(range(0,10), lambda('i', greater(lambdaVariables('i'), 5)))", "[6,7,8,9]").v("182"),
	ok("filter(range(0,10), lambda('i', equals(0, mod(lambdaVariables('i'), 2))))", "[0,2,4,6,8]").v("183"),
	ok("filter(createArray('abc','def','ghi'), lambda('foo', equals('def', lambdaVariables('foo'))))", `["def"]`).v("200"),
	ok("filter(createArray('a','b','c'), lambda('x', 'i', greater(lambdaVariables('i'), 0)))", `["b","c"]`),
	fails("filter(createArray(1), lambda('x', 1))", "expects its lambda to return a boolean"),
	fails("filter(createArray(1), lambda('x', 'y', 'z', true()))", "must have 1 to 2 parameter(s) but has 3"),
	// map
	ok("map("+dogs+", lambda('dog', lambdaVariables('dog').name))", `["Evie","Casper","Indy","Kira"]`).v("184"),
	ok("map("+dogs+", lambda('dog', format('Hello {0}!', lambdaVariables('dog').name)))",
		`["Hello Evie!","Hello Casper!","Hello Indy!","Hello Kira!"]`).v("185"),
	ok("map(range(0,4), lambda('i', createObject('i', lambdaVariables('i'), 'dog', variables('dogs')[lambdaVariables('i')].name, 'greeting', format('Ahoy, {0}!', variables('dogs')[lambdaVariables('i')].name))))",
		`[{"i":0,"dog":"Evie","greeting":"Ahoy, Evie!"},{"i":1,"dog":"Casper","greeting":"Ahoy, Casper!"},{"i":2,"dog":"Indy","greeting":"Ahoy, Indy!"},{"i":3,"dog":"Kira","greeting":"Ahoy, Kira!"}]`).v("186"),
	ok("map(createArray('a', 'b'), lambda('x', 'i', concat(lambdaVariables('x'), string(lambdaVariables('i')))))", `["a0","b1"]`),
	ok("map(createArray(createArray(1, 2), createArray(3)), lambda('row', map(lambdaVariables('row'), lambda('x', mul(lambdaVariables('x'), 10)))))", "[[10,20],[30]]"),
	ok("map(createArray(1), lambda('x', map(createArray(2), lambda('y', add(lambdaVariables('x'), lambdaVariables('y'))))))", "[[3]]"),
	fails("map(createArray(1), lambda('x', lambdaVariables('y')))", "The lambda variable 'y' is not defined"),
	fails("map(createArray(1), lambda(1, 2))", "expects its parameter names to be string literals"),
	// reduce
	ok("reduce(createArray(5,3,2,8), 0, lambda('cur','next', add(lambdaVariables('cur'), lambdaVariables('next'))))", "18").v("187"),
	ok("reduce(createArray(5,3,2,8), 1, lambda('cur','next', add(lambdaVariables('cur'), lambdaVariables('next'))))", "19").v("188"),
	ok("reduce(createArray(createObject('foo',123), createObject('bar',456), createObject('baz',789)), createObject(), lambda('cur','next', union(lambdaVariables('cur'), lambdaVariables('next'))))",
		`{"foo":123,"bar":456,"baz":789}`).v("189"),
	ok("reduce(createArray(), 0, lambda('cur','next', lambdaVariables('cur')))", "0").v("192"),
	ok("reduce(createArray(1, 1, 1), 0, lambda('cur', 'next', 'i', add(lambdaVariables('cur'), lambdaVariables('i'))))", "3"),
	// sort
	ok("map(sort("+dogs+", lambda('a','b', less(lambdaVariables('a').age, lambdaVariables('b').age))), lambda('d', lambdaVariables('d').name))",
		`["Indy","Casper","Evie","Kira"]`).v("193").of("sort"),
	ok("sort(createArray('ghi','abc','def'), lambda('x','y', less(lambdaVariables('x'), lambdaVariables('y'))))", `["abc","def","ghi"]`).v("195"),
	ok("sort(createArray('ghi','abc','def'), lambda('x','y', greater(lambdaVariables('x'), lambdaVariables('y'))))", `["ghi","def","abc"]`).v("195"),
	ok("sort(createArray('b', 'B', 'a', 'A'), lambda('x','y', less(lambdaVariables('x'), lambdaVariables('y'))))", `["a","A","b","B"]`),
	// toObject
	ok("toObject("+dogs+", lambda('entry', lambdaVariables('entry').name))",
		`{"Evie":{"name":"Evie","age":5,"interests":["Ball","Frisbee"]},"Casper":{"name":"Casper","age":3,"interests":["Other dogs"]},"Indy":{"name":"Indy","age":2,"interests":["Butter"]},"Kira":{"name":"Kira","age":8,"interests":["Rubs"]}}`).v("196"),
	ok("toObject("+dogs+", lambda('d', lambdaVariables('d').name), lambda('d', lambdaVariables('d').age))", `{"Evie":5,"Casper":3,"Indy":2,"Kira":8}`),
	fails("toObject(createArray(1), lambda('x', lambdaVariables('x')))", "expects its key lambda to return a string"),
	// groupBy
	ok("groupBy(createArray('foo','bar','baz'), lambda('x', substring(lambdaVariables('x'),0,1)))", `{"f":["foo"],"b":["bar","baz"]}`).v("201"),
	ok("groupBy(createArray('foo','bar'), lambda('x', 'k'), lambda('x', length(lambdaVariables('x'))))", `{"k":[3,3]}`),
	// mapValues
	ok(`mapValues(json('{"foo":"foo"}'), lambda('val', toUpper(lambdaVariables('val'))))`, `{"foo":"FOO"}`).v("202"),
	// lambda, lambdaVariables placement
	fails("lambda('x', 1)", "The template function 'lambda' is not expected at this location.").of("lambda"),
	fails("createArray(lambda('x', 1))", "The template function 'lambda' is not expected at this location.").of("lambda"),
	fails("lambdaVariables('x')", "The template function 'lambdaVariables' is not expected at this location."),
	ok("map(createArray(1), lambda('X', lambdaVariables('x')))", "[1]").of("lambdaVariables"),
	fails("map(createArray(1), 'x')", "expects its second parameter to be of type 'Lambda'"),
}

func TestLambdaFunctions(t *testing.T) { runCases(t, lambdaCases) }
