package tui

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/teatest"

	"github.com/armdeploy/armdeploy/planner"
	"github.com/armdeploy/armdeploy/providers"
)

const sub = "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/demo/providers/"

// pipeline is the header of the image pipeline deployment.
func pipeline() DeployHeader {
	return DeployHeader{Deployment: "pipeline", ResourceGroup: "demo", Mode: "Incremental", Rows: []Row{
		{ID: sub + "Microsoft.Compute/galleries/gallery1", Type: "Microsoft.Compute/galleries", Name: "gallery1"},
		{ID: sub + "Microsoft.Compute/galleries/gallery1/images/ubuntu", Type: "Microsoft.Compute/galleries/images", Name: "gallery1/ubuntu"},
		{ID: sub + "Microsoft.Network/virtualNetworks/vnet1", Type: "Microsoft.Network/virtualNetworks", Name: "vnet1"},
		{ID: sub + "Microsoft.Compute/images/source", Type: "Microsoft.Compute/images", Name: "source"},
		{ID: sub + "Microsoft.Compute/galleries/gallery1/images/ubuntu/versions/1.0.0", Type: imageVersionType,
			Name: "gallery1/ubuntu/1.0.0", Regions: []string{"eastus", "westeurope", "northeurope"}},
		{ID: sub + "Microsoft.Network/networkInterfaces/nic1", Type: "Microsoft.Network/networkInterfaces", Name: "nic1"},
		{ID: sub + "Microsoft.Compute/virtualMachines/vm1", Type: "Microsoft.Compute/virtualMachines", Name: "vm1"},
		{ID: sub + "Microsoft.Compute/virtualMachines/vm2", Type: "Microsoft.Compute/virtualMachines", Name: "vm2"},
	}}
}

func ev(kind planner.EventKind, row Row, d time.Duration) eventMsg {
	return eventMsg{Event: planner.Event{Kind: kind, ResourceID: row.ID, Type: row.Type, Name: row.Name,
		Operation: "Create", Elapsed: d}, At: at(d)}
}

var quota = &providers.Error{Code: "InvalidAddressPrefix", Target: "properties.addressSpace.addressPrefixes[0]",
	Message: "Address prefix 10.0.0.0/33 of the virtual network vnet1 is not a valid CIDR: the prefix length must be between 0 and 32."}

// midRun plays the pipeline up to 12 s: four resources done, the vnet
// failed (so the nic and vm1 are skipped), the image version replicating.
func midRun(m *deployModel) {
	h := pipeline()
	r := h.Rows
	msgs := []tea.Msg{
		ev(planner.Started, r[0], 0), ev(planner.Started, r[2], 0), ev(planner.Started, r[3], 0),
	}
	done := ev(planner.Succeeded, r[0], 2*time.Second)
	msgs = append(msgs, done, ev(planner.Started, r[1], 0))
	failed := ev(planner.Failed, r[2], 1500*time.Millisecond)
	failed.Err = quota
	msgs = append(msgs, failed, ev(planner.Skipped, r[5], 0), ev(planner.Skipped, r[6], 0))
	msgs = append(msgs, ev(planner.Succeeded, r[1], 4*time.Second), ev(planner.Succeeded, r[3], 3*time.Second))
	start := ev(planner.Started, r[4], 0)
	start.At = at(5 * time.Second)
	msgs = append(msgs, start)
	for _, p := range []struct {
		region string
		pct    int
	}{{"eastus", 25}, {"eastus", 100}, {"West Europe", 50}} {
		e := ev(planner.Progress, r[4], 6*time.Second)
		e.Step, e.Percent, e.At = p.region, p.pct, at(11*time.Second)
		msgs = append(msgs, e)
	}
	msgs = append(msgs, tickMsg{At: at(12 * time.Second)})
	for _, msg := range msgs {
		m.Update(msg)
	}
}

func newTestDeploy(cancel func()) *deployModel {
	return newDeployModel(pipeline(), cancel, plain, Options{Now: fixedNow})
}

func statuses(m *deployModel) string {
	var b strings.Builder
	for i := range m.rows {
		b.WriteString(label(&m.rows[i]) + " ")
	}
	return strings.TrimSpace(b.String())
}

