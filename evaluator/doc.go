// Package evaluator evaluates the ARM template expression language.
//
// It owns four things:
//
//   - ARM values ([Value], [Object]): null, bool, int64, float64 (only where ARM
//     has floats), string, array and insertion-ordered objects whose keys are
//     looked up case-insensitively, plus a secure mark ([Secure]) and unknown
//     values ([UnknownValue]) known only at deploy time. [Equal] and
//     [CompareStrings] give ARM's equality and culture-invariant ordering;
//     [StringText], [FormatText] and [JoinText] are ARM's three text
//     renderers; [ParseJSON], [Value.MarshalJSON], [FromGo] and [Value.Go]
//     convert to and from JSON and plain Go.
//   - Compilation: an expression string is parsed by package
//     [github.com/armdeploy/armdeploy/evaluator/syntax], lowered to expr-lang's
//     AST and compiled with expr's checker and compiler under a configuration
//     with every expr builtin disabled. ARM text never goes through expr's own
//     parser. All use of expr's lower-level packages lives in compile.go.
//     An [Engine] caches the programs by expression text.
//   - Evaluation: a [Session] (one per goroutine) runs programs against a
//     [Context] that supplies deployment metadata, the clock, randomness, the
//     [Resolver] for reference()/list*()/pickZones()/providers(), user-defined
//     functions ([UserFunctions]) and the parameters/variables/copyIndex
//     accessors. if/and/or/coalesce are lazy; anything computed from an
//     unknown value is unknown (named after the expression that consumed
//     it); anything computed from a secure value is secure.
//   - The function library, one file per category (array.go, cidr.go,
//     comparison.go, date.go, deployment.go, lambda.go, logical.go,
//     numeric.go, object.go, resource.go, scope.go, string*.go), registered in
//     a [Registry] with a description, signature, category and arity for
//     every function ([BuiltinFunctions], [Builtins]).
//
// Templates ([Template]) are evaluated at one of ARM's four deployment
// scopes ([Deployment.Scope]): their resources get ids at that scope, the
// scope functions refuse what the scope does not have, nested deployments
// move their templates to the scope they target (subscriptionId,
// resourceGroup, scope), and the limits of arm-spec §2 hold per template.
// [CheckTemplateScope] compares a template's $schema with the scope it is
// deployed at.
//
// Typical use:
//
//	eng := evaluator.NewEngine()                      // once per process
//	prog, err := eng.Compile("[concat('sa', uniqueString(resourceGroup().id))]")
//	ctx := &evaluator.Context{
//		Deployment: evaluator.Deployment{SubscriptionID: "...", ResourceGroup: "rg", ...},
//		Now:        clock.Now,
//		Parameters: func(name string) (evaluator.Value, error) { ... },
//		Variables:  func(name string) (evaluator.Value, error) { ... },
//		CopyIndex:  func(loop string) (int64, error) { ... },
//		Forbid:     evaluator.ForbidNondeterministic, // what this site may not use
//	}
//	s := eng.NewSession(ctx)                          // once per goroutine
//	v, err := s.Eval(prog)                            // or s.EvalString(text)
//
// Strings that are not expressions compile to their literal value ("[["
// escapes resolved), so every JSON string of a template can go through
// [Engine.Compile]. Callbacks may re-enter the session (evaluate another
// expression with it, or use [Session.EvalWith] for a user function body).
//
// Errors are values of type [*Error] carrying ARM's message, the failing
// function and the byte range of the failing call within the JSON string
// value ([Error.Range], [Error.Expression]), so the caller can map it to a
// file position. Errors returned by callbacks that already are *Error pass
// through unchanged, keeping the position in their own expression.
//
// The package never prints, never reads the wall clock or global randomness
// (both come from the [Context]) and keeps no mutable global state.
package evaluator
