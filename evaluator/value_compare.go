package evaluator

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Equal reports whether a and b are deeply equal as ARM's equals() sees them:
// strings compare case-sensitively, integers and floats numerically, arrays
// element by element, objects by key set (keys case-insensitive, order
// irrelevant) and value. Secure marks are ignored. An unknown value equals
// nothing.
func Equal(a, b Value) bool {
	switch x := a.raw().(type) {
	case nil:
		return b.raw() == nil
	case bool:
		y, ok := b.raw().(bool)
		return ok && x == y
	case int64:
		switch y := b.raw().(type) {
		case int64:
			return x == y
		case float64:
			return float64(x) == y
		}
		return false
	case float64:
		switch y := b.raw().(type) {
		case int64:
			return x == float64(y)
		case float64:
			return x == y
		}
		return false
	case string:
		y, ok := b.raw().(string)
		return ok && x == y
	case *array:
		y, ok := b.raw().(*array)
		if !ok || len(x.elems) != len(y.elems) {
			return false
		}
		for i := range x.elems {
			if !Equal(x.elems[i], y.elems[i]) {
				return false
			}
		}
		return true
	case *Object:
		y, ok := b.raw().(*Object)
		if !ok || x.Len() != y.Len() {
			return false
		}
		for i, k := range x.keys {
			yv, ok := y.Get(k)
			if !ok || !Equal(x.vals[i], yv) {
				return false
			}
		}
		return true
	}
	return false
}

// CompareStrings orders strings the way ARM's culture-invariant comparison
// does for less/greater/sort/items/objectKeys (arm-spec §3.3): characters are
// first compared ignoring case and accents (é sorts with e), with
// punctuation and symbols before digits and digits before letters; then the
// first accent difference decides (unaccented first); then the first case
// difference (lower case first); finally the ordinal order breaks any
// remaining tie. It returns -1, 0 or +1.
//
// This reproduces the published vectors (greater('A','a') is true; items()
// orders 123Key, 456Key, abcKey, ABCKey, defKey, ...). Full ICU/NLS rules for
// punctuation are not reproduced.
func CompareStrings(a, b string) int {
	if c := comparePrimary(a, b); c != 0 {
		return c
	}
	if c := compareAccents(a, b); c != 0 {
		return c
	}
	if c := compareCase(a, b); c != 0 {
		return c
	}
	return strings.Compare(a, b)
}

// latinBase maps U+00C0..U+017F to lower-case base letters ('*' for the
// two symbols × and ÷), so that accented Latin letters sort with their base.
const latinBase = "aaaaaaaceeeeiiiidnooooo*ouuuuytsaaaaaaaceeeeiiiidnooooo*ouuuuyty" +
	"aaaaaaccccccccddddeeeeeeeeeegggggggghhhhiiiiiiiiiiiijjkkkllllllllllnnnnnnnnnoooooooorrrrrrsssssssstttttt" +
	"uuuuuuuuuuuuwwyyyzzzzzzs"

// baseLetter returns the lower-case letter r sorts with.
func baseLetter(r rune) rune {
	if r >= 0xC0 && r <= 0x17F {
		if b := latinBase[r-0xC0]; b != '*' {
			return rune(b)
		}
		return r
	}
	return unicode.ToLower(r)
}

// primaryWeight maps a rune to its class and base letter or value.
func primaryWeight(r rune) (class int, folded rune) {
	switch {
	case unicode.IsLetter(r):
		return 3, baseLetter(r)
	case unicode.IsDigit(r):
		return 2, r
	case unicode.IsSpace(r):
		return 0, r
	default:
		return 1, r
	}
}

func comparePrimary(a, b string) int {
	for a != "" && b != "" {
		ra, na := utf8.DecodeRuneInString(a)
		rb, nb := utf8.DecodeRuneInString(b)
		a, b = a[na:], b[nb:]
		if ra == rb {
			continue
		}
		ca, fa := primaryWeight(ra)
		cb, fb := primaryWeight(rb)
		if ca != cb {
			return sign(ca - cb)
		}
		if fa != fb {
			return sign(int(fa) - int(fb))
		}
	}
	return sign(len(a) - len(b))
}

func compareAccents(a, b string) int {
	for a != "" && b != "" {
		ra, na := utf8.DecodeRuneInString(a)
		rb, nb := utf8.DecodeRuneInString(b)
		a, b = a[na:], b[nb:]
		if ra == rb {
			continue
		}
		aa := baseLetter(ra) != unicode.ToLower(ra)
		ab := baseLetter(rb) != unicode.ToLower(rb)
		if aa != ab {
			if ab {
				return -1
			}
			return 1
		}
	}
	return 0
}

func compareCase(a, b string) int {
	for a != "" && b != "" {
		ra, na := utf8.DecodeRuneInString(a)
		rb, nb := utf8.DecodeRuneInString(b)
		a, b = a[na:], b[nb:]
		if ra == rb {
			continue
		}
		la, lb := unicode.IsLower(ra), unicode.IsLower(rb)
		if la && !lb {
			return -1
		}
		if lb && !la {
			return 1
		}
	}
	return 0
}

func sign(i int) int {
	switch {
	case i < 0:
		return -1
	case i > 0:
		return 1
	}
	return 0
}

// compareValues orders two ints, two floats (or an int and a float) or two
// strings; ok is false for any other combination.
func compareValues(a, b Value) (c int, ok bool) {
	switch x := a.raw().(type) {
	case int64:
		switch y := b.raw().(type) {
		case int64:
			return cmpOrdered(x, y), true
		case float64:
			return cmpOrdered(float64(x), y), true
		}
	case float64:
		switch y := b.raw().(type) {
		case int64:
			return cmpOrdered(x, float64(y)), true
		case float64:
			return cmpOrdered(x, y), true
		}
	case string:
		if y, ok := b.raw().(string); ok {
			return CompareStrings(x, y), true
		}
	}
	return 0, false
}

func cmpOrdered[T int64 | float64](a, b T) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
