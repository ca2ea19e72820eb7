package arm

import (
	"context"
	"errors"
	"path/filepath"
	"strings"

	"github.com/armdeploy/armdeploy/state"
	"github.com/armdeploy/armdeploy/templates"
	"github.com/armdeploy/armdeploy/templates/diag"
)

// Scope is where a deployment runs and is recorded: the tenant (every
// field empty), a management group, a subscription, or a resource group.
type Scope = state.Scope

// Scope levels, as ARM names them in deployment records.
const (
	LevelResourceGroup   = "resourceGroup"
	LevelSubscription    = "subscription"
	LevelManagementGroup = "managementGroup"
	LevelTenant          = "tenant"
)

// scopeKind maps a scope to the template scope written for it.
func scopeKind(sc Scope) templates.Scope {
	switch {
	case sc.ResourceGroup != "":
		return templates.ScopeResourceGroup
	case sc.SubscriptionID != "":
		return templates.ScopeSubscription
	case sc.ManagementGroup != "":
		return templates.ScopeManagementGroup
	}
	return templates.ScopeTenant
}

// checkTemplateScope refuses a template deployed at a scope its $schema
// was not written for, as ARM does.
func checkTemplateScope(l *Loaded, sc Scope) diag.Diagnostics {
	if d := templateScopeMismatch(l.Template, scopeKind(sc)); d != nil {
		return diag.Diagnostics{*d}
	}
	return nil
}

// leaseScope is the lease a deployment at sc holds: one deployment writes a
// scope at a time.
func leaseScope(sc Scope) string { return lower(sc.ID()) }

// normalize fills a request's defaults and checks what needs no template:
// the name, the mode, and the target scope (the group's location for
// resourceGroup(); ResourceGroupNotFound when the group must exist).
func (s *Service) normalize(ctx context.Context, req *DeploymentRequest, mustExist bool) error {
	if req.Name == "" {
		base := filepath.Base(req.Template.File)
		req.Name = strings.TrimSuffix(base, filepath.Ext(base))
	}
	if len(req.Name) > 64 {
		return &Error{Code: "InvalidDeploymentName", Status: 400, BadRequest: true,
			Message: "The deployment name '" + req.Name + "' is longer than 64 characters."}
	}
	switch strings.ToLower(req.Mode) {
	case "", "incremental":
		req.Mode = "Incremental"
	case "complete":
		req.Mode = "Complete"
		if req.Scope.ResourceGroup == "" {
			return Errorf(400, "InvalidDeploymentMode", "The deployment mode 'Complete' is not supported for deployments at %s scope; only resource group deployments can use it.", levelText(req.Scope))
		}
	default:
		return &Error{Code: "InvalidDeploymentMode", Status: 400, BadRequest: true,
			Message: "The deployment mode '" + req.Mode + "' is not valid: use Incremental or Complete."}
	}
	if req.Location == "" {
		req.Location = DefaultLocation
	}
	req.groupLocation = req.Location
	if req.Scope.ResourceGroup == "" || s.reader == nil {
		return nil
	}
	g, err := s.reader.Group(ctx, req.Scope.SubscriptionID, req.Scope.ResourceGroup)
	switch {
	case err == nil:
		req.groupLocation = g.Location
		req.groupExists = true
	case !errors.Is(err, state.ErrNotFound):
		return err
	case mustExist && !req.CreateGroup:
		return groupNotFound(req.Scope.ResourceGroup)
	}
	return nil
}

// levelText names a scope's level in messages: "resource group",
// "subscription", "management group", "tenant".
func levelText(sc Scope) string {
	switch scopeKind(sc) {
	case templates.ScopeResourceGroup:
		return "resource group"
	case templates.ScopeSubscription:
		return "subscription"
	case templates.ScopeManagementGroup:
		return "management group"
	}
	return "tenant"
}

// supportedSchemas are the template schema versions ARM accepts at each
// scope, as its InvalidTemplate error lists them.
var supportedSchemas = map[templates.Scope]string{
	templates.ScopeResourceGroup:   "2014-04-01-preview,2015-01-01,2019-04-01",
	templates.ScopeSubscription:    "2018-05-01,2019-04-01,2019-08-01",
	templates.ScopeManagementGroup: "2019-08-01",
	templates.ScopeTenant:          "2019-08-01",
}

// templateScopeMismatch is ARM's refusal of a template whose $schema was
// written for another scope than the one deployed to, positioned on the
// $schema.
func templateScopeMismatch(t *templates.Template, at templates.Scope) *diag.Diagnostic {
	if t.Scope == at {
		return nil
	}
	d := &diag.Diagnostic{Severity: diag.Error, Code: templates.CodeInvalidTemplate,
		Message: "The template schema '" + t.Schema + "' is not supported. Supported versions are '" + supportedSchemas[at] +
			"'. Please see https://aka.ms/arm-template for usage details."}
	if n := t.Root.Get("$schema"); n != nil {
		d.Range = n.Range()
		d.Target = "$schema"
	}
	return d
}
