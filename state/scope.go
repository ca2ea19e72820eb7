package state

import (
	"fmt"
	"strings"
)

// Scope is where a deployment lives: the tenant (all fields empty), a
// management group, a subscription, or a resource group of a subscription.
// Fields keep their case; the store compares them case-insensitively.
type Scope struct {
	ManagementGroup string // management-group deployments only
	SubscriptionID  string
	ResourceGroup   string
}

// Scope levels, as ARM names them.
const (
	LevelTenant          = "tenant"
	LevelManagementGroup = "managementGroup"
	LevelSubscription    = "subscription"
	LevelResourceGroup   = "resourceGroup"
)

const mgPrefix = "/providers/Microsoft.Management/managementGroups/"

// ID returns "/", "/providers/Microsoft.Management/managementGroups/{mg}",
// "/subscriptions/{s}" or "/subscriptions/{s}/resourceGroups/{rg}".
func (s Scope) ID() string {
	switch s.Level() {
	case LevelResourceGroup:
		return "/subscriptions/" + s.SubscriptionID + "/resourceGroups/" + s.ResourceGroup
	case LevelSubscription:
		return "/subscriptions/" + s.SubscriptionID
	case LevelManagementGroup:
		return mgPrefix + s.ManagementGroup
	}
	return "/"
}

// Level returns "tenant", "managementGroup", "subscription" or
// "resourceGroup": the level of the most specific field set. (A scope
// that sets more than its level allows is refused by [Scope.Validate].)
func (s Scope) Level() string {
	switch {
	case s.ResourceGroup != "":
		return LevelResourceGroup
	case s.SubscriptionID != "":
		return LevelSubscription
	case s.ManagementGroup != "":
		return LevelManagementGroup
	}
	return LevelTenant
}

// Validate reports a scope that is none of the four: a resource group
// without a subscription, a management group with a subscription, or a
// name with a '/'. The error wraps [ErrInvalidID].
func (s Scope) Validate() error {
	bad := func(why string) error {
		return fmt.Errorf("%w: scope %+v: %s", ErrInvalidID, s, why)
	}
	switch {
	case s.ResourceGroup != "" && s.SubscriptionID == "":
		return bad("a resource group needs its subscription")
	case s.ManagementGroup != "" && (s.SubscriptionID != "" || s.ResourceGroup != ""):
		return bad("a management group scope has no subscription or resource group")
	case strings.Contains(s.ManagementGroup, "/") || strings.Contains(s.SubscriptionID, "/") ||
		strings.Contains(s.ResourceGroup, "/"):
		return bad("a name contains '/'")
	}
	return nil
}

// key returns the store's key of the scope's history: (sub_key,
// group_key). Subscription and group deployments use the lower-cased
// subscription id and group name; a management group's use the
// lower-cased management-group id and a tenant's "/" (subscription ids
// never start with '/'), with an empty group key.
func (s Scope) key() (sub, group string) {
	switch s.Level() {
	case LevelResourceGroup:
		return lower(s.SubscriptionID), lower(s.ResourceGroup)
	case LevelSubscription:
		return lower(s.SubscriptionID), ""
	case LevelManagementGroup:
		return lower(mgPrefix + s.ManagementGroup), ""
	}
	return "/", ""
}

// ParseScope is the inverse of [Scope.ID]: it accepts "/", a management
// group id, a subscription id and a resource group id, with the literal
// segments in any case and one trailing '/'; the names keep their case.
// Anything else is an error wrapping [ErrInvalidID].
func ParseScope(id string) (Scope, error) {
	bad := func(why string) (Scope, error) {
		return Scope{}, fmt.Errorf("%w '%s': not a deployment scope: %s", ErrInvalidID, id, why)
	}
	if id == "/" {
		return Scope{}, nil
	}
	if !strings.HasPrefix(id, "/") {
		return bad("it must start with '/'")
	}
	segs := strings.Split(strings.TrimSuffix(id[1:], "/"), "/")
	for _, s := range segs {
		if s == "" {
			return bad("it has an empty segment")
		}
	}
	switch {
	case len(segs) == 4 && strings.EqualFold(segs[0], "providers") &&
		strings.EqualFold(segs[1], "Microsoft.Management") && strings.EqualFold(segs[2], "managementGroups"):
		return Scope{ManagementGroup: segs[3]}, nil
	case len(segs) == 2 && strings.EqualFold(segs[0], "subscriptions"):
		return Scope{SubscriptionID: segs[1]}, nil
	case len(segs) == 4 && strings.EqualFold(segs[0], "subscriptions") && strings.EqualFold(segs[2], "resourceGroups"):
		return Scope{SubscriptionID: segs[1], ResourceGroup: segs[3]}, nil
	}
	return bad("use /, /providers/Microsoft.Management/managementGroups/{mg}, /subscriptions/{s} or /subscriptions/{s}/resourceGroups/{rg}")
}

// scopeError is the error of a store method given an invalid scope, or nil.
func scopeError(what string, s Scope) error {
	if err := s.Validate(); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	return nil
}