func TestDeployUpdateEvents(t *testing.T) {
	m := newTestDeploy(nil)
	midRun(m)
	if got, want := statuses(m), "created created failed created creating skipped skipped waiting"; got != want {
		t.Errorf("statuses = %q, want %q", got, want)
	}
	iv := &m.rows[4]
	if got, want := fmt.Sprint(iv.regions), "[{eastus 100 true} {westeurope 50 true} {northeurope 0 false}]"; got != want {
		t.Errorf("regions = %s, want %s", got, want)
	}
	if got := m.duration(iv); got != 7*time.Second {
		t.Errorf("running duration = %s, want 7s (12s clock - 5s start)", got)
	}
	if got := m.duration(&m.rows[0]); got != 2*time.Second {
		t.Errorf("finished duration = %s, want 2s", got)
	}
	if m.rows[2].err != quota {
		t.Errorf("the failed row lost its error")
	}
	if got := m.counts(); got != [6]int{stWaiting: 1, stRunning: 1, stSucceeded: 3, stFailed: 1, stSkipped: 2} {
		t.Errorf("counts = %v", got)
	}
	if got := m.elapsed(); got != 12*time.Second {
		t.Errorf("elapsed = %s, want 12s", got)
	}

	// A resource the header does not list (a Complete-mode delete) gets
	// a row of its own.
	m.Update(eventMsg{Event: planner.Event{Kind: planner.Started, ResourceID: sub + "Microsoft.Compute/disks/old",
		Type: "Microsoft.Compute/disks", Name: "old", Operation: "Delete"}, At: at(12 * time.Second)})
	if n := len(m.rows); n != 9 || m.rows[8].Name != "old" || label(&m.rows[8]) != "deleting" {
		t.Errorf("unknown resource: %d rows, last %+v", n, m.rows[n-1].Row)
	}
	// Ids match without case.
	m.Update(eventMsg{Event: planner.Event{Kind: planner.Succeeded, ResourceID: strings.ToUpper(sub) + "MICROSOFT.COMPUTE/DISKS/OLD",
		Operation: "Delete", Elapsed: time.Second}, At: at(13 * time.Second)})
	if len(m.rows) != 9 || label(&m.rows[8]) != "deleted" {
		t.Errorf("case-insensitive id: %d rows, status %s", len(m.rows), label(&m.rows[8]))
	}
}

func TestDeployUpdateTick(t *testing.T) {
	m := newTestDeploy(nil)
	if m.Init() == nil {
		t.Fatal("Init returns no tick")
	}
	_, cmd := m.Update(tickMsg{At: at(time.Second)})
	if cmd == nil || m.frame != 1 || !m.clock.Equal(at(time.Second)) {
		t.Errorf("tick: cmd %v, frame %d, clock %s", cmd != nil, m.frame, m.clock)
	}
	_, cmd = m.Update(eventsClosedMsg{At: at(2 * time.Second)})
	if msgs := runCmd(cmd); len(msgs) != 1 || msgs[0] != (tea.QuitMsg{}) {
		t.Errorf("events closed: got %v, want quit", msgs)
	}
	if _, cmd = m.Update(tickMsg{At: at(3 * time.Second)}); cmd != nil || m.elapsed() != 2*time.Second {
		t.Errorf("a tick after the end: cmd %v, elapsed %s (want nil, 2s)", cmd != nil, m.elapsed())
	}
}

func TestDeployUpdateCancel(t *testing.T) {
	for _, k := range []tea.Msg{keyRune("q"), keyMsgCtrlC, cancelRequestMsg{}} {
		t.Run(fmt.Sprint(k), func(t *testing.T) {
			calls := 0
			m := newTestDeploy(func() { calls++ })
			midRun(m)
			_, cmd := m.Update(k)
			if cmd == nil || !m.cancelRequested {
				t.Fatalf("no cancel command")
			}
			if calls != 0 {
				t.Fatalf("Update called cancel itself")
			}
			msgs := runCmd(cmd)
			if calls != 1 || len(msgs) != 1 || msgs[0] != (cancelSentMsg{}) {
				t.Fatalf("the command: %d calls, msgs %v", calls, msgs)
			}
			m.Update(msgs[0])
			if _, cmd := m.Update(keyRune("q")); cmd != nil {
				t.Errorf("a second q cancels again")
			}
			if !strings.Contains(m.View(), "canceling: waiting for 1 operations in flight") {
				t.Errorf("view while canceling:\n%s", m.View())
			}
			// The engine goes on: the running version finishes, the rest
			// is canceled, then the channel closes.
			r := pipeline().Rows
			m.Update(ev(planner.Succeeded, r[4], 13*time.Second))
			m.Update(ev(planner.Canceled, r[7], 0))
			_, cmd = m.Update(eventsClosedMsg{At: at(14 * time.Second)})
			if cmd == nil || !m.done {
				t.Fatalf("not done after the channel closed")
			}
			if got, want := statuses(m), "created created failed created created skipped skipped canceled"; got != want {
				t.Errorf("statuses = %q, want %q", got, want)
			}
		})
	}
}

