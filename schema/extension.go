package schema

import (
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v5"
)

// The template schema uses one extension keyword:
//
//	"x-deploymentTemplate": "<schema reference>"
//
// on a resource declaration: when the resource's type is Microsoft.Resources/deployments
// (any case), its properties.template is validated against the referenced schema.
// Plain JSON Schema would need "if"/"then" on the type, and the validator builds a full
// error for every resource whose "if" fails, which dominated the cost of validating a
// large template; this keyword costs one map lookup for the other resources.

const deploymentsType = "Microsoft.Resources/deployments"

// extensionMeta is the meta-schema of the extension keywords; compileAll compiles it.
const extensionMeta = `{"properties": {"x-deploymentTemplate": {"type": "string"}}}`

// armExtension compiles the extension keywords of a schema node.
type armExtension struct{}

// Compile implements jsonschema.ExtCompiler.
func (armExtension) Compile(ctx jsonschema.CompilerContext, m map[string]any) (jsonschema.ExtSchema, error) {
	ref, ok := m["x-deploymentTemplate"].(string)
	if !ok {
		return nil, nil
	}
	sch, err := ctx.CompileRef(ref, "x-deploymentTemplate", false)
	if err != nil {
		return nil, err
	}
	return deploymentTemplate{sch}, nil
}

// deploymentTemplate is the compiled "x-deploymentTemplate" keyword.
type deploymentTemplate struct {
	template *jsonschema.Schema
}

// Validate implements jsonschema.ExtSchema.
func (d deploymentTemplate) Validate(ctx jsonschema.ValidationContext, v any) error {
	res, ok := v.(map[string]any)
	if !ok {
		return nil
	}
	typ, _ := res["type"].(string)
	if !strings.EqualFold(typ, deploymentsType) {
		return nil
	}
	props, _ := res["properties"].(map[string]any)
	t, ok := props["template"]
	if !ok {
		return nil
	}
	return ctx.Validate(d.template, "x-deploymentTemplate", t, "properties/template")
}
