package evaluator

import (
	"strings"
)

// maxEvalDepth bounds nested program runs: lambda bodies inside lambda
// bodies, user functions calling user functions and variables evaluated
// lazily from other variables through the Context callbacks (a template has
// at most 256 variables, so chains stay well below the bound).
const maxEvalDepth = 1024

// Session evaluates compiled programs against a [Context]. It owns the
// reusable virtual machines and scratch buffers, so evaluation allocates
// little; it is therefore NOT safe for concurrent use: use one Session per
// goroutine (sessions are cheap). A Session may be re-entered from a
// callback of its own Context (e.g. a Variables or UserFunctions callback
// that evaluates another expression with the same Session).
type Session struct {
	eng    *Engine
	ctx    *Context
	vms    vmStack
	args   []Value
	frames []lambdaFrame
	// secrets are the strings of the secure arguments of the calls
	// running: error messages made during them mask them.
	secrets []string
	// budget is what the evaluation may still spend (see Budget); nil
	// until first needed.
	budget *Budget
	// running is the call site invoked last, where the interpreter
	// reports a panic.
	running *callSite
}

// lambdaFrame binds the parameters of one running lambda.
type lambdaFrame struct {
	params []string
	vals   [3]Value
}

// NewSession returns a session evaluating against ctx (nil means an empty
// context).
func (e *Engine) NewSession(ctx *Context) *Session {
	if ctx == nil {
		ctx = &Context{}
	}
	return &Session{eng: e, ctx: ctx}
}

// Engine returns the engine the session compiles with.
func (s *Session) Engine() *Engine { return s.eng }

// Context returns the session's context.
func (s *Session) Context() *Context { return s.ctx }

// SetContext replaces the session's context; use it to move a worker from
// one evaluation site to the next without allocating a new session.
func (s *Session) SetContext(ctx *Context) {
	if ctx == nil {
		ctx = &Context{}
	}
	s.ctx = ctx
}

// Eval evaluates p. Literal strings evaluate to themselves ("[[" escapes
// resolved). The error, if any, is an [*Error].
func (s *Session) Eval(p *Program) (Value, error) {
	if p.code == nil {
		return p.literal, nil
	}
	return s.run(p.code)
}

// EvalWith evaluates p against ctx and restores the session's context
// afterwards; user-function hooks use it to evaluate a function body with
// the function's own parameters.
func (s *Session) EvalWith(ctx *Context, p *Program) (Value, error) {
	saved := s.ctx
	s.SetContext(ctx)
	defer func() { s.ctx = saved }()
	return s.Eval(p)
}

// EvalString compiles text with the session's engine (using its cache) and
// evaluates it.
func (s *Session) EvalString(text string) (Value, error) {
	p, err := s.eng.Compile(text)
	if err != nil {
		return Null, err
	}
	return s.Eval(p)
}

// invoke runs the function of site on the raw VM arguments.
func (s *Session) invoke(site *callSite, raw []any) (Value, error) {
	base := len(s.args)
	for _, a := range raw {
		s.args = append(s.args, Value{a})
	}
	return s.invokeAt(site, base)
}

// invokeAt runs the function of site on the arguments s.args[base:] and
// pops them.
func (s *Session) invokeAt(site *callSite, base int) (Value, error) {
	fn := site.fn
	s.running = site
	if fn.restrictedBy&s.ctx.Forbid != 0 {
		s.truncateArgs(base)
		return Null, Call{s, site}.newError(ErrNotAllowed, notExpectedMessage(site.name))
	}
	if !s.budgetOf().step() {
		s.truncateArgs(base)
		return Null, Call{s, site}.newError(ErrLimit, s.budget.stepsMessage())
	}
	var flags uint8
	for _, v := range s.args[base:] {
		switch v.v.(type) {
		case nil, bool, int64, string, float64:
		case *Unknown:
			flags |= flagUnknown
		case *secure:
			flags |= flagSecure
			if !fn.shallow {
				flags |= v.flags()
			} else if v.Unsecure().IsUnknown() {
				// A secure parameter known only at deploy time (a
				// listKeys() result passed to a nested deployment) is
				// unknown even to a function that looks only at the top.
				flags |= flagUnknown
			}
		default:
			if !fn.shallow {
				flags |= v.flags()
			}
		}
	}
	args := s.args[base:len(s.args):len(s.args)]
	if flags&flagUnknown != 0 && !fn.keepUnknown {
		s.truncateArgs(base)
		return UnknownValue(site.text()), nil
	}
	secrets := len(s.secrets)
	if flags&flagSecure != 0 {
		for i := range args {
			s.secrets = appendSecrets(s.secrets, args[i], false)
			args[i] = args[i].Unsecure()
		}
	}
	v, err := fn.Impl(Call{s, site}, args)
	s.truncateArgs(base)
	if err != nil {
		err = Call{s, site}.wrap(err)
		s.secrets = s.secrets[:secrets]
		return Null, err
	}
	s.secrets = s.secrets[:secrets]
	if msg := s.spend(fn, site.name, v); msg != "" {
		return Null, Call{s, site}.newError(ErrLimit, msg)
	}
	if flags&flagSecure != 0 && !fn.plain {
		v = Secure(v)
	}
	return v, nil
}

func (s *Session) truncateArgs(n int) {
	clear(s.args[n:])
	s.args = s.args[:n]
}

// callLambda runs the body of l with its parameters bound to args.
func (s *Session) callLambda(l *lambdaValue, args []Value) (Value, error) {
	f := lambdaFrame{params: l.params}
	copy(f.vals[:], args)
	s.frames = append(s.frames, f)
	v, err := s.run(l.body)
	s.frames[len(s.frames)-1] = lambdaFrame{}
	s.frames = s.frames[:len(s.frames)-1]
	return v, err
}

// lambdaVariable looks name up in the running lambdas, innermost first.
func (s *Session) lambdaVariable(name string) (Value, bool) {
	for i := len(s.frames) - 1; i >= 0; i-- {
		f := &s.frames[i]
		for j, p := range f.params {
			if strings.EqualFold(p, name) {
				return f.vals[j], true
			}
		}
	}
	return Null, false
}