func TestDeployUpdateKeys(t *testing.T) {
	m := newTestDeploy(nil)
	midRun(m)
	if m.cursor != -1 || m.focus() != 4 {
		t.Fatalf("follow mode: cursor %d, focus %d (want -1, 4: the running row)", m.cursor, m.focus())
	}
	m.Update(keyMsgDown)
	if m.cursor != 4 {
		t.Errorf("first ↓ takes the followed row: cursor %d, want 4", m.cursor)
	}
	m.Update(keyRune("j"))
	m.Update(keyRune("k"))
	m.Update(keyRune("k"))
	if m.cursor != 3 {
		t.Errorf("j k k: cursor %d, want 3", m.cursor)
	}
	m.Update(keyRune("G"))
	if m.cursor != 7 {
		t.Errorf("G: cursor %d, want 7", m.cursor)
	}
	m.Update(keyRune("g"))
	m.Update(keyMsgDown)
	m.Update(keyMsgDown)
	m.Update(keyMsgEnter)
	if !m.details || m.cursor != 2 {
		t.Fatalf("enter: details %v on %d, want the vnet", m.details, m.cursor)
	}
	v := m.View()
	for _, want := range []string{"vnet1", "resourceGroups/demo/providers/Microsoft.Network/virtualNetworks/", "InvalidAddressPrefix", "target      properties.addressSpace"} {
		if !strings.Contains(v, want) {
			t.Errorf("details lack %q:\n%s", want, v)
		}
	}
	// A row with its what-if change shows the diff in its details.
	m.rows[2].Change = &whatIf(t).Properties.Changes[2]
	if v := m.View(); !strings.Contains(v, "what-if     + Create") || !strings.Contains(v, `+ properties.addressSpace.addressPrefixes: ["10.0.0.0/16"]`) {
		t.Errorf("details lack the diff:\n%s", v)
	}
	m.Update(keyMsgDown)
	m.Update(keyMsgDown)
	m.Update(keyMsgUp)
	if m.detailOff != 1 || m.cursor != 2 {
		t.Errorf("↓ ↓ ↑ in the details: offset %d, cursor %d (want 1, 2)", m.detailOff, m.cursor)
	}
	m.Update(keyMsgEsc)
	if m.details || m.cursor != 2 {
		t.Errorf("esc closes the details: details %v cursor %d", m.details, m.cursor)
	}
	m.Update(keyMsgEsc)
	if m.cursor != -1 {
		t.Errorf("esc again follows the apply: cursor %d", m.cursor)
	}
	m.Update(tea.WindowSizeMsg{Width: 100, Height: 30})
	if m.width != 100 || m.height != 30 {
		t.Errorf("size %dx%d, want 100x30", m.width, m.height)
	}
}

func TestDeployView(t *testing.T) {
	for _, sz := range sizes {
		t.Run(sz.name, func(t *testing.T) {
			m := newTestDeploy(nil)
			m.Update(tea.WindowSizeMsg{Width: sz.w, Height: sz.h})
			midRun(m)
			snapshot(t, m.View(), sz.w, sz.h)
		})
		t.Run(sz.name+"-details", func(t *testing.T) {
			m := newTestDeploy(nil)
			m.Update(tea.WindowSizeMsg{Width: sz.w, Height: sz.h})
			midRun(m)
			m.Update(keyMsgEnter) // the followed row: the image version
			snapshot(t, m.View(), sz.w, sz.h)
		})
		t.Run(sz.name+"-canceled", func(t *testing.T) {
			m := newTestDeploy(nil)
			m.Update(tea.WindowSizeMsg{Width: sz.w, Height: sz.h})
			midRun(m)
			m.Update(keyRune("q"))
			r := pipeline().Rows
			m.Update(ev(planner.Succeeded, r[4], 13*time.Second))
			m.Update(ev(planner.Canceled, r[7], 0))
			m.Update(eventsClosedMsg{At: at(14 * time.Second)})
			snapshot(t, m.View(), sz.w, sz.h)
		})
	}
}

