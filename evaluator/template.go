package evaluator

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/armdeploy/armdeploy/templates"
)

// Options configure the evaluation of a template.
type Options struct {
	// Engine compiles expressions; nil uses a new engine with every builtin.
	Engine     *Engine
	Deployment Deployment
	// Now is the clock of utcNow(); nil means the Unix epoch.
	Now func() time.Time
	// Random feeds newGuid().
	Random   io.Reader
	Resolver Resolver
	// ArtifactsRoot is the folder local template links
	// (templateLink.relativePath) must resolve inside; "" means the folder
	// of the root template's file.
	ArtifactsRoot string
	// NoLocalLinks refuses every local template link (for a template with
	// no folder of its own, such as one a network client sent).
	NoLocalLinks bool
	// ArtifactsMap maps linked-template URIs (templateLink.uri, and
	// relativePath under a template read from a URI) to local folders;
	// a URI no mapping holds is an InvalidContentLink error.
	ArtifactsMap []ArtifactMapping
	// TemplateSpec reads a template spec version (templateLink.id) by id:
	// its full body, or ErrTemplateSpecNotFound. nil reads it with the
	// Resolver.
	TemplateSpec func(id string) (Value, error)
	// links records where each linked source came from (shared by the
	// nested templates).
	links *linkTable
	// Sources collects the files that nested deployments load
	// (templateLink.relativePath), so that diagnostics can show them; nil
	// means they are not collected.
	Sources templates.Sources
	// Budget is what the evaluation may spend (see [Budget]); nil gives
	// the template a new default budget, which its nested templates
	// share.
	Budget *Budget
}

// Template evaluates the values of one template: parameters (supplied or
// default), variables (lazily, in any order, with cycles reported by name),
// user-defined functions and outputs. Values supplied as parameters are
// literal and never evaluated. A Template is not safe for concurrent use.
type Template struct {
	T    *templates.Template
	opts Options
	eng  *Engine
	sess *Session

	supplied *templates.ParameterSet
	params   map[string]*slot
	vars     map[string]*slot
	varStack []string
	loops    []loopFrame

	// given are parameter values passed by a parent deployment (inner
	// scope), by lower-cased name; they win over supplied.
	given map[string]Value
	// outer is the parent of a nested template evaluated in the parent's
	// scope: parameters, variables and user functions come from it.
	outer *Template
	// at is where the template's resources are placed: the deployment's
	// scope for the root, the nested deployment's target otherwise (which
	// differs from opts.Deployment for an outer-scope nested template,
	// whose expressions are evaluated in its parent's context).
	at place
	// parent is the template that declares this nested one; nil for the root.
	parent *Template
	// groups are the resource groups this template declares
	// (Microsoft.Resources/resourceGroups at subscription scope), by
	// lower-cased id, for resourceGroup() in nested deployments into them.
	groups map[string]*Resource
	// depth is the nesting depth of deployments (0 for the root template).
	depth int
	// deployedBy is the id of the deployment this template is nested in.
	deployedBy string
	// deployments are the outputs of nested deployments expanded so far,
	// by lower-cased deployment name and id, for reference().
	deployments map[string]Value
	// refs, when set, collects the targets of reference() and list*()
	// calls, for implicit dependencies.
	refs *[]string
	// targets maps the symbolic names, names and type/names of the
	// resources expanded so far (lower-cased) to their ids, so that the
	// resolver is always asked about an id.
	targets map[string]string
	// children are the templates of the nested deployments the last
	// expansion made, by deployment id: expanding again, a nested
	// template starts from what its previous expansion learnt, as the
	// root does, so that a resource reading a deployment (or a resource)
	// declared after it in the same nested template finds it.
	children map[string]*Template
	// ctxs caches the evaluation context of each site; a Context is
	// read-only during evaluation and its callbacks read e's current state.
	ctxs [siteOutput + 1]*Context
}

// slot is the lazily computed value of a parameter or variable.
type slot struct {
	state uint8 // 0 not started, 1 evaluating, 2 done
	val   Value
	err   error
}

// loopFrame is one active copy loop.
type loopFrame struct {
	name     string
	index    int64
	resource bool // a resource or output loop: the target of copyIndex()
}

// ErrCycle is wrapped by the error of a variable whose value depends on
// itself.
var ErrCycle = errors.New("circular variable reference")

// NewTemplate prepares the evaluation of t with the supplied parameter
// values (nil means none).
func NewTemplate(t *templates.Template, supplied *templates.ParameterSet, opts Options) *Template {
	eng := opts.Engine
	if eng == nil {
		eng = NewEngine()
	}
	if opts.Budget == nil {
		opts.Budget = NewBudget()
	}
	if supplied == nil {
		supplied = &templates.ParameterSet{}
	}
	e := &Template{T: t, opts: opts, eng: eng, supplied: supplied, at: placeOf(&opts.Deployment),
		params: map[string]*slot{}, vars: map[string]*slot{}, deployments: map[string]Value{}, targets: map[string]string{}}
	e.sess = eng.NewSession(nil)
	e.sess.budget = opts.Budget
	return e
}

