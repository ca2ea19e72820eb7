package views

import (
	"regexp"
	"strings"
)

var (
	azMGPattern  = regexp.MustCompile(`(?i)^/?providers/Microsoft.Management/managementGroups/(?P<id>[\pL\pN_.()-]+)`)
	azSubPattern = regexp.MustCompile(`(?i)^/?subscriptions/(?P<id>[a-f0-9-]+)`)
	azRGPattern  = regexp.MustCompile(`(?i)^/resourceGroups/(?P<name>[-\pL\pN_.()]+)`)
	azRelPattern = regexp.MustCompile(`(?i)^/providers/(?P<rel>.+)\n?$`)
)

// azMatches are the submatches of az's patterns, each tried on what the
// ones before it left of the id: nil where a pattern does not match.
type azMatches struct{ mg, sub, rg, rel []string }

// matchAz matches az's patterns on id: by hand for an ASCII id (the
// patterns' cost was a third of rendering a what-if), with the patterns
// themselves otherwise, where case folding reaches beyond ASCII.
func matchAz(id string) azMatches {
	if isASCII(id) {
		return matchAzASCII(id)
	}
	return matchAzRegexp(id)
}

func matchAzRegexp(id string) azMatches {
	var m azMatches
	rest := id
	if m.mg = azMGPattern.FindStringSubmatch(rest); m.mg != nil {
		rest = rest[len(m.mg[0]):]
	}
	if m.sub = azSubPattern.FindStringSubmatch(rest); m.sub != nil {
		rest = rest[len(m.sub[0]):]
	}
	if m.rg = azRGPattern.FindStringSubmatch(rest); m.rg != nil {
		rest = rest[len(m.rg[0]):]
	}
	m.rel = azRelPattern.FindStringSubmatch(rest)
	return m
}

// matchAzASCII is matchAzRegexp for an ASCII id, where (?i) is ASCII
// case folding, \pL and \pN are ASCII letters and digits, and the
// pattern's unescaped '.' in "Microsoft.Management" is any byte but a
// newline.
func matchAzASCII(id string) azMatches {
	var m azMatches
	rest := id
	// ^/?providers/Microsoft.Management/managementGroups/([\pL\pN_.()-]+)
	const ns, mgs = "providers/Microsoft", "Management/managementGroups/" // and any byte between
	if p := strings.TrimPrefix(rest, "/"); hasFoldPrefix(p, ns) && len(p) > len(ns) && p[len(ns)] != '\n' &&
		hasFoldPrefix(p[len(ns)+1:], mgs) {
		head := len(rest) - len(p) + len(ns) + 1 + len(mgs)
		if n := spanAz(rest[head:], isAzNameByte); n > 0 {
			m.mg = []string{rest[:head+n], rest[head : head+n]}
			rest = rest[head+n:]
		}
	}
	// ^/?subscriptions/([a-f0-9-]+)
	if p := strings.TrimPrefix(rest, "/"); hasFoldPrefix(p, "subscriptions/") {
		head := len(rest) - len(p) + len("subscriptions/")
		if n := spanAz(rest[head:], isAzHexByte); n > 0 {
			m.sub = []string{rest[:head+n], rest[head : head+n]}
			rest = rest[head+n:]
		}
	}
	// ^/resourceGroups/([-\pL\pN_.()]+)
	if hasFoldPrefix(rest, "/resourceGroups/") {
		head := len("/resourceGroups/")
		if n := spanAz(rest[head:], isAzNameByte); n > 0 {
			m.rg = []string{rest[:head+n], rest[head : head+n]}
			rest = rest[head+n:]
		}
	}
	// ^/providers/(.+)\n?$
	if hasFoldPrefix(rest, "/providers/") {
		r := rest[len("/providers/"):]
		r = strings.TrimSuffix(r, "\n")
		if r != "" && !strings.Contains(r, "\n") {
			m.rel = []string{rest, r}
		}
	}
	return m
}

// hasFoldPrefix reports whether s starts with prefix, ASCII case folded.
func hasFoldPrefix(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

// spanAz is the length of the longest prefix of s whose bytes are in.
func spanAz(s string, in func(byte) bool) int {
	n := 0
	for n < len(s) && in(s[n]) {
		n++
	}
	return n
}

// isAzNameByte is [\pL\pN_.()-] for ASCII.
func isAzNameByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("_.()-", c) >= 0
}

