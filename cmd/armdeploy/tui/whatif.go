package tui

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/armdeploy/armdeploy/planner"
	"github.com/armdeploy/armdeploy/views"
)

// BrowseWhatIf shows a what-if result full-screen on out: the resources
// grouped by change type, each with its property diff folded or unfolded,
// the groups filtered by change type, and asks to deploy. It returns true
// when the user confirmed (y, or enter twice), false when they aborted
// (n, q, esc, Ctrl-C). in is the keyboard.
func BrowseWhatIf(in io.Reader, out io.Writer, res *planner.WhatIfResult, opts Options) (confirmed bool, err error) {
	opts = opts.withDefaults()
	m := newWhatIfModel(res, newTheme(out, opts.NoColor), opts)
	final, err := tea.NewProgram(m, programOptions(in, out, true)...).Run()
	if err != nil {
		return false, fmt.Errorf("what-if browser: %w", err)
	}
	return final.(*whatIfModel).confirmed, nil
}

// wiItem is one resource change.
type wiItem struct {
	c      *planner.Change
	scope  string
	rel    string
	detail []diffLine
	open   bool
}

// wiGroup is the changes of one type.
type wiGroup struct {
	ct     planner.ChangeType
	items  []wiItem
	folded bool
}

// wiPos is a selectable line: a group header (item -1) or a change.
type wiPos struct{ group, item int }

// wiLine is one line of the browser's body.
type wiLine struct {
	pos        wiPos
	selectable bool
	diff       *diffLine
}

// whatIfModel is the what-if browser.
type whatIfModel struct {
	groups      []wiGroup
	hidden      map[planner.ChangeType]bool
	diagnostics []planner.Diagnostic
	scopes      []string
	theme       theme

	width, height int
	cursor        wiPos
	offset        int
	confirming    bool
	confirmed     bool
	done          bool
}

func newWhatIfModel(res *planner.WhatIfResult, t theme, opts Options) *whatIfModel {
	opts = opts.withDefaults()
	m := &whatIfModel{hidden: map[planner.ChangeType]bool{}, theme: t, width: opts.Width, height: opts.Height}
	if res == nil {
		res = &planner.WhatIfResult{}
	}
	m.diagnostics = res.Properties.Diagnostics
	byType := map[planner.ChangeType][]wiItem{}
	seen := map[string]bool{}
	for i := range res.Properties.Changes {
		c := &res.Properties.Changes[i]
		scope, rel := views.SplitResourceID(c.ResourceID)
		if !seen[scope] {
			seen[scope] = true
			m.scopes = append(m.scopes, scope)
		}
		byType[c.ChangeType] = append(byType[c.ChangeType], wiItem{c: c, scope: scope, rel: rel,
			detail: changeDetail(c), open: c.ChangeType == planner.Modify})
	}
	sort.Strings(m.scopes)
	for _, ct := range changeOrder {
		items := byType[ct]
		if len(items) == 0 {
			continue
		}
		sort.SliceStable(items, func(i, j int) bool {
			return strings.ToLower(items[i].scope+items[i].rel) < strings.ToLower(items[j].scope+items[j].rel)
		})
		m.groups = append(m.groups, wiGroup{ct: ct, items: items,
			folded: ct == planner.NoChange || ct == planner.Ignore})
	}
	m.cursor = wiPos{0, -1}
	return m
}

// Init does nothing: the browser waits for keys.
func (m *whatIfModel) Init() tea.Cmd { return nil }

// Update applies one message.
func (m *whatIfModel) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width, m.height = msg.Width, msg.Height
	case tea.KeyMsg:
		if cmd := m.key(msg); cmd != nil {
			return m, cmd
		}
	}
	m.scroll()
	return m, nil
}

