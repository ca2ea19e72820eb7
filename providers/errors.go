package providers

import (
	"fmt"
	"strings"

	"github.com/armdeploy/armdeploy/state"
)

// The ARM-shaped errors more than one resource type returns.

// errLocationRequired is ARM's text for a tracked resource without a
// location (gallery-rp.md §3.1: location is required on PUT) [U: text not
// in gallery-rp.md].
func errLocationRequired() *Error {
	return &Error{Code: "LocationRequired", Target: "location", Message: "The location property is required for this definition."}
}

// errPropertyChange is PropertyChangeNotAllowed (gallery-rp.md §7.2,
// verbatim), with the path as target.
func errPropertyChange(path string) *Error {
	return &Error{Code: "PropertyChangeNotAllowed", Target: path,
		Message: fmt.Sprintf("Changing property '%s' is not allowed.", path)}
}

// errRequired is the Compute RP's text for a missing parameter (quoted in
// gallery-rp.md §13.1 for osProfile).
func errRequired(leaf string) *Error {
	return &Error{Code: "InvalidParameter", Target: leaf,
		Message: fmt.Sprintf("Required parameter '%s' is missing (null).", leaf)}
}

// errInvalidValue is the Compute RP's generic InvalidParameter text for a
// value outside an enum [U: pattern, not quoted in gallery-rp.md].
func errInvalidValue(leaf, target string) *Error {
	return &Error{Code: "InvalidParameter", Target: target,
		Message: fmt.Sprintf("The value of parameter %s is invalid.", leaf)}
}

// errOutOfRange is gallery-rp.md E-V4, verbatim.
func errOutOfRange(value any, param string, lo, hi int64) *Error {
	return &Error{Code: "InvalidParameter", Target: param,
		Message: fmt.Sprintf("The value %v of parameter %s is out of range. The value must be between %d and %d, inclusive.", value, param, lo, hi)}
}

// errResourceNotFound is ARM's text for a referenced resource that does not
// exist [U: not in gallery-rp.md]; one outside a resource group is named
// by its id.
func errResourceNotFound(id string) *Error {
	p, err := state.ParseResourceID(id)
	if err != nil || p.ResourceGroup == "" {
		return &Error{Code: "ResourceNotFound", Target: id, Message: fmt.Sprintf("The Resource '%s' was not found.", id)}
	}
	return &Error{Code: "ResourceNotFound", Target: id,
		Message: fmt.Sprintf("The Resource '%s/%s' under resource group '%s' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix",
			p.Type, p.Name, p.ResourceGroup)}
}

// errInvalidReference is the Network RP's text for a reference to a
// resource that is missing or in another region (rule: gallery-rp.md
// §13.5, "must exist, be in the NIC's region") [U: text not in
// gallery-rp.md].
func errInvalidReference(ref, by string) *Error {
	return &Error{Code: "InvalidResourceReference", Target: ref,
		Message: fmt.Sprintf("Resource %s referenced by resource %s was not found. Please make sure that the referenced resource exists, and that both resources are in the same region.", ref, by)}
}

// errLocationNotAvailable is LocationNotAvailableForResourceType (§8; the
// code is [U], the text is DOC-TS's with the region list filled in).
func errLocationNotAvailable(location, resourceType string) *Error {
	return &Error{Code: "LocationNotAvailableForResourceType", Target: "location",
		Message: fmt.Sprintf("The provided location %s is not available for resource type '%s'. List of available regions for the resource type is '%s'.",
			location, resourceType, strings.Join(regionNames(), ","))}
}

// errNestedResources is CannotDeleteResource with the newer text of
// gallery-rp.md §3.4, verbatim.
func errNestedResources(kids []*state.Resource) *Error {
	names := make([]string, len(kids))
	for i, k := range kids {
		names[i] = shortID(k.ID)
	}
	return &Error{Code: "CannotDeleteResource",
		Message: fmt.Sprintf("Cannot delete resource while nested resources exist. Some existing nested resource IDs include: '%s'. Please delete all nested resources before deleting this resource.",
			strings.Join(names, ", "))}
}
