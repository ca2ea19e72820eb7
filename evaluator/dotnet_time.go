package evaluator

import (
	"strconv"
	"strings"
	"time"
)

// standardDateFormats are the .NET standard date and time format strings of
// the invariant culture, as custom patterns.
var standardDateFormats = map[byte]string{
	'd': "MM/dd/yyyy",
	'D': "dddd, dd MMMM yyyy",
	'f': "dddd, dd MMMM yyyy HH:mm",
	'F': "dddd, dd MMMM yyyy HH:mm:ss",
	'g': "MM/dd/yyyy HH:mm",
	'G': "MM/dd/yyyy HH:mm:ss",
	'm': "MMMM dd",
	'M': "MMMM dd",
	'o': "yyyy'-'MM'-'dd'T'HH':'mm':'ss'.'fffffffK",
	'O': "yyyy'-'MM'-'dd'T'HH':'mm':'ss'.'fffffffK",
	'r': "ddd, dd MMM yyyy HH':'mm':'ss 'GMT'",
	'R': "ddd, dd MMM yyyy HH':'mm':'ss 'GMT'",
	's': "yyyy'-'MM'-'dd'T'HH':'mm':'ss",
	't': "HH:mm",
	'T': "HH:mm:ss",
	'u': "yyyy'-'MM'-'dd HH':'mm':'ss'Z'",
	'U': "dddd, dd MMMM yyyy HH:mm:ss",
	'y': "yyyy MMMM",
	'Y': "yyyy MMMM",
}

// formatDotNetTime formats a UTC time with a .NET standard (one letter) or
// custom date and time format string in the invariant culture. It reports
// false for an invalid format, as .NET throws FormatException.
func formatDotNetTime(t time.Time, format string) (string, bool) {
	if format == "" {
		format = "G"
	}
	if len(format) == 1 {
		p, ok := standardDateFormats[format[0]]
		if !ok {
			return "", false
		}
		format = p
	}
	if len(format) == 2 && format[0] == '%' {
		format = format[1:]
	}
	var sb strings.Builder
	for i := 0; i < len(format); {
		ch := format[i]
		n := 1
		for i+n < len(format) && format[i+n] == ch {
			n++
		}
		switch ch {
		case 'y':
			y := t.Year()
			switch {
			case n == 1:
				sb.WriteString(strconv.Itoa(y % 100))
			case n == 2:
				sb.WriteString(pad(y%100, 2))
			default:
				sb.WriteString(pad(y, n))
			}
		case 'M':
			m := int(t.Month())
			switch n {
			case 1:
				sb.WriteString(strconv.Itoa(m))
			case 2:
				sb.WriteString(pad(m, 2))
			case 3:
				sb.WriteString(t.Month().String()[:3])
			default:
				sb.WriteString(t.Month().String())
			}
		case 'd':
			switch n {
			case 1:
				sb.WriteString(strconv.Itoa(t.Day()))
			case 2:
				sb.WriteString(pad(t.Day(), 2))
			case 3:
				sb.WriteString(t.Weekday().String()[:3])
			default:
				sb.WriteString(t.Weekday().String())
			}
		case 'H':
			sb.WriteString(pad(t.Hour(), min(n, 2)))
		case 'h':
			h := t.Hour() % 12
			if h == 0 {
				h = 12
			}
			sb.WriteString(pad(h, min(n, 2)))
		case 'm':
			sb.WriteString(pad(t.Minute(), min(n, 2)))
		case 's':
			sb.WriteString(pad(t.Second(), min(n, 2)))
		case 'f', 'F':
			if n > 7 {
				return "", false
			}
			frac := pad(t.Nanosecond()/100, 7)[:n]
			if ch == 'F' {
				frac = strings.TrimRight(frac, "0")
				if frac == "" && sb.Len() > 0 && strings.HasSuffix(sb.String(), ".") {
					// .NET drops the separator too only for "." followed by F.
					s := sb.String()
					sb.Reset()
					sb.WriteString(s[:len(s)-1])
				}
			}
			sb.WriteString(frac)
		case 't':
			ampm := "AM"
			if t.Hour() >= 12 {
				ampm = "PM"
			}
			if n == 1 {
				ampm = ampm[:1]
			}
			sb.WriteString(ampm)
		case 'K':
			sb.WriteString("Z")
		case 'z':
			switch n {
			case 1:
				sb.WriteString("+0")
			case 2:
				sb.WriteString("+00")
			default:
				sb.WriteString("+00:00")
			}
		case 'g':
			sb.WriteString("A.D.")
		case '\'', '"':
			end := strings.IndexByte(format[i+1:], ch)
			if end < 0 {
				return "", false
			}
			sb.WriteString(format[i+1 : i+1+end])
			i += end + 2
			continue
		case '\\':
			if i+1 >= len(format) {
				return "", false
			}
			sb.WriteByte(format[i+1])
			i += 2
			continue
		case '%':
			i++
			continue
		default:
			sb.WriteString(format[i : i+n])
		}
		i += n
	}
	return sb.String(), true
}

func pad(v, width int) string {
	s := strconv.Itoa(v)
	if len(s) < width {
		s = strings.Repeat("0", width-len(s)) + s
	}
	return s
}
