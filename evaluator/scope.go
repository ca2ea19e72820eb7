package evaluator

import "strings"

// Scope functions (arm-spec §4.11). They describe the deployment's target
// from the Context's Deployment metadata and fail with ARM's "not expected
// at this location" where the scope does not have them.
var scopeFunctions = []*Function{
	{
		Name: "resourceGroup", Category: CategoryScope, Signature: "resourceGroup()",
		Description: "Returns the resource group of a resource-group deployment: id, name, type, location, managedBy, tags and properties.",
		MinArgs:     0, MaxArgs: 0, Impl: resourceGroupImpl,
	},
	{
		Name: "subscription", Category: CategoryScope, Signature: "subscription()",
		Description: "Returns the subscription of a resource-group or subscription deployment: id, subscriptionId, tenantId and displayName.",
		MinArgs:     0, MaxArgs: 0, Impl: subscriptionImpl,
	},
	{
		Name: "managementGroup", Category: CategoryScope, Signature: "managementGroup()",
		Description: "Returns the management group of a management-group deployment: id, name, type and properties.",
		MinArgs:     0, MaxArgs: 0, Impl: managementGroupImpl,
	},
	{
		Name: "tenant", Category: CategoryScope, Signature: "tenant()",
		Description: "Returns the tenant of the deployment: tenantId, countryCode, displayName and id.",
		MinArgs:     0, MaxArgs: 0, Impl: func(c Call, _ []Value) (Value, error) {
			d := &c.Context().Deployment
			return objectOf("tenantId", String(d.TenantID), "countryCode", String("US"),
				"displayName", String("Default Directory"), "id", String("/tenants/"+d.TenantID)), nil
		},
	},
}

func resourceGroupImpl(c Call, _ []Value) (Value, error) {
	d := &c.Context().Deployment
	if d.Scope != ScopeResourceGroup {
		return Null, c.newError(ErrNotAllowed, notExpectedMessage(c.Name()))
	}
	location, tags, managedBy := String(d.ResourceGroupLocation), ObjectValue(d.ResourceGroupTags), d.ManagedBy
	if d.group != nil {
		location, tags, managedBy = d.group.get()
	}
	o := NewObject(7)
	o.Set("id", String(d.ResourceGroupID()))
	o.Set("name", String(d.ResourceGroup))
	o.Set("type", String("Microsoft.Resources/resourceGroups"))
	o.Set("location", location)
	if managedBy != "" {
		o.Set("managedBy", String(managedBy))
	}
	o.Set("tags", tags)
	o.Set("properties", objectOf("provisioningState", String("Succeeded")))
	return ObjectValue(o), nil
}

func subscriptionImpl(c Call, _ []Value) (Value, error) {
	d := &c.Context().Deployment
	if d.Scope != ScopeResourceGroup && d.Scope != ScopeSubscription {
		return Null, c.newError(ErrNotAllowed, notExpectedMessage(c.Name()))
	}
	return objectOf("id", String("/subscriptions/"+d.SubscriptionID), "subscriptionId", String(d.SubscriptionID),
		"tenantId", String(d.TenantID), "displayName", String(d.SubscriptionName)), nil
}

func managementGroupImpl(c Call, _ []Value) (Value, error) {
	d := &c.Context().Deployment
	if d.Scope != ScopeManagementGroup {
		return Null, c.newError(ErrNotAllowed, notExpectedMessage(c.Name()))
	}
	id := managementGroupPrefix + d.ManagementGroup
	display := d.ManagementGroupDisplayName
	if display == "" {
		display = d.ManagementGroup
	}
	props := NewObject(3)
	props.Set("tenantId", String(d.TenantID))
	props.Set("displayName", String(display))
	if p := d.ManagementGroupParent; p != "" {
		props.Set("details", objectOf("parent", objectOf("id", String(p), "name", String(p[strings.LastIndexByte(p, '/')+1:]))))
	}
	return objectOf("id", String(id), "name", String(d.ManagementGroup),
		"type", String("/providers/Microsoft.Management/managementGroups"),
		"properties", ObjectValue(props)), nil
}
