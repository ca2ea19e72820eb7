package evaluator

import (
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/armdeploy/armdeploy/templates"
	"github.com/armdeploy/armdeploy/templates/diag"
)

// Resource is one concrete resource of an expanded template: a declaration
// with its copy loop and condition applied and every value evaluated.
type Resource struct {
	Decl *templates.Resource
	// ID is the full resource id; it holds the unevaluated expression when
	// the name is only known at deploy time.
	ID         string
	Type       string // full type, "Microsoft.Compute/galleries/images"
	Name       string // full name, "gallery/definition"
	APIVersion string
	// Fields are the evaluated top-level members other than name, type and
	// apiVersion (location, sku, kind, tags, zones, identity, plan,
	// properties, ...), in template order.
	Fields *Object
	// DependsOn are the ids this resource waits for, in template order
	// without repeats.
	DependsOn []string
	// RefIDs are the ids reference() and list*() read in the body: no
	// dependency for ARM (only a name is), but the order an apply
	// prefers, so that what reference() reads already exists.
	RefIDs []string
	// CopyLoop and CopyIndex identify the copy instance, if any. A serial
	// loop deploys BatchSize instances at a time (0 means parallel).
	CopyLoop  string
	CopyIndex int64
	BatchSize int64
	Existing  bool
	// DeployedBy names the nested deployment whose template declares the
	// resource: the ids of the deployments from the root down, each
	// preceded by '|'; "" for the root template. Ids are unique within one
	// template, not across nested deployments.
	DeployedBy string
	// Unsupported says why the contents of a nested deployment could not
	// be expanded (a template that is only a URI away, for instance).
	Unsupported string

	key       string      // ID lower-cased, set with ID by the expansion
	dependsOn []string    // evaluated dependsOn entries, resolved in a second pass
	refs      []string    // targets of reference() and list*() in the body
	nested    []*Resource // the resources of a nested deployment
}

// Key is the resource's id lower-cased, the form ids compare in: computed
// once by the expansion (and on each call for a resource built elsewhere).
func (r *Resource) Key() string {
	if r.key != "" {
		return r.key
	}
	return strings.ToLower(r.ID)
}

// bodyMembers are the top-level members copied to a resource's Fields.
var bodyMembers = []string{"location", "sku", "kind", "tags", "zones", "identity", "plan", "properties", "managedBy", "extendedLocation"}

// Resources expands the template's resources in template order: copy loops
// become one resource per index, resources whose condition is false are left
// out, children declared inside a parent follow it with composed types and
// names, and dependsOn entries (names, type/name, ids, symbolic names, copy
// loop names) become ids. Every problem is reported.
func (e *Template) Resources() ([]*Resource, diag.Diagnostics) {
	x := &expansion{e: e, loops: map[string]bool{}}
	for _, r := range e.T.AllResources() {
		if r.Copy != nil && r.Copy.Name != "" {
			x.loops[strings.ToLower(r.Copy.Name)] = true
		}
		if r.SymbolicName != "" {
			x.loops[strings.ToLower(r.SymbolicName)] = true
		}
	}
	for _, r := range e.T.Resources {
		x.declared(r, nil)
	}
	x.resolveDependencies()
	x.countResources()
	var flat []*Resource
	for _, r := range x.out {
		flat = append(flat, r)
		flat = append(flat, r.nested...)
	}
	x.out = flat
	return x.out, x.ds
}

// countResources enforces ARM's 800 resources per template after copy
// expansion (arm-spec §2). Azure counts each template on its own: a nested
// deployment counts once in its parent, and its template's resources count
// in that template, which its own expansion checks. Instances whose
// condition is false are still resources of the expanded template. The
// error sits on the template's "resources"; when the declarations alone
// are too many, templates.NewTemplate has said so already.
func (x *expansion) countResources() {
	t := x.e.T
	n := len(x.out) + len(x.skipped)
	if n <= templates.MaxResources || len(t.AllResources()) > templates.MaxResources {
		return
	}
	d := diag.Diagnostic{Severity: diag.Error, Code: templates.CodeInvalidTemplate,
		Message: templates.LimitExceeded("resources", templates.MaxResources, n),
		Target:  templates.PathOf(t.Pointer + "/resources")}
	if t.Root != nil {
		if rn := t.Root.Get("resources"); rn != nil {
			d.Range = rn.Range()
		}
	}
	x.ds = append(x.ds, d)
}

