package server

import (
	"encoding/json"
	"net/http"
	"regexp"
	"strings"

	"github.com/armdeploy/armdeploy/arm"
	"github.com/armdeploy/armdeploy/state"
)

// Generic resources (any resource id, through the providers), resource
// lists and role assignments and definitions.

// resourceRef parses the request path as a resource id and checks the
// api-version against the type's.
func resourceRef(c *call) (*state.ResourceID, error) {
	ref, err := state.ParseResourceID(c.path())
	if err != nil {
		return nil, errorf(http.StatusBadRequest, "InvalidResourceId", "The resource id '%s' is not valid: %v", c.path(), err)
	}
	if e := arm.CheckAPIVersion(ref.Type, c.apiVersion, ""); e != nil {
		return nil, e
	}
	return ref, nil
}

func getResource(c *call) (*reply, error) {
	if ref := collectionRef(c); ref != nil {
		return listCollection(c, ref)
	}
	if _, err := resourceRef(c); err != nil {
		return nil, err
	}
	r, err := c.s.opts.Service.GetResource(c.r.Context(), c.principal, c.path())
	if err != nil {
		return nil, err
	}
	return ok(arm.ResourceView(r, c.r.URL.Query().Get("$expand")))
}

// collectionRef is the resource id a GET of a collection (a path that
// ends in a resource type: .../providers/Microsoft.Compute/galleries,
// .../galleries/g/images) would have with a name appended; nil when the
// path is no collection. az's list commands (sig list, sig image-definition
// list, sig image-version list, vm list, ...) read these.
func collectionRef(c *call) *state.ResourceID {
	if find(c.low, "providers") < 0 {
		return nil
	}
	if _, err := state.ParseResourceID(c.path()); err == nil {
		return nil
	}
	ref, err := state.ParseResourceID(c.path() + "/x")
	if err != nil || ref.SubscriptionID == "" || strings.HasPrefix(strings.ToLower(ref.Type), "microsoft.resources/") {
		return nil
	}
	return ref
}

// listCollection is GET of a collection: the resources of ref's type under
// its parent (in its group; in the whole subscription for a top-level type
// under /subscriptions/{id}/providers), as their GETs return them, with
// nextLink paging. A missing parent or group is a 404.
func listCollection(c *call, ref *state.ResourceID) (*reply, error) {
	if e := arm.CheckAPIVersion(ref.Type, c.apiVersion, ""); e != nil {
		return nil, e
	}
	if ref.Parent != "" {
		if _, err := c.s.opts.Service.GetResource(c.r.Context(), c.principal, ref.Parent); err != nil {
			return nil, err
		}
	}
	rs, err := c.s.opts.Service.ListResources(c.r.Context(), c.principal,
		arm.ResourceFilter{SubscriptionID: ref.SubscriptionID, ResourceGroup: ref.ResourceGroup, Type: ref.Type, Parent: ref.Parent})
	if err != nil {
		return nil, err
	}
	views := make([]any, 0, len(rs))
	for _, r := range rs {
		views = append(views, arm.ResourceView(r, ""))
	}
	return page(c, views)
}

func headResource(c *call) (*reply, error) {
	if _, err := resourceRef(c); err != nil {
		return nil, err
	}
	_, err := c.s.opts.Service.GetResource(c.r.Context(), c.principal, c.path())
	if e, isArm := arm.AsError(err); isArm && e.Status == http.StatusNotFound {
		return &reply{status: http.StatusNotFound}, nil
	} else if err != nil {
		return nil, err
	}
	return &reply{status: http.StatusNoContent}, nil
}

// putResource is PUT of a resource id: 201 or 200 with the stored body;
// a long-running one (an image version that replicates) answers 201 with
// provisioningState Creating and an Azure-AsyncOperation to poll.
func putResource(c *call) (*reply, error) {
	ref, err := resourceRef(c)
	if err != nil {
		return nil, err
	}
	body, err := c.readBody()
	if err != nil {
		return nil, err
	}
	if !json.Valid(body) {
		return nil, errorf(http.StatusBadRequest, "InvalidRequestContent", "The request content was invalid and could not be deserialized.")
	}
	put, err := c.s.opts.Service.StartPutResource(c.s.runCtx, c.principal, c.path(), c.apiVersion, body, c.s.opts.Simulation)
	if err != nil {
		return nil, err
	}
	c.s.track(put.Done)
	status := http.StatusOK
	if put.Created {
		status = http.StatusCreated
	}
	rep := &reply{status: status, body: arm.ResourceView(put.Resource, "")}
	if put.Operation != nil {
		ns, _, _ := strings.Cut(ref.Type, "/")
		loc := put.Resource.Location
		if loc == "" {
			loc = arm.DefaultLocation
		}
		path := "/providers/" + ns + "/locations/" + loc + "/operations/" + put.Operation.ID
		if ref.SubscriptionID != "" {
			path = "/subscriptions/" + ref.SubscriptionID + path
		}
		rep.status = http.StatusCreated
		rep.header = map[string]string{"Azure-AsyncOperation": c.pollURL(path), "Retry-After": c.retryAfter(), "retry-after-ms": c.retryAfterMS()}
	}
	return rep, nil
}

