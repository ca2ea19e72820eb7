package views

import (
	"fmt"
	"io"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/armdeploy/armdeploy/evaluator"
	"github.com/armdeploy/armdeploy/planner"
)

// The layout below follows az's what-if formatter (arm-spec §9.2): the
// noise notice, a legend, resources by scope with symbols, property
// changes aligned by path, and a summary line.

const indentUnit = "  "

type style struct {
	symbol string
	color  string
	weight int
	label  string // Python's str.title() of the enum value, as az prints it
}

var changeStyles = map[planner.ChangeType]style{
	planner.Delete:      {"-", "\x1b[38;5;208m", 0, "Delete"},
	planner.Create:      {"+", "\x1b[38;5;77m", 1, "Create"},
	planner.Deploy:      {"!", "\x1b[38;5;39m", 2, "Deploy"},
	planner.Modify:      {"~", "\x1b[38;5;141m", 3, "Modify"},
	planner.NoChange:    {"=", "\x1b[0m", 4, "Nochange"},
	planner.Unsupported: {"x", "\x1b[38;5;246m", 5, "Unsupported"},
	planner.Ignore:      {"*", "\x1b[38;5;246m", 6, "Ignore"},
}

var propStyles = map[planner.PropertyChangeType]style{
	planner.PropDelete:   {"-", "\x1b[38;5;208m", 0, "Delete"},
	planner.PropCreate:   {"+", "\x1b[38;5;77m", 1, "Create"},
	planner.PropModify:   {"~", "\x1b[38;5;141m", 2, "Modify"},
	planner.PropArray:    {"~", "\x1b[38;5;141m", 2, "Modify"},
	planner.PropNoEffect: {"x", "\x1b[38;5;246m", 3, "Noeffect"},
}

// legendWeight orders legend entries across resource and property types.
var legendWeight = map[string]int{"Delete": 0, "Create": 1, "Deploy": 2, "Modify": 3, "Nochange": 4, "Unsupported": 5, "Ignore": 6, "Noeffect": 7}

const reset = "\x1b[0m"

type textWriter struct {
	b     strings.Builder
	color bool
}

func (w *textWriter) colored(color, s string) {
	if w.color && color != "" {
		w.b.WriteString(color + s + reset)
		return
	}
	w.b.WriteString(s)
}

// WriteText renders a what-if result as az does, with ANSI colours when
// color is set.
func WriteText(out io.Writer, res *planner.WhatIfResult, color bool) error {
	w := &textWriter{color: color}
	changes := res.Properties.Changes
	w.b.WriteString("Note: The result may contain false positive predictions (noise).\n")
	w.b.WriteString("You can help us improve the accuracy of the result by opening an issue here: https://aka.ms/WhatIfIssues\n\n")
	w.legend(changes)
	w.resources(changes)
	w.summary(changes)
	w.diagnostics(res)
	w.b.WriteString("\n")
	_, err := io.WriteString(out, w.b.String())
	return err
}

func (w *textWriter) legend(changes []planner.Change) {
	if len(changes) == 0 {
		return
	}
	seen := map[string]style{}
	var walk func([]planner.PropertyChange)
	walk = func(ps []planner.PropertyChange) {
		for _, p := range ps {
			st := propStyles[p.PropertyChangeType]
			seen[st.label] = st
			walk(p.Children)
		}
	}
	for _, c := range changes {
		st := changeStyles[c.ChangeType]
		seen[st.label] = st
		walk(c.Delta)
	}
	labels := make([]string, 0, len(seen))
	for l := range seen {
		labels = append(labels, l)
	}
	sort.Slice(labels, func(i, j int) bool { return legendWeight[labels[i]] < legendWeight[labels[j]] })
	w.b.WriteString("Resource and property changes are indicated with ")
	if len(labels) == 1 {
		w.b.WriteString("this symbol:\n")
	} else {
		w.b.WriteString("these symbols:\n")
	}
	for _, l := range labels {
		st := seen[l]
		w.b.WriteString(indentUnit)
		w.colored(st.color, st.symbol)
		w.b.WriteString(" " + l + "\n")
	}
	w.b.WriteString("\n")
}

var (
	// A management group's own id and its children (subscriptions under
	// it) are tenant resources; what is under its /providers/ is at its
	// scope.
	mgScope  = regexp.MustCompile(`(?i)^(/providers/Microsoft\.Management/managementGroups/[^/]+)/providers/(.+)$`)
	rgScope  = regexp.MustCompile(`(?i)^/subscriptions/([^/]+)/resourceGroups/([^/]+)/providers/(.+)$`)
	rgSelf   = regexp.MustCompile(`(?i)^/subscriptions/([^/]+)/(resourceGroups/[^/]+)$`)
	subScope = regexp.MustCompile(`(?i)^/subscriptions/([^/]+)/providers/(.+)$`)
)

