package evaluator

import (
	"fmt"
	"sort"
	"strings"
	"sync"
)

// Category groups functions as the ARM reference does.
type Category string

// The function categories of arm-spec §4.
const (
	CategoryArray      Category = "array"
	CategoryCIDR       Category = "cidr"
	CategoryComparison Category = "comparison"
	CategoryDate       Category = "date"
	CategoryDeployment Category = "deployment"
	CategoryLambda     Category = "lambda"
	CategoryLogical    Category = "logical"
	CategoryNumeric    Category = "numeric"
	CategoryObject     Category = "object"
	CategoryResource   Category = "resource"
	CategoryScope      Category = "scope"
	CategoryString     Category = "string"
)

// Variadic is the MaxArgs of a function without an upper bound.
const Variadic = -1

// Impl is the implementation of a function. args has been checked against
// the arity; it must not be retained or modified (copy it to keep it).
// Unknown and secure arguments have already been handled by the caller
// unless the function opts out (see [Function]).
type Impl func(c Call, args []Value) (Value, error)

// Function describes one template function.
type Function struct {
	// Name is the canonical spelling; lookups are case-insensitive.
	Name string
	// Category is the reference page the function belongs to.
	Category Category
	// Signature is the user-facing call form, e.g. "concat(arg1, arg2, ...)".
	Signature string
	// Description is one user-facing sentence.
	Description string
	// MinArgs and MaxArgs bound the argument count; MaxArgs is [Variadic]
	// for no upper bound.
	MinArgs, MaxArgs int
	// Impl evaluates the function.
	Impl Impl

	lowering     lowering    // special compilation (if, and, or, coalesce, lambda)
	lambdaArgs   []int       // argument positions that accept lambda(...)
	shallow      bool        // only top-level unknown/secure arguments propagate
	keepUnknown  bool        // the implementation handles unknown arguments itself
	plain        bool        // the result is never marked secure
	passThrough  bool        // the result already exists: not charged to the budget (see passThrough)
	restrictedBy Restriction // sites where the function is not expected
}

// lowering selects how the compiler translates a call.
type lowering uint8

const (
	lowerCall lowering = iota // an ordinary eager call
	lowerIf
	lowerAnd
	lowerOr
	lowerCoalesce
	lowerLambda
)

// acceptsLambda reports whether argument i may be a lambda(...).
func (f *Function) acceptsLambda(i int) bool {
	for _, j := range f.lambdaArgs {
		if i == j {
			return true
		}
	}
	return false
}

// Registry is a set of functions looked up case-insensitively. It is
// immutable once built and safe for concurrent use.
type Registry struct {
	byName map[string]*Function
	// bySpelling holds each function by its name as registered
	// ("uniqueString"), the spelling templates mostly use: found without
	// lowering the name.
	bySpelling map[string]*Function
	all        []*Function
}

// NewRegistry builds a registry from function lists. It panics on a
// duplicate name or a function without a name or implementation, which are
// programming errors.
func NewRegistry(lists ...[]*Function) *Registry {
	r := &Registry{byName: map[string]*Function{}, bySpelling: map[string]*Function{}}
	for _, list := range lists {
		for _, f := range list {
			if f.Name == "" || f.Impl == nil && f.lowering == lowerCall {
				panic(fmt.Sprintf("evaluator: function %q has no name or implementation", f.Name))
			}
			key := strings.ToLower(f.Name)
			if _, dup := r.byName[key]; dup {
				panic(fmt.Sprintf("evaluator: function %q registered twice", f.Name))
			}
			r.byName[key] = f
			r.bySpelling[f.Name] = f
			r.all = append(r.all, f)
		}
	}
	sort.Slice(r.all, func(i, j int) bool {
		if r.all[i].Category != r.all[j].Category {
			return r.all[i].Category < r.all[j].Category
		}
		return strings.ToLower(r.all[i].Name) < strings.ToLower(r.all[j].Name)
	})
	return r
}

// Lookup finds a function by name, case-insensitively. Names of the form
// list{Action} (listKeys, listSecrets, ...) resolve to the generic list
// function when the registry has one registered as "list*".
func (r *Registry) Lookup(name string) (*Function, bool) {
	if f, ok := r.bySpelling[name]; ok {
		return f, true
	}
	key := strings.ToLower(name)
	if f, ok := r.byName[key]; ok {
		return f, true
	}
	if len(key) > 4 && strings.HasPrefix(key, "list") {
		if f, ok := r.byName["list*"]; ok {
			return f, true
		}
	}
	return nil, false
}

// All returns every function ordered by category and name. The slice must
// not be modified.
func (r *Registry) All() []*Function { return r.all }

// BuiltinFunctions returns the functions this package implements, by
// category. The *Function values are shared and must not be modified.
func BuiltinFunctions() []*Function {
	var all []*Function
	for _, list := range [][]*Function{
		arrayFunctions, cidrFunctions, comparisonFunctions, dateFunctions,
		deploymentFunctions, lambdaFunctions, logicalFunctions, numericFunctions,
		objectFunctions, resourceFunctions, scopeFunctions, stringFunctions,
	} {
		all = append(all, list...)
	}
	return all
}

var builtins = sync.OnceValue(func() *Registry { return NewRegistry(BuiltinFunctions()) })

// Builtins returns the registry of [BuiltinFunctions].
func Builtins() *Registry { return builtins() }
