package state

import (
	"errors"
	"fmt"
	"strings"
)

// ErrInvalidID is returned (wrapped) by [ParseResourceID] for a string that
// is not an ARM resource id.
var ErrInvalidID = errors.New("invalid resource id")

// ResourceID is an ARM resource id taken apart. Every field keeps the case
// the id was written in.
type ResourceID struct {
	SubscriptionID string // "" for tenant-level resources
	ResourceGroup  string // "" outside a resource group
	// Type is the full type, "Microsoft.Compute/galleries/images";
	// "Microsoft.Resources/resourceGroups" for a group's own id and
	// "Microsoft.Resources/subscriptions" for a subscription's.
	Type string
	// Name is the full name, "gallery/definition".
	Name string
	// Parent is the id of the parent of a child resource; "" for a
	// top-level or extension resource.
	Parent string
	// Scope is the id the resource lives under: its resource group or
	// subscription, or, for an extension resource, the resource it extends;
	// "" at the tenant level.
	Scope string
}

// ParseResourceID takes an ARM resource id apart. It accepts
// subscription ids, resource group ids, resources at the group,
// subscription and tenant level, child resources and extension resources
// (".../providers/NS/type/name/providers/Microsoft.Authorization/...").
func ParseResourceID(id string) (*ResourceID, error) {
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
	// prefix(k) is the id up to its segment k, "/" + the segments before
	// it joined: a slice of id, not a copy.
	end := 0 // offset in id after segment k-1
	ends := make([]int, len(segs)+1)
	for k, s := range segs {
		end += 1 + len(s)
		ends[k+1] = end
	}
	prefix := func(k int) string { return id[:ends[k]] }
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
			r.Scope = prefix(2)
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
			scope = prefix(start)
		}
		typ := segs[i+1]
		name := ""
		names := 0
		parent := ""
		j := i + 2
		for j+1 < len(segs) && !strings.EqualFold(segs[j], "providers") {
			if names > 0 {
				parent = prefix(j)
				name += "/"
			}
			typ += "/" + segs[j]
			name += segs[j+1]
			names++
			j += 2
		}
		if names == 0 || (j < len(segs) && !strings.EqualFold(segs[j], "providers")) {
			return bad("a resource type has no name")
		}
		r.Type = typ
		r.Name = name
		r.Parent = parent
		r.Scope = scope
		i = j
	}
	return r, nil
}
