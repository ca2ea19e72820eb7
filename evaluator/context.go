package evaluator

import (
	"io"
	"time"

	"github.com/armdeploy/armdeploy/templates"
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

var scopeTexts = [...]string{"resource group", "subscription", "management group", "tenant"}

// String names the scope as ARM's messages do: "resource group",
// "subscription", "management group" or "tenant".
func (s Scope) String() string {
	if int(s) < len(scopeTexts) {
		return scopeTexts[s]
	}
	return "unknown"
}

// ScopeOf is the deployment scope a template's $schema is written for
// (the two enumerations have the same order).
func ScopeOf(s templates.Scope) Scope { return Scope(s) }

// Deployment holds the metadata of the deployment being evaluated; the
// deployment and scope functions (resourceGroup(), subscription(),
// deployment(), resourceId(), ...) read it, and the ids of the template's
// resources are placed at its scope.
//
// What a front-end sets per scope:
//   - resource group: SubscriptionID, ResourceGroup, ResourceGroupLocation
//     (and ResourceGroupTags, ManagedBy when known);
//   - subscription: SubscriptionID and Location (the deployment's metadata
//     location, deployment().location); ResourceGroup is ignored;
//   - management group: ManagementGroup and Location; SubscriptionID and
//     ResourceGroup are ignored for ids;
//   - tenant: Location only.
//
// TenantID is set at every scope. Nested deployments derive their own
// Deployment from their parent's; the front-end never sets that up.
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
	// ManagementGroupDisplayName and ManagementGroupParent (the parent
	// group's id) describe the management group for managementGroup();
	// empty when unknown (the display name is then the name).
	ManagementGroupDisplayName string
	ManagementGroupParent      string
	Location                   string // deployment location (subscription/MG/tenant scope)
	Mode                       string // "Incremental" (default) or "Complete"
	// Template is the template being deployed, for deployment().properties.template.
	Template Value
	// Parameters is the object of parameter values, for
	// deployment().properties.parameters.
	Parameters Value
	// TemplateLinkURI is the URI of a linked template; empty for local files.
	TemplateLinkURI string
	// TemplateLinkID is the template spec version a deployment came from
	// (templateLink.id); empty otherwise.
	TemplateLinkID string
	// DeployerObjectID and DeployerUPN describe the caller for deployer().
	DeployerObjectID string
	DeployerUPN      string

	// group, when set, answers resourceGroup()'s location, tags and
	// managedBy instead of the fields above: a nested deployment into
	// another resource group learns them only when asked, from the
	// deployment's own declaration of the group or from the resolver.
	group *groupInfo
}

// ResourceGroupID returns "/subscriptions/{sub}/resourceGroups/{rg}".
func (d *Deployment) ResourceGroupID() string {
	return "/subscriptions/" + d.SubscriptionID + "/resourceGroups/" + d.ResourceGroup
}

// ScopeID returns the id of the deployment's target scope, under which its
// resources are placed: "/subscriptions/{sub}/resourceGroups/{rg}",
// "/subscriptions/{sub}", "/providers/Microsoft.Management/managementGroups/{mg}",
// or "" for the tenant.
func (d *Deployment) ScopeID() string { return placeOf(d).id() }

// place is where a template's resources are deployed: a scope and the
// names that identify it. Fields a scope does not have are empty.
type place struct {
	scope          Scope
	sub, group, mg string
}

// placeOf is the place of a deployment, keeping only what its scope has.
func placeOf(d *Deployment) place {
	switch d.Scope {
	case ScopeSubscription:
		return place{scope: ScopeSubscription, sub: d.SubscriptionID}
	case ScopeManagementGroup:
		return place{scope: ScopeManagementGroup, mg: d.ManagementGroup}
	case ScopeTenant:
		return place{scope: ScopeTenant}
	}
	return place{scope: ScopeResourceGroup, sub: d.SubscriptionID, group: d.ResourceGroup}
}

// id is the scope's id; "" for the tenant.
func (p place) id() string {
	switch p.scope {
	case ScopeSubscription:
		return "/subscriptions/" + p.sub
	case ScopeManagementGroup:
		return managementGroupPrefix + p.mg
	case ScopeTenant:
		return ""
	}
	return "/subscriptions/" + p.sub + "/resourceGroups/" + p.group
}

// groupInfo is the resource group of a nested deployment into another
// group, resolved on first use.
type groupInfo struct {
	resolve   func() (location, tags Value, managedBy string)
	done      bool
	location  Value
	tags      Value
	managedBy string
}

func (g *groupInfo) get() (Value, Value, string) {
	if !g.done {
		g.location, g.tags, g.managedBy = g.resolve()
		g.done = true
	}
	return g.location, g.tags, g.managedBy
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

// GroupResolver may be implemented by a [Resolver] that knows resource
// groups. resourceGroup() inside a nested deployment into another group
// asks it for that group ({location, tags, managedBy, ...} as ARM's GET of
// the group returns it); a Resolver without it is asked Reference() with
// the group's id. An unknown answer (a group the deployment creates) or an
// error leaves resourceGroup().location unknown rather than failing.
type GroupResolver interface {
	ResourceGroup(subscriptionID, name string) (Value, error)
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
