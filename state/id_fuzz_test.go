package state

import (
	"strings"
	"testing"
)

// FuzzParseResourceID checks what holds of every id that parses: its
// scope and parent are ids it starts with, up to a segment; the parent
// parses as the type one level up; a name per type below the namespace;
// a trailing slash changes nothing.
func FuzzParseResourceID(f *testing.F) {
	for _, id := range []string{
		"/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/galleries/g/images/d/versions/1.0.0",
		"/subscriptions/s/resourceGroups/rg/providers/A.B/x/n/providers/Microsoft.Authorization/locks/l",
		"/providers/Microsoft.Management/managementGroups/mg/providers/A.B/x/n/",
		"/subscriptions/s/", "/subscriptions/s/resourceGroups/rg", "/subscriptions//x", "x", "/",
		"/subscriptions/s/providers/A.B/x", "/subscriptions/s/resourceGroups/rg/providers/A.B/x/n/y",
	} {
		f.Add(id)
	}
	f.Fuzz(func(t *testing.T, id string) {
		r, err := ParseResourceID(id)
		if err != nil {
			return
		}
		prefixOf := func(what, p string) {
			if p != "" && (!strings.HasPrefix(id, p) || len(id) > len(p) && id[len(p)] != '/') {
				t.Errorf("ParseResourceID(%q): %s %q is not a prefix of the id up to a segment", id, what, p)
			}
		}
		prefixOf("scope", r.Scope)
		prefixOf("parent", r.Parent)
		if types, names := strings.Count(r.Type, "/"), strings.Count(r.Name, "/")+1; types != names {
			t.Errorf("ParseResourceID(%q): type %q has %d types for %d names", id, r.Type, types, names)
		}
		if r.Parent != "" {
			p, err := ParseResourceID(r.Parent)
			if err != nil || p.Type != r.Type[:strings.LastIndexByte(r.Type, '/')] {
				t.Errorf("ParseResourceID(%q): parent %q parses as %+v, %v", id, r.Parent, p, err)
			}
		}
		if !strings.HasSuffix(id, "/") {
			if again, err := ParseResourceID(id + "/"); err != nil || *again != *r {
				t.Errorf("ParseResourceID(%q/) = %+v, %v; want %+v", id, again, err, r)
			}
		}
	})
}