type expansion struct {
	e   *Template
	out []*Resource
	ds  diag.Diagnostics
	// index answers lookup, built on its first call (x.out is complete
	// by then).
	index *refIndex
	// loops are the declared copy-loop and symbolic names, lower-cased: a
	// dependency on a loop of zero instances is no dependency.
	loops map[string]bool
	// skipped are declarations whose condition was false, by symbolic name,
	// name and type/name: dependencies on them are dropped.
	skipped []*Resource
	// failed are declarations that could not be evaluated (reported): a
	// dependency that may name one of them is not a second error.
	failed []*templates.Resource
}

func (x *expansion) fail(r *templates.Resource, err error) {
	x.failed = append(x.failed, r)
	d := Diagnostic(err)
	if !Derived(err) {
		d.Target = templates.PathOf(r.Pointer)
	}
	x.ds = append(x.ds, d)
}

func (x *expansion) declared(r *templates.Resource, parent *Resource) {
	if r.Copy == nil {
		x.instance(r, parent, "", 0)
		return
	}
	count, err := x.e.CopyCount(r.Copy, siteResource)
	if err != nil {
		x.fail(r, err)
		return
	}
	var batch int64
	if r.Copy.Mode == "serial" {
		batch = 1
		if r.Copy.BatchSize != nil {
			v, err := x.e.Eval(r.Copy.BatchSize)
			if err != nil {
				x.fail(r, err)
				return
			}
			if b, ok := v.AsInt(); !ok || b < 1 || b > MaxCopyCount {
				x.fail(r, &nodeError{n: r.Copy.BatchSize, msg: fmt.Sprintf("The batch size of copy loop '%s' must be an integer from 1 to %d.", r.Copy.Name, MaxCopyCount)})
				return
			} else {
				batch = b
			}
		}
	}
	start := len(x.out)
	for i := range count {
		x.e.WithLoop(r.Copy.Name, i, true, func() error {
			x.instance(r, parent, r.Copy.Name, i)
			return nil
		})
	}
	var instances []*Resource
	for _, res := range x.out[start:] {
		if res.Decl == r {
			res.BatchSize = batch
			instances = append(instances, res)
		}
	}
	// A serial loop deploys in batches: each waits for the whole batch
	// before it.
	if batch > 0 {
		for i, res := range instances {
			first := (int64(i)/batch - 1) * batch
			for j := first; j >= 0 && j < first+batch; j++ {
				res.dependsOn = append(res.dependsOn, instances[j].ID)
			}
		}
	}
}

