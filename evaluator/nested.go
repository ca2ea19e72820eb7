package evaluator

import (
	"errors"
	"fmt"
	"maps"
	"net/url"
	"strings"

	"github.com/armdeploy/armdeploy/templates"
	"github.com/armdeploy/armdeploy/templates/diag"
)

// MaxNestingDepth is how deep nested deployments may go.
const MaxNestingDepth = 50

// CodeLinkedTemplateUnsupported is the warning code of a nested deployment
// whose template link is not known before the deployment runs (it depends
// on a resource the deployment creates): its resources are expanded when
// it is deployed.
const CodeLinkedTemplateUnsupported = "LinkedTemplateUnsupported"

// nestedResolver answers reference() to a nested deployment of this
// template with its evaluated outputs, and passes everything else on.
type nestedResolver struct{ e *Template }

func (r nestedResolver) Reference(nameOrID, apiVersion string, full bool) (Value, error) {
	r.record(nameOrID)
	key := strings.ToLower(nameOrID)
	for e := r.e; e != nil; e = e.outer {
		v, ok := e.deployments[key]
		if alt := e.atManagementGroup(nameOrID); !ok && alt != "" {
			v, ok = e.deployments[strings.ToLower(alt)]
		}
		if ok {
			if full {
				return fullDeployment(v, nameOrID, apiVersion), nil
			}
			return v, nil
		}
	}
	if r.e.opts.Resolver == nil {
		return Null, fmt.Errorf("The template function 'reference' cannot be evaluated here: nothing is deployed.")
	}
	if id, ok := r.e.targets[key]; ok {
		nameOrID = id
	}
	return r.e.opts.Resolver.Reference(nameOrID, apiVersion, full)
}

func (r nestedResolver) record(target string) {
	if r.e.refs != nil {
		*r.e.refs = append(*r.e.refs, target)
	}
}

func (r nestedResolver) base() (Resolver, error) {
	if r.e.opts.Resolver == nil {
		return nil, fmt.Errorf("resources cannot be read here: nothing is deployed")
	}
	return r.e.opts.Resolver, nil
}

func (r nestedResolver) List(action, resourceID, apiVersion string, body Value) (Value, error) {
	r.record(resourceID)
	b, err := r.base()
	if err != nil {
		return Null, err
	}
	if id, ok := r.e.targets[strings.ToLower(resourceID)]; ok {
		resourceID = id // listKeys('name', ...) of a resource of this template
	}
	return b.List(action, resourceID, apiVersion, body)
}

func (r nestedResolver) Providers(namespace, resourceType string) (Value, error) {
	b, err := r.base()
	if err != nil {
		return Null, err
	}
	return b.Providers(namespace, resourceType)
}

func (r nestedResolver) PickZones(namespace, resourceType, location string, count, offset int64) (Value, error) {
	b, err := r.base()
	if err != nil {
		return Null, err
	}
	return b.PickZones(namespace, resourceType, location, count, offset)
}

// NestedOutputs returns the outputs object ({name: {type, value}}) of a
// nested deployment of this template, by name or id, as the last
// expansion computed it.
func (e *Template) NestedOutputs(nameOrID string) (Value, bool) {
	v, ok := e.deployments[strings.ToLower(nameOrID)]
	if !ok {
		return Null, false
	}
	return v.Get("outputs")
}

// nestedScope returns "inner" or "outer" for a deployment resource. A
// linked template is always evaluated in its own scope.
func (x *expansion) nestedScope(props *templates.Node) (string, error) {
	if props.Get("template") == nil && props.Get("templateLink") != nil {
		return "inner", nil
	}
	n := props.Get("expressionEvaluationOptions").Get("scope")
	if n == nil {
		return "outer", nil
	}
	v, err := x.e.Eval(n)
	if err != nil {
		return "", err
	}
	s, _ := v.AsString()
	s = strings.ToLower(s)
	if s != "inner" && s != "outer" {
		return "", &nodeError{n: n, msg: fmt.Sprintf("The expression evaluation scope '%s' is not valid; it must be 'inner' or 'outer'.", s)}
	}
	return s, nil
}

