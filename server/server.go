// Package server is 'armdeploy serve': Azure Resource Manager's REST API
// over the arm control plane, so that az CLI and the Azure SDKs deploy to
// armdeploy unchanged. It maps HTTP onto arm calls (routing, api-version,
// long-running operation headers and polling, ARM's error envelope) and
// serves what the clients need around them: cloud metadata, the
// client-credentials token endpoints of service principals, and the TLS
// material of a private CA. It holds no engine logic and authorises
// nothing: every request runs in arm as the token's principal.
package server

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/armdeploy/armdeploy/arm"
	"github.com/armdeploy/armdeploy/state"
)

// Options configure a [Server].
type Options struct {
	// Service is the control plane; Store is its store, for service
	// principals.
	Service *arm.Service
	Store   state.Store
	// Dir is the folder of the server's material (CA, certificate,
	// token signing key): by default "serve" beside the state file.
	Dir string
	// HTTP serves plain HTTP (no TLS material is made).
	HTTP bool
	// Hosts are names and addresses the certificate is valid for besides
	// localhost, 127.0.0.1 and ::1.
	Hosts []string
	// Log receives one line per request; LogFormat is "text" (default) or
	// "json".
	Log       io.Writer
	LogFormat string
	// Now is the clock of tokens and logs (default time.Now).
	Now func() time.Time
	// Tenant is the tenant of service principals and tokens (default
	// arm.DefaultTenant).
	Tenant string
	// Apply tunes the deployments the API starts (simulated durations,
	// parallelism); Simulation the long-running resource PUTs.
	Apply      arm.ApplyOptions
	Simulation arm.Simulation
	// PageSize is the number of items of a list page (default 100).
	PageSize int
	// TokenLifetime is how long an access token is valid (default 1 h).
	TokenLifetime time.Duration
	// RetryAfter is the Retry-After of long-running operations (default
	// 1 s).
	RetryAfter time.Duration
}

// Server is the REST API over one store. Its Handler is safe for
// concurrent use; long-running operations run in the background under
// the server's own context, not the request's.
type Server struct {
	opts    Options
	tls     *TLSMaterial
	signKey []byte
	handler http.Handler

	runCtx    context.Context
	cancelRun context.CancelFunc
	tasks     sync.WaitGroup
}

// DefaultDir is the server's folder for a state file: "serve" beside it.
func DefaultDir(statePath string) string {
	return filepath.Join(filepath.Dir(statePath), "serve")
}

// New prepares a server: the TLS material (made on first use) unless
// opts.HTTP, and the token signing key.
func New(opts Options) (*Server, error) {
	if opts.Service == nil || opts.Store == nil {
		return nil, errors.New("server: a service and its store are required")
	}
	if opts.Dir == "" {
		return nil, errors.New("server: no folder for the server's keys")
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Tenant == "" {
		opts.Tenant = arm.DefaultTenant
	}
	if opts.PageSize <= 0 {
		opts.PageSize = 100
	}
	if opts.TokenLifetime <= 0 {
		opts.TokenLifetime = time.Hour
	}
	if opts.RetryAfter <= 0 {
		opts.RetryAfter = time.Second
	}
	if opts.Log == nil {
		opts.Log = io.Discard
	}
	if opts.Apply.LockTimeout == 0 {
		opts.Apply.LockTimeout = 10 * time.Second
	}
	if err := os.MkdirAll(opts.Dir, 0o700); err != nil {
		return nil, fmt.Errorf("server: %w", err)
	}
	s := &Server{opts: opts}
	var err error
	if !opts.HTTP {
		if s.tls, err = EnsureTLS(opts.Dir, opts.Hosts); err != nil {
			return nil, err
		}
	}
	if s.signKey, err = ensureSigningKey(opts.Dir); err != nil {
		return nil, err
	}
	s.runCtx, s.cancelRun = context.WithCancel(context.Background())
	s.handler = s.routes()
	return s, nil
}

// TLS returns the server's TLS material (nil with plain HTTP).
func (s *Server) TLS() *TLSMaterial { return s.tls }

// Handler is the server's HTTP handler (plain: TLS is the listener's).
func (s *Server) Handler() http.Handler { return s.handler }

// Serve answers on ln (over TLS unless Options.HTTP) until ctx is
// canceled, then shuts down gracefully: it stops accepting, lets the
// requests in flight finish, cancels the deployments and operations
// still running (arm records them Canceled) and waits for them.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	srv := &http.Server{Handler: s.handler, ReadHeaderTimeout: 30 * time.Second}
	if s.tls != nil {
		ln = tls.NewListener(ln, s.tls.Config())
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	var err error
	select {
	case err = <-errc:
	case <-ctx.Done():
		sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		err = srv.Shutdown(sctx)
		cancel()
		if serr := <-errc; !errors.Is(serr, http.ErrServerClosed) && err == nil {
			err = serr
		}
	}
	s.Close()
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	return err
}

// Close cancels what runs in the background and waits for it to record
// how it ended.
func (s *Server) Close() {
	s.cancelRun()
	s.tasks.Wait()
}

// track counts a background task until done closes.
func (s *Server) track(done <-chan struct{}) {
	s.tasks.Add(1)
	go func() {
		defer s.tasks.Done()
		<-done
	}()
}
