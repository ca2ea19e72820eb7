package providers

import (
	"fmt"
	"strings"
	"time"
)

// Dates in bodies: the forms the services accept and the form they
// return.

// dateLayouts are the forms parseDate tries, in order.
var dateLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05Z0700",
	"2006-01-02T15:04:05",
	"2006-01-02T15:04",
	"2006-01-02 15:04:05Z07:00",
	"2006-01-02 15:04:05",
	"2006-01-02",
}

// parseDate accepts the forms the gallery service accepts: yyyy-MM-dd,
// yyyy-MM-ddTHH:mm:sszzz and ISO 8601 (gallery-rp.md §1.2).
func parseDate(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	for _, l := range dateLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// formatDate renders a date-time as the service returns it
// ("2030-01-01T00:00:00+00:00").
func formatDate(t time.Time) string {
	return t.UTC().Format("2006-01-02T15:04:05.0000000+00:00")
}

// checkEndOfLife validates an optional end-of-life date in props: it must
// parse and lie in the future. It rewrites it in the service's format.
func checkEndOfLife(props map[string]any, now time.Time, wirePath, target string) *Error {
	v, ok := get(props, "endOfLifeDate")
	if !ok || v == nil {
		return nil
	}
	s, _ := v.(string)
	t, ok := parseDate(s)
	if !ok {
		// gallery-rp.md §4.3, verbatim.
		return &Error{Code: "InvalidParameter", Target: target,
			Message: fmt.Sprintf("Could not convert string to DateTimeOffset: %v. Path '%s'.", v, wirePath)}
	}
	if !now.IsZero() && !t.After(now) {
		// gallery-rp.md §4.3 / E-V20, verbatim.
		return &Error{Code: "InvalidParameter", Target: target, Message: "EndOfLifeDate must be set to a future date."}
	}
	set(props, "endOfLifeDate", formatDate(t))
	return nil
}
