// Package state owns the store of the simulated Azure: subscriptions and
// tenants, resource groups, resources (keyed by lower-cased id, body as
// JSON), deployments with their operations, role assignments and the leases
// that keep two deployments out of one resource group.
//
// The default store is one SQLite file (pure Go, WAL mode) opened with
// [Open]. Every write is its own transaction, so a crash leaves the store
// at the last whole commit. [Store] is the contract; the conformance suite
// in package statetest checks any implementation against it.
//
// # Where the store lives
//
// [ResolvePath] picks the file: the --state flag, else $ARMDEPLOY_STATE,
// else .armdeploy/state.db under the working directory. [Open] creates the
// file and its folder on first use and applies the numbered schema
// migrations (table schema_version) the file lacks; a file written by a
// newer armdeploy is refused with [ErrNewerSchema].
//
// # Leases
//
// A deployment takes the lease on its resource group with
// [Store.AcquireLease] before it writes and releases it at the end. The
// lease records holder, pid, host and start. A second deployment to the
// group polls until its wait runs out and then fails with a *[LeaseError]
// naming the holder; a lease whose process no longer exists on this host
// is taken over. Leases are advisory: reads never look at them, and the
// store does not refuse writes from a process that holds no lease.
//
// # Export
//
// [Store.Export] writes the whole store (not the leases) as one JSON
// document, "version" first, in a stable order; [Store.Import] reads it
// into an empty store, so that export, import, export gives the same
// bytes.
//
// state knows nothing of templates or expressions.
package state
