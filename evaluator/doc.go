// Package evaluator evaluates the ARM template expression language.
//
// It owns four things:
//
//   - ARM values ([Value], [Object]): null, bool, int64, float64 (only where ARM
//     has floats), string, array and insertion-ordered objects whose keys are
//     looked up case-insensitively, plus a secure mark and [Unknown] values
//     (known only at deploy time).
//   - Compilation: an expression string is parsed by package
//     [github.com/armdeploy/armdeploy/evaluator/syntax], lowered to expr-lang's
//     AST and compiled with expr's checker and compiler under a configuration
//     with every expr builtin disabled. ARM text never goes through expr's own
//     parser. All use of expr's lower-level packages lives in compile.go.
//     Programs are cached by expression text in an [Engine].
//   - Evaluation: a [Session] (one per goroutine) runs programs against a
//     [Context] that supplies deployment metadata, the clock, randomness, the
//     [Resolver] for reference()/list*(), user-defined functions and the
//     parameters/variables/copyIndex accessors.
//   - The function library, one file per category (string.go, array.go,
//     object.go, comparison.go, logical.go, numeric.go, lambda.go, date.go,
//     cidr.go, ...), registered in a [Registry] with a description, signature
//     and arity for every function.
//
// Typical use:
//
//	eng := evaluator.NewEngine()
//	prog, err := eng.Compile("[concat('sa', uniqueString(resourceGroup().id))]")
//	// ...
//	s := eng.NewSession(&evaluator.Context{...})
//	v, err := s.Eval(prog)
//
// Errors are values of type [*Error] carrying the ARM message, the failing
// function and the byte range of the failing call within the JSON string
// value, so the caller can map it to a file position.
//
// The package never prints, never reads the wall clock or global randomness
// (both come from the [Context]) and keeps no mutable global state.
package evaluator
