package templates

import (
	"strconv"
	"strings"
)

func (b *builder) resources(t *Template, n *Node) []*Resource {
	if n == nil {
		return nil
	}
	var out []*Resource
	switch n.Kind {
	case Array:
		for i, it := range n.Items {
			if r := b.resource(it, Pointer("resources", strconv.Itoa(i)), "", nil); r != nil {
				out = append(out, r)
			}
		}
	case Object:
		t.Symbolic = true
		if !t.IsV2() {
			b.errorf(n, "The template resources must be an array unless the template declares languageVersion '2.0'; resources keyed by symbolic name need languageVersion 2.0.")
		}
		dc := dupCheck{b: b, what: "resource symbolic name", in: n}
		for i := range n.Fields {
			f := &n.Fields[i]
			if !dc.ok(f) {
				continue
			}
			if r := b.resource(f.Value, Pointer("resources", f.Key), f.Key, nil); r != nil {
				out = append(out, r)
			}
		}
	}
	return out
}

func (b *builder) resource(n *Node, pointer, symbolic string, parent *Resource) *Resource {
	if n == nil || n.Kind != Object {
		return nil
	}
	r := &Resource{
		Node: n, Pointer: pointer, SymbolicName: symbolic, Parent: parent,
		Condition:      n.Get("condition"),
		Type:           str(n.Get("type")),
		APIVersion:     str(n.Get("apiVersion")),
		Name:           n.Get("name"),
		Location:       n.Get("location"),
		Tags:           n.Get("tags"),
		Sku:            n.Get("sku"),
		Kind:           n.Get("kind"),
		Plan:           n.Get("plan"),
		Identity:       n.Get("identity"),
		Zones:          n.Get("zones"),
		Properties:     n.Get("properties"),
		Scope:          n.Get("scope"),
		Comments:       str(n.Get("comments")),
		ManagedBy:      n.Get("managedBy"),
		SubscriptionID: n.Get("subscriptionId"),
		ResourceGroup:  n.Get("resourceGroup"),
		Copy:           readCopy(n.Get("copy")),
	}
	if e := n.Get("existing"); e != nil && e.Kind == Bool {
		r.Existing = e.Bool
	}
	if d := n.Get("dependsOn"); d != nil && d.Kind == Array {
		r.DependsOn = d.Items
	}
	r.FullType = r.Type
	if parent != nil {
		r.Depth = parent.Depth + 1
		if !isQualifiedType(r.Type) {
			r.FullType = parent.FullType + "/" + r.Type
		}
		if r.Depth > MaxNestingLevels {
			b.errorf(n, "The template resource '%s' is nested %d levels deep; resources can be nested at most %d levels. Please see https://aka.ms/arm-syntax-resources for usage details.", str(r.Name), r.Depth, MaxNestingLevels)
		}
		if r.Copy != nil {
			b.errorf(n.Get("copy"), "Copying nested resources is not supported: the copy loop of resource '%s' must move to a top-level resource. Please see https://aka.ms/arm-copy/#looping-on-a-nested-resource for usage details.", str(r.Name))
		}
	}
	b.segments(r)
	if kids := n.Get("resources"); kids != nil && kids.Kind == Array {
		for i, k := range kids.Items {
			if c := b.resource(k, pointer+Pointer("resources", strconv.Itoa(i)), "", r); c != nil {
				r.Children = append(r.Children, c)
			}
		}
	}
	return r
}

// isQualifiedType reports whether a type starts with a resource provider
// namespace ("Microsoft.Network/..."), as opposed to a child type relative
// to its parent ("subnets").
func isQualifiedType(t string) bool {
	first, _, found := strings.Cut(t, "/")
	return found && strings.Contains(first, ".")
}

// segments checks ARM's rule on literal names: a root resource type has one
// segment more than its name, a child declared inside its parent has as many
// as its name.
func (b *builder) segments(r *Resource) {
	if r.Name == nil || r.Name.Kind != String || IsExpression(r.Name.Str) || r.Type == "" || IsExpression(r.Type) {
		return
	}
	typeSegs := len(strings.Split(strings.Trim(r.Type, "/"), "/"))
	nameSegs := len(strings.Split(r.Name.Str, "/"))
	want := typeSegs - 1
	if r.Parent != nil && !isQualifiedType(r.Type) {
		want = typeSegs
	}
	if nameSegs != want {
		b.errorf(r.Name, "The template resource '%s' for type '%s' has incorrect segment lengths. A nested resource type must have identical number of segments as its resource name. A root resource type must have segment length one greater than its resource name. Please see https://aka.ms/arm-syntax-resources for usage details.", r.Name.Str, r.Type)
	}
}
