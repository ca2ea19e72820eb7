//go:build unix

package templates

import "syscall"

// openFlags are added to O_RDONLY when a template or parameter file is
// opened: O_NONBLOCK, so that a named pipe put in place of a file after it
// was checked cannot block the open (regular files ignore the flag).
const openFlags = syscall.O_NONBLOCK
