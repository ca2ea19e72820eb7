package tui

import (
	"bytes"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/teatest"

	"github.com/armdeploy/armdeploy/evaluator"
	"github.com/armdeploy/armdeploy/planner"
)

func jv(t testing.TB, s string) *evaluator.Value {
	t.Helper()
	v, err := evaluator.ParseJSON(s)
	if err != nil {
		t.Fatal(err)
	}
	return &v
}

// whatIf is a what-if of the pipeline against a state holding an older
// run: one of each change type.
func whatIf(t testing.TB) *planner.WhatIfResult {
	gallery := `{"apiVersion":"2022-03-03","id":"` + sub + `Microsoft.Compute/galleries/gallery1","name":"gallery1","type":"Microsoft.Compute/galleries","location":"eastus","properties":{"description":"%s"}}`
	changes := []planner.Change{
		{ResourceID: sub + "Microsoft.Compute/galleries/gallery1", ChangeType: planner.Modify,
			Before: jv(t, strings.Replace(gallery, "%s", "old", 1)), After: jv(t, strings.Replace(gallery, "%s", "image pipeline", 1)),
			Delta: []planner.PropertyChange{
				{Path: "properties.description", PropertyChangeType: planner.PropModify, Before: jv(t, `"old"`), After: jv(t, `"image pipeline"`)},
				{Path: "tags.env", PropertyChangeType: planner.PropCreate, After: jv(t, `"prod"`)},
				{Path: "properties.publishingProfile.targetRegions", PropertyChangeType: planner.PropArray, Children: []planner.PropertyChange{
					{Path: "1", PropertyChangeType: planner.PropDelete, Before: jv(t, `{"name":"westus"}`)},
				}},
			}},
		{ResourceID: sub + "Microsoft.Compute/galleries/gallery1/images/ubuntu/versions/1.0.0", ChangeType: planner.Create,
			After: jv(t, `{"apiVersion":"2022-03-03","name":"gallery1/ubuntu/1.0.0","location":"eastus","properties":{"publishingProfile":{"replicaCount":1,"targetRegions":[{"name":"eastus"},{"name":"westeurope"}]}}}`)},
		{ResourceID: sub + "Microsoft.Network/virtualNetworks/vnet1", ChangeType: planner.Create,
			After: jv(t, `{"apiVersion":"2023-09-01","location":"eastus","properties":{"addressSpace":{"addressPrefixes":["10.0.0.0/16"]}}}`)},
		{ResourceID: sub + "Microsoft.Compute/galleries/gallery1/images/ubuntu", ChangeType: planner.NoChange,
			After: jv(t, `{"apiVersion":"2022-03-03","properties":{"osType":"Linux"}}`)},
		{ResourceID: sub + "Microsoft.Compute/disks/scratch", ChangeType: planner.Delete,
			Before: jv(t, `{"apiVersion":"2023-04-02","location":"eastus","sku":{"name":"Standard_LRS"}}`)},
		{ResourceID: sub + "Microsoft.Resources/deploymentScripts/probe", ChangeType: planner.Unsupported,
			UnsupportedReason: "Changes to deployment scripts cannot be predicted."},
		{ResourceID: sub + "Microsoft.Compute/virtualMachines/vm1", ChangeType: planner.Deploy,
			After: jv(t, `{"apiVersion":"2023-09-01","properties":{"hardwareProfile":{"vmSize":"Standard_B2s"}}}`)},
	}
	return &planner.WhatIfResult{Status: "Succeeded", Properties: planner.WhatIfProperties{Changes: changes,
		Diagnostics: []planner.Diagnostic{{Level: "Warning", Code: "NestedDeploymentShortCircuited", Message: "A nested deployment could not be evaluated."}}}}
}

func newTestWhatIf(t testing.TB) *whatIfModel {
	return newWhatIfModel(whatIf(t), plain, Options{Now: fixedNow})
}

// visible is the body as "group" and "group/resource-name" entries.
func visible(m *whatIfModel) []string {
	var out []string
	for _, l := range m.lines() {
		if !l.selectable {
			continue
		}
		g := m.groups[l.pos.group]
		if l.pos.item < 0 {
			out = append(out, string(g.ct))
		} else {
			rel := g.items[l.pos.item].rel
			out = append(out, string(g.ct)+"/"+rel[strings.LastIndex(rel, "/")+1:])
		}
	}
	return out
}

