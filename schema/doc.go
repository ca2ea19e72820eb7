// Package schema owns the JSON Schemas of armdeploy and the structural validation
// built on them.
//
// It holds, embedded in the binary (go:embed) and compiled once per process on first
// use:
//
//   - deploymentTemplate.json: the structure of an ARM deployment template, any scope,
//     languageVersion 1.0 and 2.0 (ValidateTemplate);
//   - deploymentParameters.json: the structure of a parameter file
//     (ValidateParameterFile);
//   - one schema per resource type and range of API versions under resources/, with
//     the registry of the API versions ARM accepts for each type (ValidateResource,
//     SupportedAPIVersions).
//
// The schemas are written by hand in plain JSON Schema (draft 2020-12) and lowered at
// load time (lower.go) so that template expressions "[...]" are accepted wherever ARM
// accepts them, integer and boolean properties of resource bodies accept the strings
// the resource providers convert, and enums match case-insensitively. Resource schemas
// are lenient: unknown properties pass, read-only properties are accepted; types,
// enums, required properties and a few documented ranges are checked. Rules that a
// provider reports with its own error code (name formats, DNS labels, address ranges,
// replica counts) belong to package providers, not here.
//
// One extension keyword (extension.go) checks the inline template of a nested
// deployment. Before validation, envelope keys spelled in another case are renamed and
// property loops ("copy" arrays) are expanded, and pointers are mapped back (rewrite.go).
//
// Results are []Violation: a JSON pointer into the caller's instance, the failing
// keyword and one English sentence. check.go maps them to file positions and
// diagnostics.
//
// The package must not load anything from the network or the file system at run time
// (the compiler's loader refuses every URL), must not print, and keeps no mutable
// global state besides the compiled schemas. Only this package imports
// github.com/santhosh-tekuri/jsonschema.
package schema
