package evaluator

import (
	"encoding/base64"
	"strings"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
)

// String functions (arm-spec §4.12). Functions shared with arrays and
// objects (concat, contains, empty, first, last, indexOf, lastIndexOf,
// length, skip, take) are in array.go; format() is in string_format.go, the
// URI functions in string_uri.go and the hashes in hash.go.
var stringFunctions = append(append(append([]*Function{
	{
		Name: "base64", Category: CategoryString, Signature: "base64(inputString)",
		Description: "Returns the base64 encoding of the UTF-8 bytes of a string.",
		MinArgs:     1, MaxArgs: 1, Impl: func(c Call, args []Value) (Value, error) {
			s, err := c.str(args, 0)
			if err != nil {
				return Null, err
			}
			return String(base64.StdEncoding.EncodeToString([]byte(s))), nil
		},
	},
	{
		Name: "base64ToString", Category: CategoryString, Signature: "base64ToString(base64Value)",
		Description: "Decodes a base64 string and returns the result as a UTF-8 string.",
		MinArgs:     1, MaxArgs: 1, Impl: func(c Call, args []Value) (Value, error) {
			b, err := c.base64Arg(args)
			if err != nil {
				return Null, err
			}
			return String(string(b)), nil
		},
	},
	{
		Name: "base64ToJson", Category: CategoryString, Signature: "base64ToJson(base64Value)",
		Description: "Decodes a base64 string and parses the result as JSON.",
		MinArgs:     1, MaxArgs: 1, Impl: func(c Call, args []Value) (Value, error) {
			b, err := c.base64Arg(args)
			if err != nil {
				return Null, err
			}
			return c.parseJSON(string(b))
		},
	},
	{
		Name: "endsWith", Category: CategoryString, Signature: "endsWith(stringToSearch, stringToFind)",
		Description: "Checks whether a string ends with a value, ignoring case.",
		MinArgs:     2, MaxArgs: 2, Impl: stringPredicate(func(s, f string) bool { return hasSuffixFold(s, f) }),
	},
	{
		Name: "startsWith", Category: CategoryString, Signature: "startsWith(stringToSearch, stringToFind)",
		Description: "Checks whether a string starts with a value, ignoring case.",
		MinArgs:     2, MaxArgs: 2, Impl: stringPredicate(func(s, f string) bool { return hasPrefixFold(s, f) }),
	},
	{
		Name: "join", Category: CategoryString, Signature: "join(inputArray, delimiter)",
		Description: "Joins the elements of an array of strings, integers or booleans into one string with a delimiter.",
		MinArgs:     2, MaxArgs: 2, Impl: joinImpl,
	},
	{
		Name: "padLeft", Category: CategoryString, Signature: "padLeft(valueToPad, totalLength, [paddingCharacter])",
		Description: "Pads a string or integer on the left to a total length with a character (a space by default); longer values are returned unchanged.",
		MinArgs:     2, MaxArgs: 3, Impl: padLeftImpl,
	},
	{
		Name: "replace", Category: CategoryString, Signature: "replace(originalString, oldString, newString)",
		Description: "Replaces every case-sensitive occurrence of one string with another.",
		MinArgs:     3, MaxArgs: 3, Impl: replaceImpl,
	},
	{
		Name: "split", Category: CategoryString, Signature: "split(inputString, delimiter)",
		Description: "Splits a string into an array of strings at a delimiter or at any of an array of delimiters, keeping empty entries.",
		MinArgs:     2, MaxArgs: 2, Impl: splitImpl,
	},
	{
		Name: "string", Category: CategoryString, Signature: "string(valueToConvert)",
		Description: "Converts a value to a string: arrays and objects become compact JSON, booleans True or False.",
		MinArgs:     1, MaxArgs: 1, Impl: func(c Call, args []Value) (Value, error) {
			if args[0].Kind() == KindString {
				return args[0], nil
			}
			return String(StringText(args[0])), nil
		},
	},
	{
		Name: "substring", Category: CategoryString, Signature: "substring(stringToParse, [startIndex], [length])",
		Description: "Returns the part of a string that starts at a character position and has a given length (to the end by default).",
		MinArgs:     1, MaxArgs: 3, Impl: substringImpl,
	},
	{
		Name: "toLower", Category: CategoryString, Signature: "toLower(stringToChange)",
		Description: "Converts a string to lower case (invariant culture).",
		MinArgs:     1, MaxArgs: 1, Impl: stringMap(strings.ToLower),
	},
	{
		Name: "toUpper", Category: CategoryString, Signature: "toUpper(stringToChange)",
		Description: "Converts a string to upper case (invariant culture).",
		MinArgs:     1, MaxArgs: 1, Impl: stringMap(strings.ToUpper),
	},
	{
		Name: "trim", Category: CategoryString, Signature: "trim(stringToTrim)",
		Description: "Removes leading and trailing white-space characters from a string.",
		MinArgs:     1, MaxArgs: 1, Impl: stringMap(func(s string) string { return strings.TrimFunc(s, unicode.IsSpace) }),
	},
}, uriFunctions...), hashFunctions...), formatFunctions...)

