package schema

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

// Bodies of the types that have simulated providers outside Compute and Network:
// resource groups, management groups, policy, locks and RBAC. The valid ones follow
// the upstream quickstarts (subscription-deployments/create-rg-lock-role-assignment,
// managementgroup-deployments/mg-policy, tenant-deployments/new-mg and the corpus).
const (
	policyDefinitionBody = `{"name": "LocationRestriction", "properties": {
	  "policyType": "Custom", "mode": "All", "displayName": "Allowed locations",
	  "metadata": {"category": "General"},
	  "parameters": {"allowedLocations": {"type": "Array", "defaultValue": ["eastus"],
	    "metadata": {"displayName": "Allowed locations", "strongType": "location"}}},
	  "policyRule": {"if": {"not": {"field": "location", "in": "[[parameters('allowedLocations')]"}}, "then": {"effect": "deny"}}}}`
	policySetBody = `{"name": "baseline", "properties": {
	  "displayName": "Baseline", "policyType": "Custom",
	  "parameters": {"effect": {"type": "String", "allowedValues": ["Audit", "Deny"], "defaultValue": "Audit"}},
	  "policyDefinitionGroups": [{"name": "network", "category": "Network"}],
	  "policyDefinitions": [
	    {"policyDefinitionId": "/providers/Microsoft.Authorization/policyDefinitions/06a78e20-9358-41c9-923c-fb736d382a4d",
	     "policyDefinitionReferenceId": "managedDisks", "groupNames": ["network"], "parameters": {"effect": {"value": "[[parameters('effect')]"}}},
	    {"policyDefinitionId": "[extensionResourceId(managementGroup().id, 'Microsoft.Authorization/policyDefinitions', 'LocationRestriction')]"}]}}`
	policyAssignmentBody = `{"name": "location-lock", "location": "eastus", "identity": {"type": "SystemAssigned"}, "properties": {
	  "displayName": "Location lock", "policyDefinitionId": "[parameters('policyDefinitionID')]",
	  "notScopes": [], "enforcementMode": "DoNotEnforce",
	  "parameters": {"allowedLocations": {"value": ["eastus", "westus"]}},
	  "nonComplianceMessages": [{"message": "Virtual machines should use managed disks"}]}}`
	roleAssignmentBody = `{"name": "[guid(parameters('roleDefinitionId'), resourceGroup().id)]", "properties": {
	  "principalType": "ServicePrincipal",
	  "roleDefinitionId": "[subscriptionResourceId('Microsoft.Authorization/roleDefinitions', parameters('roleDefinitionId'))]",
	  "principalId": "[reference(resourceId('Microsoft.ManagedIdentity/userAssignedIdentities', parameters('mi'))).principalId]"}}`
	roleDefinitionBody = `{"name": "[guid(subscription().id)]", "properties": {
	  "roleName": "Custom Role - RG Reader", "description": "d", "type": "customRole", "isCustom": true,
	  "permissions": [{"actions": ["Microsoft.Resources/subscriptions/resourceGroups/read"], "notActions": [], "dataActions": []}],
	  "assignableScopes": ["[subscription().id]"]}}`
)

