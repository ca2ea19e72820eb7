package evaluator

// This is the only file that uses expr-lang's lower-level packages (ast,
// builtin, checker, compiler, conf, file, parser.Tree, vm), so that an expr
// upgrade touches one place. ARM text is never given to expr's parser: the
// tree built by package syntax is lowered to expr's AST here and compiled
// with checker.Check and compiler.Compile under a configuration in which
// every expr builtin is disabled.
//
// Lowering:
//
//	'text'                  ast.StringNode
//	12                      ast.IntegerNode (typed int64)
//	f(a, b)                 ast.CallNode{fN($env, a, b)}: one expr function per call site,
//	                        so that errors know their function and byte range
//	x.name, x[i]            ast.CallNode of a property/index access site
//	if(c, a, b)             let v = cond(c); v == true ? a : (v == false ? b : v)
//	and(a, b, ...)          let v = arg(a); v == true ? <and of the rest> : v
//	or(a, b, ...)           let v = arg(a); v == false ? <or of the rest> : v
//	coalesce(a, b, ...)     let v = a; isNull(v) ? <coalesce of the rest> : v
//	lambda('x', body)       ast.ConstantNode holding the separately compiled body
//
// so if/and/or/coalesce evaluate lazily (only the chosen branch, with
// short-circuiting) through expr's own jumps.

import (
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"sync"

	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/builtin"
	"github.com/expr-lang/expr/checker"
	"github.com/expr-lang/expr/compiler"
	"github.com/expr-lang/expr/conf"
	"github.com/expr-lang/expr/file"
	"github.com/expr-lang/expr/parser"
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

// code is one compiled unit: an expression or a lambda body.
type code struct {
	prog *vm.Program
}

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
	l := &lowerer{eng: e, src: text}
	c, err := l.compileUnit(root)
	if err != nil {
		return nil, err
	}
	p.code = c
	return p, nil
}

// lowerer translates a syntax tree into expr's AST.
type lowerer struct {
	eng         *Engine
	src         string
	err         *Error
	lambdaDepth int
}

// unit collects the per-call-site functions of one compiled unit.
type unit struct {
	funcs conf.FunctionsTable
	nvar  int
}

// disabledBuiltins lists every expr builtin; none is available to ARM code.
var disabledBuiltins = sync.OnceValue(func() map[string]bool {
	m := make(map[string]bool, len(builtin.Builtins))
	for _, f := range builtin.Builtins {
		m[f.Name] = true
	}
	return m
})

var int64Type = reflect.TypeOf(int64(0))

func (l *lowerer) compileUnit(root syntax.Node) (*code, error) {
	u := &unit{funcs: conf.FunctionsTable{}}
	node := l.lower(u, root)
	if l.err != nil {
		return nil, l.err
	}
	cfg := &conf.Config{
		Optimize:     true,
		ShortCircuit: true,
		ConstFns:     map[string]reflect.Value{},
		Functions:    u.funcs,
		Builtins:     conf.FunctionsTable{}, // every builtin disabled
		Disabled:     disabledBuiltins(),
	}
	tree := &parser.Tree{Node: node, Source: file.NewSource(l.src)}
	if _, err := checker.Check(tree, cfg); err != nil {
		return nil, l.internal(root, err)
	}
	ast.Walk(&tree.Node, int64Patcher{})
	prog, err := compiler.Compile(tree, cfg)
	if err != nil {
		return nil, l.internal(root, err)
	}
	return &code{prog: prog}, nil
}

func (l *lowerer) internal(n syntax.Node, err error) *Error {
	return &Error{Kind: ErrInternal, Message: "internal error compiling the expression: " + err.Error(),
		Range: n.Span(), Expression: l.src, Err: err}
}

// int64Patcher makes integer literals push int64, ARM's integer type.
type int64Patcher struct{}

func (int64Patcher) Visit(n *ast.Node) {
	if in, ok := (*n).(*ast.IntegerNode); ok {
		in.SetType(int64Type)
	}
}

func (l *lowerer) fail(kind ErrorKind, fn string, r syntax.Range, msg string) ast.Node {
	if l.err == nil {
		l.err = &Error{Kind: kind, Message: msg, Function: fn, Range: r, Expression: l.src}
	}
	return &ast.NilNode{}
}

func located(n ast.Node, r syntax.Range) ast.Node {
	n.SetLocation(file.Location{From: r.Start, To: r.End})
	return n
}

