package tui

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
)

// Source is what the explorer reads. The command adapts the state store
// to it; the explorer never writes. Lists are shown in the order returned.
// Methods are called from commands, one at a time.
type Source interface {
	Subscriptions(ctx context.Context) ([]Subscription, error)
	Groups(ctx context.Context, subscription string) ([]Group, error)
	Resources(ctx context.Context, subscription, group string) ([]Resource, error)
	// Deployments lists a group's history, newest first.
	Deployments(ctx context.Context, subscription, group string) ([]Deployment, error)
	Operations(ctx context.Context, subscription, group, deployment string) ([]Operation, error)
}

// Subscription is a subscription of the state.
type Subscription struct {
	ID, DisplayName, State string
}

// Group is a resource group.
type Group struct {
	SubscriptionID, Name, Location string
	Tags                           map[string]string
}

// Resource is a stored resource.
type Resource struct {
	ID, Type, Name, Location string
	// Deployment names the deployment that last wrote it.
	Deployment string
	Updated    time.Time
	// Body is the resource as a GET returns it (JSON).
	Body json.RawMessage
}

// Deployment is one deployment of a group's history.
type Deployment struct {
	Name, Mode string
	// Status is Running, Succeeded, Failed or Canceled.
	Status            string
	Started, Finished time.Time
	// Error is ARM's error of a failed deployment (JSON), or nil.
	Error json.RawMessage
	// Outputs are {name: {type, value}} (JSON), or nil.
	Outputs json.RawMessage
}

// Operation is one resource operation of a deployment.
type Operation struct {
	ResourceID, ResourceType string
	// Operation is Create, Update, Delete or Read.
	Operation string
	// Status is Running, Succeeded, Failed, Canceled or Skipped.
	Status   string
	Started  time.Time
	Duration time.Duration
	// Error is ARM's error of a failed operation (JSON), or nil.
	Error json.RawMessage
}

// Explore runs the state explorer full-screen on out until the user quits
// (q, Ctrl-C) or ctx is done: subscriptions → groups → resources (with
// their JSON body, folding, and the replication of image versions) and
// deployments → operations. / searches, ? shows the keys. Errors of src
// are shown in the view; Explore returns only the program's error.
func Explore(ctx context.Context, in io.Reader, out io.Writer, src Source, opts Options) error {
	opts = opts.withDefaults()
	m := newExploreModel(ctx, src, newTheme(out, opts.NoColor), opts)
	popts := append(programOptions(in, out, true), tea.WithContext(ctx))
	if _, err := tea.NewProgram(m, popts...).Run(); err != nil && ctx.Err() == nil {
		return fmt.Errorf("explorer: %w", err)
	}
	return nil
}

// screenKind says what a screen of the explorer shows.
type screenKind uint8

const (
	scrSubs screenKind = iota
	scrGroups
	scrGroup
	scrResource
	scrDeployment
)

// screen is one level of the explorer, with its data and position.
type screen struct {
	id      int
	kind    screenKind
	sub     string
	group   string
	tab     int // scrGroup: 0 resources, 1 deployments
	cursor  int // among the selectable lines
	offset  int // first line shown
	filter  string
	loading bool
	err     error

	subs        []Subscription
	groups      []Group
	resources   []Resource
	deployments []Deployment
	ops         []Operation
	opOpen      map[int]bool
	res         *Resource
	dep         *Deployment
	tree        *jnode
	treeErr     error
}

// The messages of the explorer: data loaded by a command for screen id.
type (
	subsMsg struct {
		id   int
		subs []Subscription
		err  error
	}
	groupsMsg struct {
		id     int
		groups []Group
		err    error
	}
	groupMsg struct {
		id          int
		resources   []Resource
		deployments []Deployment
		err         error
	}
	opsMsg struct {
		id  int
		ops []Operation
		err error
	}
)

// exploreModel is the state explorer.
type exploreModel struct {
	ctx   context.Context
	src   Source
	theme theme

	width, height int
	stack         []*screen
	nextID        int
	searching     bool
	query         string
	help          bool
	autoOpened    bool
}

func newExploreModel(ctx context.Context, src Source, t theme, opts Options) *exploreModel {
	opts = opts.withDefaults()
	m := &exploreModel{ctx: ctx, src: src, theme: t, width: opts.Width, height: opts.Height}
	m.push(&screen{kind: scrSubs, loading: true})
	return m
}

func (m *exploreModel) push(s *screen) {
	m.nextID++
	s.id = m.nextID
	m.stack = append(m.stack, s)
}

func (m *exploreModel) top() *screen { return m.stack[len(m.stack)-1] }

func (m *exploreModel) find(id int) *screen {
	for _, s := range m.stack {
		if s.id == id {
			return s
		}
	}
	return nil
}

