package providers

import (
	"context"
	"strings"
	"testing"
)

const policyRule = `{"if":{"field":"location","notIn":["eastus"]},"then":{"effect":"deny"}}`

// scopes of the policy tests.
var (
	subScope = "/subscriptions/" + testSub
	rgScope  = subScope + "/resourceGroups/" + testRG
	otherSub = "/subscriptions/99999999-0000-0000-0000-000000000000"
)

func definitionID(scope, name string) string {
	return scope + "/providers/Microsoft.Authorization/policyDefinitions/" + name
}

func assignmentID(scope, name string) string {
	return scope + "/providers/Microsoft.Authorization/policyAssignments/" + name
}

func lockID(scope, name string) string {
	return scope + "/providers/Microsoft.Authorization/locks/" + name
}

func assignmentBody(defID string) string {
	return `{"properties":{"policyDefinitionId":"` + defID + `"}}`
}

func TestPolicyAndLockRules(t *testing.T) {
	definition := func(scope, name string) func(w *world) {
		return func(w *world) {
			w.mustID(definitionID(scope, name), typePolicyDefinition, `{"properties":{"policyRule":`+policyRule+`}}`)
		}
	}
	tests := []struct {
		name      string
		setup     func(w *world)
		id, typ   string
		body      string
		code, msg string
	}{
		{name: "definition without a rule", id: definitionID(subScope, "d"), typ: typePolicyDefinition, body: `{"properties":{"mode":"All"}}`,
			code: "InvalidRequestContent", msg: "The request content was invalid and could not be deserialized: 'Required property 'policyRule' not found in JSON. Path 'properties'.'"},
		{name: "definition with a string rule", id: definitionID(subScope, "d"), typ: typePolicyDefinition, body: `{"properties":{"policyRule":"deny"}}`,
			code: "InvalidPolicyRule", msg: "The policy rule is invalid: it must be a JSON object with an 'if' condition and a 'then' effect."},
		{name: "set definition without members", id: subScope + "/providers/Microsoft.Authorization/policySetDefinitions/s", typ: typePolicySetDefinition, body: `{"properties":{}}`,
			code: "InvalidRequestContent", msg: "The request content was invalid and could not be deserialized: 'Required property 'policyDefinitions' not found in JSON. Path 'properties'.'"},
		{name: "set definition member without an id", id: subScope + "/providers/Microsoft.Authorization/policySetDefinitions/s", typ: typePolicySetDefinition,
			body: `{"properties":{"policyDefinitions":[{"policyDefinitionId":"` + definitionID(subScope, "d") + `"},{"parameters":{}}]}}`,
			code: "InvalidRequestContent", msg: "The request content was invalid and could not be deserialized: 'Required property 'policyDefinitionId' not found in JSON. Path 'properties.policyDefinitions[1]'.'"},
		{name: "assignment without a definition", id: assignmentID(rgScope, "a"), typ: typePolicyAssignment, body: `{"properties":{"displayName":"x"}}`,
			code: "InvalidRequestContent", msg: "The request content was invalid and could not be deserialized: 'Required property 'policyDefinitionId' not found in JSON. Path 'properties'.'"},
		{name: "assignment of a name, not an id", id: assignmentID(rgScope, "a"), typ: typePolicyAssignment, body: assignmentBody("allowed-locations"),
			code: "LinkedInvalidPropertyId", msg: "Property id allowed-locations at path 'properties.policyDefinitionId' is invalid. Expect fully qualified resource Id that start with '/subscriptions/{subscriptionId}' or '/providers/{resourceProviderNamespace}/'."},
		{name: "assignment of a missing definition", id: assignmentID(rgScope, "a"), typ: typePolicyAssignment, body: assignmentBody(definitionID(subScope, "ghost")),
			code: "PolicyDefinitionNotFound", msg: "The policy definition 'ghost' could not be found."},
		{name: "assignment of a missing set", id: assignmentID(rgScope, "a"), typ: typePolicyAssignment,
			body: assignmentBody(subScope + "/providers/Microsoft.Authorization/policySetDefinitions/ghost"),
			code: "PolicySetDefinitionNotFound", msg: "The policy set definition 'ghost' could not be found."},
		{name: "definition of another subscription", setup: definition(otherSub, "d"), id: assignmentID(rgScope, "a"), typ: typePolicyAssignment,
			body: assignmentBody(definitionID(otherSub, "d")), code: "InvalidCreatePolicyAssignmentRequest",
			msg: "The policy definition specified in policy assignment 'a' is out of scope. Policy definitions should be specified only at or above the policy assignment scope."},
		{name: "definition below the assignment", setup: definition(rgScope, "d"), id: assignmentID(subScope, "a"), typ: typePolicyAssignment,
			body: assignmentBody(definitionID(rgScope, "d")), code: "InvalidCreatePolicyAssignmentRequest",
			msg: "The policy definition specified in policy assignment 'a' is out of scope. Policy definitions should be specified only at or above the policy assignment scope."},
		{name: "definition at a group the subscription is not under", setup: func(w *world) { w.group("mg1", ""); definition(mgID("mg1"), "d")(w) },
			id: assignmentID(subScope, "a"), typ: typePolicyAssignment, body: assignmentBody(definitionID(mgID("mg1"), "d")), code: "InvalidCreatePolicyAssignmentRequest",
			msg: "The policy definition specified in policy assignment 'a' is out of scope. Policy definitions should be specified only at or above the policy assignment scope."},
		{name: "lock without a level", id: lockID(rgScope, "l"), typ: typeLock, body: `{"properties":{"notes":"keep"}}`,
			code: "InvalidRequestContent", msg: "The request content was invalid and could not be deserialized: 'Required property 'level' not found in JSON. Path 'properties'.'"},
		{name: "lock with the portal's level name", id: lockID(rgScope, "l"), typ: typeLock, body: `{"properties":{"level":"Delete"}}`,
			code: "InvalidLockLevel", msg: "The lock level 'Delete' is invalid. The currently supported lock levels are 'CanNotDelete, ReadOnly'."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWorld(t)
			if tt.setup != nil {
				tt.setup(w)
			}
			_, err := w.putID(tt.id, tt.typ, tt.body, testNow)
			checkErr(t, err, tt.code, tt.msg, "")
		})
	}
}

