package diag

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Mask stands in for a secure value, or the part of one, wherever text
// would otherwise show it.
const Mask = "*****"

// minAnywhere is the shortest secret that RedactText replaces wherever it
// occurs. Shorter secrets are replaced only where they stand alone (a quoted
// span or a whole word), so that a one-letter secret does not mangle the
// rest of a message.
const minAnywhere = 4

// RedactText returns msg with every occurrence of a secret replaced by
// [Mask]: each secret of at least four bytes wherever it occurs (case
// folded, since providers lower-case some values), shorter ones where they
// form a whole word. Empty secrets are ignored. Text computed from a secret
// (a substring, its base64) is a secret of its own: callers pass the
// values a message was made from, not only the parameters.
func RedactText(msg string, secrets []string) string {
	if len(secrets) == 0 || msg == "" {
		return msg
	}
	sorted := slices.Clone(secrets)
	slices.SortFunc(sorted, func(a, b string) int { return len(b) - len(a) })
	for _, s := range sorted {
		switch {
		case s == "":
		case len(s) >= minAnywhere:
			msg = replaceFold(msg, s)
		default:
			msg = replaceWord(msg, s)
		}
	}
	return msg
}

// replaceFold replaces every case-insensitive occurrence of s in msg.
func replaceFold(msg, s string) string {
	if !utf8.ValidString(s) || !utf8.ValidString(msg) {
		return strings.ReplaceAll(msg, s, Mask)
	}
	lower, ls := strings.ToLower(msg), strings.ToLower(s)
	if len(lower) != len(msg) || len(ls) != len(s) {
		// Case folding changed byte lengths: offsets would not line up.
		return strings.ReplaceAll(msg, s, Mask)
	}
	var b strings.Builder
	for {
		i := strings.Index(lower, ls)
		if i < 0 {
			b.WriteString(msg)
			return b.String()
		}
		b.WriteString(msg[:i])
		b.WriteString(Mask)
		msg, lower = msg[i+len(s):], lower[i+len(s):]
	}
}

// replaceWord replaces the occurrences of s in msg that have no letter or
// digit on either side.
func replaceWord(msg, s string) string {
	var b strings.Builder
	for {
		i := strings.Index(msg, s)
		if i < 0 {
			b.WriteString(msg)
			return b.String()
		}
		before, _ := utf8.DecodeLastRuneInString(msg[:i])
		after, _ := utf8.DecodeRuneInString(msg[i+len(s):])
		b.WriteString(msg[:i])
		if i > 0 && isWord(before) || i+len(s) < len(msg) && isWord(after) {
			b.WriteString(s)
		} else {
			b.WriteString(Mask)
		}
		msg = msg[i+len(s):]
	}
}

func isWord(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }
