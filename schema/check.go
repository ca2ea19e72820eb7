package schema

import (
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/armdeploy/armdeploy/templates"
	"github.com/armdeploy/armdeploy/templates/diag"
)

// CodeNoRegisteredProvider is ARM's code for a known resource type used with
// an API version it does not have.
const CodeNoRegisteredProvider = "NoRegisteredProviderFound"

// CodeUnknownResourceType is the warning code of a resource type armdeploy
// has no schema for.
const CodeUnknownResourceType = "UnknownResourceType"

// templateOnly are the members of a resource declaration that belong to the
// template language, not to the resource body sent to the provider.
var templateOnly = []string{"condition", "copy", "dependsOn", "comments", "resources", "existing", "metadata", "scope", "subscriptionId", "resourceGroup"}

// CheckTemplate validates a loaded template against the deploymentTemplate
// schema and each literal resource body against the schema of its type and
// API version, and maps every violation to its file position.
//
// The template and its resources are checked in parallel, one worker per
// processor; the result is in template order whatever the scheduling.
func CheckTemplate(t *templates.Template) diag.Diagnostics {
	if t.Root.Kind != templates.Object {
		return nil // templates.NewTemplate reports it
	}
	inst := templateInstance(t.Root)
	rs := t.AllResources()
	results := make([]diag.Diagnostics, len(rs)+1)
	jobs := make(chan int)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(results)) {
		wg.Go(func() {
			for i := range jobs {
				if i == len(rs) {
					results[i] = violations(t.Source, "", ValidateTemplate(inst))
					continue
				}
				results[i] = checkResource(t.Source, rs[i], nil)
			}
		})
	}
	jobs <- len(rs) // the template first: it is the largest job
	for i := range rs {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	out := results[len(rs)]
	for _, r := range results[:len(rs)] {
		out = append(out, r...)
	}
	return out
}

// templateInstance converts a template for the deploymentTemplate schema,
// which does not look inside values that can be anything: variable values
// (other than the variables' copy loops), resource properties (other than
// a nested deployment's) and output values. Those become empty stand-ins
// of the same JSON type, which keeps the conversion of a large template
// cheap; resource bodies are checked on their own.
func templateInstance(root *templates.Node) any {
	if root.Kind != templates.Object {
		return root.Value()
	}
	out := make(map[string]any, len(root.Fields))
	for _, f := range root.Fields {
		switch strings.ToLower(f.Key) {
		case "variables":
			out[f.Key] = mapFields(f.Value, func(k string, v *templates.Node) any {
				if strings.EqualFold(k, "copy") {
					return v.Value()
				}
				return stub(v)
			})
		case "resources":
			out[f.Key] = resourcesInstance(f.Value)
		case "outputs":
			out[f.Key] = mapFields(f.Value, func(_ string, o *templates.Node) any {
				return mapFields(o, func(k string, v *templates.Node) any {
					if strings.EqualFold(k, "value") {
						return stub(v)
					}
					return v.Value()
				})
			})
		default:
			out[f.Key] = f.Value.Value()
		}
	}
	return out
}

func resourcesInstance(n *templates.Node) any {
	one := func(_ string, r *templates.Node) any {
		typ := r.Get("type")
		deployment := typ == nil || typ.Kind != templates.String || strings.Contains(strings.ToLower(typ.Str), "deployments")
		return mapFields(r, func(k string, v *templates.Node) any {
			switch {
			case strings.EqualFold(k, "properties") && !deployment:
				return stub(v)
			case strings.EqualFold(k, "resources"):
				return resourcesInstance(v)
			}
			return v.Value()
		})
	}
	switch n.Kind {
	case templates.Array:
		out := make([]any, len(n.Items))
		for i, it := range n.Items {
			out[i] = one("", it)
		}
		return out
	case templates.Object:
		return mapFields(n, one)
	}
	return n.Value()
}

// mapFields converts an object member by member with fn; anything else as
// it is.
func mapFields(n *templates.Node, fn func(key string, v *templates.Node) any) any {
	if n.Kind != templates.Object {
		return n.Value()
	}
	out := make(map[string]any, len(n.Fields))
	for _, f := range n.Fields {
		out[f.Key] = fn(f.Key, f.Value)
	}
	return out
}

// stub is an empty value of n's JSON type.
func stub(n *templates.Node) any {
	switch n.Kind {
	case templates.Object:
		return map[string]any{}
	case templates.Array:
		return []any{}
	}
	return n.Value()
}

