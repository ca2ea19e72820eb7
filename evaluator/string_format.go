package evaluator

import (
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

var formatFunctions = []*Function{
	{
		Name: "format", Category: CategoryString, Signature: "format(formatString, arg1, arg2, ...)",
		Description: "Builds a string with .NET composite formatting: {index[,alignment][:formatString]} placeholders, {{ and }} for literal braces.",
		MinArgs:     1, MaxArgs: Variadic, Impl: formatImpl,
	},
}

func formatImpl(c Call, args []Value) (Value, error) {
	f, err := c.str(args, 0)
	if err != nil {
		return Null, err
	}
	s, msg := compositeFormat(f, args[1:])
	if msg == errFormatTooLarge {
		return Null, c.newError(ErrLimit, valueTooLarge(c.Name(), MaxValueSize+1))
	}
	if msg != "" {
		return Null, c.valueError("failed to format the string '%s': %s", f, msg)
	}
	return String(s), nil
}

// errFormatTooLarge is compositeFormat's message for a result that would
// exceed MaxValueSize; it is never shown.
const errFormatTooLarge = "\x00too large"

// compositeFormat implements .NET String.Format in the invariant culture.
// It returns an error message (.NET's wording) instead of an error.
func compositeFormat(f string, args []Value) (string, string) {
	const badFormat = "Input string was not in a correct format."
	var sb strings.Builder
	for i := 0; i < len(f); {
		ch := f[i]
		switch ch {
		case '}':
			if i+1 < len(f) && f[i+1] == '}' {
				sb.WriteByte('}')
				i += 2
				continue
			}
			return "", badFormat
		case '{':
			if i+1 < len(f) && f[i+1] == '{' {
				sb.WriteByte('{')
				i += 2
				continue
			}
			end := strings.IndexByte(f[i:], '}')
			if end < 0 {
				return "", badFormat
			}
			item := f[i+1 : i+end]
			i += end + 1
			spec := ""
			if colon := strings.IndexByte(item, ':'); colon >= 0 {
				item, spec = item[:colon], item[colon+1:]
			}
			align := ""
			if comma := strings.IndexByte(item, ','); comma >= 0 {
				item, align = item[:comma], item[comma+1:]
			}
			idx, err := strconv.Atoi(strings.TrimRight(item, " "))
			if err != nil || idx < 0 || strings.TrimSpace(item) != item {
				return "", badFormat
			}
			if idx >= len(args) {
				return "", "Index (zero based) must be greater than or equal to zero and less than the size of the argument list."
			}
			width := 0
			if align != "" {
				w, err := strconv.Atoi(strings.TrimSpace(align))
				if err != nil || w >= MaxFormatWidth || w <= -MaxFormatWidth {
					return "", badFormat
				}
				width = w
			}
			text, ok := formatArg(args[idx], spec)
			if !ok {
				return "", "Format specifier was invalid."
			}
			pad := abs(width) - utf16Len(text)
			if sb.Len()+max(pad, 0)+len(text) > MaxValueSize {
				return "", errFormatTooLarge
			}
			if pad > 0 && width > 0 {
				sb.WriteString(strings.Repeat(" ", pad))
			}
			sb.WriteString(text)
			if pad > 0 && width < 0 {
				sb.WriteString(strings.Repeat(" ", pad))
			}
		default:
			sb.WriteByte(ch)
			i++
		}
	}
	return sb.String(), ""
}

func abs(i int) int {
	if i < 0 {
		return -i
	}
	return i
}

// formatArg renders one argument; numbers honour the format string, other
// kinds ignore it as .NET does for types that are not IFormattable.
func formatArg(v Value, spec string) (string, bool) {
	switch x := v.raw().(type) {
	case int64:
		if spec == "" {
			return strconv.FormatInt(x, 10), true
		}
		return formatInt(x, spec)
	case float64:
		if spec == "" {
			return formatFloatR(x), true
		}
		return formatFloat(x, spec)
	}
	return FormatText(v), true
}

// parseStandard splits a standard numeric format string ("N0", "x8").
func parseStandard(spec string) (byte, int, bool) {
	if len(spec) == 0 || len(spec) > 3 {
		return 0, -1, false
	}
	c := spec[0]
	if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
		return 0, -1, false
	}
	if len(spec) == 1 {
		return c, -1, true
	}
	n, err := strconv.Atoi(spec[1:])
	if err != nil || n < 0 {
		return 0, -1, false
	}
	return c, n, true
}

