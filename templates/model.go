package templates

import (
	"strings"

	"github.com/armdeploy/armdeploy/templates/diag"
)

// Scope is the kind of deployment a template is written for, taken from its
// $schema. ARM itself takes the scope from the deployment command; the schema
// tells armdeploy what the author meant.
type Scope uint8

// The deployment scopes.
const (
	ScopeResourceGroup Scope = iota
	ScopeSubscription
	ScopeManagementGroup
	ScopeTenant
)

var scopeNames = [...]string{"resourceGroup", "subscription", "managementGroup", "tenant"}

// String returns the scope's ARM name ("resourceGroup", ...).
func (s Scope) String() string { return scopeNames[s] }

// Template is a deployment template read into its parts. Every part keeps the
// Node it came from, so later stages can report positions. Unevaluated
// values (expressions) are Nodes; fields that ARM requires to be literal are
// plain Go values.
type Template struct {
	Source *Source
	Root   *Node
	// Pointer is the JSON pointer of the template within its file: "" for
	// a template file, the inline template's place for a nested deployment.
	Pointer string

	Schema          string
	Scope           Scope
	ContentVersion  string
	LanguageVersion string
	APIProfile      string
	Metadata        *Node

	Definitions []*TypeDefinition
	Parameters  []*Parameter
	Variables   []*Variable
	Functions   []*UserFunction
	Resources   []*Resource
	Outputs     []*Output

	// Symbolic is true when resources are an object keyed by symbolic name
	// (languageVersion 2.0).
	Symbolic bool
}

// IsV2 reports whether the template declares languageVersion 2.0 or later.
func (t *Template) IsV2() bool {
	return t.LanguageVersion != "" && !strings.HasPrefix(t.LanguageVersion, "1")
}

// Parameter returns the parameter with the given name, compared
// case-insensitively, or nil.
func (t *Template) Parameter(name string) *Parameter { return findNamed(t.Parameters, name) }

// Variable returns the variable with the given name, or nil.
func (t *Template) Variable(name string) *Variable { return findNamed(t.Variables, name) }

// Output returns the output with the given name, or nil.
func (t *Template) Output(name string) *Output { return findNamed(t.Outputs, name) }

// Definition returns the user-defined type with the given name, or nil.
func (t *Template) Definition(name string) *TypeDefinition { return findNamed(t.Definitions, name) }

// Function returns the user function namespace.name, or nil.
func (t *Template) Function(namespace, name string) *UserFunction {
	for _, f := range t.Functions {
		if strings.EqualFold(f.Namespace, namespace) && strings.EqualFold(f.Name, name) {
			return f
		}
	}
	return nil
}

// AllResources returns every declared resource, parents before their nested
// children, in file order.
func (t *Template) AllResources() []*Resource {
	var out []*Resource
	var walk func([]*Resource)
	walk = func(rs []*Resource) {
		for _, r := range rs {
			out = append(out, r)
			walk(r.Children)
		}
	}
	walk(t.Resources)
	return out
}

type named interface{ name() string }

func findNamed[T named](list []T, name string) T {
	for _, x := range list {
		if strings.EqualFold(x.name(), name) {
			return x
		}
	}
	var zero T
	return zero
}

// TypeSpec is a type with its constraints, as parameters, outputs,
// user-defined types and function parameters declare it.
type TypeSpec struct {
	Node *Node
	// Type is the declared type in lower case ("string", "securestring",
	// "int", "bool", "object", "secureobject", "array"), or "" when the spec
	// uses $ref.
	Type string
	// Ref is the "#/definitions/..." pointer of a $ref, or "".
	Ref           string
	AllowedValues *Node
	MinValue      *int64
	MaxValue      *int64
	MinLength     *int64
	MaxLength     *int64
	Nullable      *bool
	Sealed        bool

	Properties           []*NamedType
	AdditionalProperties *TypeSpec // nil: any
	NoAdditional         bool      // additionalProperties: false
	Items                *TypeSpec
	NoItems              bool // items: false
	PrefixItems          []*TypeSpec
	Discriminator        *Discriminator

	Metadata    *Node
	Description string

	// secureRef is set when Ref leads (through definitions) to a secure
	// type.
	secureRef bool
}

