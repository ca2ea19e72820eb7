package state

import (
	"os"
	"path/filepath"
)

// EnvPath is the environment variable that overrides the default store
// location.
const EnvPath = "ARMDEPLOY_STATE"

// DefaultPath returns where the store lives when no --state flag is given:
// $ARMDEPLOY_STATE when set, else .armdeploy/state.db under the working
// directory (a relative path).
func DefaultPath() string {
	if p := os.Getenv(EnvPath); p != "" {
		return p
	}
	return filepath.Join(".armdeploy", "state.db")
}

// ResolvePath returns the store location for a --state flag value: the
// flag when it is set, else [DefaultPath].
func ResolvePath(flag string) string {
	if flag != "" {
		return flag
	}
	return DefaultPath()
}
