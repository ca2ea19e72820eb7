package state

import (
	"os"
	"sync"
	"sync/atomic"
	"time"
)

// leaseKeeper is what every store needs to hold leases: who this process
// is, the clock, the lease timing, and the heartbeat goroutines that Close
// stops and waits for.
type leaseKeeper struct {
	host string
	now  func() time.Time

	// Lease timing (see SetLeaseTiming), in nanoseconds.
	leaseHeartbeat atomic.Int64
	leaseExpiry    atomic.Int64
	// closed is closed by Close, which then waits for renewers: the
	// goroutines renewing the heartbeats of leases held through the store.
	closed    chan struct{}
	closeOnce sync.Once
	renewers  sync.WaitGroup
}

// initKeeper readies k with the default timing and clock.
func (k *leaseKeeper) initKeeper() {
	k.host, _ = os.Hostname()
	k.now = time.Now
	k.closed = make(chan struct{})
	k.leaseHeartbeat.Store(int64(DefaultLeaseHeartbeat))
	k.leaseExpiry.Store(int64(DefaultLeaseExpiry))
}

// closeKeeper stops the renewers and waits for them.
func (k *leaseKeeper) closeKeeper() {
	k.closeOnce.Do(func() { close(k.closed) })
	k.renewers.Wait()
}

// holderAlive reports whether a lease's holder may still run: a process
// on this host is checked (see [processIsHolder]); one on another host is
// alive while its heartbeat is younger than the expiry.
func (k *leaseKeeper) holderAlive(l *Lease) bool {
	if l.Host == k.host {
		return processIsHolder(l.PID, l.ProcessStart, l.BootID)
	}
	return k.now().Sub(l.Heartbeat) < time.Duration(k.leaseExpiry.Load())
}

// hold renews a held lease every heartbeat with renew (which reports false
// once the lease is no longer this acquisition's: broken or taken over)
// until the returned function is called, which stops renewing and then
// releases the lease with release, once.
func (k *leaseKeeper) hold(renew func() (bool, error), release func() error) func() error {
	stop, done := make(chan struct{}), make(chan struct{})
	every := time.Duration(k.leaseHeartbeat.Load())
	k.renewers.Add(1)
	go func() {
		defer k.renewers.Done()
		defer close(done)
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-k.closed:
				return
			case <-t.C:
			}
			held, err := renew()
			if err == nil && !held {
				return // broken or taken over: nothing left to renew
			}
			// An error (a busy or closing store) is retried at the next tick.
		}
	}()
	var once sync.Once
	var err error
	return func() error {
		once.Do(func() {
			close(stop)
			<-done
			err = release()
		})
		return err
	}
}