// site registers an expr function that invokes site and returns a call to
// it with the given lowered arguments.
func (u *unit) site(site *callSite, args ...ast.Node) ast.Node {
	name := "f" + strconv.Itoa(len(u.funcs))
	u.funcs[name] = &builtin.Function{
		Name: name,
		Func: func(raw ...any) (any, error) {
			v, err := raw[0].(*Session).invoke(site, raw[1:])
			if err != nil {
				return nil, err
			}
			return v.v, nil
		},
	}
	callArgs := append([]ast.Node{&ast.IdentifierNode{Value: "$env"}}, args...)
	return located(&ast.CallNode{Callee: &ast.IdentifierNode{Value: name}, Arguments: callArgs}, site.rng)
}

func (u *unit) newVar() string {
	u.nvar++
	return "$v" + strconv.Itoa(u.nvar)
}

func (l *lowerer) newSite(fn *Function, name string, r syntax.Range) *callSite {
	return &callSite{fn: fn, name: name, rng: r, src: l.src}
}

func (l *lowerer) lower(u *unit, n syntax.Node) ast.Node {
	if l.err != nil {
		return &ast.NilNode{}
	}
	switch x := n.(type) {
	case *syntax.StringLit:
		return located(&ast.StringNode{Value: x.Value}, x.Range)
	case *syntax.IntLit:
		if int64(int(x.Value)) != x.Value {
			return located(&ast.ConstantNode{Value: x.Value}, x.Range)
		}
		return located(&ast.IntegerNode{Value: int(x.Value)}, x.Range)
	case *syntax.Member:
		s := l.newSite(memberFunction, x.Name, x.Range)
		s.member = x.Name
		return u.site(s, l.lower(u, x.Target))
	case *syntax.Index:
		s := l.newSite(indexFunction, "[]", x.Range)
		return u.site(s, l.lower(u, x.Target), l.lower(u, x.Index))
	case *syntax.Call:
		return l.lowerCall(u, x, false)
	}
	return l.fail(ErrInternal, "", n.Span(), fmt.Sprintf("unexpected node %T", n))
}

func (l *lowerer) lowerCall(u *unit, c *syntax.Call, lambdaAllowed bool) ast.Node {
	if c.Namespace != "" {
		s := l.newSite(userFunction, c.QualifiedName(), c.Range)
		s.namespace, s.user = c.Namespace, c.Name
		return u.site(s, l.lowerArgs(u, c, nil)...)
	}
	fn, ok := l.eng.reg.Lookup(c.Name)
	if !ok {
		return l.fail(ErrUnknownFunction, c.Name, c.Range, unknownFunctionMessage(c.Name))
	}
	if n := len(c.Args); n < fn.MinArgs || (fn.MaxArgs != Variadic && n > fn.MaxArgs) {
		return l.fail(ErrArgumentCount, c.Name, c.Range, argCountMessage(c.Name, fn.MinArgs, fn.MaxArgs, n))
	}
	switch fn.lowering {
	case lowerIf:
		return l.lowerIf(u, c)
	case lowerAnd, lowerOr:
		return l.lowerAndOr(u, c, fn.lowering, 0)
	case lowerCoalesce:
		return l.lowerCoalesce(u, c, 0)
	case lowerLambda:
		if !lambdaAllowed {
			return l.fail(ErrNotAllowed, c.Name, c.Range, notExpectedMessage(c.Name))
		}
		return l.lowerLambda(c)
	}
	if fn == lambdaVariablesFunction && l.lambdaDepth == 0 {
		return l.fail(ErrNotAllowed, c.Name, c.Range, notExpectedMessage(c.Name))
	}
	return u.site(l.newSite(fn, c.Name, c.Range), l.lowerArgs(u, c, fn)...)
}

func (l *lowerer) lowerArgs(u *unit, c *syntax.Call, fn *Function) []ast.Node {
	args := make([]ast.Node, len(c.Args))
	for i, a := range c.Args {
		if call, ok := a.(*syntax.Call); ok && call.Namespace == "" && fn != nil && fn.acceptsLambda(i) {
			args[i] = l.lowerCall(u, call, true)
			continue
		}
		args[i] = l.lower(u, a)
	}
	return args
}

func isTrue(v string) ast.Node {
	return &ast.BinaryNode{Operator: "==", Left: &ast.IdentifierNode{Value: v}, Right: &ast.BoolNode{Value: true}}
}

func isFalse(v string) ast.Node {
	return &ast.BinaryNode{Operator: "==", Left: &ast.IdentifierNode{Value: v}, Right: &ast.BoolNode{Value: false}}
}

