package evaluator

import (
	"fmt"
	"math"
	"sync/atomic"
)

// The limits of one evaluation. docs/security.md ("Evaluation budgets")
// lists them for users; change both together.
const (
	// MaxValueSize is the largest value a function may make, in bytes of
	// its JSON text (approximately: escapes are not counted): 4 MiB, the
	// size Azure allows a whole expanded template. It bounds strings,
	// arrays and objects alike, and values that share parts (an array of
	// the same big object twice counts it twice, as its JSON would).
	MaxValueSize = 4 << 20
	// MaxSteps is how many function calls and lambda invocations the
	// evaluation of one deployment may make, its nested deployments
	// included.
	MaxSteps = 2_000_000
	// MaxAllocated is how many bytes the values made by the evaluation of
	// one deployment (nested deployments and linked template files
	// included) may add up to. Values that are passed on unchanged
	// (variables(), parameters(), property access, ...) are not counted.
	MaxAllocated = 32 << 20
	// MaxNestedDeployments is how many nested and linked deployments one
	// deployment may expand in all, at every depth: Azure's preflight
	// expansion limit (500), beyond which Azure stops looking; armdeploy
	// expands everything before it deploys, so it refuses instead.
	MaxNestedDeployments = 500
	// MaxFormatWidth bounds the alignment of a format() placeholder
	// ({0,width}): .NET refuses widths of a million or more with "Input
	// string was not in a correct format."
	MaxFormatWidth = 1_000_000
)

// Budget counts the work of one evaluation: a root template and every
// template nested in it share one Budget (through [Options]). It is safe
// for concurrent use. The zero value is not ready; use [NewBudget].
type Budget struct {
	steps, bytes, nested atomic.Int64
	maxSteps, maxBytes   int64
	// deepReported is set once a nesting-depth refusal was reported.
	deepReported atomic.Bool
}

// firstTooDeep reports whether this is the first nested deployment refused
// for [MaxNestingDepth]: a template that links itself would otherwise
// report it once per deployment at the bottom.
func (b *Budget) firstTooDeep() bool { return !b.deepReported.Swap(true) }

// nestedLimit is the outcome of counting one more nested deployment.
type nestedLimit uint8

const (
	nestedOK       nestedLimit = iota
	nestedFirstOut             // the first one past the limit: report it
	nestedOut                  // past the limit and already reported
)

// NewBudget returns a budget with the default limits [MaxSteps] and
// [MaxAllocated].
func NewBudget() *Budget { return &Budget{maxSteps: MaxSteps, maxBytes: MaxAllocated} }

// NewBudgetOf returns a budget with other limits (tests and benchmarks);
// a limit of 0 or less means the default.
func NewBudgetOf(steps, bytes int64) *Budget {
	b := NewBudget()
	if steps > 0 {
		b.maxSteps = steps
	}
	if bytes > 0 {
		b.maxBytes = bytes
	}
	return b
}

// Used returns the steps and bytes spent so far.
func (b *Budget) Used() (steps, bytes int64) { return b.steps.Load(), b.bytes.Load() }

// step spends one step; it reports false when the budget is exhausted.
func (b *Budget) step() bool { return b.steps.Add(1) <= b.maxSteps }

// alloc spends n bytes; it reports false when the budget is exhausted.
func (b *Budget) alloc(n int64) bool {
	if n <= 0 {
		return b.bytes.Load() <= b.maxBytes
	}
	return b.bytes.Add(n) <= b.maxBytes
}

// enterNested counts one more nested deployment, refused beyond
// [MaxNestedDeployments]; only the first refusal is to be reported (the
// others are the same error again).
func (b *Budget) enterNested() nestedLimit {
	switch n := b.nested.Add(1); {
	case n <= MaxNestedDeployments:
		return nestedOK
	case n == MaxNestedDeployments+1:
		return nestedFirstOut
	}
	return nestedOut
}

// stepsMessage and bytesMessage are the messages of an exhausted budget.
func (b *Budget) stepsMessage() string {
	return fmt.Sprintf("The evaluation of the deployment exceeded its limit of %d function calls and lambda iterations (armdeploy's evaluation budget); simplify the template's expressions.", b.maxSteps)
}

