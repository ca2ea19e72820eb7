package providers

import (
	"fmt"
	"strings"

	"github.com/armdeploy/armdeploy/state"
)

// Locations: the body's location checked and normalised, a stored
// resource's location, and moves between regions refused.

// locationOf returns a stored resource's normalised location.
func locationOf(r *state.Resource) string {
	if r == nil {
		return ""
	}
	if r.Location != "" {
		return NormalizeLocation(r.Location)
	}
	l, _ := bodyOf(r)["location"].(string)
	return NormalizeLocation(l)
}

// resolveLocation checks the body's location: present, and a public
// region that serves the type. It writes the normalised name back.
func resolveLocation(body map[string]any, resourceType string) (string, *Error) {
	raw, _ := get(body, "location")
	s, _ := raw.(string)
	if strings.TrimSpace(s) == "" {
		return "", errLocationRequired()
	}
	if !ValidLocation(s) {
		return "", errLocationNotAvailable(s, resourceType)
	}
	loc := NormalizeLocation(s)
	set(body, "location", loc)
	return loc, nil
}

// checkLocationConflict refuses a PUT that would move an existing resource
// to another region (gallery-rp.md §3.4, verbatim; code [U]).
func checkLocationConflict(r *Request, id *state.ResourceID, location string) *Error {
	if r.Current == nil {
		return nil
	}
	old := locationOf(r.Current)
	if old == "" || old == location {
		return nil
	}
	return &Error{Code: "InvalidResourceLocation", Target: "location",
		Message: fmt.Sprintf("The resource %s already exists in location %s in resource group %s. A resource with the same name cannot be created in location %s. Please select a new resource name.",
			lastSegment(id.Name), old, id.ResourceGroup, location)}
}