func (x *expansion) instance(r *templates.Resource, parent *Resource, loop string, index int64) {
	e := x.e
	res := &Resource{Decl: r, Type: r.FullType, APIVersion: r.APIVersion, CopyLoop: loop, CopyIndex: index, Existing: r.Existing, DeployedBy: e.deployedBy}
	nameV, err := e.Eval(r.Name)
	if err != nil {
		x.fail(r, err)
		return
	}
	name, ok := nameV.AsString()
	switch {
	case nameV.IsUnknown():
		u, _ := nameV.AsUnknown()
		name = "[" + u.Expr + "]"
	case !ok:
		x.fail(r, &nodeError{n: r.Name, msg: fmt.Sprintf("The resource name must be a string; it evaluated to a value of type '%s'.", nameV.Kind())})
		return
	}
	if parent != nil && !strings.Contains(r.Type, ".") {
		name = parent.Name + "/" + name
	}
	if !nameV.IsUnknown() && templates.IsExpression(r.Name.Str) &&
		strings.Count(strings.Trim(res.Type, "/"), "/") != strings.Count(name, "/")+1 {
		// The rule templates checks on literal names holds for evaluated
		// ones too: a type has one segment more than its full name.
		x.fail(r, &nodeError{n: r.Name, msg: fmt.Sprintf("The template resource '%s' for type '%s' has incorrect segment lengths. A nested resource type must have identical number of segments as its resource name. A root resource type must have segment length one greater than its resource name. Please see https://aka.ms/arm-syntax-resources for usage details.", name, res.Type)})
		return
	}
	res.Name = name
	if templates.IsExpression(r.APIVersion) {
		av, err := e.Eval(r.Node.Get("apiVersion"))
		if err != nil {
			x.fail(r, err)
			return
		}
		res.APIVersion, _ = av.AsString()
	}
	id, dep, to, err := x.placement(r, res.Type, res.Name)
	if err != nil {
		x.fail(r, err)
		return
	}
	res.ID, res.key = id, strings.ToLower(id)
	if dep != "" {
		res.dependsOn = append(res.dependsOn, dep)
	}
	if r.Condition != nil {
		c, err := e.Eval(r.Condition)
		if err != nil {
			x.fail(r, err)
			return
		}
		if b, isBool := c.AsBool(); isBool && !b {
			// Azure evaluates no more of it than its id needs (type,
			// apiVersion, name, scope), and the condition does not
			// cascade to the resources declared inside it.
			x.skipped = append(x.skipped, res)
			for _, c := range r.Children {
				x.declared(c, res)
			}
			return
		} else if !isBool && !c.IsUnknown() {
			x.fail(r, &nodeError{n: r.Condition, msg: fmt.Sprintf("The condition of resource '%s' must be a boolean; it evaluated to a value of type '%s'.", name, c.Kind())})
			return
		}
	}
	res.Fields = NewObject(len(bodyMembers))
	e.refs = &res.refs
	defer func() { e.refs = nil }()
	for _, f := range r.Node.Fields {
		if !isBodyMember(f.Key) {
			continue
		}
		var v Value
		var err error
		if r.IsDeployment() && strings.EqualFold(f.Key, "properties") {
			v, err = x.deploymentProperties(f.Value)
		} else {
			v, err = e.Eval(f.Value)
		}
		if err != nil {
			x.fail(r, err)
			return
		}
		res.Fields.Set(f.Key, v)
	}
	if parent != nil {
		res.dependsOn = append(res.dependsOn, parent.ID)
	}
	for _, d := range r.DependsOn {
		v, err := e.Eval(d)
		if err != nil {
			x.fail(r, err)
			continue
		}
		if s, ok := v.AsString(); ok {
			res.dependsOn = append(res.dependsOn, s)
		} else if v.IsUnknown() {
			// Known once what it reads is deployed (a nested template's
			// parameter from an output): the entry names a resource
			// whose id is not known yet either.
		} else if !v.IsNull() {
			x.fail(r, &nodeError{n: d, msg: fmt.Sprintf("A dependsOn entry must be a string; it evaluated to a value of type '%s'.", v.Kind())})
		}
	}
	x.out = append(x.out, res)
	for _, k := range []string{r.SymbolicName, res.Name, res.Type + "/" + res.Name, relativeID(res.Type, res.Name)} {
		if k != "" {
			e.targets[strings.ToLower(k)] = res.ID
		}
	}
	if i := strings.LastIndexByte(res.Name, '/'); i >= 0 {
		// A child answers to its own last name too, as ARM's
		// reference('CustomScriptExtension') of a VM's extension does
		// (declared inside the VM or as "vm/CustomScriptExtension"),
		// unless another resource has that name.
		if short := strings.ToLower(res.Name[i+1:]); short != "" {
			if _, taken := e.targets[short]; !taken {
				e.targets[short] = res.ID
			}
		}
	}
	if strings.EqualFold(res.Type, typeResourceGroup) && !strings.Contains(res.key, "/providers/") {
		if e.groups == nil {
			e.groups = map[string]*Resource{}
		}
		e.groups[res.key] = res
	}
	if r.IsDeployment() && !r.Existing {
		res.nested = x.nested(res, r, to)
	}
	for _, c := range r.Children {
		x.declared(c, res)
	}
}

// deploymentProperties evaluates the properties of a nested deployment.
// An inner-scope template is the child's own business: it is kept as
// written, since its expressions refer to its own parameters.
func (x *expansion) deploymentProperties(n *templates.Node) (Value, error) {
	scope, err := x.nestedScope(n)
	if err != nil || scope == "outer" || n.Kind != templates.Object {
		if err != nil {
			return Null, err
		}
		return x.e.Eval(n)
	}
	obj := NewObject(len(n.Fields))
	for _, f := range n.Fields {
		if strings.EqualFold(f.Key, "template") {
			obj.Set(f.Key, NodeValue(f.Value))
			continue
		}
		v, err := x.e.Eval(f.Value)
		if err != nil {
			return Null, err
		}
		obj.Set(f.Key, v)
	}
	return ObjectValue(obj), nil
}