func (b *Budget) bytesMessage() string {
	return fmt.Sprintf("The values computed by the deployment's expressions exceeded their limit of %d bytes in all (armdeploy's evaluation budget); the template builds too much data.", b.maxBytes)
}

// valueTooLarge is the message of a function whose result exceeds
// [MaxValueSize].
func valueTooLarge(fn string, size int64) string {
	return fmt.Sprintf("The template language function '%s' produced a value of %s bytes; a value may be at most %d bytes, the size limit of a template.%s", fn, sizeText(size), MaxValueSize, usage)
}

func sizeText(n int64) string {
	if n >= maxTrackedSize {
		return fmt.Sprintf("more than %d", int64(maxTrackedSize))
	}
	return fmt.Sprint(n)
}

// maxTrackedSize is where value sizes saturate, so that sums of shared
// parts cannot overflow.
const maxTrackedSize = math.MaxInt64 / 4

// addSize adds the sizes of a member to a container's, saturating.
func addSize(total, overhead, member int64) int64 {
	total += overhead + member
	if total > maxTrackedSize || total < 0 {
		return maxTrackedSize
	}
	return total
}

// size is the approximate length of v as JSON text, O(1): containers keep
// theirs. Strings count their bytes and quotes, not escapes.
func (v Value) size() int64 {
	switch x := v.v.(type) {
	case nil:
		return 4
	case bool:
		return 5
	case int64, float64:
		return 8
	case string:
		return int64(len(x)) + 2
	case *array:
		return x.size
	case *Object:
		return x.size
	case *Unknown:
		return int64(len(x.Expr)) + 4
	case *secure:
		return x.v.size()
	}
	return 8
}

// allocated estimates the memory a function spent making v: its own
// string bytes or element slots, not the members it shares with its
// arguments.
func (v Value) allocated() int64 {
	switch x := v.raw().(type) {
	case string:
		return int64(len(x))
	case *array:
		return 24 + 16*int64(len(x.elems))
	case *Object:
		return 64 + 32*int64(len(x.keys))
	}
	return 0
}

// passThrough are the functions whose result is a value that already
// exists (an argument, a parameter, a variable, a resource read): it is
// neither counted again nor checked against [MaxValueSize].
var passThrough = map[string]bool{
	"member": true, "index": true, "if": true, "coalesce": true, "user": true,
	"first": true, "last": true, "indexFromEnd": true, "tryIndexFromEnd": true, "tryGet": true,
	"parameters": true, "variables": true, "deployment": true, "environment": true, "deployer": true,
	"lambdaVariables": true, "reference": true, "references": true, "resourceInfo": true, "list*": true,
	"providers": true, "resourceGroup": true, "subscription": true, "managementGroup": true, "tenant": true,
	"reduce": true,
}

func init() {
	for _, f := range append(BuiltinFunctions(), memberFunction, indexFunction, userFunction) {
		f.passThrough = passThrough[f.Name]
	}
}

// spend charges the budget for the result of one call and checks its size;
// it returns the message of the limit the call broke, or "".
func (s *Session) spend(fn *Function, name string, v Value) string {
	if fn.passThrough {
		return ""
	}
	if n := v.size(); n > MaxValueSize {
		return valueTooLarge(name, n)
	}
	if !s.budgetOf().alloc(v.allocated()) {
		return s.budget.bytesMessage()
	}
	return ""
}

// budgetOf returns the session's budget, making a default one for a
// session that was given none.
func (s *Session) budgetOf() *Budget {
	if s.budget == nil {
		s.budget = NewBudget()
	}
	return s.budget
}

// SetBudget makes the session spend from b (shared with other sessions of
// the same evaluation).
func (s *Session) SetBudget(b *Budget) { s.budget = b }

// Budget returns what the template's evaluation spends from (shared with
// its nested templates).
func (e *Template) Budget() *Budget { return e.opts.Budget }

// comparesPerStep is how many value comparisons cost one step of the
// budget (a comparison is much cheaper than a function call).
const comparesPerStep = 16

// compares spends the steps of n comparisons made by a function that
// compares every element with many others (union, intersection), so that
// quadratic work on big arrays is bounded too.
func (c Call) compares(n int) error {
	b := c.s.budgetOf()
	if b.steps.Add(int64(n/comparesPerStep)+1) > b.maxSteps {
		return c.newError(ErrLimit, b.stepsMessage())
	}
	return nil
}