// nested expands the template of a nested deployment and returns its
// resources, which the listing puts right after the deployment. to is
// where the deployment deploys (see deploymentTarget).
//
// An inner-scope (or linked) template is evaluated at its target: its
// deployment(), resourceGroup(), subscription(), managementGroup() and the
// default scope of resourceId() are the target's. An outer-scope template
// is evaluated in its parent's context, as ARM does (resourceGroup() there
// is the parent's group even when the deployment targets another,
// Azure/azure-docs-json-samples#40), but its resources are still placed at
// the target.
func (x *expansion) nested(res *Resource, r *templates.Resource, to place) []*Resource {
	e := x.e
	props := r.Properties
	if props == nil || props.Kind != templates.Object {
		return nil
	}
	if e.depth+1 > MaxNestingDepth {
		if !e.opts.Budget.firstTooDeep() {
			return nil // the first refusal is the error
		}
		x.fail(r, &nodeError{n: r.Node, msg: fmt.Sprintf("The nested deployment '%s' is nested more than %d deployments deep.", res.Name, MaxNestingDepth)})
		return nil
	}
	switch e.opts.Budget.enterNested() {
	case nestedFirstOut:
		x.fail(r, &nodeError{n: r.Node, msg: fmt.Sprintf("The nested deployment '%s' is one too many: a deployment may expand at most %d nested and linked deployments in all, at every depth.", res.Name, MaxNestedDeployments)})
		return nil
	case nestedOut:
		return nil // the first refusal is the error
	}
	scope, err := x.nestedScope(props)
	if err != nil {
		x.fail(r, err)
		return nil
	}
	location, _ := res.Fields.Get("location")
	loc, hasLocation := location.AsString()
	if to.scope != ScopeResourceGroup && (!hasLocation || loc == "") && !location.IsUnknown() {
		// Azure's words for a subscription-level deployment without a
		// location (code InvalidDeployment); management-group and tenant
		// deployments need one too.
		x.ds = append(x.ds, diag.Diagnostic{Severity: diag.Error, Code: CodeInvalidDeployment, Range: r.Node.Range(),
			Target:  templates.PathOf(r.Pointer),
			Message: fmt.Sprintf("The 'location' property must be specified for '%s'. Please see https://aka.ms/arm-deployment-subscription for usage details.", res.Name)})
	}
	inner, ok := x.nestedTemplate(res, r, props)
	if !ok {
		return nil
	}
	opts := e.opts
	opts.Engine = e.eng
	var given map[string]Value
	if scope != "outer" {
		var passed *Object
		given, passed, err = x.nestedParameters(props)
		if err != nil {
			x.fail(r, err)
			return nil
		}
		opts.Deployment = x.childDeployment(res, inner, to, loc, passed)
	}
	child := NewTemplate(inner, nil, opts)
	if e.children == nil {
		e.children = map[string]*Template{}
	}
	if prev := e.children[strings.ToLower(res.ID)]; prev != nil {
		maps.Copy(child.deployments, prev.deployments)
		maps.Copy(child.targets, prev.targets)
		child.children = maps.Clone(prev.children)
	}
	e.children[strings.ToLower(res.ID)] = child
	child.at = to
	child.parent = e
	child.depth = e.depth + 1
	child.deployedBy = e.deployedBy + "|" + res.ID
	if scope == "outer" {
		child.outer = e
	} else {
		child.given = given
		for _, d := range child.CheckValues() {
			x.ds = append(x.ds, d)
		}
	}
	rs, ds := child.Resources()
	x.ds = append(x.ds, ds...)
	outs, ds, failed := child.outputs()
	x.ds = append(x.ds, ds...)
	outputs := NewObject(len(outs) + len(failed))
	for _, o := range outs {
		entry := NewObject(2)
		entry.Set("type", String(o.Type))
		entry.Set("value", o.Value)
		outputs.Set(o.Name, ObjectValue(entry))
	}
	// An output that failed (reported) is unknown to the expressions that
	// read it, not one more error of theirs.
	for _, name := range failed {
		entry := NewObject(2)
		entry.Set("value", UnknownValue("reference('"+res.Name+"').outputs."+name+".value"))
		outputs.Set(name, ObjectValue(entry))
	}
	result := NewObject(1)
	result.Set("outputs", ObjectValue(outputs))
	// The deployments nested deeper are recorded too (NestedOutputs), by
	// their ids.
	for k, v := range child.deployments {
		if strings.HasPrefix(k, "/") {
			e.deployments[k] = v
		}
	}
	e.deployments[strings.ToLower(res.Name)] = ObjectValue(result)
	e.deployments[strings.ToLower(res.ID)] = ObjectValue(result)
	// reference('Microsoft.Resources/deployments/name') names it too.
	e.deployments[strings.ToLower(res.Type+"/"+res.Name)] = ObjectValue(result)
	if r.SymbolicName != "" {
		e.deployments[strings.ToLower(r.SymbolicName)] = ObjectValue(result)
	}
	return rs
}

