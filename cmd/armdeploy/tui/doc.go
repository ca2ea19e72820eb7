// Package tui is armdeploy's interactive terminal view, built on bubbletea,
// bubbles and lipgloss: the live deploy view ([RunDeploy]), the what-if
// browser ([BrowseWhatIf]) and the state explorer ([Explore]).
//
// The package owns only presentation. It never opens the state store and
// never runs the planner: the deploy view is fed planner events through a
// channel, the what-if browser is handed a finished what-if result, and the
// explorer reads through the small [Source] interface the command adapts
// the store to. Every view renders to the writer it is given (stderr, so
// stdout stays clean for outputs) and honours [Options.NoColor].
//
// The models follow bubbletea's rules: Update is pure (no clock, no I/O),
// the clock and the engine reach it as messages (ticks stamped in commands,
// events sent with Program.Send from a goroutine), and side effects such as
// calling the engine's cancel function or reading the store happen only in
// tea.Cmds. The views render only what fits the terminal, so a deployment
// of hundreds of resources redraws no more lines than the screen holds.
package tui

// quiet must initialise before bubbletea: see its doc.
import _ "github.com/armdeploy/armdeploy/cmd/armdeploy/tui/quiet"