func (c Call) base64Arg(args []Value) ([]byte, error) {
	s, err := c.str(args, 0)
	if err != nil {
		return nil, err
	}
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		b, err = base64.RawStdEncoding.DecodeString(strings.TrimRight(s, "="))
	}
	if err != nil {
		return nil, c.valueError("expects its parameter to be a valid base64 string. The provided value '%s' is not.", s)
	}
	return b, nil
}

// stringMap applies f to a string argument, reusing the argument when f
// leaves it unchanged.
func stringMap(f func(string) string) Impl {
	return func(c Call, args []Value) (Value, error) {
		s, err := c.str(args, 0)
		if err != nil {
			return Null, err
		}
		r := f(s)
		if r == s {
			return args[0], nil
		}
		return String(r), nil
	}
}

func stringPredicate(f func(s, find string) bool) Impl {
	return func(c Call, args []Value) (Value, error) {
		s, err := c.str(args, 0)
		if err != nil {
			return Null, err
		}
		find, err := c.str(args, 1)
		if err != nil {
			return Null, err
		}
		return Bool(f(s, find)), nil
	}
}

func joinImpl(c Call, args []Value) (Value, error) {
	elems, err := c.array(args, 0)
	if err != nil {
		return Null, err
	}
	delim, err := c.str(args, 1)
	if err != nil {
		return Null, err
	}
	var sb strings.Builder
	for i, e := range elems {
		t, ok := JoinText(e)
		if !ok {
			return Null, c.valueError("expects the elements of its first parameter to be strings, integers or booleans. The element at index '%d' is of type '%s'.", i, e.Kind())
		}
		if i > 0 {
			sb.WriteString(delim)
		}
		sb.WriteString(t)
	}
	return String(sb.String()), nil
}

func padLeftImpl(c Call, args []Value) (Value, error) {
	var s string
	switch x := args[0].raw().(type) {
	case string:
		s = x
	case int64:
		s = scalarText(args[0])
	default:
		return Null, c.typeError(0, "String", args[0])
	}
	total, err := c.int(args, 1)
	if err != nil {
		return Null, err
	}
	pad := " "
	if len(args) == 3 {
		if pad, err = c.str(args, 2); err != nil {
			return Null, err
		}
		if utf16Len(pad) != 1 {
			return Null, c.valueError("expects its third parameter to be a single character. The provided value is '%s'.", pad)
		}
	}
	if total > 16*1024*1024 {
		return Null, c.valueError("expects its second parameter to be at most %d. The provided value is '%d'.", 16*1024*1024, total)
	}
	n := int(total) - utf16Len(s)
	if n <= 0 {
		return String(s), nil
	}
	return String(strings.Repeat(pad, n) + s), nil
}

func replaceImpl(c Call, args []Value) (Value, error) {
	s, err := c.str(args, 0)
	if err != nil {
		return Null, err
	}
	old, err := c.str(args, 1)
	if err != nil {
		return Null, err
	}
	repl, err := c.str(args, 2)
	if err != nil {
		return Null, err
	}
	if old == "" {
		// Nothing to replace: the gallery's replace(uri, sasToken, '')
		// with an empty SAS token deploys in Azure, unchanged.
		return String(s), nil
	}
	if len(repl) > len(old) {
		if n := int64(len(s)) + int64(strings.Count(s, old))*int64(len(repl)-len(old)); n > MaxValueSize {
			return Null, c.newError(ErrLimit, valueTooLarge(c.Name(), n+2))
		}
	}
	return String(strings.ReplaceAll(s, old, repl)), nil
}

func splitImpl(c Call, args []Value) (Value, error) {
	s, err := c.str(args, 0)
	if err != nil {
		return Null, err
	}
	var delims []string
	switch x := args[1].raw().(type) {
	case string:
		delims = []string{x}
	case *array:
		for i, e := range x.elems {
			d, ok := e.AsString()
			if !ok {
				return Null, c.valueError("expects its second parameter to be a string or an array of strings. The element at index '%d' is of type '%s'.", i, e.Kind())
			}
			delims = append(delims, d)
		}
	default:
		return Null, c.typeError(1, "String", args[1])
	}
	parts := splitAny(s, delims)
	out := make([]Value, len(parts))
	for i, p := range parts {
		out[i] = String(p)
	}
	return Array(out), nil
}