// scopeID evaluates the scope of an extension resource to the id it
// extends: a full id, an id relative to the resource group
// ("Microsoft.Storage/storageAccounts/sa1"), or the symbolic name of a
// resource of the template, on which the extension then depends.
func (x *expansion) scopeID(r *templates.Resource, scope string) (base, dep string, err error) {
	v, err := x.e.Eval(r.Scope)
	if err != nil {
		return "", "", err
	}
	s, ok := v.AsString()
	switch {
	case v.IsUnknown():
		return "[" + v.String() + "]", "", nil
	case !ok:
		return "", "", &nodeError{n: r.Scope, msg: fmt.Sprintf("The scope of resource '%s' must be a string; it evaluated to a value of type '%s'.", stringOr(r.Name), v.Kind())}
	case strings.HasPrefix(s, "/"):
		return strings.TrimSuffix(s, "/"), "", nil
	}
	for _, o := range x.out {
		if o.Decl.SymbolicName != "" && strings.EqualFold(o.Decl.SymbolicName, s) {
			return o.ID, o.ID, nil
		}
	}
	if id, ok := x.e.targets[strings.ToLower(s)]; ok && !strings.Contains(s, "/") {
		return id, id, nil
	}
	segs := strings.Split(strings.Trim(s, "/"), "/")
	if len(segs) < 3 || len(segs)%2 == 0 {
		return "", "", &nodeError{n: r.Scope, msg: fmt.Sprintf("The scope '%s' of resource '%s' is neither a resource id, a relative id 'Namespace/type/name' nor the symbolic name of a resource.", s, stringOr(r.Name))}
	}
	typ, name := segs[0], []string{}
	for i := 1; i+1 < len(segs); i += 2 {
		typ += "/" + segs[i]
		name = append(name, segs[i+1])
	}
	return ResourceIDAt(scope, typ, strings.Join(name, "/")), "", nil
}

func stringOr(n *templates.Node) string {
	if n != nil && n.Kind == templates.String {
		return n.Str
	}
	return ""
}

// optionalString evaluates a member that is a string when present
// (subscriptionId, resourceGroup); "" when absent.
func (x *expansion) optionalString(n *templates.Node) (string, error) {
	if n == nil {
		return "", nil
	}
	v, err := x.e.Eval(n)
	if err != nil {
		return "", err
	}
	s, _ := v.AsString()
	return s, nil
}

// typeResourceGroup is the type of a resource group, which a subscription
// deployment may declare.
const typeResourceGroup = "Microsoft.Resources/resourceGroups"

// placement returns the id of the instance named name of declaration r,
// the id of the resource it extends (which it then depends on), and, for a
// nested deployment, the place its template deploys to.
//
// A resource goes where its template is deployed (Template.at): under the
// resource group, the subscription, the management group
// ("/providers/Microsoft.Management/managementGroups/{mg}/providers/...")
// or at the tenant ("/providers/..."). subscriptionId and resourceGroup
// move an (existing) resource to another subscription or group; scope
// makes it an extension of another resource or puts it at another scope
// ("/" is the tenant). A resource group declared at subscription scope is
// /subscriptions/{sub}/resourceGroups/{name}; a management group is
// always a tenant resource.
//
// A nested deployment (Microsoft.Resources/deployments) is itself a
// resource of the scope it deploys to, not of its parent's: with
// resourceGroup set its id is
// /subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.Resources/deployments/{name}
// and its history entry lives in that group, as ARM records it (the
// deployment ids ARM's REST API has at each scope; PSRule's pre-flight
// expansion follows the same rule, Azure/PSRule.Rules.Azure#2111).
func (x *expansion) placement(r *templates.Resource, typ, name string) (id, dep string, to place, err error) {
	at := x.e.at
	if r.IsDeployment() {
		if to, err = x.deploymentTarget(r, name); err != nil {
			return "", "", place{}, err
		}
		return ResourceIDAt(to.id(), typ, name), "", to, nil
	}
	scope := at.id()
	if r.SubscriptionID != nil || r.ResourceGroup != nil {
		sub, group := at.sub, at.group
		if sub == "" {
			sub = x.e.opts.Deployment.SubscriptionID
		}
		v, err := x.optionalString(r.SubscriptionID)
		if err != nil {
			return "", "", place{}, err
		}
		if v != "" {
			sub, group = v, ""
		}
		g, err := x.optionalString(r.ResourceGroup)
		if err != nil {
			return "", "", place{}, err
		}
		switch {
		case g != "":
			group = g
		case r.SubscriptionID != nil:
			group = "" // a subscription without a group targets the subscription itself
		}
		scope = "/subscriptions/" + sub
		if group != "" {
			scope += "/resourceGroups/" + group
		}
	}
	if r.Scope != nil {
		base, dep, err := x.scopeID(r, scope)
		if err != nil {
			return "", "", place{}, err
		}
		return ResourceIDAt(base, typ, name), dep, place{}, nil
	}
	return ResourceIDAt(scope, typ, name), "", place{}, nil
}

