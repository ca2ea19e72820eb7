//go:build !linux

package state

// processStart cannot read a process's start time here: leases are
// checked by pid alone.
func processStart(int) (uint64, bool) { return 0, false }

// currentBootID cannot read a boot id here.
func currentBootID() string { return "" }
