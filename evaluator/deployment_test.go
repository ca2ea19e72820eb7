package evaluator

import "testing"

// deploymentCases covers parameters(), variables(), deployment(),
// environment(), deployer() and fail().
var deploymentCases = []evalCase{
	okS("parameters('prefix')", "Contoso"),
	okS("PARAMETERS('PREFIX')", "Contoso"),
	ok("parameters('tags')", `{"cost-center":"42","env":"prod"}`),
	okS("parameters('tags')['cost-center']", "42"),
	ok("parameters('nothing')", "null"),
	fails("parameters('missing')", "The template parameter 'missing' is not found."),
	fails("parameters(1)", "expects its parameter to be of type 'String'"),
	fails("parameters('x')", "The template parameter 'x' is not found.").with(func(c *Context) { c.Parameters = nil }),
	ok("variables('obj').a.b[1]", "20"),
	okS("variables('dogs')[0].NAME", "Evie"),
	fails("variables('missing')", "The template variable 'missing' is not found."),
	fails("variables('obj')", "The template function 'variables' is not expected at this location.").with(func(c *Context) { c.Forbid = ForbidVariables }),
	okS("deployment().name", "test-deployment"),
	okS("deployment().properties.mode", "Incremental"),
	ok("deployment().properties.template", "{}"),
	fails("deployment().properties.templateLink", "The language expression property 'templateLink' doesn't exist, available properties are 'template, templateHash, parameters, mode, debugSetting, provisioningState'."),
	okS("deployment().properties.templateLink.uri", "https://example.com/t.json").with(func(c *Context) { c.Deployment.TemplateLinkURI = "https://example.com/t.json" }),
	okS("deployment().location", "westus").with(func(c *Context) {
		c.Deployment.Scope, c.Deployment.Location = ScopeSubscription, "westus"
	}),
	okS("environment().name", "AzureCloud"),
	okS("environment().suffixes.storage", "core.windows.net"),
	okS("environment().authentication.audiences[1]", "https://management.azure.com/"),
	okS("deployer().userPrincipalName", "me@contoso.com").with(func(c *Context) { c.Deployment.DeployerUPN = "me@contoso.com" }),
	okS("deployer().tenantId", "00000000-0000-0000-0000-000000000001"),
	fails("fail('Custom failure')", "Custom failure"),
}

func TestDeploymentFunctions(t *testing.T) { runCases(t, deploymentCases) }
