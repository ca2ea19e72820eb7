package providers

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/armdeploy/armdeploy/state"
)

// Microsoft.Management/managementGroups and managementGroups/subscriptions:
// the hierarchy above subscriptions. Every group sits under one parent,
// the tenant root group (named after the tenant id, never stored) at the
// top; a subscription sits under exactly one group, the tenant root group
// when no association names it. Source: Azure docs, "Organize your
// resources with management groups" (management-groups/overview: the
// tenant root group, one parent per group and per subscription, six
// levels of depth below the root, no deletion while children remain).
// No text here is verified against Azure: codes and messages are [U].

const (
	typeManagementGroup = "Microsoft.Management/managementGroups"
	typeMGSubscription  = "Microsoft.Management/managementGroups/subscriptions"
	mgPrefix            = "/providers/Microsoft.Management/managementGroups/"
	// maxGroupDepth is Azure's limit on the levels of management groups
	// below the tenant root group.
	maxGroupDepth = 6
)

func init() {
	Register(managementGroupProvider{})
	Register(mgSubscriptionProvider{})
}

// managementGroupID returns the id of the management group name.
func managementGroupID(name string) string { return mgPrefix + name }

// tenantLevel reports whether an id is a tenant-level resource (outside any
// subscription or management group).
func tenantLevel(id *state.ResourceID) bool { return id.SubscriptionID == "" && id.Scope == "" }

// errGroupNotFound is the refusal of a management group that does not
// exist [U].
func errGroupNotFound(name string) *Error {
	return &Error{Code: "ResourceNotFound", Target: managementGroupID(name),
		Message: fmt.Sprintf("The management group '%s' was not found.", managementGroupID(name))}
}

// errTenantScope refuses a management-group type at another scope than
// the tenant's [U].
func errTenantScope(resourceType, id string) *Error {
	return &Error{Code: "InvalidScope", Target: id,
		Message: fmt.Sprintf("The resource type '%s' can only be deployed at the tenant scope ('/'); the id '%s' is not a tenant-level id.", resourceType, id)}
}

// ---- the stored hierarchy -------------------------------------------------

// mgNode is a stored management group.
type mgNode struct {
	name, parent, displayName string
}

// mgTree is the stored management groups, keyed by lower-cased name.
type mgTree map[string]mgNode

// groupTree reads every stored management group; a node's parent is ""
// under the tenant root group.
func groupTree(ctx context.Context, store state.Reader, tenant string) (mgTree, error) {
	tree := mgTree{}
	if store == nil {
		return tree, nil
	}
	rs, err := store.Resources(ctx, state.ResourceFilter{Type: typeManagementGroup})
	if err != nil {
		return nil, err
	}
	for _, r := range rs {
		id, err := state.ParseResourceID(r.ID)
		if err != nil || !tenantLevel(id) {
			continue
		}
		props := objAt(bodyOf(r), "properties")
		parent := lastSegment(strAt(props, "details", "parent", "id"))
		if strings.EqualFold(parent, tenant) {
			parent = ""
		}
		tree[strings.ToLower(id.Name)] = mgNode{name: id.Name, parent: parent, displayName: strAt(props, "displayName")}
	}
	return tree, nil
}

// chain returns mg and its ancestors up to, not including, the tenant root
// group; a cycle in the stored bodies or a missing group is an error.
func (tree mgTree) chain(mg string) ([]string, *Error) {
	var out []string
	seen := map[string]bool{}
	for cur := mg; cur != ""; {
		k := strings.ToLower(cur)
		n, ok := tree[k]
		if !ok {
			return nil, errGroupNotFound(cur)
		}
		if seen[k] {
			return nil, errGroupCycle(mg, n.parent)
		}
		seen[k] = true
		out = append(out, n.name)
		cur = n.parent
	}
	return out, nil
}

// height is the number of levels of groups below mg.
func (tree mgTree) height(mg string) int {
	return tree.heightSeen(mg, map[string]bool{})
}

func (tree mgTree) heightSeen(mg string, seen map[string]bool) int {
	seen[strings.ToLower(mg)] = true
	h := 0
	for k, n := range tree {
		if strings.EqualFold(n.parent, mg) && !seen[k] {
			h = max(h, 1+tree.heightSeen(n.name, seen))
		}
	}
	return h
}

// ManagementGroupAncestors returns the chain of management-group names
// from mg up to the tenant root group: mg first, the root group (named
// tenantID, [DefaultTenantID] when "") last. It reads the stored
// managementGroups bodies; a group that is not stored (other than the
// root) is a ResourceNotFound *Error. Role assignments and policy at any
// of these groups apply to mg.
func ManagementGroupAncestors(ctx context.Context, store state.Reader, mg, tenantID string) ([]string, error) {
	if tenantID == "" {
		tenantID = DefaultTenantID
	}
	if strings.EqualFold(mg, tenantID) {
		return []string{tenantID}, nil
	}
	tree, err := groupTree(ctx, store, tenantID)
	if err != nil {
		return nil, err
	}
	out, e := tree.chain(mg)
	if e != nil {
		return nil, e
	}
	return append(out, tenantID), nil
}

