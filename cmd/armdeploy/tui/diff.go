package tui

import (
	"strconv"
	"strings"

	"github.com/charmbracelet/lipgloss"

	"github.com/armdeploy/armdeploy/evaluator"
	"github.com/armdeploy/armdeploy/planner"
)

// diffLine is one line of a resource's property diff, indented by depth.
type diffLine struct {
	depth int
	sym   string // +, -, ~, x, ! or "" for context lines
	text  string
}

// The symbols of the change types, as az's what-if prints them.
var changeSymbols = map[planner.ChangeType]string{
	planner.Create: "+", planner.Delete: "-", planner.Modify: "~", planner.Deploy: "!",
	planner.NoChange: "=", planner.Unsupported: "x", planner.Ignore: "*",
}

// changeOrder is az's order of the change types.
var changeOrder = []planner.ChangeType{planner.Delete, planner.Create, planner.Deploy, planner.Modify,
	planner.NoChange, planner.Unsupported, planner.Ignore}

// changeDetail returns the lines that unfold under a change: the property
// changes of a Modify, the payload of a Create, Deploy or Delete, the
// reason of an Unsupported. Values are compact JSON with secure values
// redacted.
func changeDetail(c *planner.Change) []diffLine {
	if c == nil {
		return nil
	}
	var out []diffLine
	switch c.ChangeType {
	case planner.Modify:
		for _, pc := range c.Delta {
			out = propLines(out, pc, 0)
		}
	case planner.Create:
		out = payloadLines(out, c.After, "+")
	case planner.Deploy:
		out = payloadLines(out, c.After, "!")
	case planner.Delete:
		out = payloadLines(out, c.Before, "-")
	case planner.Unsupported:
		if c.UnsupportedReason != "" {
			out = append(out, diffLine{sym: "x", text: "reason: " + c.UnsupportedReason})
		}
	}
	return out
}

func propLines(out []diffLine, pc planner.PropertyChange, depth int) []diffLine {
	switch pc.PropertyChangeType {
	case planner.PropCreate:
		return append(out, diffLine{depth, "+", pc.Path + ": " + valueText(pc.After)})
	case planner.PropDelete:
		return append(out, diffLine{depth, "-", pc.Path + ": " + valueText(pc.Before)})
	case planner.PropNoEffect:
		return append(out, diffLine{depth, "x", pc.Path + ": " + valueText(pc.Before) + " => " + valueText(pc.After) + " (no effect)"})
	case planner.PropArray:
		out = append(out, diffLine{depth, "~", pc.Path + ": ["})
		for _, ch := range pc.Children {
			out = propLines(out, ch, depth+1)
		}
		return append(out, diffLine{depth, "", "]"})
	default:
		if len(pc.Children) > 0 {
			out = append(out, diffLine{depth, "~", pc.Path + ":"})
			for _, ch := range pc.Children {
				out = propLines(out, ch, depth+1)
			}
			return out
		}
		return append(out, diffLine{depth, "~", pc.Path + ": " + valueText(pc.Before) + " => " + valueText(pc.After)})
	}
}

// payloadLines lists the leaves of a payload as path: value, leaving out
// the members the resource line already shows.
func payloadLines(out []diffLine, v *evaluator.Value, sym string) []diffLine {
	if v == nil {
		return out
	}
	o, ok := v.AsObject()
	if !ok {
		return append(out, diffLine{0, sym, v.String()})
	}
	for i := range o.Len() {
		switch k := o.KeyAt(i); k {
		case "apiVersion", "id", "name", "type":
		default:
			out = flatten(out, k, o.ValueAt(i), sym)
		}
	}
	return out
}

func flatten(out []diffLine, path string, v evaluator.Value, sym string) []diffLine {
	if o, ok := v.AsObject(); ok && o.Len() > 0 {
		for i := range o.Len() {
			out = flatten(out, path+"."+o.KeyAt(i), o.ValueAt(i), sym)
		}
		return out
	}
	if a, ok := v.AsArray(); ok && len(a) > 0 && !scalars(a) {
		for i, e := range a {
			out = flatten(out, path+"["+strconv.Itoa(i)+"]", e, sym)
		}
		return out
	}
	return append(out, diffLine{0, sym, path + ": " + v.String()})
}

func scalars(a []evaluator.Value) bool {
	for _, e := range a {
		if _, ok := e.AsObject(); ok {
			return false
		}
		if _, ok := e.AsArray(); ok {
			return false
		}
	}
	return true
}

func valueText(v *evaluator.Value) string {
	if v == nil {
		return "null"
	}
	return v.String()
}

// changeAPIVersion is the apiVersion of a change's payload.
func changeAPIVersion(c *planner.Change) string {
	for _, v := range []*evaluator.Value{c.After, c.Before} {
		if v == nil {
			continue
		}
		if av, ok := v.Get("apiVersion"); ok {
			if s, ok := av.AsString(); ok {
				return s
			}
		}
	}
	return ""
}

// symStyle is the style of a diff symbol.
func (t theme) symStyle(sym string) lipgloss.Style {
	switch sym {
	case "+":
		return t.add
	case "-":
		return t.del
	case "~":
		return t.mod
	case "!":
		return t.deploy
	default:
		return t.dim
	}
}

// diffText renders a diff line indented by indent spaces.
func (t theme) diffText(d diffLine, indent int) string {
	ind := strings.Repeat(" ", indent+2*d.depth)
	if d.sym == "" {
		return ind + "  " + d.text
	}
	st := t.symStyle(d.sym)
	return ind + st.Render(d.sym) + " " + st.Render(d.text)
}
