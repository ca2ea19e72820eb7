package views

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/armdeploy/armdeploy/planner"
)

// WriteText is a port of az CLI 2.45's what-if formatter
// (azure/cli/command_modules/resource/_formatters.py, with _color.py and
// _utils.split_resource_id), rule for rule, so that the text is byte for
// byte what `az deployment group what-if` prints for the same
// WhatIfOperationResult (the JSON `what-if -o json` prints). Values are
// rendered as az sees them after json.loads: integers as Python ints,
// floats as Python's repr (2.5e-07, 1e+21, 1.0), strings unescaped;
// widths are counted in characters (code points), as Python's len.
//
// Two deliberate differences from 2.45, both the form current az prints:
// several scopes are announced with "scopes:" (2.45 drops the colon), and
// unsupported changes and diagnostics are listed after the summary in a
// "Diagnostics (N):" block (2.45 has none).

// Colours of az's _color.Color.
const (
	colorOrange = "\x1b[38;5;208m"
	colorGreen  = "\x1b[38;5;77m"
	colorPurple = "\x1b[38;5;141m"
	colorBlue   = "\x1b[38;5;39m"
	colorGray   = "\x1b[38;5;246m"
	colorReset  = "\x1b[0m"
)

// legendEntry is a member of az's legend set: a resource change type or a
// property change type (Array counts as Modify).
type legendEntry struct {
	symbol, color, title string
	weight               int
}

var changeLegend = map[planner.ChangeType]legendEntry{
	planner.Delete:      {"-", colorOrange, "Delete", 0},
	planner.Create:      {"+", colorGreen, "Create", 1},
	planner.Deploy:      {"!", colorBlue, "Deploy", 2},
	planner.Modify:      {"~", colorPurple, "Modify", 3},
	planner.NoChange:    {"=", colorReset, "Nochange", 4}, // str.title() of "NoChange"
	planner.Unsupported: {"x", colorGray, "Unsupported", 5},
	planner.Ignore:      {"*", colorGray, "Ignore", 6},
}

// noEffectLegend is PropertyChangeType.no_effect in the legend.
var noEffectLegend = legendEntry{"x", colorGray, "Noeffect", 7}

type propStyle struct {
	symbol, color string
	weight        int
}

var propStyles = map[planner.PropertyChangeType]propStyle{
	planner.PropDelete:   {"-", colorOrange, 0},
	planner.PropCreate:   {"+", colorGreen, 1},
	planner.PropModify:   {"~", colorPurple, 2},
	planner.PropArray:    {"~", colorPurple, 2},
	planner.PropNoEffect: {"x", colorGray, 3},
}

// builder is az's ColoredStringBuilder: colours are a stack; popping one
// writes the colour below it (or reset).
type builder struct {
	sb     strings.Builder
	color  bool
	colors []string
}

func (b *builder) append(s, color string) *builder {
	if color != "" {
		b.push(color)
	}
	b.sb.WriteString(s)
	if color != "" {
		b.pop()
	}
	return b
}

func (b *builder) line(s string) *builder { return b.append(s+"\n", "") }

func (b *builder) push(c string) {
	if !b.color {
		return
	}
	b.colors = append(b.colors, c)
	b.sb.WriteString(c)
}

func (b *builder) pop() {
	if !b.color {
		return
	}
	b.colors = b.colors[:len(b.colors)-1]
	if n := len(b.colors); n > 0 {
		b.sb.WriteString(b.colors[n-1])
	} else {
		b.sb.WriteString(colorReset)
	}
}

func (b *builder) scope(c string, f func()) {
	b.push(c)
	f()
	b.pop()
}

func (b *builder) indent(level int) {
	if level > 0 {
		b.append(strings.Repeat("  ", level), "")
	}
}