func formatInt(x int64, spec string) (string, bool) {
	c, prec, ok := parseStandard(spec)
	if !ok {
		return customNumber(float64(x), spec), true
	}
	switch c {
	case 'D', 'd':
		digits := strconv.FormatUint(absU(x), 10)
		if prec > len(digits) {
			digits = strings.Repeat("0", prec-len(digits)) + digits
		}
		if x < 0 {
			return "-" + digits, true
		}
		return digits, true
	case 'X', 'x':
		h := strconv.FormatUint(uint64(x), 16)
		if c == 'X' {
			h = strings.ToUpper(h)
		}
		if prec > len(h) {
			h = strings.Repeat("0", prec-len(h)) + h
		}
		return h, true
	case 'G', 'g':
		if prec <= 0 || prec >= 19 {
			return strconv.FormatInt(x, 10), true
		}
		return formatFloat(float64(x), spec)
	case 'R', 'r':
		return "", false
	}
	return formatFloat(float64(x), spec)
}

func absU(x int64) uint64 {
	if x < 0 {
		return uint64(-(x + 1)) + 1
	}
	return uint64(x)
}

func formatFloat(x float64, spec string) (string, bool) {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return formatFloatR(x), true
	}
	c, prec, ok := parseStandard(spec)
	if !ok {
		return customNumber(x, spec), true
	}
	neg := x < 0 || (x == 0 && math.Signbit(x))
	a := math.Abs(x)
	sign := func(s string) string {
		if neg && strings.Trim(s, "0.,") != "" {
			return "-" + s
		}
		return s
	}
	switch c {
	case 'F', 'f':
		if prec < 0 {
			prec = 2
		}
		return sign(roundFixed(a, prec)), true
	case 'N', 'n':
		if prec < 0 {
			prec = 2
		}
		return sign(group(roundFixed(a, prec))), true
	case 'P', 'p':
		if prec < 0 {
			prec = 2
		}
		return sign(group(roundFixed(a*100, prec))) + " %", true
	case 'C', 'c':
		if prec < 0 {
			prec = 2
		}
		s := group(roundFixed(a, prec))
		if neg && strings.Trim(s, "0.,") != "" {
			return "-¤" + s, true
		}
		return "¤" + s, true
	case 'E', 'e':
		if prec < 0 {
			prec = 6
		}
		return sign(expFormat(a, prec, c, 3)), true
	case 'G', 'g':
		if prec < 0 {
			return formatFloatR(x), true
		}
		if prec == 0 {
			prec = 15
		}
		s := strconv.FormatFloat(a, 'e', prec-1, 64)
		exp, _ := strconv.Atoi(s[strings.IndexByte(s, 'e')+1:])
		if exp >= -5 && exp < prec {
			r := strconv.FormatFloat(a, 'f', max(prec-1-exp, 0), 64)
			if strings.Contains(r, ".") {
				r = strings.TrimRight(strings.TrimRight(r, "0"), ".")
			}
			return sign(r), true
		}
		e := 'E'
		if c == 'g' {
			e = 'e'
		}
		return sign(strings.TrimRight(strings.TrimRight(expFormat(a, prec-1, byte(e), 2), "0"), ".")), true
	case 'R', 'r':
		return formatFloatR(x), true
	}
	return "", false
}

// roundFixed formats a >= 0 with prec decimals, rounding half away from
// zero as .NET does.
func roundFixed(a float64, prec int) string {
	s := strconv.FormatFloat(a, 'f', prec+30, 64)
	dot := strings.IndexByte(s, '.')
	keep := s[:dot+1+prec]
	rest := s[dot+1+prec:]
	up := rest != "" && rest[0] >= '5'
	digits := []byte(strings.Replace(keep, ".", "", 1))
	if up {
		i := len(digits) - 1
		for ; i >= 0; i-- {
			if digits[i] == '9' {
				digits[i] = '0'
				continue
			}
			digits[i]++
			break
		}
		if i < 0 {
			digits = append([]byte{'1'}, digits...)
		}
	}
	intLen := len(digits) - prec
	out := string(digits[:intLen])
	if prec > 0 {
		out += "." + string(digits[intLen:])
	}
	return out
}

