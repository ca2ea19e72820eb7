package evaluator

// Compiling an expression has two steps. Resolving (this file) parses the
// text, looks every function up, checks argument counts and where lambda()
// and lambdaVariables() may appear, and builds a tree of call sites (node);
// every compile-time error comes from here. The interpreter (interp.go)
// walks that tree. Lowering (compile.go) turns the same tree into an
// expr-lang program, which a session runs instead once the unit has been
// run compileAfter times when currentPath is pathAuto.
//
// The interpreter is the default for every unit: most expressions of a
// template run once (a name, a dependsOn entry), and lowering, type-checking
// and compiling one costs ~8x evaluating it (BenchmarkOneShot); and even for
// units run many times (copy loops, lambda bodies) walking the tree is
// faster than expr's VM, which boxes every call's arguments
// (BenchmarkRepeated, BenchmarkRepeatedLambda: ~1.1 µs against ~2.5 µs for a
// 10-call expression). The VM path stays, tested through the same suite
// (interp_test.go's TestMain runs every test on each path), for shapes
// where it might pay.

import (
	"errors"
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/expr-lang/expr/vm"

	"github.com/armdeploy/armdeploy/evaluator/syntax"
)

// Engine compiles expressions against a function [Registry] and caches the
// programs by expression text. It is safe for concurrent use; share one
// Engine per process and create one [Session] per goroutine.
type Engine struct {
	reg   *Registry
	cache sync.Map // string → *Program
}

// NewEngine returns an engine for the built-in functions.
func NewEngine() *Engine { return NewEngineWith(Builtins()) }

// NewEngineWith returns an engine for the functions of reg (for example the
// built-ins plus functions the template layer adds, see [NewRegistry]).
func NewEngineWith(reg *Registry) *Engine { return &Engine{reg: reg} }

// Registry returns the engine's functions.
func (e *Engine) Registry() *Registry { return e.reg }

// Program is a compiled JSON string value: an expression, or a literal
// string. It is immutable and safe for concurrent use by many sessions.
type Program struct {
	text    string
	form    syntax.Form
	literal Value
	root    syntax.Node
	code    *code
}

// Text returns the JSON string value the program was compiled from.
func (p *Program) Text() string { return p.text }

// IsExpression reports whether the string is an expression (as opposed to
// a literal or a "[[" escaped literal).
func (p *Program) IsExpression() bool { return p.form == syntax.Expression }

// Root returns the parse tree of an expression (nil for literals), e.g. to
// find reference() calls for implicit dependencies.
func (p *Program) Root() syntax.Node { return p.root }

// code is one compiled unit: an expression or a lambda body. The tree is
// interpreted until the unit has run compileAfter times; then the expr
// program made from the same tree runs instead.
type code struct {
	tree *node
	src  string // the JSON string value the unit belongs to
	uses atomic.Int32
	prog atomic.Pointer[vm.Program]
	// noVM is set when lowering failed (an internal error): the unit is
	// interpreted for good.
	noVM atomic.Bool
}

// evalPath selects how code runs; tests force each path in turn.
type evalPath uint8

const (
	pathAuto     evalPath = iota // interpret, compile after compileAfter runs
	pathInterp                   // always interpret
	pathCompiled                 // compile when resolved, always run the VM
)

// Set by tests only, before any evaluation.
var (
	currentPath  = pathInterp
	compileAfter = int32(16)
)

// Compile compiles a JSON string value. Strings that are not expressions
// compile to programs returning the literal (with a "[[" escape resolved).
// Programs are cached by text. Errors are [*Error] values with the position
// of the offending token or call.
func (e *Engine) Compile(text string) (*Program, error) {
	if p, ok := e.cache.Load(text); ok {
		return p.(*Program), nil
	}
	p, err := e.compile(text)
	if err != nil {
		return nil, err
	}
	actual, _ := e.cache.LoadOrStore(text, p)
	return actual.(*Program), nil
}

func (e *Engine) compile(text string) (*Program, error) {
	p := &Program{text: text, form: syntax.Classify(text)}
	if p.form != syntax.Expression {
		p.literal = String(syntax.LiteralValue(text))
		return p, nil
	}
	root, err := syntax.Parse(text)
	if err != nil {
		var perr *syntax.Error
		errors.As(err, &perr)
		return nil, &Error{Kind: ErrParse, Message: perr.Message, Range: syntax.Range{Start: perr.Offset, End: perr.Offset},
			Expression: text}
	}
	p.root = root
	r := &resolver{eng: e, src: text}
	c, err := r.unit(root)
	if err != nil {
		return nil, err
	}
	p.code = c
	return p, nil
}

// nodeOp is the kind of a resolved node.
type nodeOp uint8

const (
	opString   nodeOp = iota // a string literal (lit)
	opInt                    // an integer literal (lit, int64)
	opLambda                 // a lambda(...) argument (lit, *lambdaValue)
	opCall                   // site(args...), arguments evaluated first
	opIf                     // if(args[0], args[1], args[2]); site checks the condition
	opAnd                    // and(args...), short-circuiting; site checks each argument
	opOr                     // or(args...), short-circuiting; site checks each argument
	opCoalesce               // coalesce(args...), lazily; site tests an argument for null
)

// node is one resolved node of an expression.
type node struct {
	op   nodeOp
	lit  Value
	site *callSite
	args []*node
	rng  syntax.Range
}

// resolver checks a syntax tree against the registry and builds its nodes.
type resolver struct {
	eng         *Engine
	src         string
	err         *Error
	lambdaDepth int
}