// splitAny splits s at every occurrence of any non-empty delimiter, the
// earliest (and, on ties, the first listed) delimiter winning, as .NET's
// String.Split(string[], None) does.
func splitAny(s string, delims []string) []string {
	var parts []string
	start := 0
	for i := 0; i < len(s); {
		matched := ""
		for _, d := range delims {
			if d != "" && strings.HasPrefix(s[i:], d) {
				matched = d
				break
			}
		}
		if matched == "" {
			i++
			continue
		}
		parts = append(parts, s[start:i])
		i += len(matched)
		start = i
	}
	return append(parts, s[start:])
}

func substringImpl(c Call, args []Value) (Value, error) {
	s, err := c.str(args, 0)
	if err != nil {
		return Null, err
	}
	u := utf16.Encode([]rune(s))
	start, length := int64(0), int64(-1)
	if len(args) > 1 {
		if start, err = c.int(args, 1); err != nil {
			return Null, err
		}
	}
	if len(args) > 2 {
		if length, err = c.int(args, 2); err != nil {
			return Null, err
		}
	}
	n := int64(len(u))
	if length < 0 && len(args) <= 2 {
		if start < 0 || start > n {
			return Null, c.Errorf(ErrArgumentValue, "The index parameter must refer to a location within the string. The index parameter: '%d', the length of the string parameter: '%d'.%s", start, n, usage)
		}
		length = n - start
	}
	if start < 0 || length < 0 || start > n || start+length > n {
		return Null, c.Errorf(ErrArgumentValue, "The index and length parameters must refer to a location within the string. The index parameter: '%d', the length parameter: '%d', the length of the string parameter: '%d'.%s",
			start, length, n, usage)
	}
	return String(string(utf16.Decode(u[start : start+length]))), nil
}

// Case-insensitive helpers comparing rune by rune with simple case folding
// (ordinal-ignore-case).

func foldEq(a, b rune) bool {
	if a == b {
		return true
	}
	return unicode.ToLower(a) == unicode.ToLower(b) || unicode.ToUpper(a) == unicode.ToUpper(b)
}

func hasPrefixFold(s, p string) bool {
	for p != "" {
		if s == "" {
			return false
		}
		rs, ns := utf8.DecodeRuneInString(s)
		rp, np := utf8.DecodeRuneInString(p)
		if !foldEq(rs, rp) {
			return false
		}
		s, p = s[ns:], p[np:]
	}
	return true
}

func hasSuffixFold(s, p string) bool {
	for p != "" {
		if s == "" {
			return false
		}
		rs, ns := utf8.DecodeLastRuneInString(s)
		rp, np := utf8.DecodeLastRuneInString(p)
		if !foldEq(rs, rp) {
			return false
		}
		s, p = s[:len(s)-ns], p[:len(p)-np]
	}
	return true
}

// indexFold returns the UTF-16 position of the first (or last) occurrence of
// find in s ignoring case, or -1. An empty find is found at 0 (first) or at
// the last position (last), as .NET's IndexOf/LastIndexOf do.
func indexFold(s, find string, last bool) int {
	su := utf16.Encode([]rune(s))
	fu := utf16.Encode([]rune(find))
	if len(fu) == 0 {
		if last && len(su) > 0 {
			return len(su) - 1
		}
		return 0
	}
	match := func(i int) bool {
		for j := range fu {
			if !foldEq(rune(su[i+j]), rune(fu[j])) {
				return false
			}
		}
		return true
	}
	if last {
		for i := len(su) - len(fu); i >= 0; i-- {
			if match(i) {
				return i
			}
		}
		return -1
	}
	for i := 0; i+len(fu) <= len(su); i++ {
		if match(i) {
			return i
		}
	}
	return -1
}

// sliceString returns the UTF-16 units [from, to) of s, clamped.
func sliceString(s string, from, to int64) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		n := int64(len(s))
		from, to = clamp(from, 0, n), clamp(to, 0, n)
		if from >= to {
			return ""
		}
		return s[from:to]
	}
	u := utf16.Encode([]rune(s))
	n := int64(len(u))
	from, to = clamp(from, 0, n), clamp(to, 0, n)
	if from >= to {
		return ""
	}
	return string(utf16.Decode(u[from:to]))
}

func clamp(v, lo, hi int64) int64 {
	if v < lo {
		return lo
	}
	if v > hi {
		return hi
	}
	return v
}
