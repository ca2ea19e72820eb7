package main

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// screen is the least terminal emulator that shows what a user would see
// of the bytes a program wrote to a terminal: printable text with
// autowrap and scrolling, CR, LF, BS, cursor movement (CUU, CUD, CUF, CUB,
// CUP), erase in line and display. Every other control sequence (colours,
// modes, OSC) is skipped; osc records the OSC and DSR requests so that a
// test can tell whether the program queried the terminal.
type screen struct {
	w, h     int
	cells    [][]rune
	row, col int
	wrapNext bool
	queries  []string
}

func newScreen(w, h int) *screen {
	s := &screen{w: w, h: h}
	for range h {
		s.cells = append(s.cells, s.blank())
	}
	return s
}

func (s *screen) blank() []rune { return []rune(strings.Repeat(" ", s.w)) }

// resize changes the size as xterm does: lines are cut or padded, the
// cursor kept inside.
func (s *screen) resize(w, h int) {
	for i, l := range s.cells {
		if len(l) > w {
			s.cells[i] = l[:w]
		} else {
			s.cells[i] = append(l, []rune(strings.Repeat(" ", w-len(l)))...)
		}
	}
	s.w = w
	for len(s.cells) < h {
		s.cells = append(s.cells, s.blank())
	}
	if len(s.cells) > h {
		drop := len(s.cells) - h
		s.cells = s.cells[drop:]
		s.row = max(0, s.row-drop)
	}
	s.h = h
	s.col = min(s.col, w-1)
	s.wrapNext = false
}

func (s *screen) lineFeed() {
	s.row++
	if s.row >= s.h {
		s.cells = append(s.cells[1:], s.blank())
		s.row = s.h - 1
	}
}

// write feeds bytes to the screen.
func (s *screen) write(b []byte) {
	for len(b) > 0 {
		switch c := b[0]; {
		case c == 0x1b:
			b = s.escape(b)
			continue
		case c == '\r':
			s.col, s.wrapNext = 0, false
		case c == '\n':
			s.lineFeed()
			s.wrapNext = false
		case c == '\b':
			s.col = max(0, s.col-1)
		case c < 0x20 || c == 0x7f:
		default:
			r, size := utf8.DecodeRune(b)
			if s.wrapNext {
				s.col, s.wrapNext = 0, false
				s.lineFeed()
			}
			s.cells[s.row][s.col] = r
			if s.col == s.w-1 {
				s.wrapNext = true
			} else {
				s.col++
			}
			b = b[size:]
			continue
		}
		b = b[1:]
	}
}

// escape handles one escape sequence at the start of b and returns the
// rest.
func (s *screen) escape(b []byte) []byte {
	if len(b) < 2 {
		return nil
	}
	switch b[1] {
	case ']': // OSC, up to BEL or ST
		end := 2
		for end < len(b) && b[end] != 0x07 && !(b[end] == 0x1b && end+1 < len(b) && b[end+1] == '\\') {
			end++
		}
		s.queries = append(s.queries, "OSC "+string(b[2:end]))
		if end < len(b) && b[end] == 0x1b {
			end++
		}
		return b[min(end+1, len(b)):]
	case '[':
	default:
		return b[2:]
	}
	end := 2
	for end < len(b) && (b[end] < 0x40 || b[end] > 0x7e) {
		end++
	}
	if end >= len(b) {
		return nil
	}
	params, final := string(b[2:end]), b[end]
	rest := b[end+1:]
	if strings.HasPrefix(params, "?") || strings.HasPrefix(params, ">") {
		return rest // private modes
	}
	n := func(i, def int) int {
		parts := strings.Split(params, ";")
		if i < len(parts) {
			if v, err := strconv.Atoi(parts[i]); err == nil && v > 0 {
				return v
			}
		}
		return def
	}
	s.wrapNext = false
	switch final {
	case 'A':
		s.row = max(0, s.row-n(0, 1))
	case 'B':
		s.row = min(s.h-1, s.row+n(0, 1))
	case 'C':
		s.col = min(s.w-1, s.col+n(0, 1))
	case 'D':
		s.col = max(0, s.col-n(0, 1))
	case 'G':
		s.col = min(s.w-1, n(0, 1)-1)
	case 'H', 'f':
		s.row, s.col = min(s.h-1, n(0, 1)-1), min(s.w-1, n(1, 1)-1)
	case 'K':
		from, to := s.col, s.w
		switch n(0, 0) {
		case 1:
			from, to = 0, s.col+1
		case 2:
			from = 0
		}
		for i := from; i < to; i++ {
			s.cells[s.row][i] = ' '
		}
	case 'J':
		switch n(0, 0) {
		case 2, 3:
			for i := range s.cells {
				s.cells[i] = s.blank()
			}
		default:
			for i := s.col; i < s.w; i++ {
				s.cells[s.row][i] = ' '
			}
			for i := s.row + 1; i < s.h; i++ {
				s.cells[i] = s.blank()
			}
		}
	case 'n':
		s.queries = append(s.queries, "DSR "+params)
	}
	return rest
}

// text is the screen's lines without trailing spaces, and without the
// empty lines at the bottom.
func (s *screen) text() []string {
	var out []string
	for _, l := range s.cells {
		out = append(out, strings.TrimRight(string(l), " "))
	}
	for len(out) > 0 && out[len(out)-1] == "" {
		out = out[:len(out)-1]
	}
	return out
}