// WriteText renders a what-if result as az does, with ANSI colours when
// color is set.
func WriteText(out io.Writer, res *planner.WhatIfResult, color bool) error {
	b := &builder{color: color}
	changes := res.Properties.Changes
	b.sb.Grow(1024 + 512*len(changes)) // about a created resource's lines
	b.line("Note: The result may contain false positive predictions (noise).\nYou can help us improve the accuracy of the result by opening an issue here: https://aka.ms/WhatIfIssues")
	b.line("")
	formatLegend(b, changes)
	formatResourceChanges(b, changes)
	formatStats(b, changes)
	formatDiagnostics(b, res)
	b.sb.WriteString("\n") // print()
	_, err := io.WriteString(out, b.sb.String())
	return err
}

func formatLegend(b *builder, changes []planner.Change) {
	if len(changes) == 0 {
		return
	}
	set := map[string]legendEntry{}
	var walk func([]planner.PropertyChange)
	walk = func(ps []planner.PropertyChange) {
		for _, p := range ps {
			switch p.PropertyChangeType {
			case planner.PropNoEffect:
				set[noEffectLegend.title] = noEffectLegend
			case planner.PropArray, planner.PropModify:
				set["Modify"] = changeLegend[planner.Modify]
			case planner.PropCreate:
				set["Create"] = changeLegend[planner.Create]
			case planner.PropDelete:
				set["Delete"] = changeLegend[planner.Delete]
			}
			walk(p.Children)
		}
	}
	for _, c := range changes {
		if e, ok := changeLegend[c.ChangeType]; ok {
			set[e.title] = e
		}
		walk(c.Delta)
	}
	entries := make([]legendEntry, 0, len(set))
	for _, e := range set {
		entries = append(entries, e)
	}
	sort.Slice(entries, func(i, j int) bool { return entries[i].weight < entries[j].weight })
	b.append("Resource and property changes are indicated with ", "")
	if len(entries) == 1 {
		b.line("this symbol:")
	} else {
		b.line("these symbols:")
	}
	for _, e := range entries {
		b.indent(1)
		b.append(e.symbol, e.color).append(" ", "")
		b.line(e.title)
	}
}

func formatStats(b *builder, changes []planner.Change) {
	b.line("").append("Resource changes: ", "")
	if len(changes) == 0 {
		b.append("no change.", "")
		return
	}
	counts := map[planner.ChangeType]int{}
	for _, c := range changes {
		counts[c.ChangeType]++
	}
	labels := []struct {
		t     planner.ChangeType
		label string
	}{
		{planner.Delete, "to delete"}, {planner.Create, "to create"}, {planner.Deploy, "to deploy"}, {planner.Modify, "to modify"},
		{planner.NoChange, "no change"}, {planner.Unsupported, "unsupported"}, {planner.Ignore, "to ignore"},
	}
	var parts []string
	for _, l := range labels {
		if n := counts[l.t]; n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, l.label))
		}
	}
	b.append(strings.Join(parts, ", ")+".", "")
}

// formatDiagnostics lists unsupported changes and diagnostics after the
// summary, as current az does (2.45 prints none).
func formatDiagnostics(b *builder, res *planner.WhatIfResult) {
	var lines []string
	for _, c := range res.Properties.Changes {
		if c.ChangeType == planner.Unsupported {
			_, rel := splitAz(c.ResourceID)
			lines = append(lines, fmt.Sprintf("%s (Unsupported) %s", rel, c.UnsupportedReason))
		}
	}
	for _, d := range res.Properties.Diagnostics {
		lines = append(lines, fmt.Sprintf("%s (%s) %s", d.Target, d.Code, d.Message))
	}
	if len(lines) == 0 {
		return
	}
	fmt.Fprintf(&b.sb, "\n\nDiagnostics (%d): \n", len(lines))
	for _, l := range lines {
		b.sb.WriteString(l + "\n")
	}
}

type scopedChange struct {
	c          planner.Change
	idx        int // position in the result, for az's is-last test
	scope, rel string
	key        string // pyUpper(scope), az's sort and grouping key
}