// isAzHexByte is (?i)[a-f0-9-].
func isAzHexByte(c byte) bool {
	return 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F' || '0' <= c && c <= '9' || c == '-'
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// splitAz is az's _utils.split_resource_id: the scope a change is listed
// under and the id relative to it.
func splitAz(id string) (scope, rel string) {
	id = clean(id)
	if id == "" {
		return "", ""
	}
	m := matchAz(id)
	mg, sub, rg, relm := m.mg, m.sub, m.rg, m.rel
	if relm != nil {
		rel = relm[1]
	}
	switch {
	case mg != nil:
		mgRel := "Microsoft.Management/ManagementGroups/" + mg[1]
		if rel != "" {
			return "/providers/" + mgRel, rel
		}
		return "/", mgRel
	case sub != nil:
		subScope := "/subscriptions/" + strings.ToLower(sub[1])
		if rg != nil {
			rgID := "resourceGroups/" + rg[1]
			if relm != nil {
				return subScope + "/" + rgID, rel
			}
			return subScope, rgID
		}
		return subScope, rel
	}
	return "/", rel
}

var (
	// A management group's own id and its children (subscriptions under
	// it) are tenant resources; what is under its /providers/ is at its
	// scope.
	mgScope  = regexp.MustCompile(`(?i)^(/providers/Microsoft\.Management/managementGroups/[^/]+)/providers/(.+)$`)
	rgScope  = regexp.MustCompile(`(?i)^/subscriptions/([^/]+)/resourceGroups/([^/]+)/providers/(.+)$`)
	rgSelf   = regexp.MustCompile(`(?i)^/subscriptions/([^/]+)/(resourceGroups/[^/]+)$`)
	subScope = regexp.MustCompile(`(?i)^/subscriptions/([^/]+)/providers/(.+)$`)
)

// SplitResourceID splits an id into the scope az prints it under and the
// id relative to that scope, for the views that list resources by scope
// (the what-if text itself uses az's exact rules).
func SplitResourceID(id string) (scope, relative string) {
	if isASCII(id) {
		return splitResourceIDASCII(id)
	}
	return splitResourceIDRegexp(id)
}

// splitResourceIDASCII is splitResourceIDRegexp for an ASCII id, by hand
// (the progress view splits every event's id): (?i) is ASCII case
// folding, [^/]+ a segment, and (.+)$ a non-empty rest without a
// newline.
func splitResourceIDASCII(id string) (scope, relative string) {
	rest := func(s string) (string, bool) { return s, s != "" && strings.IndexByte(s, '\n') < 0 }
	// segment cuts s at its first '/': a non-empty segment and what
	// follows the slash.
	segment := func(s string) (seg, after string, ok bool) {
		i := strings.IndexByte(s, '/')
		if i <= 0 {
			return "", "", false
		}
		return s[:i], s[i+1:], true
	}
	if hasFoldPrefix(id, "/subscriptions/") {
		if sub, after, ok := segment(id[len("/subscriptions/"):]); ok {
			if hasFoldPrefix(after, "resourceGroups/") {
				g := after[len("resourceGroups/"):]
				if rg, tail, ok := segment(g); ok && hasFoldPrefix(tail, "providers/") {
					if r, ok := rest(tail[len("providers/"):]); ok {
						return "/subscriptions/" + strings.ToLower(sub) + "/resourceGroups/" + rg, r
					}
				}
				if g != "" && strings.IndexByte(g, '/') < 0 {
					return "/subscriptions/" + strings.ToLower(sub), after
				}
			}
			if hasFoldPrefix(after, "providers/") {
				if r, ok := rest(after[len("providers/"):]); ok {
					return "/subscriptions/" + strings.ToLower(sub), r
				}
			}
		}
	}
	const mg = "/providers/Microsoft.Management/managementGroups/"
	if hasFoldPrefix(id, mg) {
		if name, tail, ok := segment(id[len(mg):]); ok && hasFoldPrefix(tail, "providers/") {
			if r, ok := rest(tail[len("providers/"):]); ok {
				return "/providers/Microsoft.Management/ManagementGroups/" + name, r
			}
		}
	}
	return "/", strings.TrimPrefix(id, "/providers/")
}

func splitResourceIDRegexp(id string) (scope, relative string) {
	if m := rgScope.FindStringSubmatch(id); m != nil {
		return "/subscriptions/" + strings.ToLower(m[1]) + "/resourceGroups/" + m[2], m[3]
	}
	if m := rgSelf.FindStringSubmatch(id); m != nil {
		return "/subscriptions/" + strings.ToLower(m[1]), m[2]
	}
	if m := subScope.FindStringSubmatch(id); m != nil {
		return "/subscriptions/" + strings.ToLower(m[1]), m[2]
	}
	if m := mgScope.FindStringSubmatch(id); m != nil {
		return "/providers/Microsoft.Management/ManagementGroups/" + m[1][strings.LastIndexByte(m[1], '/')+1:], m[2]
	}
	return "/", strings.TrimPrefix(id, "/providers/")
}