// Init loads the subscriptions.
func (m *exploreModel) Init() tea.Cmd { return m.load(m.top()) }

// load returns the command that reads a screen's data from the source.
func (m *exploreModel) load(s *screen) tea.Cmd {
	ctx, src, id := m.ctx, m.src, s.id
	sub, group := s.sub, s.group
	switch s.kind {
	case scrSubs:
		return func() tea.Msg {
			subs, err := src.Subscriptions(ctx)
			return subsMsg{id, subs, err}
		}
	case scrGroups:
		return func() tea.Msg {
			gs, err := src.Groups(ctx, sub)
			return groupsMsg{id, gs, err}
		}
	case scrGroup:
		return func() tea.Msg {
			rs, err := src.Resources(ctx, sub, group)
			if err != nil {
				return groupMsg{id: id, err: err}
			}
			ds, err := src.Deployments(ctx, sub, group)
			return groupMsg{id, rs, ds, err}
		}
	case scrDeployment:
		name := s.dep.Name
		return func() tea.Msg {
			ops, err := src.Operations(ctx, sub, group, name)
			return opsMsg{id, ops, err}
		}
	}
	return nil
}

// Update applies one message. Data arrives in the *Msg types; reading the
// source happens only in the commands load returns.
func (m *exploreModel) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	var cmd tea.Cmd
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width, m.height = msg.Width, msg.Height
	case subsMsg:
		if s := m.find(msg.id); s != nil {
			s.loading, s.subs, s.err = false, msg.subs, msg.err
			// One subscription: open it straight away, once.
			if len(msg.subs) == 1 && !m.autoOpened && m.top() == s {
				m.autoOpened = true
				cmd = m.open()
			}
		}
	case groupsMsg:
		if s := m.find(msg.id); s != nil {
			s.loading, s.groups, s.err = false, msg.groups, msg.err
		}
	case groupMsg:
		if s := m.find(msg.id); s != nil {
			s.loading, s.resources, s.deployments, s.err = false, msg.resources, msg.deployments, msg.err
		}
	case opsMsg:
		if s := m.find(msg.id); s != nil {
			s.loading, s.ops, s.err = false, msg.ops, msg.err
		}
	case tea.KeyMsg:
		cmd = m.key(msg)
	}
	m.scroll()
	return m, cmd
}

func (m *exploreModel) key(msg tea.KeyMsg) tea.Cmd {
	s := m.top()
	if m.help {
		m.help = false
		return nil
	}
	if m.searching {
		return m.searchKey(msg)
	}
	switch {
	case msg.String() == "ctrl+c", msg.String() == "q":
		return tea.Quit
	case key.Matches(msg, keyHelp):
		m.help = true
	case key.Matches(msg, keySearch):
		m.searching, m.query = true, s.filter
	case key.Matches(msg, keyNext) && s.kind == scrResource:
		m.nextMatch(s, 1)
	case key.Matches(msg, keyUp):
		m.move(s, -1)
	case key.Matches(msg, keyDown):
		m.move(s, 1)
	case key.Matches(msg, keyPgUp):
		m.move(s, -max(1, m.bodyHeight()-1))
	case key.Matches(msg, keyPgDown):
		m.move(s, max(1, m.bodyHeight()-1))
	case key.Matches(msg, keyHome):
		m.move(s, -1<<30)
	case key.Matches(msg, keyEnd):
		m.move(s, 1<<30)
	case key.Matches(msg, keyTab) && s.kind == scrGroup:
		s.tab, s.cursor, s.offset, s.filter = 1-s.tab, 0, 0, ""
	case s.kind == scrResource && key.Matches(msg, keyToggle):
		m.fold(s, m.current(s).node)
	case s.kind == scrResource && (key.Matches(msg, keyAllOpen) || key.Matches(msg, keyAllClose)):
		if s.tree != nil {
			s.tree.setOpen(key.Matches(msg, keyAllOpen))
			s.cursor = 0
		}
	case msg.String() == "r":
		if s.kind != scrResource {
			s.loading, s.err = true, nil
			return m.load(s)
		}
	case key.Matches(msg, keyEnter), key.Matches(msg, keyExpand):
		return m.open()
	case key.Matches(msg, keyBack):
		if len(m.stack) > 1 {
			m.stack = m.stack[:len(m.stack)-1]
		}
	}
	return nil
}

