package providers

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/armdeploy/armdeploy/state"
)

// Reads of the store that providers share: one resource, a parent, a
// resource group, children, and counts for quotas.

// lookup reads a resource, returning nil (and no error) when it does not
// exist.
func lookup(ctx context.Context, store state.Reader, id string) (*state.Resource, error) {
	if store == nil || id == "" {
		return nil, nil
	}
	r, err := store.Resource(ctx, id)
	if errors.Is(err, state.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return r, nil
}

// provisioned reports whether a stored resource finished provisioning.
func provisioned(body map[string]any) bool {
	s := strAt(body, "properties", "provisioningState")
	return s == "" || strings.EqualFold(s, "Succeeded")
}

// checkGroup refuses a resource whose resource group does not exist.
func checkGroup(ctx context.Context, store state.Reader, id *state.ResourceID) error {
	if store == nil || id.ResourceGroup == "" {
		return nil
	}
	_, err := store.Group(ctx, id.SubscriptionID, id.ResourceGroup)
	if errors.Is(err, state.ErrNotFound) {
		// gallery-rp.md §8, verbatim.
		return &Error{Code: "ResourceGroupNotFound", Message: fmt.Sprintf("Resource group '%s' could not be found.", id.ResourceGroup)}
	}
	return err
}

// checkParent refuses a child resource whose parent does not exist and
// returns the parent.
func checkParent(ctx context.Context, store state.Reader, id *state.ResourceID) (*state.Resource, error) {
	p, err := lookup(ctx, store, id.Parent)
	if err != nil {
		return nil, err
	}
	if p == nil {
		segs := nameSegments(id.Name)
		// gallery-rp.md §4.3 and E-V1, verbatim; code [U].
		return nil, &Error{Code: "ParentResourceNotFound",
			Message: fmt.Sprintf("Can not perform requested operation on nested resource. Parent resource %s not found.",
				strings.Join(segs[:len(segs)-1], "/"))}
	}
	return p, nil
}

// children lists the stored children of a resource: of one type, found by
// their ids (so a store that does not fill Parent still answers), or of
// any type, found by Parent. Sorted by id.
func children(ctx context.Context, store state.Reader, parent, resourceType string) ([]*state.Resource, error) {
	if store == nil {
		return nil, nil
	}
	var out []*state.Resource
	if resourceType == "" {
		rs, err := store.Resources(ctx, state.ResourceFilter{Parent: parent})
		if err != nil {
			return nil, err
		}
		out = rs
	} else {
		f := state.ResourceFilter{Type: resourceType}
		if p, err := state.ParseResourceID(parent); err == nil {
			f.SubscriptionID = p.SubscriptionID
		}
		rs, err := store.Resources(ctx, f)
		if err != nil {
			return nil, err
		}
		for _, r := range rs {
			if strings.EqualFold(parentID(r.ID), parent) {
				out = append(out, r)
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return strings.ToLower(out[i].ID) < strings.ToLower(out[j].ID) })
	return out, nil
}

// nested lists a resource's children for a delete: those of childType
// and any other the store records under it.
func nested(ctx context.Context, store state.Reader, parent, childType string) ([]*state.Resource, error) {
	typed, err := children(ctx, store, parent, childType)
	if err != nil {
		return nil, err
	}
	others, err := children(ctx, store, parent, "")
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	var out []*state.Resource
	for _, r := range append(typed, others...) {
		if k := strings.ToLower(r.ID); !seen[k] {
			seen[k] = true
			out = append(out, r)
		}
	}
	sort.Slice(out, func(i, j int) bool { return strings.ToLower(out[i].ID) < strings.ToLower(out[j].ID) })
	return out, nil
}

// countInRegion counts the resources of a type in a subscription and region,
// leaving out the one with id self.
//
// A store that counts by location ([state.LocationCounter]) answers from
// its index; one that holds a resource without a stored location, or
// cannot count, is listed instead.
func countInRegion(ctx context.Context, store state.Reader, subscription, resourceType, location, self string) (int, error) {
	if store == nil {
		return 0, nil
	}
	if c, ok := store.(state.LocationCounter); ok {
		counts, err := c.CountByLocation(ctx, subscription, resourceType)
		if err != nil {
			return 0, err
		}
		if counts[""] == 0 {
			n := 0
			for l, k := range counts {
				if NormalizeLocation(l) == location {
					n += k
				}
			}
			if self != "" && n > 0 {
				if r, err := store.Resource(ctx, self); err == nil && locationOf(r) == location {
					n--
				}
			}
			return n, nil
		}
	}
	rs, err := store.Resources(ctx, state.ResourceFilter{SubscriptionID: subscription, Type: resourceType})
	if err != nil {
		return 0, err
	}
	n := 0
	for _, r := range rs {
		if !strings.EqualFold(r.ID, self) && locationOf(r) == location {
			n++
		}
	}
	return n, nil
}
