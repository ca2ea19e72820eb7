package templates

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/armdeploy/armdeploy/templates/diag"
)

func (b *builder) resources(t *Template, n *Node) []*Resource {
	if n == nil {
		return nil
	}
	var out []*Resource
	switch n.Kind {
	case Array:
		for i, it := range n.Items {
			if r := b.resource(it, b.prefix+Pointer("resources", strconv.Itoa(i)), "", nil); r != nil {
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
			if r := b.resource(f.Value, b.prefix+Pointer("resources", f.Key), f.Key, nil); r != nil {
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
	if r.APIVersion == "" && n.Get("apiVersion") == nil && !b.apiProfile {
		line, col := lineCol(n)
		b.errorf(n, "The template resource '%s' at line '%d' and column '%d' is not valid: the property 'apiVersion' is required unless the template declares an apiProfile. Please see https://aka.ms/arm-syntax-resources for usage details.", resourceLabel(r), line, col)
	}
	b.unknownMembers(n)
	if kids := n.Get("resources"); kids != nil && kids.Kind == Array {
		for i, k := range kids.Items {
			if c := b.resource(k, pointer+Pointer("resources", strconv.Itoa(i)), "", r); c != nil {
				r.Children = append(r.Children, c)
			}
		}
	}
	return r
}

func resourceLabel(r *Resource) string {
	if r.Name != nil && r.Name.Kind == String {
		return r.Name.Str
	}
	if r.SymbolicName != "" {
		return r.SymbolicName
	}
	return r.Type
}

// resourceMembers are the members ARM reads on a resource declaration.
var resourceMembers = []string{"condition", "type", "apiVersion", "name", "comments", "location", "dependsOn", "tags",
	"sku", "kind", "scope", "copy", "plan", "properties", "resources", "zones", "identity", "managedBy",
	"extendedLocation", "existing", "subscriptionId", "resourceGroup", "metadata", "asserts", "import", "eTag", "managedByExtended"}

// unknownMembers warns about resource members ARM does not know: they are
// passed to the provider, which usually ignores them, so a typo such as
// "propertes" silently drops what the author meant.
func (b *builder) unknownMembers(n *Node) {
	for i := range n.Fields {
		f := &n.Fields[i]
		if slices.ContainsFunc(resourceMembers, func(m string) bool { return strings.EqualFold(m, f.Key) }) {
			continue
		}
		msg := fmt.Sprintf("The resource member '%s' is not a template property; ARM passes it to the resource provider, which ignores it.", f.Key)
		if s := suggest(f.Key, resourceMembers); s != "" {
			msg += fmt.Sprintf(" Did you mean '%s'?", s)
		}
		b.ds = append(b.ds, diag.Diagnostic{Severity: diag.Warning, Code: "UnknownResourceMember", Range: f.KeyRange(n), Message: msg})
	}
}

// suggest returns the candidate closest to s (edit distance at most 2,
// compared case-insensitively), or "".
func suggest(s string, candidates []string) string {
	best, bestD := "", 3
	for _, c := range candidates {
		if d := editDistance(strings.ToLower(s), strings.ToLower(c)); d < bestD {
			best, bestD = c, d
		}
	}
	return best
}

func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
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
