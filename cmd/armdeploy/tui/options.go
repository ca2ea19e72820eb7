package tui

import (
	"fmt"
	"io"
	"strings"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/muesli/termenv"
)

// Options configure a view.
type Options struct {
	// NoColor turns every ANSI style off (set it for NO_COLOR or
	// --no-color); layout and marks stay the same.
	NoColor bool
	// Width and Height are the initial terminal size; 0 takes the size the
	// terminal reports (80×24 until it does). A resize always wins.
	Width, Height int
	// Now is the clock (time.Now when nil). It is read only in commands and
	// in the goroutine that forwards engine events, never in Update, so it
	// must be safe for concurrent use.
	Now func() time.Time
}

func (o Options) withDefaults() Options {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Width <= 0 {
		o.Width = 80
	}
	if o.Height <= 0 {
		o.Height = 24
	}
	return o
}

// programOptions are the bubbletea options every view uses: input from in
// (nil disables the keyboard), output to out.
func programOptions(in io.Reader, out io.Writer, altScreen bool) []tea.ProgramOption {
	opts := []tea.ProgramOption{tea.WithOutput(out), tea.WithInput(in)}
	if altScreen {
		opts = append(opts, tea.WithAltScreen())
	}
	return opts
}

// theme holds the styles of all views. With NoColor every style renders
// its text unchanged, so the views must never rely on colour alone: each
// state also has its own mark or word.
type theme struct {
	noColor  bool
	title    lipgloss.Style
	dim      lipgloss.Style
	ok       lipgloss.Style
	run      lipgloss.Style
	fail     lipgloss.Style
	warn     lipgloss.Style
	skip     lipgloss.Style
	sel      lipgloss.Style
	key      lipgloss.Style
	add      lipgloss.Style
	del      lipgloss.Style
	mod      lipgloss.Style
	deploy   lipgloss.Style
	barFill  lipgloss.Style
	barEmpty lipgloss.Style
}

// newTheme returns the styles for out: the colour profile is detected from
// out (a terminal, NO_COLOR, TERM) unless noColor forces plain text.
func newTheme(out io.Writer, noColor bool) theme {
	if out == nil {
		out = io.Discard
	}
	r := lipgloss.NewRenderer(out)
	if noColor {
		r.SetColorProfile(termenv.Ascii)
	}
	c := func(s string) lipgloss.Style { return r.NewStyle().Foreground(lipgloss.Color(s)) }
	return theme{
		noColor:  noColor,
		title:    r.NewStyle().Bold(true),
		dim:      c("8"),
		ok:       c("2"),
		run:      c("6"),
		fail:     c("1").Bold(true),
		warn:     c("3"),
		skip:     c("8"),
		sel:      r.NewStyle().Reverse(true),
		key:      c("4").Bold(true),
		add:      c("2"),
		del:      c("1"),
		mod:      c("5"),
		deploy:   c("4"),
		barFill:  c("6"),
		barEmpty: c("8"),
	}
}

// fit truncates s (which may hold ANSI styles) to width cells, ending it
// with an ellipsis when it was cut.
func fit(s string, width int) string {
	if width <= 0 {
		return ""
	}
	if ansi.StringWidth(s) <= width {
		return s
	}
	return ansi.Truncate(s, width, "…")
}

// pad fits s to exactly width cells, padding with spaces on the right.
func pad(s string, width int) string {
	s = fit(s, width)
	if w := ansi.StringWidth(s); w < width {
		s += strings.Repeat(" ", width-w)
	}
	return s
}

// padLeft fits s to exactly width cells, padding on the left.
func padLeft(s string, width int) string {
	s = fit(s, width)
	if w := ansi.StringWidth(s); w < width {
		s = strings.Repeat(" ", width-w) + s
	}
	return s
}

// spread puts left and right on one line of width cells, right-aligned
// right; left is cut first when both do not fit.
func spread(left, right string, width int) string {
	rw := ansi.StringWidth(right)
	if rw >= width {
		return fit(right, width)
	}
	left = fit(left, width-rw-1)
	gap := width - rw - ansi.StringWidth(left)
	return left + strings.Repeat(" ", gap) + right
}

// wrap breaks s into lines of at most width cells, at most max lines (the
// last one ending in an ellipsis when text was left out).
func wrap(s string, width, max int) []string {
	if width <= 0 || max <= 0 {
		return nil
	}
	lines := strings.Split(ansi.Wrap(strings.TrimSpace(s), width, " "), "\n")
	if len(lines) > max {
		lines = lines[:max]
		lines[max-1] = fit(lines[max-1]+" …", width)
		if !strings.HasSuffix(lines[max-1], "…") {
			lines[max-1] = fit(lines[max-1], width-1) + "…"
		}
	}
	return lines
}

// clip keeps at most height lines and fits each to width.
func clip(lines []string, width, height int) string {
	if height >= 0 && len(lines) > height {
		lines = lines[:height]
	}
	for i, l := range lines {
		lines[i] = strings.TrimRight(fit(l, width), " ")
	}
	return strings.Join(lines, "\n")
}

// formatDuration renders a duration the way the views show it: tenths
// under ten seconds, then seconds, minutes and hours.
func formatDuration(d time.Duration) string {
	if d < 0 {
		d = 0
	}
	switch {
	case d < 10*time.Second:
		return fmt.Sprintf("%.1fs", d.Seconds())
	case d < time.Minute:
		return fmt.Sprintf("%ds", int(d/time.Second))
	case d < time.Hour:
		return fmt.Sprintf("%dm%02ds", int(d/time.Minute), int(d%time.Minute/time.Second))
	default:
		return fmt.Sprintf("%dh%02dm", int(d/time.Hour), int(d%time.Hour/time.Minute))
	}
}

// formatClock renders an elapsed time as m:ss or h:mm:ss.
func formatClock(d time.Duration) string {
	if d < 0 {
		d = 0
	}
	s := int(d / time.Second)
	if s >= 3600 {
		return fmt.Sprintf("%d:%02d:%02d", s/3600, s/60%60, s%60)
	}
	return fmt.Sprintf("%d:%02d", s/60, s%60)
}

// progressBar renders a bar of width cells for pct percent.
func (t theme) progressBar(pct, width int) string {
	if width < 1 {
		return ""
	}
	pct = max(0, min(100, pct))
	full := pct * width / 100
	return t.barFill.Render(strings.Repeat("█", full)) + t.barEmpty.Render(strings.Repeat("░", width-full))
}

// normRegion folds a region name for comparison: "East US" and "eastus"
// are the same region.
func normRegion(s string) string {
	return strings.ToLower(strings.ReplaceAll(s, " ", ""))
}

// rule is a horizontal line of width cells.
func (t theme) rule(width int) string {
	return t.dim.Render(strings.Repeat("─", max(0, width)))
}

func ansiWidth(s string) int { return ansi.StringWidth(s) }

// fitLeft truncates s to width cells from the left, so its end stays.
func fitLeft(s string, width int) string {
	if width <= 0 {
		return ""
	}
	if n := ansi.StringWidth(s); n > width {
		return ansi.TruncateLeft(s, n-width+1, "…")
	}
	return s
}

// moreRule is a rule ending in a hint such as "↓ more".
func (t theme) moreRule(more string, width int) string {
	if more == "" {
		return t.rule(width)
	}
	return t.rule(max(0, width-ansiWidth(more)-1)) + " " + t.dim.Render(more)
}

// padTail fits s to exactly width cells, cutting from the left so the
// end stays (resource types differ at their end), padding on the right.
func padTail(s string, width int) string {
	return pad(fitLeft(s, width), width)
}
