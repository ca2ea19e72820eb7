package evaluator

import (
	"io"
	"time"
)

// Scope is the scope a deployment targets.
type Scope uint8

const (
	// ScopeResourceGroup is a resource-group deployment (the default).
	ScopeResourceGroup Scope = iota
	// ScopeSubscription is a subscription deployment.
	ScopeSubscription
	// ScopeManagementGroup is a management-group deployment.
	ScopeManagementGroup
	// ScopeTenant is a tenant deployment.
	ScopeTenant
)

// Deployment holds the metadata of the deployment being evaluated; the
// deployment and scope functions (resourceGroup(), subscription(),
// deployment(), resourceId(), ...) read it.
type Deployment struct {
	Scope                 Scope
	Name                  string // deployment name
	SubscriptionID        string
	SubscriptionName      string // displayName of subscription()
	TenantID              string
	ResourceGroup         string
	ResourceGroupLocation string
	ResourceGroupTags     *Object // may be nil
	ManagedBy             string
	ManagementGroup       string // management group name (MG deployments)
	Location              string // deployment location (subscription/MG/tenant scope)
	Mode                  string // "Incremental" (default) or "Complete"
	// Template is the template being deployed, for deployment().properties.template.
	Template Value
	// Parameters is the object of parameter values, for
	// deployment().properties.parameters.
	Parameters Value
	// TemplateLinkURI is the URI of a linked template; empty for local files.
	TemplateLinkURI string
	// DeployerObjectID and DeployerUPN describe the caller for deployer().
	DeployerObjectID string
	DeployerUPN      string
}

// ResourceGroupID returns "/subscriptions/{sub}/resourceGroups/{rg}".
func (d *Deployment) ResourceGroupID() string {
	return "/subscriptions/" + d.SubscriptionID + "/resourceGroups/" + d.ResourceGroup
}

// Restriction is a set of function families that the current evaluation site
// does not allow; using one fails with "The template function 'X' is not
// expected at this location.".
type Restriction uint8

const (
	// ForbidNondeterministic forbids utcNow() and newGuid(), which ARM
	// allows only in parameter default values.
	ForbidNondeterministic Restriction = 1 << iota
	// ForbidRuntime forbids reference(), references() and list*(), which ARM
	// allows only in resource properties and outputs.
	ForbidRuntime
	// ForbidVariables forbids variables(), as in user-defined functions.
	ForbidVariables
)

// Resolver gives reference(), list*(), providers() and pickZones() access to
// deployed or planned resources. The planner implements it; the evaluator
// never touches state itself. A Resolver returns an unknown value (see
// [UnknownValue]) when the answer is only known at deploy time.
type Resolver interface {
	// Reference returns the runtime state of a resource given by name,
	// resource id or symbolic name. apiVersion may be empty. With full set it
	// returns the whole resource, otherwise its properties.
	Reference(nameOrID, apiVersion string, full bool) (Value, error)
	// List invokes a list* action (action is the function name, e.g.
	// "listKeys") on a resource; body is null when the template passes no
	// functionValues.
	List(action, resourceID, apiVersion string, body Value) (Value, error)
	// Providers returns the resource provider information of providers().
	Providers(namespace, resourceType string) (Value, error)
	// PickZones returns the availability zones of pickZones().
	PickZones(namespace, resourceType, location string, count, offset int64) (Value, error)
}

// UserFunctions calls user-defined functions (namespace.member(...)).
type UserFunctions interface {
	// CallUser evaluates the user function namespace.name with args. An
	// unknown function should yield an error; returning an [*Error] keeps
	// its position (in the user function's own expression).
	CallUser(namespace, name string, args []Value) (Value, error)
}

// Context is what an evaluation may see: deployment metadata, the clock,
// randomness, the resolver and the template's parameters, variables, copy
// loops and user functions. The lead evaluator supplies the accessors as
// callbacks. Any nil field makes the functions that need it fail with an
// error (never a panic). A Context is read-only during evaluation.
type Context struct {
	Deployment Deployment
	// Now returns the current time for utcNow(); nil means the Unix epoch so
	// that evaluation stays deterministic.
	Now func() time.Time
	// Random supplies bytes for newGuid().
	Random io.Reader
	// Resolver serves reference(), list*(), providers() and pickZones().
	Resolver Resolver
	// Parameters returns the value of a parameter (name matched
	// case-insensitively by the callee).
	Parameters func(name string) (Value, error)
	// Variables returns the value of a variable.
	Variables func(name string) (Value, error)
	// CopyIndex returns the current index of the named copy loop, or of the
	// innermost resource/output loop when loop is empty.
	CopyIndex func(loop string) (int64, error)
	// UserFunctions calls user-defined functions.
	UserFunctions UserFunctions
	// References returns the runtime states of every instance of a
	// symbolic copy loop, for references(); the template layer supplies it.
	References func(symbolicName string, full bool) (Value, error)
	// ResourceInfo returns {id, name, type, apiVersion} of the resource a
	// languageVersion 2.0 symbolic name declares, for resourceInfo().
	ResourceInfo func(symbolicName string) (Value, error)
	// Forbid lists function families not allowed at this evaluation site;
	// the zero value allows everything.
	Forbid Restriction
}
