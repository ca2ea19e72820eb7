// Package planner turns an expanded template into a plan: the dependency
// graph of its resources (with cycle and duplicate checks), and later the
// what-if diff against the state and the apply executor. It reports
// problems as diagnostics and never prints.
package planner