func (m *whatIfModel) key(msg tea.KeyMsg) tea.Cmd {
	if m.confirming {
		m.confirming = false
		switch {
		case key.Matches(msg, keyEnter), key.Matches(msg, keyYes):
			m.confirmed, m.done = true, true
			return tea.Quit
		case key.Matches(msg, keyNo):
			m.done = true
			return tea.Quit
		}
		return nil // any other key goes back to browsing
	}
	switch {
	case key.Matches(msg, keyYes):
		m.confirmed, m.done = true, true
		return tea.Quit
	case key.Matches(msg, keyEnter):
		m.confirming = true
	case key.Matches(msg, keyNo), key.Matches(msg, keyEsc):
		m.done = true
		return tea.Quit
	case key.Matches(msg, keyUp):
		m.move(-1)
	case key.Matches(msg, keyDown):
		m.move(1)
	case key.Matches(msg, keyPgUp):
		m.move(-max(1, m.bodyHeight()-1))
	case key.Matches(msg, keyPgDown):
		m.move(max(1, m.bodyHeight()-1))
	case key.Matches(msg, keyHome):
		m.move(-1 << 30)
	case key.Matches(msg, keyEnd):
		m.move(1 << 30)
	case key.Matches(msg, keyToggle):
		m.toggle()
	case key.Matches(msg, keyExpand):
		m.setOpen(true)
	case key.Matches(msg, keyCollapse):
		m.setOpen(false)
	case key.Matches(msg, keyAllOpen), key.Matches(msg, keyAllClose):
		open := key.Matches(msg, keyAllOpen)
		for g := range m.groups {
			m.groups[g].folded = !open && m.groups[g].folded
			for i := range m.groups[g].items {
				m.groups[g].items[i].open = open
			}
		}
	case key.Matches(msg, keyShowAll):
		clear(m.hidden)
	case key.Matches(msg, keyFilter):
		n := int(msg.Runes[0] - '1')
		if n < len(m.groups) {
			ct := m.groups[n].ct
			m.hidden[ct] = !m.hidden[ct]
		}
		m.fixCursor()
	}
	return nil
}

func (m *whatIfModel) toggle() {
	if len(m.groups) == 0 {
		return
	}
	g := &m.groups[m.cursor.group]
	if m.cursor.item < 0 {
		g.folded = !g.folded
		return
	}
	it := &g.items[m.cursor.item]
	it.open = !it.open && len(it.detail) > 0
}

func (m *whatIfModel) setOpen(open bool) {
	if len(m.groups) == 0 {
		return
	}
	g := &m.groups[m.cursor.group]
	if m.cursor.item < 0 {
		g.folded = !open
		return
	}
	it := &g.items[m.cursor.item]
	if !open && !it.open {
		m.cursor.item = -1 // ← on a folded change goes to its group
		return
	}
	it.open = open && len(it.detail) > 0
}

// lines lays out the body: visible groups, their changes, unfolded diffs.
func (m *whatIfModel) lines() []wiLine {
	var out []wiLine
	for g := range m.groups {
		grp := &m.groups[g]
		if m.hidden[grp.ct] {
			continue
		}
		out = append(out, wiLine{pos: wiPos{g, -1}, selectable: true})
		if grp.folded {
			continue
		}
		for i := range grp.items {
			it := &grp.items[i]
			out = append(out, wiLine{pos: wiPos{g, i}, selectable: true})
			if it.open {
				for d := range it.detail {
					out = append(out, wiLine{pos: wiPos{g, i}, diff: &it.detail[d]})
				}
			}
		}
	}
	return out
}

// move moves the cursor by d selectable lines.
func (m *whatIfModel) move(d int) {
	lines := m.lines()
	var sel []wiPos
	cur := 0
	for _, l := range lines {
		if l.selectable {
			if l.pos == m.cursor {
				cur = len(sel)
			}
			sel = append(sel, l.pos)
		}
	}
	if len(sel) == 0 {
		return
	}
	cur = max(0, min(len(sel)-1, cur+max(-len(sel), min(len(sel), d))))
	m.cursor = sel[cur]
}

// fixCursor moves the cursor to a visible line after a filter change.
func (m *whatIfModel) fixCursor() {
	for _, l := range m.lines() {
		if l.selectable && l.pos == m.cursor {
			return
		}
	}
	if m.cursor.item >= 0 && !m.hidden[m.groups[m.cursor.group].ct] {
		m.cursor.item = -1
		return
	}
	for _, l := range m.lines() {
		if l.selectable {
			m.cursor = l.pos
			return
		}
	}
}

// cursorLine is the index of the cursor's line in lines.
func cursorLine(lines []wiLine, c wiPos) int {
	for i, l := range lines {
		if l.selectable && l.pos == c {
			return i
		}
	}
	return 0
}

// scroll keeps the cursor line, and as much of its diff as fits, in view.
func (m *whatIfModel) scroll() {
	lines := m.lines()
	h := m.bodyHeight()
	c := cursorLine(lines, m.cursor)
	end := c + 1
	for end < len(lines) && !lines[end].selectable {
		end++
	}
	if end-m.offset > h {
		m.offset = min(c, end-h)
	}
	if c < m.offset {
		m.offset = c
	}
	m.offset = max(0, min(m.offset, len(lines)-h))
}

