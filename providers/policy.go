package providers

import (
	"context"
	"fmt"
	"strings"

	"github.com/armdeploy/armdeploy/state"
)

// Microsoft.Authorization policyDefinitions, policySetDefinitions,
// policyAssignments and locks. They are stored as given, at whatever scope
// their id names (a resource group, a subscription, a management group, a
// resource they extend), after the checks below; none is evaluated:
// policies are not enforced and locks do not block writes here. Codes and
// texts are [U] unless marked otherwise. Sources of the rules: Azure docs,
// governance/policy/concepts/definition-structure (policyRule with if and
// then), initiative-definition-structure (policyDefinitions with
// policyDefinitionId), assignment-structure (a definition at or above the
// assignment's scope) and azure-resource-manager/management/lock-resources
// (levels CanNotDelete and ReadOnly).

const (
	typePolicyDefinition    = "Microsoft.Authorization/policyDefinitions"
	typePolicySetDefinition = "Microsoft.Authorization/policySetDefinitions"
	typePolicyAssignment    = "Microsoft.Authorization/policyAssignments"
	typeLock                = "Microsoft.Authorization/locks"
)

func init() { Register(policyProvider{}) }

type policyProvider struct{}

func (policyProvider) Types() []string {
	return []string{typePolicyDefinition, typePolicySetDefinition, typePolicyAssignment, typeLock}
}

func (policyProvider) ReadOnly(string) []string {
	return []string{"properties.policyType", "properties.scope"}
}

func (policyProvider) Immutable(string) []string { return nil }

func (policyProvider) Delete(context.Context, *DeleteRequest) error { return nil }

// errMissingProperty is the deserialisation failure ARM's policy and lock
// services answer for a required property the body lacks [U].
func errMissingProperty(path, leaf string) *Error {
	return &Error{Code: "InvalidRequestContent", Target: path + "." + leaf,
		Message: fmt.Sprintf("The request content was invalid and could not be deserialized: 'Required property '%s' not found in JSON. Path '%s'.'", leaf, path)}
}

func (policyProvider) Put(ctx context.Context, r *Request) (*Result, error) {
	id, err := parseID(r.ID)
	if err != nil {
		return nil, err
	}
	body, props := newBody(r)
	var e error
	switch {
	case typeIs(id.Type, typePolicyDefinition):
		e = checkPolicyDefinition(props)
	case typeIs(id.Type, typePolicySetDefinition):
		e = checkPolicySetDefinition(props)
	case typeIs(id.Type, typePolicyAssignment):
		e = checkPolicyAssignment(ctx, r, id, props)
	case typeIs(id.Type, typeLock):
		del(body, "location")
		e = checkLock(props)
	}
	if e != nil {
		return nil, e
	}
	return &Result{Body: body}, nil
}

// checkPolicyDefinition requires the rule, an object; policyType is
// Custom for every definition a deployment creates (Azure docs,
// definition-structure).
func checkPolicyDefinition(props map[string]any) error {
	rule, ok := get(props, "policyRule")
	if !ok || rule == nil {
		return errMissingProperty("properties", "policyRule")
	}
	if _, isObj := rule.(map[string]any); !isObj {
		return &Error{Code: "InvalidPolicyRule", Target: "properties.policyRule",
			Message: "The policy rule is invalid: it must be a JSON object with an 'if' condition and a 'then' effect."}
	}
	setDefault(props, "policyType", "Custom")
	return nil
}

// checkPolicySetDefinition requires the member definitions, each with its
// id (Azure docs, initiative-definition-structure).
func checkPolicySetDefinition(props map[string]any) error {
	v, ok := get(props, "policyDefinitions")
	if !ok || v == nil {
		return errMissingProperty("properties", "policyDefinitions")
	}
	members, _ := v.([]any)
	for i, m := range members {
		mo, _ := m.(map[string]any)
		if strAt(mo, "policyDefinitionId") == "" {
			return errMissingProperty(fmt.Sprintf("properties.policyDefinitions[%d]", i), "policyDefinitionId")
		}
	}
	setDefault(props, "policyType", "Custom")
	return nil
}

