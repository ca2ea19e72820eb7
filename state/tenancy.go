package state

import (
	"context"
	"errors"
	"time"
)

// ErrNotEmpty is returned (wrapped) by Import into a store that already
// holds records.
var ErrNotEmpty = errors.New("the state store is not empty")

// Tenant is a directory (Microsoft Entra tenant) the store knows.
type Tenant struct {
	ID          string
	DisplayName string
	Created     time.Time
}

// Subscription is a subscription the store knows. PutGroup records the
// subscription of a group it has not seen, with no tenant.
type Subscription struct {
	ID          string
	TenantID    string
	DisplayName string
	// State is Enabled unless set otherwise.
	State   string
	Created time.Time
}

// Tenancy is the optional part of a store that records tenants and
// subscriptions. [SQLiteStore] implements it; callers discover it with a
// type assertion so that small fakes of [Store] need not.
type Tenancy interface {
	PutTenant(ctx context.Context, t *Tenant) error
	Tenants(ctx context.Context) ([]*Tenant, error)
	// PutSubscription records a subscription, and its tenant when the
	// store does not know it yet.
	PutSubscription(ctx context.Context, s *Subscription) error
	Subscription(ctx context.Context, id string) (*Subscription, error)
	// Subscriptions lists the subscriptions sorted by lower-cased id.
	Subscriptions(ctx context.Context) ([]*Subscription, error)
}
