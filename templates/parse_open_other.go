//go:build !unix

package templates

// openFlags are added to O_RDONLY when a template or parameter file is
// opened; see parse_open_unix.go.
const openFlags = 0
