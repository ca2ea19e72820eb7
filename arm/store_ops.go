package arm

import (
	"context"
	"errors"
	"io"

	"github.com/armdeploy/armdeploy/providers"
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

// ExportState writes the whole store as one JSON document.
func (s *Service) ExportState(ctx context.Context, w io.Writer) error {
	if s.store == nil {
		return ErrNoStore
	}
	return s.store.Export(ctx, w)
}

// ImportState reads an export into the store, which must be empty.
func (s *Service) ImportState(ctx context.Context, r io.Reader) error {
	if s.store == nil {
		return ErrNoStore
	}
	return s.store.Import(ctx, r)
}

// StorePath returns the file of a SQLite store, or "".
func (s *Service) StorePath() string {
	if p, ok := s.store.(interface{ Path() string }); ok {
		return p.Path()
	}
	return ""
}