// deploymentTarget is where a nested deployment deploys: its parent's
// place, changed by scope ("/" for the tenant,
// "Microsoft.Management/managementGroups/{mg}" or its full id,
// "subscriptions/{sub}", "subscriptions/{sub}/resourceGroups/{rg}", with
// or without the leading "/"), then subscriptionId (a subscription, or with
// resourceGroup a group in it) and resourceGroup (a group in the target
// subscription, the parent's unless given).
func (x *expansion) deploymentTarget(r *templates.Resource, name string) (place, error) {
	to := x.e.at
	if r.Scope != nil {
		v, err := x.e.Eval(r.Scope)
		if err != nil {
			return place{}, err
		}
		s, ok := v.AsString()
		if !ok || v.IsUnknown() {
			return place{}, &nodeError{n: r.Scope, msg: fmt.Sprintf("The scope of the nested deployment '%s' must be a string known before deployment; it evaluated to a value of type '%s'.", name, v.Kind())}
		}
		if to, ok = parseDeploymentScope(s); !ok {
			return place{}, &nodeError{n: r.Scope, msg: fmt.Sprintf("The scope '%s' of the nested deployment '%s' is not valid. Use '/' for the tenant, 'Microsoft.Management/managementGroups/{name}', 'subscriptions/{subscriptionId}' or 'subscriptions/{subscriptionId}/resourceGroups/{name}', or the full id of one of them.", s, name)}
		}
	}
	sub, err := x.optionalString(r.SubscriptionID)
	if err != nil {
		return place{}, err
	}
	if sub != "" {
		to = place{scope: ScopeSubscription, sub: sub}
	}
	group, err := x.optionalString(r.ResourceGroup)
	if err != nil {
		return place{}, err
	}
	if group != "" {
		if to.sub == "" {
			n := r.ResourceGroup
			return place{}, &nodeError{n: n, msg: fmt.Sprintf("The nested deployment '%s' targets the resource group '%s' from a %s deployment, which has no subscription: set its subscriptionId too.", name, group, x.e.at.scope)}
		}
		to = place{scope: ScopeResourceGroup, sub: to.sub, group: group}
	}
	return to, nil
}

// parseDeploymentScope reads the scope of a nested deployment.
func parseDeploymentScope(s string) (place, bool) {
	segs := strings.Split(strings.Trim(strings.TrimSpace(s), "/"), "/")
	if len(segs) == 1 && segs[0] == "" {
		return place{scope: ScopeTenant}, true
	}
	if len(segs) == 4 && strings.EqualFold(segs[0], "providers") {
		segs = segs[1:]
	}
	switch {
	case len(segs) == 3 && strings.EqualFold(segs[0], "Microsoft.Management") && strings.EqualFold(segs[1], "managementGroups") && segs[2] != "":
		return place{scope: ScopeManagementGroup, mg: segs[2]}, true
	case len(segs) == 2 && strings.EqualFold(segs[0], "subscriptions") && segs[1] != "":
		return place{scope: ScopeSubscription, sub: segs[1]}, true
	case len(segs) == 4 && strings.EqualFold(segs[0], "subscriptions") && strings.EqualFold(segs[2], "resourceGroups") && segs[1] != "" && segs[3] != "":
		return place{scope: ScopeResourceGroup, sub: segs[1], group: segs[3]}, true
	}
	return place{}, false
}

func isBodyMember(k string) bool {
	for _, m := range bodyMembers {
		if strings.EqualFold(m, k) {
			return true
		}
	}
	return false
}

