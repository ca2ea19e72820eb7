package planner

import (
	"fmt"
	"strings"

	"github.com/armdeploy/armdeploy/evaluator"
	"github.com/armdeploy/armdeploy/schema"
	"github.com/armdeploy/armdeploy/templates"
	"github.com/armdeploy/armdeploy/templates/diag"
)

// requestValue converts an evaluated value to the body a provider would
// receive: null members are left out (ARM treats a null property as
// absent), unknown parts become their expression text, secure values are
// plain (the body is checked, never shown).
func requestValue(v evaluator.Value) any {
	v = v.Unsecure()
	if u, ok := v.AsUnknown(); ok {
		return "[" + u.Expr + "]"
	}
	if elems, ok := v.AsArray(); ok {
		out := make([]any, len(elems))
		for i, e := range elems {
			out[i] = requestValue(e)
		}
		return out
	}
	if o, ok := v.AsObject(); ok {
		out := make(map[string]any, o.Len())
		for i := range o.Len() {
			if e := o.ValueAt(i); !e.IsNull() {
				out[o.KeyAt(i)] = requestValue(e)
			}
		}
		return out
	}
	return v.Go()
}

func location(r *evaluator.Resource) string {
	if v, ok := r.Fields.Get("location"); ok {
		if s, ok := v.AsString(); ok {
			return s
		}
	}
	return "global"
}

// ValidateBodies checks every expanded resource's evaluated body against the
// schema of its type and API version, as ARM's preflight does once
// expressions are evaluated. Parts still unknown pass. A violation is
// reported at the declaration's member it came from (or the nearest one
// that exists literally). Types without a schema are skipped: the literal
// check already warned about them. Existing resources are not sent to a
// provider and are not checked.
func ValidateBodies(rs []*evaluator.Resource) diag.Diagnostics {
	var ds diag.Diagnostics
	for _, r := range rs {
		if r.Existing || strings.HasPrefix(r.Name, "[") {
			continue
		}
		body := map[string]any{"type": r.Type, "name": r.Name, "apiVersion": r.APIVersion}
		for i := range r.Fields.Len() {
			if v := r.Fields.ValueAt(i); !v.IsNull() {
				body[r.Fields.KeyAt(i)] = requestValue(v)
			}
		}
		vs, known, err := schema.ValidateResource(r.Type, r.APIVersion, body)
		if err != nil && templates.IsExpression(r.Decl.APIVersion) {
			// The literal check could not see this version.
			n := r.Decl.Node.Get("apiVersion")
			ds = append(ds, diag.Diagnostic{Severity: diag.Error, Code: schema.CodeNoRegisteredProvider, Range: n.Range(),
				Target:  templates.PathOf(r.Decl.Pointer + "/apiVersion"),
				Message: schema.NoProviderMessage(location(r), r.APIVersion, r.Type)})
			continue
		}
		if !known || err != nil {
			continue // reported on the literal declaration
		}
		secrets := evaluator.SecretStrings(evaluator.ObjectValue(r.Fields))
		for _, v := range vs {
			v.Message = diag.RedactText(v.Message, secrets)
			n, _ := templates.Lookup(r.Decl.Node, v.Pointer)
			d := diag.Diagnostic{Severity: diag.Error, Code: templates.CodeInvalidTemplate, Range: n.Range(),
				Path: r.Decl.Pointer + v.Pointer, Target: templates.PathOf(r.Decl.Pointer + v.Pointer),
				Message: v.Message}
			if r.CopyLoop != "" {
				d.Message = fmt.Sprintf("%s (copy loop '%s', index %d)", v.Message, r.CopyLoop, r.CopyIndex)
			}
			ds = append(ds, d)
		}
	}
	return ds
}
