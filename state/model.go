package state

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"
)

// ErrNotFound is returned (wrapped) when a record does not exist.
var ErrNotFound = errors.New("not found")

// ErrExists is returned (wrapped) when a record to create already exists.
var ErrExists = errors.New("already exists")

// ErrNewerSchema is returned by Open for a store written by a newer
// armdeploy.
var ErrNewerSchema = errors.New("the state store was written by a newer armdeploy")

// Resource is one stored resource.
type Resource struct {
	// ID is the resource id in its original case; the store keys it
	// lower-cased.
	ID             string
	SubscriptionID string
	ResourceGroup  string // "" for resources outside a resource group
	Type           string // full type, "Microsoft.Compute/galleries/images"
	Name           string // full name, "gallery/definition"
	Location       string
	// Parent is the id of the parent resource ("" for top-level ones).
	Parent string
	// Body is the resource as a GET returns it: id, name, type, location,
	// tags, sku, properties with defaults and read-only values filled.
	Body json.RawMessage
	// Request is the body the last deployment sent (evaluated, secure
	// values removed); what-if diffs against it so that an unchanged
	// template shows no change.
	Request json.RawMessage
	// APIVersion is the version the last request used.
	APIVersion string
	// Deployment names the deployment that last wrote the resource.
	Deployment string
	ETag       string
	Created    time.Time
	Updated    time.Time
}

// ResourceGroup is a resource group.
type ResourceGroup struct {
	SubscriptionID string
	Name           string
	Location       string
	Tags           map[string]string
	ManagedBy      string
	Created        time.Time
}

// ID returns the group's resource id.
func (g *ResourceGroup) ID() string {
	return fmt.Sprintf("/subscriptions/%s/resourceGroups/%s", g.SubscriptionID, g.Name)
}

// Deployment is one deployment in the history of its scope: the tenant
// (SubscriptionID, ResourceGroup and ManagementGroup empty), a management
// group, a subscription, or a resource group of a subscription.
type Deployment struct {
	// ManagementGroup names the management group of a management-group
	// deployment; it is empty at every other scope.
	ManagementGroup string
	SubscriptionID  string
	ResourceGroup   string
	Name            string
	TemplateHash    string
	// Template is the text of the template file as deployed, and
	// TemplateName its file name (its extension says JSON or YAML); a
	// rollback deploys it again.
	Template     []byte
	TemplateName string
	// Parameters are {name: {type, value}} without secure values.
	Parameters json.RawMessage
	Mode       string // Incremental or Complete
	// Status is the provisioning state: Running, Succeeded, Failed or
	// Canceled.
	Status string
	// Outputs are {name: {type, value}} without secure outputs.
	Outputs         json.RawMessage
	OutputResources []string
	// Error is the ARM error of a failed deployment, or nil.
	Error         json.RawMessage
	CorrelationID string
	Started       time.Time
	Finished      time.Time
	// Location is where a subscription, management-group or tenant
	// deployment's metadata lives (az deployment sub create -l); empty at
	// resource-group scope, where ARM shows none.
	Location string
}

// Scope returns the scope whose history holds the deployment; its
// Level() is what ARM calls the deployment's scope ("resourceGroup",
// "subscription", "managementGroup" or "tenant").
func (d *Deployment) Scope() Scope {
	return Scope{ManagementGroup: d.ManagementGroup, SubscriptionID: d.SubscriptionID, ResourceGroup: d.ResourceGroup}
}

// Operation is one resource operation of a deployment.
type Operation struct {
	// ManagementGroup, SubscriptionID and ResourceGroup are the scope of
	// the deployment, as in [Deployment].
	ManagementGroup string
	SubscriptionID  string
	ResourceGroup   string
	Deployment      string
	// Sequence orders the operations of a deployment.
	Sequence     int
	OperationID  string
	ResourceID   string
	ResourceType string
	// ProvisioningOperation is Create, Update, Delete or Read.
	ProvisioningOperation string
	// Status is Running, Succeeded, Failed, Canceled or Skipped.
	Status   string
	Started  time.Time
	Duration time.Duration
	// Error is the ARM error of a failed operation, or nil.
	Error json.RawMessage
}

// Scope returns the scope of the operation's deployment.
func (op *Operation) Scope() Scope {
	return Scope{ManagementGroup: op.ManagementGroup, SubscriptionID: op.SubscriptionID, ResourceGroup: op.ResourceGroup}
}

// RoleAssignment grants a role to a principal at a scope (a subscription,
// resource group or resource id) and below it.
type RoleAssignment struct {
	ID               string
	Scope            string
	PrincipalID      string
	RoleDefinitionID string
	Created          time.Time
}

