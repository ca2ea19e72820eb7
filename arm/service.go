package arm

import (
	"context"
	"crypto/rand"
	"io"
	"os"
	"strings"
	"time"

	"github.com/armdeploy/armdeploy/providers"
	"github.com/armdeploy/armdeploy/state"
)

// Defaults of the deployment context when a request does not say.
const (
	DefaultSubscription = "00000000-0000-0000-0000-000000000000"
	DefaultTenant       = providers.DefaultTenantID
	DefaultLocation     = "eastus"
)

// Options configure a [Service]. Zero values take the real clock,
// crypto/rand, this host and process.
type Options struct {
	// Now is the clock of utcNow(), timestamps and durations.
	Now func() time.Time
	// Random feeds newGuid() and correlation ids.
	Random io.Reader
	// Command describes the process in the leases it takes
	// ("armdeploy deploy -g demo").
	Command string
	// Tenant is the tenant id of tenant() and subscription().tenantId.
	Tenant string
	// CancelPoll is how often a running deployment checks the store for a
	// cancel request from another process (default 200 ms).
	CancelPoll time.Duration
}

// Service is the control plane over one store. It is safe for concurrent
// use; each operation is independent.
type Service struct {
	// reader answers reads; store, the same store, takes writes. store is
	// nil for a service over a store that does not exist yet (see
	// [OpenExisting]): it reads as empty.
	reader state.Reader
	store  state.Store
	opts   Options
	host   string
	pid    int
	// Recovered lists what Open found interrupted and closed (for a
	// front-end to mention).
	Recovered []Recovered
}

// New returns a service over st. It does not recover interrupted
// deployments: call [Service.Recover] (Open does).
func New(st state.Store, opts Options) *Service {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Random == nil {
		opts.Random = rand.Reader
	}
	if opts.Tenant == "" {
		opts.Tenant = DefaultTenant
	}
	if opts.CancelPoll <= 0 {
		opts.CancelPoll = 200 * time.Millisecond
	}
	host, _ := os.Hostname()
	s := &Service{reader: st, store: st, opts: opts, host: host, pid: os.Getpid()}
	if st == nil {
		s.reader, s.store = emptyStore{}, nil
	}
	return s
}

// Open opens the store at path (created on first use; a postgres:// DSN
// names a PostgreSQL database, see [state.OpenStore]), wraps it in a
// service and closes the deployments whose process ended before they
// finished.
func Open(ctx context.Context, path string, opts Options) (*Service, error) {
	st, err := state.OpenStore(ctx, state.ResolvePath(path))
	if err != nil {
		return nil, err
	}
	s := New(st, opts)
	if s.Recovered, err = s.Recover(ctx); err != nil {
		st.Close()
		return nil, err
	}
	return s, nil
}

// OpenExisting is [Open] for commands that only read: a store that does
// not exist yet reads as empty and is not created.
func OpenExisting(ctx context.Context, path string, opts Options) (*Service, error) {
	p := state.ResolvePath(path)
	if !state.Exists(p) {
		return New(nil, opts), nil
	}
	return Open(ctx, p, opts)
}

// Close closes the store.
func (s *Service) Close() error {
	if s.store == nil {
		return nil
	}
	return s.store.Close()
}

// authorize checks that principal may perform action (read, write,
// delete) on id: the one authorisation point of every operation.
func (s *Service) authorize(ctx context.Context, principal, action, id string) error {
	if e := providers.Authorize(ctx, s.reader, principal, action, id); e != nil {
		return s.nameClient(ctx, fromProvider(e), principal)
	}
	return nil
}

// canRead reports whether principal may read id (for filtering lists).
func (s *Service) canRead(ctx context.Context, principal, id string) bool {
	return providers.Authorize(ctx, s.reader, principal, "read", id) == nil
}

func lower(s string) string { return strings.ToLower(s) }