// CodeInvalidDeployment is ARM's code for a deployment request (or nested
// deployment) that is not valid for its scope.
const CodeInvalidDeployment = "InvalidDeployment"

// childDeployment is the Deployment an inner-scope template of res sees:
// the parent's, moved to the target. Location is the nested deployment's
// own (deployment().location at subscription, management-group and tenant
// scope), the parent's when it gives none. A target group other than the
// parent's own has its location and tags looked up when resourceGroup()
// asks (see groupInfo).
func (x *expansion) childDeployment(res *Resource, inner *templates.Template, to place, location string, params *Object) Deployment {
	parent := x.e.opts.Deployment
	d := parent
	d.Name = res.Name
	d.Scope = to.scope
	d.SubscriptionID, d.ResourceGroup = to.sub, to.group
	switch to.scope {
	case ScopeManagementGroup:
		d.ManagementGroup = to.mg
	case ScopeTenant:
		d.ManagementGroup = ""
	}
	if location != "" {
		d.Location = location
	}
	sameGroup := parent.Scope == ScopeResourceGroup && to.scope == ScopeResourceGroup &&
		strings.EqualFold(parent.SubscriptionID, to.sub) && strings.EqualFold(parent.ResourceGroup, to.group)
	if !sameGroup {
		d.ResourceGroupLocation, d.ResourceGroupTags, d.ManagedBy, d.group = "", nil, "", nil
		if to.scope == ScopeResourceGroup {
			d.group = x.groupInfo(to.sub, to.group)
		}
	}
	if inner.Root != nil {
		d.Template = NodeValue(inner.Root)
	}
	d.Parameters = ObjectValue(params)
	d.TemplateLinkURI = childLinkURI(parent.TemplateLinkURI, res)
	d.TemplateLinkID = ""
	if props, _ := res.Fields.Get("properties"); d.TemplateLinkURI == "" {
		link, _ := props.Get("templateLink")
		if id, ok := link.Get("id"); ok {
			d.TemplateLinkID, _ = id.AsString()
		}
	}
	return d
}

// childLinkURI is deployment().properties.templateLink.uri of a nested
// deployment: none for an inline template; a relativePath resolved against
// the parent's URI; a templateLink.uri as given.
func childLinkURI(parentURI string, res *Resource) string {
	props, _ := res.Fields.Get("properties")
	link, ok := props.Get("templateLink")
	if !ok {
		return ""
	}
	if u, ok := link.Get("uri"); ok {
		s, _ := u.AsString()
		return s
	}
	rel, _ := link.Get("relativePath")
	path, _ := rel.AsString()
	base, err := url.Parse(parentURI)
	if path == "" || parentURI == "" || err != nil {
		return ""
	}
	ref, err := url.Parse(path)
	if err != nil {
		return ""
	}
	return base.ResolveReference(ref).String()
}

// groupAPIVersion is the API version resource groups are read with.
const groupAPIVersion = "2022-09-01"

// groupInfo answers resourceGroup() for a nested deployment into the
// group sub/group: from the deployment's own declaration of the group when
// a template on the way down declares it (a subscription template that
// creates the group and deploys into it), else from the resolver. A group
// the resolver does not know yet (it is created by this deployment, or
// the plan has no state) has an unknown location and tags; evaluation
// never fails on it.
func (x *expansion) groupInfo(sub, group string) *groupInfo {
	e := x.e
	id := "/subscriptions/" + sub + "/resourceGroups/" + group
	return &groupInfo{resolve: func() (Value, Value, string) {
		unknownLocation, unknownTags := UnknownValue("resourceGroup().location"), UnknownValue("resourceGroup().tags")
		var body Value
		for t := e; t != nil && body.IsNull(); t = t.parent {
			if r, ok := t.groups[strings.ToLower(id)]; ok && r.Fields != nil {
				body = ObjectValue(r.Fields)
			}
		}
		if body.IsNull() {
			res := e.opts.Resolver
			if res == nil {
				return unknownLocation, unknownTags, ""
			}
			var err error
			if gr, ok := res.(GroupResolver); ok {
				body, err = gr.ResourceGroup(sub, group)
			} else {
				body, err = res.Reference(id, groupAPIVersion, true)
			}
			if err != nil || body.Kind() != KindObject {
				return unknownLocation, unknownTags, ""
			}
		}
		location, ok := body.Get("location")
		if !ok || location.IsNull() {
			location = unknownLocation
		}
		tags, ok := body.Get("tags")
		if !ok || tags.IsNull() {
			tags = ObjectValue(NewObject(0))
		}
		managedBy := ""
		if m, ok := body.Get("managedBy"); ok {
			managedBy, _ = m.AsString()
		}
		return location, tags, managedBy
	}}
}

