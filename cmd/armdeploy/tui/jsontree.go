package tui

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
)

// jnode is one value of a JSON document, keeping the order of object
// members, with a fold state for containers.
type jnode struct {
	key    string // member name; "" for the root and array elements
	member bool   // key is meaningful (an object member)
	kind   byte   // '{', '[' or 0 for a scalar
	text   string // a scalar's JSON text
	kids   []*jnode
	parent *jnode
	depth  int
	open   bool
	last   bool // no comma after it
}

// parseJSON builds the tree of a JSON document; containers deeper than
// openDepth start folded.
func parseJSON(data []byte, openDepth int) (*jnode, error) {
	d := json.NewDecoder(bytes.NewReader(data))
	d.UseNumber()
	root, err := decodeNode(d, nil, 0, openDepth)
	if err != nil {
		return nil, err
	}
	if _, err := d.Token(); !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("parse JSON: trailing data")
	}
	root.last = true
	return root, nil
}

func decodeNode(d *json.Decoder, parent *jnode, depth, openDepth int) (*jnode, error) {
	tok, err := d.Token()
	if err != nil {
		return nil, fmt.Errorf("parse JSON: %w", err)
	}
	n := &jnode{parent: parent, depth: depth, open: depth < openDepth}
	switch v := tok.(type) {
	case json.Delim:
		n.kind = byte(v)
		for d.More() {
			var key string
			if n.kind == '{' {
				kt, err := d.Token()
				if err != nil {
					return nil, fmt.Errorf("parse JSON: %w", err)
				}
				key, _ = kt.(string)
			}
			kid, err := decodeNode(d, n, depth+1, openDepth)
			if err != nil {
				return nil, err
			}
			kid.key, kid.member = key, n.kind == '{'
			n.kids = append(n.kids, kid)
		}
		if _, err := d.Token(); err != nil { // the closing delimiter
			return nil, fmt.Errorf("parse JSON: %w", err)
		}
		if len(n.kids) > 0 {
			n.kids[len(n.kids)-1].last = true
		}
	case string:
		b, _ := json.Marshal(v)
		n.text = string(b)
	case json.Number:
		n.text = v.String()
	case bool:
		n.text = fmt.Sprint(v)
	case nil:
		n.text = "null"
	}
	return n, nil
}

// jline is one rendered line of a tree: the opening or only line of a
// node, or the closing bracket of an open container (close).
type jline struct {
	node  *jnode
	close bool
}

// lines lists the visible lines of the tree.
func (n *jnode) lines(out []jline) []jline {
	out = append(out, jline{node: n})
	if n.kind != 0 && n.open && len(n.kids) > 0 {
		for _, k := range n.kids {
			out = k.lines(out)
		}
		out = append(out, jline{node: n, close: true})
	}
	return out
}

// text renders a line without styles, indented two spaces per level.
func (l jline) text() string {
	n := l.node
	ind := strings.Repeat("  ", n.depth)
	comma := ","
	if n.last {
		comma = ""
	}
	if l.close {
		return ind + "  " + closing(n.kind) + comma
	}
	prefix := ind
	switch {
	case n.kind == 0 || len(n.kids) == 0:
		prefix += "  "
	case n.open:
		prefix += "▾ "
	default:
		prefix += "▸ "
	}
	if n.member {
		b, _ := json.Marshal(n.key)
		prefix += string(b) + ": "
	}
	switch {
	case n.kind == 0:
		return prefix + n.text + comma
	case len(n.kids) == 0:
		return prefix + string(n.kind) + closing(n.kind) + comma
	case n.open:
		return prefix + string(n.kind)
	}
	what := plural(len(n.kids), "item", "items")
	if n.kind == '{' {
		what = plural(len(n.kids), "key", "keys")
	}
	return fmt.Sprintf("%s%c … %s%s  %d %s", prefix, n.kind, closing(n.kind), comma, len(n.kids), what)
}

func closing(kind byte) string {
	if kind == '[' {
		return "]"
	}
	return "}"
}

// walk calls f for n and every node below it.
func (n *jnode) walk(f func(*jnode)) {
	f(n)
	for _, k := range n.kids {
		k.walk(f)
	}
}

// setOpen folds or unfolds every container below and including n.
func (n *jnode) setOpen(open bool) {
	n.walk(func(k *jnode) {
		if k.kind != 0 {
			k.open = open
		}
	})
	if !open && n.parent == nil {
		n.open = true // the root stays open
	}
}

// matches reports whether the node's key or scalar value contains q
// (lower-cased).
func (n *jnode) matches(q string) bool {
	return q != "" && (strings.Contains(strings.ToLower(n.key), q) || strings.Contains(strings.ToLower(n.text), q))
}

// reveal unfolds the ancestors of n.
func (n *jnode) reveal() {
	for p := n.parent; p != nil; p = p.parent {
		p.open = true
	}
}
