package state

import (
	"context"
	"errors"
	"io/fs"
	"os"
)

// OpenStore opens the store that a --state value (or $ARMDEPLOY_STATE,
// see [ResolvePath]) names: the PostgreSQL database of a postgres:// or
// postgresql:// DSN ([OpenPostgres]), else the SQLite file at that path
// ([Open]). Both are created or migrated on first use.
func OpenStore(ctx context.Context, location string) (Store, error) {
	if IsPostgresDSN(location) {
		return OpenPostgres(ctx, location)
	}
	return Open(location)
}

// Exists reports whether the store a location names exists: a SQLite
// file that is there, or any PostgreSQL DSN (a database is created by
// its administrator, and its tables on first use). Read-only commands use
// it to read a missing SQLite store as empty instead of creating it.
func Exists(location string) bool {
	if IsPostgresDSN(location) {
		return true
	}
	_, err := os.Stat(location)
	return !errors.Is(err, fs.ErrNotExist)
}

// Describe names a store location for messages: a DSN with its password
// hidden, a path as it is.
func Describe(location string) string {
	if IsPostgresDSN(location) {
		return RedactDSN(location)
	}
	return location
}