// nestedTemplate reads the inline template or the linked template of a
// deployment: a local file (relativePath), a URI through the artifacts
// map, or a template spec version (id). A link that cannot be read is an
// error; only a link not known before the deployment runs (it depends on
// a resource the deployment creates) is left for the deployment, with a
// warning.
func (x *expansion) nestedTemplate(res *Resource, r *templates.Resource, props *templates.Node) (*templates.Template, bool) {
	if tn := props.Field("template"); tn != nil {
		t, ds := templates.NewTemplateAt(r.Node.Source(), tn.Value, r.Pointer+templates.Pointer("properties", tn.Key))
		x.ds = append(x.ds, ds...)
		return t, !ds.HasErrors()
	}
	link := props.Get("templateLink")
	if link == nil {
		return nil, false
	}
	lv, err := x.e.Eval(link)
	if err != nil {
		x.fail(r, err)
		return nil, false
	}
	target := templates.PathOf(r.Pointer + "/properties/templateLink")
	failLink := func(code, msg string) (*templates.Template, bool) {
		x.ds = append(x.ds, diag.Diagnostic{Severity: diag.Error, Code: code, Range: link.Range(), Target: target, Message: msg})
		return nil, false
	}
	rel, _ := lv.Get("relativePath")
	uv, _ := lv.Get("uri")
	idv, _ := lv.Get("id")
	if lv.IsUnknown() || rel.IsUnknown() || uv.IsUnknown() || idv.IsUnknown() {
		x.ds = append(x.ds, diag.Diagnostic{Severity: diag.Warning, Code: CodeLinkedTemplateUnsupported, Range: link.Range(), Target: target,
			Message: fmt.Sprintf("The template link of the nested deployment '%s' is not known until resources of this deployment exist; its resources are expanded when it is deployed.", res.Name)})
		return nil, false
	}
	path, _ := rel.AsString()
	uri, _ := uv.AsString()
	id, _ := idv.AsString()
	origin := x.e.origin(r.Node.Source())
	var src *templates.Source
	var shown string // the link as messages name it
	switch {
	case path == "" && uri == "" && id != "":
		spec, unknown, err := x.loadSpec(id)
		var le *linkError
		switch {
		case errors.As(err, &le):
			return failLink(le.code, le.msg)
		case err != nil:
			x.fail(r, &nodeError{n: link, err: err, msg: err.Error()})
			return nil, false
		case unknown:
			x.ds = append(x.ds, diag.Diagnostic{Severity: diag.Warning, Code: CodeLinkedTemplateUnsupported, Range: link.Range(), Target: target,
				Message: fmt.Sprintf("The template spec '%s' of the nested deployment '%s' is created by this deployment; its resources are expanded when it is deployed.", id, res.Name)})
			return nil, false
		}
		src, shown = spec.main, id
	case path == "" && uri == "":
		return failLink(CodeInvalidDeployment, fmt.Sprintf("The template link of the nested deployment '%s' has no 'uri', 'id' or 'relativePath'.", res.Name))
	case path != "" && origin.spec != nil:
		if refused := x.refusedLink(res, lv, path); refused != "" {
			return failLink(templates.CodeInvalidTemplate, refused)
		}
		s, ok := x.linkedInSpec(origin.spec, origin.specPath, path)
		if !ok {
			return failLink(CodeInvalidTemplateSpec, fmt.Sprintf("The linked template '%s' of deployment '%s' is not in the template spec '%s'; it holds %s.",
				path, res.Name, origin.spec.id, quotedList(specPaths(origin.spec))))
		}
		src, shown = s, path
	case path != "" && !strings.Contains(path, "://"):
		if refused := x.refusedLink(res, lv, path); refused != "" {
			x.fail(r, &nodeError{n: link, msg: refused})
			return nil, false
		}
		resolved := ""
		if origin.uri != "" {
			resolved, _ = resolveRelative(origin.uri, path)
		}
		if _, found, _ := resolveArtifact(x.e.opts.ArtifactsMap, resolved); resolved != "" && (found || !origin.local) {
			s, code, msg := x.readMapped(resolved)
			if s == nil {
				return failLink(code, msg)
			}
			src, shown = s, path
			break
		}
		if !origin.local {
			return failLink(CodeInvalidContentLink, contentLinkError(path, "It is a relativePath under a template that has no URI"))
		}
		s, ds, err := x.readLink(r, path)
		if err != nil {
			x.fail(r, &nodeError{n: link, msg: fmt.Sprintf("The linked template '%s' of deployment '%s' %v", path, res.Name, err)})
			return nil, false
		}
		x.ds = append(x.ds, ds...)
		if s != nil {
			x.e.links().origins[s] = linkOrigin{uri: resolved, local: true}
		}
		src, shown = s, path
	default:
		if path != "" {
			uri = path // a relativePath that is a URI
		}
		if isFileURI(path) {
			x.fail(r, &nodeError{n: link, msg: x.refusedLink(res, lv, path)})
			return nil, false
		}
		if isFileURI(uri) {
			if _, found, _ := resolveArtifact(x.e.opts.ArtifactsMap, uri); !found {
				x.fail(r, &nodeError{n: link, msg: x.refusedLink(res, lv, path)})
				return nil, false
			}
		}
		s, code, msg := x.readMapped(uri)
		if s == nil {
			return failLink(code, msg)
		}
		src, shown = s, withoutQuery(uri)
	}
	if src != nil && !x.e.opts.Budget.alloc(4*int64(len(src.Text))) {
		x.fail(r, &nodeError{n: link, msg: x.e.opts.Budget.bytesMessage()})
		return nil, false
	}
	if x.e.opts.Sources != nil && src != nil {
		x.e.opts.Sources.Add(src)
	}
	if src == nil || src.Root == nil {
		return nil, false
	}
	t, ds := templates.NewTemplate(src)
	x.ds = append(x.ds, ds...)
	if want, ok := lv.Get("contentVersion"); ok {
		if w, _ := want.AsString(); w != "" && w != t.ContentVersion {
			x.fail(r, &nodeError{n: link, msg: fmt.Sprintf("The content version '%s' of the linked template '%s' does not match the requested content version '%s'.", t.ContentVersion, shown, w)})
			return nil, false
		}
	}
	return t, !ds.HasErrors()
}

