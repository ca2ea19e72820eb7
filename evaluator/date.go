package evaluator

import (
	"math"
	"strconv"
	"strings"
	"time"
)

// Date functions (arm-spec §4.4). Times are UTC; formats are .NET
// standard or custom date and time format strings in the invariant culture
// (see dotnet_time.go). utcNow() reads the Context clock and is allowed
// only in parameter default values.
var dateFunctions = []*Function{
	{
		Name: "utcNow", Category: CategoryDate, Signature: "utcNow([format])",
		Description: "Returns the current UTC time in a .NET format (yyyyMMddTHHmmssZ by default); allowed only in parameter default values.",
		MinArgs:     0, MaxArgs: 1, restrictedBy: ForbidNondeterministic, Impl: utcNowImpl,
	},
	{
		Name: "dateTimeAdd", Category: CategoryDate, Signature: "dateTimeAdd(base, duration, [format])",
		Description: "Adds an ISO 8601 duration (such as P3Y, -P9D or PT1H) to an ISO 8601 date-time and returns the result in a .NET format (yyyy-MM-ddTHH:mm:ssZ by default).",
		MinArgs:     2, MaxArgs: 3, Impl: dateTimeAddImpl,
	},
	{
		Name: "dateTimeToEpoch", Category: CategoryDate, Signature: "dateTimeToEpoch(dateTime)",
		Description: "Converts an ISO 8601 date-time to Unix epoch seconds.",
		MinArgs:     1, MaxArgs: 1, Impl: func(c Call, args []Value) (Value, error) {
			t, err := c.dateArg(args, 0)
			if err != nil {
				return Null, err
			}
			return Int(t.Unix()), nil
		},
	},
	{
		Name: "dateTimeFromEpoch", Category: CategoryDate, Signature: "dateTimeFromEpoch(epochTime)",
		Description: "Converts Unix epoch seconds to an ISO 8601 UTC date-time (yyyy-MM-ddTHH:mm:ssZ).",
		MinArgs:     1, MaxArgs: 1, Impl: func(c Call, args []Value) (Value, error) {
			n, err := c.int(args, 0)
			if err != nil {
				return Null, err
			}
			if n < -62135596800 || n > 253402300799 {
				return Null, c.valueError("expects its parameter to be between -62135596800 and 253402300799. The provided value is '%d'.", n)
			}
			return String(time.Unix(n, 0).UTC().Format("2006-01-02T15:04:05Z")), nil
		},
	},
}

const defaultDateTimeFormat = "yyyy-MM-ddTHH:mm:ssZ"

func utcNowImpl(c Call, args []Value) (Value, error) {
	format := "yyyyMMddTHHmmssZ"
	if len(args) == 1 {
		var err error
		if format, err = c.str(args, 0); err != nil {
			return Null, err
		}
	}
	return c.formatTime(c.now(), format)
}

func (c Call) formatTime(t time.Time, format string) (Value, error) {
	s, ok := formatDotNetTime(t, format)
	if !ok {
		return Null, c.valueError("expects a valid date and time format string. The provided format '%s' is not valid.", format)
	}
	return String(s), nil
}

func dateTimeAddImpl(c Call, args []Value) (Value, error) {
	t, err := c.dateArg(args, 0)
	if err != nil {
		return Null, err
	}
	d, err := c.str(args, 1)
	if err != nil {
		return Null, err
	}
	dur, ok := parseISODuration(d)
	if !ok {
		return Null, c.valueError("expects its second parameter to be an ISO 8601 duration such as 'P3Y' or 'PT1H'. The provided value is '%s'.", d)
	}
	format := defaultDateTimeFormat
	if len(args) == 3 {
		if format, err = c.str(args, 2); err != nil {
			return Null, err
		}
	}
	sum, ok := dur.addTo(t)
	if !ok {
		return Null, c.valueError("failed: the added or subtracted value results in an un-representable DateTime; dates run from 0001-01-01 to 9999-12-31.")
	}
	return c.formatTime(sum, format)
}

// dateArg parses argument i as an ISO 8601 date-time.
func (c Call) dateArg(args []Value, i int) (time.Time, error) {
	s, err := c.str(args, i)
	if err != nil {
		return time.Time{}, err
	}
	t, ok := parseDateTime(s)
	if !ok {
		return time.Time{}, c.valueError("expects its %s parameter to be an ISO 8601 date-time. The provided value is '%s'.", ordinal(i), s)
	}
	return t, nil
}

var dateLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02 15:04:05.999999999Z07:00",
	"2006-01-02T15:04:05.999999999",
	"2006-01-02 15:04:05.999999999",
	"2006-01-02T15:04Z07:00",
	"2006-01-02T15:04",
	"2006-01-02",
	"20060102T150405Z07:00",
	"20060102T150405",
	"01/02/2006 15:04:05",
	"01/02/2006",
}

// parseDateTime accepts the ISO 8601 forms ARM templates use, plus the
// default output of utcNow(); a time without offset is UTC.
func parseDateTime(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	for _, layout := range dateLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			t = t.UTC()
			return t, inDateRange(t)
		}
	}
	return time.Time{}, false
}

// isoDuration is a parsed ISO 8601 duration.
type isoDuration struct {
	neg                 bool
	years, months, days int
	hours, minutes      int
	seconds             float64
}

// parseISODuration parses [-]P[nY][nM][nW][nD][T[nH][nM][n[.f]S]].
func parseISODuration(s string) (isoDuration, bool) {
	var d isoDuration
	if strings.HasPrefix(s, "-") {
		d.neg = true
		s = s[1:]
	} else if strings.HasPrefix(s, "+") {
		s = s[1:]
	}
	if len(s) < 2 || (s[0] != 'P' && s[0] != 'p') {
		return d, false
	}
	s = s[1:]
	inTime, any := false, false
	for s != "" {
		if s[0] == 'T' || s[0] == 't' {
			if inTime {
				return d, false
			}
			inTime = true
			s = s[1:]
			continue
		}
		i := 0
		for i < len(s) && (s[i] >= '0' && s[i] <= '9' || s[i] == '.' || s[i] == ',') {
			i++
		}
		if i == 0 || i == len(s) {
			return d, false
		}
		num := strings.Replace(s[:i], ",", ".", 1)
		unit := s[i] | 0x20
		s = s[i+1:]
		any = true
		if unit == 's' && inTime {
			f, err := strconv.ParseFloat(num, 64)
			if err != nil {
				return d, false
			}
			d.seconds += f
			continue
		}
		n, err := strconv.Atoi(num)
		if err != nil {
			return d, false
		}
		switch {
		case !inTime && unit == 'y':
			d.years += n
		case !inTime && unit == 'm':
			d.months += n
		case !inTime && unit == 'w':
			d.days += 7 * n
		case !inTime && unit == 'd':
			d.days += n
		case inTime && unit == 'h':
			d.hours += n
		case inTime && unit == 'm':
			d.minutes += n
		default:
			return d, false
		}
	}
	return d, any
}

// addTo adds the duration as Azure does: ARM reads the duration as a
// .NET TimeSpan (XmlConvert), which has no calendar, so a year is 365 days
// and a month 30 days (P1M from 2020-01-31 is 2020-03-01, P1Y from
// 2020-01-01 is 2020-12-31). It reports false when the result leaves .NET's
// range of dates (years 1 to 9999).
func (d isoDuration) addTo(t time.Time) (time.Time, bool) {
	sign := 1.0
	if d.neg {
		sign = -1
	}
	// Checked in float64 first: no component can then overflow an int or
	// a time.Duration.
	days := sign * (365*float64(d.years) + 30*float64(d.months) + float64(d.days))
	exact := sign * (3600*float64(d.hours) + 60*float64(d.minutes) + d.seconds)
	days += math.Trunc(exact / 86400)
	exact = math.Mod(exact, 86400)
	if math.Abs(days) > 366*maxYear || math.IsNaN(exact) || math.IsNaN(days) {
		return time.Time{}, false
	}
	t = t.AddDate(0, 0, int(days))
	whole := math.Trunc(exact)
	t = t.Add(time.Duration(whole)*time.Second + time.Duration((exact-whole)*float64(time.Second)))
	return t, inDateRange(t)
}

// maxYear is the last year of .NET's DateTime.
const maxYear = 9999

// inDateRange reports whether t is within .NET's DateTime range.
func inDateRange(t time.Time) bool { y := t.Year(); return y >= 1 && y <= maxYear }
