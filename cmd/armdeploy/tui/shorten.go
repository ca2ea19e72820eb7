package tui

import (
	"slices"
	"strings"
)

// shortNames fits each name to width cells for a column of rows: a name
// that fits stays; a longer one loses its middle to "…", keeping its start
// and its end, with enough of the end (or, when the names differ only near
// their start, of the start) that two different names never look the
// same. Resource names differ at their end ("gallery/def/1.0.0" and
// "gallery/def/1.0.1"), so the end is what is kept first. Names are
// compared as given; the result has one entry per name, in order.
// O(n log n) in the number of names.
func shortNames(names []string, width int) []string {
	out := make([]string, len(names))
	if width <= 0 {
		return out
	}
	runes := make([][]rune, len(names))
	long := false
	for i, n := range names {
		runes[i] = []rune(n)
		long = long || len(runes[i]) > width
	}
	if !long {
		copy(out, names)
		return out
	}
	suffix := distinct(runes, true)
	prefix := distinct(runes, false)
	for i, r := range runes {
		n := len(r)
		if n <= width {
			out[i] = names[i]
			continue
		}
		if width < 3 {
			out[i] = string(r[:width-1]) + "…"
			continue
		}
		avail := width - 1 // one cell for the ellipsis
		var head int
		switch {
		case suffix[i] <= avail-1:
			head = avail - max(suffix[i], avail-avail/3)
		case prefix[i] <= avail-1:
			head = max(prefix[i], avail/3)
		default:
			// They differ in the middle only: the start, then the runes
			// around the first difference, each cut marked.
			head = avail / 4
			win := avail - head - 1 // a second ellipsis
			from := max(head, prefix[i]-1-win/3)
			if from+win >= n {
				out[i] = string(r[:head]) + "…" + string(r[n-(avail-head):])
			} else {
				out[i] = string(r[:head]) + "…" + string(r[from:from+win]) + "…"
			}
			continue
		}
		out[i] = string(r[:head]) + "…" + string(r[n-(avail-head):])
	}
	return out
}

// distinct returns, for each name, how many runes of its end (fromEnd) or
// of its start tell it apart from every other name: one more than the
// longest common suffix (prefix) it shares with another, at most its
// length. The longest common part with any other name is shared with a
// neighbour in sorted order, so sorting is enough.
func distinct(names [][]rune, fromEnd bool) []int {
	key := func(r []rune) string {
		if !fromEnd {
			return string(r)
		}
		rev := slices.Clone(r)
		slices.Reverse(rev)
		return string(rev)
	}
	idx := make([]int, len(names))
	keys := make([]string, len(names))
	for i := range names {
		idx[i] = i
		keys[i] = key(names[i])
	}
	slices.SortFunc(idx, func(a, b int) int { return strings.Compare(keys[a], keys[b]) })
	common := func(a, b string) int {
		ra, rb := []rune(a), []rune(b)
		n := 0
		for n < len(ra) && n < len(rb) && ra[n] == rb[n] {
			n++
		}
		return n
	}
	out := make([]int, len(names))
	for k, i := range idx {
		c := 0
		if k > 0 {
			c = max(c, common(keys[i], keys[idx[k-1]]))
		}
		if k+1 < len(idx) {
			c = max(c, common(keys[i], keys[idx[k+1]]))
		}
		out[i] = min(c+1, len(names[i]))
	}
	return out
}