// SplitResourceID splits an id into the scope az prints it under and the
// id relative to that scope.
func SplitResourceID(id string) (scope, relative string) {
	if m := rgScope.FindStringSubmatch(id); m != nil {
		return "/subscriptions/" + strings.ToLower(m[1]) + "/resourceGroups/" + m[2], m[3]
	}
	if m := rgSelf.FindStringSubmatch(id); m != nil {
		return "/subscriptions/" + strings.ToLower(m[1]), m[2]
	}
	if m := subScope.FindStringSubmatch(id); m != nil {
		return "/subscriptions/" + strings.ToLower(m[1]), m[2]
	}
	if m := mgScope.FindStringSubmatch(id); m != nil {
		return "/providers/Microsoft.Management/ManagementGroups/" + m[1][strings.LastIndexByte(m[1], '/')+1:], m[2]
	}
	return "/", strings.TrimPrefix(id, "/providers/")
}

func (w *textWriter) resources(changes []planner.Change) {
	if len(changes) == 0 {
		return
	}
	byScope := map[string][]planner.Change{}
	var scopes []string
	for _, c := range changes {
		s, _ := SplitResourceID(c.ResourceID)
		if _, ok := byScope[s]; !ok {
			scopes = append(scopes, s)
		}
		byScope[s] = append(byScope[s], c)
	}
	sort.Slice(scopes, func(i, j int) bool { return strings.ToUpper(scopes[i]) < strings.ToUpper(scopes[j]) })
	w.b.WriteString("The deployment will update the following ")
	if len(scopes) == 1 {
		w.b.WriteString("scope:\n")
	} else {
		w.b.WriteString("scopes:\n")
	}
	for _, s := range scopes {
		w.b.WriteString("\nScope: " + s + "\n")
		cs := byScope[s]
		sort.SliceStable(cs, func(i, j int) bool {
			wi, wj := changeStyles[cs[i].ChangeType].weight, changeStyles[cs[j].ChangeType].weight
			if wi != wj {
				return wi < wj
			}
			_, ri := SplitResourceID(cs[i].ResourceID)
			_, rj := SplitResourceID(cs[j].ResourceID)
			return strings.ToLower(ri) < strings.ToLower(rj)
		})
		for i, c := range cs {
			w.resource(c, i == len(cs)-1)
		}
	}
}

func apiVersion(c planner.Change) string {
	for _, v := range []*evaluator.Value{c.After, c.Before} {
		if v != nil {
			if av, ok := v.Get("apiVersion"); ok {
				if s, ok := av.AsString(); ok {
					return s
				}
			}
		}
	}
	return ""
}

func (w *textWriter) resource(c planner.Change, last bool) {
	st := changeStyles[c.ChangeType]
	_, rel := SplitResourceID(c.ResourceID)
	w.b.WriteString("\n")
	line := indentUnit + st.symbol + " " + rel
	if v := apiVersion(c); v != "" {
		line += " [" + v + "]"
	}
	w.colored(st.color, line)
	switch {
	case c.ChangeType == planner.Create && c.After != nil:
		w.json(*c.After, 2)
	case c.ChangeType == planner.Delete && c.Before != nil:
		w.json(*c.Before, 2)
	case len(c.Delta) > 0:
		w.b.WriteString("\n")
		w.propertyChanges(c.Delta, 2)
	case last:
		w.b.WriteString("\n")
	}
}

func indent(level int) string { return strings.Repeat(indentUnit, level) }

func isLeaf(v evaluator.Value) bool {
	if a, ok := v.AsArray(); ok {
		return len(a) == 0
	}
	if o, ok := v.AsObject(); ok {
		return o.Len() == 0
	}
	return true
}

func nonEmptyArray(v evaluator.Value) bool { a, ok := v.AsArray(); return ok && len(a) > 0 }

func nonEmptyObject(v evaluator.Value) bool { o, ok := v.AsObject(); return ok && o.Len() > 0 }

