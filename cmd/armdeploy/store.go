package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/armdeploy/armdeploy/state"
)

// storeFlag is the --state flag every command that touches the store has.
type storeFlag struct{ Path string }

func (s *storeFlag) register(cmd *cobra.Command) {
	cmd.Flags().StringVar(&s.Path, "state", "", "the state store (default .armdeploy/state.db, or $ARMDEPLOY_STATE)")
}

func (s *storeFlag) open() (state.Store, error) {
	st, err := openState(s.Path)
	if err != nil {
		return nil, fmt.Errorf("open the state store: %w", err)
	}
	return st, nil
}

// resolveGroup returns the deployment's resource group. A missing group is
// created when create is set and -l gave its location (deploy); read-only
// commands use -l (or the default location) for a group that does not
// exist yet.
func resolveGroup(ctx context.Context, st state.Store, f *deploymentFlags, create bool, locationGiven bool) (*state.ResourceGroup, error) {
	g, err := st.Group(ctx, f.Subscription, f.ResourceGroup)
	switch {
	case err == nil:
		f.Location = g.Location
		return g, nil
	case !errors.Is(err, state.ErrNotFound):
		return nil, err
	case !create:
		return &state.ResourceGroup{SubscriptionID: f.Subscription, Name: f.ResourceGroup, Location: f.Location}, nil
	case !locationGiven:
		return nil, groupNotFound(f.ResourceGroup)
	}
	g = &state.ResourceGroup{SubscriptionID: f.Subscription, Name: f.ResourceGroup, Location: f.Location}
	if err := st.PutGroup(ctx, g); err != nil {
		return nil, err
	}
	return g, nil
}
