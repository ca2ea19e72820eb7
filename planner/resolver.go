package planner

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/armdeploy/armdeploy/evaluator"
	"github.com/armdeploy/armdeploy/providers"
	"github.com/armdeploy/armdeploy/schema"
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
		// A name the template does not declare (declared names reach
		// here as ids).
		if r.Strict {
			return evaluator.Null, fmt.Errorf("The template reference '%s' is not valid: could not find template resource or resource copy with this name. Please see https://aka.ms/arm-template-expressions/#reference for usage details.", nameOrID)
		}
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
	if errors.Is(err, state.ErrNotFound) && implicitChild(nameOrID) {
		for _, a := range ancestors(nameOrID) {
			if r.Pending != nil && r.Pending(a) {
				return evaluator.UnknownValue(fmt.Sprintf("reference('%s')", nameOrID)), nil
			}
			if p, perr := r.Store.Resource(ctx, a); perr == nil {
				return implicitProperties(ctx, r.Store, nameOrID, p), nil
			}
		}
	}
	if errors.Is(err, state.ErrNotFound) {
		if v, ok := r.inlineChild(ctx, nameOrID, full); ok {
			return v, nil
		}
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
			// The full object names where the resource lives, as ARM's does.
			if sc, err := state.ParseScope(nameOrID[:max(strings.Index(strings.ToLower(nameOrID), "/providers/"), 0)]); err == nil {
				if sc.SubscriptionID != "" && !o.Has("subscriptionId") {
					o.Set("subscriptionId", evaluator.String(sc.SubscriptionID))
				}
				if sc.ResourceGroup != "" && !o.Has("resourceGroupName") {
					o.Set("resourceGroupName", evaluator.String(sc.ResourceGroup))
				}
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

// inlineChild answers reference() of a child its parent's body declares
// inline, as Azure makes one: a subnet in its virtual network's
// properties.subnets, a rule in its security group's
// properties.securityRules. The child's properties, or with full the
// element itself with the child's id and type.
func (r *Resolver) inlineChild(ctx context.Context, id string, full bool) (evaluator.Value, bool) {
	parents := ancestors(id)
	typ, names := typeAndNames(id)
	if len(parents) == 0 || len(names) < 2 {
		return evaluator.Null, false
	}
	p, err := r.Store.Resource(ctx, parents[0])
	if err != nil {
		return evaluator.Null, false
	}
	body, err := evaluator.ParseJSON(string(p.Body))
	if err != nil {
		return evaluator.Null, false
	}
	props, _ := body.Get("properties")
	list, _ := props.Get(typ[strings.LastIndexByte(typ, '/')+1:])
	elems, _ := list.AsArray()
	for _, e := range elems {
		n, _ := e.Get("name")
		if name, ok := n.AsString(); !ok || !strings.EqualFold(name, names[len(names)-1]) {
			continue
		}
		if !full {
			cp, ok := e.Get("properties")
			if !ok {
				cp = evaluator.ObjectValue(evaluator.NewObject(0))
			}
			return cp, true
		}
		o, ok := e.AsObject()
		if !ok {
			return evaluator.Null, false
		}
		o = o.Clone()
		o.Set("id", evaluator.String(id))
		o.Set("type", evaluator.String(typ))
		o.Set("apiVersion", evaluator.String(p.APIVersion))
		return evaluator.ObjectValue(o), true
	}
	return evaluator.Null, false
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

// List answers list*() calls of a stored resource with the deterministic
// keys, secrets and URLs of [listAnswer]; a resource this deployment still
// has to write is unknown, one that is neither stored nor pending is
// unknown while planning and ARM's ResourceNotFound when deploying. A few
// children exist without being declared, because Azure makes them with
// their parent (a namespace's RootManageSharedAccessKey, a site's
// publishing credentials and host keys, a workflow's triggers): those
// answer once the parent is stored.
func (r *Resolver) List(action, resourceID, apiVersion string, body evaluator.Value) (evaluator.Value, error) {
	unknown := evaluator.UnknownValue(fmt.Sprintf("%s('%s', '%s')", action, resourceID, apiVersion))
	if !strings.HasPrefix(resourceID, "/") {
		// A name the template does not declare (declared names reach
		// here as ids).
		if r.Strict {
			return evaluator.Null, fmt.Errorf("The template reference '%s' is not valid: could not find template resource or resource copy with this name. Please see https://aka.ms/arm-template-expressions/#reference for usage details.", resourceID)
		}
		return unknown, nil
	}
	ctx := r.context()
	if err := r.authorize(ctx, providers.Action("", resourceID)+action+"/action", resourceID); err != nil {
		return evaluator.Null, err
	}
	if r.Pending != nil && r.Pending(resourceID) {
		return unknown, nil
	}
	s, err := r.Store.Resource(ctx, resourceID)
	if err == nil {
		return listAnswer(action, resourceID, apiVersion, s, s.Created), nil
	} else if !errors.Is(err, state.ErrNotFound) {
		return evaluator.Null, err
	}
	if implicitChild(resourceID) {
		for _, a := range ancestors(resourceID) {
			if r.Pending != nil && r.Pending(a) {
				return unknown, nil
			}
			if p, err := r.Store.Resource(ctx, a); err == nil {
				return listAnswer(action, resourceID, apiVersion, nil, p.Created), nil
			}
		}
	}
	if !r.Strict {
		return unknown, nil
	}
	return evaluator.Null, notFound(resourceID)
}

// implicitChild reports whether a resource id names a child that Azure
// creates with its parent.
func implicitChild(id string) bool {
	typ, names := typeAndNames(id)
	lt := strings.ToLower(typ)
	switch {
	case strings.HasSuffix(lt, "/authorizationrules"):
		return len(names) > 0 && strings.EqualFold(names[len(names)-1], "RootManageSharedAccessKey") ||
			strings.HasPrefix(lt, "microsoft.notificationhubs/") && strings.EqualFold(names[len(names)-1], "DefaultFullSharedAccessSignature")
	case lt == "microsoft.web/sites/config", lt == "microsoft.web/sites/slots/config", lt == "microsoft.web/sites/host",
		lt == "microsoft.web/sites/functions", strings.HasPrefix(lt, "microsoft.logic/workflows/"),
		lt == "microsoft.devices/iothubs/iothubkeys", lt == "microsoft.resources/deploymentscripts/logs",
		lt == "microsoft.web/hostingenvironments/configurations":
		return true
	case lt == "microsoft.machinelearningservices/workspaces/environments":
		// The curated environments every workspace has.
		return len(names) == 2 && strings.HasPrefix(names[1], "AzureML-")
	}
	return false
}

// Providers answers providers(namespace, type) from the api-version
// tables: {resourceType, locations, apiVersions}, newest version first,
// every public region; without a type, the namespace with all its types.
// A type no table knows is ARM's InvalidResourceType error.
func (r *Resolver) Providers(namespace, resourceType string) (evaluator.Value, error) {
	entry := func(t string) (evaluator.Value, bool) {
		vs := schema.SupportedAPIVersions(t)
		if len(vs) == 0 {
			vs = schema.SpecAPIVersions(t)
		}
		if len(vs) == 0 {
			return evaluator.Null, false
		}
		vs = slices.Clone(vs)
		sort.Sort(sort.Reverse(sort.StringSlice(vs)))
		versions := make([]evaluator.Value, len(vs))
		for i, v := range vs {
			versions[i] = evaluator.String(v)
		}
		var locations []evaluator.Value
		for _, g := range providers.Regions() {
			locations = append(locations, evaluator.String(g.DisplayName))
		}
		_, rest, _ := strings.Cut(t, "/")
		o := evaluator.NewObject(3)
		o.Set("resourceType", evaluator.String(rest))
		o.Set("locations", evaluator.Array(locations))
		o.Set("apiVersions", evaluator.Array(versions))
		return evaluator.ObjectValue(o), true
	}
	if resourceType != "" {
		if v, ok := entry(namespace + "/" + resourceType); ok {
			return v, nil
		}
		return evaluator.Null, fmt.Errorf("The resource type '%s' could not be found in the namespace '%s'.", resourceType, namespace)
	}
	var types []evaluator.Value
	prefix := strings.ToLower(namespace) + "/"
	for _, t := range schema.SpecTypes() {
		if strings.HasPrefix(strings.ToLower(t), prefix) {
			if v, ok := entry(t); ok {
				types = append(types, v)
			}
		}
	}
	if len(types) == 0 {
		return evaluator.Null, fmt.Errorf("The resource namespace '%s' is invalid.", namespace)
	}
	o := evaluator.NewObject(3)
	o.Set("namespace", evaluator.String(namespace))
	o.Set("registrationState", evaluator.String("Registered"))
	o.Set("resourceTypes", evaluator.Array(types))
	return evaluator.ObjectValue(o), nil
}

// PickZones answers pickZones() from the region table: a zonal type in a
// zoned region gets logical zones, anything else none.
func (r *Resolver) PickZones(namespace, resourceType, location string, count, offset int64) (evaluator.Value, error) {
	zones, err := providers.PickZones(namespace, resourceType, location, count, offset)
	if err != nil {
		return evaluator.Null, err
	}
	out := make([]evaluator.Value, len(zones))
	for i, z := range zones {
		out[i] = evaluator.String(z)
	}
	return evaluator.Array(out), nil
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
