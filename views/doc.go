// Package views renders ARM results (what-if results, ...) in az CLI's text
// layouts; the CLI and the REST server's tests share it.
//
// views imports planner for the result types; planner never imports views.
package views
