package tui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/spinner"
	"github.com/charmbracelet/x/ansi"
)

// layoutItem is one entry of the deploy view's body: a row (with or
// without its replication bars) or a fold line standing for the hidden
// rows [from, to).
type layoutItem struct {
	row      int // -1 for a fold line
	bars     bool
	from, to int
}

// planLayout picks the rows to show in budget lines. Rows are shown in
// order; each run of hidden rows costs one fold line. What is shown, by
// priority: every running row, their bars, the cursor row (with its
// bars), the failed rows, then the rows nearest focus. A row costs 1 line
// plus its bar lines, so the work is O(n) and the output never exceeds
// budget lines (unless budget < 1).
func planLayout(n, budget, focus, cursor int, running func(i int) bool, failed func(i int) bool, bars func(i int) int) []layoutItem {
	if n == 0 {
		return nil
	}
	shown := make([]bool, n)
	withBars := make([]bool, n)
	total := 0
	for i := range n {
		total++
		if running(i) || i == cursor {
			total += bars(i)
		}
	}
	if total <= budget {
		out := make([]layoutItem, n)
		for i := range n {
			out[i] = layoutItem{row: i, bars: running(i) || i == cursor}
		}
		return out
	}
	used := 1 // all rows hidden: one fold line
	hidden := func(i int) bool { return i >= 0 && i < n && !shown[i] }
	add := func(i int, wantBars bool) bool {
		if i < 0 || i >= n || shown[i] {
			return false
		}
		h := 0
		if hidden(i - 1) {
			h++
		}
		if hidden(i + 1) {
			h++
		}
		cost := 1 + h - 1
		if wantBars {
			cost += bars(i)
		}
		if used+cost > budget {
			return false
		}
		shown[i], withBars[i] = true, wantBars && bars(i) > 0
		used += cost
		return true
	}
	// Every running row first, then their bars while they fit.
	for i := range n {
		if running(i) {
			add(i, false)
		}
	}
	for i := range n {
		if shown[i] && running(i) && bars(i) > 0 && used+bars(i) <= budget {
			withBars[i] = true
			used += bars(i)
		}
	}
	if cursor >= 0 && !add(cursor, true) {
		add(cursor, false)
	}
	for i := range n {
		if failed(i) {
			add(i, false)
		}
	}
	focus = max(0, min(n-1, focus))
	for d := 0; d < n; d++ {
		add(focus+d, false)
		add(focus-d-1, false)
	}
	var out []layoutItem
	for i := 0; i < n; {
		if shown[i] {
			out = append(out, layoutItem{row: i, bars: withBars[i]})
			i++
			continue
		}
		j := i
		for j < n && !shown[j] {
			j++
		}
		out = append(out, layoutItem{row: -1, from: i, to: j})
		i = j
	}
	return out
}

// View renders the deploy view in at most height lines.
func (m *deployModel) View() string {
	w, h := m.width, m.height
	if m.done {
		// bubbletea erases the last line when it exits: the final frame
		// ends with an empty line for it, so the frame stays whole.
		h--
	}
	t := m.theme
	head := []string{m.headerLine(w), t.rule(w)}
	foot := []string{m.countsLine(w), m.helpLine(w)}
	var pane []string
	if !m.details { // the details show the error themselves
		pane = m.errorPane(w)
	}
	budget := h - len(head) - len(foot) - 1 - len(pane)
	// The running rows come first: the error pane shrinks to its title
	// line, then to nothing, to make room for them.
	need := max(3, 2*m.counts()[stRunning]+1)
	for len(pane) > 0 && budget < need {
		if len(pane) > 1 {
			pane = pane[:1]
		} else {
			pane = nil
		}
		budget = h - len(head) - len(foot) - 1 - len(pane)
	}
	var body []string
	if m.details && m.cursor >= 0 && m.cursor < len(m.rows) {
		body = m.detailLines(w, max(1, budget))
	} else {
		body = m.rowLines(w, max(1, budget))
	}
	lines := append(head, body...)
	lines = append(lines, t.rule(w))
	lines = append(lines, pane...)
	lines = append(lines, foot...)
	if m.done {
		return clip(lines, w, h) + "\n"
	}
	return clip(lines, w, h)
}

