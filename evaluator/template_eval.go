package evaluator

import (
	"errors"
	"fmt"
	"strings"

	"github.com/armdeploy/armdeploy/templates"
	"github.com/armdeploy/armdeploy/templates/diag"
)

// MaxCopyCount is the largest count of a copy loop.
const MaxCopyCount = 800

// nodeError ties an evaluation error to the template value it came from, so
// that it can be reported at file:line:col. The innermost node wins.
type nodeError struct {
	n   *templates.Node
	msg string // set for errors that are not an *Error
	err error
}

func (e *nodeError) Error() string {
	if e.msg != "" {
		return e.msg
	}
	return e.err.Error()
}

func (e *nodeError) Unwrap() error { return e.err }

// Diagnostic turns an evaluation error into a positioned diagnostic: the
// failing call inside the expression where the evaluator knows it, else the
// value that failed.
//
// An error that derives from a failed parameter or variable is reported as
// that value's own error, at its place, with its target: one mistake is one
// diagnostic, however many expressions read the value.
func Diagnostic(err error) diag.Diagnostic {
	err, target := rootCause(err)
	d := diagnostic(err)
	d.Target = target
	return d
}

// Derived reports whether err is the failure of a parameter or variable
// seen from an expression that reads it (Diagnostic reports the root).
func Derived(err error) bool {
	var d *derivedError
	var ee *Error
	return errors.As(err, &d) || errors.As(err, &ee) && ee.origin != nil
}

func diagnostic(err error) diag.Diagnostic {
	d := diag.Diagnostic{Severity: diag.Error, Code: templates.CodeInvalidTemplate, Message: err.Error()}
	var ne *nodeError
	if errors.As(err, &ne) {
		d.Range = ne.n.Range()
		d.Message = ne.Error()
		var ee *Error
		if errors.As(ne.err, &ee) && ne.n.Kind == templates.String && ee.Range.End > ee.Range.Start {
			d.Range = ne.n.StringRange(ee.Range.Start, ee.Range.End)
		}
	}
	var ce *cycleError
	if errors.As(err, &ce) {
		d.Message = ce.Error()
	}
	return d
}

// Eval evaluates a template value as a resource body or output would be:
// expressions anywhere (values and object keys), "[[" escapes, property
// copy loops. reference() and list*() are allowed; utcNow() is not.
func (e *Template) Eval(n *templates.Node) (Value, error) { return e.eval(n, siteResource) }

// EvalOutput evaluates a value in an output.
func (e *Template) EvalOutput(n *templates.Node) (Value, error) { return e.eval(n, siteOutput) }

func (e *Template) eval(n *templates.Node, s site) (Value, error) {
	if n == nil {
		return Null, nil
	}
	switch n.Kind {
	case templates.String:
		return e.evalString(n, n.Str, s)
	case templates.Array:
		out := make([]Value, 0, len(n.Items))
		for _, it := range n.Items {
			v, err := e.eval(it, s)
			if err != nil {
				return Null, err
			}
			out = append(out, v)
		}
		return e.made(n, Array(out))
	case templates.Object:
		v, err := e.evalObject(n, s)
		if err != nil {
			return Null, err
		}
		return e.made(n, v)
	}
	return NodeValue(n), nil
}

// made charges the budget for a container built from the template value
// n (a resource body evaluated once per copy, say) and checks its size.
func (e *Template) made(n *templates.Node, v Value) (Value, error) {
	if size := v.size(); size > MaxValueSize {
		return Null, &nodeError{n: n, msg: fmt.Sprintf("The value at this position evaluates to %s bytes; a value may be at most %d bytes, the size limit of a template.", sizeText(size), MaxValueSize)}
	}
	if !e.opts.Budget.alloc(v.allocated()) {
		return Null, &nodeError{n: n, msg: e.opts.Budget.bytesMessage()}
	}
	return v, nil
}

// evalString evaluates text (a string value or an object key of n).
func (e *Template) evalString(n *templates.Node, text string, s site) (Value, error) {
	if !templates.IsExpression(text) {
		if strings.HasPrefix(text, "[[") && strings.HasSuffix(text, "]") {
			return String(text[1:]), nil
		}
		return String(text), nil
	}
	p, err := e.eng.Compile(text)
	if err != nil {
		return Null, &nodeError{n: n, err: err}
	}
	e.sess.SetContext(e.context(s))
	v, err := e.sess.Eval(p)
	if err != nil {
		var ne *nodeError
		var ce *cycleError
		if errors.As(err, &ne) || errors.As(err, &ce) {
			return Null, err
		}
		return Null, &nodeError{n: n, err: err}
	}
	return v, nil
}

func (e *Template) evalObject(n *templates.Node, s site) (Value, error) {
	obj := NewObject(len(n.Fields))
	for _, f := range n.Fields {
		if strings.EqualFold(f.Key, "copy") && isPropertyCopy(f.Value) {
			for _, c := range f.Value.Items {
				cp := &templates.Copy{Node: c, Name: stringField(c, "name"), Count: c.Get("count"), Input: c.Get("input")}
				v, err := e.copyArray(cp, s, false)
				if err != nil {
					return Null, err
				}
				obj.Set(cp.Name, v)
			}
			continue
		}
		key := f.Key
		if templates.IsExpression(key) {
			kv, err := e.evalString(n, key, s)
			if err != nil {
				return Null, err
			}
			k, ok := kv.AsString()
			if !ok {
				return Null, &nodeError{n: n, msg: fmt.Sprintf("The property name expression '%s' must evaluate to a string; it evaluated to a value of type '%s'.", key, kv.Kind())}
			}
			key = k
		} else if strings.HasPrefix(key, "[[") && strings.HasSuffix(key, "]") {
			key = key[1:]
		}
		v, err := e.eval(f.Value, s)
		if err != nil {
			return Null, err
		}
		obj.Set(key, v)
	}
	return ObjectValue(obj), nil
}

