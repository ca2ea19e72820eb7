package evaluator

// This is the only file that uses expr-lang's lower-level packages (ast,
// builtin, checker, compiler, conf, file, parser.Tree, vm), so that an expr
// upgrade touches one place. ARM text is never given to expr's parser: the
// resolved tree (compile_resolve.go) is lowered to expr's AST here and
// compiled with checker.Check and compiler.Compile under a configuration in
// which every expr builtin is disabled.
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
//	lambda('x', body)       ast.ConstantNode holding the separately resolved body
//
// so if/and/or/coalesce evaluate lazily (only the chosen branch, with
// short-circuiting) through expr's own jumps. The interpreter (interp.go)
// gives the same results from the same tree.

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

// unit collects the per-call-site functions of one lowered unit.
type unit struct {
	funcs conf.FunctionsTable
	nvar  int
	err   error
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

// lowerCode compiles the tree of c to an expr program.
func lowerCode(c *code) (*vm.Program, error) {
	u := &unit{funcs: conf.FunctionsTable{}}
	n := u.lower(c.tree)
	if u.err != nil {
		return nil, u.err
	}
	cfg := &conf.Config{
		Optimize:     true,
		ShortCircuit: true,
		ConstFns:     map[string]reflect.Value{},
		Functions:    u.funcs,
		Builtins:     conf.FunctionsTable{}, // every builtin disabled
		Disabled:     disabledBuiltins(),
	}
	tree := &parser.Tree{Node: n, Source: file.NewSource(c.src)}
	if _, err := checker.Check(tree, cfg); err != nil {
		return nil, err
	}
	ast.Walk(&tree.Node, int64Patcher{})
	return compiler.Compile(tree, cfg)
}

// int64Patcher makes integer literals push int64, ARM's integer type.
type int64Patcher struct{}

func (int64Patcher) Visit(n *ast.Node) {
	if in, ok := (*n).(*ast.IntegerNode); ok {
		in.SetType(int64Type)
	}
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

func (u *unit) lower(n *node) ast.Node {
	switch n.op {
	case opString:
		return located(&ast.StringNode{Value: n.lit.v.(string)}, n.rng)
	case opInt:
		x := n.lit.v.(int64)
		if int64(int(x)) != x {
			return located(&ast.ConstantNode{Value: x}, n.rng)
		}
		return located(&ast.IntegerNode{Value: int(x)}, n.rng)
	case opLambda:
		return located(&ast.ConstantNode{Value: n.lit.v}, n.rng)
	case opCall:
		args := make([]ast.Node, len(n.args))
		for i, a := range n.args {
			args[i] = u.lower(a)
		}
		return u.site(n.site, args...)
	case opIf:
		v := u.newVar()
		cond := u.site(n.site, u.lower(n.args[0]))
		yes := u.lower(n.args[1])
		no := u.lower(n.args[2])
		body := &ast.ConditionalNode{Cond: isTrue(v), Exp1: yes,
			Exp2: &ast.ConditionalNode{Cond: isFalse(v), Exp1: no, Exp2: &ast.IdentifierNode{Value: v}}}
		return located(&ast.VariableDeclaratorNode{Name: v, Value: cond, Expr: body}, n.rng)
	case opAnd, opOr:
		return u.lowerAndOr(n, 0)
	case opCoalesce:
		return u.lowerCoalesce(n, 0)
	}
	u.err = fmt.Errorf("unexpected node op %d", n.op)
	return &ast.NilNode{}
}

func isTrue(v string) ast.Node {
	return &ast.BinaryNode{Operator: "==", Left: &ast.IdentifierNode{Value: v}, Right: &ast.BoolNode{Value: true}}
}

func isFalse(v string) ast.Node {
	return &ast.BinaryNode{Operator: "==", Left: &ast.IdentifierNode{Value: v}, Right: &ast.BoolNode{Value: false}}
}

func (u *unit) lowerAndOr(n *node, i int) ast.Node {
	arg := u.site(n.site, u.lower(n.args[i]))
	if i == len(n.args)-1 {
		return arg
	}
	v := u.newVar()
	rest := u.lowerAndOr(n, i+1)
	test := isTrue(v)
	if n.op == opOr {
		test = isFalse(v)
	}
	return located(&ast.VariableDeclaratorNode{Name: v, Value: arg,
		Expr: &ast.ConditionalNode{Cond: test, Exp1: rest, Exp2: &ast.IdentifierNode{Value: v}}}, n.rng)
}

func (u *unit) lowerCoalesce(n *node, i int) ast.Node {
	arg := u.lower(n.args[i])
	if i == len(n.args)-1 {
		return arg
	}
	v := u.newVar()
	rest := u.lowerCoalesce(n, i+1)
	isNull := u.site(n.site, &ast.IdentifierNode{Value: v})
	return located(&ast.VariableDeclaratorNode{Name: v, Value: arg,
		Expr: &ast.ConditionalNode{Cond: isNull, Exp1: rest, Exp2: &ast.IdentifierNode{Value: v}}}, n.rng)
}

// program returns the expr program c runs on, compiling it once c has
// been run compileAfter times, or nil while c is interpreted.
func (c *code) program() *vm.Program {
	if p := c.prog.Load(); p != nil {
		return p
	}
	switch {
	case currentPath == pathInterp || c.noVM.Load():
		return nil
	case currentPath == pathAuto && c.uses.Add(1) <= compileAfter:
		return nil
	}
	p, err := lowerCode(c)
	if err != nil {
		c.noVM.Store(true)
		return nil
	}
	c.prog.CompareAndSwap(nil, p)
	return c.prog.Load()
}

// vmStack holds one reusable VM per nesting level of program runs.
type vmStack struct {
	vms   []*vm.VM
	depth int
}

// run executes c: through the interpreter, or on the session's VM for the
// current nesting depth once c is compiled.
func (s *Session) run(c *code) (Value, error) {
	if s.vms.depth >= maxEvalDepth {
		return Null, &Error{Kind: ErrNotAllowed, Message: fmt.Sprintf(
			"The template language expression is nested more than %d levels deep (lambdas or user-defined functions).", maxEvalDepth)}
	}
	prog := c.program()
	if prog == nil {
		s.vms.depth++
		v, err := s.interpret(c)
		s.vms.depth--
		return v, err
	}
	for len(s.vms.vms) <= s.vms.depth {
		s.vms.vms = append(s.vms.vms, &vm.VM{})
	}
	m := s.vms.vms[s.vms.depth]
	s.vms.depth++
	out, err := m.Run(prog, s)
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
		Expression: c.src}
	var fe *file.Error
	if errors.As(err, &fe) {
		e.Message = "internal error evaluating the expression: " + fe.Message
		e.Range = syntax.Range{Start: fe.From, End: fe.To}
	}
	return e
}
