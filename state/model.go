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

// Deployment is one deployment in a resource group's history.
type Deployment struct {
	SubscriptionID string
	ResourceGroup  string
	Name           string
	// Scope is "resourceGroup", "subscription", "managementGroup" or
	// "tenant".
	Scope        string
	TemplateHash string
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
}

// Operation is one resource operation of a deployment.
type Operation struct {
	SubscriptionID string
	ResourceGroup  string
	Deployment     string
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

// RoleAssignment grants a role to a principal at a scope (a subscription,
// resource group or resource id) and below it.
type RoleAssignment struct {
	ID               string
	Scope            string
	PrincipalID      string
	RoleDefinitionID string
	Created          time.Time
}

// Lease is a deployment's hold on a resource group.
type Lease struct {
	Scope   string // the group's id, lower-cased
	Holder  string // the deployment holding it
	PID     int
	Host    string
	Started time.Time
}

// LeaseError reports a lease that could not be taken in time.
type LeaseError struct {
	Held *Lease
}

func (e *LeaseError) Error() string {
	return fmt.Sprintf("the resource group %s is locked by deployment '%s' (process %d on %s, since %s)",
		e.Held.Scope, e.Held.Holder, e.Held.PID, e.Held.Host, e.Held.Started.UTC().Format(time.RFC3339))
}

// ResourceFilter selects resources; empty fields match everything.
type ResourceFilter struct {
	SubscriptionID string
	ResourceGroup  string // case-insensitive
	Type           string // case-insensitive, full type
	Parent         string // id of the parent, case-insensitive
}

// Reader is the read side of a store: what providers and read-only commands
// use. Lists are sorted by lower-cased id (or name) so output is stable.
// Reads never wait for leases.
type Reader interface {
	Resource(ctx context.Context, id string) (*Resource, error)
	Resources(ctx context.Context, f ResourceFilter) ([]*Resource, error)
	Group(ctx context.Context, subscription, name string) (*ResourceGroup, error)
	Groups(ctx context.Context, subscription string) ([]*ResourceGroup, error)
	Deployment(ctx context.Context, subscription, group, name string) (*Deployment, error)
	// Deployments lists a group's history, newest first.
	Deployments(ctx context.Context, subscription, group string) ([]*Deployment, error)
	Operations(ctx context.Context, subscription, group, deployment string) ([]*Operation, error)
	// RoleAssignments lists the assignments at scope and at every scope
	// above it (the ones that apply there).
	RoleAssignments(ctx context.Context, scope string) ([]*RoleAssignment, error)
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
	// PutDeployment creates or replaces a deployment record; it keeps at
	// most 800 per group, pruning the oldest as Azure does.
	PutDeployment(ctx context.Context, d *Deployment) error
	DeleteDeployment(ctx context.Context, subscription, group, name string) error
	PutOperation(ctx context.Context, op *Operation) error
	PutRoleAssignment(ctx context.Context, a *RoleAssignment) error
	DeleteRoleAssignment(ctx context.Context, id string) error
	// AcquireLease takes the lease on a group for holder, waiting up to
	// wait while another live process holds it; a lease whose process is
	// gone is taken over. It fails with a *LeaseError naming the holder.
	AcquireLease(ctx context.Context, l Lease, wait time.Duration) (release func() error, err error)
	// Export writes the whole store as JSON in a stable order; Import
	// reads such a document into an empty store.
	Export(ctx context.Context, w io.Writer) error
	Import(ctx context.Context, r io.Reader) error
	Close() error
}
