package arm

import (
	"context"
	"encoding/json"
	"slices"

	"github.com/armdeploy/armdeploy/evaluator"
	"github.com/armdeploy/armdeploy/planner"
	"github.com/armdeploy/armdeploy/planner/dag"
	"github.com/armdeploy/armdeploy/templates"
	"github.com/armdeploy/armdeploy/templates/diag"
)

// Expansion is a template evaluated for one deployment context:
// parameters, variables, resources (copy loops, conditions, nested
// deployments expanded) and outputs, with every problem found.
type Expansion struct {
	*Loaded
	// Parameters are the values by declared name; secure ones are marked.
	Parameters map[string]evaluator.Value
	Resources  []*evaluator.Resource
	Outputs    []evaluator.OutputValue
	Graph      *dag.Graph
	// eval is kept so that resources and outputs can be evaluated again
	// (with parameters and variables as they were) once deployed
	// resources answer reference().
	eval *evaluator.Template
	// readStore is set when the first evaluation read the store (see
	// storeReads): evaluating again may give other resources.
	readStore bool
}

// Failed reports whether the template or its parameters have errors.
func (x *Expansion) Failed() bool { return x.Diags.HasErrors() }

// context returns the evaluation context of a deployment request.
func (s *Service) context(req *DeploymentRequest, l *Loaded) evaluator.Deployment {
	sc := req.Scope
	d := evaluator.Deployment{
		Scope:            evaluator.Scope(scopeKind(sc)),
		Name:             req.Name,
		SubscriptionID:   sc.SubscriptionID,
		SubscriptionName: "armdeploy",
		TenantID:         s.opts.Tenant,
		ResourceGroup:    sc.ResourceGroup,
		ManagementGroup:  sc.ManagementGroup,
		Location:         req.Location,
		Mode:             "Incremental",
		TemplateLinkURI:  req.Template.LinkURI,
		TemplateLinkID:   req.Template.SpecID,
		DeployerObjectID: req.Principal,
	}
	if sc.ResourceGroup != "" {
		d.ResourceGroupLocation = req.groupLocation
	}
	if sc.ManagementGroup != "" {
		d.ManagementGroupDisplayName, d.ManagementGroupParent = s.managementGroupInfo(sc.ManagementGroup)
	}
	return d
}

// managementGroupInfo returns a stored management group's display name and
// parent id ("" when the store does not hold it).
func (s *Service) managementGroupInfo(name string) (display, parent string) {
	r, err := s.reader.Resource(context.Background(), "/providers/Microsoft.Management/managementGroups/"+name)
	if err != nil {
		return "", ""
	}
	var body struct {
		Properties struct {
			DisplayName string
			Details     struct{ Parent struct{ ID string } }
		}
	}
	if json.Unmarshal(r.Body, &body) != nil {
		return "", ""
	}
	return body.Properties.DisplayName, body.Properties.Details.Parent.ID
}

// Expand loads and evaluates the request's template without touching the
// store (reference() and list*() to deployed resources stay unknown) and
// without checking the target: what 'armdeploy expand' and 'graph' show.
func (s *Service) Expand(ctx context.Context, req *DeploymentRequest) (*Expansion, error) {
	if err := s.normalize(ctx, req, false, "read"); err != nil {
		return nil, err
	}
	return s.expand(ctx, req, evaluator.UnknownResolver{})
}

// expand loads the template and, when the checks before evaluation pass,
// evaluates it with resolver answering reference().
func (s *Service) expand(ctx context.Context, req *DeploymentRequest, resolver evaluator.Resolver) (*Expansion, error) {
	if err := s.loadSpecTemplate(req); err != nil {
		return nil, err
	}
	l, err := load(&req.Template)
	if err != nil {
		return nil, err
	}
	if _, offline := resolver.(evaluator.UnknownResolver); !offline {
		// Expand reads nothing deployed: a Key Vault reference stays a
		// warning and its value unknown there.
		s.resolveKeyVaultReferences(ctx, req, l)
	}
	x := &Expansion{Loaded: l, Parameters: map[string]evaluator.Value{}}
	if l.Template != nil && req.ScopeFromTemplate {
		switch l.Template.Scope {
		case templates.ScopeResourceGroup:
			return nil, badRequest("the resource group is required: -g/--resource-group")
		case templates.ScopeManagementGroup:
			return nil, badRequest("the management group is required: -m/--management-group-id")
		case templates.ScopeTenant:
			req.Scope = Scope{}
		}
	}
	if l.Template != nil {
		ds := checkTemplateScope(l, req.Scope)
		if ds.HasErrors() {
			// Azure's refusal of the schema says more than the loader's
			// warning that it does not know it.
			l.Diags = slices.DeleteFunc(l.Diags, func(d diag.Diagnostic) bool { return d.Code == templates.CodeUnknownSchema })
		}
		l.add(ds)
	}
	// With no error so far, the template evaluates while its schema check
	// runs (each is a third of the work of a large template): what the
	// check then refuses is dropped below as if it had run first.
	var ds diag.Diagnostics
	evaluated := false
	if l.checking() && !l.blocked && !l.Diags.HasErrors() {
		ds, evaluated = x.evaluate(s.context(req, l), s, resolver), true
	}
	l.joinCheck()
	var refused map[*templates.Resource]bool
	if l.blocked || l.Diags.HasErrors() {
		// Errors confined to resource declarations (an unknown api-version,
		// a body against its schema) leave the rest of the template to
		// check: those declarations' own evaluation is not reported again.
		only := false
		if l.Template != nil {
			refused, only = faultyDeclarations(l.Template.AllResources(), l.Diags)
		}
		if !only {
			return &Expansion{Loaded: l, Parameters: map[string]evaluator.Value{}}, nil
		}
	}
	if !evaluated {
		ds = x.evaluate(s.context(req, l), s, resolver)
	}
	if len(refused) > 0 {
		decls := l.Template.AllResources()
		ds = slices.DeleteFunc(ds, func(d diag.Diagnostic) bool { return refused[declarationOf(decls, d)] })
	}
	l.add(ds)
	return x, nil
}

// evaluate runs the evaluator over the loaded template and returns what it
// found.
func (x *Expansion) evaluate(d evaluator.Deployment, s *Service, resolver evaluator.Resolver) diag.Diagnostics {
	l := x.Loaded
	e := evaluator.NewTemplate(l.Template, l.Params, evaluator.Options{
		Deployment: d,
		Resolver:   resolver,
		Now:        s.opts.Now,
		Random:     s.opts.Random,
		Sources:    l.Sources,

		ArtifactsRoot: l.artifactsRoot,
		NoLocalLinks:  l.noLocalLinks,
		ArtifactsMap:  l.artifactsMap,
		TemplateSpec:  s.templateSpecReader(d.DeployerObjectID),
	})
	var ds diag.Diagnostics
	ds = append(ds, e.CheckValues()...)
	for _, p := range l.Template.Parameters {
		if v, err := e.Parameter(p.Name); err == nil {
			x.Parameters[p.Name] = v
		}
	}
	var more diag.Diagnostics
	x.Resources, more = e.Resources()
	ds = append(ds, more...)
	x.Graph, more = planner.Graph(x.Resources)
	ds = append(ds, more...)
	ds = append(ds, planner.ValidateBodies(x.Resources)...)
	x.Outputs, more = e.Outputs()
	ds = append(ds, more...)
	x.eval = e
	return ds
}
