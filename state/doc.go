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
// state knows nothing of templates or expressions.
package state