func TestValidateResourceManagementTypes(t *testing.T) {
	tests := []struct {
		name, typ, api, body string
		want                 []want
	}{
		// Microsoft.Resources/resourceGroups
		{
			name: "resource group", typ: "Microsoft.Resources/resourceGroups", api: "2019-10-01",
			body: `{"name": "[parameters('rgName')]", "location": "[parameters('rgLocation')]", "tags": {"Note": "subscription level deployment"}, "properties": {}}`,
		},
		{
			name: "resource group without properties, managed by an application", typ: "Microsoft.Resources/resourceGroups", api: "2021-04-01",
			body: `{"name": "rg", "location": "eastus", "managedBy": "/subscriptions/s/resourceGroups/app/providers/Microsoft.Solutions/applications/a"}`,
		},
		{
			name: "resource group read-only provisioningState is accepted", typ: "Microsoft.Resources/resourceGroups", api: "2025-04-01",
			body: `{"name": "rg", "location": "eastus", "properties": {"provisioningState": 3}}`,
		},
		{
			name: "resource group without location", typ: "Microsoft.Resources/resourceGroups", api: "2021-04-01",
			body: `{"name": "rg", "properties": {}}`,
			want: []want{{"", "required", "required property 'location' is missing from the resource"}},
		},
		{
			name: "resource group tag value not a string, managedBy an object", typ: "Microsoft.Resources/resourceGroups", api: "2022-09-01",
			body: `{"name": "rg", "location": "eastus", "managedBy": {"id": "x"}, "tags": {"cost": 5}}`,
			want: []want{
				{"/managedBy", "type", "property 'managedBy' must be a string; got an object"},
				{"/tags/cost", "type", "property 'cost' must be a string; got number 5"},
			},
		},

		// Microsoft.Management/managementGroups and /subscriptions
		{
			name: "management group under a parent", typ: "Microsoft.Management/managementGroups", api: "2021-04-01",
			body: `{"name": "mg1", "properties": {"displayName": "Platform", "details": {"parent": {"id": "[tenantResourceId('Microsoft.Management/managementGroups', parameters('parent'))]"}}}}`,
		},
		{
			name: "management group with an empty body", typ: "Microsoft.Management/managementGroups", api: "2020-02-01",
			body: `{"name": "[parameters('mgName')]", "properties": {}}`,
		},
		{
			name: "management group read-only members are accepted", typ: "Microsoft.Management/managementGroups", api: "2023-04-01",
			body: `{"name": "mg1", "location": "eastus", "properties": {"tenantId": 1, "children": [], "details": {"updatedBy": 2, "parent": {"id": "/providers/Microsoft.Management/managementGroups/root", "name": 3, "displayName": 4}}}}`,
		},
		{
			name: "management group displayName and parent id of the wrong type", typ: "Microsoft.Management/managementGroups", api: "2021-04-01",
			body: `{"name": "mg1", "properties": {"displayName": 7, "details": {"parent": "/providers/Microsoft.Management/managementGroups/root"}}}`,
			want: []want{
				{"/properties/details/parent", "type", "property 'parent' must be an object or a template expression; got string '/providers/Microsoft.Management/managementGroups/root'"},
				{"/properties/displayName", "type", "property 'displayName' must be a string; got number 7"},
			},
		},
		{
			name: "subscription placed under a group, no body", typ: "Microsoft.Management/managementGroups/subscriptions", api: "2020-05-01",
			body: `{"name": "[concat(parameters('targetMgId'), '/', parameters('subscriptionId'))]"}`,
		},
		{
			name: "subscription placed under a group, empty properties", typ: "Microsoft.Management/managementGroups/subscriptions", api: "2023-04-01",
			body: `{"name": "mg1/00000000-0000-0000-0000-000000000001", "properties": {}}`,
		},
		{
			name: "subscription association properties not an object", typ: "Microsoft.Management/managementGroups/subscriptions", api: "2021-04-01",
			body: `{"name": "mg1/sub", "properties": "none"}`,
			want: []want{{"/properties", "type", "property 'properties' must be an object or a template expression; got string 'none'"}},
		},

		// Microsoft.Authorization/policyDefinitions
		{name: "policy definition", typ: "Microsoft.Authorization/policyDefinitions", api: "2021-06-01", body: policyDefinitionBody},
		{
			name: "policy definition with the rule from a variable", typ: "Microsoft.Authorization/policyDefinitions", api: "2019-09-01",
			body: `{"name": "d", "properties": {"policyRule": "[variables('rule')]", "parameters": "[variables('params')]"}}`,
		},
		{
			name: "policy definition without a rule", typ: "Microsoft.Authorization/policyDefinitions", api: "2023-04-01",
			body: `{"name": "d", "properties": {"mode": "All", "displayName": "no rule"}}`,
			want: []want{{"/properties", "required", "required property 'policyRule' is missing from 'properties'"}},
		},
		{
			name: "policy definition without properties", typ: "Microsoft.Authorization/policyDefinitions", api: "2020-09-01",
			body: `{"name": "d"}`,
			want: []want{{"", "required", "required property 'properties' is missing from the resource"}},
		},
		{
			name: "policy definition rule not an object", typ: "Microsoft.Authorization/policyDefinitions", api: "2021-06-01",
			body: `{"name": "d", "properties": {"policyRule": "deny everything"}}`,
			want: []want{{"/properties/policyRule", "type", "property 'policyRule' must be an object or a template expression; got string 'deny everything'"}},
		},
		{
			name: "policy definition parameter type and policyType unknown", typ: "Microsoft.Authorization/policyDefinitions", api: "2021-06-01",
			body: strings.Replace(strings.Replace(policyDefinitionBody, `"type": "Array"`, `"type": "List"`, 1), `"Custom"`, `"Mine"`, 1),
			want: []want{
				{"/properties/parameters/allowedLocations/type", "enum", "property 'type' must be one of 'String', 'Array', 'Object', 'Boolean', 'Integer', 'Float', 'DateTime'; got 'List'"},
				{"/properties/policyType", "enum", "property 'policyType' must be one of 'NotSpecified', 'BuiltIn', 'Custom', 'Static'; got 'Mine'"},
			},
		},
		{
			name: "policy definition parameter types ignore case", typ: "Microsoft.Authorization/policyDefinitions", api: "2021-06-01",
			body: strings.Replace(policyDefinitionBody, `"type": "Array"`, `"type": "array"`, 1),
		},

		// Microsoft.Authorization/policySetDefinitions
		{name: "policy set definition", typ: "Microsoft.Authorization/policySetDefinitions", api: "2021-06-01", body: policySetBody},
		{
			name: "policy set definition members from a property loop", typ: "Microsoft.Authorization/policySetDefinitions", api: "2020-09-01",
			body: `{"name": "s", "properties": {"copy": [{"name": "policyDefinitions", "count": "[length(variables('ids'))]",
			  "input": {"policyDefinitionId": "[variables('ids')[copyIndex('policyDefinitions')]]"}}]}}`,
		},
		{
			name: "policy set definition without members", typ: "Microsoft.Authorization/policySetDefinitions", api: "2021-06-01",
			body: `{"name": "s", "properties": {"displayName": "empty"}}`,
			want: []want{{"/properties", "required", "required property 'policyDefinitions' is missing from 'properties'"}},
		},
		{
			name: "policy set definition member without an id, group without a name", typ: "Microsoft.Authorization/policySetDefinitions", api: "2023-04-01",
			body: `{"name": "s", "properties": {"policyDefinitionGroups": [{"category": "c"}], "policyDefinitions": [{"policyDefinitionReferenceId": "r"}]}}`,
			want: []want{
				{"/properties/policyDefinitionGroups/0", "required", "required property 'name' is missing from item 0 of 'policyDefinitionGroups'"},
				{"/properties/policyDefinitions/0", "required", "required property 'policyDefinitionId' is missing from item 0 of 'policyDefinitions'"},
			},
		},
		{
			name: "policy set definition members not an array", typ: "Microsoft.Authorization/policySetDefinitions", api: "2021-06-01",
			body: `{"name": "s", "properties": {"policyDefinitions": {"policyDefinitionId": "x"}}}`,
			want: []want{{"/properties/policyDefinitions", "type", "property 'policyDefinitions' must be an array or a template expression; got an object"}},
		},

		// Microsoft.Authorization/policyAssignments
		{name: "policy assignment", typ: "Microsoft.Authorization/policyAssignments", api: "2023-04-01", body: policyAssignmentBody},
		{
			name: "policy assignment with a writable scope (2019-09-01)", typ: "Microsoft.Authorization/policyAssignments", api: "2019-09-01",
			body: `{"name": "a", "properties": {"scope": "[subscriptionResourceId('Microsoft.Resources/resourceGroups', resourceGroup().name)]", "policyDefinitionId": "[parameters('policyDefinitionID')]"}}`,
		},
		{
			name: "policy assignment without a definition", typ: "Microsoft.Authorization/policyAssignments", api: "2022-06-01",
			body: `{"name": "a", "properties": {"displayName": "nothing assigned"}}`,
			want: []want{{"/properties", "required", "required property 'policyDefinitionId' is missing from 'properties'"}},
		},
		{
			name: "policy assignment enforcement mode, identity, message and notScopes", typ: "Microsoft.Authorization/policyAssignments", api: "2024-04-01",
			body: `{"name": "a", "location": "eastus", "identity": {"type": "SystemAssigned, UserAssigned"}, "properties": {"policyDefinitionId": "/providers/Microsoft.Authorization/policyDefinitions/x",
			  "enforcementMode": "Off", "notScopes": "/subscriptions/s", "nonComplianceMessages": [{"policyDefinitionReferenceId": "r"}]}}`,
			want: []want{
				{"/identity/type", "enum", "property 'type' must be one of 'SystemAssigned', 'UserAssigned', 'None'; got 'SystemAssigned, UserAssigned'"},
				{"/properties/enforcementMode", "enum", "property 'enforcementMode' must be one of 'Default', 'DoNotEnforce', 'Enroll'; got 'Off'"},
				{"/properties/nonComplianceMessages/0", "required", "required property 'message' is missing from item 0 of 'nonComplianceMessages'"},
				{"/properties/notScopes", "type", "property 'notScopes' must be an array or a template expression; got string"},
			},
		},

		// Microsoft.Authorization/locks
		{
			name: "lock", typ: "Microsoft.Authorization/locks", api: "2016-09-01",
			body: `{"name": "DontDelete", "properties": {"level": "CanNotDelete", "notes": "Prevent deletion of the resourceGroup", "owners": [{"applicationId": "app"}]}}`,
		},
		{
			name: "lock levels ignore case", typ: "Microsoft.Authorization/locks", api: "2020-05-01",
			body: `{"name": "l", "properties": {"level": "readonly"}}`,
		},
		{
			name: "lock without a level", typ: "Microsoft.Authorization/locks", api: "2017-04-01",
			body: `{"name": "l", "properties": {"notes": "n"}}`,
			want: []want{{"/properties", "required", "required property 'level' is missing from 'properties'"}},
		},
		{
			name: "lock without properties", typ: "Microsoft.Authorization/locks", api: "2017-04-01",
			body: `{"name": "l"}`,
			want: []want{{"", "required", "required property 'properties' is missing from the resource"}},
		},
		{
			name: "lock level NotSpecified is refused, notes too long", typ: "Microsoft.Authorization/locks", api: "2016-09-01",
			body: `{"name": "l", "properties": {"level": "NotSpecified", "notes": "` + strings.Repeat("n", 513) + `"}}`,
			want: []want{
				{"/properties/level", "enum", "property 'level' must be one of 'CanNotDelete', 'ReadOnly'; got 'NotSpecified'"},
				{"/properties/notes", "maxLength", "at most 512"},
			},
		},

		// Microsoft.Authorization/roleAssignments
		{name: "role assignment", typ: "Microsoft.Authorization/roleAssignments", api: "2022-04-01", body: roleAssignmentBody},
		{
			name: "role assignment in an old API version", typ: "Microsoft.Authorization/roleAssignments", api: "2017-09-01",
			body: `{"name": "[guid(resourceGroup().id)]", "properties": {"roleDefinitionId": "[variables('contributor')]", "principalId": "[parameters('principalId')]", "scope": "[resourceGroup().id]"}}`,
		},
		{
			name: "role assignment without a principal", typ: "Microsoft.Authorization/roleAssignments", api: "2022-04-01",
			body: `{"name": "n", "properties": {"roleDefinitionId": "/providers/Microsoft.Authorization/roleDefinitions/acdd72a7-3385-48ef-bd42-f606fba81ae7"}}`,
			want: []want{{"/properties", "required", "required property 'principalId' is missing from 'properties'"}},
		},
		{
			name: "role assignment without properties", typ: "Microsoft.Authorization/roleAssignments", api: "2020-04-01-preview",
			body: `{"name": "n"}`,
			want: []want{{"", "required", "required property 'properties' is missing from the resource"}},
		},
		{
			name: "role assignment principalType MSI, canDelegate not a boolean", typ: "Microsoft.Authorization/roleAssignments", api: "2020-04-01-preview",
			body: strings.Replace(roleAssignmentBody, `"principalType": "ServicePrincipal",`, `"principalType": "MSI", "canDelegate": "maybe",`, 1),
			want: []want{
				{"/properties/canDelegate", "type", "must be a boolean (or 'true'/'false') or a template expression; got string 'maybe'"},
				{"/properties/principalType", "enum", "property 'principalType' must be one of 'User', 'Group', 'ServicePrincipal', 'ForeignGroup', 'Device'; got 'MSI'"},
			},
		},

		// Microsoft.Authorization/roleDefinitions
		{name: "role definition", typ: "Microsoft.Authorization/roleDefinitions", api: "2022-04-01", body: roleDefinitionBody},
		{
			name: "role definition actions from parameters", typ: "Microsoft.Authorization/roleDefinitions", api: "2018-07-01",
			body: `{"name": "r", "properties": {"roleName": "n", "permissions": [{"actions": "[parameters('actions')]", "notActions": "[parameters('notActions')]"}], "assignableScopes": ["[subscription().id]"]}}`,
		},
		{
			name: "role definition actions not an array, scope not a string", typ: "Microsoft.Authorization/roleDefinitions", api: "2022-04-01",
			body: `{"name": "r", "properties": {"permissions": [{"actions": "Microsoft.Compute/*/read"}], "assignableScopes": [5]}}`,
			want: []want{
				{"/properties/assignableScopes/0", "type", "item 0 of 'assignableScopes' must be a string; got number 5"},
				{"/properties/permissions/0/actions", "type", "property 'actions' must be an array or a template expression; got string 'Microsoft.Compute/*/read'"},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, known, err := ValidateResource(tt.typ, tt.api, decodeJSON(t, []byte(tt.body)))
			if !known || err != nil {
				t.Fatalf("known=%v err=%v", known, err)
			}
			checkViolations(t, got, tt.want)
		})
	}
}

