package evaluator

import (
	"fmt"
	"strings"

	"github.com/armdeploy/armdeploy/evaluator/syntax"
)

// ErrorKind classifies an expression error.
type ErrorKind uint8

const (
	// ErrParse is a syntax error in the expression.
	ErrParse ErrorKind = iota + 1
	// ErrUnknownFunction names a function that does not exist.
	ErrUnknownFunction
	// ErrArgumentCount is a call with too few or too many arguments.
	ErrArgumentCount
	// ErrArgumentType is an argument of the wrong type.
	ErrArgumentType
	// ErrArgumentValue is an argument of the right type but an invalid value
	// (out of range, malformed, division by zero, ...).
	ErrArgumentValue
	// ErrProperty is access to a property that does not exist.
	ErrProperty
	// ErrIndex is an array index out of bounds or of the wrong type.
	ErrIndex
	// ErrNotAllowed is a function used where ARM does not allow it
	// (utcNow outside parameter defaults, lambda outside lambda functions, ...).
	ErrNotAllowed
	// ErrNotFound is a parameter, variable, lambda variable or copy loop
	// that does not exist.
	ErrNotFound
	// ErrExternal is an error returned by a callback of the [Context]
	// (resolver, user functions) that was not already an [*Error].
	ErrExternal
	// ErrInternal is a bug in the evaluator (a recovered panic).
	ErrInternal
	// ErrLimit is an evaluation that went past one of its limits (see
	// Budget, MaxValueSize).
	ErrLimit
)

var errorKindNames = [...]string{
	ErrParse:           "ParseError",
	ErrUnknownFunction: "UnknownFunction",
	ErrArgumentCount:   "ArgumentCount",
	ErrArgumentType:    "ArgumentType",
	ErrArgumentValue:   "ArgumentValue",
	ErrProperty:        "Property",
	ErrIndex:           "Index",
	ErrNotAllowed:      "NotAllowed",
	ErrNotFound:        "NotFound",
	ErrExternal:        "External",
	ErrInternal:        "Internal",
	ErrLimit:           "LimitExceeded",
}

// String returns the kind's name.
func (k ErrorKind) String() string {
	if int(k) < len(errorKindNames) && errorKindNames[k] != "" {
		return errorKindNames[k]
	}
	return fmt.Sprintf("ErrorKind(%d)", k)
}

// Error is an error in an expression, with ARM's message text. Range is the
// byte range of the failing call (or of the offending token for parse
// errors) within Expression, the JSON string value that was compiled, so the
// caller can map it to a file position. ARM reports such errors with code
// InvalidTemplate at validation time.
type Error struct {
	Kind       ErrorKind
	Message    string
	Function   string       // the failing function, as written; empty if none
	Range      syntax.Range // within Expression
	Expression string       // the JSON string value, including its brackets
	Err        error        // the underlying error of ErrExternal, if any
	// origin is the parameter or variable whose failure this is, once an
	// expression reading that value has seen it (see derivedError).
	origin *derivedError
}

// Error returns the ARM message.
func (e *Error) Error() string { return e.Message }

// Unwrap returns the underlying error of an ErrExternal error.
func (e *Error) Unwrap() error { return e.Err }

// usage is the suffix ARM appends to function errors.
const usage = " Please see https://aka.ms/arm-template-expressions for usage details."

// ordinal spells the 0-based argument position as ARM does ("first", ...).
func ordinal(i int) string {
	names := [...]string{"first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth"}
	if i >= 0 && i < len(names) {
		return names[i]
	}
	return fmt.Sprintf("%dth", i+1)
}

// arityText describes an arity for the argument-count message.
func arityText(min, max int) string {
	switch {
	case max == min:
		return fmt.Sprintf("%d argument(s)", min)
	case max < 0:
		return fmt.Sprintf("at least %d argument(s)", min)
	default:
		return fmt.Sprintf("between %d and %d argument(s)", min, max)
	}
}

func argCountMessage(name string, min, max, got int) string {
	return fmt.Sprintf("Unable to evaluate template language function '%s': function requires %s while %d were provided. Please see https://aka.ms/arm-template-expressions/#%s for usage details.",
		name, arityText(min, max), got, strings.ToLower(name))
}

func unknownFunctionMessage(name string) string {
	return fmt.Sprintf("The template function '%s' is not valid. Please see https://aka.ms/arm-functions for usage details.", name)
}

func notExpectedMessage(name string) string {
	return fmt.Sprintf("The template function '%s' is not expected at this location. Please see https://aka.ms/arm-functions for usage details.", name)
}