// ResourceID builds the id of a resource in a resource group (or, with an
// empty group, in a subscription; with neither, at the tenant) from its
// full type and name:
// /subscriptions/{sub}/resourceGroups/{rg}/providers/{ns}/{t1}/{n1}/{t2}/{n2}.
func ResourceID(subscription, group, typ, name string) string {
	scope := ""
	if subscription != "" {
		scope = "/subscriptions/" + subscription
		if group != "" {
			scope += "/resourceGroups/" + group
		}
	}
	return ResourceIDAt(scope, typ, name)
}

// ResourceIDAt builds the id of a resource under a scope id ("" for the
// tenant, "/providers/Microsoft.Management/managementGroups/{mg}",
// "/subscriptions/{sub}", a resource group's or any resource's id for an
// extension) from its full type and name. A resource group under a
// subscription is /subscriptions/{sub}/resourceGroups/{name}; a
// management group is /providers/Microsoft.Management/managementGroups/{name}
// whatever the scope.
func ResourceIDAt(scope, typ, name string) string {
	segs := strings.Split(strings.Trim(typ, "/"), "/")
	names := splitName(name)
	var b strings.Builder
	b.WriteString("providers/" + segs[0])
	types := segs[1:]
	for i, t := range types {
		if i == len(names)-1 && len(names) < len(types) && strings.HasPrefix(names[i], "[") {
			// An unknown name stands for the rest of the name: the
			// remaining types come first, then the expression.
			b.WriteString("/" + strings.Join(types[i:], "/") + "/" + names[i])
			break
		}
		b.WriteString("/" + t)
		if i < len(names) {
			b.WriteString("/" + names[i])
		}
	}
	return joinID(strings.TrimSuffix(scope, "/"), b.String())
}

// splitName splits a full name at '/', except inside an unknown name's
// "[expression]", whose quoted strings may hold slashes.
func splitName(name string) []string {
	var out []string
	depth, quoted, start := 0, false, 0
	for i := 0; i < len(name); i++ {
		switch c := name[i]; {
		case c == '\'' && depth > 0:
			quoted = !quoted
		case quoted:
		case c == '[':
			depth++
		case c == ']' && depth > 0:
			depth--
		case c == '/' && depth == 0:
			out = append(out, name[start:i])
			start = i + 1
		}
	}
	return append(out, name[start:])
}

// atManagementGroup returns, in a management-group template, the id of
// the template's own resource that a tenant-form id stands for: resourceId()
// there gives "/providers/{ns}/{type}/{name}" (arm-spec §4.10) while the
// resource lives under "/providers/Microsoft.Management/managementGroups/{mg}".
// It returns "" anywhere else.
func (e *Template) atManagementGroup(id string) string {
	if e.at.scope != ScopeManagementGroup || !strings.HasPrefix(strings.ToLower(id), "/providers/") ||
		strings.HasPrefix(strings.ToLower(id), strings.ToLower(managementGroupPrefix)) {
		return ""
	}
	return managementGroupPrefix + e.at.mg + id
}

// resolveDependencies turns each evaluated dependsOn entry into the ids of
// the resources it names: an id, a name, type/name, a symbolic name or a
// copy loop name (all its instances). Entries naming a resource whose
// condition is false are dropped, as ARM does.
func (x *expansion) resolveDependencies() {
	for _, r := range x.out {
		seen := map[string]bool{}
		for _, d := range r.dependsOn {
			ids, found := x.lookup(d)
			if !found {
				if x.isSkipped(d) || x.loops[strings.ToLower(d)] || x.mayBeFailed(d) {
					continue // a false condition, a loop of no instances, or a resource already reported
				}
				x.ds = append(x.ds, diag.Diagnostic{Severity: diag.Error, Code: templates.CodeInvalidTemplate,
					Range: r.Decl.Node.Get("dependsOn").Range(), Target: templates.PathOf(r.Decl.Pointer + "/dependsOn"),
					Message: fmt.Sprintf("The resource '%s' is not defined in the template. Please see https://aka.ms/arm-template for usage details.", d)})
				continue
			}
			for _, id := range ids {
				// A loop instance does not wait for itself; any other
				// dependency on itself is a cycle the graph reports.
				if k := strings.ToLower(id); !seen[k] && !(strings.EqualFold(id, r.ID) && strings.EqualFold(d, r.CopyLoop)) {
					seen[k] = true
					r.DependsOn = append(r.DependsOn, id)
				}
			}
		}
		// reference() and list*() with the name (or symbolic name) of a
		// resource of this template depend on it; with an id they do not.
		for _, ref := range r.refs {
			if strings.HasPrefix(ref, "/") {
				if k := strings.ToLower(ref); !seen[k] && !strings.EqualFold(ref, r.ID) && !slices.Contains(r.RefIDs, ref) {
					r.RefIDs = append(r.RefIDs, ref)
				}
				continue
			}
			ids, _ := x.lookup(ref)
			for _, id := range ids {
				if k := strings.ToLower(id); !seen[k] && !strings.EqualFold(id, r.ID) {
					seen[k] = true
					r.DependsOn = append(r.DependsOn, id)
				}
			}
		}
	}
}