func (m *deployModel) headerLine(w int) string {
	t := m.theme
	left := t.title.Render("deploy "+m.head.Deployment) + t.dim.Render(" → ") + m.head.ResourceGroup
	if m.head.Mode != "" {
		left += t.dim.Render(" (" + m.head.Mode + ")")
	}
	var state string
	c := m.counts()
	switch {
	case m.done && c[stFailed] > 0:
		state = t.fail.Render("failed")
	case m.done && (c[stCanceled] > 0 || m.cancelRequested):
		state = t.warn.Render("canceled")
	case m.done:
		state = t.ok.Render("succeeded")
	case m.cancelRequested:
		state = t.warn.Render("canceling")
	default:
		state = t.run.Render(m.spin() + " deploying")
	}
	return spread(left, state+"  "+formatClock(m.elapsed()), w)
}

func (m *deployModel) spin() string {
	f := spinner.MiniDot.Frames
	return f[m.frame%len(f)]
}

// mark is a row's status mark.
func (m *deployModel) mark(s status) string {
	t := m.theme
	switch s {
	case stRunning:
		return t.run.Render(m.spin())
	case stSucceeded:
		return t.ok.Render("✓")
	case stFailed:
		return t.fail.Render("✗")
	case stSkipped:
		return t.skip.Render("↷")
	case stCanceled:
		return t.warn.Render("⊘")
	}
	return t.dim.Render("·")
}

var verbs = map[string][2]string{
	"create": {"creating", "created"}, "update": {"updating", "updated"},
	"delete": {"deleting", "deleted"}, "read": {"reading", "read"},
}

// ran reports whether a row's operation started, so it has a duration.
func ran(r *deployRow) bool {
	return r.status != stWaiting && (r.took > 0 || !r.started.IsZero())
}

// label is a row's status in words, so the view reads without colour.
func label(r *deployRow) string {
	v, ok := verbs[strings.ToLower(r.op)]
	if !ok {
		v = [2]string{"running", "done"}
	}
	switch r.status {
	case stRunning:
		return v[0]
	case stSucceeded:
		return v[1]
	case stFailed:
		return "failed"
	case stSkipped:
		return "skipped"
	case stCanceled:
		return "canceled"
	}
	return "waiting"
}

func (m *deployModel) rowLines(w, budget int) []string {
	n := len(m.rows)
	if n == 0 {
		return []string{m.theme.dim.Render("  no resources to deploy")}
	}
	items := planLayout(n, budget, m.focus(), m.cursor,
		func(i int) bool { return m.rows[i].status == stRunning },
		func(i int) bool { return m.rows[i].status == stFailed },
		func(i int) int { return len(m.rows[i].regions) })
	// Column widths: mark, name, type, status word, duration.
	const labelW, durW = 8, 7
	nameW := 4
	for _, it := range items {
		if it.row >= 0 {
			nameW = max(nameW, ansi.StringWidth(m.rows[it.row].Name))
		}
	}
	rest := w - 3 - 2 - labelW - 1 - durW
	showType := rest >= 30
	if showType {
		nameW = min(nameW, max(12, (rest-2)/2))
	} else {
		nameW = max(1, rest)
	}
	typeW := rest - nameW - 2
	// Long names lose their middle, so rows stay distinct at any width.
	all := make([]string, n)
	for i := range m.rows {
		all[i] = m.rows[i].Name
	}
	short := shortNames(all, nameW)
	var out []string
	for _, it := range items {
		if it.row < 0 {
			out = append(out, m.foldLine(it.from, it.to))
			continue
		}
		r := &m.rows[it.row]
		sel := " "
		name := pad(short[it.row], nameW)
		if it.row == m.cursor {
			sel = m.theme.key.Render("›")
			name = m.theme.sel.Render(name)
		}
		line := sel + m.mark(r.status) + " " + name
		if showType {
			typ := r.Type
			if ansi.StringWidth(typ) > typeW {
				// The namespace's "Microsoft." goes first, then the
				// start: the end of a type tells it apart.
				typ = strings.TrimPrefix(typ, "Microsoft.")
			}
			line += "  " + m.theme.dim.Render(padTail(typ, typeW))
		}
		dur := ""
		if ran(r) {
			dur = formatDuration(m.duration(r))
		}
		line += "  " + pad(label(r), labelW) + " " + padLeft(dur, durW)
		out = append(out, line)
		if it.bars {
			out = append(out, m.barLines(r, w)...)
		}
	}
	return out
}