func formatResourceChanges(b *builder, changes []planner.Change) {
	if len(changes) == 0 {
		return
	}
	all := make([]scopedChange, len(changes))
	upper := map[string]string{} // pyUpper of each scope, computed once
	for i, c := range changes {
		s, r := splitAz(c.ResourceID)
		k, ok := upper[s]
		if !ok {
			k = pyUpper(s)
			upper[s] = k
		}
		all[i] = scopedChange{c, i, s, r, k}
	}
	// sorted(key=scope.upper()) and groupby: stable, by code point.
	sort.SliceStable(all, func(i, j int) bool { return all[i].key < all[j].key })
	b.line("")
	var groups [][]scopedChange
	for i := 0; i < len(all); {
		j := i + 1
		for j < len(all) && all[j].key == all[i].key {
			j++
		}
		groups = append(groups, all[i:j])
		i = j
	}
	if len(groups) == 1 {
		b.line("The deployment will update the following scope:")
	} else {
		b.line("The deployment will update the following scopes:")
	}
	for _, g := range groups {
		formatScope(b, g[0].scope, g)
	}
}

func changeWeight(t planner.ChangeType) int {
	if e, ok := changeLegend[t]; ok {
		return e.weight
	}
	return 8
}

func formatScope(b *builder, scope string, in []scopedChange) {
	b.line("").line("Scope: " + scope)
	cs := append([]scopedChange(nil), in...)
	sort.SliceStable(cs, func(i, j int) bool {
		wi, wj := changeWeight(cs[i].c.ChangeType), changeWeight(cs[j].c.ChangeType)
		if wi != wj {
			return wi < wj
		}
		return cs[i].rel < cs[j].rel
	})
	last := cs[len(cs)-1]
	lastJSON, _ := json.Marshal(last.c)
	for i := 0; i < len(cs); {
		j := i + 1
		for j < len(cs) && cs[j].c.ChangeType == cs[i].c.ChangeType {
			j++
		}
		b.scope(changeLegend[cs[i].c.ChangeType].color, func() {
			for _, sc := range cs[i:j] {
				// az compares the models (resource_change ==
				// sorted[-1]): an equal change counts as the last too.
				isLast := sc.idx == last.idx
				// Equal changes have equal ids: compare the rest only then.
				if !isLast && sc.c.ResourceID == last.c.ResourceID {
					js, _ := json.Marshal(sc.c)
					isLast = string(js) == string(lastJSON)
				}
				formatResourceChange(b, sc, isLast)
			}
		})
		i = j
	}
}

func formatResourceChange(b *builder, sc scopedChange, isLast bool) {
	c := sc.c
	before, after := ptrValue(c.Before), ptrValue(c.After) // converted once: a body is large
	b.line("")
	if sc.rel != "" {
		b.indent(1)
		b.append(changeLegend[c.ChangeType].symbol, "").append(" ", "")
		b.append(sc.rel, "")
		if v, ok := apiVersion(before, after); ok {
			b.scope(colorReset, func() { b.append(" ["+v+"]", "") })
		}
	}
	switch {
	case c.ChangeType == planner.Create && truthy(after):
		formatJSON(b, after, "", 0, 2)
	case c.ChangeType == planner.Delete && truthy(before):
		formatJSON(b, before, "", 0, 2)
	case len(c.Delta) > 0:
		b.scope(colorReset, func() {
			b.line("")
			formatPropertyChanges(b, sortedProps(c.Delta), 2)
		})
	case isLast:
		b.line("")
	}
}

// apiVersion is az's _get_api_version: before's apiVersion when before is
// set, else after's; printed with str() when it is truthy.
func apiVersion(before, after pyValue) (string, bool) {
	var v pyValue
	switch {
	case truthy(before):
		v = before
	case truthy(after):
		v = after
	default:
		return "", false
	}
	if v.kind != pyDict {
		return "", false
	}
	for i, k := range v.keys {
		if k == "apiVersion" {
			av := v.vals[i]
			if !truthy(av) {
				return "", false
			}
			return pyStr(av), true
		}
	}
	return "", false
}

