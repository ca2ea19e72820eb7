package providers

import (
	"fmt"
	"strings"

	"github.com/armdeploy/armdeploy/state"
)

// Resource ids: parsing the request's id and the ids a body refers to,
// and the parts of an id that messages name.

// parseID parses the id of the resource a request is about; the planner
// builds those, so a bad one is a failure of the simulator.
func parseID(id string) (*state.ResourceID, error) {
	p, err := state.ParseResourceID(id)
	if err != nil {
		return nil, fmt.Errorf("providers: %w", err)
	}
	return p, nil
}

// parseRef parses a resource id a body refers to; one that is not a fully
// qualified id is ARM's LinkedInvalidPropertyId (text of gallery-rp.md
// E-V7, verbatim, with the path filled in).
func parseRef(ref, path string) (*state.ResourceID, *Error) {
	p, err := state.ParseResourceID(ref)
	if err != nil || p.SubscriptionID == "" && !strings.HasPrefix(strings.ToLower(ref), "/providers/") {
		return nil, &Error{Code: "LinkedInvalidPropertyId", Target: path,
			Message: fmt.Sprintf("Property id %s at path '%s' is invalid. Expect fully qualified resource Id that start with '/subscriptions/{subscriptionId}' or '/providers/{resourceProviderNamespace}/'.", ref, path)}
	}
	return p, nil
}

// nameSegments returns the names of a full name "a/b/c".
func nameSegments(full string) []string { return strings.Split(full, "/") }

// parentID returns the id of a child resource's parent.
func parentID(id string) string {
	p, err := state.ParseResourceID(id)
	if err != nil {
		return ""
	}
	return p.Parent
}

// shortID returns the part of an id after its last "/providers/", as
// Azure names nested resources in CannotDeleteResource messages.
func shortID(id string) string {
	if i := strings.LastIndex(strings.ToLower(id), "/providers/"); i >= 0 {
		return id[i+len("/providers/"):]
	}
	return id
}

// typeIs reports whether a full type equals want, case-insensitively.
func typeIs(t, want string) bool { return strings.EqualFold(t, want) }