// barLines draws one replication bar per target region of a row.
func (m *deployModel) barLines(r *deployRow, w int) []string {
	regW := 6
	for _, g := range r.regions {
		regW = max(regW, ansi.StringWidth(g.name))
	}
	regW = min(regW, 20)
	barW := min(40, w-6-regW-1-6)
	var out []string
	for _, g := range r.regions {
		pct := fmt.Sprintf("%3d%%", g.pct)
		if !g.reported {
			pct = m.theme.dim.Render(pct)
		}
		out = append(out, "      "+pad(g.name, regW)+" "+m.theme.progressBar(g.pct, barW)+" "+pct)
	}
	return out
}

// foldLine stands for the hidden rows [from, to), counted by status.
func (m *deployModel) foldLine(from, to int) string {
	var c [6]int
	for i := from; i < to; i++ {
		c[m.rows[i].status]++
	}
	names := []struct {
		s    status
		word string
	}{{stRunning, "running"}, {stFailed, "failed"}, {stSucceeded, "succeeded"}, {stSkipped, "skipped"},
		{stCanceled, "canceled"}, {stWaiting, "waiting"}}
	var parts []string
	for _, n := range names {
		if c[n.s] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", c[n.s], n.word))
		}
	}
	return m.theme.dim.Render(fmt.Sprintf("  ⋯ %d more: %s", to-from, strings.Join(parts, ", ")))
}

func (m *deployModel) countsLine(w int) string {
	t := m.theme
	c := m.counts()
	n := len(m.rows)
	finished := n - c[stWaiting] - c[stRunning]
	parts := []string{fmt.Sprintf("%d/%d done", finished, n)}
	add := func(s status, word string) {
		switch {
		case c[s] == 0:
		case s == stWaiting: // its mark reads as a separator
			parts = append(parts, fmt.Sprintf("%d %s", c[s], word))
		default:
			parts = append(parts, m.mark(s)+" "+fmt.Sprintf("%d %s", c[s], word))
		}
	}
	add(stSucceeded, "succeeded")
	add(stRunning, "running")
	add(stWaiting, "waiting")
	add(stFailed, "failed")
	add(stSkipped, "skipped")
	add(stCanceled, "canceled")
	warnings := 0
	for i := range m.rows {
		warnings += len(m.rows[i].warnings)
	}
	if warnings > 0 {
		parts = append(parts, t.warn.Render(fmt.Sprintf("⚠ %d warnings", warnings)))
	}
	return fit(strings.Join(parts, t.dim.Render(" · ")), w)
}

