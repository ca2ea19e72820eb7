package tui

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/x/ansi"
)

// xline is one line of an explorer screen. Selectable lines carry the
// index of their item (ref) or their JSON node.
type xline struct {
	text  string
	sel   bool
	ref   int
	node  *jnode
	close bool
}

func info(text string) xline { return xline{text: text, ref: -1} }

// lines lays out a screen's body.
func (m *exploreModel) lines(s *screen) []xline {
	t := m.theme
	var out []xline
	if s.loading {
		return []xline{info(t.dim.Render("  loading…"))}
	}
	if s.err != nil {
		out = append(out, info(t.fail.Render("  error: "+s.err.Error())))
	}
	q := strings.ToLower(s.filter)
	match := func(fields ...string) bool {
		if q == "" {
			return true
		}
		for _, f := range fields {
			if strings.Contains(strings.ToLower(f), q) {
				return true
			}
		}
		return false
	}
	empty := func(what string) {
		if q != "" {
			what = "nothing matches “" + s.filter + "”"
		}
		out = append(out, info(t.dim.Render("  "+what)))
	}
	w := m.width
	switch s.kind {
	case scrSubs:
		for i, sub := range s.subs {
			if match(sub.ID, sub.DisplayName) {
				out = append(out, xline{sel: true, ref: i, text: sub.ID + "  " + sub.DisplayName + "  " + t.dim.Render(sub.State)})
			}
		}
		if len(out) == 0 {
			empty("no subscriptions in the state")
		}
	case scrGroups:
		for i, g := range s.groups {
			if match(g.Name, g.Location) {
				out = append(out, xline{sel: true, ref: i, text: pad(g.Name, 30) + "  " + pad(g.Location, 14) + "  " + t.dim.Render(tagText(g.Tags))})
			}
		}
		if len(out) == 0 {
			empty("no resource groups")
		}
	case scrGroup:
		tabs := [2]string{fmt.Sprintf("Resources %d", len(s.resources)), fmt.Sprintf("Deployments %d", len(s.deployments))}
		tabs[s.tab] = t.title.Render("[" + tabs[s.tab] + "]")
		tabs[1-s.tab] = t.dim.Render(" " + tabs[1-s.tab] + " ")
		out = append(out, info(tabs[0]+"  "+tabs[1]+t.dim.Render("   tab switches")), info(""))
		n := len(out)
		if s.tab == 0 {
			out = m.resourceLines(out, s, match, w)
		} else {
			out = m.deploymentLines(out, s, match)
		}
		if len(out) == n {
			empty(map[int]string{0: "no resources", 1: "no deployments"}[s.tab])
		}
	case scrResource:
		out = m.resourceDetail(out, s, w)
	case scrDeployment:
		out = m.operationLines(out, s, match, w)
	}
	return out
}

