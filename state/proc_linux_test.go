//go:build linux

package state

import (
	"fmt"
	"os"
	"testing"
)

func TestParseStatStart(t *testing.T) {
	// Fields 3 to 21 of a real line, then 22 (the start time) and more.
	const tail = " S 1 1234 1234 0 -1 4194560 1000 0 0 0 10 5 0 0 20 0 8 0 %s 123456 789 18446744073709551615"
	for _, tc := range []struct {
		name, line string
		want       uint64
		ok         bool
	}{
		{"plain", "4242 (armdeploy)" + fmt.Sprintf(tail, "987654"), 987654, true},
		{"name with spaces and parens", "4242 (a (b) c)" + fmt.Sprintf(tail, "55"), 55, true},
		{"name like fields", "4242 (x) S 1 2 3)" + fmt.Sprintf(tail, "77"), 77, true},
		{"truncated", "4242 (armdeploy) S 1 1234", 0, false},
		{"no parens", "4242 armdeploy S", 0, false},
		{"not a number", "4242 (armdeploy)" + fmt.Sprintf(tail, "x"), 0, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := parseStatStart([]byte(tc.line))
			if got != tc.want || ok != tc.ok {
				t.Errorf("parseStatStart(%q) = %d, %v; want %d, %v", tc.line, got, ok, tc.want, tc.ok)
			}
		})
	}
}

// TestProcessIdentity: this process has a start time and a boot id, and
// processIsHolder tells it from a process with another start time or on
// another boot.
func TestProcessIdentity(t *testing.T) {
	start, boot := ProcessIdentity(os.Getpid())
	if start == 0 || boot == "" {
		t.Fatalf("ProcessIdentity(self) = %d, %q; want both set on Linux", start, boot)
	}
	if s, b := ProcessIdentity(1<<31 - 1); s != 0 || b != "" {
		t.Errorf("ProcessIdentity(no such pid) = %d, %q; want zero", s, b)
	}
	for _, tc := range []struct {
		name  string
		start uint64
		boot  string
		want  bool
	}{
		{"same", start, boot, true},
		{"unknown identity", 0, "", true},
		{"reused pid", start + 1, boot, false},
		{"rebooted", start, boot + "x", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := processIsHolder(os.Getpid(), tc.start, tc.boot); got != tc.want {
				t.Errorf("processIsHolder(self, %d, %q) = %v, want %v", tc.start, tc.boot, got, tc.want)
			}
		})
	}
}
