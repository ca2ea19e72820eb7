package tui

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/spinner"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/armdeploy/armdeploy/planner"
	"github.com/armdeploy/armdeploy/providers"
)

// DeployHeader describes the deployment the live view shows.
type DeployHeader struct {
	Deployment, ResourceGroup, Mode string
	// Rows are the resources in dependency order. Events for a resource not
	// listed (a Complete-mode delete) add a row at the end.
	Rows []Row
}

// Row is one resource of the deployment.
type Row struct {
	ID, Type, Name string
	// Regions are the target regions of an image version; the view draws
	// one replication bar per region from the Progress events (Step is the
	// region, compared without case or spaces).
	Regions []string
	// Change is the resource's what-if change, shown with its details;
	// nil when not known.
	Change *planner.Change
}

// RunDeploy shows the live deploy view on out until events is closed, then
// returns; the final frame stays on the terminal. in is the keyboard (nil
// disables it). When the user presses q or Ctrl-C, or ctx is done, cancel
// is called once (in a command, not in Update) and the view keeps
// rendering the events — the engine finishes what is in flight and sends
// Canceled for the rest — until events is closed. RunDeploy always drains
// events, so the engine never blocks on a view that failed; it returns the
// program's error, if any, after events is closed.
func RunDeploy(ctx context.Context, in io.Reader, out io.Writer, h DeployHeader, events <-chan planner.Event, cancel func(), opts Options) error {
	opts = opts.withDefaults()
	m := newDeployModel(h, cancel, newTheme(out, opts.NoColor), opts)
	popts := append(programOptions(in, out, false),
		// A SIGINT when the keyboard is not in raw mode cancels gracefully
		// instead of killing the view.
		tea.WithFilter(func(_ tea.Model, msg tea.Msg) tea.Msg {
			if _, ok := msg.(tea.InterruptMsg); ok {
				return cancelRequestMsg{}
			}
			return msg
		}))
	p := tea.NewProgram(m, popts...)
	drained := make(chan struct{})
	go func() {
		defer close(drained)
		for e := range events {
			p.Send(eventMsg{Event: e, At: opts.Now()})
		}
		p.Send(eventsClosedMsg{At: opts.Now()})
	}()
	stop := context.AfterFunc(ctx, func() { p.Send(cancelRequestMsg{}) })
	defer stop()
	_, err := p.Run()
	<-drained
	if err != nil {
		return fmt.Errorf("deploy view: %w", err)
	}
	return nil
}

// status is where a resource is in the apply.
type status uint8

const (
	stWaiting status = iota
	stRunning
	stSucceeded
	stFailed
	stSkipped
	stCanceled
)

// The messages of the deploy view.
type (
	// eventMsg is an engine event, stamped with the time it arrived.
	eventMsg struct {
		planner.Event
		At time.Time
	}
	// eventsClosedMsg says the engine closed its event channel.
	eventsClosedMsg struct{ At time.Time }
	// tickMsg advances the clock and the spinner.
	tickMsg struct{ At time.Time }
	// cancelRequestMsg asks for a graceful cancel (SIGINT, ctx done).
	cancelRequestMsg struct{}
	// cancelSentMsg reports that the engine's cancel function returned.
	cancelSentMsg struct{}
)

// regionState is the replication of an image version to one region.
type regionState struct {
	name     string
	pct      int
	reported bool
}

// deployRow is a resource and what has happened to it.
type deployRow struct {
	Row
	status   status
	op       string
	started  time.Time
	took     time.Duration
	regions  []regionState
	err      *providers.Error
	warnings []string
}

// deployModel is the live deploy view.
type deployModel struct {
	head   DeployHeader // without Rows
	rows   []deployRow
	index  map[string]int // lower-cased id → row
	cancel func()
	now    func() time.Time
	theme  theme

	width, height   int
	sized           bool // a WindowSizeMsg has come
	start, clock    time.Time
	end             time.Time
	frame           int
	cursor          int // -1 follows the apply
	details         bool
	detailOff       int
	cancelRequested bool
	cancelSent      bool
	done            bool
}

func newDeployModel(h DeployHeader, cancel func(), t theme, opts Options) *deployModel {
	opts = opts.withDefaults()
	start := opts.Now()
	m := &deployModel{
		head:   DeployHeader{Deployment: h.Deployment, ResourceGroup: h.ResourceGroup, Mode: h.Mode},
		index:  make(map[string]int, len(h.Rows)),
		cancel: cancel,
		now:    opts.Now,
		theme:  t,
		width:  opts.Width, height: opts.Height,
		start: start, clock: start,
		cursor: -1,
	}
	for _, r := range h.Rows {
		m.addRow(r)
	}
	return m
}

func (m *deployModel) addRow(r Row) int {
	i := len(m.rows)
	row := deployRow{Row: r}
	for _, reg := range r.Regions {
		row.regions = append(row.regions, regionState{name: reg})
	}
	m.rows = append(m.rows, row)
	m.index[strings.ToLower(r.ID)] = i
	return i
}

// Init starts the clock.
func (m *deployModel) Init() tea.Cmd { return m.tick() }

func (m *deployModel) tick() tea.Cmd {
	now := m.now
	return tea.Tick(spinner.MiniDot.FPS, func(time.Time) tea.Msg { return tickMsg{At: now()} })
}

