package evaluator

import "strconv"

// FirstUnknown finds the first value within v (depth first, in key order)
// that is known only at deploy time. It returns its path ("properties.a[0]",
// "" for v itself) and the expression it stands for; ok is false when v is
// fully known. A deployment must never store an unknown value: its JSON
// form is the expression text.
func FirstUnknown(v Value) (path, expr string, ok bool) {
	if !v.HasUnknown() {
		return "", "", false
	}
	if u, isU := v.AsUnknown(); isU {
		return "", u.Expr, true
	}
	join := func(prefix, rest string) string {
		switch {
		case rest == "":
			return prefix
		case rest[0] == '[':
			return prefix + rest
		}
		return prefix + "." + rest
	}
	if items, isArr := v.AsArray(); isArr {
		for i, x := range items {
			if p, e, found := FirstUnknown(x); found {
				return join("["+strconv.Itoa(i)+"]", p), e, true
			}
		}
	}
	if o, isObj := v.AsObject(); isObj {
		for _, k := range o.Keys() {
			x, _ := o.Get(k)
			if p, e, found := FirstUnknown(x); found {
				return join(k, p), e, true
			}
		}
	}
	return "", "", false
}
