// Package state owns the store of the simulated Azure: subscriptions and
// tenants, resource groups, resources (keyed by lower-cased id, body as
// JSON), deployments with their operations, role assignments and the leases
// that keep two deployments out of one scope.
//
// The default store is one SQLite file (pure Go, WAL mode) opened with
// [Open]; a team shares one PostgreSQL database instead, opened with
// [OpenPostgres] from a postgres:// DSN ([OpenStore] opens either). Every
// write is its own transaction, so a crash leaves the store at the last
// whole commit. [Store] is the contract; the conformance suite in package
// statetest checks both implementations against it, and [Copy] moves a
// whole store from one to the other.
//
// # Where the store lives
//
// [ResolvePath] picks the file: the --state flag, else $ARMDEPLOY_STATE,
// else .armdeploy/state.db under the working directory. [Open] creates the
// file and its folder on first use and applies the numbered schema
// migrations (table schema_version) the file lacks; a file written by a
// newer armdeploy is refused with [ErrNewerSchema].
//
// # Deployments and scopes
//
// A deployment lives in the history of its [Scope]: the tenant, a
// management group, a subscription or a resource group. Histories are
// separate (one name may be used at every scope) and capped as in Azure:
// from [GroomDeployments] on the oldest deployments that are not running
// are deleted with their operations, and a scope never holds more than
// [MaxDeployments]. [Store.RunningDeployments] lists what was running at
// every scope, for a control plane that recovers after a crash, and
// [Store.RequestCancel] / [Store.CancelRequested] carry a cancel request
// from one process to the one running the deployment.
//
// # Leases
//
// A deployment takes the lease on its scope (the lower-cased scope id)
// with [Store.AcquireLease] before it writes and releases it at the end.
// The lease records holder, pid, host, command, start and a heartbeat that
// the store renews while the lease is held (every 5 s by default). A
// second deployment to the scope polls until its wait runs out and then
// fails with a *[LeaseError] naming the holder; a lease whose holder is
// gone is taken over: a process on this host that no longer exists, or a
// holder on another host whose heartbeat is 30 s old (both configurable,
// [SQLiteStore.SetLeaseTiming], [PostgresStore.SetLeaseTiming]; on
// PostgreSQL a waiter is also woken by a notification when the lease is
// released). [Store.Lease], [Store.Leases] and
// [Store.BreakLease] are for people and recovery. Leases are advisory:
// reads never look at them, and the store does not refuse writes from a
// process that holds no lease.
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
