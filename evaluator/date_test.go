package evaluator

import (
	"testing"
	"time"
)

// dateCases covers the date functions with the vectors of arm-spec §5.4;
// the test clock is 2019-03-05T17:53:18Z.
var dateCases = []evalCase{
	ok("dateTimeToEpoch('2023-05-02T15:16:13Z')", "1683040573").v("227"),
	ok("dateTimeToEpoch('2020-04-07T14:53:14Z')", "1586271194").v("228"),
	okS("dateTimeFromEpoch(1683040573)", "2023-05-02T15:16:13Z").v("229"),
	// The docs print 4/7/2023 2:53:14 PM: PowerShell's rendering of the
	// ISO date-time value 2023-04-07T14:53:14Z.
	okS("dateTimeAdd('2020-04-07 14:53:14Z', 'P3Y')", "2023-04-07T14:53:14Z").v("230"),
	okS("dateTimeAdd('2020-04-07 14:53:14Z', '-P9D')", "2020-03-29T14:53:14Z").v("231"),
	okS("dateTimeAdd('2020-04-07 14:53:14Z', 'PT1H')", "2020-04-07T15:53:14Z").v("232"),
	okS("utcNow()", "20190305T175318Z").v("233"),
	okS("utcNow('d')", "03/05/2019").v("233"),
	okS("utcNow('M d')", "3 5").v("233"),
	okS("utcNow('u')", "2019-03-05 17:53:18Z"),
	okS("utcNow('o')", "2019-03-05T17:53:18.0000000Z"),
	okS("utcNow('s')", "2019-03-05T17:53:18"),
	okS("utcNow('D')", "Tuesday, 05 March 2019"),
	okS("utcNow('G')", "03/05/2019 17:53:18"),
	okS("utcNow('r')", "Tue, 05 Mar 2019 17:53:18 GMT"),
	okS("utcNow('yyyy-MM-dd hh:mm tt')", "2019-03-05 05:53 PM"),
	okS("utcNow('dddd MMM yy ''lit''')", "Tuesday Mar 19 lit"),
	fails("utcNow('Q')", "The provided format 'Q' is not valid"),
	fails("utcNow()", "The template function 'utcNow' is not expected at this location.").with(func(c *Context) { c.Forbid = ForbidNondeterministic }),
	okS("utcNow()", "19700101T000000Z").with(func(c *Context) { c.Now = nil }),
	// Azure reads the duration as a .NET TimeSpan: a month is 30 days and
	// a year 365 days, whatever the calendar says (issue 15).
	okS("dateTimeAdd('2020-01-31T00:00:00Z', 'P1M')", "2020-03-01T00:00:00Z"),
	okS("dateTimeAdd('2021-02-01T00:00:00Z', 'P1M')", "2021-03-03T00:00:00Z"),
	okS("dateTimeAdd('2020-01-01T00:00:00Z', 'P1Y')", "2020-12-31T00:00:00Z"),
	okS("dateTimeAdd('2021-01-01T00:00:00Z', 'P1Y')", "2022-01-01T00:00:00Z"),
	okS("dateTimeAdd('2020-03-01T00:00:00Z', '-P1M')", "2020-01-31T00:00:00Z"),
	okS("dateTimeAdd('2020-01-01T00:00:00Z', 'P1Y2M3DT4H')", "2021-03-04T04:00:00Z"),
	okS("dateTimeAdd('2020-01-01T00:00:00Z', 'PT36H')", "2020-01-02T12:00:00Z"),
	okS("dateTimeAdd('2020-01-01T00:00:00Z', 'P9000D')", "2044-08-22T00:00:00Z"),
	okS("dateTimeAdd('9999-12-01T00:00:00Z', 'P30D')", "9999-12-31T00:00:00Z"),
	fails("dateTimeAdd('9999-12-01T00:00:00Z', 'P1M1D')", "un-representable DateTime"),
	fails("dateTimeAdd('0001-01-15T00:00:00Z', '-P1M')", "un-representable DateTime"),
	fails("dateTimeAdd('2020-01-01T00:00:00Z', 'P10000Y')", "un-representable DateTime"),
	fails("dateTimeAdd('2020-01-01T00:00:00Z', 'PT999999999999H')", "un-representable DateTime"),
	okS("dateTimeAdd('2020-04-07T14:53:14Z', 'P1DT2H30M15S', 'yyyy-MM-dd HH:mm:ss')", "2020-04-08 17:23:29"),
	okS("dateTimeAdd('2020-04-07', 'P1W')", "2020-04-14T00:00:00Z"),
	okS("dateTimeAdd(utcNow(), 'PT1H')", "2019-03-05T18:53:18Z").of("dateTimeAdd"),
	okS("dateTimeAdd('2020-04-07T14:53:14+02:00', 'PT0S')", "2020-04-07T12:53:14Z"),
	fails("dateTimeAdd('yesterday', 'P1D')", "expects its first parameter to be an ISO 8601 date-time"),
	fails("dateTimeAdd('2020-04-07', '1D')", "expects its second parameter to be an ISO 8601 duration"),
	fails("dateTimeToEpoch(1)", "expects its parameter to be of type 'String'"),
	okS("dateTimeFromEpoch(0)", "1970-01-01T00:00:00Z"),
	fails("dateTimeFromEpoch(253402300800)", "expects its parameter to be between"),
}

func TestDateFunctions(t *testing.T) { runCases(t, dateCases) }

func TestParseISODuration(t *testing.T) {
	tests := []struct {
		in   string
		ok   bool
		want time.Duration // added to 2000-01-01 (for exact units only)
	}{
		{"PT1H", true, time.Hour},
		{"PT1.5S", true, 1500 * time.Millisecond},
		{"-PT30M", true, -30 * time.Minute},
		{"P2D", true, 48 * time.Hour},
		{"P", false, 0},
		{"PT", false, 0},
		{"P1H", false, 0},
		{"1D", false, 0},
	}
	base := time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			d, ok := parseISODuration(tt.in)
			if ok != tt.ok {
				t.Fatalf("parseISODuration(%q) ok = %v, want %v", tt.in, ok, tt.ok)
			}
			if ok {
				sum, inRange := d.addTo(base)
				if got := sum.Sub(base); !inRange || got != tt.want {
					t.Fatalf("duration = %v, want %v", got, tt.want)
				}
			}
		})
	}
}