// SubscriptionParent returns the name of the management group a
// subscription sits under, or "" when no association is stored (the
// subscription is under the tenant root group; an association may also
// name the root group, by the tenant id). When several
// managementGroups/subscriptions resources name the subscription (an older
// association its replacement did not delete), the newest by Updated
// wins; one without an Updated time is a pending write (a preview's
// overlay) and counts as the newest.
func SubscriptionParent(ctx context.Context, store state.Reader, subscriptionID string) (mgName string, err error) {
	a, err := subscriptionAssociation(ctx, store, subscriptionID)
	if err != nil || a == nil {
		return "", err
	}
	id, err := state.ParseResourceID(a.ID)
	if err != nil {
		return "", nil
	}
	return nameSegments(id.Name)[0], nil
}

// subscriptionAssociations lists the stored associations of a
// subscription with management groups, newest first.
func subscriptionAssociations(ctx context.Context, store state.Reader, subscriptionID string) ([]*state.Resource, error) {
	if store == nil {
		return nil, nil
	}
	rs, err := store.Resources(ctx, state.ResourceFilter{Type: typeMGSubscription})
	if err != nil {
		return nil, err
	}
	var out []*state.Resource
	for _, r := range rs {
		id, err := state.ParseResourceID(r.ID)
		if err != nil || id.SubscriptionID != "" {
			continue
		}
		if segs := nameSegments(id.Name); len(segs) == 2 && strings.EqualFold(segs[1], subscriptionID) {
			out = append(out, r)
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i].Updated, out[j].Updated
		switch {
		case a.IsZero() != b.IsZero():
			return a.IsZero()
		case !a.Equal(b):
			return a.After(b)
		}
		return strings.ToLower(out[i].ID) > strings.ToLower(out[j].ID)
	})
	return out, nil
}

// subscriptionAssociation returns the association that places a
// subscription, or nil.
func subscriptionAssociation(ctx context.Context, store state.Reader, subscriptionID string) (*state.Resource, error) {
	as, err := subscriptionAssociations(ctx, store, subscriptionID)
	if err != nil || len(as) == 0 {
		return nil, err
	}
	return as[0], nil
}

// ---- management groups ------------------------------------------------------

type managementGroupProvider struct{}

func (managementGroupProvider) Types() []string { return []string{typeManagementGroup} }

func (managementGroupProvider) ReadOnly(string) []string {
	return []string{"properties.tenantId", "properties.details.parent.name", "properties.details.parent.displayName"}
}

func (managementGroupProvider) Immutable(string) []string { return nil }

// errGroupCycle refuses a parent that would make a group its own
// ancestor [U].
func errGroupCycle(name, parent string) *Error {
	if strings.EqualFold(name, parent) {
		return &Error{Code: "BadRequest", Target: "properties.details.parent.id",
			Message: fmt.Sprintf("The management group '%s' cannot be its own parent.", name)}
	}
	return &Error{Code: "BadRequest", Target: "properties.details.parent.id",
		Message: fmt.Sprintf("The management group '%s' cannot be moved under '%s': '%s' is one of its descendants, and a management group cannot be its own ancestor.", name, parent, parent)}
}

func (managementGroupProvider) Put(ctx context.Context, r *Request) (*Result, error) {
	id, err := parseID(r.ID)
	if err != nil {
		return nil, err
	}
	// 1 a tenant-level resource (Azure docs, management-groups/overview)
	if !tenantLevel(id) {
		return nil, errTenantScope(typeManagementGroup, r.ID)
	}
	name, tenant := id.Name, r.tenant()
	body, props := newBody(r)
	del(body, "location")
	set(props, "tenantId", tenant)
	details := child(props, "details")
	parentRef := strAt(details, "parent", "id")
	// 2 the tenant root group has no parent (Azure docs,
	// management-groups/overview "Root management group")
	if strings.EqualFold(name, tenant) {
		if parentRef != "" {
			return nil, &Error{Code: "BadRequest", Target: "properties.details.parent.id",
				Message: fmt.Sprintf("The tenant root management group '%s' has no parent and cannot be moved.", name)}
		}
		setDefault(props, "displayName", "Tenant Root Group")
		del(details, "parent")
		return &Result{Body: body}, nil
	}
	setDefault(props, "displayName", name)
	// 3 the parent: a management group that exists, default the root (Azure
	// docs, management-groups/create-management-group-rest-api)
	parent := ""
	if parentRef != "" {
		ref, e := parseRef(parentRef, "properties.details.parent.id")
		if e != nil {
			return nil, e
		}
		if !typeIs(ref.Type, typeManagementGroup) || !tenantLevel(ref) {
			return nil, &Error{Code: "InvalidParameter", Target: "properties.details.parent.id",
				Message: fmt.Sprintf("The parent id '%s' is not a management group id; expected '%s{groupId}'.", parentRef, mgPrefix)}
		}
		if !strings.EqualFold(ref.Name, tenant) {
			parent = ref.Name
		}
	}
	tree, err := groupTree(ctx, r.Store, tenant)
	if err != nil {
		return nil, err
	}
	parentName, parentDisplay := tenant, "Tenant Root Group"
	if parent != "" {
		// 4 not its own ancestor (Azure docs, management-groups/manage: "moving
		// a group under its own descendant") [U text]
		if strings.EqualFold(parent, name) {
			return nil, errGroupCycle(name, parent)
		}
		n, ok := tree[strings.ToLower(parent)]
		if !ok {
			return nil, errGroupNotFound(parent)
		}
		up, e := tree.chain(parent)
		if e != nil {
			return nil, e
		}
		for _, a := range up {
			if strings.EqualFold(a, name) {
				return nil, errGroupCycle(name, n.name)
			}
		}
		// 5 at most six levels below the root (Azure docs,
		// management-groups/overview "six levels of depth")
		if depth := len(up) + 1 + tree.height(name); depth > maxGroupDepth {
			return nil, &Error{Code: "BadRequest", Target: "properties.details.parent.id",
				Message: fmt.Sprintf("The management group '%s' cannot be placed under '%s': the hierarchy would be %d levels deep below the tenant root group, and at most %d levels are supported.", name, n.name, depth, maxGroupDepth)}
		}
		parentName, parentDisplay = n.name, n.displayName
		if parentDisplay == "" {
			parentDisplay = n.name
		}
	}
	set(details, "parent", map[string]any{"id": managementGroupID(parentName), "name": parentName, "displayName": parentDisplay})
	return &Result{Body: body}, nil
}