// CheckParameterFile validates a parameter file (or inline parameter JSON)
// against the deploymentParameters schema.
func CheckParameterFile(src *templates.Source) diag.Diagnostics {
	if src == nil || src.Root == nil || src.Root.Kind != templates.Object {
		return nil
	}
	inst := src.Root.Value()
	if src.Root.Get("parameters") == nil {
		// az's inline form: the members of "parameters" without the envelope.
		inst = map[string]any{"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#",
			"contentVersion": "1.0.0.0", "parameters": inst}
		return violations(src, "/parameters", ValidateParameterFile(inst))
	}
	return violations(src, "", ValidateParameterFile(inst))
}

// CheckResource validates one declared resource's literal body. Members
// that are expressions pass: they are checked again after evaluation.
func CheckResource(src *templates.Source, r *templates.Resource) diag.Diagnostics {
	return checkResource(src, r, nil)
}

// checkResource checks r; decl is its declaration already converted to Go
// values, or nil to convert it here.
func checkResource(src *templates.Source, r *templates.Resource, decl any) diag.Diagnostics {
	if r.Existing {
		return nil // read, not deployed: only type, apiVersion and name matter
	}
	if r.FullType == "" || templates.IsExpression(r.FullType) || r.APIVersion == "" || templates.IsExpression(r.APIVersion) {
		return nil
	}
	m, ok := decl.(map[string]any)
	if !ok {
		m, _ = r.Node.Value().(map[string]any)
	}
	body := make(map[string]any, len(m))
	for k, v := range m {
		if !slices.ContainsFunc(templateOnly, func(t string) bool { return strings.EqualFold(k, t) }) {
			body[k] = v
		}
	}
	body["type"] = r.FullType
	vs, known, err := ValidateResource(r.FullType, r.APIVersion, body)
	if !known {
		return diag.Diagnostics{{Severity: diag.Warning, Code: CodeUnknownResourceType, Range: r.Node.Get("type").Range(),
			Target:  templates.PathOf(r.Pointer),
			Message: fmt.Sprintf("armdeploy has no schema for resource type '%s'; its body is not validated and a generic provider will store it as given.", r.FullType)}}
	}
	if err != nil {
		loc := "global"
		if r.Location != nil && r.Location.Kind == templates.String && !r.Location.IsExpression() {
			loc = r.Location.Str
		}
		return diag.Diagnostics{{Severity: diag.Error, Code: CodeNoRegisteredProvider, Range: r.Node.Get("apiVersion").Range(),
			Target: templates.PathOf(r.Pointer + "/apiVersion"), Message: NoProviderMessage(loc, r.APIVersion, r.FullType)}}
	}
	return violations(src, r.Pointer, vs)
}

// NoProviderMessage is ARM's NoRegisteredProviderFound text for a known
// type used with an API version it does not have.
func NoProviderMessage(location, apiVersion, resourceType string) string {
	typ := resourceType
	if _, rest, ok := strings.Cut(typ, "/"); ok {
		typ = rest
	}
	return fmt.Sprintf("No registered resource provider found for location '%s' and API version '%s' for type '%s'. The supported api-versions are '%s'.",
		location, apiVersion, typ, strings.Join(SupportedAPIVersions(resourceType), ", "))
}

// violations maps schema violations to diagnostics; prefix is the pointer
// of the validated instance within its file.
func violations(src *templates.Source, prefix string, vs []Violation) diag.Diagnostics {
	var ds diag.Diagnostics
	for _, v := range vs {
		ptr := prefix + v.Pointer
		ds = append(ds, diag.Diagnostic{Severity: diag.Error, Code: templates.CodeInvalidTemplate,
			Range: rangeFor(src, ptr, v), Path: ptr, Target: templates.PathOf(ptr), Message: v.Message})
	}
	return ds
}

// rangeFor points at the offending value; for an unknown member, at its key.
func rangeFor(src *templates.Source, ptr string, v Violation) diag.Range {
	if v.Keyword == "additionalProperties" {
		if i := strings.LastIndexByte(ptr, '/'); i >= 0 {
			key := strings.ReplaceAll(strings.ReplaceAll(ptr[i+1:], "~1", "/"), "~0", "~")
			if parent, ok := src.Lookup(ptr[:i]); ok {
				if f := parent.Field(key); f != nil {
					return f.KeyRange(parent)
				}
			}
		}
	}
	n, exact := src.Lookup(ptr)
	if !exact || n == nil {
		return src.RangeOf(ptr)
	}
	return n.Range()
}
