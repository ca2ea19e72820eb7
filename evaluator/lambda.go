package evaluator

import (
	"sort"
)

// Lambda functions (arm-spec §4.6). lambda(...) may appear only as the
// lambda argument of these functions; its body is compiled separately and
// runs with its parameters bound, read back with lambdaVariables().
var lambdaFunctions = []*Function{
	{
		Name: "lambda", Category: CategoryLambda, Signature: "lambda(parameterName, ..., body)",
		Description: "Defines an inline function with named parameters for filter, map, reduce, sort, toObject, groupBy and mapValues.",
		MinArgs:     1, MaxArgs: 4, lowering: lowerLambda,
	},
	lambdaVariablesFunction,
	{
		Name: "filter", Category: CategoryLambda, Signature: "filter(inputArray, lambda(item, [index], condition))",
		Description: "Returns the elements of an array for which the lambda returns true.",
		MinArgs:     2, MaxArgs: 2, lambdaArgs: []int{1}, Impl: filterImpl,
	},
	{
		Name: "map", Category: CategoryLambda, Signature: "map(inputArray, lambda(item, [index], expression))",
		Description: "Applies the lambda to each element of an array and returns the results.",
		MinArgs:     2, MaxArgs: 2, lambdaArgs: []int{1}, Impl: mapImpl,
	},
	{
		Name: "reduce", Category: CategoryLambda, Signature: "reduce(inputArray, initialValue, lambda(current, next, [index], expression))",
		Description: "Combines the elements of an array into one value by applying the lambda to the running value and each element.",
		MinArgs:     3, MaxArgs: 3, lambdaArgs: []int{2}, Impl: reduceImpl,
	},
	{
		Name: "sort", Category: CategoryLambda, Signature: "sort(inputArray, lambda(a, b, aBeforeB))",
		Description: "Sorts an array (stably) with a lambda that returns true when its first argument goes before its second.",
		MinArgs:     2, MaxArgs: 2, lambdaArgs: []int{1}, Impl: sortImpl,
	},
	{
		Name: "toObject", Category: CategoryLambda, Signature: "toObject(inputArray, lambda(item, key), [lambda(item, value)])",
		Description: "Builds an object from an array with one lambda for the keys and an optional one for the values (the element by default).",
		MinArgs:     2, MaxArgs: 3, lambdaArgs: []int{1, 2}, Impl: toObjectImpl,
	},
	{
		Name: "groupBy", Category: CategoryLambda, Signature: "groupBy(inputArray, lambda(item, key), [lambda(item, value)])",
		Description: "Groups the elements of an array into an object of arrays keyed by the lambda's result, keeping their order.",
		MinArgs:     2, MaxArgs: 3, lambdaArgs: []int{1, 2}, Impl: groupByImpl,
	},
	{
		Name: "mapValues", Category: CategoryLambda, Signature: "mapValues(inputObject, lambda(value, expression))",
		Description: "Applies the lambda to each value of an object, keeping the keys.",
		MinArgs:     2, MaxArgs: 2, lambdaArgs: []int{1}, Impl: mapValuesImpl,
	},
}

// lambdaVariablesFunction is referenced by the compiler, which rejects it
// outside lambda bodies.
var lambdaVariablesFunction = &Function{
	Name: "lambdaVariables", Category: CategoryLambda, Signature: "lambdaVariables(parameterName)",
	Description: "Returns the value of a parameter of the enclosing lambda.",
	MinArgs:     1, MaxArgs: 1, Impl: func(c Call, args []Value) (Value, error) {
		name, err := c.str(args, 0)
		if err != nil {
			return Null, err
		}
		v, ok := c.s.lambdaVariable(name)
		if !ok {
			return Null, c.Errorf(ErrNotFound, "The lambda variable '%s' is not defined in an enclosing lambda expression.%s", name, usage)
		}
		return v, nil
	},
}

func filterImpl(c Call, args []Value) (Value, error) {
	elems, err := c.array(args, 0)
	if err != nil {
		return Null, err
	}
	l, err := c.lambda(args, 1, 1, 2)
	if err != nil {
		return Null, err
	}
	out := []Value{}
	for i, e := range elems {
		r, err := c.callLambda(l, e, Int(int64(i)))
		if err != nil {
			return Null, err
		}
		if r.HasUnknown() {
			return UnknownValue(c.site.text()), nil
		}
		keep, ok := r.AsBool()
		if !ok {
			return Null, c.valueError("expects its lambda to return a boolean. It returned a value of type '%s'.", r.Kind())
		}
		if keep {
			out = append(out, e)
		}
	}
	return Array(out), nil
}