// SetResolver replaces the resolver of reference() and list*(), for
// evaluating resources and outputs again once resources exist. Parameters
// and variables keep the values they had.
func (e *Template) SetResolver(r Resolver) { e.opts.Resolver = r }

// Session returns the evaluation session (for callers that evaluate more
// expressions in the same context, such as resource expansion).
func (e *Template) Session() *Session { return e.sess }

// site is where a value is evaluated; it decides which functions ARM allows.
type site uint8

const (
	siteParameterDefault site = iota
	siteVariable
	siteResource
	siteOutput
)

func (e *Template) context(s site) *Context {
	if c := e.ctxs[s]; c != nil {
		return c
	}
	ctx := &Context{
		Deployment:    e.opts.Deployment,
		Now:           e.opts.Now,
		Random:        e.opts.Random,
		Resolver:      nestedResolver{e},
		Parameters:    e.Parameter,
		Variables:     e.Variable,
		CopyIndex:     e.copyIndex,
		UserFunctions: userFunctions{e},
		References:    e.references,
		ResourceInfo:  e.resourceInfo,
	}
	switch s {
	case siteParameterDefault:
		ctx.Forbid = ForbidRuntime | ForbidVariables
	case siteVariable:
		ctx.Forbid = ForbidRuntime | ForbidNondeterministic
	default:
		ctx.Forbid = ForbidNondeterministic
	}
	e.ctxs[s] = ctx
	return ctx
}

func (e *Template) copyIndex(loop string) (int64, error) {
	for i := len(e.loops) - 1; i >= 0; i-- {
		f := e.loops[i]
		if loop == "" && f.resource || loop != "" && strings.EqualFold(f.name, loop) {
			return f.index, nil
		}
	}
	if loop == "" {
		return 0, fmt.Errorf("The template function 'copyIndex' is not expected at this location. Please see https://aka.ms/arm-copy for usage details.")
	}
	return 0, fmt.Errorf("The template function 'copyIndex' references the copy loop '%s', which is not in scope here. Please see https://aka.ms/arm-copy for usage details.", loop)
}

// WithLoop runs fn with the copy loop name at index i in scope, so that
// copyIndex() (resource and output loops) and copyIndex('name') see it.
func (e *Template) WithLoop(name string, i int64, resource bool, fn func() error) error {
	e.loops = append(e.loops, loopFrame{name: name, index: i, resource: resource})
	defer func() { e.loops = e.loops[:len(e.loops)-1] }()
	return fn()
}

// Parameter returns the value of a parameter: the supplied value, else the
// evaluated default. Secure parameters come back marked secure.
func (e *Template) Parameter(name string) (Value, error) {
	if e.outer != nil {
		return e.outer.Parameter(name)
	}
	p := e.T.Parameter(name)
	if p == nil {
		return Null, fmt.Errorf("The template parameter '%s' is not found. Please see https://aka.ms/arm-syntax-parameters for usage details.", name)
	}
	key := strings.ToLower(p.Name)
	s := e.params[key]
	if s == nil {
		s = &slot{}
		e.params[key] = s
	}
	switch s.state {
	case 2:
		return s.val, derive(s.err, "parameters."+p.Name)
	case 1:
		return Null, fmt.Errorf("%w: the default value of parameter '%s' depends on itself", ErrCycle, p.Name)
	}
	s.state = 1
	s.val, s.err = e.parameterValue(p)
	s.state = 2
	return s.val, derive(s.err, "parameters."+p.Name)
}

func (e *Template) parameterValue(p *templates.Parameter) (Value, error) {
	var v Value
	if gv, ok := e.given[strings.ToLower(p.Name)]; ok {
		v = gv
	} else if sv := e.supplied.Get(p.Name); sv != nil && sv.Value != nil && (sv.Value.Kind != templates.Null || p.DefaultValue == nil) {
		v = NodeValue(sv.Value)
		if sv.FromArg && p.BaseType() == "string" && sv.Value.Kind != templates.String {
			v = String(sv.Text)
		}
	} else if p.DefaultValue != nil {
		var err error
		v, err = e.eval(p.DefaultValue, siteParameterDefault)
		if err != nil {
			return Null, err
		}
		if !v.IsUnknown() && p.Ref == "" && !kindFits(p.BaseType(), v) && !(v.IsNull() && p.IsNullable()) {
			return Null, &nodeError{n: p.DefaultValue, msg: fmt.Sprintf("The template parameter '%s' has a default value of type '%s'; its declared type is '%s'.", p.Name, v.Kind(), p.Type)}
		}
		if err := e.checkType(&p.TypeSpec, v, p.DefaultValue, "The provided value for the template parameter '"+p.Name+"' is not valid."); err != nil {
			return Null, err
		}
	} else if e.given != nil && !p.IsNullable() {
		line, col := p.KeyRange.Start.Line, p.KeyRange.Start.Col
		return Null, &nodeError{n: p.TypeSpec.Node, msg: fmt.Sprintf("The value for the template parameter '%s' at line '%d' and column '%d' is not provided. Please see https://aka.ms/arm-deploy/#parameter-file for usage details.", p.Name, line, col)}
	}
	if p.IsSecure() {
		v = Secure(v)
	}
	return v, nil
}