func (l *lowerer) lowerIf(u *unit, c *syntax.Call) ast.Node {
	v := u.newVar()
	cond := u.site(l.newSite(ifCondFunction, c.Name, c.Range), l.lower(u, c.Args[0]))
	yes := l.lower(u, c.Args[1])
	no := l.lower(u, c.Args[2])
	body := &ast.ConditionalNode{Cond: isTrue(v), Exp1: yes,
		Exp2: &ast.ConditionalNode{Cond: isFalse(v), Exp1: no, Exp2: &ast.IdentifierNode{Value: v}}}
	return located(&ast.VariableDeclaratorNode{Name: v, Value: cond, Expr: body}, c.Range)
}

func (l *lowerer) lowerAndOr(u *unit, c *syntax.Call, kind lowering, i int) ast.Node {
	s := l.newSite(logicArgFunction, c.Name, c.Range)
	arg := u.site(s, l.lower(u, c.Args[i]))
	if i == len(c.Args)-1 {
		return arg
	}
	v := u.newVar()
	rest := l.lowerAndOr(u, c, kind, i+1)
	test := isTrue(v)
	if kind == lowerOr {
		test = isFalse(v)
	}
	return located(&ast.VariableDeclaratorNode{Name: v, Value: arg,
		Expr: &ast.ConditionalNode{Cond: test, Exp1: rest, Exp2: &ast.IdentifierNode{Value: v}}}, c.Range)
}

func (l *lowerer) lowerCoalesce(u *unit, c *syntax.Call, i int) ast.Node {
	arg := l.lower(u, c.Args[i])
	if i == len(c.Args)-1 {
		return arg
	}
	v := u.newVar()
	rest := l.lowerCoalesce(u, c, i+1)
	isNull := u.site(l.newSite(isNullFunction, c.Name, c.Range), &ast.IdentifierNode{Value: v})
	return located(&ast.VariableDeclaratorNode{Name: v, Value: arg,
		Expr: &ast.ConditionalNode{Cond: isNull, Exp1: rest, Exp2: &ast.IdentifierNode{Value: v}}}, c.Range)
}

func (l *lowerer) lowerLambda(c *syntax.Call) ast.Node {
	params := make([]string, 0, len(c.Args)-1)
	for _, a := range c.Args[:len(c.Args)-1] {
		s, ok := a.(*syntax.StringLit)
		if !ok {
			return l.fail(ErrArgumentType, c.Name, a.Span(), fmt.Sprintf(
				"The template language function '%s' expects its parameter names to be string literals.%s", c.Name, usage))
		}
		params = append(params, s.Value)
	}
	l.lambdaDepth++
	body, err := l.compileUnit(c.Args[len(c.Args)-1])
	l.lambdaDepth--
	if err != nil {
		var ee *Error
		if errors.As(err, &ee) && l.err == nil {
			l.err = ee
		}
		return &ast.NilNode{}
	}
	lv := &lambdaValue{params: params, body: body, text: l.src[c.Range.Start:c.Range.End]}
	return located(&ast.ConstantNode{Value: lv}, c.Range)
}

// lambdaValue is a compiled lambda(...) argument.
type lambdaValue struct {
	params []string
	body   *code
	text   string
}

// vmStack holds one reusable VM per nesting level of program runs.
type vmStack struct {
	vms   []*vm.VM
	depth int
}

// run executes c on the session's VM for the current nesting depth.
func (s *Session) run(c *code) (Value, error) {
	if s.vms.depth >= maxEvalDepth {
		return Null, &Error{Kind: ErrNotAllowed, Message: fmt.Sprintf(
			"The template language expression is nested more than %d levels deep (lambdas or user-defined functions).", maxEvalDepth)}
	}
	if s.vms.depth == len(s.vms.vms) {
		s.vms.vms = append(s.vms.vms, &vm.VM{})
	}
	m := s.vms.vms[s.vms.depth]
	s.vms.depth++
	out, err := m.Run(c.prog, s)
	s.vms.depth--
	if err != nil {
		return Null, runError(err, c)
	}
	return Value{out}, nil
}

// runError extracts the *Error a function returned through the VM, or turns
// a recovered panic into an internal error at the failing node.
func runError(err error, c *code) error {
	var ee *Error
	if errors.As(err, &ee) {
		return ee
	}
	e := &Error{Kind: ErrInternal, Message: "internal error evaluating the expression: " + err.Error(), Err: err,
		Expression: c.prog.Source().String()}
	var fe *file.Error
	if errors.As(err, &fe) {
		e.Message = "internal error evaluating the expression: " + fe.Message
		e.Range = syntax.Range{Start: fe.From, End: fe.To}
	}
	return e
}
