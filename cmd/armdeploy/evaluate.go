package main

import (
	"github.com/armdeploy/armdeploy/evaluator"
	"github.com/armdeploy/armdeploy/planner"
	"github.com/armdeploy/armdeploy/planner/dag"
	"github.com/armdeploy/armdeploy/templates"
	"github.com/armdeploy/armdeploy/templates/diag"
)

// evaluated is a template with every value evaluated for one deployment
// context: parameters, variables, resources and outputs.
type evaluated struct {
	Parameters map[string]evaluator.Value // by declared name; secure ones are marked
	Resources  []*evaluator.Resource
	Outputs    []evaluator.OutputValue
	Graph      *dag.Graph
	// Eval is the evaluation, kept so that resources and outputs can be
	// evaluated again (with parameters and variables as they were) once
	// deployed resources answer reference().
	Eval *evaluator.Template
}

// deployment returns the evaluation context the flags describe.
func (f *deploymentFlags) deployment(t *templates.Template) evaluator.Deployment {
	return evaluator.Deployment{
		Scope:                 evaluator.Scope(t.Scope),
		Name:                  f.Name,
		SubscriptionID:        f.Subscription,
		SubscriptionName:      "armdeploy",
		TenantID:              f.Tenant,
		ResourceGroup:         f.ResourceGroup,
		ResourceGroupLocation: f.Location,
		Location:              f.Location,
		Mode:                  "Incremental",
	}
}

// evaluate runs the evaluator over a loaded template. reference() and
// list*() stay unknown: nothing is deployed. Problems are added to l.Diags.
func evaluate(l *loaded, f *deploymentFlags, streams *IOStreams) *evaluated {
	return evaluateWith(l, f, streams, evaluator.UnknownResolver{})
}

// evaluateWith is evaluate with the resolver that answers reference().
func evaluateWith(l *loaded, f *deploymentFlags, streams *IOStreams, resolver evaluator.Resolver) *evaluated {
	if l.blocked {
		return nil
	}
	ev, ds := expandTemplate(l, f, streams, resolver)
	l.Diags = append(l.Diags, ds...).Dedup()
	l.Diags.SortByFiles(l.order)
	return ev
}

// expandTemplate evaluates the template and returns what it found; it does
// not touch l.Diags, so that a deployment can expand again as resources
// come into being.
func expandTemplate(l *loaded, f *deploymentFlags, streams *IOStreams, resolver evaluator.Resolver) (*evaluated, diag.Diagnostics) {
	e := evaluator.NewTemplate(l.Template, l.Params, evaluator.Options{
		Deployment: f.deployment(l.Template),
		Resolver:   resolver,
		Now:        streams.Now,
		Random:     streams.Random,
		Sources:    l.Sources,
	})
	var ds diag.Diagnostics
	ds = append(ds, e.CheckValues()...)
	out := &evaluated{Parameters: map[string]evaluator.Value{}}
	for _, p := range l.Template.Parameters {
		if v, err := e.Parameter(p.Name); err == nil {
			out.Parameters[p.Name] = v
		}
	}
	var more diag.Diagnostics
	out.Resources, more = e.Resources()
	ds = append(ds, more...)
	out.Graph, more = planner.Graph(out.Resources)
	ds = append(ds, more...)
	ds = append(ds, planner.ValidateBodies(out.Resources)...)
	out.Outputs, more = e.Outputs()
	ds = append(ds, more...)
	out.Eval = e
	return out, ds
}
