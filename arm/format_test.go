package arm

import (
	"testing"
	"time"
)

func TestFormatDuration(t *testing.T) {
	for _, tc := range []struct {
		d    time.Duration
		want string
	}{
		{0, "PT0S"},
		{1500 * time.Millisecond, "PT1.5S"},
		{75*time.Second + 123456789, "PT1M15.1234568S"},
		{2 * time.Hour, "PT2H"},
		{time.Hour + 30*time.Second, "PT1H30S"},
		{-time.Second, "PT0S"},
	} {
		if got := FormatDuration(tc.d); got != tc.want {
			t.Errorf("FormatDuration(%v) = %s, want %s", tc.d, got, tc.want)
		}
	}
}