// bigHeader is a deployment of n resources, every tenth an image version.
func bigHeader(n int) DeployHeader {
	h := DeployHeader{Deployment: "big", ResourceGroup: "demo", Mode: "Complete"}
	for i := range n {
		r := Row{ID: fmt.Sprintf("%sMicrosoft.Storage/storageAccounts/sa%03d", sub, i), Type: "Microsoft.Storage/storageAccounts", Name: fmt.Sprintf("sa%03d", i)}
		if i%10 == 0 {
			r.Type, r.Regions = imageVersionType, []string{"eastus", "westus"}
		}
		h.Rows = append(h.Rows, r)
	}
	return h
}

// TestDeployViewManyRows checks the view of 800 resources: it never
// exceeds the screen, and every running row stays visible wherever it is.
func TestDeployViewManyRows(t *testing.T) {
	h := bigHeader(800)
	m := newDeployModel(h, nil, plain, Options{Now: fixedNow, Width: 120, Height: 40})
	for i := range 300 {
		m.Update(ev(planner.Succeeded, h.Rows[i], time.Second))
	}
	running := []int{5, 310, 311, 320, 500, 799}
	for _, i := range running {
		m.Update(ev(planner.Started, h.Rows[i], 0))
	}
	failed := ev(planner.Failed, h.Rows[400], time.Second)
	failed.Err = quota
	m.Update(failed)
	for _, size := range [][2]int{{120, 40}, {80, 24}, {60, 20}} {
		m.Update(tea.WindowSizeMsg{Width: size[0], Height: size[1]})
		v := m.View()
		if n := strings.Count(v, "\n") + 1; n > size[1] {
			t.Errorf("%v: %d lines", size, n)
		}
		for _, i := range running {
			if !strings.Contains(v, h.Rows[i].Name) {
				t.Errorf("%v: running row %s is not shown:\n%s", size, h.Rows[i].Name, v)
			}
		}
		if !strings.Contains(v, "⋯") {
			t.Errorf("%v: no fold line", size)
		}
	}
	// The bars of a running image version show when there is room.
	m.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
	if v := m.View(); !strings.Contains(v, "westus") {
		t.Errorf("no bars for the running sa310:\n%s", v)
	}
	// Moving the cursor far away keeps the running rows and shows the
	// cursor row.
	m.Update(keyRune("G"))
	if v := m.View(); !strings.Contains(v, "›") || !strings.Contains(v, "sa799") || !strings.Contains(v, "sa005") {
		t.Errorf("cursor at the end:\n%s", v)
	}
}

func TestPlanLayout(t *testing.T) {
	none := func(int) bool { return false }
	noBars := func(int) int { return 0 }
	render := func(items []layoutItem) string {
		var parts []string
		for _, it := range items {
			if it.row < 0 {
				parts = append(parts, fmt.Sprintf("[%d-%d]", it.from, it.to-1))
			} else if it.bars {
				parts = append(parts, fmt.Sprintf("%d*", it.row))
			} else {
				parts = append(parts, fmt.Sprint(it.row))
			}
		}
		return strings.Join(parts, " ")
	}
	in := func(set ...int) func(int) bool {
		return func(i int) bool {
			for _, s := range set {
				if s == i {
					return true
				}
			}
			return false
		}
	}
	cases := []struct {
		name                  string
		n, budget, focus, cur int
		running, failed       func(int) bool
		bars                  func(int) int
		want                  string
	}{
		{"all fit", 4, 10, 0, -1, none, none, noBars, "0 1 2 3"},
		{"empty", 0, 10, 0, -1, none, none, noBars, ""},
		{"window at the start", 20, 5, 0, -1, none, none, noBars, "0 1 2 3 [4-19]"},
		{"window round the focus", 20, 7, 10, -1, none, none, noBars, "[0-7] 8 9 10 11 12 [13-19]"},
		{"running rows pinned", 20, 7, 0, -1, in(15, 18), none, noBars, "0 1 [2-14] 15 [16-17] 18 19"},
		{"running with bars", 10, 8, 5, -1, in(5), none, func(i int) int { return map[int]int{5: 3}[i] }, "[0-3] 4 5* 6 [7-9]"},
		{"bars dropped when tight", 10, 3, 5, -1, in(5), none, func(i int) int { return map[int]int{5: 3}[i] }, "[0-4] 5 [6-9]"},
		{"cursor and failures", 30, 9, 20, 20, in(1), in(25), noBars, "0 1 [2-18] 19 20 21 [22-24] 25 [26-29]"},
		{"a gap of one costs nothing", 7, 5, 0, -1, in(0, 2), none, noBars, "0 1 2 3 [4-6]"},
		{"running rows before bars", 10, 8, 0, -1, in(1, 8), none, func(i int) int { return 2 }, "0 1* 2 [3-7] 8 9"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			items := planLayout(c.n, c.budget, c.focus, c.cur, c.running, c.failed, c.bars)
			if got := render(items); got != c.want {
				t.Errorf("got  %s\nwant %s", got, c.want)
			}
			lines := 0
			for _, it := range items {
				lines++
				if it.bars {
					lines += c.bars(it.row)
				}
			}
			if lines > c.budget {
				t.Errorf("%d lines, budget %d", lines, c.budget)
			}
		})
	}
}