// group inserts ',' thousands separators into the integer part.
func group(s string) string {
	intPart, frac, hasFrac := strings.Cut(s, ".")
	var sb strings.Builder
	for i, ch := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			sb.WriteByte(',')
		}
		sb.WriteRune(ch)
	}
	if hasFrac {
		sb.WriteByte('.')
		sb.WriteString(frac)
	}
	return sb.String()
}

// expFormat renders a >= 0 as d.dddE+ddd with at least expDigits exponent
// digits.
func expFormat(a float64, prec int, e byte, expDigits int) string {
	s := strconv.FormatFloat(a, 'e', prec, 64)
	mant, expStr, _ := strings.Cut(s, "e")
	exp, _ := strconv.Atoi(expStr)
	sign := "+"
	if exp < 0 {
		sign, exp = "-", -exp
	}
	es := strconv.Itoa(exp)
	if len(es) < expDigits {
		es = strings.Repeat("0", expDigits-len(es)) + es
	}
	return mant + string(e) + sign + es
}

// customNumber implements the common parts of .NET custom numeric format
// strings: '0' and '#' digit placeholders, '.', ',' (grouping), '%',
// quoted literals, backslash escapes and ';' sections.
func customNumber(x float64, spec string) string {
	sections := splitSections(spec)
	section := sections[0]
	neg := x < 0
	if neg && len(sections) > 1 && sections[1] != "" {
		section = sections[1]
		neg = false
	}
	if x == 0 && len(sections) > 2 && sections[2] != "" {
		section = sections[2]
	}
	a := math.Abs(x)
	// Analyse the placeholders.
	intZeros, fracZeros, fracHashes := 0, 0, 0
	grouping, percent, seenDot, seenDigit := false, false, false, false
	inQuote := byte(0)
	for i := 0; i < len(section); i++ {
		ch := section[i]
		if inQuote != 0 {
			if ch == inQuote {
				inQuote = 0
			}
			continue
		}
		switch ch {
		case '\'', '"':
			inQuote = ch
		case '\\':
			i++
		case '0', '#':
			seenDigit = true
			if seenDot {
				if ch == '0' {
					fracZeros = fracHashes + 1
				}
				fracHashes++
			} else if ch == '0' {
				intZeros++
			}
		case '.':
			seenDot = true
		case ',':
			if seenDigit && !seenDot && i+1 < len(section) && (section[i+1] == '0' || section[i+1] == '#') {
				grouping = true
			}
		case '%':
			percent = true
		}
	}
	if percent {
		a *= 100
	}
	num := roundFixed(a, fracHashes)
	intPart, frac, _ := strings.Cut(num, ".")
	frac = strings.TrimRight(frac, "0")
	if len(frac) < fracZeros {
		frac += strings.Repeat("0", fracZeros-len(frac))
	}
	intPart = strings.TrimLeft(intPart, "0")
	if len(intPart) < intZeros {
		intPart = strings.Repeat("0", intZeros-len(intPart)) + intPart
	}
	if grouping {
		intPart = group(intPart)
	}
	// Emit: literals in place, the number where the placeholders are.
	var sb strings.Builder
	if neg && (strings.Trim(intPart, "0,") != "" || strings.Trim(frac, "0") != "") {
		sb.WriteByte('-')
	}
	emitted := false
	inQuote = 0
	for i := 0; i < len(section); i++ {
		ch := section[i]
		if inQuote != 0 {
			if ch == inQuote {
				inQuote = 0
			} else {
				sb.WriteByte(ch)
			}
			continue
		}
		switch ch {
		case '\'', '"':
			inQuote = ch
		case '\\':
			if i+1 < len(section) {
				i++
				sb.WriteByte(section[i])
			}
		case '0', '#', '.', ',':
			if !emitted {
				emitted = true
				sb.WriteString(intPart)
				if frac != "" {
					sb.WriteByte('.')
					sb.WriteString(frac)
				}
			}
		default:
			r, n := utf8.DecodeRuneInString(section[i:])
			sb.WriteRune(r)
			i += n - 1
		}
	}
	return sb.String()
}

func splitSections(spec string) []string {
	var out []string
	start := 0
	var q byte
	for i := 0; i < len(spec); i++ {
		ch := spec[i]
		switch {
		case q != 0:
			if ch == q {
				q = 0
			}
		case ch == '\'' || ch == '"':
			q = ch
		case ch == '\\':
			i++
		case ch == ';':
			out = append(out, spec[start:i])
			start = i + 1
		}
	}
	return append(out, spec[start:])
}
