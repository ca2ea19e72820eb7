// Package templates owns the typed model of ARM deployment templates and
// parameter files, and loading them from JSON, JSON with comments and YAML
// with a position index.
//
// Loading is two steps. [Parse] reads a file into a tree of [Node] values
// that remember their byte ranges, so that any JSON pointer, and any offset
// inside a string value, maps back to file:line:col. [NewTemplate] and
// [NewParameterFile] then read that tree into the typed model, reporting
// every structural problem as a diagnostic rather than stopping at the first.
//
// The package evaluates nothing: expressions stay strings. It never reads the
// network and never prints.
package templates