func mapImpl(c Call, args []Value) (Value, error) {
	elems, err := c.array(args, 0)
	if err != nil {
		return Null, err
	}
	l, err := c.lambda(args, 1, 1, 2)
	if err != nil {
		return Null, err
	}
	out := make([]Value, len(elems))
	for i, e := range elems {
		if out[i], err = c.callLambda(l, e, Int(int64(i))); err != nil {
			return Null, err
		}
	}
	return Array(out), nil
}

func reduceImpl(c Call, args []Value) (Value, error) {
	elems, err := c.array(args, 0)
	if err != nil {
		return Null, err
	}
	l, err := c.lambda(args, 2, 2, 3)
	if err != nil {
		return Null, err
	}
	acc := args[1]
	for i, e := range elems {
		if acc, err = c.callLambda(l, acc, e, Int(int64(i))); err != nil {
			return Null, err
		}
	}
	return acc, nil
}

func sortImpl(c Call, args []Value) (Value, error) {
	elems, err := c.array(args, 0)
	if err != nil {
		return Null, err
	}
	l, err := c.lambda(args, 1, 2, 2)
	if err != nil {
		return Null, err
	}
	out := append([]Value{}, elems...)
	var firstErr error
	unknown := false
	sort.SliceStable(out, func(i, j int) bool {
		if firstErr != nil || unknown {
			return false
		}
		r, err := c.callLambda(l, out[i], out[j])
		if err != nil {
			firstErr = err
			return false
		}
		if r.HasUnknown() {
			unknown = true
			return false
		}
		less, ok := r.AsBool()
		if !ok {
			firstErr = c.valueError("expects its lambda to return a boolean. It returned a value of type '%s'.", r.Kind())
			return false
		}
		return less
	})
	if firstErr != nil {
		return Null, firstErr
	}
	if unknown {
		return UnknownValue(c.site.text()), nil
	}
	return Array(out), nil
}

// keyOf evaluates a key lambda and checks that it returned a string.
func (c Call) keyOf(l *lambdaValue, e Value) (string, bool, error) {
	k, err := c.callLambda(l, e)
	if err != nil {
		return "", false, err
	}
	if k.HasUnknown() {
		return "", true, nil
	}
	s, ok := k.AsString()
	if !ok {
		return "", false, c.valueError("expects its key lambda to return a string. It returned a value of type '%s'.", k.Kind())
	}
	return s, false, nil
}

func toObjectImpl(c Call, args []Value) (Value, error) {
	return groupOrObject(c, args, false)
}

func groupByImpl(c Call, args []Value) (Value, error) {
	return groupOrObject(c, args, true)
}

func groupOrObject(c Call, args []Value, group bool) (Value, error) {
	elems, err := c.array(args, 0)
	if err != nil {
		return Null, err
	}
	keyL, err := c.lambda(args, 1, 1, 1)
	if err != nil {
		return Null, err
	}
	var valL *lambdaValue
	if len(args) == 3 {
		if valL, err = c.lambda(args, 2, 1, 1); err != nil {
			return Null, err
		}
	}
	out := NewObject(len(elems))
	var groups map[string]int
	var lists [][]Value
	if group {
		groups = map[string]int{}
	}
	for _, e := range elems {
		k, unknown, err := c.keyOf(keyL, e)
		if err != nil {
			return Null, err
		}
		if unknown {
			return UnknownValue(c.site.text()), nil
		}
		v := e
		if valL != nil {
			if v, err = c.callLambda(valL, e); err != nil {
				return Null, err
			}
		}
		if !group {
			out.SetFold(k, v)
			continue
		}
		gi, ok := groups[k]
		if !ok {
			gi = len(lists)
			groups[k] = gi
			lists = append(lists, nil)
			out.Set(k, Null)
		}
		lists[gi] = append(lists[gi], v)
	}
	if group {
		for i := range lists {
			out.vals[i] = Array(lists[i])
		}
		out.recomputeFlags()
	}
	return ObjectValue(out), nil
}

func mapValuesImpl(c Call, args []Value) (Value, error) {
	o, err := c.object(args, 0)
	if err != nil {
		return Null, err
	}
	l, err := c.lambda(args, 1, 1, 1)
	if err != nil {
		return Null, err
	}
	out := NewObject(o.Len())
	for i, k := range o.keys {
		v, err := c.callLambda(l, o.vals[i])
		if err != nil {
			return Null, err
		}
		out.Set(k, v)
	}
	return ObjectValue(out), nil
}
