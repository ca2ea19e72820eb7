package evaluator

import "strings"

// Logical functions (arm-spec §4.7). and, or and if are compiled lazily
// (see compile.go): and/or stop at the first argument that decides the
// result and if evaluates only the chosen branch.
var logicalFunctions = []*Function{
	{
		Name: "and", Category: CategoryLogical, Signature: "and(arg1, arg2, ...)",
		Description: "Returns true when all arguments are true, evaluating them left to right and stopping at the first false one.",
		MinArgs:     2, MaxArgs: Variadic, lowering: lowerAnd,
	},
	{
		Name: "or", Category: CategoryLogical, Signature: "or(arg1, arg2, ...)",
		Description: "Returns true when any argument is true, evaluating them left to right and stopping at the first true one.",
		MinArgs:     2, MaxArgs: Variadic, lowering: lowerOr,
	},
	{
		Name: "not", Category: CategoryLogical, Signature: "not(arg1)",
		Description: "Returns the opposite of a boolean value.",
		MinArgs:     1, MaxArgs: 1, Impl: notImpl,
	},
	{
		Name: "bool", Category: CategoryLogical, Signature: "bool(arg1)",
		Description: "Converts the string 'true' or 'false' (any case) or the integer 1 or 0 to a boolean.",
		MinArgs:     1, MaxArgs: 1, Impl: boolImpl,
	},
	{
		Name: "true", Category: CategoryLogical, Signature: "true()",
		Description: "Returns true.",
		MinArgs:     0, MaxArgs: 0, Impl: func(Call, []Value) (Value, error) { return True, nil },
	},
	{
		Name: "false", Category: CategoryLogical, Signature: "false()",
		Description: "Returns false.",
		MinArgs:     0, MaxArgs: 0, Impl: func(Call, []Value) (Value, error) { return False, nil },
	},
	{
		Name: "if", Category: CategoryLogical, Signature: "if(condition, trueValue, falseValue)",
		Description: "Returns trueValue when the condition is true and falseValue otherwise, evaluating only the chosen one.",
		MinArgs:     3, MaxArgs: 3, lowering: lowerIf,
	},
}

func notImpl(c Call, args []Value) (Value, error) {
	b, ok := args[0].AsBool()
	if !ok {
		return Null, c.Errorf(ErrArgumentType, "The provided arguments for template language function '%s' is not valid: all arguments should be of type 'boolean'.%s",
			c.Name(), usage)
	}
	return Bool(!b), nil
}

func boolImpl(c Call, args []Value) (Value, error) {
	switch x := args[0].raw().(type) {
	case bool:
		return Bool(x), nil
	case string:
		switch strings.ToLower(strings.TrimSpace(x)) {
		case "true":
			return True, nil
		case "false":
			return False, nil
		}
		return Null, c.valueError("expects its parameter to be the string 'true' or 'false'. The provided value is '%s'.", x)
	case int64:
		return Bool(x != 0), nil
	}
	return Null, c.typeError(0, "String", args[0])
}
