package state

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
)

// joinedParseResourceID is ParseResourceID as it was before it sliced the
// id instead of joining its segments: the oracle of FuzzParseResourceID.
func joinedParseResourceID(id string) (*ResourceID, error) {
	bad := func(why string) (*ResourceID, error) {
		return nil, fmt.Errorf("%w '%s': %s", ErrInvalidID, id, why)
	}
	if !strings.HasPrefix(id, "/") {
		return bad("it must start with '/subscriptions/' or '/providers/'")
	}
	segs := strings.Split(strings.TrimSuffix(id[1:], "/"), "/")
	for _, s := range segs {
		if s == "" {
			return bad("it has an empty segment")
		}
	}
	r := &ResourceID{}
	i := 0
	if strings.EqualFold(segs[0], "subscriptions") {
		if len(segs) < 2 {
			return bad("the subscription id is missing")
		}
		r.SubscriptionID = segs[1]
		r.Type, r.Name = "Microsoft.Resources/subscriptions", segs[1]
		i = 2
		if i < len(segs) && strings.EqualFold(segs[i], "resourceGroups") {
			if i+1 >= len(segs) {
				return bad("the resource group name is missing")
			}
			r.ResourceGroup = segs[i+1]
			r.Scope = "/" + strings.Join(segs[:2], "/")
			r.Type, r.Name = "Microsoft.Resources/resourceGroups", segs[i+1]
			i += 2
		}
	}
	if i == len(segs) {
		return r, nil
	}
	// One or more provider sections: providers/NS/type/name[/type/name]...
	for i < len(segs) {
		if !strings.EqualFold(segs[i], "providers") {
			return bad(fmt.Sprintf("expected 'providers' at segment %d, found '%s'", i+1, segs[i]))
		}
		start := i // index of "providers"
		if len(segs)-i < 4 {
			return bad("a provider section needs a namespace, a type and a name")
		}
		scope := ""
		if start > 0 {
			scope = "/" + strings.Join(segs[:start], "/")
		}
		ns := segs[i+1]
		types := []string{ns}
		names := []string{}
		parent := ""
		j := i + 2
		for j+1 < len(segs) && !strings.EqualFold(segs[j], "providers") {
			if len(names) > 0 {
				parent = "/" + strings.Join(segs[:j], "/")
			}
			types = append(types, segs[j])
			names = append(names, segs[j+1])
			j += 2
		}
		if len(names) == 0 || (j < len(segs) && !strings.EqualFold(segs[j], "providers")) {
			return bad("a resource type has no name")
		}
		r.Type = strings.Join(types, "/")
		r.Name = strings.Join(names, "/")
		r.Parent = parent
		r.Scope = scope
		i = j
	}
	return r, nil
}

// FuzzParseResourceID checks ParseResourceID against the version that
// joined segments.
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
		got, err := ParseResourceID(id)
		want, werr := joinedParseResourceID(id)
		if (err == nil) != (werr == nil) || (err != nil && err.Error() != werr.Error()) || !reflect.DeepEqual(got, want) {
			t.Errorf("ParseResourceID(%q) = %+v, %v; want %+v, %v", id, got, err, want, werr)
		}
	})
}