// mayBeFailed reports whether a dependency that matches no resource may
// name a declaration that failed to evaluate: its name is not known, so a
// reference by a bare name, or by an id or type/name of its type, follows
// from that failure (reported at its place) rather than being one more.
func (x *expansion) mayBeFailed(ref string) bool {
	for _, r := range x.failed {
		t := r.FullType
		if t == "" {
			t = r.Type
		}
		lref := strings.ToLower("/" + ref + "/")
		if r.SymbolicName != "" && strings.EqualFold(ref, r.SymbolicName) {
			return true
		}
		if n := r.Name; n != nil && n.Kind == templates.String && !templates.IsExpression(n.Str) {
			// A literal name: only a reference ending in it.
			if !strings.HasSuffix(lref, "/"+strings.ToLower(n.Str)+"/") {
				continue
			}
		}
		leaf := strings.ToLower(t[strings.LastIndex(t, "/")+1:])
		if !strings.Contains(ref, "/") || leaf != "" && strings.Contains(lref, "/"+leaf+"/") {
			return true
		}
	}
	return false
}

func (x *expansion) lookup(ref string) ([]string, bool) {
	if x.index == nil {
		x.index = newRefIndex(x.out)
	}
	var ids []string
	if pos, ok := x.index.match(ref); ok {
		for _, i := range pos {
			ids = append(ids, x.out[i].ID)
		}
	} else {
		for _, r := range x.out {
			if matchesRef(r, ref) {
				ids = append(ids, r.ID)
			}
		}
	}
	if alt := x.e.atManagementGroup(ref); len(ids) == 0 && alt != "" {
		return x.lookup(alt)
	}
	if len(ids) == 0 && !strings.Contains(ref, "/") {
		// A child (declared inside its parent or as "parent/child") may
		// be named by its own last name segment, when that is
		// unambiguous, as reference() names it (the gallery's
		// dependsOn ["[variables('notificationHubName')]"] of a hub
		// declared as "namespace/hub").
		if pos, ok := x.index.matchLast(ref); ok {
			for _, i := range pos {
				ids = append(ids, x.out[i].ID)
			}
		} else {
			for _, r := range x.out {
				if strings.Contains(r.Name, "/") && strings.EqualFold(ref, lastName(r.Name)) {
					ids = append(ids, r.ID)
				}
			}
		}
		if len(ids) > 1 {
			ids = nil
		}
	}
	return ids, len(ids) > 0
}

// lastName is a name's last segment: "data0" of "st1/default/data0".
func lastName(name string) string { return name[strings.LastIndexByte(name, '/')+1:] }

// refIndex finds the resources a dependsOn, reference() or list*() entry
// names without scanning them all: each key matchesRef compares (the id,
// the symbolic name, the copy loop, the name, type/name and the relative
// id) maps, lower-cased, to the positions in out of the resources that
// have it, ascending. For ASCII text strings.EqualFold is equality of the
// lower-cased strings; resources with a key that is not ASCII are kept
// aside and compared one by one, and a ref that is not ASCII is not
// answered here (the caller scans), so the index finds what the scan
// finds, in the same order.
type refIndex struct {
	out    []*Resource
	byID   map[string][]int // refs starting with "/"
	byName map[string][]int // every other ref
	byRel  map[string][]int // relative ids, compared with the ref without "providers/"
	byLast map[string][]int // last name segments of children
	others []int            // resources with a key that is not ASCII
}

