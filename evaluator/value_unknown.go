package evaluator

import (
	"regexp"
	"strconv"
	"strings"
)

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

// unknownText matches the text an unknown value leaves in a string it is
// part of: "[" and a function call, "[reference('x').outputs.n.value]".
var unknownText = regexp.MustCompile(`\[[A-Za-z_][\w.]*\(`)

// HasUnknownText reports whether a string built from values (a resource
// id, say) holds the text of a value known only at deploy time. A name
// may hold brackets of its own ("Azure Service Bus[workspace]", as
// Operations Management solutions are named): those are not unknown.
func HasUnknownText(s string) bool {
	return strings.Contains(s, "[") && unknownText.MatchString(s)
}