// TestDeployTeatest runs the view in a real program: events arrive with
// Send, q cancels through the command, the channel closing ends it.
func TestDeployTeatest(t *testing.T) {
	var canceled atomic.Int32
	m := newDeployModel(pipeline(), func() { canceled.Add(1) }, plain, Options{Now: fixedNow})
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(80, 24))
	r := pipeline().Rows
	tm.Send(ev(planner.Started, r[0], 0))
	tm.Send(ev(planner.Succeeded, r[0], time.Second))
	tm.Send(ev(planner.Started, r[4], 0))
	p := ev(planner.Progress, r[4], time.Second)
	p.Step, p.Percent = "westeurope", 50
	tm.Send(p)
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool {
		return bytes.Contains(b, []byte("westeurope")) && bytes.Contains(b, []byte("50%"))
	}, teatest.WithDuration(5*time.Second), teatest.WithCheckInterval(10*time.Millisecond))
	tm.Type("q")
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool {
		return bytes.Contains(b, []byte("canceling: waiting for 1 operations in flight"))
	}, teatest.WithDuration(5*time.Second), teatest.WithCheckInterval(10*time.Millisecond))
	tm.Send(ev(planner.Succeeded, r[4], 3*time.Second))
	for _, row := range []Row{r[1], r[2], r[3], r[5], r[6], r[7]} {
		tm.Send(ev(planner.Canceled, row, 0))
	}
	tm.Send(eventsClosedMsg{At: at(4 * time.Second)})
	final := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(*deployModel)
	if !final.done || !final.cancelSent || canceled.Load() != 1 {
		t.Errorf("final: done %v, cancel sent %v, cancel calls %d", final.done, final.cancelSent, canceled.Load())
	}
	if got, want := statuses(final), "created canceled canceled canceled created canceled canceled canceled"; got != want {
		t.Errorf("statuses = %q, want %q", got, want)
	}
}

// TestRunDeploy runs the public function: a goroutine forwards the
// channel, ctx being done cancels, closing the channel returns.
func TestRunDeploy(t *testing.T) {
	ctx, stop := context.WithCancel(context.Background())
	events := make(chan planner.Event)
	canceled := make(chan struct{})
	var out bytes.Buffer
	errc := make(chan error, 1)
	go func() {
		errc <- RunDeploy(ctx, nil, &out, pipeline(), events, func() { close(canceled) }, Options{NoColor: true, Now: fixedNow})
	}()
	r := pipeline().Rows
	events <- planner.Event{Kind: planner.Started, ResourceID: r[0].ID, Type: r[0].Type, Name: r[0].Name, Operation: "Create"}
	events <- planner.Event{Kind: planner.Succeeded, ResourceID: r[0].ID, Operation: "Create", Elapsed: time.Second}
	stop() // like a signal: the view asks the engine to cancel
	<-canceled
	for _, row := range r[1:] {
		events <- planner.Event{Kind: planner.Canceled, ResourceID: row.ID}
	}
	close(events)
	if err := <-errc; err != nil {
		t.Fatal(err)
	}
	if s := out.String(); !strings.Contains(s, "deployment canceled: 1 succeeded, 7 canceled") || strings.Contains(s, "\x1b[3") {
		t.Errorf("final frame:\n%s", s)
	}
}
