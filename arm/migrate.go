package arm

import (
	"context"

	"github.com/armdeploy/armdeploy/state"
)

// MigrateState copies the whole store into the store at to (a SQLite file
// or a postgres:// DSN, created or migrated on first use, and empty), for
// a principal that is Owner of every subscription in the store, and
// checks the copy by its counts and its export's checksum (see
// [state.Copy]).
func (s *Service) MigrateState(ctx context.Context, principal, to string) (*state.CopyReport, error) {
	if s.store == nil {
		return nil, ErrNoStore
	}
	if principal != "" {
		subs, err := s.subscriptionIDs(ctx)
		if err != nil {
			return nil, err
		}
		if err := s.requireOwnerOf(ctx, principal, subs); err != nil {
			return nil, err
		}
	}
	dst, err := state.OpenStore(ctx, to)
	if err != nil {
		return nil, err
	}
	defer dst.Close()
	return state.Copy(ctx, s.store, dst)
}