// unit resolves the root of an expression or lambda body.
func (r *resolver) unit(root syntax.Node) (*code, error) {
	tree := r.resolve(root)
	if r.err != nil {
		return nil, r.err
	}
	c := &code{tree: tree, src: r.src}
	if currentPath == pathCompiled {
		prog, err := lowerCode(c)
		if err != nil {
			return nil, r.internal(root, err)
		}
		c.prog.Store(prog)
	}
	return c, nil
}

func (r *resolver) internal(n syntax.Node, err error) *Error {
	return &Error{Kind: ErrInternal, Message: "internal error compiling the expression: " + err.Error(),
		Range: n.Span(), Expression: r.src, Err: err}
}

// failed stands for a node that could not be resolved; r.err says why.
var failed = &node{op: opString, lit: String("")}

func (r *resolver) fail(kind ErrorKind, fn string, rng syntax.Range, msg string) *node {
	if r.err == nil {
		r.err = &Error{Kind: kind, Message: msg, Function: fn, Range: rng, Expression: r.src}
	}
	return failed
}

func (r *resolver) newSite(fn *Function, name string, rng syntax.Range) *callSite {
	return &callSite{fn: fn, name: name, rng: rng, src: r.src}
}

func (r *resolver) resolve(n syntax.Node) *node {
	if r.err != nil {
		return failed
	}
	switch x := n.(type) {
	case *syntax.StringLit:
		return &node{op: opString, lit: Value{x.Value}, rng: x.Range}
	case *syntax.IntLit:
		return &node{op: opInt, lit: Value{x.Value}, rng: x.Range}
	case *syntax.Member:
		s := r.newSite(memberFunction, x.Name, x.Range)
		s.member = x.Name
		return &node{op: opCall, site: s, args: []*node{r.resolve(x.Target)}, rng: x.Range}
	case *syntax.Index:
		s := r.newSite(indexFunction, "[]", x.Range)
		target := r.resolve(x.Target)
		return &node{op: opCall, site: s, args: []*node{target, r.resolve(x.Index)}, rng: x.Range}
	case *syntax.Call:
		return r.call(x, false)
	}
	return r.fail(ErrInternal, "", n.Span(), fmt.Sprintf("unexpected node %T", n))
}

func (r *resolver) call(c *syntax.Call, lambdaAllowed bool) *node {
	if c.Namespace != "" {
		s := r.newSite(userFunction, c.QualifiedName(), c.Range)
		s.namespace, s.user = c.Namespace, c.Name
		return &node{op: opCall, site: s, args: r.args(c, nil), rng: c.Range}
	}
	fn, ok := r.eng.reg.Lookup(c.Name)
	if !ok {
		return r.fail(ErrUnknownFunction, c.Name, c.Range, unknownFunctionMessage(c.Name))
	}
	if n := len(c.Args); n < fn.MinArgs || (fn.MaxArgs != Variadic && n > fn.MaxArgs) {
		return r.fail(ErrArgumentCount, c.Name, c.Range, argCountMessage(c.Name, fn.MinArgs, fn.MaxArgs, n))
	}
	switch fn.lowering {
	case lowerIf:
		return &node{op: opIf, site: r.newSite(ifCondFunction, c.Name, c.Range), args: r.args(c, nil), rng: c.Range}
	case lowerAnd:
		return &node{op: opAnd, site: r.newSite(logicArgFunction, c.Name, c.Range), args: r.args(c, nil), rng: c.Range}
	case lowerOr:
		return &node{op: opOr, site: r.newSite(logicArgFunction, c.Name, c.Range), args: r.args(c, nil), rng: c.Range}
	case lowerCoalesce:
		return &node{op: opCoalesce, site: r.newSite(isNullFunction, c.Name, c.Range), args: r.args(c, nil), rng: c.Range}
	case lowerLambda:
		if !lambdaAllowed {
			return r.fail(ErrNotAllowed, c.Name, c.Range, notExpectedMessage(c.Name))
		}
		return r.lambda(c)
	}
	if fn == lambdaVariablesFunction && r.lambdaDepth == 0 {
		return r.fail(ErrNotAllowed, c.Name, c.Range, notExpectedMessage(c.Name))
	}
	return &node{op: opCall, site: r.newSite(fn, c.Name, c.Range), args: r.args(c, fn), rng: c.Range}
}

// args resolves the arguments of c in order; those at fn's lambda
// positions may be lambda(...) calls.
func (r *resolver) args(c *syntax.Call, fn *Function) []*node {
	args := make([]*node, len(c.Args))
	for i, a := range c.Args {
		if call, ok := a.(*syntax.Call); ok && call.Namespace == "" && fn != nil && fn.acceptsLambda(i) {
			args[i] = r.call(call, true)
			continue
		}
		args[i] = r.resolve(a)
	}
	return args
}

func (r *resolver) lambda(c *syntax.Call) *node {
	params := make([]string, 0, len(c.Args)-1)
	for _, a := range c.Args[:len(c.Args)-1] {
		s, ok := a.(*syntax.StringLit)
		if !ok {
			return r.fail(ErrArgumentType, c.Name, a.Span(), fmt.Sprintf(
				"The template language function '%s' expects its parameter names to be string literals.%s", c.Name, usage))
		}
		params = append(params, s.Value)
	}
	r.lambdaDepth++
	body, err := r.unit(c.Args[len(c.Args)-1])
	r.lambdaDepth--
	if err != nil {
		var ee *Error
		if errors.As(err, &ee) && r.err == nil {
			r.err = ee
		}
		return failed
	}
	lv := &lambdaValue{params: params, body: body, text: r.src[c.Range.Start:c.Range.End]}
	return &node{op: opLambda, lit: Value{lv}, rng: c.Range}
}

// lambdaValue is a compiled lambda(...) argument.
type lambdaValue struct {
	params []string
	body   *code
	text   string
}
