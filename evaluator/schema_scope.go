package evaluator

import (
	"fmt"
	"strings"

	"github.com/armdeploy/armdeploy/templates"
	"github.com/armdeploy/armdeploy/templates/diag"
)

// SupportedSchemaVersions are the deploymentTemplate schema versions ARM
// accepts, as its refusal lists them. ARM accepts each of them at every
// scope: it checks the version of $schema, not which scope's schema file
// it names.
const SupportedSchemaVersions = "2014-04-01-preview,2015-01-01,2018-05-01,2019-04-01,2019-08-01"

// CodeTemplateScopeMismatch is armdeploy's warning code for a template
// whose $schema is written for another scope than the one it is deployed
// at. ARM has no such error: it deploys the template and fails only where
// a resource or function does not fit the scope.
const CodeTemplateScopeMismatch = "TemplateScopeMismatch"

// schemaFileScopes maps each deploymentTemplate schema file to its scope.
var schemaFileScopes = map[string]Scope{
	"deploymenttemplate.json":                ScopeResourceGroup,
	"subscriptiondeploymenttemplate.json":    ScopeSubscription,
	"managementgroupdeploymenttemplate.json": ScopeManagementGroup,
	"tenantdeploymenttemplate.json":          ScopeTenant,
}

// CheckTemplateScope checks the $schema of a template that is deployed at
// scope at, for front-ends to call before evaluating a root template. A
// template without $schema is not checked (the JSON Schema reports it).
//
//   - A schema version ARM does not support is ARM's InvalidTemplate error,
//     on the $schema value, in Azure's words (the same list at every scope):
//     "Template schema 'https://schema.management.azure.com/schemas/2020-01-01/deploymentTemplate.json#'
//     is not supported. Supported versions are
//     '2014-04-01-preview,2015-01-01,2018-05-01,2019-04-01,2019-08-01'.
//     Please see https://aka.ms/arm-template for usage details."
//   - A supported schema written for another scope (a
//     subscriptionDeploymentTemplate.json deployed to a resource group, say)
//     is a warning, [CodeTemplateScopeMismatch]: Azure deploys such a
//     template (its deployment engine does no schema validation, and a
//     template may be valid at several scopes) and fails later, where a
//     function or resource type does not exist at the scope. There is no
//     Azure text for it to copy.
func CheckTemplateScope(t *templates.Template, at Scope) diag.Diagnostics {
	if t == nil || t.Schema == "" {
		return nil
	}
	d := diag.Diagnostic{Target: "$schema", Path: t.Pointer + "/$schema"}
	if t.Root != nil {
		if n := t.Root.Get("$schema"); n != nil {
			d.Range = n.Range()
		}
	}
	version, file := schemaParts(t.Schema)
	if !supportedVersion(version) {
		d.Severity, d.Code = diag.Error, templates.CodeInvalidTemplate
		d.Message = fmt.Sprintf("Template schema '%s' is not supported. Supported versions are '%s'. Please see https://aka.ms/arm-template for usage details.", t.Schema, SupportedSchemaVersions)
		return diag.Diagnostics{d}
	}
	written, known := schemaFileScopes[file]
	if !known || written == at {
		return nil
	}
	d.Severity, d.Code = diag.Warning, CodeTemplateScopeMismatch
	d.Message = fmt.Sprintf("The template's $schema '%s' is written for a %s deployment, but the template is deployed at %s scope. "+
		"Azure deploys it anyway; resource types and functions that the %s scope does not have fail where they are used.", t.Schema, written, at, at)
	return diag.Diagnostics{d}
}

// schemaParts returns the version ("2019-04-01") and the lower-cased file
// name ("deploymenttemplate.json") of a $schema URI of the form
// .../schemas/{version}/{file}#.
func schemaParts(schema string) (version, file string) {
	s := strings.TrimSuffix(strings.TrimSpace(schema), "#")
	i := strings.Index(strings.ToLower(s), "/schemas/")
	if i < 0 {
		return "", ""
	}
	rest := strings.Split(s[i+len("/schemas/"):], "/")
	if len(rest) != 2 {
		return "", ""
	}
	return rest[0], strings.ToLower(rest[1])
}

func supportedVersion(v string) bool {
	for _, s := range strings.Split(SupportedSchemaVersions, ",") {
		if strings.EqualFold(s, v) {
			return true
		}
	}
	return false
}