// searchKey edits the search query; the filter follows as it is typed.
func (m *exploreModel) searchKey(msg tea.KeyMsg) tea.Cmd {
	s := m.top()
	switch msg.Type {
	case tea.KeyCtrlC:
		return tea.Quit
	case tea.KeyEsc:
		m.searching, m.query, s.filter = false, "", ""
	case tea.KeyEnter:
		m.searching = false
		if s.kind == scrResource {
			m.revealMatches(s)
			m.nextMatch(s, 0)
		}
	case tea.KeyBackspace:
		if r := []rune(m.query); len(r) > 0 {
			m.query = string(r[:len(r)-1])
		}
	case tea.KeyCtrlU:
		m.query = ""
	case tea.KeyRunes, tea.KeySpace:
		m.query += string(msg.Runes)
	}
	if m.searching || msg.Type == tea.KeyEnter {
		s.filter = m.query
		if s.kind != scrResource {
			s.cursor, s.offset = 0, 0
		}
	}
	return nil
}

// revealMatches unfolds the containers that hold a match of the filter.
func (m *exploreModel) revealMatches(s *screen) {
	if s.tree == nil {
		return
	}
	q := strings.ToLower(s.filter)
	s.tree.walk(func(n *jnode) {
		if n.matches(q) {
			n.reveal()
		}
	})
}

// nextMatch moves the cursor to the next line (from the cursor + from)
// whose node matches the filter, wrapping around.
func (m *exploreModel) nextMatch(s *screen, from int) {
	q := strings.ToLower(s.filter)
	if q == "" {
		return
	}
	sel := m.selectable(s)
	for k := range sel {
		i := (s.cursor + from + k) % len(sel)
		if n := sel[i].node; n != nil && !sel[i].close && n.matches(q) {
			s.cursor = i
			return
		}
	}
}

func (m *exploreModel) move(s *screen, d int) {
	n := len(m.selectable(s))
	s.cursor = max(0, min(n-1, s.cursor+max(-n, min(n, d))))
}

// current is the line under the cursor.
func (m *exploreModel) current(s *screen) xline {
	sel := m.selectable(s)
	if s.cursor < 0 || s.cursor >= len(sel) {
		return xline{ref: -1}
	}
	return sel[s.cursor]
}

func (m *exploreModel) selectable(s *screen) []xline {
	var out []xline
	for _, l := range m.lines(s) {
		if l.sel {
			out = append(out, l)
		}
	}
	return out
}

// open acts on the line under the cursor: it descends a level, folds a
// JSON container or unfolds an operation.
func (m *exploreModel) open() tea.Cmd {
	s := m.top()
	cur := m.current(s)
	if cur.ref < 0 && cur.node == nil {
		return nil
	}
	var next *screen
	switch s.kind {
	case scrSubs:
		next = &screen{kind: scrGroups, sub: s.subs[cur.ref].ID, loading: true}
	case scrGroups:
		g := s.groups[cur.ref]
		next = &screen{kind: scrGroup, sub: s.sub, group: g.Name, loading: true}
	case scrGroup:
		if s.tab == 0 {
			r := s.resources[cur.ref]
			next = &screen{kind: scrResource, sub: s.sub, group: s.group, res: &r}
			next.tree, next.treeErr = parseJSON(r.Body, 2)
			if len(r.Body) == 0 {
				next.tree, next.treeErr = nil, nil
			}
		} else {
			d := s.deployments[cur.ref]
			next = &screen{kind: scrDeployment, sub: s.sub, group: s.group, dep: &d, loading: true, opOpen: map[int]bool{}}
		}
	case scrResource:
		m.fold(s, cur.node)
		return nil
	case scrDeployment:
		s.opOpen[cur.ref] = !s.opOpen[cur.ref]
		return nil
	}
	m.push(next)
	if next.loading {
		return m.load(next)
	}
	return nil
}

// fold folds or unfolds a JSON container (the root stays open) and puts
// the cursor on its opening line, since its closing line may be gone.
func (m *exploreModel) fold(s *screen, n *jnode) {
	if n == nil || n.kind == 0 || len(n.kids) == 0 {
		return
	}
	n.open = !n.open || n.parent == nil
	for i, l := range m.selectable(s) {
		if l.node == n && !l.close {
			s.cursor = i
			return
		}
	}
}

// scroll keeps the cursor in view.
func (m *exploreModel) scroll() {
	s := m.top()
	lines := m.lines(s)
	h := m.bodyHeight()
	n := 0
	c := 0
	for i, l := range lines {
		if l.sel {
			if n == s.cursor {
				c = i
			}
			n++
		}
	}
	if n > 0 && s.cursor >= n {
		s.cursor = n - 1
	}
	end := c + 1
	for end < len(lines) && !lines[end].sel && lines[end].ref == lines[c].ref && lines[c].ref >= 0 {
		end++ // keep an unfolded operation's lines with it
	}
	if end-s.offset > h {
		s.offset = min(c, end-h)
	}
	if c < s.offset {
		s.offset = c
	}
	s.offset = max(0, min(s.offset, len(lines)-h))
}

func (m *exploreModel) bodyHeight() int { return max(1, m.height-4) }
