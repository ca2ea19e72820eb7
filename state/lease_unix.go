//go:build unix

package state

import (
	"errors"
	"syscall"
)

// processAlive reports whether process pid exists on this host. EPERM
// means it exists but belongs to someone else.
func processAlive(pid int) bool {
	if pid <= 0 {
		return false
	}
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}