// leaf writes a scalar or empty value as az does: strings in double quotes
// without escaping, booleans and null in lower case.
func (w *textWriter) leaf(v evaluator.Value) {
	switch {
	case v.IsNull():
		w.b.WriteString("null")
	case v.IsUnknown():
		u, _ := v.AsUnknown()
		w.b.WriteString(`"[` + u.Expr + `]"`)
	default:
		if s, ok := v.AsString(); ok {
			w.b.WriteString(`"` + s + `"`)
			return
		}
		if a, ok := v.AsArray(); ok && len(a) == 0 {
			w.b.WriteString("[]")
			return
		}
		if o, ok := v.AsObject(); ok && o.Len() == 0 {
			w.b.WriteString("{}")
			return
		}
		w.b.WriteString(v.JSON())
	}
}

// json dumps a value at a resource (Create/Delete) or inside a property:
// objects flattened to aligned "a.b.c: value" lines one level deeper.
func (w *textWriter) json(v evaluator.Value, level int) {
	w.jsonAt(v, "", 0, level)
}

func (w *textWriter) jsonAt(v evaluator.Value, path string, width, level int) {
	switch {
	case isLeaf(v):
		w.path(path, width-len(path)+1, level)
		w.leaf(v)
		w.b.WriteString("\n")
	case nonEmptyArray(v):
		w.path(path, 1, level)
		a, _ := v.AsArray()
		w.b.WriteString("[\n")
		iw := len(strconv.Itoa(len(a) - 1))
		for i, e := range a {
			w.jsonAt(e, strconv.Itoa(i), iw, level+1)
		}
		w.b.WriteString(indent(level) + "]\n")
	default:
		o, _ := v.AsObject()
		if path != "" {
			w.path(path, 0, level)
			w.b.WriteString("\n\n")
		} else {
			w.b.WriteString("\n\n")
		}
		fw := flatWidth(o, "")
		w.flat(o, "", fw, level+1)
		if path != "" {
			w.b.WriteString("\n")
		}
	}
}

// flat writes an object's members flattened to dotted paths.
func (w *textWriter) flat(o *evaluator.Object, prefix string, width, level int) {
	for i := range o.Len() {
		p := planner.JoinPath(prefix, o.KeyAt(i))
		v := o.ValueAt(i)
		if nonEmptyObject(v) {
			child, _ := v.AsObject()
			w.flat(child, p, width, level)
			continue
		}
		w.jsonAt(v, p, width, level)
	}
}

// flatWidth is the width az aligns flattened paths to: the longest leaf
// path, where a non-empty array counts only with its parent's path and dot.
func flatWidth(o *evaluator.Object, prefix string) int {
	width := 0
	for i := range o.Len() {
		p := planner.JoinPath(prefix, o.KeyAt(i))
		v := o.ValueAt(i)
		switch {
		case nonEmptyObject(v):
			child, _ := v.AsObject()
			width = max(width, flatWidth(child, p))
		case nonEmptyArray(v):
			width = max(width, len(p)-len(o.KeyAt(i)))
		default:
			width = max(width, len(p))
		}
	}
	return width
}

func (w *textWriter) path(path string, pad, level int) {
	if path == "" {
		return
	}
	w.b.WriteString(indent(level) + path + ":" + strings.Repeat(" ", max(pad, 0)))
}

func (w *textWriter) propertyChanges(ps []planner.PropertyChange, level int) {
	width := 0
	for _, p := range ps {
		if p.PropertyChangeType == planner.PropArray || (p.PropertyChangeType == planner.PropModify && len(p.Children) > 0) {
			continue
		}
		if v := shownValue(p); nonEmptyArray(v) || nonEmptyObject(v) {
			continue
		}
		width = max(width, len(p.Path))
	}
	sorted := append([]planner.PropertyChange(nil), ps...)
	sort.SliceStable(sorted, func(i, j int) bool {
		wi, wj := propStyles[sorted[i].PropertyChangeType].weight, propStyles[sorted[j].PropertyChangeType].weight
		if wi != wj {
			return wi < wj
		}
		return sorted[i].Path < sorted[j].Path
	})
	for _, p := range sorted {
		w.propertyChange(p, width, level)
		w.b.WriteString("\n")
	}
}

func shownValue(p planner.PropertyChange) evaluator.Value {
	switch {
	case p.PropertyChangeType == planner.PropDelete && p.Before != nil:
		return *p.Before
	case p.After != nil:
		return *p.After
	case p.Before != nil:
		return *p.Before
	}
	return evaluator.Null
}

