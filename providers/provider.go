package providers

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/armdeploy/armdeploy/state"
)

// Request is a PUT of one resource, as a deployment sends it.
type Request struct {
	ID             string
	Type           string // full type
	Name           string // full name
	APIVersion     string
	SubscriptionID string
	ResourceGroup  string
	// TenantID is the tenant the deployment runs in: the tenant root
	// management group has its id as name. "" is [DefaultTenantID].
	TenantID string
	// Body is the evaluated resource body: location, tags, sku, kind,
	// zones, identity, plan, properties ... as plain Go values (objects
	// map[string]any, arrays []any, integers int64, floats float64).
	Body map[string]any
	// Current is the stored resource when it exists, else nil.
	Current *state.Resource
	Store   state.Reader
	Now     time.Time
	// DeferFill says the caller may never read the result's body (a
	// preflight, which wants the verdict): a provider may leave what it
	// generates without checking anything (read-only values) to
	// [Result.Fill].
	DeferFill bool
}

// DeleteRequest is a DELETE of one stored resource.
type DeleteRequest struct {
	Resource *state.Resource
	Store    state.Reader
	Now      time.Time
}

// Result is what a provider stores for a PUT.
type Result struct {
	// Body is the resource as GET will return it: id, name, type,
	// location, tags, properties with defaults and read-only values.
	Body map[string]any
	// Replication lists long-running work the apply executor simulates
	// before the operation completes, e.g. one step per target region of
	// an image version; Weight scales its duration.
	Replication []Step
	// Warnings are shown to the user but do not fail the operation.
	Warnings []string
	// Supersedes lists the ids of stored resources this PUT replaces, as
	// a subscription's association with a management group replaces its
	// association with the previous one. Providers only read the store:
	// whoever commits the result deletes these in the same commit.
	Supersedes []string
	// Fill, set only for a request with DeferFill, completes Body in place
	// with the values the provider generates: call it once before
	// reading Body.
	Fill func()
}

// DefaultTenantID is the tenant of a request that names none.
const DefaultTenantID = "00000000-0000-0000-0000-000000000000"

// tenant returns the request's tenant id.
func (r *Request) tenant() string {
	if r.TenantID == "" {
		return DefaultTenantID
	}
	return r.TenantID
}

// Step is one part of a long-running operation.
type Step struct {
	Name   string  // e.g. the region being replicated to
	Weight float64 // relative duration (for example GiB to copy)
}

// Error is an error as Azure's resource providers return it.
type Error struct {
	Code    string
	Message string
	Target  string
	Details []*Error
}

func (e *Error) Error() string { return e.Code + ": " + e.Message }

// Errorf returns an *Error with a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Provider simulates the resource provider of one or more types.
type Provider interface {
	// Types lists the full resource types served, e.g.
	// "Microsoft.Compute/galleries".
	Types() []string
	// Put validates and applies a create or update. An *Error is Azure's
	// refusal; any other error is a failure of the simulator.
	Put(ctx context.Context, r *Request) (*Result, error)
	// Delete validates a delete (for example a gallery that still has
	// image definitions is refused with an *Error).
	Delete(ctx context.Context, r *DeleteRequest) error
	// ReadOnly lists the property paths the provider computes
	// ("properties.provisioningState", "properties.identifier.uniqueName")
	// that what-if must never show as changes.
	ReadOnly(apiVersion string) []string
	// Immutable lists the property paths that cannot change after
	// creation; what-if flags a change to one of them.
	Immutable(apiVersion string) []string
}

var (
	mu       sync.RWMutex
	registry = map[string]Provider{}
)

// Register makes p serve its types. It panics on a type served twice: that
// is a programming error found at start-up.
func Register(p Provider) {
	mu.Lock()
	defer mu.Unlock()
	for _, t := range p.Types() {
		k := strings.ToLower(t)
		if _, dup := registry[k]; dup {
			panic("providers: type registered twice: " + t)
		}
		registry[k] = p
	}
}

// For returns the provider of a type, or the generic provider.
func For(resourceType string) Provider {
	mu.RLock()
	defer mu.RUnlock()
	if p, ok := registry[strings.ToLower(resourceType)]; ok {
		return p
	}
	return generic
}

// Known reports whether a type has a provider of its own.
func Known(resourceType string) bool {
	mu.RLock()
	defer mu.RUnlock()
	_, ok := registry[strings.ToLower(resourceType)]
	return ok
}