func (m *deployModel) helpLine(w int) string {
	t := m.theme
	c := m.counts()
	if m.done {
		var parts []string
		for _, x := range []struct {
			s    status
			word string
		}{{stFailed, "failed"}, {stSkipped, "skipped"}, {stCanceled, "canceled"}, {stWaiting, "not started"}} {
			if c[x.s] > 0 {
				parts = append(parts, fmt.Sprintf("%d %s", c[x.s], x.word))
			}
		}
		var msg string
		switch {
		case c[stFailed] > 0:
			msg = t.fail.Render("deployment failed")
		case c[stCanceled] > 0 || m.cancelRequested:
			msg = t.warn.Render("deployment canceled")
		default:
			return t.ok.Render(fmt.Sprintf("deployment succeeded: %d resources", c[stSucceeded]))
		}
		return msg + fmt.Sprintf(": %d succeeded, %s", c[stSucceeded], strings.Join(parts, ", "))
	}
	switch {
	case m.cancelRequested:
		return t.warn.Render(fmt.Sprintf("canceling: waiting for %d operations in flight", c[stRunning]))
	case m.details:
		return t.helpLine(keyUp, keyDown, keyEsc, withHelp(keyQuit, "cancel"))
	}
	return t.helpLine(keyUp, keyDown, withHelp(keyEnter, "details"), withHelp(keyEsc, "follow"),
		withHelp(keyQuit, "cancel"))
}

// errorPane shows the failure of the cursor row, else the first failure:
// ARM's code, message and target.
func (m *deployModel) errorPane(w int) []string {
	t := m.theme
	var failed []int
	for i := range m.rows {
		if m.rows[i].status == stFailed && m.rows[i].err != nil {
			failed = append(failed, i)
		}
	}
	if len(failed) == 0 {
		return nil
	}
	pick, nth := failed[0], 1
	for k, i := range failed {
		if i == m.cursor {
			pick, nth = i, k+1
		}
	}
	r := &m.rows[pick]
	title := t.fail.Render("✗ " + r.Name + " failed: " + r.err.Code)
	if len(failed) > 1 {
		title += t.dim.Render(fmt.Sprintf("  (%d of %d failures)", nth, len(failed)))
	}
	out := []string{title}
	for _, l := range wrap(r.err.Message, w-2, 3) {
		out = append(out, "  "+l)
	}
	if r.err.Target != "" {
		out = append(out, t.dim.Render("  target: "+r.err.Target))
	}
	return out
}

// detailLines shows the cursor row: id, type, operation, status and
// duration, replication, error, warnings and the what-if diff, scrolled by
// detailOff.
func (m *deployModel) detailLines(w, budget int) []string {
	t := m.theme
	r := &m.rows[m.cursor]
	field := func(k, v string) string { return "  " + t.dim.Render(pad(k, 11)) + " " + v }
	lines := []string{m.mark(r.status) + " " + t.title.Render(r.Name) + t.dim.Render("  (esc to close)")}
	for i, l := range strings.Split(ansi.Wrap(r.ID, w-14, "/"), "\n") {
		if i == 0 {
			lines = append(lines, field("id", l))
		} else {
			lines = append(lines, "              "+l)
		}
	}
	lines = append(lines, field("type", r.Type))
	if r.op != "" {
		lines = append(lines, field("operation", r.op))
	}
	st := label(r)
	if ran(r) {
		st += " " + formatDuration(m.duration(r))
	}
	lines = append(lines, field("status", st))
	if len(r.regions) > 0 {
		lines = append(lines, field("replication", ""))
		lines = append(lines, m.barLines(r, w)...)
	}
	if r.err != nil {
		lines = append(lines, field("error", t.fail.Render(r.err.Code)))
		for _, l := range wrap(r.err.Message, w-14, 20) {
			lines = append(lines, "              "+l)
		}
		if r.err.Target != "" {
			lines = append(lines, field("target", r.err.Target))
		}
		for _, d := range r.err.Details {
			lines = append(lines, field("detail", d.Code+": "+d.Message))
		}
	}
	for _, wn := range r.warnings {
		lines = append(lines, field("warning", t.warn.Render(wn)))
	}
	if r.Change != nil {
		lines = append(lines, field("what-if", changeSymbols[r.Change.ChangeType]+" "+string(r.Change.ChangeType)))
		for _, d := range changeDetail(r.Change) {
			lines = append(lines, t.diffText(d, 4))
		}
	}
	if budget <= 0 {
		return lines
	}
	off := min(m.detailOff, max(0, len(lines)-budget))
	lines = lines[off:]
	if len(lines) > budget {
		lines = lines[:budget]
	}
	return lines
}
