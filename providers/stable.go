package providers

import (
	"fmt"
)

// Values the simulator invents (IP addresses, GUIDs), derived from a
// hash so that runs repeat.

// stableHash returns a deterministic 64-bit hash of s (FNV-1a), for values
// the simulator invents (IP addresses, GUIDs) so that runs repeat.
func stableHash(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return h
}

// stableGUID returns a deterministic GUID for s.
func stableGUID(s string) string {
	a, b := stableHash(s), stableHash("guid:"+s)
	return fmt.Sprintf("%08x-%04x-4%03x-%04x-%012x", uint32(a>>32), uint16(a>>16), uint16(a)&0xfff,
		(uint16(b>>48)&0x3fff)|0x8000, b&0xffffffffffff)
}
