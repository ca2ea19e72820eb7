package tui

import (
	"strings"

	"github.com/charmbracelet/bubbles/key"
)

// The key bindings, shared by the views. Each view lists the ones it
// uses in its help line.
var (
	keyUp       = key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "up"))
	keyDown     = key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "down"))
	keyPgUp     = key.NewBinding(key.WithKeys("pgup", "ctrl+b"), key.WithHelp("pgup", "page up"))
	keyPgDown   = key.NewBinding(key.WithKeys("pgdown", "ctrl+f"), key.WithHelp("pgdn", "page down"))
	keyHome     = key.NewBinding(key.WithKeys("home", "g"), key.WithHelp("g", "first"))
	keyEnd      = key.NewBinding(key.WithKeys("end", "G"), key.WithHelp("G", "last"))
	keyEnter    = key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "open"))
	keyBack     = key.NewBinding(key.WithKeys("esc", "left", "h", "backspace"), key.WithHelp("esc/←", "back"))
	keyEsc      = key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back"))
	keyQuit     = key.NewBinding(key.WithKeys("q", "ctrl+c"), key.WithHelp("q", "quit"))
	keyToggle   = key.NewBinding(key.WithKeys(" ", "tab"), key.WithHelp("space", "fold/unfold"))
	keyExpand   = key.NewBinding(key.WithKeys("right", "l"), key.WithHelp("→/l", "unfold"))
	keyCollapse = key.NewBinding(key.WithKeys("left", "h"), key.WithHelp("←/h", "fold"))
	keyAllOpen  = key.NewBinding(key.WithKeys("e"), key.WithHelp("e", "unfold all"))
	keyAllClose = key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "fold all"))
	keySearch   = key.NewBinding(key.WithKeys("/"), key.WithHelp("/", "search"))
	keyNext     = key.NewBinding(key.WithKeys("n"), key.WithHelp("n", "next match"))
	keyHelp     = key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "help"))
	keyTab      = key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "resources/deployments"))
	keyYes      = key.NewBinding(key.WithKeys("y", "Y"), key.WithHelp("y", "deploy"))
	keyNo       = key.NewBinding(key.WithKeys("n", "N", "q", "ctrl+c"), key.WithHelp("n/q", "abort"))
	keyShowAll  = key.NewBinding(key.WithKeys("0"), key.WithHelp("0", "show all"))
	keyFilter   = key.NewBinding(key.WithKeys("1", "2", "3", "4", "5", "6", "7"), key.WithHelp("1-7", "filter"))
)

// helpLine renders "key action · key action" for bindings.
func (t theme) helpLine(bs ...key.Binding) string {
	parts := make([]string, 0, len(bs))
	for _, b := range bs {
		h := b.Help()
		parts = append(parts, t.key.Render(h.Key)+" "+t.dim.Render(h.Desc))
	}
	return strings.Join(parts, t.dim.Render(" · "))
}

// withHelp returns b with another description.
func withHelp(b key.Binding, desc string) key.Binding {
	b.SetHelp(b.Help().Key, desc)
	return b
}