func quotedList(items []string) string {
	if len(items) == 0 {
		return "no linked templates"
	}
	q := make([]string, len(items))
	for i, s := range items {
		q[i] = "'" + s + "'"
	}
	return strings.Join(q, ", ")
}

// nestedParameters evaluates the parameters a deployment passes to an
// inner-scope template, in the parent's context: by lower-cased name, and
// as deployment().properties.parameters shows them ({name: {value}}, in
// the author's order).
func (x *expansion) nestedParameters(props *templates.Node) (map[string]Value, *Object, error) {
	given := map[string]Value{}
	pn := props.Get("parameters")
	if pn == nil {
		return given, NewObject(0), nil
	}
	if pn.Kind != templates.Object {
		return nil, nil, &nodeError{n: pn, msg: "The parameters of a nested deployment must be an object of {\"value\": ...} entries."}
	}
	passed := NewObject(len(pn.Fields))
	for _, f := range pn.Fields {
		if f.Value.Kind == templates.String {
			// The entry is an expression that makes the {"value": ...}
			// object (createObject('value', ...)); null passes nothing.
			v, err := x.e.Eval(f.Value)
			if err != nil {
				return nil, nil, err
			}
			if v.IsNull() {
				continue
			}
			if v.IsUnknown() {
				given[strings.ToLower(f.Key)] = v
				passed.Set(f.Key, objectOf("value", v))
				continue
			}
			if ref, ok := v.Get("reference"); ok && v.Kind() == KindObject {
				given[strings.ToLower(f.Key)] = UnknownValue("reference to a Key Vault secret")
				passed.Set(f.Key, objectOf("reference", ref))
				continue
			}
			value, ok := v.Get("value")
			if v.Kind() != KindObject || !ok {
				return nil, nil, &nodeError{n: f.Value, msg: fmt.Sprintf("The parameter '%s' of the nested deployment has no 'value'.", f.Key)}
			}
			given[strings.ToLower(f.Key)] = value
			passed.Set(f.Key, objectOf("value", value))
			continue
		}
		vn := f.Value.Get("value")
		if vn == nil {
			if f.Value.Get("reference") != nil {
				given[strings.ToLower(f.Key)] = UnknownValue("reference to a Key Vault secret")
				passed.Set(f.Key, objectOf("reference", NodeValue(f.Value.Get("reference"))))
				continue
			}
			return nil, nil, &nodeError{n: f.Value, msg: fmt.Sprintf("The parameter '%s' of the nested deployment has no 'value'.", f.Key)}
		}
		v, err := x.e.Eval(vn)
		if err != nil {
			return nil, nil, err
		}
		given[strings.ToLower(f.Key)] = v
		passed.Set(f.Key, objectOf("value", v))
	}
	return given, passed, nil
}
