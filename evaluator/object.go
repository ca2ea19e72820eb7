package evaluator

import (
	"sort"
)

// Object functions (arm-spec §4.9). contains, empty, intersection, length,
// union and tryGet, which also take arrays, are in array.go.
var objectFunctions = []*Function{
	{
		Name: "createObject", Category: CategoryObject, Signature: "createObject(key1, value1, key2, value2, ...)",
		Description: "Creates an object from alternating string keys and values.",
		MinArgs:     0, MaxArgs: Variadic, Impl: createObjectImpl,
	},
	{
		Name: "items", Category: CategoryObject, Signature: "items(object)",
		Description: "Converts an object into an array of {key, value} objects sorted by key.",
		MinArgs:     1, MaxArgs: 1, Impl: itemsImpl,
	},
	{
		Name: "objectKeys", Category: CategoryObject, Signature: "objectKeys(object)",
		Description: "Returns the keys of an object as an array of strings sorted by key.",
		MinArgs:     1, MaxArgs: 1, shallow: true, Impl: objectKeysImpl,
	},
	{
		Name: "json", Category: CategoryObject, Signature: "json(arg1)",
		Description: "Parses a JSON string (single-quoted JSON is accepted) into a value; 'null' gives null.",
		MinArgs:     1, MaxArgs: 1, Impl: func(c Call, args []Value) (Value, error) {
			s, err := c.str(args, 0)
			if err != nil {
				return Null, err
			}
			return c.parseJSON(s)
		},
	},
	{
		Name: "null", Category: CategoryObject, Signature: "null()",
		Description: "Returns null.",
		MinArgs:     0, MaxArgs: 0, Impl: func(Call, []Value) (Value, error) { return Null, nil },
	},
	{
		Name: "shallowMerge", Category: CategoryObject, Signature: "shallowMerge(arrayOfObjects)",
		Description: "Merges an array of objects at the top level only, later values winning; null elements are ignored.",
		MinArgs:     1, MaxArgs: 1, Impl: shallowMergeImpl,
	},
}

// parseJSON parses text for json() and base64ToJson().
func (c Call) parseJSON(text string) (Value, error) {
	v, err := ParseJSON(text)
	if err != nil && c.s.redactMessage(text) != text {
		// The parser's reason would quote a piece of the secret.
		return Null, c.Errorf(ErrArgumentValue, "The template language function '%s' parameter is not valid. The provided value '%s' cannot be parsed.%s",
			c.Name(), text, usage)
	}
	if err != nil {
		return Null, c.Errorf(ErrArgumentValue, "The template language function '%s' parameter is not valid. The provided value '%s' cannot be parsed: '%s'.%s",
			c.Name(), text, err.Error(), usage)
	}
	return v, nil
}

func createObjectImpl(c Call, args []Value) (Value, error) {
	if len(args)%2 != 0 {
		return Null, c.Errorf(ErrArgumentCount, "The template language function '%s' must have an even number of parameters: pairs of a property name and its value. The function was invoked with '%d' parameters.%s",
			c.Name(), len(args), usage)
	}
	o := NewObject(len(args) / 2)
	for i := 0; i < len(args); i += 2 {
		k, ok := args[i].AsString()
		if !ok {
			return Null, c.Errorf(ErrArgumentType, "The template language function '%s' expects the property name at index '%d' to be of type 'String'. The provided value is of type '%s'.%s",
				c.Name(), i, args[i].Kind(), usage)
		}
		o.SetFold(k, args[i+1])
	}
	return ObjectValue(o), nil
}

// sortedKeys returns the positions of o's keys in collation order.
func sortedKeys(o *Object) []int {
	idx := make([]int, o.Len())
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return CompareStrings(o.keys[idx[a]], o.keys[idx[b]]) < 0 })
	return idx
}

func itemsImpl(c Call, args []Value) (Value, error) {
	o, err := c.object(args, 0)
	if err != nil {
		return Null, err
	}
	out := make([]Value, 0, o.Len())
	for _, i := range sortedKeys(o) {
		out = append(out, objectOf("key", String(o.keys[i]), "value", o.vals[i]))
	}
	return Array(out), nil
}

func objectKeysImpl(c Call, args []Value) (Value, error) {
	o, err := c.object(args, 0)
	if err != nil {
		return Null, err
	}
	out := make([]Value, 0, o.Len())
	for _, i := range sortedKeys(o) {
		out = append(out, String(o.keys[i]))
	}
	return Array(out), nil
}

func shallowMergeImpl(c Call, args []Value) (Value, error) {
	elems, err := c.array(args, 0)
	if err != nil {
		return Null, err
	}
	out := NewObject(0)
	for i, e := range elems {
		if e.IsNull() {
			continue
		}
		o, ok := e.AsObject()
		if !ok {
			return Null, c.valueError("expects its parameter to be an array of objects. The element at index '%d' is of type '%s'.", i, e.Kind())
		}
		for j, k := range o.keys {
			out.SetFold(k, o.vals[j])
		}
	}
	return ObjectValue(out), nil
}
