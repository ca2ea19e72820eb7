package planner

import (
	"strconv"

	"github.com/armdeploy/armdeploy/evaluator"
)

// maxLCSCells bounds the table of the longest-common-subsequence
// alignment; longer arrays (after their common ends are taken off) are
// compared by position.
const maxLCSCells = 4 << 20

// arrayDiff aligns two arrays as Azure's what-if does: the longest common
// subsequence of equal elements stays in place, and what lies between two
// aligned elements is a removal from before and an insertion into after.
// In each such gap the elements are paired in order: a pair of objects is
// a Modify with the object's own changes (at the index in after), an
// unknown element in after is NoEffect, any other pair a Delete of the old
// element and a Create of the new one; what is left over is a Delete (at
// its index in before) or a Create (at its index in after). So removing
// the first of two subnets is "- 0", not "~ 0" and "- 1".
func arrayDiff(before, after []evaluator.Value) []PropertyChange {
	var out []PropertyChange
	bi, ai := 0, 0
	for _, m := range alignArrays(before, after) {
		out = append(out, gapDiff(before, after, bi, m[0], ai, m[1])...)
		bi, ai = m[0]+1, m[1]+1
	}
	return append(out, gapDiff(before, after, bi, len(before), ai, len(after))...)
}

// alignArrays returns the index pairs (before, after) of a longest common
// subsequence of equal elements, in order.
func alignArrays(before, after []evaluator.Value) [][2]int {
	eq := func(i, j int) bool { return !after[j].HasUnknown() && evaluator.Equal(before[i], after[j]) }
	var pairs [][2]int
	lo := 0
	for lo < len(before) && lo < len(after) && eq(lo, lo) {
		pairs = append(pairs, [2]int{lo, lo})
		lo++
	}
	nb, na := len(before), len(after)
	var tail [][2]int
	for nb > lo && na > lo && eq(nb-1, na-1) {
		nb, na = nb-1, na-1
		tail = append(tail, [2]int{nb, na})
	}
	n, m := nb-lo, na-lo
	if n > 0 && m > 0 && n*m <= maxLCSCells {
		// l[i][j]: LCS length of before[lo+i:nb] and after[lo+j:na].
		w := m + 1
		l := make([]int32, (n+1)*w)
		for i := n - 1; i >= 0; i-- {
			for j := m - 1; j >= 0; j-- {
				switch {
				case eq(lo+i, lo+j):
					l[i*w+j] = l[(i+1)*w+j+1] + 1
				case l[(i+1)*w+j] >= l[i*w+j+1]:
					l[i*w+j] = l[(i+1)*w+j]
				default:
					l[i*w+j] = l[i*w+j+1]
				}
			}
		}
		for i, j := 0, 0; i < n && j < m; {
			switch {
			case eq(lo+i, lo+j):
				pairs = append(pairs, [2]int{lo + i, lo + j})
				i, j = i+1, j+1
			case l[(i+1)*w+j] >= l[i*w+j+1]:
				i++
			default:
				j++
			}
		}
	}
	for k := len(tail) - 1; k >= 0; k-- {
		pairs = append(pairs, tail[k])
	}
	return pairs
}

// gapDiff is the change of before[b0:b1] into after[a0:a1], a stretch with
// no element in common.
func gapDiff(before, after []evaluator.Value, b0, b1, a0, a1 int) []PropertyChange {
	var out []PropertyChange
	for b0 < b1 && a0 < a1 {
		bv, av := before[b0], after[a0]
		idx := strconv.Itoa(a0)
		switch {
		case av.IsUnknown():
			out = append(out, prop(idx, PropNoEffect, bv, av))
		case isObject(bv) && isObject(av):
			if kids := diff("", bv, av); len(kids) > 0 {
				out = append(out, PropertyChange{Path: idx, PropertyChangeType: PropModify, Children: kids})
			}
		default:
			out = append(out, prop(strconv.Itoa(b0), PropDelete, bv, evaluator.Null), prop(idx, PropCreate, evaluator.Null, av))
		}
		b0, a0 = b0+1, a0+1
	}
	for ; b0 < b1; b0++ {
		out = append(out, prop(strconv.Itoa(b0), PropDelete, before[b0], evaluator.Null))
	}
	for ; a0 < a1; a0++ {
		out = append(out, prop(strconv.Itoa(a0), PropCreate, evaluator.Null, after[a0]))
	}
	return out
}
