package state

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
)

// The directory beside the subscriptions: preview-feature registrations
// of a subscription (Microsoft.Features, what 'az feature register'
// records) and Azure AD groups with their members (what 'az ad group'
// manages), whose role assignments apply to every member.

// Feature states as Microsoft.Features reports them.
const (
	FeatureRegistered   = "Registered"
	FeatureUnregistered = "Unregistered"
)

// FeatureRegistration is one feature of a resource provider's namespace
// as registered (or unregistered) in a subscription.
type FeatureRegistration struct {
	SubscriptionID string
	Namespace      string // "Microsoft.Compute"
	Name           string // the feature's name within the namespace
	State          string // Registered or Unregistered
	Updated        time.Time
}

// key is the registration's primary key: subscription, namespace and
// name, lower-cased.
func (f *FeatureRegistration) key() string {
	return lower(f.SubscriptionID) + "/" + lower(f.Namespace) + "/" + lower(f.Name)
}

// putPrelude checks a registration before a write and returns its update
// time (now when zero).
func (f *FeatureRegistration) putPrelude(now time.Time) (time.Time, error) {
	if f.SubscriptionID == "" || f.Namespace == "" || f.Name == "" || f.State == "" {
		return time.Time{}, errors.New("put feature: the subscription, namespace, name and state are required")
	}
	if f.Updated.IsZero() {
		return now, nil
	}
	return f.Updated, nil
}

// ADGroup is a security group of a tenant's directory. Its ObjectID is
// the principal that role assignments name; its members (service
// principals or other groups, by object id) hold what it holds.
type ADGroup struct {
	ObjectID    string
	TenantID    string
	DisplayName string
	Created     time.Time
}

// putPrelude checks a group before it is created and returns its
// creation time (now when zero).
func (g *ADGroup) putPrelude(now time.Time) (time.Time, error) {
	if g.ObjectID == "" || strings.TrimSpace(g.DisplayName) == "" {
		return time.Time{}, errors.New("create group: the object id and name are required")
	}
	if g.Created.IsZero() {
		return now, nil
	}
	return g.Created, nil
}

// copyDirectory copies the feature registrations and the groups with
// their members from one store into another and counts them.
func copyDirectory(ctx context.Context, from, to Store) (features, groups, members int, err error) {
	fs, err := from.Features(ctx, "")
	if err != nil {
		return 0, 0, 0, fmt.Errorf("copy the state store: features: %w", err)
	}
	for _, f := range fs {
		if err := to.PutFeature(ctx, f); err != nil {
			return 0, 0, 0, fmt.Errorf("copy the state store: feature %s/%s: %w", f.Namespace, f.Name, err)
		}
	}
	gs, err := from.ADGroups(ctx)
	if err != nil {
		return 0, 0, 0, fmt.Errorf("copy the state store: groups: %w", err)
	}
	for _, g := range gs {
		if err := to.CreateADGroup(ctx, g); err != nil {
			return 0, 0, 0, fmt.Errorf("copy the state store: group %s: %w", g.DisplayName, err)
		}
	}
	for _, g := range gs {
		ms, err := from.GroupMembers(ctx, g.ObjectID)
		if err != nil {
			return 0, 0, 0, fmt.Errorf("copy the state store: members of %s: %w", g.DisplayName, err)
		}
		for _, m := range ms {
			if err := to.AddGroupMember(ctx, g.ObjectID, m); err != nil {
				return 0, 0, 0, fmt.Errorf("copy the state store: member %s of %s: %w", m, g.DisplayName, err)
			}
		}
		members += len(ms)
	}
	return len(fs), len(gs), members, nil
}
