package tui

import (
	"io"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/golden"
)

// t0 is the fixed clock of the tests.
var t0 = time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)

func at(d time.Duration) time.Time { return t0.Add(d) }

func fixedNow() time.Time { return t0 }

// plain is the no-colour theme the snapshots use.
var plain = newTheme(io.Discard, true)

// sizes are the snapshot sizes.
var sizes = []struct {
	name string
	w, h int
}{{"80x24", 80, 24}, {"120x40", 120, 40}}

func keyRune(r string) tea.KeyMsg { return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(r)} }

var (
	keyMsgUp    = tea.KeyMsg{Type: tea.KeyUp}
	keyMsgDown  = tea.KeyMsg{Type: tea.KeyDown}
	keyMsgEnter = tea.KeyMsg{Type: tea.KeyEnter}
	keyMsgEsc   = tea.KeyMsg{Type: tea.KeyEsc}
	keyMsgSpace = tea.KeyMsg{Type: tea.KeySpace, Runes: []rune(" ")}
	keyMsgTab   = tea.KeyMsg{Type: tea.KeyTab}
	keyMsgCtrlC = tea.KeyMsg{Type: tea.KeyCtrlC}
)

// update feeds msgs to m in order, runs every command they return and
// feeds the resulting messages back (depth first), as the program would,
// except quit. It returns the messages the commands produced. Use it only
// with models whose commands return at once (not the deploy model's
// ticks).
func update(t *testing.T, m tea.Model, msgs ...tea.Msg) []tea.Msg {
	t.Helper()
	var produced []tea.Msg
	var feed func(msg tea.Msg)
	feed = func(msg tea.Msg) {
		_, cmd := m.Update(msg)
		for _, out := range runCmd(cmd) {
			produced = append(produced, out)
			if _, ok := out.(tea.QuitMsg); !ok {
				feed(out)
			}
		}
	}
	for _, msg := range msgs {
		feed(msg)
	}
	return produced
}

// runCmd runs a command synchronously, flattening batches.
func runCmd(cmd tea.Cmd) []tea.Msg {
	if cmd == nil {
		return nil
	}
	msg := cmd()
	if b, ok := msg.(tea.BatchMsg); ok {
		var out []tea.Msg
		for _, c := range b {
			out = append(out, runCmd(c)...)
		}
		return out
	}
	if msg == nil {
		return nil
	}
	return []tea.Msg{msg}
}

// snapshot compares a view with its golden file and checks it fits the
// size and holds no ANSI escape.
func snapshot(t *testing.T, view string, w, h int) {
	t.Helper()
	lines := strings.Split(view, "\n")
	if len(lines) > h {
		t.Errorf("view has %d lines, more than the height %d", len(lines), h)
	}
	for i, l := range lines {
		if n := ansiWidth(l); n > w {
			t.Errorf("line %d is %d cells wide, more than %d: %q", i+1, n, w, l)
		}
	}
	if strings.Contains(view, "\x1b") {
		t.Errorf("a no-colour view holds an ANSI escape: %q", view)
	}
	golden.RequireEqual(t, []byte(view+"\n"))
}
