package providers

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/armdeploy/armdeploy/state"
)

// This file holds what every provider shares: body access with ARM's
// case-insensitive property names, numeric coercion, resource-id handling,
// the resource envelope, and the errors more than one type returns.

// ---- dates ------------------------------------------------------------

var dateLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05Z0700",
	"2006-01-02T15:04:05",
	"2006-01-02T15:04",
	"2006-01-02 15:04:05Z07:00",
	"2006-01-02 15:04:05",
	"2006-01-02",
}

// parseDate accepts the forms the gallery service accepts: yyyy-MM-dd,
// yyyy-MM-ddTHH:mm:sszzz and ISO 8601 (gallery-rp.md §1.2).
func parseDate(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	for _, l := range dateLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// formatDate renders a date-time as the service returns it
// ("2030-01-01T00:00:00+00:00").
func formatDate(t time.Time) string {
	return t.UTC().Format("2006-01-02T15:04:05.0000000+00:00")
}

// checkEndOfLife validates an optional end-of-life date in props: it must
// parse and lie in the future. It rewrites it in the service's format.
func checkEndOfLife(props map[string]any, now time.Time, wirePath, target string) *Error {
	v, ok := get(props, "endOfLifeDate")
	if !ok || v == nil {
		return nil
	}
	s, _ := v.(string)
	t, ok := parseDate(s)
	if !ok {
		// gallery-rp.md §4.3, verbatim.
		return &Error{Code: "InvalidParameter", Target: target,
			Message: fmt.Sprintf("Could not convert string to DateTimeOffset: %v. Path '%s'.", v, wirePath)}
	}
	if !now.IsZero() && !t.After(now) {
		// gallery-rp.md §4.3 / E-V20, verbatim.
		return &Error{Code: "InvalidParameter", Target: target, Message: "EndOfLifeDate must be set to a future date."}
	}
	set(props, "endOfLifeDate", formatDate(t))
	return nil
}

// ---- ids --------------------------------------------------------------

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

// bodyOf decodes a stored body.
func bodyOf(r *state.Resource) map[string]any {
	if r == nil || len(r.Body) == 0 {
		return map[string]any{}
	}
	var m map[string]any
	if err := json.Unmarshal(r.Body, &m); err != nil || m == nil {
		return map[string]any{}
	}
	return m
}

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

// provisioned reports whether a stored resource finished provisioning.
func provisioned(body map[string]any) bool {
	s := strAt(body, "properties", "provisioningState")
	return s == "" || strings.EqualFold(s, "Succeeded")
}

// ---- envelope ---------------------------------------------------------

// templateOnly are members a template resource may carry that are not part
// of the resource itself.
var templateOnly = []string{"comments", "dependsOn", "condition", "copy", "resources", "scope", "apiVersion", "existing", "metadata"}

// newBody returns a copy of the request body with the envelope (id, name,
// type) filled, template-only members removed and a properties object.
func newBody(r *Request) (body, props map[string]any) {
	body, _ = deepCopy(r.Body).(map[string]any)
	if body == nil {
		body = map[string]any{}
	}
	for _, k := range templateOnly {
		del(body, k)
	}
	set(body, "id", r.ID)
	set(body, "name", lastSegment(r.Name))
	set(body, "type", r.Type)
	props = child(body, "properties")
	return body, props
}

// apiAtLeast compares API versions ("2020-09-30", "2021-10-01-preview").
func apiAtLeast(v, min string) bool {
	if len(v) > 10 {
		v = v[:10]
	}
	return v >= min
}

// ---- checks shared by types ---------------------------------------------

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

// resolveLocation checks the body's location: present, and a public
// region that serves the type. It writes the normalised name back.
func resolveLocation(body map[string]any, resourceType string) (string, *Error) {
	raw, _ := get(body, "location")
	s, _ := raw.(string)
	if strings.TrimSpace(s) == "" {
		// ARM's text for a tracked resource without location [U: not in
		// gallery-rp.md].
		return "", &Error{Code: "LocationRequired", Target: "location", Message: "The location property is required for this definition."}
	}
	if !ValidLocation(s) {
		return "", errLocationNotAvailable(s, resourceType)
	}
	loc := NormalizeLocation(s)
	set(body, "location", loc)
	return loc, nil
}

// errLocationNotAvailable is LocationNotAvailableForResourceType (§8; the
// code is [U], the text is DOC-TS's with the region list filled in).
func errLocationNotAvailable(location, resourceType string) *Error {
	return &Error{Code: "LocationNotAvailableForResourceType", Target: "location",
		Message: fmt.Sprintf("The provided location %s is not available for resource type '%s'. List of available regions for the resource type is '%s'.",
			location, resourceType, strings.Join(regionNames(), ","))}
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
// exist [U: not in gallery-rp.md].
func errResourceNotFound(id string) *Error {
	p, err := state.ParseResourceID(id)
	if err != nil {
		return &Error{Code: "ResourceNotFound", Target: id, Message: fmt.Sprintf("The Resource '%s' was not found.", id)}
	}
	return &Error{Code: "ResourceNotFound", Target: id,
		Message: fmt.Sprintf("The Resource '%s/%s' under resource group '%s' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix",
			p.Type, p.Name, p.ResourceGroup)}
}

// errInvalidReference is the Network RP's text for a reference to a
// resource that is missing or in another region [U: not in gallery-rp.md].
func errInvalidReference(ref, by string) *Error {
	return &Error{Code: "InvalidResourceReference", Target: ref,
		Message: fmt.Sprintf("Resource %s referenced by resource %s was not found. Please make sure that the referenced resource exists, and that both resources are in the same region.", ref, by)}
}

// checkImmutable compares the new and the stored value of each path and
// reports the first change. paths are property paths below the body
// ("properties.osType"); prefix is what the error names before the path
// below "properties" ("galleryImage.properties."). A path in defaults is
// server-defaulted: omitted means unchanged, so the stored value is copied
// into the new body.
func checkImmutable(newBody, oldBody map[string]any, paths []string, defaulted map[string]bool, name func(path string) string) *Error {
	for _, p := range paths {
		keys := strings.Split(p, ".")
		nv, ov := at(newBody, keys...), at(oldBody, keys...)
		if nv == nil && defaulted[p] && ov != nil {
			setPath(newBody, keys, deepCopy(ov))
			continue
		}
		if !same(nv, ov) {
			return errPropertyChange(name(p))
		}
	}
	return nil
}

// setPath writes v at a path of keys, creating objects on the way.
func setPath(m map[string]any, keys []string, v any) {
	for _, k := range keys[:len(keys)-1] {
		m = child(m, k)
	}
	set(m, keys[len(keys)-1], v)
}

// ---- counting -------------------------------------------------------------

// countInRegion counts the resources of a type in a subscription and region,
// leaving out the one with id self.
func countInRegion(ctx context.Context, store state.Reader, subscription, resourceType, location, self string) (int, error) {
	if store == nil {
		return 0, nil
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

// stableHash returns a deterministic 64-bit hash of s (FNV-1a), for values
// the simulator invents (IP addresses, GUIDs) so that runs repeat.
func stableHash(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return h
}

// stableGUID returns a deterministic GUID for s.
func stableGUID(s string) string {
	a, b := stableHash(s), stableHash("guid:"+s)
	return fmt.Sprintf("%08x-%04x-4%03x-%04x-%012x", uint32(a>>32), uint16(a>>16), uint16(a)&0xfff,
		(uint16(b>>48)&0x3fff)|0x8000, b&0xffffffffffff)
}

// begin is the start every provider's Put shares: the id parsed, the
// resource group present, the body copied, and the location valid and not
// in conflict with an existing resource of the same name elsewhere.
func begin(ctx context.Context, r *Request, resourceType string) (id *state.ResourceID, body, props map[string]any, loc string, err error) {
	if id, err = parseID(r.ID); err != nil {
		return nil, nil, nil, "", err
	}
	if err := checkGroup(ctx, r.Store, id); err != nil {
		return nil, nil, nil, "", err
	}
	body, props = newBody(r)
	loc, e := resolveLocation(body, resourceType)
	if e != nil {
		return nil, nil, nil, "", e
	}
	if e := checkLocationConflict(r, id, loc); e != nil {
		return nil, nil, nil, "", e
	}
	return id, body, props, loc, nil
}
