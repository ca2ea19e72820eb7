package evaluator

import "testing"

func TestSmoke(t *testing.T) {
	runCases(t, []evalCase{
		okS("concat('a', 1)", "a1"),
		ok("add(1, 2)", "3"),
		okS("if(equals(1, 1), 'yes', 'no')", "yes"),
		okS("if(equals(1, 2), fail('boom'), 'no')", "no"),
		ok("and(true(), false())", "false"),
		ok("or(false(), true())", "true"),
		ok("coalesce(null(), 2)", "2"),
		ok("map(createArray(1,2), lambda('x', add(lambdaVariables('x'), 1)))", "[2,3]"),
		okS("parameters('tags')['cost-center']", "42"),
		ok("variables('obj').a.b[1]", "20"),
		okS("uniqueString('snap', 'crackle', 'pop')", "byghxckddilkc"),
		okS("guid('foo', 'bar', 'baz')", "2ed86837-7c7c-5eaa-9864-dd077fd19b0d"),
	})
}
