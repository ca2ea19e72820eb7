package evaluator

// Comparison functions (arm-spec §4.3). Strings order with the
// culture-invariant collation of [CompareStrings]; equals() compares
// strings case-sensitively and arrays/objects structurally ([Equal]).
var comparisonFunctions = []*Function{
	{
		Name: "coalesce", Category: CategoryComparison, Signature: "coalesce(arg1, arg2, ...)",
		Description: "Returns the first argument that is not null, evaluating the arguments left to right only as far as needed.",
		MinArgs:     1, MaxArgs: Variadic, lowering: lowerCoalesce,
	},
	{
		Name: "equals", Category: CategoryComparison, Signature: "equals(arg1, arg2)",
		Description: "Checks whether two values are equal; strings compare case-sensitively and arrays and objects by content.",
		MinArgs:     2, MaxArgs: 2, Impl: func(c Call, args []Value) (Value, error) { return Bool(Equal(args[0], args[1])), nil },
	},
	{
		Name: "greater", Category: CategoryComparison, Signature: "greater(arg1, arg2)",
		Description: "Checks whether the first integer or string is greater than the second.",
		MinArgs:     2, MaxArgs: 2, Impl: compareImpl(func(c int) bool { return c > 0 }),
	},
	{
		Name: "greaterOrEquals", Category: CategoryComparison, Signature: "greaterOrEquals(arg1, arg2)",
		Description: "Checks whether the first integer or string is greater than or equal to the second.",
		MinArgs:     2, MaxArgs: 2, Impl: compareImpl(func(c int) bool { return c >= 0 }),
	},
	{
		Name: "less", Category: CategoryComparison, Signature: "less(arg1, arg2)",
		Description: "Checks whether the first integer or string is less than the second.",
		MinArgs:     2, MaxArgs: 2, Impl: compareImpl(func(c int) bool { return c < 0 }),
	},
	{
		Name: "lessOrEquals", Category: CategoryComparison, Signature: "lessOrEquals(arg1, arg2)",
		Description: "Checks whether the first integer or string is less than or equal to the second.",
		MinArgs:     2, MaxArgs: 2, Impl: compareImpl(func(c int) bool { return c <= 0 }),
	},
}

func compareImpl(test func(int) bool) Impl {
	return func(c Call, args []Value) (Value, error) {
		r, ok := compareValues(args[0], args[1])
		if !ok {
			return Null, c.Errorf(ErrArgumentType, "The template language function '%s' expects two parameters of the same type, both integers or both strings. The provided values are of type '%s' and '%s'.%s",
				c.Name(), args[0].Kind(), args[1].Kind(), usage)
		}
		return Bool(test(r)), nil
	}
}