func newRefIndex(out []*Resource) *refIndex {
	ix := &refIndex{out: out, byID: map[string][]int{}, byName: map[string][]int{}, byRel: map[string][]int{}, byLast: map[string][]int{}}
	add := func(m map[string][]int, k string, i int) {
		k = strings.ToLower(k)
		if p := m[k]; len(p) == 0 || p[len(p)-1] != i {
			m[k] = append(p, i)
		}
	}
	for i, r := range out {
		if !isASCII(r.ID) || !isASCII(r.Decl.SymbolicName) || !isASCII(r.CopyLoop) || !isASCII(r.Name) || !isASCII(r.Type) {
			ix.others = append(ix.others, i)
			continue
		}
		add(ix.byID, r.ID, i)
		if r.Decl.SymbolicName != "" {
			add(ix.byName, r.Decl.SymbolicName, i)
		}
		if r.CopyLoop != "" {
			add(ix.byName, r.CopyLoop, i)
		}
		add(ix.byName, r.Name, i)
		add(ix.byName, r.Type+"/"+r.Name, i)
		if strings.Contains(r.Name, "/") {
			add(ix.byRel, relativeID(r.Type, r.Name), i)
		}
		if strings.Contains(r.Name, "/") {
			add(ix.byLast, lastName(r.Name), i)
		}
	}
	return ix
}

// match returns the positions of the resources matchesRef(r, ref) holds
// for, ascending; false when ref is not ASCII.
func (ix *refIndex) match(ref string) ([]int, bool) {
	if !isASCII(ref) {
		return nil, false
	}
	var sets [][]int
	if strings.HasPrefix(ref, "/") {
		sets = [][]int{ix.byID[strings.ToLower(ref)]}
	} else {
		sets = [][]int{ix.byName[strings.ToLower(ref)], ix.byRel[strings.ToLower(strings.TrimPrefix(ref, "providers/"))]}
	}
	var aside []int
	for _, i := range ix.others {
		if matchesRef(ix.out[i], ref) {
			aside = append(aside, i)
		}
	}
	return union(append(sets, aside)), true
}

// matchLast returns the positions of the children whose last name
// segment is ref, ascending; false when ref is not
// ASCII.
func (ix *refIndex) matchLast(ref string) ([]int, bool) {
	if !isASCII(ref) {
		return nil, false
	}
	var aside []int
	for _, i := range ix.others {
		if r := ix.out[i]; strings.Contains(r.Name, "/") && strings.EqualFold(ref, lastName(r.Name)) {
			aside = append(aside, i)
		}
	}
	return union([][]int{ix.byLast[strings.ToLower(ref)], aside}), true
}

// union joins ascending position lists, ascending and without repeats.
func union(sets [][]int) []int {
	var pos []int
	for _, s := range sets {
		pos = append(pos, s...)
	}
	if len(pos) < 2 {
		return pos
	}
	slices.Sort(pos)
	return slices.Compact(pos)
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

func (x *expansion) isSkipped(ref string) bool {
	for _, r := range x.skipped {
		if matchesRef(r, ref) {
			return true
		}
	}
	return false
}

// matchesRef reports whether a dependsOn entry names r.
func matchesRef(r *Resource, ref string) bool {
	switch {
	case strings.HasPrefix(ref, "/"):
		return strings.EqualFold(r.ID, ref)
	case strings.EqualFold(ref, r.Decl.SymbolicName) && r.Decl.SymbolicName != "":
		return true
	case r.CopyLoop != "" && strings.EqualFold(ref, r.CopyLoop):
		return true
	case strings.EqualFold(ref, r.Name):
		return true
	}
	if strings.EqualFold(ref, r.Type+"/"+r.Name) {
		return true
	}
	// The relative id, types and names interleaved:
	// "Microsoft.Network/virtualNetworks/vnet/subnets/s" for a subnet
	// (a grandchild's "Ns/t1/n1/t2/n2/t3/n3" likewise).
	return strings.Contains(r.Name, "/") && strings.EqualFold(strings.TrimPrefix(ref, "providers/"), relativeID(r.Type, r.Name))
}

// relativeID interleaves a full type and name: "Ns/t1/n1/t2/n2".
func relativeID(typ, name string) string {
	segs := strings.Split(typ, "/")
	names := strings.Split(name, "/")
	if len(segs) != len(names)+1 {
		return typ + "/" + name
	}
	var b strings.Builder
	b.WriteString(segs[0])
	for i, n := range names {
		b.WriteString("/" + segs[i+1] + "/" + n)
	}
	return b.String()
}