// Delete refuses a group that still has child groups or subscriptions [U].
func (managementGroupProvider) Delete(ctx context.Context, r *DeleteRequest) error {
	id, err := parseID(r.Resource.ID)
	if err != nil {
		return err
	}
	tree, err := groupTree(ctx, r.Store, "")
	if err != nil {
		return err
	}
	var kids []string
	for _, n := range tree {
		if strings.EqualFold(n.parent, id.Name) {
			kids = append(kids, "managementGroups/"+n.name)
		}
	}
	sort.Strings(kids)
	subs, err := children(ctx, r.Store, r.Resource.ID, typeMGSubscription)
	if err != nil {
		return err
	}
	for _, s := range subs {
		sub := lastSegment(s.Name)
		if mg, err := SubscriptionParent(ctx, r.Store, sub); err != nil {
			return err
		} else if strings.EqualFold(mg, id.Name) {
			kids = append(kids, "subscriptions/"+sub)
		}
	}
	if len(kids) == 0 {
		return nil
	}
	return &Error{Code: "Conflict", Target: r.Resource.ID,
		Message: fmt.Sprintf("The management group '%s' cannot be deleted because it has children: '%s'. Move or delete its child management groups and subscriptions first.",
			id.Name, strings.Join(kids, "', '"))}
}

// ---- subscriptions under management groups ---------------------------------

type mgSubscriptionProvider struct{}

func (mgSubscriptionProvider) Types() []string { return []string{typeMGSubscription} }

func (mgSubscriptionProvider) ReadOnly(string) []string {
	return []string{"properties.tenant", "properties.parent", "properties.parent.id", "properties.state"}
}

func (mgSubscriptionProvider) Immutable(string) []string { return nil }

// Put places the subscription {mg}/{subscriptionId} under the group. A
// subscription sits under one group only: the stored associations with
// other groups are listed in Result.Supersedes for the caller to delete
// (until it does, [SubscriptionParent] reads the newest one).
func (mgSubscriptionProvider) Put(ctx context.Context, r *Request) (*Result, error) {
	id, err := parseID(r.ID)
	if err != nil {
		return nil, err
	}
	segs := nameSegments(id.Name)
	if id.SubscriptionID != "" || len(segs) != 2 || !strings.HasPrefix(strings.ToLower(r.ID), strings.ToLower(mgPrefix)) {
		return nil, errTenantScope(typeMGSubscription, r.ID)
	}
	mg, sub, tenant := segs[0], segs[1], r.tenant()
	// 1 the group exists (or is the tenant root group) (Azure docs,
	// management-groups/manage "Move subscriptions")
	if !strings.EqualFold(mg, tenant) {
		p, err := lookup(ctx, r.Store, managementGroupID(mg))
		if err != nil {
			return nil, err
		}
		if p == nil {
			return nil, errGroupNotFound(mg)
		}
	}
	body, props := newBody(r)
	del(body, "location")
	set(props, "tenant", tenant)
	set(props, "parent", map[string]any{"id": managementGroupID(mg)})
	set(props, "state", "Active")
	setDefault(props, "displayName", sub)
	// 2 the associations it replaces: one group per subscription (Azure
	// docs, management-groups/overview)
	res := &Result{Body: body}
	old, err := subscriptionAssociations(ctx, r.Store, sub)
	if err != nil {
		return nil, err
	}
	for _, a := range old {
		if !strings.EqualFold(a.ID, r.ID) {
			res.Supersedes = append(res.Supersedes, a.ID)
		}
	}
	return res, nil
}

// Delete moves the subscription back under the tenant root group: always
// allowed.
func (mgSubscriptionProvider) Delete(context.Context, *DeleteRequest) error { return nil }