// header lines: title with the scope and the totals, filter (with the
// count of each type), diagnostics (at most 3), rule.
func (m *whatIfModel) headerLines() []string {
	t := m.theme
	title := t.title.Render("What-if")
	switch len(m.scopes) {
	case 0:
		title += "  the deployment changes nothing"
	case 1:
		title += t.dim.Render("  scope ") + fitLeft(m.scopes[0], m.width-16)
	default:
		title += t.dim.Render(fmt.Sprintf("  %d scopes", len(m.scopes)))
	}
	out := []string{title}
	var filters []string
	for n, g := range m.groups {
		box := "[x]"
		if m.hidden[g.ct] {
			box = "[ ]"
		}
		f := fmt.Sprintf("%s%d %s%s %d", box, n+1, changeSymbols[g.ct], g.ct, len(g.items))
		if m.hidden[g.ct] {
			f = t.dim.Render(f)
		} else {
			f = t.symStyle(changeSymbols[g.ct]).Render(f)
		}
		filters = append(filters, f)
	}
	// The filters, packed into as many lines as the width needs.
	line := t.dim.Render("filter")
	for _, f := range filters {
		if ansiWidth(line)+2+ansiWidth(f) > m.width && ansiWidth(line) > 7 {
			out = append(out, line)
			line = "      "
		}
		line += "  " + f
	}
	if len(filters) > 0 {
		out = append(out, line)
	}
	for i, d := range m.diagnostics {
		if i == 2 && len(m.diagnostics) > 3 {
			out = append(out, t.warn.Render(fmt.Sprintf("⚠ %d more diagnostics", len(m.diagnostics)-2)))
			break
		}
		for j, l := range wrap(d.Level+" "+d.Code+": "+d.Message, m.width-2, 2) {
			mark := "⚠ "
			if j > 0 {
				mark = "  "
			}
			out = append(out, t.warn.Render(mark+l))
		}
	}
	return append(out, t.rule(m.width))
}

func (m *whatIfModel) bodyHeight() int {
	return max(1, m.height-len(m.headerLines())-2)
}

// View renders the browser in exactly height lines.
func (m *whatIfModel) View() string {
	t := m.theme
	w := m.width
	out := m.headerLines()
	lines := m.lines()
	h := m.bodyHeight()
	end := min(len(lines), m.offset+h)
	for _, l := range lines[min(m.offset, end):end] {
		out = append(out, m.lineText(l, w))
	}
	if len(m.groups) == 0 {
		out = append(out, t.dim.Render("  No resource changes."))
	}
	for len(out) < m.height-2 {
		out = append(out, "")
	}
	above, below := m.offset > 0, end < len(lines)
	more := ""
	switch {
	case above && below:
		more = "↑↓ more"
	case above:
		more = "↑ more"
	case below:
		more = "↓ more"
	}
	out = append(out, t.moreRule(more, w))
	if m.confirming {
		out = append(out, t.warn.Render("Deploy these changes? y/enter deploys · n aborts · other keys go back"))
	} else {
		yes := keyYes
		yes.SetHelp("y/enter", "deploy")
		open := keyAllOpen
		open.SetHelp("e/c", "all")
		out = append(out, t.helpLine(yes, keyNo, withHelp(keyToggle, "fold"), open, keyFilter, withHelp(keyShowAll, "all")))
	}
	return clip(out, w, m.height)
}

func (m *whatIfModel) lineText(l wiLine, w int) string {
	t := m.theme
	g := &m.groups[l.pos.group]
	sel := l.selectable && l.pos == m.cursor
	cur := " "
	if sel {
		cur = t.key.Render("›")
	}
	if l.diff != nil {
		return " " + t.diffText(*l.diff, 6)
	}
	sym := changeSymbols[g.ct]
	st := t.symStyle(sym)
	if l.pos.item < 0 {
		fold := "▾"
		if g.folded {
			fold = "▸"
		}
		text := fmt.Sprintf("%s (%d)", g.ct, len(g.items))
		if sel {
			text = t.sel.Render(text)
		}
		return cur + fold + " " + st.Render(sym) + " " + t.title.Render(text)
	}
	it := &g.items[l.pos.item]
	fold := " "
	switch {
	case len(it.detail) == 0:
	case it.open:
		fold = "▾"
	default:
		fold = "▸"
	}
	name := it.rel
	if len(m.scopes) > 1 {
		name = it.scope + "/providers/" + it.rel
	}
	if sel {
		name = t.sel.Render(name)
	}
	line := cur + "  " + fold + " " + st.Render(sym) + " " + name
	if v := changeAPIVersion(it.c); v != "" {
		line += t.dim.Render(" [" + v + "]")
	}
	if len(it.detail) > 0 && !it.open {
		switch g.ct {
		case planner.Modify:
			line += t.dim.Render(fmt.Sprintf("  %d %s", len(it.c.Delta), plural(len(it.c.Delta), "change", "changes")))
		case planner.Unsupported:
			line += t.dim.Render("  reason")
		default:
			line += t.dim.Render(fmt.Sprintf("  %d %s", len(it.detail), plural(len(it.detail), "property", "properties")))
		}
	}
	return line
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
