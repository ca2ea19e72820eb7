package evaluator

import "testing"

// scopeCases covers resourceGroup(), subscription(), managementGroup() and
// tenant() at the scopes where ARM allows them.
var scopeCases = []evalCase{
	okS("resourceGroup().id", "/subscriptions/ffffffff-ffff-ffff-ffff-ffffffffffff/resourceGroups/ps-rule-test-rg"),
	okS("resourceGroup().name", "ps-rule-test-rg"),
	okS("resourceGroup().location", "eastus"),
	okS("resourceGroup().type", "Microsoft.Resources/resourceGroups"),
	ok("resourceGroup().tags", "{}"),
	okS("resourceGroup().properties.provisioningState", "Succeeded"),
	fails("resourceGroup()", "The template function 'resourceGroup' is not expected at this location.").with(func(c *Context) { c.Deployment.Scope = ScopeSubscription }),
	okS("subscription().id", "/subscriptions/ffffffff-ffff-ffff-ffff-ffffffffffff"),
	okS("subscription().subscriptionId", "ffffffff-ffff-ffff-ffff-ffffffffffff"),
	okS("subscription().displayName", "Test subscription"),
	fails("subscription()", "The template function 'subscription' is not expected at this location.").with(func(c *Context) { c.Deployment.Scope = ScopeTenant }),
	okS("managementGroup().id", "/providers/Microsoft.Management/managementGroups/psrule-test").with(func(c *Context) { c.Deployment.Scope = ScopeManagementGroup }),
	fails("managementGroup()", "The template function 'managementGroup' is not expected at this location."),
	okS("tenant().tenantId", "00000000-0000-0000-0000-000000000001"),
	okS("tenant().id", "/tenants/00000000-0000-0000-0000-000000000001"),
}

func TestScopeFunctions(t *testing.T) { runCases(t, scopeCases) }
