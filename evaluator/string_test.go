package evaluator

import (
	"regexp"
	"testing"
)

// stringCases covers the string functions, with every vector of arm-spec
// §5.1 and §5.2 (one case per value of multi-value rows).
var stringCases = []evalCase{
	// base64, base64ToString, base64ToJson
	okS("base64('one, two, three')", "b25lLCB0d28sIHRocmVl").v("1"),
	okS("base64ToString('b25lLCB0d28sIHRocmVl')", "one, two, three").v("2"),
	okS("base64('{''one'': ''a'', ''two'': ''b''}')", "eydvbmUnOiAnYScsICd0d28nOiAnYid9").v("3"),
	ok("base64ToJson('eydvbmUnOiAnYScsICd0d28nOiAnYid9')", `{"one":"a","two":"b"}`).v("4"),
	okS("base64ToString('IEZpenog')", " Fizz ").v("6"),
	fails("base64(100)", "The template language function 'base64' expects its parameter to be of type 'String'. The provided value is of type 'Integer'."),
	fails("base64ToString('%%%')", "expects its parameter to be a valid base64 string"),
	fails("base64ToJson(base64('{'))", "cannot be parsed"),
	// dataUri, dataUriToString
	okS("dataUri('Hello')", "data:text/plain;charset=utf-8;base64,SGVsbG8=").v("9"),
	okS("dataUri(100)", "data:application/json;charset=utf-8;base64,MTAw"),
	okS("dataUriToString('data:;base64,SGVsbG8sIFdvcmxkIQ==')", "Hello, World!").v("10"),
	okS("dataUriToString('data:,SGVsbG8sIFdvcmxkIQ==')", "SGVsbG8sIFdvcmxkIQ==").v("11"),
	okS("dataUriToString(dataUri('round trip'))", "round trip"),
	okS("dataUriToString('data:text/plain;charset=UTF-8;page=21,the%20data:1234,5678')", "the data:1234,5678"),
	fails("dataUriToString('hello')", "expects its parameter to be a data URI"),
	// first, last on strings
	okS("first('One Two Three')", "O").v("12"),
	okS("last('One Two Three')", "e").v("13"),
	okS("first('Fizz')", "F").v("14"),
	okS("last('Fizz')", "z").v("14"),
	okS("first('')", ""),
	// format
	okS("format('{0}, {1}. Formatted number: {2:N0}', 'Hello', 'User', 8175133)", "Hello, User. Formatted number: 8,175,133").v("15"),
	okS("format('>{0}<', 12948)", ">12948<").v("18"),
	okS("format('Hello {0}!', 'Evie')", "Hello Evie!").v("21"),
	okS("format('[{0,8}]', 'ab')", "[      ab]"),
	okS("format('[{0,-8}]', 'ab')", "[ab      ]"),
	okS("format('[{0,6:D4}]', 42)", "[  0042]"),
	okS("format('{0:D4}', -42)", "-0042"),
	okS("format('{0:X}', 255)", "FF"),
	okS("format('{0:x8}', 255)", "000000ff"),
	okS("format('{0:X}', -1)", "FFFFFFFFFFFFFFFF"),
	okS("format('{0:N}', 1234)", "1,234.00"),
	okS("format('{0:N2}', json('1234.5678'))", "1,234.57"),
	okS("format('{0:F1}', json('0.25'))", "0.3"),
	okS("format('{0:P0}', json('0.5'))", "50 %"),
	okS("format('{0:E2}', 12345)", "1.23E+004"),
	okS("format('{0:000}', 7)", "007"),
	okS("format('{0:#,##0}', 1234567)", "1,234,567"),
	okS("format('{{{0}}}', 'x')", "{x}"),
	okS("format('{0} and {1}', true(), false())", "True and False"),
	okS("format('{0}', createObject('a', 'b', '!c', 2))", "{'a':'b','!c':2}"),
	okS("format('{0}', createArray(true(), 2893, 'abc'))", "[true,2893,'abc']"),
	okS("format('{0}|{1}', null(), json('1.5'))", "|1.5"),
	okS("format('{0:N0}', 'text')", "text"),
	okS("format('no placeholders')", "no placeholders"),
	fails("format('{1}', 'a')", "Index (zero based) must be greater than or equal to zero and less than the size of the argument list."),
	fails("format('{0', 'a')", "Input string was not in a correct format."),
	fails("format('}', 'a')", "Input string was not in a correct format."),
	// indexOf, lastIndexOf on strings
	ok("indexOf('test', 't')", "0").v("22"),
	ok("lastIndexOf('test', 't')", "3").v("23"),
	ok("indexOf('abcdef', 'CD')", "2").v("24"),
	ok("lastIndexOf('abcdef', 'AB')", "0").v("25"),
	ok("indexOf('abcdef', 'z')", "-1").v("26"),
	ok("indexOf('FOOBAR', 'BAR')", "3").v("28"),
	ok("indexOf('food', 'o')", "1").v("29"),
	ok("indexOf('abcdef', '')", "0"),
	ok("lastIndexOf('abcdef', '')", "5"),
	// contains on strings
	ok("contains('OneTwoThree', 'e')", "true").v("31"),
	ok("contains('OneTwoThree', 'z')", "false").v("32"),
	ok("contains('FOOBAR', 'FOO')", "true").v("34"),
	ok("contains('foot', 'foo')", "true").v("35"),
	ok("contains('foot', 'FOO')", "false"),
	// startsWith, endsWith
	ok("startsWith('abcdef', 'ab')", "true").v("36"),
	ok("startsWith('abcdef', 'A')", "true").v("37"),
	ok("startsWith('abcdef', 'e')", "false").v("38"),
	ok("endsWith('abcdef', 'ef')", "true").v("39"),
	ok("endsWith('abcdef', 'F')", "true").v("40"),
	ok("endsWith('abcdef', 'e')", "false").v("41"),
	ok("startsWith('food','foo')", "true").v("42"),
	ok("endsWith('foot','t')", "true").v("42"),
	fails("startsWith(1, 'a')", "expects its first parameter to be of type 'String'"),
	// length on strings
	ok("length('One Two Three')", "13").v("43"),
	ok("length('table')", "5").v("44"),
	ok("length('日本')", "2"),
	// padLeft
	okS("padLeft('123', 10, '0')", "0000000123").v("45"),
	okS("padLeft('123', 10)", "       123").v("46"),
	okS("padLeft(123, 5, '0')", "00123"),
	okS("padLeft('123456', 3, '0')", "123456"),
	fails("padLeft('1', 3, '00')", "expects its third parameter to be a single character"),
	// replace
	okS("replace('123-123-1234', '-', '')", "1231231234").v("48"),
	okS("replace('https://x/a?', '', 'b')", "https://x/a?"),
	okS("replace('123-123-1234', '1234', 'xxxx')", "123-123-xxxx").v("49"),
	okS("replace('foot', 't', 'd')", "food").v("50"),
	okS("replace('This is a test', 'i', 'b')", "Thbs bs a test").v("51"),
	okS("replace('Abc', 'a', 'x')", "Abc"),
	// skip, take on strings
	okS("skip('one two three', 4)", "two three").v("52"),
	okS("skip('one two three', 13)", "").v("53"),
	okS("skip('one two three', -100)", "one two three").v("54"),
	okS("take('one two three', 2)", "on").v("56"),
	okS("take('one two three', -100)", "").v("57"),
	okS("take('one two three', 13)", "one two three").v("58"),
	okS("take('foot', 3)", "foo").v("59"),
	// split
	ok("split('one,two,three', ',')", `["one","two","three"]`).v("60"),
	ok("split('one;two,three', createArray(',', ';'))", `["one","two","three"]`).v("61"),
	ok("split('fizz,buzz,pop', ',')", `["fizz","buzz","pop"]`).v("62"),
	ok("split('a,,b', ',')", `["a","","b"]`),
	ok("split('abc', '')", `["abc"]`),
	fails("split('abc', 1)", "expects its second parameter to be of type 'String'"),
	// string
	okS(`string(json('{"valueA":10,"valueB":"Example Text"}'))`, `{"valueA":10,"valueB":"Example Text"}`).v("63"),
	okS("string(createArray('a','b','c'))", `["a","b","c"]`).v("64"),
	okS("string(5)", "5").v("65"),
	okS("string(true())", "True"),
	okS("string(null())", ""),
	okS("string('already')", "already"),
	okS("string(json('1.5'))", "1.5"),
	okS("string(createObject('a', true(), 'b', null()))", `{"a":true,"b":null}`),
	// substring
	okS("substring('one two three', 4, 3)", "two").v("66"),
	okS("substring('foot', 0, 3)", "foo").v("67"),
	okS("substring('This is a test', 10)", "test").v("68"),
	fails("substring('1234567890', 0, 11)", "The index and length parameters must refer to a location within the string. The index parameter: '0', the length parameter: '11', the length of the string parameter: '10'.").v("69"),
	okS("substring('abc')", "abc"),
	fails("substring('abc', 4)", "The index parameter must refer to a location within the string."),
	// toLower, toUpper, trim
	okS("toLower('One Two Three')", "one two three").v("70"),
	okS("toUpper('One Two Three')", "ONE TWO THREE").v("71"),
	okS("toLower(' Fizz ')", " fizz ").v("72"),
	okS("toUpper(' Fizz ')", " FIZZ ").v("72"),
	okS("trim('    one two three   ')", "one two three").v("73"),
	okS("trim(' Fizz ')", "Fizz").v("74"),
	fails("toLower(1)", "expects its parameter to be of type 'String'"),
	// uri, uriComponent, uriComponentToString
	okS("uri('http://contoso.org/firstpath', 'myscript.sh')", "http://contoso.org/myscript.sh").v("75"),
	okS("uri('http://contoso.org/firstpath/', 'myscript.sh')", "http://contoso.org/firstpath/myscript.sh").v("76"),
	okS("uri('http://contoso.org/firstpath/azuredeploy.json', 'myscript.sh')", "http://contoso.org/firstpath/myscript.sh").v("77"),
	okS("uri('http://contoso.org/firstpath/azuredeploy.json/', 'myscript.sh')", "http://contoso.org/firstpath/azuredeploy.json/myscript.sh").v("78"),
	okS("uri('http://contoso.com/resources/', 'nested/azuredeploy.json')", "http://contoso.com/resources/nested/azuredeploy.json").v("79"),
	okS("uri('http://contoso.com', 'a.json')", "http://contoso.com/a.json"),
	fails("uri('relative/path', 'a.json')", "expects its first parameter to be an absolute URI"),
	okS("uriComponent('http://contoso.com/resources/nested/azuredeploy.json')", "http%3A%2F%2Fcontoso.com%2Fresources%2Fnested%2Fazuredeploy.json").v("81"),
	okS("uriComponent('a b')", "a%20b"),
	okS("uriComponentToString('http%3A%2F%2Fcontoso.com%2Fresources%2Fnested%2Fazuredeploy.json')", "http://contoso.com/resources/nested/azuredeploy.json").v("82"),
	fails("uriComponentToString('%zz')", "could not process the value '%zz'"),
	// empty on strings
	ok("empty('non-empty string')", "false").v("84"),
	ok("empty('')", "true").v("85"),
	// join
	okS("join(createArray('abc','def','ghi'), '')", "abcdefghi").v("86"),
	okS("join(createArray('abc','def','ghi'), ',')", "abc,def,ghi").v("87"),
	okS("join(createArray('I','love','Bicep'), ' ')", "I love Bicep").v("88"),
	okS("join(createArray('foo','bar','baz'), '/')", "foo/bar/baz").v("89"),
	okS("join(createArray('abc', 123, true()), '/')", "abc/123/True"),
	fails("join(createArray('a'), 1)", "expects its second parameter to be of type 'String'"),
	fails("join(createArray(createArray()), ',')", "The element at index '0' is of type 'Array'"),
	// buildUri, parseUri
	okS(`buildUri(json('{"scheme":"https","host":"example.com","port":1234,"path":"/foo/bar"}'))`, "https://example.com:1234/foo/bar").v("91"),
	okS(`buildUri(json('{"scheme":"https","host":"example.com"}'))`, "https://example.com/").v("92"),
	okS(`buildUri(json('{"scheme":"https","host":"example.com","path":"/foo/bar","query":"?a=1&b=2"}'))`, "https://example.com/foo/bar?a=1&b=2").v("93"),
	fails(`buildUri(json('{"host":"example.com"}'))`, "expects its parameter to have the properties 'scheme' and 'host'"),
	ok("parseUri('https://example.com:1234/foo/bar')", `{"scheme":"https","host":"example.com","port":1234,"path":"/foo/bar"}`).v("94"),
	ok("parseUri('https://example.com/foo/bar?a=1&b=2')", `{"scheme":"https","host":"example.com","port":null,"path":"/foo/bar","query":"?a=1&b=2"}`).v("95"),
	fails("parseUri('not a uri')", "expects its parameter to be an absolute URI"),
	// concat on strings
	okS("concat('a', 1)", "a1"),
	okS("concat('x', true(), null())", "xTrue"),
	okS("concat('')", ""),
	okS("concat(toLower('ONE'), '-', toUpper('two'), '-', base64('three'))", "one-TWO-dGhyZWU="),
	fails("concat('a', createObject())", "Either all or none of the parameters must be an array"),
	// uniqueString, guid (§5.2)
	okS("uniqueString('snap', 'crackle', 'pop')", "byghxckddilkc").v("97"),
	okS("guid('foo', 'bar', 'baz')", "2ed86837-7c7c-5eaa-9864-dd077fd19b0d").v("98"),
	okS("uniqueString('test')", "rbgf3xv4ufgzg").v("99"),
	okS("uniqueString('abc')", "cgtzqvhu4i23s").v("101"),
	okS("uniqueString('/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/my-rg')", "bmg7c6xu4tw46").v("103"),
	okS("uniqueString('/subscriptions/00000000-0000-0000-0000-000000000000')", "upndy4rcqgwa2").v("104"),
	okS("uniqueString('a')", "eveiun73364hy").v("105"),
	okS("uniqueString('One')", "fbgf6gmwlh6fa").v("106"),
	okS("uniqueString('prefix')", "w6vcvtogu7uqg").v("108"),
	okS("guid('test')", "d6a5baf1-8b9b-542a-8525-2982f1f98a0c").v("109"),
	okS("guid('abc')", "a9b46cc2-65a6-5559-9f14-7091827ab32f").v("110"),
	okS("guid('hello', 'world')", "a5b868f8-11fe-567a-ace0-e77cc87f104e").v("112"),
	okS("guid('a', 'b')", "2d796349-8c7e-55ec-9624-54ece82ed031").v("113"),
	okS("guid('a-b')", "2d796349-8c7e-55ec-9624-54ece82ed031").v("113"),
	okS("guid('/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/my-rg')", "bb733f78-f75f-5345-b2b1-ca384ca6fcab").v("115"),
	ok("equals(uniqueString('a', 'b'), uniqueString('a-b'))", "true").of("uniqueString"),
	okS("uniqueString('')", "aaaaaaaaaaaaa"),
	fails("uniqueString(1)", "expects its parameters to be of type 'String'. The parameter at index '0' is of type 'Integer'"),
	fails("guid('a', createArray())", "The parameter at index '1' is of type 'Array'"),
	// newGuid (deterministic random source; parameter defaults only)
	okS("newGuid()", "00010203-0405-4607-8809-0a0b0c0d0e0f"),
	fails("newGuid()", "The template function 'newGuid' is not expected at this location.").with(func(c *Context) { c.Forbid = ForbidNondeterministic }),
	fails("newGuid()", "needs a random source").with(func(c *Context) { c.Random = nil }),
}

func TestStringFunctions(t *testing.T) { runCases(t, stringCases) }

// Vector 96 uses the docs' unpublished resource group id, so only the shape
// can be checked: "prefix-" and 13 base-32 characters.
func TestUniqueStringShape(t *testing.T) {
	s := testEngine.NewSession(testContext())
	got, err := s.EvalString("[concat('prefix', '-', uniqueString(resourceGroup().id))]")
	if err != nil {
		t.Fatal(err)
	}
	text, _ := got.AsString()
	if !regexp.MustCompile(`^prefix-[a-z2-7]{13}$`).MatchString(text) {
		t.Fatalf("got %q, want prefix- and 13 base-32 characters", text)
	}
	if want := "prefix-" + UniqueString("/subscriptions/ffffffff-ffff-ffff-ffff-ffffffffffff/resourceGroups/ps-rule-test-rg"); text != want {
		t.Fatalf("got %q, want %q", text, want)
	}
}