func tagText(tags map[string]string) string {
	if len(tags) == 0 {
		return ""
	}
	keys := make([]string, 0, len(tags))
	for k := range tags {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for i, k := range keys {
		keys[i] = k + "=" + tags[k]
	}
	return strings.Join(keys, " ")
}

func (m *exploreModel) resourceLines(out []xline, s *screen, match func(...string) bool, w int) []xline {
	t := m.theme
	nameW := 8
	for _, r := range s.resources {
		nameW = max(nameW, ansi.StringWidth(r.Name))
	}
	nameW = min(nameW, max(12, w/3))
	// The line: prefix 2, name, type, location 12, replication 16.
	typeW := max(10, min(46, w-2-nameW-2-2-12-16))
	names := make([]string, len(s.resources))
	for i, r := range s.resources {
		names[i] = r.Name
	}
	short := shortNames(names, nameW) // rows stay distinct when names are cut
	for i, r := range s.resources {
		if !match(r.Name, r.Type, r.ID, r.Location) {
			continue
		}
		text := pad(short[i], nameW) + "  " + t.dim.Render(padTail(r.Type, typeW)) + "  " + pad(r.Location, 12)
		if isImageVersion(r.Type) {
			agg, reps := replication(r.Body)
			done := 0
			for _, rp := range reps {
				if strings.EqualFold(rp.state, "Completed") {
					done++
				}
			}
			repl := fmt.Sprintf("%d/%d replicated", done, len(reps))
			if agg != "" && !strings.EqualFold(agg, "Completed") {
				repl = t.warn.Render(repl)
			}
			text += repl
		}
		out = append(out, xline{sel: true, ref: i, text: text})
	}
	return out
}

// statusMark is the mark of a deployment or operation status.
func (t theme) statusMark(status string) string {
	switch strings.ToLower(status) {
	case "succeeded":
		return t.ok.Render("✓")
	case "failed":
		return t.fail.Render("✗")
	case "skipped":
		return t.skip.Render("↷")
	case "canceled", "cancelled":
		return t.warn.Render("⊘")
	case "running", "accepted":
		return t.run.Render("◌")
	}
	return t.dim.Render("·")
}

func stamp(tm time.Time) string {
	if tm.IsZero() {
		return ""
	}
	return tm.UTC().Format("2006-01-02 15:04:05Z")
}

// opDuration is blank for an operation that never ran.
func opDuration(op Operation) string {
	if op.Duration == 0 && op.Started.IsZero() {
		return ""
	}
	return formatDuration(op.Duration)
}

func depDuration(d *Deployment) string {
	if d.Finished.IsZero() || d.Started.IsZero() {
		return ""
	}
	return formatDuration(d.Finished.Sub(d.Started))
}

func (m *exploreModel) deploymentLines(out []xline, s *screen, match func(...string) bool) []xline {
	t := m.theme
	nameW := 10
	for _, d := range s.deployments {
		nameW = max(nameW, ansi.StringWidth(d.Name))
	}
	nameW = min(nameW, 40)
	for i, d := range s.deployments {
		if !match(d.Name, d.Status, d.Mode) {
			continue
		}
		text := t.statusMark(d.Status) + " " + pad(d.Name, nameW) + "  " + pad(d.Status, 9) + "  " + pad(d.Mode, 11) +
			"  " + t.dim.Render(stamp(d.Started)) + "  " + padLeft(depDuration(&d), 7)
		out = append(out, xline{sel: true, ref: i, text: text})
	}
	return out
}

func (m *exploreModel) resourceDetail(out []xline, s *screen, w int) []xline {
	t := m.theme
	r := s.res
	field := func(k, v string) xline { return info(t.dim.Render(pad(k, 11)) + " " + v) }
	out = append(out, field("name", t.title.Render(r.Name)), field("type", r.Type))
	for i, l := range strings.Split(ansi.Wrap(r.ID, w-16, "/"), "\n") {
		k := ""
		if i == 0 {
			k = "id"
		}
		out = append(out, field(k, l))
	}
	if r.Location != "" {
		out = append(out, field("location", r.Location))
	}
	if r.Deployment != "" || !r.Updated.IsZero() {
		v := r.Deployment
		if !r.Updated.IsZero() {
			v += t.dim.Render("  updated " + stamp(r.Updated))
		}
		out = append(out, field("deployment", v))
	}
	if isImageVersion(r.Type) {
		agg, reps := replication(r.Body)
		out = append(out, info(""), field("replication", agg))
		regW := 8
		for _, rp := range reps {
			regW = max(regW, ansi.StringWidth(rp.region))
		}
		regW = min(regW, 20)
		// The line: prefix 2, indent 2, region, count 10, storage 14,
		// state 12, gaps, bar, " 100%".
		barW := max(5, min(30, w-2-2-regW-2-10-2-14-2-12-1-5))
		for _, rp := range reps {
			state := rp.state
			if state == "" {
				state = "Pending"
			}
			line := "  " + pad(rp.region, regW) + "  " + pad(fmt.Sprintf("%d %s", rp.count, plural(rp.count, "replica", "replicas")), 10) +
				"  " + pad(rp.storage, 14) + "  " + pad(state, 12) + " " + t.progressBar(rp.progress, barW) + fmt.Sprintf(" %3d%%", rp.progress)
			out = append(out, info(line))
			if rp.details != "" {
				out = append(out, info(t.dim.Render("    "+rp.details)))
			}
		}
	}
	out = append(out, info(""), info(t.dim.Render("body")))
	switch {
	case s.treeErr != nil:
		out = append(out, info(t.fail.Render("  "+s.treeErr.Error())))
	case s.tree == nil:
		out = append(out, info(t.dim.Render("  (no body)")))
	default:
		q := strings.ToLower(s.filter)
		for _, l := range s.tree.lines(nil) {
			text := l.text()
			if !l.close && l.node.matches(q) {
				text = t.warn.Render(text)
			}
			out = append(out, xline{sel: true, ref: -1, node: l.node, close: l.close, text: text})
		}
	}
	return out
}

func (m *exploreModel) operationLines(out []xline, s *screen, match func(...string) bool, w int) []xline {
	t := m.theme
	d := s.dep
	field := func(k, v string) xline { return info(t.dim.Render(pad(k, 11)) + " " + v) }
	out = append(out, field("deployment", t.statusMark(d.Status)+" "+t.title.Render(d.Name)),
		field("status", d.Status+t.dim.Render(" · ")+d.Mode))
	if !d.Started.IsZero() {
		v := stamp(d.Started)
		if dur := depDuration(d); dur != "" {
			v += t.dim.Render(" · took ") + dur
		}
		out = append(out, field("started", v))
	}
	if e := parseError(d.Error); e != nil {
		for i, l := range wrap(e.String(), w-14, 3) {
			k := ""
			if i == 0 {
				k = "error"
			}
			out = append(out, field(k, t.fail.Render(l)))
		}
		for _, dt := range e.Details {
			out = append(out, field("", t.dim.Render("- ")+fit(dt.String(), w-16)))
		}
	}
	out = append(out, outputLines(d, field)...)
	out = append(out, info(""), info(t.dim.Render(fmt.Sprintf("operations (%d)", len(s.ops)))))
	n := len(out)
	nameW := 8
	for _, op := range s.ops {
		nameW = max(nameW, ansi.StringWidth(nameFromID(op.ResourceID)))
	}
	nameW = min(nameW, max(12, w/4))
	// The line: prefix 2, mark 2, operation 6, gaps, status 9, duration 7.
	typeW := max(10, w-2-2-6-2-nameW-2-2-9-2-7)
	names := make([]string, len(s.ops))
	for i, op := range s.ops {
		names[i] = nameFromID(op.ResourceID)
	}
	short := shortNames(names, nameW)
	for i, op := range s.ops {
		name := names[i]
		if !match(name, op.ResourceID, op.ResourceType, op.Status, op.Operation) {
			continue
		}
		text := t.statusMark(op.Status) + " " + pad(op.Operation, 6) + "  " + pad(short[i], nameW) + "  " +
			t.dim.Render(padTail(op.ResourceType, typeW)) + "  " + pad(op.Status, 9) + "  " + padLeft(opDuration(op), 7)
		out = append(out, xline{sel: true, ref: i, text: text})
		e := parseError(op.Error)
		if s.opOpen[i] {
			for j, l := range strings.Split(ansi.Wrap(op.ResourceID, w-14, "/"), "\n") {
				k := "        "
				if j == 0 {
					k = "id      "
				}
				out = append(out, xline{ref: i, text: "    " + t.dim.Render(k) + l})
			}
			if !op.Started.IsZero() {
				out = append(out, xline{ref: i, text: "    " + t.dim.Render("started ") + stamp(op.Started)})
			}
			if e != nil {
				for _, l := range wrap(e.String(), w-12, 12) {
					out = append(out, xline{ref: i, text: "    " + t.fail.Render(l)})
				}
				if e.Target != "" {
					out = append(out, xline{ref: i, text: "    " + t.dim.Render("target  ") + e.Target})
				}
			}
		} else if e != nil {
			out = append(out, xline{ref: i, text: "    " + t.fail.Render(fit(e.String(), w-5))})
		}
	}
	if len(out) == n && !s.loading {
		if s.filter != "" {
			out = append(out, info(t.dim.Render("  nothing matches “"+s.filter+"”")))
		} else {
			out = append(out, info(t.dim.Render("  no operations recorded")))
		}
	}
	return out
}

// outputLines lists a deployment's outputs as name = value.
func outputLines(d *Deployment, field func(k, v string) xline) []xline {
	if len(d.Outputs) == 0 {
		return nil
	}
	root, err := parseJSON(d.Outputs, 0)
	if err != nil || root.kind != '{' {
		return nil
	}
	var out []xline
	for i, o := range root.kids {
		v := o
		for _, k := range o.kids {
			if k.key == "value" {
				v = k
			}
		}
		text := v.text
		if v.kind != 0 {
			text = compactJSON(v)
		}
		k := ""
		if i == 0 {
			k = "outputs"
		}
		out = append(out, field(k, o.key+" = "+text))
	}
	return out
}

// compactJSON renders a node on one line.
func compactJSON(n *jnode) string {
	if n.kind == 0 {
		return n.text
	}
	parts := make([]string, len(n.kids))
	for i, k := range n.kids {
		parts[i] = compactJSON(k)
		if n.kind == '{' {
			parts[i] = fmt.Sprintf("%q:%s", k.key, parts[i])
		}
	}
	return string(n.kind) + strings.Join(parts, ",") + closing(n.kind)
}

// nameFromID is a resource's full name from its id: the name segments
// after the provider namespace, joined by "/".
func nameFromID(id string) string {
	i := strings.LastIndex(strings.ToLower(id), "/providers/")
	if i < 0 {
		parts := strings.Split(strings.Trim(id, "/"), "/")
		return parts[len(parts)-1]
	}
	segs := strings.Split(strings.Trim(id[i+len("/providers/"):], "/"), "/")
	var names []string
	for j := 2; j < len(segs); j += 2 {
		names = append(names, segs[j])
	}
	if len(names) == 0 {
		return id
	}
	return strings.Join(names, "/")
}

// breadcrumb is the path to the current screen.
func (m *exploreModel) breadcrumb() string {
	t := m.theme
	parts := []string{t.title.Render("armdeploy ui")}
	for _, s := range m.stack {
		switch s.kind {
		case scrGroups:
			parts = append(parts, s.sub)
		case scrGroup:
			parts = append(parts, s.group)
		case scrResource:
			parts = append(parts, s.res.Name)
		case scrDeployment:
			parts = append(parts, "deployment "+s.dep.Name)
		}
	}
	return fitLeft(strings.Join(parts, t.dim.Render(" › ")), m.width)
}

// View renders the explorer in exactly height lines.
func (m *exploreModel) View() string {
	t := m.theme
	w, h := m.width, m.height
	s := m.top()
	out := []string{m.breadcrumb(), t.rule(w)}
	bh := m.bodyHeight()
	more := ""
	if m.help {
		out = append(out, m.helpLines()...)
	} else {
		lines := m.lines(s)
		cur := -1
		n := 0
		for i, l := range lines {
			if l.sel {
				if n == s.cursor {
					cur = i
				}
				n++
			}
		}
		end := min(len(lines), s.offset+bh)
		for i := min(s.offset, end); i < end; i++ {
			prefix := "  "
			text := lines[i].text
			if i == cur {
				prefix = t.key.Render("›") + " "
				text = t.sel.Render(ansi.Strip(text))
			}
			out = append(out, prefix+text)
		}
		above, below := s.offset > 0, end < len(lines)
		switch {
		case above && below:
			more = "↑↓ more"
		case above:
			more = "↑ more"
		case below:
			more = "↓ more"
		}
	}
	for len(out) < h-2 {
		out = append(out, "")
	}
	out = out[:max(0, min(len(out), h-2))]
	out = append(out, t.moreRule(more, w))
	out = append(out, m.footer())
	return clip(out, w, h)
}

func (m *exploreModel) footer() string {
	t := m.theme
	s := m.top()
	switch {
	case m.searching:
		return t.key.Render("/") + m.query + "█" + t.dim.Render("   enter keep · esc clear")
	case m.help:
		return t.dim.Render("any key closes the help")
	}
	var hint string
	if s.filter != "" {
		hint = t.warn.Render("filter “"+s.filter+"”") + t.dim.Render(" · ")
	}
	bs := []key.Binding{withHelp(keyEnter, "open"), withHelp(keyBack, "back"), keySearch, keyHelp, keyQuit}
	switch s.kind {
	case scrGroup:
		bs = append([]key.Binding{keyTab}, bs...)
	case scrResource:
		all := keyAllOpen
		all.SetHelp("e/c", "all")
		bs = []key.Binding{withHelp(keyToggle, "fold"), all, keySearch, withHelp(keyNext, "next"), withHelp(keyBack, "back"), keyHelp, keyQuit}
	case scrDeployment:
		bs[0] = withHelp(keyEnter, "details")
	}
	return hint + t.helpLine(bs...)
}

func (m *exploreModel) helpLines() []string {
	t := m.theme
	rows := [][2]string{
		{"↑/k ↓/j", "move"},
		{"pgup pgdn", "page"},
		{"g G", "first, last"},
		{"enter →/l", "open a subscription, group, resource or deployment; fold JSON; show an operation's details"},
		{"esc ←/h", "back"},
		{"tab", "in a group: switch between resources and deployments"},
		{"space", "fold or unfold the JSON value under the cursor"},
		{"e c", "unfold all, fold all"},
		{"/", "search: filter the list, or find in a resource's JSON (enter keeps it, esc clears)"},
		{"n", "next match in a resource's JSON"},
		{"r", "reload"},
		{"?", "this help"},
		{"q ctrl+c", "quit"},
	}
	out := []string{t.title.Render("Keys"), ""}
	for _, r := range rows {
		for i, l := range wrap(r[1], m.width-16, 3) {
			k := ""
			if i == 0 {
				k = r[0]
			}
			out = append(out, "  "+t.key.Render(pad(k, 11))+" "+l)
		}
	}
	return out
}