// checkType checks a computed value against a declared type with its
// constraints (allowedValues, ranges, lengths, user-defined types). Values
// with unknown parts are checked when they are known.
func (e *Template) checkType(ts *templates.TypeSpec, v Value, at *templates.Node, prefix string) error {
	if v.HasUnknown() {
		return nil
	}
	probs := templates.CheckType(e.T, ts, templates.NodeFromGo(v.Unsecure().Go()))
	if len(probs) == 0 {
		return nil
	}
	p := probs[0]
	msg := prefix + " " + p.Message
	if p.Path != "" {
		msg = fmt.Sprintf("%s At '%s': %s", prefix, p.Path, p.Message)
	}
	return &nodeError{n: at, msg: msg}
}

func kindFits(base string, v Value) bool {
	switch base {
	case "string":
		return v.Kind() == KindString
	case "int":
		return v.Kind() == KindInt
	case "bool":
		return v.Kind() == KindBool
	case "object":
		return v.Kind() == KindObject
	case "array":
		return v.Kind() == KindArray
	}
	return true
}

// Variable returns the value of a variable, evaluating it on first use.
func (e *Template) Variable(name string) (Value, error) {
	if e.outer != nil {
		return e.outer.Variable(name)
	}
	v := e.T.Variable(name)
	if v == nil {
		return Null, fmt.Errorf("The template variable '%s' is not found. Please see https://aka.ms/arm-syntax-variables for usage details.", name)
	}
	key := strings.ToLower(v.Name)
	s := e.vars[key]
	if s == nil {
		s = &slot{}
		e.vars[key] = s
	}
	switch s.state {
	case 2:
		return s.val, derive(s.err, "variables."+v.Name)
	case 1:
		i := 0
		for i < len(e.varStack) && !strings.EqualFold(e.varStack[i], v.Name) {
			i++
		}
		chain := append(append([]string(nil), e.varStack[i:]...), v.Name)
		return Null, &cycleError{names: chain}
	}
	s.state = 1
	e.varStack = append(e.varStack, v.Name)
	saved := e.loops
	e.loops = nil // a variable is evaluated outside any resource loop
	if v.Copy != nil {
		s.val, s.err = e.copyArray(v.Copy, siteVariable, false)
	} else {
		s.val, s.err = e.eval(v.Value, siteVariable)
	}
	e.loops = saved
	e.varStack = e.varStack[:len(e.varStack)-1]
	s.state = 2
	return s.val, derive(s.err, "variables."+v.Name)
}

// derivedError is the failure of a parameter or variable as its users
// see it: each use fails for the value's sake, and the value's own error
// (at its own place) is the one reported, once, so that one mistake is not
// repeated at every expression that reads the value.
type derivedError struct {
	err    error
	target string // "parameters.x" or "variables.x"
}

func (d *derivedError) Error() string { return d.err.Error() }

func (d *derivedError) Unwrap() error { return d.err }

func derive(err error, target string) error {
	if err == nil {
		return nil
	}
	d := &derivedError{err: err, target: target}
	// The expression engine hands a function's *Error on by itself, without
	// what wraps it: the error remembers the value it failed in.
	var ee *Error
	if errors.As(err, &ee) && ee.origin == nil {
		ee.origin = d
	}
	return d
}

// rootCause returns the error of the value an error derives from (the
// innermost parameter or variable that failed) and that value's target;
// an error that derives from none is returned as it is.
func rootCause(err error) (error, string) {
	target := ""
	for range 64 { // values nest far less deep; a bound keeps a bug from looping
		var d *derivedError
		var ee *Error
		switch {
		case errors.As(err, &d):
		case errors.As(err, &ee) && ee.origin != nil && ee.origin.err != err:
			d = ee.origin
		default:
			return err, target
		}
		err, target = d.err, d.target
	}
	return err, target
}

// cycleError reports variables that depend on each other.
type cycleError struct{ names []string }

func (c *cycleError) Error() string {
	return fmt.Sprintf("The template variable '%s' is not valid: it depends on itself through '%s'.", c.names[0], strings.Join(c.names, "' -> '"))
}

func (c *cycleError) Unwrap() error { return ErrCycle }