func TestPolicyAndLockBodies(t *testing.T) {
	w := newWorld(t)
	w.group("mg1", "")
	w.group("mg2", "mg1")
	w.mustID(mgSubID("mg2", testSub), typeMGSubscription, `{}`)
	builtIn := "/providers/Microsoft.Authorization/policyDefinitions/e56962a6-4747-49cd-b67b-bf8b01975c4c"
	tests := []struct {
		name, id, typ, body string
		check               func(t *testing.T, props map[string]any)
	}{
		{name: "definition at a management group", id: definitionID(mgID("mg1"), "d"), typ: typePolicyDefinition,
			body: `{"properties":{"mode":"All","policyRule":` + policyRule + `}}`,
			check: func(t *testing.T, p map[string]any) {
				if strAt(p, "policyType") != "Custom" || strAt(p, "policyRule", "then", "effect") != "deny" {
					t.Errorf("%s", pretty(p))
				}
			}},
		{name: "assignment below the definition's group", id: assignmentID(rgScope, "a1"), typ: typePolicyAssignment,
			body: assignmentBody(definitionID(mgID("mg1"), "d")),
			check: func(t *testing.T, p map[string]any) {
				if strAt(p, "scope") != rgScope {
					t.Errorf("scope %q, want %q", strAt(p, "scope"), rgScope)
				}
			}},
		{name: "assignment at the definition's group", id: assignmentID(mgID("mg1"), "a2"), typ: typePolicyAssignment,
			body: assignmentBody(definitionID(mgID("mg1"), "d"))},
		{name: "assignment at a child group", id: assignmentID(mgID("mg2"), "a3"), typ: typePolicyAssignment,
			body: assignmentBody(definitionID(mgID("mg1"), "d"))},
		{name: "assignment of a built-in definition", id: assignmentID(subScope, "a4"), typ: typePolicyAssignment, body: assignmentBody(builtIn),
			check: func(t *testing.T, p map[string]any) {
				if strAt(p, "scope") != subScope {
					t.Errorf("scope %q", strAt(p, "scope"))
				}
			}},
		{name: "set definition", id: subScope + "/providers/Microsoft.Authorization/policySetDefinitions/s", typ: typePolicySetDefinition,
			body: `{"properties":{"policyDefinitions":[{"policyDefinitionId":"` + builtIn + `"}]}}`},
		{name: "lock on a group, level in any case", id: lockID(rgScope, "l"), typ: typeLock, body: `{"properties":{"level":"cannotdelete"}}`,
			check: func(t *testing.T, p map[string]any) {
				if strAt(p, "level") != "CanNotDelete" {
					t.Errorf("level %q", strAt(p, "level"))
				}
			}},
		{name: "lock on a resource", id: lockID(rgScope+"/providers/Microsoft.Storage/storageAccounts/sa1", "l"), typ: typeLock, body: `{"properties":{"level":"ReadOnly"}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := w.putID(tt.id, tt.typ, tt.body, testNow)
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Warnings) != 0 {
				t.Errorf("warnings %v", res.Warnings)
			}
			if res.Body["id"] != tt.id || !strings.EqualFold(res.Body["type"].(string), tt.typ) {
				t.Errorf("envelope:\n%s", pretty(res.Body))
			}
			if tt.check != nil {
				tt.check(t, objAt(res.Body, "properties"))
			}
		})
	}
	// every one is stored where its id says
	if _, err := w.store.Resource(context.Background(), lockID(rgScope, "l")); err != nil {
		t.Error(err)
	}
}