// Update applies one message. It reads no clock and does no I/O.
func (m *deployModel) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		// A terminal that reflows wraps the last frame's lines when it
		// narrows, and the renderer, which erases only the lines it drew,
		// would leave the rest on the screen: a narrower terminal (after
		// the first size) clears the screen and draws the frame anew. A
		// wider or shorter one needs no clearing: the frame's lines were
		// never wrapped, and the renderer erases what a shorter frame
		// leaves below it.
		narrower := m.sized && msg.Width < m.width
		m.width, m.height, m.sized = msg.Width, msg.Height, true
		if narrower {
			return m, tea.ClearScreen
		}
	case tickMsg:
		if m.done {
			return m, nil
		}
		m.clock = msg.At
		m.frame++
		return m, m.tick()
	case eventMsg:
		m.apply(msg)
	case eventsClosedMsg:
		m.done = true
		m.details = false
		m.end, m.clock = msg.At, msg.At
		return m, tea.Quit
	case cancelRequestMsg:
		return m, m.requestCancel()
	case cancelSentMsg:
		m.cancelSent = true
	case tea.KeyMsg:
		return m, m.key(msg)
	}
	return m, nil
}

// requestCancel returns the command that calls the engine's cancel
// function, the first time only.
func (m *deployModel) requestCancel() tea.Cmd {
	if m.done || m.cancelRequested {
		return nil
	}
	m.cancelRequested = true
	cancel := m.cancel
	return func() tea.Msg {
		if cancel != nil {
			cancel()
		}
		return cancelSentMsg{}
	}
}

func (m *deployModel) apply(msg eventMsg) {
	e := msg.Event
	i, ok := m.index[strings.ToLower(e.ResourceID)]
	if !ok {
		i = m.addRow(Row{ID: e.ResourceID, Type: e.Type, Name: e.Name})
	}
	r := &m.rows[i]
	if e.Operation != "" {
		r.op = e.Operation
	}
	r.warnings = append(r.warnings, e.Warnings...)
	if msg.At.After(m.clock) {
		m.clock = msg.At
	}
	switch e.Kind {
	case planner.Started:
		r.status = stRunning
		r.started = msg.At.Add(-e.Elapsed)
	case planner.Progress:
		if r.status == stWaiting {
			r.status = stRunning
		}
		if r.started.IsZero() {
			r.started = msg.At.Add(-e.Elapsed)
		}
		if e.Step != "" {
			r.progress(e.Step, e.Percent)
		}
	case planner.Succeeded, planner.Failed, planner.Skipped, planner.Canceled:
		r.status = map[planner.EventKind]status{planner.Succeeded: stSucceeded, planner.Failed: stFailed,
			planner.Skipped: stSkipped, planner.Canceled: stCanceled}[e.Kind]
		r.took = e.Elapsed
		if r.took == 0 && !r.started.IsZero() {
			r.took = msg.At.Sub(r.started)
		}
		if e.Err != nil {
			r.err = e.Err
		}
	}
}

func (r *deployRow) progress(step string, pct int) {
	k := normRegion(step)
	for j := range r.regions {
		if normRegion(r.regions[j].name) == k {
			r.regions[j].pct, r.regions[j].reported = pct, true
			return
		}
	}
	r.regions = append(r.regions, regionState{name: step, pct: pct, reported: true})
}

func (m *deployModel) key(msg tea.KeyMsg) tea.Cmd {
	n := len(m.rows)
	switch {
	case key.Matches(msg, keyQuit):
		return m.requestCancel()
	case key.Matches(msg, keyEsc):
		if m.details {
			m.details = false
		} else {
			m.cursor = -1
		}
	case key.Matches(msg, keyEnter):
		if n == 0 {
			return nil
		}
		if m.cursor < 0 {
			m.cursor = m.focus()
		}
		m.details = !m.details
		m.detailOff = 0
	case m.details && key.Matches(msg, keyUp):
		m.detailOff = max(0, m.detailOff-1)
	case m.details && key.Matches(msg, keyDown):
		// detailLines with no budget returns every line.
		m.detailOff = min(m.detailOff+1, max(0, len(m.detailLines(m.width, 0))-1))
	case key.Matches(msg, keyUp):
		m.move(-1)
	case key.Matches(msg, keyDown):
		m.move(1)
	case key.Matches(msg, keyPgUp):
		m.move(-max(1, m.height/2))
	case key.Matches(msg, keyPgDown):
		m.move(max(1, m.height/2))
	case key.Matches(msg, keyHome):
		m.move(-n)
	case key.Matches(msg, keyEnd):
		m.move(n)
	}
	return nil
}

// move moves the cursor, leaving follow mode at the row the view is
// following.
func (m *deployModel) move(d int) {
	if len(m.rows) == 0 {
		return
	}
	if m.cursor < 0 {
		m.cursor = m.focus()
		if d == 1 || d == -1 {
			return
		}
	}
	m.cursor = max(0, min(len(m.rows)-1, m.cursor+d))
}

// focus is the row the view centres on: the cursor, else the first running
// row, else the first waiting one, else the first failure, else the last.
func (m *deployModel) focus() int {
	if m.cursor >= 0 {
		return m.cursor
	}
	first := func(s status) int {
		for i := range m.rows {
			if m.rows[i].status == s {
				return i
			}
		}
		return -1
	}
	for _, s := range []status{stRunning, stWaiting, stFailed} {
		if i := first(s); i >= 0 {
			return i
		}
	}
	return len(m.rows) - 1
}

// counts returns how many rows are in each status.
func (m *deployModel) counts() [6]int {
	var c [6]int
	for i := range m.rows {
		c[m.rows[i].status]++
	}
	return c
}

// duration is how long the row's operation has run or took.
func (m *deployModel) duration(r *deployRow) time.Duration {
	switch r.status {
	case stWaiting:
		return 0
	case stRunning:
		return m.clock.Sub(r.started)
	}
	return r.took
}

// elapsed is the deployment's running time.
func (m *deployModel) elapsed() time.Duration {
	if m.done {
		return m.end.Sub(m.start)
	}
	return m.clock.Sub(m.start)
}