// isPropertyCopy reports whether a "copy" member is a property loop: an
// array of {name, count, input} objects.
func isPropertyCopy(n *templates.Node) bool {
	if n.Kind != templates.Array || len(n.Items) == 0 {
		return false
	}
	for _, it := range n.Items {
		if it.Kind != templates.Object || it.Get("name") == nil || it.Get("input") == nil || it.Get("count") == nil {
			return false
		}
	}
	return true
}

func stringField(n *templates.Node, key string) string {
	if v := n.Get(key); v != nil && v.Kind == templates.String {
		return v.Str
	}
	return ""
}

// CopyCount evaluates the count of a copy loop: an integer from 0 to 800.
func (e *Template) CopyCount(c *templates.Copy, s site) (int64, error) {
	if c.Count == nil {
		return 0, &nodeError{n: c.Node, msg: fmt.Sprintf("The copy loop '%s' has no count.", c.Name)}
	}
	cv, err := e.eval(c.Count, s)
	if err != nil {
		return 0, err
	}
	count, ok := cv.AsInt()
	if !ok {
		return 0, &nodeError{n: c.Count, msg: fmt.Sprintf("The copy count of loop '%s' must be an integer; it evaluated to a value of type '%s'.", c.Name, cv.Kind())}
	}
	if count < 0 || count > MaxCopyCount {
		return 0, &nodeError{n: c.Count, msg: fmt.Sprintf("The copy count '%d' of loop '%s' is not valid: it must be between 0 and %d.", count, c.Name, MaxCopyCount)}
	}
	return count, nil
}

// copyArray evaluates a copy loop's input once per index into an array.
func (e *Template) copyArray(c *templates.Copy, s site, resource bool) (Value, error) {
	count, err := e.CopyCount(c, s)
	if err != nil {
		return Null, err
	}
	out := make([]Value, 0, count)
	for i := range count {
		err := e.WithLoop(c.Name, i, resource, func() error {
			v, err := e.eval(c.Input, s)
			out = append(out, v)
			return err
		})
		if err != nil {
			return Null, err
		}
	}
	return Array(out), nil
}

// NodeValue converts a literal template value to a Value, keeping object key
// order. Nothing is evaluated.
func NodeValue(n *templates.Node) Value {
	if n == nil {
		return Null
	}
	switch n.Kind {
	case templates.Bool:
		return Bool(n.Bool)
	case templates.Int:
		return Int(n.Int)
	case templates.Float:
		return Float(n.Float)
	case templates.String:
		return String(n.Str)
	case templates.Array:
		out := make([]Value, len(n.Items))
		for i, it := range n.Items {
			out[i] = NodeValue(it)
		}
		return Array(out)
	case templates.Object:
		obj := NewObject(len(n.Fields))
		for _, f := range n.Fields {
			obj.Set(f.Key, NodeValue(f.Value))
		}
		return ObjectValue(obj)
	}
	return Null
}

// userFunctions calls the template's user-defined functions.
type userFunctions struct{ e *Template }

func (u userFunctions) CallUser(namespace, name string, args []Value) (Value, error) {
	e := u.e
	for e.outer != nil {
		e = e.outer
	}
	f := e.T.Function(namespace, name)
	if f == nil {
		return Null, &Error{Kind: ErrUnknownFunction, Message: fmt.Sprintf("The template function '%s.%s' is not valid. Please see https://aka.ms/arm-functions for usage details.", namespace, name)}
	}
	if len(args) != len(f.Parameters) {
		return Null, &Error{Kind: ErrArgumentCount, Message: fmt.Sprintf("The template function '%s.%s' expects %d argument(s); it was given %d.", f.Namespace, f.Name, len(f.Parameters), len(args))}
	}
	for i, p := range f.Parameters {
		if !args[i].IsUnknown() && p.Type != "" && !kindFits(p.BaseType(), args[i]) {
			return Null, &Error{Kind: ErrArgumentType, Message: fmt.Sprintf("The template function '%s.%s' expects its parameter '%s' to be of type '%s'; it was given a value of type '%s'.", f.Namespace, f.Name, p.Name, p.Type, args[i].Kind())}
		}
	}
	if f.Value == nil || f.Value.Kind != templates.String {
		return NodeValue(f.Value), nil
	}
	ctx := &Context{
		Deployment: e.opts.Deployment,
		Parameters: func(name string) (Value, error) {
			for i, p := range f.Parameters {
				if strings.EqualFold(p.Name, name) {
					return args[i], nil
				}
			}
			return Null, fmt.Errorf("The template parameter '%s' is not found. Please see https://aka.ms/arm-syntax-parameters for usage details.", name)
		},
		Forbid: ForbidRuntime | ForbidNondeterministic,
	}
	if e.T.IsV2() {
		ctx.UserFunctions = u
	} else {
		ctx.Forbid |= ForbidVariables
	}
	if !templates.IsExpression(f.Value.Str) {
		return String(f.Value.Str), nil
	}
	p, err := e.eng.Compile(f.Value.Str)
	if err != nil {
		return Null, &nodeError{n: f.Value, err: err}
	}
	v, err := e.sess.EvalWith(ctx, p)
	if err != nil {
		var ne *nodeError
		if errors.As(err, &ne) {
			return Null, err
		}
		return Null, &nodeError{n: f.Value, err: err}
	}
	return v, nil
}
