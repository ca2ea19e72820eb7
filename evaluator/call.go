package evaluator

import (
	"errors"
	"fmt"
	"time"

	"github.com/armdeploy/armdeploy/evaluator/syntax"
)

// callSite is one call in a compiled expression.
type callSite struct {
	fn   *Function
	name string       // the function name as written (namespace.name for user functions)
	rng  syntax.Range // of the whole call within src
	src  string       // the JSON string value
	// member is the property name of a .name access site.
	member string
	// namespace and user are set for user-function calls.
	namespace, user string
}

// text returns the call's source text, used as the expression of unknown
// results.
func (cs *callSite) text() string { return cs.src[cs.rng.Start:cs.rng.End] }

// Call gives a function implementation access to its evaluation: the
// [Context], error construction with the call's position, and lambda
// invocation. It is passed by value and valid only during the call.
type Call struct {
	s    *Session
	site *callSite
}

// Name returns the function name as the author wrote it.
func (c Call) Name() string { return c.site.name }

// Context returns the evaluation context.
func (c Call) Context() *Context { return c.s.ctx }

// Range returns the byte range of the call within the JSON string value.
func (c Call) Range() syntax.Range { return c.site.rng }

// Errorf returns an [*Error] of the given kind at this call.
func (c Call) Errorf(kind ErrorKind, format string, args ...any) error {
	return c.newError(kind, fmt.Sprintf(format, args...))
}

func (c Call) newError(kind ErrorKind, msg string) *Error {
	msg = c.s.redactMessage(msg)
	return &Error{Kind: kind, Message: msg, Function: c.site.name, Range: c.site.rng, Expression: c.site.src}
}

// wrap turns an error from a callback into an [*Error] at this call; errors
// that already are (or wrap) an *Error are returned unchanged, since they
// carry the position of their own expression.
func (c Call) wrap(err error) error {
	if err == nil {
		return nil
	}
	var ee *Error
	if errors.As(err, &ee) {
		return err
	}
	e := c.newError(ErrExternal, err.Error())
	e.Err = err
	return e
}

// typeError reports that argument i should have been of type want.
func (c Call) typeError(i int, want string, got Value) error {
	param := "its " + ordinal(i) + " parameter"
	if c.site.fn != nil && c.site.fn.MaxArgs == 1 {
		param = "its parameter"
	}
	return c.Errorf(ErrArgumentType, "The template language function '%s' expects %s to be of type '%s'. The provided value is of type '%s'.%s",
		c.Name(), param, want, got.Kind(), usage)
}

// valueError reports an invalid argument value with a free-form reason.
func (c Call) valueError(format string, args ...any) error {
	return c.Errorf(ErrArgumentValue, "The template language function '%s' %s%s", c.Name(), fmt.Sprintf(format, args...), usage)
}

func (c Call) str(args []Value, i int) (string, error) {
	s, ok := args[i].AsString()
	if !ok {
		return "", c.typeError(i, "String", args[i])
	}
	return s, nil
}

func (c Call) int(args []Value, i int) (int64, error) {
	n, ok := args[i].AsInt()
	if !ok {
		return 0, c.typeError(i, "Integer", args[i])
	}
	return n, nil
}

func (c Call) bool(args []Value, i int) (bool, error) {
	b, ok := args[i].AsBool()
	if !ok {
		return false, c.typeError(i, "Boolean", args[i])
	}
	return b, nil
}

func (c Call) array(args []Value, i int) ([]Value, error) {
	a, ok := args[i].AsArray()
	if !ok {
		return nil, c.typeError(i, "Array", args[i])
	}
	return a, nil
}

func (c Call) object(args []Value, i int) (*Object, error) {
	o, ok := args[i].AsObject()
	if !ok {
		return nil, c.typeError(i, "Object", args[i])
	}
	return o, nil
}

// lambda returns argument i as a lambda with between min and max
// parameters.
func (c Call) lambda(args []Value, i, min, max int) (*lambdaValue, error) {
	l, ok := args[i].v.(*lambdaValue)
	if !ok {
		return nil, c.typeError(i, "Lambda", args[i])
	}
	if n := len(l.params); n < min || n > max {
		want := fmt.Sprintf("%d", min)
		if max != min {
			want = fmt.Sprintf("%d to %d", min, max)
		}
		return nil, c.Errorf(ErrArgumentValue, "The lambda expression passed to template language function '%s' must have %s parameter(s) but has %d.%s",
			c.Name(), want, n, usage)
	}
	return l, nil
}

// callLambda evaluates l with the given arguments (extra arguments beyond
// the lambda's parameter count are dropped).
func (c Call) callLambda(l *lambdaValue, args ...Value) (Value, error) {
	if len(args) > len(l.params) {
		args = args[:len(l.params)]
	}
	if !c.s.budgetOf().step() {
		return Null, c.newError(ErrLimit, c.s.budget.stepsMessage())
	}
	return c.s.callLambda(l, args)
}

// forbidden reports whether the current site forbids r.
func (c Call) forbidden(r Restriction) error {
	if c.s.ctx.Forbid&r != 0 {
		return c.newError(ErrNotAllowed, notExpectedMessage(c.Name()))
	}
	return nil
}

// now returns the injected clock's time in UTC.
func (c Call) now() time.Time {
	if c.s.ctx.Now == nil {
		return time.Unix(0, 0).UTC()
	}
	return c.s.ctx.Now().UTC()
}
