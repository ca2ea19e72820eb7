package arm

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"

	"github.com/armdeploy/armdeploy/providers"
	"github.com/armdeploy/armdeploy/state"
)

// Cost is the storage and egress report of a group's image versions, for
// a principal that may read the group.
func (s *Service) Cost(ctx context.Context, principal, subscription, group string) (*providers.CostReport, error) {
	g, err := s.GetGroup(ctx, principal, subscription, group)
	if err != nil {
		return nil, err
	}
	return providers.Cost(ctx, s.reader, g.SubscriptionID, g.Name)
}

// ErrNoStore is returned when a command needs a store that does not exist.
var ErrNoStore = errors.New("there is no state store")

// ExportState writes the whole store as one JSON document, for a
// principal that is Owner of every subscription in it.
func (s *Service) ExportState(ctx context.Context, principal string, w io.Writer) error {
	if s.store == nil {
		return ErrNoStore
	}
	if principal != "" {
		subs, err := s.subscriptionIDs(ctx)
		if err != nil {
			return err
		}
		if err := s.requireOwnerOf(ctx, principal, subs); err != nil {
			return err
		}
	}
	return s.store.Export(ctx, w)
}

// MaxImportSize bounds a state import document.
const MaxImportSize = 256 << 20

// ImportState reads an export into the store, which must be empty, for a
// principal that is Owner of every subscription the export holds.
func (s *Service) ImportState(ctx context.Context, principal string, r io.Reader) error {
	if s.store == nil {
		return ErrNoStore
	}
	data, err := io.ReadAll(io.LimitReader(r, MaxImportSize+1))
	if err != nil {
		return err
	}
	if len(data) > MaxImportSize {
		return Errorf(413, "RequestContentTooLarge", "The state export is larger than %d bytes.", MaxImportSize)
	}
	if principal != "" {
		var doc struct {
			Subscriptions  []struct{ ID string }
			ResourceGroups []struct{ SubscriptionID string }
		}
		if err := json.Unmarshal(data, &doc); err != nil {
			return Errorf(400, "InvalidRequestContent", "The state export is not valid JSON: %v", err)
		}
		var subs []string
		for _, x := range doc.Subscriptions {
			subs = append(subs, x.ID)
		}
		for _, g := range doc.ResourceGroups {
			subs = append(subs, g.SubscriptionID)
		}
		if err := s.requireOwnerOf(ctx, principal, append(subs, DefaultSubscription)); err != nil {
			return err
		}
	}
	return s.store.Import(ctx, bytes.NewReader(data))
}

// subscriptionIDs lists the subscriptions the store holds: the ones it
// records and the ones its groups are in.
func (s *Service) subscriptionIDs(ctx context.Context) ([]string, error) {
	ids := []string{DefaultSubscription}
	if t, ok := s.reader.(state.Tenancy); ok {
		subs, err := t.Subscriptions(ctx)
		if err != nil {
			return nil, err
		}
		for _, x := range subs {
			ids = append(ids, x.ID)
		}
	}
	gs, err := s.reader.Groups(ctx, "")
	if err != nil {
		return nil, err
	}
	for _, g := range gs {
		ids = append(ids, g.SubscriptionID)
	}
	return ids, nil
}

// requireOwnerOf checks Owner on every subscription of ids (repeats and
// empty ids ignored).
func (s *Service) requireOwnerOf(ctx context.Context, principal string, ids []string) error {
	seen := map[string]bool{}
	for _, id := range ids {
		if id == "" || seen[lower(id)] {
			continue
		}
		seen[lower(id)] = true
		if err := s.requireOwner(ctx, principal, "/subscriptions/"+id); err != nil {
			return err
		}
	}
	return nil
}

// StorePath returns the file of a SQLite store, or "".
func (s *Service) StorePath() string {
	if p, ok := s.store.(interface{ Path() string }); ok {
		return p.Path()
	}
	return ""
}
