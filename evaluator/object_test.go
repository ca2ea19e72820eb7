package evaluator

import "testing"

const items162 = `json('{"item002":{"enabled":false,"displayName":"Example item 2","number":200},"item001":{"enabled":true,"displayName":"Example item 1","number":300}}')`

// objectCases covers the object functions with the vectors of arm-spec §5.3.
var objectCases = []evalCase{
	// createObject
	ok("createObject('intProp',1,'stringProp','abc','boolProp',true(),'arrayProp',createArray('a','b','c'),'objectProp',createObject('key1','value1'))",
		`{"intProp":1,"stringProp":"abc","boolProp":true,"arrayProp":["a","b","c"],"objectProp":{"key1":"value1"}}`).v("173"),
	fails("createObject('intProp', 1, 'stringProp')", "must have an even number of parameters").v("174"),
	ok("createObject()", "{}"),
	fails("createObject(1, 2)", "expects the property name at index '0' to be of type 'String'"),
	// items
	ok("items("+items162+")",
		`[{"key":"item001","value":{"displayName":"Example item 1","enabled":true,"number":300}},{"key":"item002","value":{"displayName":"Example item 2","enabled":false,"number":200}}]`).v("162"),
	ok(`items(json('{"ghiKey":1,"ABCKey":2,"abcKey":3,"DEFKey":4,"123Key":5,"defKey":6,"GHIKey":7,"456Key":8}'))[3].key`, `"ABCKey"`).of("items"),
	ok(`map(items(json('{"ghiKey":1,"ABCKey":2,"abcKey":3,"DEFKey":4,"123Key":5,"defKey":6,"GHIKey":7,"456Key":8}')), lambda('i', lambdaVariables('i').key))`,
		`["123Key","456Key","abcKey","ABCKey","defKey","DEFKey","ghiKey","GHIKey"]`).of("items"),
	fails("items(createArray())", "expects its parameter to be of type 'Object'"),
	// objectKeys
	ok(`objectKeys(json('{"b":2,"a":1}'))`, `["a","b"]`).v("164"),
	ok(`objectKeys(json('{"b":1,"B":2,"a":3}'))`, `["a","b","B"]`),
	// json
	ok(`json('{"a": "b"}')`, `{"a":"b"}`).v("175"),
	okS(`json('"test"')`, "test").v("176"),
	ok("json('true')", "true").v("176"),
	ok("json('3')", "3").v("176"),
	ok("json('[1,2,3 ]')", "[1,2,3]").v("177"),
	ok(`json(concat('{"a": "', 'demo value', '"}'))`, `{"a":"demo value"}`).v("178"),
	ok("empty(json('null'))", "true").v("179"),
	ok("json('{''a'': ''b''}')", `{"a":"b"}`).v("180"),
	ok("json('1.5')", "1.5"),
	ok("json('null')", "null"),
	// What Newtonsoft's reader accepts besides JSON (issue 15: json('.25')).
	ok("json('.25')", "0.25"),
	ok("json('-.5')", "-0.5"),
	ok("json('1.')", "1.0"),
	ok("json('[.25, 1]')", "[0.25,1]"),
	ok("json('0x1F')", "31"),
	ok("json('-0x10')", "-16"),
	ok("json('010')", "8"),
	ok("json('0')", "0"),
	ok("json('0.5')", "0.5"),
	ok("json('undefined')", "null"),
	ok("json('[1,2,]')", "[1,2]"),
	ok(`json('{"a": 1,}')`, `{"a":1}`),
	fails("json('.')", "invalid number"),
	fails("json('-')", "invalid number"),
	fails("json('09')", "invalid number"),
	ok("json('{a: 1 /* comment */}')", `{"a":1}`),
	fails("json('{\"a\": }')", "The template language function 'json' parameter is not valid."),
	fails("json('[1] x')", "additional text after the JSON value"),
	fails("json(1)", "expects its parameter to be of type 'String'"),
	// null
	ok("null()", "null"),
	// shallowMerge
	ok(`shallowMerge(createArray(json('{"foo":"foo"}'), json('{"foo":"bar"}')))`, `{"foo":"bar"}`).v("165"),
	ok(`shallowMerge(createArray(json('{"foo":"foo"}'), json('{"bar":"bar"}')))`, `{"foo":"foo","bar":"bar"}`).v("166"),
	ok(`shallowMerge(createArray(json('{"a":{"x":1}}'), null(), json('{"a":{"y":2}}')))`, `{"a":{"y":2}}`),
	fails("shallowMerge(createArray(1))", "expects its parameter to be an array of objects"),
}

func TestObjectFunctions(t *testing.T) { runCases(t, objectCases) }
