package evaluator

import (
	"math"
	"strings"
)

// Array functions (arm-spec §4.1), including those that also accept strings
// or objects (concat, contains, empty, first, last, indexOf, lastIndexOf,
// length, skip, take, intersection, union).
var arrayFunctions = []*Function{
	{
		Name: "array", Category: CategoryArray, Signature: "array(convertToArray)",
		Description: "Wraps a value in a one-element array; an array is returned unchanged.",
		MinArgs:     1, MaxArgs: 1, Impl: func(c Call, args []Value) (Value, error) {
			if args[0].Kind() == KindArray {
				return args[0], nil
			}
			return Array([]Value{args[0]}), nil
		},
	},
	{
		Name: "concat", Category: CategoryArray, Signature: "concat(arg1, arg2, ...)",
		Description: "Concatenates arrays into one array, or strings (and integers or booleans) into one string.",
		MinArgs:     1, MaxArgs: Variadic, Impl: concatImpl,
	},
	{
		Name: "contains", Category: CategoryArray, Signature: "contains(container, itemToFind)",
		Description: "Checks whether an array contains a value (case-sensitive), an object contains a key (case-insensitive) or a string contains a substring (case-sensitive).",
		MinArgs:     2, MaxArgs: 2, Impl: containsImpl,
	},
	{
		Name: "createArray", Category: CategoryArray, Signature: "createArray(arg1, arg2, ...)",
		Description: "Creates an array from the arguments.",
		MinArgs:     0, MaxArgs: Variadic, Impl: func(c Call, args []Value) (Value, error) {
			return Array(append(make([]Value, 0, len(args)), args...)), nil
		},
	},
	{
		Name: "empty", Category: CategoryArray, Signature: "empty(itemToTest)",
		Description: "Checks whether an array, object or string is empty or the value is null.",
		MinArgs:     1, MaxArgs: 1, shallow: true, Impl: emptyImpl,
	},
	{
		Name: "first", Category: CategoryArray, Signature: "first(arg1)",
		Description: "Returns the first element of an array (null when empty) or the first character of a string.",
		MinArgs:     1, MaxArgs: 1, shallow: true, Impl: firstLast(false),
	},
	{
		Name: "last", Category: CategoryArray, Signature: "last(arg1)",
		Description: "Returns the last element of an array (null when empty) or the last character of a string.",
		MinArgs:     1, MaxArgs: 1, shallow: true, Impl: firstLast(true),
	},
	{
		Name: "flatten", Category: CategoryArray, Signature: "flatten(arrayToFlatten)",
		Description: "Flattens an array of arrays by one level, keeping the order.",
		MinArgs:     1, MaxArgs: 1, shallow: true, Impl: flattenImpl,
	},
	{
		Name: "indexOf", Category: CategoryArray, Signature: "indexOf(arrayOrString, itemToFind)",
		Description: "Returns the position of the first occurrence of a value in an array (exact match) or of a substring in a string (ignoring case), or -1.",
		MinArgs:     2, MaxArgs: 2, Impl: indexOfImpl(false),
	},
	{
		Name: "lastIndexOf", Category: CategoryArray, Signature: "lastIndexOf(arrayOrString, itemToFind)",
		Description: "Returns the position of the last occurrence of a value in an array (exact match) or of a substring in a string (ignoring case), or -1.",
		MinArgs:     2, MaxArgs: 2, Impl: indexOfImpl(true),
	},
	{
		Name: "indexFromEnd", Category: CategoryArray, Signature: "indexFromEnd(sourceArray, reverseIndex)",
		Description: "Returns the element at a 1-based position counted from the end of an array.",
		MinArgs:     2, MaxArgs: 2, shallow: true, Impl: indexFromEndImpl(false),
	},
	{
		Name: "tryIndexFromEnd", Category: CategoryArray, Signature: "tryIndexFromEnd(sourceArray, reverseIndex)",
		Description: "Returns the element at a 1-based position counted from the end of an array, or null when there is none.",
		MinArgs:     2, MaxArgs: 2, shallow: true, Impl: indexFromEndImpl(true),
	},
	{
		Name: "intersection", Category: CategoryArray, Signature: "intersection(arg1, arg2, ...)",
		Description: "Returns the elements common to all arrays, or the key-value pairs common to all objects.",
		MinArgs:     2, MaxArgs: Variadic, Impl: intersectionImpl,
	},
	{
		Name: "length", Category: CategoryArray, Signature: "length(arg1)",
		Description: "Returns the number of elements of an array, characters of a string or root-level properties of an object.",
		MinArgs:     1, MaxArgs: 1, shallow: true, Impl: lengthImpl,
	},
	{
		Name: "max", Category: CategoryArray, Signature: "max(arg1, ...)",
		Description: "Returns the largest of an array of integers or of integer arguments.",
		MinArgs:     1, MaxArgs: Variadic, Impl: minMax(true),
	},
	{
		Name: "min", Category: CategoryArray, Signature: "min(arg1, ...)",
		Description: "Returns the smallest of an array of integers or of integer arguments.",
		MinArgs:     1, MaxArgs: Variadic, Impl: minMax(false),
	},
	{
		Name: "range", Category: CategoryArray, Signature: "range(startIndex, count)",
		Description: "Creates an array of consecutive integers from a start integer, with a number of items between 0 and 10000.",
		MinArgs:     2, MaxArgs: 2, Impl: rangeImpl,
	},
	{
		Name: "skip", Category: CategoryArray, Signature: "skip(originalValue, numberToSkip)",
		Description: "Returns an array or string without its first elements or characters.",
		MinArgs:     2, MaxArgs: 2, shallow: true, Impl: skipTake(true),
	},
	{
		Name: "take", Category: CategoryArray, Signature: "take(originalValue, numberToTake)",
		Description: "Returns the first elements of an array or the first characters of a string.",
		MinArgs:     2, MaxArgs: 2, shallow: true, Impl: skipTake(false),
	},
	{
		Name: "tryGet", Category: CategoryArray, Signature: "tryGet(itemToTest, keyOrIndex, ...)",
		Description: "Returns the value at a property name or array index (following further keys in turn), or null when it does not exist.",
		MinArgs:     2, MaxArgs: Variadic, shallow: true, Impl: tryGetImpl,
	},
	{
		Name: "union", Category: CategoryArray, Signature: "union(arg1, arg2, ...)",
		Description: "Combines arrays without duplicates, or merges objects with later values winning and nested objects merged.",
		MinArgs:     1, MaxArgs: Variadic, Impl: unionImpl,
	},
}