func patchResource(c *call) (*reply, error) {
	if _, err := resourceRef(c); err != nil {
		return nil, err
	}
	body, err := c.readBody()
	if err != nil {
		return nil, err
	}
	r, err := c.s.opts.Service.PatchResource(c.r.Context(), c.principal, c.path(), c.apiVersion, body)
	if err != nil {
		return nil, err
	}
	return ok(arm.ResourceView(r, ""))
}

func deleteResource(c *call) (*reply, error) {
	if _, err := resourceRef(c); err != nil {
		return nil, err
	}
	if err := c.s.opts.Service.DeleteResource(c.r.Context(), c.principal, c.path()); err != nil {
		return nil, err
	}
	return &reply{status: http.StatusOK}, nil
}

// filterClause is one "field eq 'value'" of a $filter.
var filterClause = regexp.MustCompile(`(?i)^\s*(\w+)\s+eq\s+'((?:[^']|'')*)'\s*$`)

// parseFilter reads a $filter of clauses "field eq 'value'" joined by
// "and" into field (lower-cased) → value.
func parseFilter(f string) (map[string]string, error) {
	out := map[string]string{}
	if strings.TrimSpace(f) == "" {
		return out, nil
	}
	for _, part := range regexp.MustCompile(`(?i)\s+and\s+`).Split(f, -1) {
		m := filterClause.FindStringSubmatch(part)
		if m == nil {
			return nil, errorf(http.StatusBadRequest, "InvalidFilterInQueryString",
				"The $filter '%s' is not supported: use clauses \"field eq 'value'\" joined by 'and'.", f)
		}
		out[strings.ToLower(m[1])] = strings.ReplaceAll(m[2], "''", "'")
	}
	return out, nil
}

// listResources is GET .../resources of a subscription or a group, with
// $filter on resourceGroup, resourceType, name and location, and
// $expand of createdTime, changedTime and provisioningState.
func listResources(c *call) (*reply, error) {
	q := c.r.URL.Query()
	filter, err := parseFilter(q.Get("$filter"))
	if err != nil {
		return nil, err
	}
	f := arm.ResourceFilter{SubscriptionID: c.segs[1], ResourceGroup: filter["resourcegroup"], Type: filter["resourcetype"]}
	if len(c.low) == 5 {
		f.ResourceGroup = c.segs[3]
	}
	for k := range filter {
		switch k {
		case "resourcegroup", "resourcetype", "name", "location", "tagname", "tagvalue":
		default:
			return nil, errorf(http.StatusBadRequest, "InvalidFilterInQueryString",
				"The $filter field '%s' is not supported: use resourceGroup, resourceType, name, location, tagName or tagValue.", k)
		}
	}
	m := arm.ResourceMatch{}
	m.Name, m.ByName = filter["name"]
	m.Location, m.ByLocation = filter["location"]
	m.TagName, m.ByTagName = filter["tagname"]
	m.TagValue, m.ByTagValue = filter["tagvalue"]
	views, err := c.s.opts.Service.ListResourceViews(c.r.Context(), c.principal, f, m, q.Get("$expand"))
	if err != nil {
		return nil, err
	}
	return page(c, views)
}

// scopeBefore is the path before "/providers/Microsoft.Authorization/..."
// ("/" at the tenant).
func scopeBefore(c *call, word string) string {
	return c.prefix(find(c.low, "providers", "microsoft.authorization", word))
}

// listRoleAssignments is GET {scope}/providers/Microsoft.Authorization/
// roleAssignments, with $filter=principalId eq '...' (and atScope(),
// which is ignored: assignments above the scope apply there too).
func listRoleAssignments(c *call) (*reply, error) {
	raw := c.r.URL.Query().Get("$filter")
	raw = regexp.MustCompile(`(?i)\s*(and\s+)?atScope\(\)\s*(and\s+)?`).ReplaceAllString(raw, "")
	filter, err := parseFilter(raw)
	if err != nil {
		return nil, err
	}
	as, err := c.s.opts.Service.ListRoleAssignments(c.r.Context(), c.principal, scopeBefore(c, "roleassignments"))
	if err != nil {
		return nil, err
	}
	views := make([]*arm.RoleAssignment, 0, len(as))
	for _, a := range as {
		if p, ok := filter["principalid"]; ok && !strings.EqualFold(a.PrincipalID, p) {
			continue
		}
		views = append(views, arm.RoleAssignmentView(a))
	}
	return page(c, views)
}

// listRoleDefinitions is GET {scope}/providers/Microsoft.Authorization/
// roleDefinitions, with $filter=roleName eq '...'.
func listRoleDefinitions(c *call) (*reply, error) {
	filter, err := parseFilter(c.r.URL.Query().Get("$filter"))
	if err != nil {
		return nil, err
	}
	ds, err := c.s.opts.Service.ListRoleDefinitions(c.r.Context(), c.principal, scopeBefore(c, "roledefinitions"), filter["rolename"])
	if err != nil {
		return nil, err
	}
	return page(c, ds)
}

func getRoleDefinition(c *call) (*reply, error) {
	d, err := c.s.opts.Service.GetRoleDefinition(c.r.Context(), c.principal, scopeBefore(c, "roledefinitions"), c.segs[len(c.segs)-1])
	if err != nil {
		return nil, err
	}
	return ok(d)
}
