package schema

import (
	"errors"
	"fmt"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v5"
)

// Violation is one schema failure at a JSON pointer of the instance.
type Violation struct {
	// Pointer is an RFC 6901 JSON pointer into the caller's instance, "" for the root,
	// e.g. "/resources/0/apiVersion". A missing required property is reported at the
	// object that lacks it; an unknown property at the property itself.
	Pointer string
	// Keyword is the failing schema keyword as the schema author meant it: "required",
	// "enum", "type", "additionalProperties", "pattern", "minimum", "not", ...
	Keyword string
	// Message is one English sentence for a user, without a final period, e.g.
	// "property 'osType' must be one of 'Windows', 'Linux'; got 'Win'".
	Message string
}

// UnsupportedAPIVersionError reports a known resource type used with an API version
// its resource provider does not register (ARM's NoRegisteredProviderFound).
type UnsupportedAPIVersionError struct {
	Type       string   // the resource type as the caller gave it
	APIVersion string   // the requested API version
	Supported  []string // the versions ARM accepts for the type, sorted
}

// Error says which version was asked for and lists the supported ones.
func (e *UnsupportedAPIVersionError) Error() string {
	return fmt.Sprintf("no registered resource provider found for API version '%s' and type '%s'; the supported api-versions are '%s'",
		e.APIVersion, e.Type, strings.Join(e.Supported, ", "))
}

// ValidateTemplate checks the structure of a deployment template (any scope;
// languageVersion 2.0 with symbolic-name resources too): the top-level properties,
// parameters, variables, user-defined functions, resources (including inline templates
// of nested deployments) and outputs. It does not look inside a resource's properties;
// see ValidateResource. inst is a decoded JSON document (map[string]any, []any,
// string, bool, nil, json.Number or Go numbers; other Go values are converted).
// Property names ARM reads case-insensitively may use any case.
//
// The result is sorted by pointer, then keyword, and has no duplicates; it is nil when
// the template is valid. Safe for concurrent use; inst is not modified.
func ValidateTemplate(inst any) []Violation {
	cs := compiled()
	return validate(cs.template, inst, templateShape, "the template", cs.doc)
}

// ValidateParameterFile checks a parameter file: an object with "parameters" whose
// entries hold a "value" or a Key Vault "reference" (and optional "metadata").
// Results and concurrency are as for ValidateTemplate.
func ValidateParameterFile(inst any) []Violation {
	cs := compiled()
	return validate(cs.parameters, inst, parameterFileShape, "the parameter file", cs.doc)
}

// ValidateResource validates one resource's top-level body (the object with type,
// apiVersion, name, location, sku, properties ...) against the schema for its type and
// apiVersion. The body may be literal (template expressions "[...]" and property loops
// "copy" are accepted wherever a value may be) or evaluated.
//
// known is false when the package has no schema for resourceType (the caller warns and
// passes). When the type is known but apiVersion is not one ARM accepts for it, known
// is true and err is an *UnsupportedAPIVersionError. resourceType is matched
// case-insensitively. Safe for concurrent use; body is not modified.
func ValidateResource(resourceType, apiVersion string, body any) (v []Violation, known bool, err error) {
	rt := lookupType(resourceType)
	if rt == nil {
		return nil, false, nil
	}
	ref, ok := rt.schemaFor(apiVersion)
	if !ok {
		return nil, true, &UnsupportedAPIVersionError{Type: resourceType, APIVersion: apiVersion, Supported: SupportedAPIVersions(rt.Type)}
	}
	cs := compiled()
	return validate(cs.resource(ref), body, nil, "the resource", cs.doc), true, nil
}

// validate rewrites inst (see rewrite.go), validates it and reports violations in the
// caller's pointers. With a nil envelope shape inst is a resource body.
func validate(sch *jsonschema.Schema, inst any, envelope *shape, root string, docs func(url string) any) []Violation {
	rw := &rewrites{}
	prepare := func(v any) any {
		if envelope != nil {
			return canonicalize(v, envelope, rw)
		}
		return expandPropertyCopies(v, rw)
	}
	v := prepare(inst)
	err := sch.Validate(v)
	var bad jsonschema.InvalidJSONTypeError
	if errors.As(err, &bad) {
		n, nerr := normalize(inst)
		if nerr != nil {
			return []Violation{{Pointer: "", Keyword: "type", Message: fmt.Sprintf("%s is not a JSON value: %v", root, nerr)}}
		}
		rw = &rewrites{}
		v = prepare(n)
		err = sch.Validate(v)
	}
	if err == nil {
		return nil
	}
	return violationsOf(err, v, docs, root, rw)
}
