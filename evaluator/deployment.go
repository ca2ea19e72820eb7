package evaluator

import (
	"hash/fnv"
	"strconv"
)

// Deployment functions (arm-spec §4.5): parameters() and variables() call
// the accessors of the [Context]; deployment(), environment() and
// deployer() read its Deployment metadata.
var deploymentFunctions = []*Function{
	{
		Name: "parameters", Category: CategoryDeployment, Signature: "parameters(parameterName)",
		Description: "Returns the value of a template parameter; the name is case-insensitive.",
		MinArgs:     1, MaxArgs: 1, Impl: func(c Call, args []Value) (Value, error) {
			name, err := c.str(args, 0)
			if err != nil {
				return Null, err
			}
			get := c.Context().Parameters
			if get == nil {
				return Null, c.Errorf(ErrNotFound, "The template parameter '%s' is not found.%s", name, usage)
			}
			return get(name)
		},
	},
	{
		Name: "variables", Category: CategoryDeployment, Signature: "variables(variableName)",
		Description: "Returns the value of a template variable; the name is case-insensitive.",
		MinArgs:     1, MaxArgs: 1, restrictedBy: ForbidVariables, Impl: func(c Call, args []Value) (Value, error) {
			name, err := c.str(args, 0)
			if err != nil {
				return Null, err
			}
			get := c.Context().Variables
			if get == nil {
				return Null, c.Errorf(ErrNotFound, "The template variable '%s' is not found.%s", name, usage)
			}
			return get(name)
		},
	},
	{
		Name: "deployment", Category: CategoryDeployment, Signature: "deployment()",
		Description: "Returns information about the current deployment: its name and properties (template, templateLink for linked templates, parameters, mode).",
		MinArgs:     0, MaxArgs: 0, Impl: deploymentImpl,
	},
	{
		Name: "environment", Category: CategoryDeployment, Signature: "environment()",
		Description: "Returns the endpoints and suffixes of the Azure environment (AzureCloud).",
		MinArgs:     0, MaxArgs: 0, Impl: func(Call, []Value) (Value, error) { return azureCloud(), nil },
	},
	{
		Name: "deployer", Category: CategoryDeployment, Signature: "deployer()",
		Description: "Returns the object id, tenant id and user principal name of the identity running the deployment.",
		MinArgs:     0, MaxArgs: 0, Impl: func(c Call, _ []Value) (Value, error) {
			d := &c.Context().Deployment
			return objectOf("objectId", String(d.DeployerObjectID), "tenantId", String(d.TenantID),
				"userPrincipalName", String(d.DeployerUPN)), nil
		},
	},
	{
		Name: "fail", Category: CategoryDeployment, Signature: "fail(message)",
		Description: "Stops the deployment with an error carrying the given message.",
		MinArgs:     1, MaxArgs: 1, Impl: func(c Call, args []Value) (Value, error) {
			return Null, c.Errorf(ErrArgumentValue, "%s", FormatText(args[0]))
		},
	},
}

func deploymentImpl(c Call, _ []Value) (Value, error) {
	d := &c.Context().Deployment
	props := NewObject(7)
	if d.TemplateLinkURI != "" {
		props.Set("templateLink", objectOf("uri", String(d.TemplateLinkURI)))
	} else if d.TemplateLinkID != "" {
		props.Set("templateLink", objectOf("id", String(d.TemplateLinkID)))
	}
	tmpl := d.Template
	if tmpl.IsNull() {
		tmpl = ObjectValue(NewObject(0))
	}
	props.Set("template", tmpl)
	h := fnv.New64a()
	_, _ = h.Write([]byte(tmpl.JSON()))
	props.Set("templateHash", String(strconv.FormatUint(h.Sum64(), 10)))
	params := d.Parameters
	if params.IsNull() {
		params = ObjectValue(NewObject(0))
	}
	props.Set("parameters", params)
	mode := d.Mode
	if mode == "" {
		mode = "Incremental"
	}
	props.Set("mode", String(mode))
	props.Set("debugSetting", objectOf("detailLevel", String("None")))
	props.Set("provisioningState", String("Accepted"))
	out := NewObject(3)
	out.Set("name", String(d.Name))
	out.Set("properties", ObjectValue(props))
	if d.Scope != ScopeResourceGroup && d.Location != "" {
		out.Set("location", String(d.Location))
	}
	return ObjectValue(out), nil
}

// azureCloud returns environment() for the public Azure cloud (arm-spec §4.5).
func azureCloud() Value {
	return objectOf(
		"name", String("AzureCloud"),
		"gallery", String("https://gallery.azure.com/"),
		"graph", String("https://graph.windows.net/"),
		"portal", String("https://portal.azure.com"),
		"graphAudience", String("https://graph.windows.net/"),
		"activeDirectoryDataLake", String("https://datalake.azure.net/"),
		"batch", String("https://batch.core.windows.net/"),
		"media", String("https://rest.media.azure.net"),
		"sqlManagement", String("https://management.core.windows.net:8443/"),
		"vmImageAliasDoc", String("https://raw.githubusercontent.com/Azure/azure-rest-api-specs/master/arm-compute/quickstart-templates/aliases.json"),
		"resourceManager", String("https://management.azure.com/"),
		"authentication", objectOf(
			"loginEndpoint", String("https://login.microsoftonline.com/"),
			"audiences", ArrayOf(String("https://management.core.windows.net/"), String("https://management.azure.com/")),
			"tenant", String("common"),
			"identityProvider", String("AAD"),
		),
		"suffixes", objectOf(
			"acrLoginServer", String(".azurecr.io"),
			"azureDatalakeAnalyticsCatalogAndJob", String("azuredatalakeanalytics.net"),
			"azureDatalakeStoreFileSystem", String("azuredatalakestore.net"),
			"azureFrontDoorEndpointSuffix", String("azurefd.net"),
			"keyvaultDns", String(".vault.azure.net"),
			"sqlServerHostname", String(".database.windows.net"),
			"storage", String("core.windows.net"),
		),
	)
}