func TestWhatIfGroups(t *testing.T) {
	m := newTestWhatIf(t)
	if got, want := strings.Join(visible(m), " "), "Delete Delete/scratch Create Create/1.0.0 Create/vnet1 Deploy Deploy/vm1 Modify Modify/gallery1 NoChange Unsupported Unsupported/probe"; got != want {
		t.Errorf("body:\n got %s\nwant %s", got, want)
	}
	// Modify starts unfolded, the others folded; NoChange is a folded group.
	for _, g := range m.groups {
		for _, it := range g.items {
			if it.open != (g.ct == planner.Modify) {
				t.Errorf("%s %s: open %v", g.ct, it.rel, it.open)
			}
		}
	}
	if got := len(m.lines()); got != 12+5 {
		t.Errorf("%d lines, want 17 (12 entries + 5 diff lines of the Modify)", got)
	}
}

func TestWhatIfUpdateKeys(t *testing.T) {
	m := newTestWhatIf(t)
	m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	// ↓ to the create of the image version and unfold it.
	m.Update(keyMsgDown)
	m.Update(keyMsgDown)
	m.Update(keyRune("j"))
	if m.cursor != (wiPos{1, 0}) {
		t.Fatalf("cursor %+v, want the image version", m.cursor)
	}
	n := len(m.lines())
	m.Update(keyMsgSpace)
	if !m.groups[1].items[0].open || len(m.lines()) != n+len(m.groups[1].items[0].detail) {
		t.Errorf("space did not unfold the change")
	}
	m.Update(keyRune("h"))
	m.Update(keyRune("h"))
	if m.groups[1].items[0].open || m.cursor != (wiPos{1, -1}) {
		t.Errorf("← ←: open %v, cursor %+v (want folded, on the group)", m.groups[1].items[0].open, m.cursor)
	}
	m.Update(keyMsgSpace)
	if !m.groups[1].folded {
		t.Errorf("space on a group header does not fold it")
	}
	m.Update(keyRune("e"))
	for _, g := range m.groups {
		if g.folded {
			t.Errorf("e left %s folded", g.ct)
		}
	}
	m.Update(keyRune("c"))
	for _, g := range m.groups {
		for _, it := range g.items {
			if it.open {
				t.Errorf("c left %s open", it.rel)
			}
		}
	}
	// Filters: 2 hides Create (the cursor's group), 0 shows all again.
	m.Update(keyRune("2"))
	if !m.hidden[planner.Create] || strings.Contains(strings.Join(visible(m), " "), "Create") {
		t.Errorf("2 did not hide Create: %v", visible(m))
	}
	if _, ok := cursorIn(m); !ok {
		t.Errorf("the cursor %+v is on a hidden line", m.cursor)
	}
	m.Update(keyRune("0"))
	if len(m.hidden) != 0 {
		t.Errorf("0 did not show all: %v", m.hidden)
	}
	m.Update(keyRune("9")) // no such filter
	m.Update(keyRune("G"))
	if got := visible(m); m.cursor != (wiPos{len(m.groups) - 1, 0}) {
		t.Errorf("G: cursor %+v, body %v", m.cursor, got)
	}
}

func cursorIn(m *whatIfModel) (int, bool) {
	for i, l := range m.lines() {
		if l.selectable && l.pos == m.cursor {
			return i, true
		}
	}
	return 0, false
}

