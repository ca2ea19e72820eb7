package planner

import (
	"fmt"
	"strings"

	"github.com/armdeploy/armdeploy/evaluator"
	"github.com/armdeploy/armdeploy/schema"
	"github.com/armdeploy/armdeploy/templates"
	"github.com/armdeploy/armdeploy/templates/diag"
)

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
			body[r.Fields.KeyAt(i)] = r.Fields.ValueAt(i).Unsecure().Go()
		}
		vs, known, err := schema.ValidateResource(r.Type, r.APIVersion, body)
		if !known || err != nil {
			continue // reported on the literal declaration
		}
		for _, v := range vs {
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
