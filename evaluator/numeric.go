package evaluator

import (
	"math"
	"strconv"
	"strings"
)

// Numeric functions (arm-spec §4.8). Arithmetic is on int64; division
// truncates toward zero and mod takes the sign of the dividend, as .NET
// does. Overflow is reported as an error rather than wrapping.
var numericFunctions = []*Function{
	{
		Name: "add", Category: CategoryNumeric, Signature: "add(operand1, operand2)",
		Description: "Returns the sum of two integers.",
		MinArgs:     2, MaxArgs: 2, Impl: arith(func(a, b int64) (int64, bool) {
			s := a + b
			return s, (a >= 0) == (b >= 0) && (s >= 0) != (a >= 0)
		}),
	},
	{
		Name: "sub", Category: CategoryNumeric, Signature: "sub(operand1, operand2)",
		Description: "Returns the difference of two integers.",
		MinArgs:     2, MaxArgs: 2, Impl: arith(func(a, b int64) (int64, bool) {
			s := a - b
			return s, (a >= 0) != (b >= 0) && (s >= 0) != (a >= 0)
		}),
	},
	{
		Name: "mul", Category: CategoryNumeric, Signature: "mul(operand1, operand2)",
		Description: "Returns the product of two integers.",
		MinArgs:     2, MaxArgs: 2, Impl: arith(mulOverflow),
	},
	{
		Name: "div", Category: CategoryNumeric, Signature: "div(operand1, operand2)",
		Description: "Returns the integer division of two integers, truncated toward zero.",
		MinArgs:     2, MaxArgs: 2, Impl: divMod(func(a, b int64) int64 { return a / b }, false),
	},
	{
		Name: "mod", Category: CategoryNumeric, Signature: "mod(operand1, operand2)",
		Description: "Returns the remainder of the integer division of two integers, with the sign of the dividend.",
		MinArgs:     2, MaxArgs: 2, Impl: divMod(func(a, b int64) int64 { return a % b }, true),
	},
	{
		Name: "int", Category: CategoryNumeric, Signature: "int(valueToConvert)",
		Description: "Converts an integer string (or a float, rounding to even) to an integer.",
		MinArgs:     1, MaxArgs: 1, Impl: intImpl,
	},
	{
		Name: "float", Category: CategoryNumeric, Signature: "float(arg1)",
		Description: "Converts a numeric string or an integer to a floating-point number.",
		MinArgs:     1, MaxArgs: 1, Impl: floatImpl,
	},
	{
		Name: "copyIndex", Category: CategoryNumeric, Signature: "copyIndex([loopName], [offset])",
		Description: "Returns the current iteration of a copy loop, plus an optional offset; without a name it refers to the innermost resource or output loop.",
		MinArgs:     0, MaxArgs: 2, Impl: copyIndexImpl,
	},
}

func mulOverflow(a, b int64) (int64, bool) {
	if a == 0 || b == 0 {
		return 0, false
	}
	if (a == -1 && b == math.MinInt64) || (b == -1 && a == math.MinInt64) {
		return 0, true
	}
	r := a * b
	return r, r/b != a
}

func (c Call) intPair(args []Value) (int64, int64, error) {
	a, err := c.int(args, 0)
	if err != nil {
		return 0, 0, err
	}
	b, err := c.int(args, 1)
	return a, b, err
}

func arith(op func(a, b int64) (int64, bool)) Impl {
	return func(c Call, args []Value) (Value, error) {
		a, b, err := c.intPair(args)
		if err != nil {
			return Null, err
		}
		r, overflow := op(a, b)
		if overflow {
			return Null, c.valueError("result of '%d' and '%d' overflows a 64-bit integer.", a, b)
		}
		return Int(r), nil
	}
}

func divMod(op func(a, b int64) int64, isMod bool) Impl {
	return func(c Call, args []Value) (Value, error) {
		a, b, err := c.intPair(args)
		if err != nil {
			return Null, err
		}
		if b == 0 {
			return Null, c.valueError("was invoked with a divisor of zero.")
		}
		if a == math.MinInt64 && b == -1 {
			if isMod {
				return Int(0), nil
			}
			return Null, c.valueError("result of '%d' and '%d' overflows a 64-bit integer.", a, b)
		}
		return Int(op(a, b)), nil
	}
}

func intImpl(c Call, args []Value) (Value, error) {
	switch x := args[0].raw().(type) {
	case int64:
		return args[0], nil
	case float64:
		r := math.RoundToEven(x)
		if math.IsNaN(r) || r < math.MinInt64 || r >= math.MaxInt64 {
			return Null, c.valueError("cannot convert the value '%s' to an integer.", formatFloatR(x))
		}
		return Int(int64(r)), nil
	case string:
		n, err := strconv.ParseInt(strings.TrimSpace(x), 10, 64)
		if err != nil {
			return Null, c.valueError("cannot convert the value '%s' to an integer.", x)
		}
		return Int(n), nil
	}
	return Null, c.typeError(0, "String", args[0])
}

func floatImpl(c Call, args []Value) (Value, error) {
	switch x := args[0].raw().(type) {
	case int64:
		return Float(float64(x)), nil
	case float64:
		return args[0], nil
	case string:
		f, err := strconv.ParseFloat(strings.TrimSpace(x), 64)
		if err != nil {
			return Null, c.valueError("cannot convert the value '%s' to a floating-point number.", x)
		}
		return Float(f), nil
	}
	return Null, c.typeError(0, "String", args[0])
}

func copyIndexImpl(c Call, args []Value) (Value, error) {
	var loop string
	var offset int64
	switch len(args) {
	case 1:
		switch x := args[0].raw().(type) {
		case string:
			loop = x
		case int64:
			offset = x
		default:
			return Null, c.typeError(0, "Integer", args[0])
		}
	case 2:
		var err error
		if loop, err = c.str(args, 0); err != nil {
			return Null, err
		}
		if offset, err = c.int(args, 1); err != nil {
			return Null, err
		}
	}
	fn := c.Context().CopyIndex
	if fn == nil {
		return Null, c.newError(ErrNotAllowed, notExpectedMessage(c.Name()))
	}
	i, err := fn(loop)
	if err != nil {
		return Null, err
	}
	return Int(i + offset), nil
}
