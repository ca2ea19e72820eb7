package planner

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/armdeploy/armdeploy/evaluator"
	"github.com/armdeploy/armdeploy/providers"
	"github.com/armdeploy/armdeploy/state"
)

// Resolver answers reference() and list*() from the store. A resource this
// deployment is about to create or change is unknown until it has been
// written (Pending). A resource that is neither stored nor pending is
// unknown while planning and ARM's ResourceNotFound when deploying
// (Strict).
type Resolver struct {
	Store  state.Reader
	Strict bool
	// Pending reports whether an id belongs to a resource this deployment
	// still has to write.
	Pending func(id string) bool
	Ctx     context.Context
	// Authorize, when set, checks each read of the store for the caller:
	// action is "read" or a list action's operation
	// (Microsoft.Storage/storageAccounts/listKeys/action). A denial is
	// the error reference() or list*() fails with.
	Authorize func(ctx context.Context, action, id string) error
}

// authorize asks the Authorize hook, if any.
func (r *Resolver) authorize(ctx context.Context, action, id string) error {
	if r.Authorize == nil {
		return nil
	}
	return r.Authorize(ctx, action, id)
}

// context returns the resolver's context.
func (r *Resolver) context() context.Context {
	if r.Ctx == nil {
		return context.Background()
	}
	return r.Ctx
}

var _ evaluator.Resolver = (*Resolver)(nil)

// Reference returns the properties (or, with full, the whole body) of a
// stored resource.
func (r *Resolver) Reference(nameOrID, apiVersion string, full bool) (evaluator.Value, error) {
	if !strings.HasPrefix(nameOrID, "/") {
		return evaluator.UnknownValue(fmt.Sprintf("reference('%s')", nameOrID)), nil
	}
	if r.Pending != nil && r.Pending(nameOrID) {
		return evaluator.UnknownValue(fmt.Sprintf("reference('%s')", nameOrID)), nil
	}
	ctx := r.context()
	if err := r.authorize(ctx, "read", nameOrID); err != nil {
		return evaluator.Null, err
	}
	s, err := r.Store.Resource(ctx, nameOrID)
	if errors.Is(err, state.ErrNotFound) {
		if !r.Strict {
			return evaluator.UnknownValue(fmt.Sprintf("reference('%s')", nameOrID)), nil
		}
		return evaluator.Null, notFound(nameOrID)
	} else if err != nil {
		return evaluator.Null, err
	}
	body, err := evaluator.ParseJSON(string(s.Body))
	if err != nil {
		return evaluator.Null, err
	}
	if full {
		o, ok := body.AsObject()
		if ok {
			o = o.Clone()
			if !o.Has("apiVersion") {
				o.Set("apiVersion", evaluator.String(s.APIVersion))
			}
			return evaluator.ObjectValue(o), nil
		}
		return body, nil
	}
	if p, ok := body.Get("properties"); ok {
		return p, nil
	}
	return evaluator.ObjectValue(evaluator.NewObject(0)), nil
}

// NotFoundError is ARM's ResourceNotFound for a referenced resource.
type NotFoundError struct{ Message string }

func (e *NotFoundError) Error() string { return e.Message }

// Code returns ARM's error code.
func (e *NotFoundError) Code() string { return "ResourceNotFound" }

// notFound is ARM's ResourceNotFound error for an id.
func notFound(id string) error {
	typ, name, group := "", "", ""
	if i := strings.Index(strings.ToLower(id), "/providers/"); i >= 0 {
		segs := strings.Split(id[i+len("/providers/"):], "/")
		if len(segs) >= 3 {
			typ = segs[0]
			var names []string
			for j := 1; j+1 < len(segs); j += 2 {
				typ += "/" + segs[j]
				names = append(names, segs[j+1])
			}
			name = strings.Join(names, "/")
		}
		pre := strings.Split(id[:i], "/")
		for j := 0; j+1 < len(pre); j++ {
			if strings.EqualFold(pre[j], "resourceGroups") {
				group = pre[j+1]
			}
		}
	}
	return &NotFoundError{Message: fmt.Sprintf("The Resource '%s/%s' under resource group '%s' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix", typ, name, group)}
}

// List answers list*() calls: the simulated providers have no list
// actions, so the answer is unknown.
func (r *Resolver) List(action, resourceID, apiVersion string, body evaluator.Value) (evaluator.Value, error) {
	if strings.HasPrefix(resourceID, "/") {
		if err := r.authorize(r.context(), providers.Action("", resourceID)+action+"/action", resourceID); err != nil {
			return evaluator.Null, err
		}
	}
	return evaluator.UnknownValue(fmt.Sprintf("%s('%s', '%s')", action, resourceID, apiVersion)), nil
}

// Providers answers providers(): unknown offline.
func (r *Resolver) Providers(namespace, resourceType string) (evaluator.Value, error) {
	return evaluator.UnknownResolver{}.Providers(namespace, resourceType)
}

// PickZones answers pickZones(): unknown offline.
func (r *Resolver) PickZones(namespace, resourceType, location string, count, offset int64) (evaluator.Value, error) {
	return evaluator.UnknownResolver{}.PickZones(namespace, resourceType, location, count, offset)
}

var _ evaluator.GroupResolver = (*Resolver)(nil)

// ResourceGroup answers resourceGroup() of a nested deployment into
// another group: the stored group as ARM's GET returns it; unknown while
// the deployment is about to create or change it, or when it does not
// exist yet.
func (r *Resolver) ResourceGroup(subscriptionID, name string) (evaluator.Value, error) {
	id := "/subscriptions/" + subscriptionID + "/resourceGroups/" + name
	unknown := evaluator.UnknownValue(fmt.Sprintf("resourceGroup('%s')", name))
	if r.Pending != nil && r.Pending(id) {
		return unknown, nil
	}
	ctx := r.context()
	if err := r.authorize(ctx, "read", id); err != nil {
		return evaluator.Null, err
	}
	g, err := r.Store.Group(ctx, subscriptionID, name)
	if errors.Is(err, state.ErrNotFound) {
		return unknown, nil
	} else if err != nil {
		return evaluator.Null, err
	}
	return evaluator.ParseJSON(string(GroupResource(g).Body))
}
