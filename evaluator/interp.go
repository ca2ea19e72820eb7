package evaluator

import (
	"errors"
	"fmt"
)

// The interpreter walks a resolved tree (see compile_resolve.go) and gives
// the results the expr program lowered from the same tree gives (see the
// lowering table in compile.go): arguments are evaluated left to right
// before their call; if() evaluates the chosen branch only, and() and or()
// stop at the first argument that is not true (false), coalesce() at the
// first that is not null; every call goes through Session.invoke.

// interpret evaluates the tree of c. A panic in a function becomes an
// internal error at the call that was running, as the VM reports it.
func (s *Session) interpret(c *code) (v Value, err error) {
	saved, base, secrets := s.running, len(s.args), len(s.secrets)
	defer func() {
		r := recover()
		if r == nil {
			s.running = saved
			return
		}
		e := &Error{Kind: ErrInternal, Message: fmt.Sprintf("internal error evaluating the expression: %v", r), Expression: c.src}
		if err, ok := r.(error); ok {
			e.Err = err
		}
		if s.running != nil {
			e.Range = s.running.rng
		}
		s.running = saved
		s.truncateArgs(base)
		s.secrets = s.secrets[:secrets]
		v, err = Null, e
	}()
	v, err = s.eval(c.tree)
	if err != nil {
		var ee *Error
		if errors.As(err, &ee) {
			return Null, ee
		}
		e := &Error{Kind: ErrInternal, Message: "internal error evaluating the expression: " + err.Error(), Err: err, Expression: c.src}
		if s.running != nil {
			e.Range = s.running.rng
		}
		return Null, e
	}
	return v, nil
}

func (s *Session) eval(n *node) (Value, error) {
	switch n.op {
	case opString, opInt, opLambda:
		return n.lit, nil
	case opCall:
		base := len(s.args)
		for _, a := range n.args {
			v, err := s.eval(a)
			if err != nil {
				s.truncateArgs(base)
				return Null, err
			}
			s.args = append(s.args, v)
		}
		return s.invokeAt(n.site, base)
	case opIf:
		cond, err := s.evalSite(n.site, n.args[0])
		if err != nil {
			return Null, err
		}
		if b, ok := cond.v.(bool); ok {
			if b {
				return s.eval(n.args[1])
			}
			return s.eval(n.args[2])
		}
		return cond, nil
	case opAnd, opOr:
		goOn := n.op == opAnd // and() goes on past true, or() past false
		for i, a := range n.args {
			v, err := s.evalSite(n.site, a)
			if err != nil || i == len(n.args)-1 {
				return v, err
			}
			if b, ok := v.v.(bool); !ok || b != goOn {
				return v, nil
			}
		}
	case opCoalesce:
		for i, a := range n.args {
			v, err := s.eval(a)
			if err != nil || i == len(n.args)-1 {
				return v, err
			}
			s.args = append(s.args, v)
			isNull, err := s.invokeAt(n.site, len(s.args)-1)
			if err != nil {
				return Null, err
			}
			if b, _ := isNull.v.(bool); !b {
				return v, nil
			}
		}
	}
	return Null, fmt.Errorf("unexpected node op %d", n.op)
}

// evalSite evaluates arg and calls site with it.
func (s *Session) evalSite(site *callSite, arg *node) (Value, error) {
	v, err := s.eval(arg)
	if err != nil {
		return Null, err
	}
	s.args = append(s.args, v)
	return s.invokeAt(site, len(s.args)-1)
}