// checkPolicyAssignment requires the assigned definition. A definition
// with a scope (a subscription's or a management group's) must exist and
// sit at or above the assignment's scope; a built-in one
// ("/providers/Microsoft.Authorization/policyDefinitions/{guid}") is not
// known here and is taken as it is. The assignment's scope is read-only
// (Azure docs, assignment-structure and scope).
func checkPolicyAssignment(ctx context.Context, r *Request, id *state.ResourceID, props map[string]any) error {
	defID := strAt(props, "policyDefinitionId")
	if defID == "" {
		return errMissingProperty("properties", "policyDefinitionId")
	}
	ref, e := parseRef(defID, "properties.policyDefinitionId")
	if e != nil {
		return e
	}
	scope := id.Scope
	if scope == "" {
		scope = "/"
	}
	set(props, "scope", scope)
	if ref.Scope == "" {
		return nil // built in
	}
	def, err := lookup(ctx, r.Store, defID)
	if err != nil {
		return err
	}
	if def == nil {
		// PolicyDefinitionNotFound / PolicySetDefinitionNotFound [U].
		noun, code := "policy definition", "PolicyDefinitionNotFound"
		if typeIs(ref.Type, typePolicySetDefinition) {
			noun, code = "policy set definition", "PolicySetDefinitionNotFound"
		}
		return &Error{Code: code, Target: "properties.policyDefinitionId",
			Message: fmt.Sprintf("The %s '%s' could not be found.", noun, lastSegment(ref.Name))}
	}
	above, err := scopeAbove(ctx, r.Store, ref.Scope, scope, r.tenant())
	if err != nil {
		return err
	}
	if !above {
		return &Error{Code: "InvalidCreatePolicyAssignmentRequest", Target: "properties.policyDefinitionId",
			Message: fmt.Sprintf("The policy definition specified in policy assignment '%s' is out of scope. Policy definitions should be specified only at or above the policy assignment scope.", lastSegment(id.Name))}
	}
	return nil
}

// scopeAbove reports whether scope is target or above it, following the
// management-group hierarchy above subscriptions: a subscription is below
// the groups of its [SubscriptionParent] chain, a group below its
// [ManagementGroupAncestors].
func scopeAbove(ctx context.Context, store state.Reader, scope, target, tenant string) (bool, error) {
	if scopeCovers(scope, target) {
		return true, nil
	}
	sp, err := state.ParseResourceID(scope)
	if err != nil || !typeIs(sp.Type, typeManagementGroup) || !tenantLevel(sp) {
		return false, nil
	}
	mg := ""
	if tp, err := state.ParseResourceID(target); err == nil {
		switch {
		case tp.SubscriptionID != "":
			if mg, err = SubscriptionParent(ctx, store, tp.SubscriptionID); err != nil {
				return false, err
			}
			if mg == "" {
				mg = tenant
			}
		case strings.HasPrefix(strings.ToLower(target), strings.ToLower(mgPrefix)):
			mg = nameSegments(strings.TrimPrefix(target[len(mgPrefix):], "/"))[0]
		}
	}
	if mg == "" {
		return false, nil
	}
	chain, err := ManagementGroupAncestors(ctx, store, mg, tenant)
	if err != nil {
		return false, nil // a broken hierarchy places nothing above
	}
	for _, a := range chain {
		if strings.EqualFold(a, sp.Name) {
			return true, nil
		}
	}
	return false, nil
}

// checkLock requires the level, CanNotDelete or ReadOnly (Azure docs,
// lock-resources); the text of an unknown level follows the one Azure
// gives for managed applications' locks.
func checkLock(props map[string]any) error {
	v, ok := get(props, "level")
	if !ok || v == nil {
		return errMissingProperty("properties", "level")
	}
	s, _ := v.(string)
	c := oneOf(s, "CanNotDelete", "ReadOnly")
	if c == "" {
		return &Error{Code: "InvalidLockLevel", Target: "properties.level",
			Message: fmt.Sprintf("The lock level '%v' is invalid. The currently supported lock levels are 'CanNotDelete, ReadOnly'.", v)}
	}
	set(props, "level", c)
	return nil
}
