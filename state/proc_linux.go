//go:build linux

package state

import (
	"bytes"
	"os"
	"strconv"
	"strings"
)

// processStart reads the start time of process pid, in clock ticks since
// boot: field 22 of /proc/PID/stat. The second field (the command name,
// in parentheses) may itself hold spaces and parentheses, so the fields
// are counted from the last ')'.
func processStart(pid int) (uint64, bool) {
	if pid <= 0 {
		return 0, false
	}
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0, false
	}
	return parseStatStart(b)
}

// parseStatStart returns field 22 of a /proc/PID/stat line.
func parseStatStart(b []byte) (uint64, bool) {
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return 0, false
	}
	// After ')' come field 3 (state) onwards: field 22 is the 20th.
	fields := strings.Fields(string(b[i+1:]))
	if len(fields) < 20 {
		return 0, false
	}
	n, err := strconv.ParseUint(fields[19], 10, 64)
	if err != nil || n == 0 {
		return 0, false
	}
	return n, true
}

// currentBootID is the id Linux draws at every boot, or "" when it cannot
// be read.
func currentBootID() string {
	b, err := os.ReadFile("/proc/sys/kernel/random/boot_id")
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(b))
}