func concatImpl(c Call, args []Value) (Value, error) {
	arrays := 0
	for _, a := range args {
		if a.Kind() == KindArray {
			arrays++
		}
	}
	if arrays > 0 {
		var out []Value
		for i, a := range args {
			switch a.Kind() {
			case KindArray:
				elems, _ := a.AsArray()
				out = append(out, elems...)
			case KindNull:
			default:
				return Null, c.Errorf(ErrArgumentType, "The provided parameters for language function '%s' are invalid. Either all or none of the parameters must be an array. The parameter at index '%d' is of type '%s'.%s",
					c.Name(), i, a.Kind(), usage)
			}
		}
		if out == nil {
			out = []Value{}
		}
		return Array(out), nil
	}
	if len(args) == 1 && args[0].Kind() == KindString {
		return args[0], nil
	}
	n := 0
	for _, a := range args {
		if s, ok := a.AsString(); ok {
			n += len(s)
		}
	}
	var sb strings.Builder
	sb.Grow(n)
	for i, a := range args {
		if s, ok := a.AsString(); ok {
			sb.WriteString(s)
			continue
		}
		t, ok := JoinText(a)
		if !ok {
			return Null, c.Errorf(ErrArgumentType, "The provided parameters for language function '%s' are invalid. Either all or none of the parameters must be an array. The parameter at index '%d' is of type '%s'.%s",
				c.Name(), i, a.Kind(), usage)
		}
		sb.WriteString(t)
	}
	return String(sb.String()), nil
}

func containsImpl(c Call, args []Value) (Value, error) {
	switch x := args[0].raw().(type) {
	case string:
		find, ok := JoinText(args[1])
		if !ok {
			return Null, c.typeError(1, "String", args[1])
		}
		return Bool(containsString(x, find)), nil
	case *array:
		for _, e := range x.elems {
			if strictEqual(e, args[1]) {
				return True, nil
			}
		}
		return False, nil
	case *Object:
		key, ok := args[1].AsString()
		if !ok {
			return False, nil
		}
		return Bool(x.Has(key)), nil
	case nil:
		return False, nil
	}
	return Null, c.typeError(0, "Array", args[0])
}

func containsString(s, find string) bool { return strings.Contains(s, find) }

// strictEqual is [Equal] except that integers and floats never match, as
// contains() and indexOf() on arrays are type-sensitive.
func strictEqual(a, b Value) bool {
	ka, kb := a.Kind(), b.Kind()
	if ka != kb {
		return false
	}
	return Equal(a, b)
}

func emptyImpl(c Call, args []Value) (Value, error) {
	switch x := args[0].raw().(type) {
	case nil:
		return True, nil
	case string:
		return Bool(x == ""), nil
	case *array:
		return Bool(len(x.elems) == 0), nil
	case *Object:
		return Bool(x.Len() == 0), nil
	}
	return Null, c.typeError(0, "Array", args[0])
}