// Lease is a deployment's hold on a scope (a resource group, a
// subscription, a management group or the tenant).
type Lease struct {
	// Scope is the scope's id, lower-cased: "/subscriptions/{s}/resourcegroups/{rg}"
	// for a group deployment, "/subscriptions/{s}" for a subscription one,
	// and so on ([Scope.ID] lower-cased).
	Scope  string
	Holder string // the deployment holding it
	// Principal is who holds it: the deploying principal's id, or a
	// readable name for the default owner; the store keeps it as given.
	Principal string
	PID       int
	Host      string
	// ProcessStart and BootID tell the holder process apart from a later
	// one that got its pid (after a crash or a reboot): its start time in
	// clock ticks since boot (field 22 of Linux's /proc/PID/stat) and the
	// machine's boot id (/proc/sys/kernel/random/boot_id). Zero where the
	// system does not tell; AcquireLease fills both (see [ProcessIdentity])
	// for a holder on this host that left them zero.
	ProcessStart uint64
	BootID       string
	// Command is the holder's command line, for people looking at the
	// lease; the caller passes it without secrets (the store keeps it as
	// given).
	Command string
	Started time.Time
	// Heartbeat is when the holder last renewed the lease. AcquireLease
	// sets it and renews it while the lease is held; a holder on another
	// host whose heartbeat is older than the store's expiry is gone.
	Heartbeat time.Time
	// Stale is set by the store's listings: the holder is gone (its process
	// no longer exists on this host or its pid now belongs to another
	// process, or its heartbeat expired), so the next AcquireLease takes the
	// lease over. AcquireLease ignores it.
	Stale bool
	// OnTakeover, when set, is called by AcquireLease, once it holds the
	// lease, with the lease it took over from a holder that was gone (not
	// one it waited for). It is not stored.
	OnTakeover func(old *Lease)
}

// LeaseError reports a lease that could not be taken in time.
type LeaseError struct {
	Held *Lease
}

func (e *LeaseError) Error() string {
	what := "the scope"
	if sc, err := ParseScope(e.Held.Scope); err == nil {
		switch sc.Level() {
		case LevelResourceGroup:
			what = "the resource group"
		case LevelSubscription:
			what = "the subscription"
		case LevelManagementGroup:
			what = "the management group"
		default:
			what = "the tenant scope"
		}
	}
	return fmt.Sprintf("%s %s is locked by deployment '%s' (process %d on %s, since %s)",
		what, e.Held.Scope, e.Held.Holder, e.Held.PID, e.Held.Host, e.Held.Started.UTC().Format(time.RFC3339))
}

// ResourceFilter selects resources; empty fields match everything.
type ResourceFilter struct {
	SubscriptionID string
	ResourceGroup  string // case-insensitive
	Type           string // case-insensitive, full type
	Parent         string // id of the parent, case-insensitive
	// IDs, when not empty, keep only the resources with these ids
	// (case-insensitive): a batch of Resource reads in one query.
	IDs []string
}

// Reader is the read side of a store: what providers and read-only commands
// use. Lists are sorted by lower-cased id (or name) so output is stable.
// Reads never wait for leases.
type Reader interface {
	Resource(ctx context.Context, id string) (*Resource, error)
	Resources(ctx context.Context, f ResourceFilter) ([]*Resource, error)
	Group(ctx context.Context, subscription, name string) (*ResourceGroup, error)
	Groups(ctx context.Context, subscription string) ([]*ResourceGroup, error)
	// Deployment returns a deployment of scope by name (case-insensitive).
	Deployment(ctx context.Context, scope Scope, name string) (*Deployment, error)
	// Deployments lists a scope's history, newest first.
	Deployments(ctx context.Context, scope Scope) ([]*Deployment, error)
	Operations(ctx context.Context, scope Scope, deployment string) ([]*Operation, error)
	// RoleAssignments lists the assignments at scope and at every scope
	// above it (the ones that apply there).
	RoleAssignments(ctx context.Context, scope string) ([]*RoleAssignment, error)
	// Feature returns a feature's registration in a subscription
	// (namespace and name case-insensitive), or an error wrapping
	// ErrNotFound when it was never registered there.
	Feature(ctx context.Context, subscription, namespace, name string) (*FeatureRegistration, error)
	// MemberOf lists the object ids of the Azure AD groups member (an
	// object id) belongs to directly, sorted.
	MemberOf(ctx context.Context, member string) ([]string, error)
}

// OperationBatcher is implemented by the stores that write several
// operation records in one write (SQLite: one grouped write instead of one
// per record). PutOperations stores ops as PutOperation does each, all or,
// when one fails, none; the error wraps [ErrNotFound] for a record of a
// missing deployment.
type OperationBatcher interface {
	PutOperations(ctx context.Context, ops []*Operation) error
}

// ConditionalPutter is implemented by the stores that put a resource only
// when it is still as the caller read it, so that a caller may work from
// a read made earlier (a deployment's read-ahead) and still never replace
// a write it did not see.
type ConditionalPutter interface {
	// PutResourceIf is PutResource when the stored resource is as read:
	// absent when read is nil, else with read's ETag and Updated time.
	// Otherwise it writes nothing and returns an error wrapping
	// [ErrPreconditionFailed]. A resource read and since deleted is put.
	PutResourceIf(ctx context.Context, r *Resource, read *Resource) error
}

// ErrPreconditionFailed is returned (wrapped) by [ConditionalPutter] when
// the stored resource is not as the caller read it.
var ErrPreconditionFailed = errors.New("the stored resource changed since it was read")

