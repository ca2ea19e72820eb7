package arm

import (
	"context"
	"errors"
	"fmt"
	"path"
	"path/filepath"
	"strings"

	"github.com/armdeploy/armdeploy/evaluator"
	"github.com/armdeploy/armdeploy/state"
	"github.com/armdeploy/armdeploy/templates"
	"github.com/armdeploy/armdeploy/templates/diag"
)

// Scope is where a deployment runs and is recorded: the tenant (every
// field empty), a management group, a subscription, or a resource group.
type Scope = state.Scope

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

// checkTemplateScope refuses an unsupported $schema version (Azure's
// error) and a template deployed at a scope its $schema was not written
// for. Azure has no error for the latter (its engine does not read
// $schema; what the scope lacks fails later, after writes); refusing it
// before anything is written is kinder, and the message names the command
// that deploys it.
func checkTemplateScope(l *Loaded, sc Scope) diag.Diagnostics {
	ds := evaluator.CheckTemplateScope(l.Template, evaluator.Scope(scopeKind(sc)))
	for i, d := range ds {
		if d.Code != evaluator.CodeTemplateScopeMismatch {
			continue
		}
		ds[i].Severity, ds[i].Code = diag.Error, templates.CodeInvalidTemplate
		ds[i].Message = fmt.Sprintf("The template's $schema '%s' is written for a %s deployment; it cannot be deployed at %s scope. Deploy it with 'armdeploy deployment %s create'.",
			l.Template.Schema, kindText[l.Template.Scope], levelText(sc), commandLevel[l.Template.Scope])
	}
	return ds
}

// kindText names each template scope in messages.
var kindText = map[templates.Scope]string{templates.ScopeResourceGroup: "resource group", templates.ScopeSubscription: "subscription",
	templates.ScopeManagementGroup: "management group", templates.ScopeTenant: "tenant"}

// commandLevel is the 'armdeploy deployment' group of each template scope.
var commandLevel = map[templates.Scope]string{templates.ScopeResourceGroup: "group", templates.ScopeSubscription: "sub",
	templates.ScopeManagementGroup: "mg", templates.ScopeTenant: "tenant"}

// leaseScope is the lease a deployment at sc holds: one deployment writes a
// scope at a time.
func leaseScope(sc Scope) string { return lower(sc.ID()) }

// normalize fills a request's defaults and checks what needs no template:
// the name, the mode, that the caller may perform action (a deployment
// operation, checked on the deployment's id, or "read", checked on the
// scope) before anything of the scope is read, and the target scope (the
// group's location for resourceGroup(); ResourceGroupNotFound when the
// group must exist).
func (s *Service) normalize(ctx context.Context, req *DeploymentRequest, mustExist bool, action string) error {
	if req.Name == "" {
		base := filepath.Base(req.Template.File)
		switch {
		case req.Template.SpecID != "" && req.Template.Content == nil:
			base = specNameOf(req.Template.SpecID)
		case req.Template.File == "":
			base = path.Base(withoutQuery(req.Template.LinkURI))
		}
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
	target := DeploymentID(req.Scope, req.Name)
	if action == "read" {
		target = req.Scope.ID()
	}
	if err := s.authorize(ctx, req.Principal, action, target); err != nil {
		return err
	}
	if req.Location == "" {
		req.Location = DefaultLocation
	}
	req.groupLocation = req.Location
	if req.Scope.ResourceGroup == "" {
		return nil
	}
	if s.reader == nil { // no store yet: no group exists
		if mustExist && !req.CreateGroup {
			return groupNotFound(req.Scope.ResourceGroup)
		}
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
func levelText(sc Scope) string { return kindText[scopeKind(sc)] }
