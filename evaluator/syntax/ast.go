// Package syntax parses the ARM template expression language (arm-spec §3):
// a JSON string value "[...]" holding one expression made of string and
// integer literals, function calls (optionally namespaced, for user-defined
// functions), property access (.name or ['name']) and indexing ([expr]).
//
// Every node carries the byte range it covers within the JSON string value
// (the string including its outer brackets), so that diagnostics can point
// at the failing call. [Print] renders a tree back to canonical text and
// parsing that text again yields an equal tree.
//
// The package knows nothing about what functions exist or mean; it is pure
// syntax.
package syntax

// Range is a half-open byte range [Start, End) within the JSON string value
// that was parsed (including the leading '[').
type Range struct {
	Start, End int
}

// Node is a node of the expression tree: *StringLit, *IntLit, *Call,
// *Member or *Index.
type Node interface {
	// Span returns the byte range the node covers.
	Span() Range
	node()
}

// StringLit is a single-quoted string literal; Value has the doubled
// quotes resolved.
type StringLit struct {
	Value string
	Range Range
}

// IntLit is an integer literal, possibly negative.
type IntLit struct {
	Value int64
	Range Range
}

// Call is a function call name(args...) or, for user-defined functions,
// namespace.name(args...). Name keeps the case the author wrote.
type Call struct {
	Namespace string // empty for built-in style calls
	Name      string
	NameRange Range // covers "namespace.name" or "name"
	Args      []Node
	Range     Range
}

// Member is property access with a dot: Target.Name.
type Member struct {
	Target    Node
	Name      string
	NameRange Range
	Range     Range
}

// Index is access with brackets: Target[Index]; Index is a string (property
// name) or an integer (array position) at run time.
type Index struct {
	Target Node
	Index  Node
	Range  Range
}

// Span implements Node.
func (n *StringLit) Span() Range { return n.Range }

// Span implements Node.
func (n *IntLit) Span() Range { return n.Range }

// Span implements Node.
func (n *Call) Span() Range { return n.Range }

// Span implements Node.
func (n *Member) Span() Range { return n.Range }

// Span implements Node.
func (n *Index) Span() Range { return n.Range }

func (*StringLit) node() {}
func (*IntLit) node()    {}
func (*Call) node()      {}
func (*Member) node()    {}
func (*Index) node()     {}

// QualifiedName returns "namespace.name" for user-function calls and the
// plain name otherwise.
func (n *Call) QualifiedName() string {
	if n.Namespace != "" {
		return n.Namespace + "." + n.Name
	}
	return n.Name
}

// Inspect traverses the tree in depth-first order, calling f for each node;
// if f returns false the node's children are skipped.
func Inspect(n Node, f func(Node) bool) {
	if n == nil || !f(n) {
		return
	}
	switch x := n.(type) {
	case *Call:
		for _, a := range x.Args {
			Inspect(a, f)
		}
	case *Member:
		Inspect(x.Target, f)
	case *Index:
		Inspect(x.Target, f)
		Inspect(x.Index, f)
	}
}

// Equal reports whether two trees have the same shape and values, ignoring
// ranges. Function names compare case-sensitively (the printer keeps case).
func Equal(a, b Node) bool {
	switch x := a.(type) {
	case *StringLit:
		y, ok := b.(*StringLit)
		return ok && x.Value == y.Value
	case *IntLit:
		y, ok := b.(*IntLit)
		return ok && x.Value == y.Value
	case *Call:
		y, ok := b.(*Call)
		if !ok || x.Namespace != y.Namespace || x.Name != y.Name || len(x.Args) != len(y.Args) {
			return false
		}
		for i := range x.Args {
			if !Equal(x.Args[i], y.Args[i]) {
				return false
			}
		}
		return true
	case *Member:
		y, ok := b.(*Member)
		return ok && x.Name == y.Name && Equal(x.Target, y.Target)
	case *Index:
		y, ok := b.(*Index)
		return ok && Equal(x.Target, y.Target) && Equal(x.Index, y.Index)
	}
	return a == nil && b == nil
}