// LocationCounter is implemented by the stores that count resources
// without reading them, for the quotas per region that providers check on
// every create.
type LocationCounter interface {
	// CountByLocation counts the resources of a type (full type,
	// case-insensitive) in a subscription by their location as stored
	// ("" for those stored without one).
	CountByLocation(ctx context.Context, subscription, resourceType string) (map[string]int, error)
}

// Store is the whole store. Each method is one transaction. Implementations
// are safe for concurrent use by several goroutines and processes.
type Store interface {
	Reader
	PutGroup(ctx context.Context, g *ResourceGroup) error
	// DeleteGroup deletes a group with its resources and history.
	DeleteGroup(ctx context.Context, subscription, name string) error
	PutResource(ctx context.Context, r *Resource) error
	DeleteResource(ctx context.Context, id string) error
	// PutDeployment creates or replaces a deployment record in the
	// history of d.Scope(); the history keeps at most MaxDeployments,
	// grooming the oldest from GroomDeployments on, as Azure does.
	PutDeployment(ctx context.Context, d *Deployment) error
	DeleteDeployment(ctx context.Context, scope Scope, name string) error
	// RunningDeployments lists the deployments with Status Running at
	// every scope.
	RunningDeployments(ctx context.Context) ([]*Deployment, error)
	// RequestCancel flags a running deployment for cancellation;
	// CancelRequested reads the flag (cheap enough to poll). PutDeployment
	// clears it when it writes a status other than Running or a new run.
	RequestCancel(ctx context.Context, scope Scope, name string) error
	CancelRequested(ctx context.Context, scope Scope, name string) (bool, error)
	// PutOperation stores an operation of the deployment op.Deployment of
	// op.Scope().
	PutOperation(ctx context.Context, op *Operation) error
	PutRoleAssignment(ctx context.Context, a *RoleAssignment) error
	DeleteRoleAssignment(ctx context.Context, id string) error
	// AcquireLease takes the lease on l.Scope for l.Holder, waiting up to
	// wait while another live holder has it; a lease whose holder is gone
	// (a dead or reused pid on this host, or an expired heartbeat) is
	// taken over and l.OnTakeover told. It fails with a *LeaseError naming
	// the holder. The store renews the lease's heartbeat until release is
	// called.
	AcquireLease(ctx context.Context, l Lease, wait time.Duration) (release func() error, err error)
	// Lease returns the lease on scope (lower-cased by the store), or an
	// error wrapping ErrNotFound when none is recorded.
	Lease(ctx context.Context, scope string) (*Lease, error)
	// Leases lists the leases recorded, sorted by scope.
	Leases(ctx context.Context) ([]*Lease, error)
	// BreakLease deletes the lease on scope whoever holds it (an error
	// wrapping ErrNotFound when there is none); its holder's renewals
	// and release then do nothing.
	BreakLease(ctx context.Context, scope string) error
	// CreateServicePrincipal records a new service principal; one whose
	// app id or display name (case-insensitive) is taken is an error
	// wrapping ErrExists.
	CreateServicePrincipal(ctx context.Context, p *ServicePrincipal) error
	// ServicePrincipal returns a principal by app id (case-insensitive),
	// or an error wrapping ErrNotFound.
	ServicePrincipal(ctx context.Context, appID string) (*ServicePrincipal, error)
	// ServicePrincipals lists the principals sorted by lower-cased name.
	ServicePrincipals(ctx context.Context) ([]*ServicePrincipal, error)
	// DeleteServicePrincipal deletes a principal by app id (an error
	// wrapping ErrNotFound when there is none).
	DeleteServicePrincipal(ctx context.Context, appID string) error
	// PutAsyncOperation creates or replaces a long-running operation's
	// record; finished records not updated for AsyncOperationTTL are
	// deleted as it writes.
	PutAsyncOperation(ctx context.Context, op *AsyncOperation) error
	// AsyncOperation returns an operation by id (case-insensitive), or an
	// error wrapping ErrNotFound.
	AsyncOperation(ctx context.Context, id string) (*AsyncOperation, error)
	// PutFeature creates or replaces a feature's registration in its
	// subscription; Features lists a subscription's (every
	// subscription's for ""), sorted by subscription, namespace and name.
	PutFeature(ctx context.Context, f *FeatureRegistration) error
	Features(ctx context.Context, subscription string) ([]*FeatureRegistration, error)
	// CreateADGroup records a new group (a taken object id or name is an
	// error wrapping ErrExists); ADGroups lists them by name.
	CreateADGroup(ctx context.Context, g *ADGroup) error
	ADGroups(ctx context.Context) ([]*ADGroup, error)
	// AddGroupMember and RemoveGroupMember change a group's members (object
	// ids; a group or member that does not exist is an error wrapping
	// ErrNotFound); GroupMembers lists them, sorted.
	AddGroupMember(ctx context.Context, group, member string) error
	RemoveGroupMember(ctx context.Context, group, member string) error
	GroupMembers(ctx context.Context, group string) ([]string, error)
	// Export writes the whole store as JSON in a stable order; Import
	// reads such a document into an empty store.
	Export(ctx context.Context, w io.Writer) error
	Import(ctx context.Context, r io.Reader) error
	Close() error
}