func firstLast(last bool) Impl {
	return func(c Call, args []Value) (Value, error) {
		switch x := args[0].raw().(type) {
		case nil:
			return Null, nil
		case *array:
			if len(x.elems) == 0 {
				return Null, nil
			}
			if last {
				return x.elems[len(x.elems)-1], nil
			}
			return x.elems[0], nil
		case string:
			r := []rune(x)
			if len(r) == 0 {
				return String(""), nil
			}
			if last {
				return String(string(r[len(r)-1])), nil
			}
			return String(string(r[0])), nil
		}
		return Null, c.typeError(0, "Array", args[0])
	}
}

func flattenImpl(c Call, args []Value) (Value, error) {
	elems, err := c.array(args, 0)
	if err != nil {
		return Null, err
	}
	out := []Value{}
	for i, e := range elems {
		inner, ok := e.AsArray()
		if !ok {
			if e.IsNull() {
				continue
			}
			return Null, c.valueError("expects its parameter to be an array of arrays. The element at index '%d' is of type '%s'.", i, e.Kind())
		}
		out = append(out, inner...)
	}
	return Array(out), nil
}

func indexOfImpl(last bool) Impl {
	return func(c Call, args []Value) (Value, error) {
		switch x := args[0].raw().(type) {
		case string:
			find, err := c.str(args, 1)
			if err != nil {
				return Null, err
			}
			return Int(int64(indexFold(x, find, last))), nil
		case *array:
			if last {
				for i := len(x.elems) - 1; i >= 0; i-- {
					if strictEqual(x.elems[i], args[1]) {
						return Int(int64(i)), nil
					}
				}
			} else {
				for i, e := range x.elems {
					if strictEqual(e, args[1]) {
						return Int(int64(i)), nil
					}
				}
			}
			return Int(-1), nil
		}
		return Null, c.typeError(0, "Array", args[0])
	}
}

func indexFromEndImpl(try bool) Impl {
	return func(c Call, args []Value) (Value, error) {
		elems, ok := args[0].AsArray()
		if !ok {
			if try && args[0].IsNull() {
				return Null, nil
			}
			return Null, c.typeError(0, "Array", args[0])
		}
		n, ok := args[1].AsInt()
		if !ok {
			if try {
				return Null, nil
			}
			return Null, c.typeError(1, "Integer", args[1])
		}
		if n < 1 || n > int64(len(elems)) {
			if try {
				return Null, nil
			}
			return Null, c.Errorf(ErrIndex, "The template language function '%s' reverse index '%d' is out of bounds for an array of length '%d'; it must be between 1 and the length.%s",
				c.Name(), n, len(elems), usage)
		}
		return elems[int64(len(elems))-n], nil
	}
}

func intersectionImpl(c Call, args []Value) (Value, error) {
	switch first := args[0].raw().(type) {
	case *array:
		others := make([][]Value, 0, len(args)-1)
		across := 0 // elements in the other arrays
		for i := 1; i < len(args); i++ {
			a, err := c.array(args, i)
			if err != nil {
				return Null, err
			}
			others = append(others, a)
			across += len(a)
		}
		out := []Value{}
	elems:
		for _, e := range first.elems {
			if err := c.compares(len(out) + across); err != nil {
				return Null, err
			}
			for _, o := range out {
				if Equal(o, e) {
					continue elems
				}
			}
			for _, other := range others {
				if !containsValue(other, e) {
					continue elems
				}
			}
			out = append(out, e)
		}
		return Array(out), nil
	case *Object:
		others := make([]*Object, 0, len(args)-1)
		for i := 1; i < len(args); i++ {
			o, err := c.object(args, i)
			if err != nil {
				return Null, err
			}
			others = append(others, o)
		}
		out := NewObject(first.Len())
	keys:
		for i, k := range first.keys {
			for _, other := range others {
				v, ok := other.Get(k)
				if !ok || !Equal(v, first.vals[i]) {
					continue keys
				}
			}
			out.Set(k, first.vals[i])
		}
		return ObjectValue(out), nil
	}
	return Null, c.typeError(0, "Array", args[0])
}

func containsValue(list []Value, v Value) bool {
	for _, e := range list {
		if Equal(e, v) {
			return true
		}
	}
	return false
}

func lengthImpl(c Call, args []Value) (Value, error) {
	switch args[0].raw().(type) {
	case string, *array, *Object:
		return Int(int64(args[0].Len())), nil
	}
	return Null, c.Errorf(ErrArgumentType, "The template language function '%s' expects its parameter to be an array, an object or a string. The provided value is of type '%s'.%s",
		c.Name(), args[0].Kind(), usage)
}

