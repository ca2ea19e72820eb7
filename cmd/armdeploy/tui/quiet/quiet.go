// Package quiet stops lipgloss from querying the terminal.
//
// bubbletea v1's package init calls lipgloss.HasDarkBackground, which
// writes the background-colour query (OSC 11, "ESC]11;?") and a cursor
// position report request ("ESC[6n") to a terminal stdout and waits for the
// answers. armdeploy starts no TUI for most commands, and never when stdin
// or stderr is not a terminal, so those answers would land in the user's
// shell. The views use fixed ANSI colours and need no background, so this
// package fixes it before any query can run.
//
// Go initialises packages in import-path order among those whose imports
// are ready (the Go 1.21 rule); this package imports only lipgloss and its
// path sorts before github.com/charmbracelet/bubbletea, so its init runs
// after lipgloss's and before bubbletea's. Import it from every package
// that imports bubbletea.
package quiet

import "github.com/charmbracelet/lipgloss"

func init() { lipgloss.SetHasDarkBackground(true) }