// IsSecure reports whether values of this type must never be shown: a
// securestring or secureObject, or a $ref to a definition that is one.
func (ts *TypeSpec) IsSecure() bool {
	return ts != nil && (ts.Type == "securestring" || ts.Type == "secureobject" || ts.secureRef)
}

// IsNullable reports whether null (or absence) is allowed.
func (ts *TypeSpec) IsNullable() bool { return ts != nil && ts.Nullable != nil && *ts.Nullable }

// BaseType returns the JSON type a declared type admits: securestring is a
// string, secureobject an object.
func (ts *TypeSpec) BaseType() string {
	switch ts.Type {
	case "securestring":
		return "string"
	case "secureobject":
		return "object"
	}
	return ts.Type
}

// NamedType is a property of an object type or a discriminator case.
type NamedType struct {
	Name string
	Type *TypeSpec
}

// Discriminator selects an object type by the value of one property.
type Discriminator struct {
	PropertyName string
	Mapping      []*NamedType
}

// TypeDefinition is a user-defined type of a languageVersion 2.0 template.
type TypeDefinition struct {
	Name string
	TypeSpec
}

func (d *TypeDefinition) name() string { return d.Name }

// Parameter is a template parameter.
type Parameter struct {
	Name     string
	KeyRange diag.Range
	TypeSpec
	DefaultValue *Node
}

func (p *Parameter) name() string { return p.Name }

// Variable is a template variable. A variable made by a top-level "copy"
// entry has Copy set and Value nil.
type Variable struct {
	Name     string
	KeyRange diag.Range
	Value    *Node
	Copy     *Copy
}

func (v *Variable) name() string { return v.Name }

// UserFunction is a member of a user-defined function namespace.
type UserFunction struct {
	Namespace  string
	Name       string
	Node       *Node
	Parameters []*FunctionParameter
	Output     *TypeSpec
	Value      *Node // output.value
}

// FunctionParameter is a parameter of a user function.
type FunctionParameter struct {
	Name string
	TypeSpec
}

// Copy is a copy loop: on a resource, a variable, a property or an output.
type Copy struct {
	Node *Node
	Name string
	// Count is the number of iterations (literal or expression).
	Count *Node
	// Mode is "parallel" (the default) or "serial".
	Mode      string
	BatchSize *Node
	// Input is the value of each iteration (variables, properties, outputs).
	Input *Node
}

// Resource is a resource declaration. Children declared in its "resources"
// array are in Children; their Type and Name are as written (one segment);
// FullType composes the parents' types.
type Resource struct {
	Node    *Node
	Pointer string // JSON pointer of the declaration in its file
	// SymbolicName is the key of a languageVersion 2.0 resource, else "".
	SymbolicName string
	Parent       *Resource
	Depth        int // 0 for top-level resources

	Condition  *Node
	Type       string
	FullType   string
	APIVersion string
	Name       *Node
	Location   *Node
	Tags       *Node
	Sku        *Node
	Kind       *Node
	Plan       *Node
	Identity   *Node
	Zones      *Node
	Properties *Node
	Scope      *Node
	Comments   string
	ManagedBy  *Node
	// SubscriptionID and ResourceGroup target another scope (nested
	// deployments and existing resources).
	SubscriptionID *Node
	ResourceGroup  *Node
	DependsOn      []*Node
	Copy           *Copy
	Existing       bool
	Children       []*Resource
}

// IsDeployment reports whether the resource is a nested deployment.
func (r *Resource) IsDeployment() bool {
	return strings.EqualFold(r.FullType, "Microsoft.Resources/deployments")
}

// Output is a template output.
type Output struct {
	Name     string
	KeyRange diag.Range
	TypeSpec
	Value     *Node
	Condition *Node
	Copy      *Copy
}

func (o *Output) name() string { return o.Name }