func minMax(isMax bool) Impl {
	return func(c Call, args []Value) (Value, error) {
		var best int64
		seen := false
		take := func(v Value, i int) error {
			n, ok := v.AsInt()
			if !ok {
				return c.Errorf(ErrArgumentType, "The template language function '%s' expects integers or an array of integers. The value at index '%d' is of type '%s'.%s",
					c.Name(), i, v.Kind(), usage)
			}
			if !seen || (isMax && n > best) || (!isMax && n < best) {
				best = n
			}
			seen = true
			return nil
		}
		for i, a := range args {
			if elems, ok := a.AsArray(); ok {
				for j, e := range elems {
					if err := take(e, j); err != nil {
						return Null, err
					}
				}
				continue
			}
			if err := take(a, i); err != nil {
				return Null, err
			}
		}
		if !seen {
			return Null, c.valueError("expects at least one integer; the provided array is empty.")
		}
		return Int(best), nil
	}
}

func rangeImpl(c Call, args []Value) (Value, error) {
	start, b, err := c.intPair(args)
	if err != nil {
		return Null, err
	}
	count := b
	if count < 0 || count > 10000 {
		return Null, c.valueError("expects its second parameter (count) to be between 0 and 10000. The provided value is '%d'.", count)
	}
	if start > math.MaxInt32-count || start < math.MinInt32 {
		return Null, c.valueError("expects the sum of the start index and the count to be at most %d. The provided values are '%d' and '%d'.", math.MaxInt32, start, count)
	}
	out := make([]Value, count)
	for i := range out {
		out[i] = Int(start + int64(i))
	}
	return Array(out), nil
}

func skipTake(skip bool) Impl {
	return func(c Call, args []Value) (Value, error) {
		n, err := c.int(args, 1)
		if err != nil {
			return Null, err
		}
		switch x := args[0].raw().(type) {
		case *array:
			l := int64(len(x.elems))
			n = clamp(n, 0, l)
			if skip {
				return Array(append([]Value{}, x.elems[n:]...)), nil
			}
			return Array(append([]Value{}, x.elems[:n]...)), nil
		case string:
			if skip {
				return String(sliceString(x, n, math.MaxInt64)), nil
			}
			return String(sliceString(x, 0, n)), nil
		}
		return Null, c.typeError(0, "Array", args[0])
	}
}

func tryGetImpl(c Call, args []Value) (Value, error) {
	cur := args[0]
	for _, key := range args[1:] {
		switch x := cur.raw().(type) {
		case *Object:
			k, ok := key.AsString()
			if !ok {
				return Null, nil
			}
			v, ok := x.Get(k)
			if !ok {
				return Null, nil
			}
			cur = v
		case *array:
			i, ok := key.AsInt()
			if !ok || i < 0 || i >= int64(len(x.elems)) {
				return Null, nil
			}
			cur = x.elems[i]
		default:
			return Null, nil
		}
		if cur.IsUnknown() {
			return cur, nil
		}
	}
	return cur, nil
}

func unionImpl(c Call, args []Value) (Value, error) {
	kind := KindNull
	for i, a := range args {
		k := a.Kind()
		if k == KindNull {
			continue
		}
		if k != KindArray && k != KindObject || kind != KindNull && k != kind {
			return Null, c.Errorf(ErrArgumentType, "The template language function '%s' expects its parameters to be all arrays or all objects. The parameter at index '%d' is of type '%s'.%s",
				c.Name(), i, k, usage)
		}
		kind = k
	}
	switch kind {
	case KindArray:
		out := []Value{}
		for _, a := range args {
			elems, _ := a.AsArray()
			for _, e := range elems {
				if err := c.compares(len(out)); err != nil {
					return Null, err
				}
				if !containsValue(out, e) {
					out = append(out, e)
				}
			}
		}
		return Array(out), nil
	case KindObject:
		var out *Object
		for _, a := range args {
			o, ok := a.AsObject()
			if !ok {
				continue
			}
			if out == nil {
				out = o.Clone()
				continue
			}
			out = mergeObjects(out, o)
		}
		return ObjectValue(out), nil
	}
	return Null, nil
}

// mergeObjects merges b into a (which it may modify): later values win,
// nested objects are merged recursively, arrays are replaced.
func mergeObjects(a, b *Object) *Object {
	for i, k := range b.keys {
		bv := b.vals[i]
		if av, ok := a.Get(k); ok {
			ao, aIsObj := av.AsObject()
			bo, bIsObj := bv.AsObject()
			if aIsObj && bIsObj {
				a.SetFold(k, ObjectValue(mergeObjects(ao.Clone(), bo)))
				continue
			}
		}
		a.SetFold(k, bv)
	}
	return a
}