func propWeight(t planner.PropertyChangeType) int {
	if s, ok := propStyles[t]; ok {
		return s.weight
	}
	return 4
}

// sortedProps sorts by (weight, path), as az does for a resource's delta
// and a Modify's children.
func sortedProps(ps []planner.PropertyChange) []planner.PropertyChange {
	out := append([]planner.PropertyChange(nil), ps...)
	sort.SliceStable(out, func(i, j int) bool {
		wi, wj := propWeight(out[i].PropertyChangeType), propWeight(out[j].PropertyChangeType)
		if wi != wj {
			return wi < wj
		}
		return clean(out[i].Path) < clean(out[j].Path)
	})
	return out
}

func formatPropertyChanges(b *builder, ps []planner.PropertyChange, level int) {
	width := 0
	for _, p := range ps {
		if considerPath(p) {
			width = max(width, pyLen(p.Path))
		}
	}
	for _, p := range ps {
		formatPropertyChange(b, p, width, level)
		b.line("")
	}
}

// considerPath is az's _should_consider_property_change_path.
func considerPath(p planner.PropertyChange) bool {
	switch p.PropertyChangeType {
	case planner.PropCreate:
		return isLeaf(ptrValue(p.After))
	case planner.PropDelete, planner.PropModify:
		return isLeaf(ptrValue(p.Before))
	}
	return len(p.Children) == 0
}

func formatPropertyChange(b *builder, p planner.PropertyChange, width, level int) {
	before, after := ptrValue(p.Before), ptrValue(p.After)
	switch p.PropertyChangeType {
	case planner.PropCreate:
		formatPropertyPath(b, p, after, width, level)
		b.scope(colorGreen, func() { formatJSON(b, after, "", 0, level+1) })
	case planner.PropDelete:
		formatPropertyPath(b, p, before, width, level)
		b.scope(colorOrange, func() { formatJSON(b, before, "", 0, level+1) })
	case planner.PropModify:
		formatPropertyPath(b, p, before, width, level)
		formatPropertyModify(b, before, after, p.Children, level+1)
	case planner.PropArray:
		children := pyValue{kind: pyList}
		if len(p.Children) > 0 {
			children.list = make([]pyValue, len(p.Children)) // only its emptiness counts
		}
		formatPropertyPath(b, p, children, width, level)
		formatPropertyArray(b, p, level+1)
	case planner.PropNoEffect:
		formatPropertyPath(b, p, after, width, level)
		b.scope(colorGray, func() { formatJSON(b, after, "", 0, level+1) })
	}
}

func formatPropertyPath(b *builder, p planner.PropertyChange, v pyValue, width, level int) {
	if p.Path == "" {
		return
	}
	path := clean(p.Path)
	pad := width - pyLen(path) + 1
	if nonEmptyArray(v) {
		pad = 1
	}
	if nonEmptyObject(v) {
		pad = 0
	}
	if p.PropertyChangeType == planner.PropModify && len(p.Children) > 0 {
		pad = 0
	}
	st := propStyles[p.PropertyChangeType]
	b.indent(level)
	b.append(st.symbol, st.color).append(" ", "")
	b.append(path, "")
	b.append(":", colorReset)
	b.append(strings.Repeat(" ", max(pad, 0)), "")
}

func formatPropertyModify(b *builder, before, after pyValue, children []planner.PropertyChange, level int) {
	if len(children) > 0 {
		b.line("").line("")
		formatPropertyChanges(b, sortedProps(children), level)
		return
	}
	b.scope(colorOrange, func() { formatJSON(b, before, "", 0, level) })
	if nonEmptyObject(before) {
		b.line("")
		b.indent(level)
	} else {
		b.append(" ", "")
	}
	b.append("=>", "")
	if !nonEmptyObject(after) {
		b.append(" ", "")
	}
	b.scope(colorGreen, func() { formatJSON(b, after, "", 0, level) })
	if !isLeaf(before) && isLeaf(after) {
		b.line("")
	}
}