// TestManagementTypeVersions: the types are known (no UnknownResourceType warning) and
// an API version ARM does not serve for them is NoRegisteredProviderFound; a few
// versions from each source of the lists are present.
func TestManagementTypeVersions(t *testing.T) {
	tests := []struct {
		typ     string
		has     []string // versions that must be registered
		hasNot  []string // versions ARM refuses for the type
		minimum int      // at least this many versions
	}{
		{"Microsoft.Resources/resourceGroups", []string{"2014-04-01-preview", "2015-01-01", "2019-09-01", "2021-04-01", "2024-11-01", "2025-04-01"}, []string{"2021-03-01", "2023-11-01"}, 60},
		{"Microsoft.Management/managementGroups", []string{"2017-11-01-preview", "2020-02-01", "2021-04-01", "2023-04-01"}, []string{"2020-06-01"}, 10},
		{"Microsoft.Management/managementGroups/subscriptions", []string{"2020-05-01", "2021-04-01", "2023-04-01"}, []string{"2020-06-01"}, 10},
		{"Microsoft.Authorization/policyDefinitions", []string{"2019-09-01", "2020-08-01", "2021-06-01", "2023-04-01", "2025-03-01"}, []string{"2022-06-01", "2024-04-01"}, 20},
		{"Microsoft.Authorization/policySetDefinitions", []string{"2017-06-01-preview", "2020-08-01", "2021-06-01", "2023-04-01"}, []string{"2015-10-01-preview", "2022-06-01"}, 17},
		{"Microsoft.Authorization/policyAssignments", []string{"2019-09-01", "2020-08-01", "2022-06-01", "2023-04-01", "2024-04-01"}, []string{"2022-09-01"}, 24},
		{"Microsoft.Authorization/locks", []string{"2015-01-01", "2015-06-01", "2016-09-01", "2017-04-01", "2020-05-01"}, []string{"2019-01-01"}, 6},
		{"Microsoft.Authorization/roleAssignments", []string{"2015-07-01", "2017-09-01", "2018-09-01-preview", "2020-04-01-preview", "2021-04-01-preview", "2022-04-01"}, []string{"2018-06-01", "2023-04-01"}, 20},
		{"Microsoft.Authorization/roleDefinitions", []string{"2015-07-01", "2017-09-01", "2018-01-01-preview", "2018-07-01", "2022-04-01", "2022-05-01-preview"}, []string{"2018-09-01-preview", "2020-04-01-preview"}, 13},
	}
	for _, tt := range tests {
		t.Run(tt.typ, func(t *testing.T) {
			vs := SupportedAPIVersions(strings.ToLower(tt.typ))
			if len(vs) < tt.minimum {
				t.Errorf("%d versions, want at least %d: %v", len(vs), tt.minimum, vs)
			}
			for _, v := range tt.has {
				if !slices.Contains(vs, v) {
					t.Errorf("lacks %s: %v", v, vs)
				}
			}
			for _, v := range tt.hasNot {
				_, known, err := ValidateResource(tt.typ, v, map[string]any{"name": "n"})
				var uerr *UnsupportedAPIVersionError
				if !known || !errors.As(err, &uerr) {
					t.Errorf("%s: known=%v err=%v; want an UnsupportedAPIVersionError", v, known, err)
				}
			}
		})
	}
}