func TestWhatIfUpdateConfirm(t *testing.T) {
	cases := []struct {
		name      string
		keys      []tea.Msg
		confirmed bool
		done      bool
	}{
		{"y", []tea.Msg{keyRune("y")}, true, true},
		{"enter enter", []tea.Msg{keyMsgEnter, keyMsgEnter}, true, true},
		{"enter y", []tea.Msg{keyMsgEnter, keyRune("y")}, true, true},
		{"enter then browsing", []tea.Msg{keyMsgEnter, keyMsgDown}, false, false},
		{"enter n", []tea.Msg{keyMsgEnter, keyRune("n")}, false, true},
		{"n", []tea.Msg{keyRune("n")}, false, true},
		{"q", []tea.Msg{keyRune("q")}, false, true},
		{"esc", []tea.Msg{keyMsgEsc}, false, true},
		{"ctrl+c", []tea.Msg{keyMsgCtrlC}, false, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := newTestWhatIf(t)
			var cmd tea.Cmd
			for _, k := range c.keys {
				_, cmd = m.Update(k)
			}
			if m.confirmed != c.confirmed || m.done != c.done {
				t.Errorf("confirmed %v done %v, want %v %v", m.confirmed, m.done, c.confirmed, c.done)
			}
			quit := false
			for _, msg := range runCmd(cmd) {
				_, quit = msg.(tea.QuitMsg)
			}
			if quit != c.done {
				t.Errorf("quit command %v, want %v", quit, c.done)
			}
		})
	}
	m := newTestWhatIf(t)
	m.Update(keyMsgEnter)
	if !strings.Contains(m.View(), "Deploy these changes?") {
		t.Errorf("enter asks nothing:\n%s", m.View())
	}
}

func TestWhatIfView(t *testing.T) {
	for _, sz := range sizes {
		t.Run(sz.name, func(t *testing.T) {
			m := newTestWhatIf(t)
			m.Update(tea.WindowSizeMsg{Width: sz.w, Height: sz.h})
			snapshot(t, m.View(), sz.w, sz.h)
		})
		t.Run(sz.name+"-unfolded", func(t *testing.T) {
			m := newTestWhatIf(t)
			m.Update(tea.WindowSizeMsg{Width: sz.w, Height: sz.h})
			m.Update(keyRune("e"))
			m.Update(keyRune("G"))
			snapshot(t, m.View(), sz.w, sz.h)
		})
		t.Run(sz.name+"-filtered", func(t *testing.T) {
			m := newTestWhatIf(t)
			m.Update(tea.WindowSizeMsg{Width: sz.w, Height: sz.h})
			m.Update(keyRune("1"))
			m.Update(keyRune("3"))
			m.Update(keyMsgEnter)
			snapshot(t, m.View(), sz.w, sz.h)
		})
	}
	t.Run("empty", func(t *testing.T) {
		m := newWhatIfModel(&planner.WhatIfResult{}, plain, Options{Width: 80, Height: 24})
		for _, k := range []tea.Msg{keyMsgSpace, keyRune("l"), keyRune("h"), keyRune("e"), keyRune("1"), keyRune("j"), keyRune("G")} {
			m.Update(k) // nothing to act on, nothing to break
		}
		snapshot(t, m.View(), 80, 24)
	})
}

// TestWhatIfTeatest browses and confirms in a real program.
func TestWhatIfTeatest(t *testing.T) {
	tm := teatest.NewTestModel(t, newTestWhatIf(t), teatest.WithInitialTermSize(100, 30))
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte("properties.description")) },
		teatest.WithDuration(5*time.Second), teatest.WithCheckInterval(10*time.Millisecond))
	tm.Send(keyMsgDown)
	tm.Send(keyMsgSpace)
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte("sku.name")) },
		teatest.WithDuration(5*time.Second), teatest.WithCheckInterval(10*time.Millisecond))
	tm.Send(keyMsgEnter)
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte("Deploy these changes?")) },
		teatest.WithDuration(5*time.Second), teatest.WithCheckInterval(10*time.Millisecond))
	tm.Type("y")
	final := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(*whatIfModel)
	if !final.confirmed {
		t.Errorf("not confirmed")
	}
}

// TestBrowseWhatIf runs the public function with keys from a reader.
func TestBrowseWhatIf(t *testing.T) {
	for _, c := range []struct {
		keys string
		want bool
	}{{"\x1b[B\x1b[By", true}, {"\x1b[Bn", false}} {
		var out bytes.Buffer
		got, err := BrowseWhatIf(strings.NewReader(c.keys), &out, whatIf(t), Options{NoColor: true, Width: 80, Height: 24})
		if err != nil {
			t.Fatal(err)
		}
		if got != c.want {
			t.Errorf("%q: confirmed %v, want %v", c.keys, got, c.want)
		}
		if !strings.Contains(out.String(), "What-if") {
			t.Errorf("%q: nothing rendered", c.keys)
		}
	}
}
