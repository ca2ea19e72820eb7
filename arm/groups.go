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
func (s *Service) GetGroup(ctx context.Context, principal, subscription, name string) (*state.ResourceGroup, error) {
	g, err := s.reader.Group(ctx, subscription, name)
	if errors.Is(err, state.ErrNotFound) {
		return nil, groupNotFound(name)
	} else if err != nil {
		return nil, err
	}
	if err := s.authorize(ctx, principal, "read", g.ID()); err != nil {
		return nil, err
	}
	return g, nil
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
	g, err := s.GetGroup(ctx, "", subscription, name)
	if err != nil {
		return err
	}
	if err := s.authorize(ctx, principal, "delete", g.ID()); err != nil {
		return err
	}
	if s.store == nil {
		return groupNotFound(name)
	}
	release, err := s.store.AcquireLease(ctx, state.Lease{Scope: lower(g.ID()), Holder: "group delete",
		PID: s.pid, Host: s.host, Started: s.opts.Now(), Command: s.opts.Command}, 0)
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
