package arm

import (
	"context"
	"errors"

	"github.com/armdeploy/armdeploy/providers"
	"github.com/armdeploy/armdeploy/state"
)

// ResourceGroup is a resource group as ARM returns it.
type ResourceGroup struct {
	ID         string            `json:"id"`
	Location   string            `json:"location"`
	ManagedBy  string            `json:"managedBy,omitempty"`
	Name       string            `json:"name"`
	Properties GroupProperties   `json:"properties"`
	Tags       map[string]string `json:"tags"`
	Type       string            `json:"type"`
}

// GroupProperties are a group's properties.
type GroupProperties struct {
	ProvisioningState string `json:"provisioningState"`
}

// GroupView is a stored group as ARM returns it.
func GroupView(g *state.ResourceGroup) *ResourceGroup {
	return &ResourceGroup{ID: g.ID(), Name: g.Name, Type: "Microsoft.Resources/resourceGroups", Location: g.Location,
		Tags: g.Tags, ManagedBy: g.ManagedBy, Properties: GroupProperties{ProvisioningState: "Succeeded"}}
}

// GroupRequest is a PUT of a resource group.
type GroupRequest struct {
	SubscriptionID string
	Name           string
	Location       string
	// Tags replace the group's tags when SetTags is set; a PUT without
	// tags keeps them.
	Tags    map[string]string
	SetTags bool
}

// CreateOrUpdateGroup is PUT /subscriptions/{s}/resourcegroups/{name}.
func (s *Service) CreateOrUpdateGroup(ctx context.Context, principal string, req GroupRequest) (*state.ResourceGroup, error) {
	if err := checkGroupName(req.Name); err != nil {
		return nil, err
	}
	if s.store == nil {
		return nil, errors.New("the state store is read-only here")
	}
	location := normalizeLocation(req.Location)
	g := &state.ResourceGroup{SubscriptionID: req.SubscriptionID, Name: req.Name, Location: location, Created: s.opts.Now()}
	if req.SetTags {
		g.Tags = req.Tags
	}
	if err := s.authorize(ctx, principal, "write", g.ID()); err != nil {
		return nil, err
	}
	old, err := s.store.Group(ctx, req.SubscriptionID, req.Name)
	switch {
	case err == nil:
		if old.Location != location {
			return nil, Errorf(409, "InvalidResourceGroupLocation", "Invalid resource group location '%s'. "+
				"The Resource group already exists in location '%s'.", location, old.Location)
		}
		// PUT on an existing group keeps its name's case and creation time.
		g.Name, g.Created, g.ManagedBy = old.Name, old.Created, old.ManagedBy
		if !req.SetTags {
			g.Tags = old.Tags
		}
	case !errors.Is(err, state.ErrNotFound):
		return nil, err
	}
	if err := s.store.PutGroup(ctx, g); err != nil {
		return nil, err
	}
	return g, nil
}

// GetGroup is GET /subscriptions/{s}/resourcegroups/{name}.
// A caller without read access gets AuthorizationFailed whether or not
// the group exists.
func (s *Service) GetGroup(ctx context.Context, principal, subscription, name string) (*state.ResourceGroup, error) {
	if err := s.authorize(ctx, principal, "read", groupID(subscription, name)); err != nil {
		return nil, err
	}
	g, err := s.reader.Group(ctx, subscription, name)
	if errors.Is(err, state.ErrNotFound) {
		return nil, groupNotFound(name)
	} else if err != nil {
		return nil, err
	}
	return g, nil
}

// groupID is a resource group's id.
func groupID(subscription, name string) string {
	return (&state.ResourceGroup{SubscriptionID: subscription, Name: name}).ID()
}

// ListGroups is GET /subscriptions/{s}/resourcegroups: the groups the
// principal may read.
func (s *Service) ListGroups(ctx context.Context, principal, subscription string) ([]*state.ResourceGroup, error) {
	gs, err := s.reader.Groups(ctx, subscription)
	if err != nil {
		return nil, err
	}
	out := gs[:0:0]
	for _, g := range gs {
		if s.canRead(ctx, principal, g.ID()) {
			out = append(out, g)
		}
	}
	return out, nil
}

// DeleteGroup is DELETE /subscriptions/{s}/resourcegroups/{name}: the group
// with its resources and history. A running deployment holds the group:
// the delete does not wait for it.
func (s *Service) DeleteGroup(ctx context.Context, principal, subscription, name string) error {
	if err := s.authorize(ctx, principal, "delete", groupID(subscription, name)); err != nil {
		return err
	}
	g, err := s.GetGroup(ctx, "", subscription, name)
	if err != nil {
		return err
	}
	if s.store == nil {
		return groupNotFound(name)
	}
	release, err := s.store.AcquireLease(ctx, s.leaseFor(lower(g.ID()), "group delete", principal, nil), 0)
	if err != nil {
		return err
	}
	defer release()
	if err := s.store.DeleteGroup(ctx, subscription, name); err != nil {
		return err
	}
	return release()
}

// checkGroupName applies ARM's rules for resource group names (the
// resource-group provider's).
func checkGroupName(name string) error {
	if e := providers.CheckGroupName(name); e != nil {
		return fromProvider(e)
	}
	return nil
}

// ListSubscriptions is GET /subscriptions: the subscriptions the store
// records (the default one when it records none) in which the principal
// may read something: the subscription itself or one of its groups, as
// Azure lists a subscription to anyone with a role inside it.
func (s *Service) ListSubscriptions(ctx context.Context, principal string) ([]*state.Subscription, error) {
	var subs []*state.Subscription
	if t, ok := s.reader.(state.Tenancy); ok {
		var err error
		if subs, err = t.Subscriptions(ctx); err != nil {
			return nil, err
		}
	}
	if len(subs) == 0 {
		subs = []*state.Subscription{{ID: DefaultSubscription, TenantID: DefaultTenant, DisplayName: "armdeploy", State: "Enabled"}}
	}
	out := subs[:0]
	for _, sub := range subs {
		if s.canRead(ctx, principal, "/subscriptions/"+sub.ID) {
			out = append(out, sub)
			continue
		}
		gs, err := s.ListGroups(ctx, principal, sub.ID)
		if err != nil {
			return nil, err
		}
		if len(gs) > 0 {
			out = append(out, sub)
		}
	}
	return out, nil
}