func (w *textWriter) propertyChange(p planner.PropertyChange, width, level int) {
	st := propStyles[p.PropertyChangeType]
	v := shownValue(p)
	pad := width - len(p.Path) + 1
	switch {
	case nonEmptyArray(v) || p.PropertyChangeType == planner.PropArray:
		pad = 1
	case nonEmptyObject(v) || (p.PropertyChangeType == planner.PropModify && len(p.Children) > 0):
		pad = 0
	}
	w.b.WriteString(indent(level))
	w.colored(st.color, st.symbol)
	w.b.WriteString(" " + p.Path + ":" + strings.Repeat(" ", max(pad, 0)))
	switch p.PropertyChangeType {
	case planner.PropCreate, planner.PropNoEffect, planner.PropDelete:
		w.value(v, level)
	case planner.PropModify:
		if len(p.Children) > 0 {
			w.b.WriteString("\n\n")
			w.propertyChanges(p.Children, level+1)
			return
		}
		before, after := evaluator.Null, evaluator.Null
		if p.Before != nil {
			before = *p.Before
		}
		if p.After != nil {
			after = *p.After
		}
		w.value(before, level)
		if nonEmptyObject(before) {
			w.b.WriteString("\n" + indent(level))
		}
		w.b.WriteString(" => ")
		w.value(after, level)
	case planner.PropArray:
		if len(p.Children) == 0 {
			w.b.WriteString("[]")
			return
		}
		w.b.WriteString("[\n")
		kids := append([]planner.PropertyChange(nil), p.Children...)
		sort.SliceStable(kids, func(i, j int) bool {
			a, _ := strconv.Atoi(kids[i].Path)
			b, _ := strconv.Atoi(kids[j].Path)
			if a != b {
				return a < b
			}
			return propStyles[kids[i].PropertyChangeType].weight < propStyles[kids[j].PropertyChangeType].weight
		})
		cw := 0
		for _, k := range kids {
			cw = max(cw, len(k.Path))
		}
		for _, k := range kids {
			w.propertyChange(k, cw, level+1)
			w.b.WriteString("\n")
		}
		w.b.WriteString(indent(level+1) + "]")
	}
}

// value writes a property's value: a leaf inline, an array or object as a
// block below.
func (w *textWriter) value(v evaluator.Value, level int) {
	if isLeaf(v) {
		w.leaf(v)
		return
	}
	if nonEmptyArray(v) {
		a, _ := v.AsArray()
		w.b.WriteString("[\n")
		iw := len(strconv.Itoa(len(a) - 1))
		for i, e := range a {
			w.jsonAt(e, strconv.Itoa(i), iw, level+1)
		}
		w.b.WriteString(indent(level+1) + "]")
		return
	}
	o, _ := v.AsObject()
	w.b.WriteString("\n\n")
	w.flat(o, "", flatWidth(o, ""), level+2)
}

var summaryLabels = map[planner.ChangeType]string{
	planner.Delete: "to delete", planner.Create: "to create", planner.Deploy: "to deploy", planner.Modify: "to modify",
	planner.NoChange: "no change", planner.Unsupported: "unsupported", planner.Ignore: "to ignore",
}

func (w *textWriter) summary(changes []planner.Change) {
	w.b.WriteString("\nResource changes: ")
	if len(changes) == 0 {
		w.b.WriteString("no change.")
		return
	}
	counts := map[planner.ChangeType]int{}
	for _, c := range changes {
		counts[c.ChangeType]++
	}
	types := make([]planner.ChangeType, 0, len(counts))
	for t := range counts {
		types = append(types, t)
	}
	sort.Slice(types, func(i, j int) bool { return changeStyles[types[i]].weight < changeStyles[types[j]].weight })
	parts := make([]string, len(types))
	for i, t := range types {
		parts[i] = fmt.Sprintf("%d %s", counts[t], summaryLabels[t])
	}
	w.b.WriteString(strings.Join(parts, ", ") + ".")
}

func (w *textWriter) diagnostics(res *planner.WhatIfResult) {
	var lines []string
	for _, c := range res.Properties.Changes {
		if c.ChangeType == planner.Unsupported {
			_, rel := SplitResourceID(c.ResourceID)
			lines = append(lines, fmt.Sprintf("%s (Unsupported) %s", rel, c.UnsupportedReason))
		}
	}
	for _, d := range res.Properties.Diagnostics {
		lines = append(lines, fmt.Sprintf("%s (%s) %s", d.Target, d.Code, d.Message))
	}
	if len(lines) == 0 {
		return
	}
	fmt.Fprintf(&w.b, "\n\nDiagnostics (%d): \n", len(lines))
	for _, l := range lines {
		w.b.WriteString(l + "\n")
	}
}