func formatPropertyArray(b *builder, p planner.PropertyChange, level int) {
	if p.Path == "" {
		// A nested array change: az prints the indent before "[".
		level--
		b.indent(level)
	}
	if len(p.Children) == 0 {
		b.line("[]")
		return
	}
	b.append("[", "").line("")
	kids := append([]planner.PropertyChange(nil), p.Children...)
	sort.SliceStable(kids, func(i, j int) bool {
		a, c := pyInt(kids[i].Path), pyInt(kids[j].Path)
		if a != c {
			return a < c
		}
		return propWeight(kids[i].PropertyChangeType) < propWeight(kids[j].PropertyChangeType)
	})
	formatPropertyChanges(b, kids, level)
	b.indent(level)
	b.append("]", "")
}

// formatJSON is az's _format_json.
func formatJSON(b *builder, v pyValue, path string, width, level int) {
	switch {
	case isLeaf(v):
		formatJSONPath(b, path, width-pyLen(path)+1, level)
		formatLeaf(b, v)
	case nonEmptyArray(v):
		formatJSONPath(b, path, 1, level)
		formatArray(b, v, level)
	default:
		formatObject(b, v, path, width, level)
	}
}

func formatLeaf(b *builder, v pyValue) {
	switch v.kind {
	case pyNone:
		b.append("null", "")
	case pyBool:
		if v.b {
			b.append("true", "")
		} else {
			b.append("false", "")
		}
	case pyStrKind:
		b.append(`"`, "").append(v.s, "").append(`"`, "")
	default:
		b.append(pyStr(v), "")
	}
}

func formatArray(b *builder, v pyValue, level int) {
	b.append("[", colorReset).line("")
	lastLeaf := 0
	for i, e := range v.list {
		if isLeaf(e) {
			lastLeaf = i
		}
	}
	width := len(strconv.Itoa(lastLeaf))
	for i, e := range v.list {
		p := strconv.Itoa(i)
		if nonEmptyObject(e) {
			formatJSONPath(b, p, 0, level+1)
			formatObject(b, e, "", 0, level+1)
		} else {
			formatJSON(b, e, p, width, level+1)
		}
		b.line("")
	}
	b.indent(level)
	b.append("]", colorReset)
}

func formatObject(b *builder, v pyValue, path string, width, level int) {
	root := path == ""
	if root {
		b.line("").line("")
		width = objectWidth(v)
		level++
	}
	for i, k := range v.keys {
		p := k
		if !root {
			p = path + "." + k
		}
		c := v.vals[i]
		formatJSON(b, c, p, width, level)
		if !nonEmptyObject(c) {
			b.line("")
		}
	}
}

func formatJSONPath(b *builder, path string, pad, level int) {
	if path == "" {
		return
	}
	b.indent(level)
	b.append(path, "")
	b.append(":", colorReset)
	b.append(strings.Repeat(" ", max(pad, 0)), "")
}

// objectWidth is az's _get_max_path_length_from_object: array members do
// not count, but the path of the object holding them does.
func objectWidth(v pyValue) int {
	w := 0
	for i, k := range v.keys {
		c := v.vals[i]
		switch {
		case nonEmptyArray(c):
			continue
		case nonEmptyObject(c):
			w = max(w, pyLen(k)+1+objectWidth(c))
		default:
			w = max(w, pyLen(k))
		}
	}
	return w
}

// pyLen is Python's len of a str: code points.
func pyLen(s string) int { return utf8.RuneCountInString(s) }

// pyInt is int() of an array child's path.
func pyInt(s string) int {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil {
		return 0
	}
	return n
}

// clean replaces each byte that is not UTF-8 with U+FFFD, as the JSON
// az reads has it.
func clean(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	var sb strings.Builder
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 {
			sb.WriteRune(utf8.RuneError)
		} else {
			sb.WriteString(s[i : i+n])
		}
		i += n
	}
	return sb.String()
}
