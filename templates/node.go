package templates

import (
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/armdeploy/armdeploy/templates/diag"
)

// Kind is the JSON type of a Node.
type Kind uint8

// The kinds of JSON value. Integers and fractional numbers are separate:
// integers are int64 and never pass through float64.
const (
	Null Kind = iota
	Bool
	Int
	Float
	String
	Array
	Object
)

var kindNames = [...]string{"null", "bool", "int", "float", "string", "array", "object"}

// String returns the JSON type name ("string", "int", ...).
func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "unknown"
}

// Node is one JSON value of a loaded file with its place in the file. A Node
// tree is immutable once loaded; share it freely between goroutines.
type Node struct {
	Kind   Kind
	Bool   bool
	Int    int64
	Float  float64
	Str    string
	Items  []*Node
	Fields []Field

	src        *Source
	start, end int32 // byte range of the value in src
	style      strStyle
}

// Field is one member of an object: its key as written and its value.
type Field struct {
	Key      string
	Value    *Node
	keyStart int32
	keyEnd   int32
}

// strStyle says how a string node's text maps back to its source bytes.
type strStyle uint8

const (
	styleNone       strStyle = iota // not a string, or no exact mapping
	styleJSON                       // double-quoted JSON string with escapes
	styleYAMLPlain                  // YAML plain scalar on one line
	styleYAMLSingle                 // YAML single-quoted, '' escapes
	styleYAMLDouble                 // YAML double-quoted, JSON-like escapes
)

// NewString returns a string node with no source, for values that come from
// the command line or from code.
func NewString(s string) *Node { return &Node{Kind: String, Str: s} }

// Get returns the value of the object member named key, compared
// case-insensitively as ARM does, or nil. An exact match wins over a
// case-insensitive one.
func (n *Node) Get(key string) *Node {
	if f := n.Field(key); f != nil {
		return f.Value
	}
	return nil
}

// Field returns the object member named key (exact match first, then
// case-insensitive), or nil.
func (n *Node) Field(key string) *Field {
	if n == nil || n.Kind != Object {
		return nil
	}
	for i := range n.Fields {
		if n.Fields[i].Key == key {
			return &n.Fields[i]
		}
	}
	for i := range n.Fields {
		if strings.EqualFold(n.Fields[i].Key, key) {
			return &n.Fields[i]
		}
	}
	return nil
}

// IsExpression reports whether n is a string ARM evaluates: it starts with
// "[" and ends with "]" and does not start with "[[".
func (n *Node) IsExpression() bool {
	return n != nil && n.Kind == String && IsExpression(n.Str)
}

// IsExpression reports whether s is an ARM template expression.
func IsExpression(s string) bool {
	return len(s) >= 2 && s[0] == '[' && s[len(s)-1] == ']' && s[1] != '['
}

// Range returns the file range of the value.
func (n *Node) Range() diag.Range {
	if n == nil || n.src == nil {
		return diag.Range{}
	}
	return n.src.Range(int(n.start), int(n.end))
}

// KeyRange returns the file range of the member's key.
func (f *Field) KeyRange(in *Node) diag.Range {
	if in == nil || in.src == nil {
		return diag.Range{}
	}
	return in.src.Range(int(f.keyStart), int(f.keyEnd))
}

// Source returns the file the node was loaded from, or nil.
func (n *Node) Source() *Source {
	if n == nil {
		return nil
	}
	return n.src
}

// StringPos returns the file position of byte offset off within the decoded
// text of a string node, accounting for escapes. For strings whose layout
// cannot be followed exactly (YAML block scalars), it returns the node start.
func (n *Node) StringPos(off int) diag.Pos {
	if n == nil || n.src == nil {
		return diag.Pos{}
	}
	if n.Kind != String || n.style == styleNone {
		return n.src.Pos(int(n.start))
	}
	raw := n.src.Text[n.start:n.end]
	i := 0 // index in raw
	switch n.style {
	case styleJSON, styleYAMLDouble, styleYAMLSingle:
		i = 1 // opening quote
	}
	for d := 0; d < off && i < len(raw); {
		c := raw[i]
		switch {
		case (n.style == styleJSON || n.style == styleYAMLDouble) && c == '\\' && i+1 < len(raw):
			esc := raw[i+1]
			switch esc {
			case 'u':
				r, _ := strconv.ParseUint(string(raw[i+2:min(i+6, len(raw))]), 16, 32)
				d += len(string(rune(r)))
				i += 6
			case 'x':
				d++
				i += 4
			default:
				d++
				i += 2
			}
		case n.style == styleYAMLSingle && c == '\'' && i+1 < len(raw) && raw[i+1] == '\'':
			d++
			i += 2
		default:
			d++
			i++
		}
	}
	return n.src.Pos(int(n.start) + i)
}

// StringRange returns the file range of bytes [from, to) of a string node's
// decoded text.
func (n *Node) StringRange(from, to int) diag.Range {
	if n == nil || n.src == nil {
		return diag.Range{}
	}
	return diag.Range{File: n.src.Name, Start: n.StringPos(from), End: n.StringPos(to)}
}

// Value converts the node to plain Go values: nil, bool, int64, float64,
// string, []any and map[string]any. Object key order is lost; use the Node
// when order matters.
func (n *Node) Value() any {
	if n == nil {
		return nil
	}
	switch n.Kind {
	case Bool:
		return n.Bool
	case Int:
		return n.Int
	case Float:
		return n.Float
	case String:
		return n.Str
	case Array:
		out := make([]any, len(n.Items))
		for i, it := range n.Items {
			out[i] = it.Value()
		}
		return out
	case Object:
		out := make(map[string]any, len(n.Fields))
		for _, f := range n.Fields {
			out[f.Key] = f.Value.Value()
		}
		return out
	}
	return nil
}

// MarshalJSON writes the node as JSON, keeping object key order.
func (n *Node) MarshalJSON() ([]byte, error) {
	return n.appendJSON(nil), nil
}

func (n *Node) appendJSON(b []byte) []byte {
	if n == nil {
		return append(b, "null"...)
	}
	switch n.Kind {
	case Bool:
		return strconv.AppendBool(b, n.Bool)
	case Int:
		return strconv.AppendInt(b, n.Int, 10)
	case Float:
		if math.IsInf(n.Float, 0) || math.IsNaN(n.Float) {
			return append(b, "null"...)
		}
		start := len(b)
		b = strconv.AppendFloat(b, n.Float, 'g', -1, 64)
		if !strings.ContainsAny(string(b[start:]), ".eE") {
			b = append(b, ".0"...) // stay a float when read back
		}
		return b
	case String:
		s, _ := json.Marshal(n.Str)
		return append(b, s...)
	case Array:
		b = append(b, '[')
		for i, it := range n.Items {
			if i > 0 {
				b = append(b, ',')
			}
			b = it.appendJSON(b)
		}
		return append(b, ']')
	case Object:
		b = append(b, '{')
		for i, f := range n.Fields {
			if i > 0 {
				b = append(b, ',')
			}
			k, _ := json.Marshal(f.Key)
			b = append(b, k...)
			b = append(b, ':')
			b = f.Value.appendJSON(b)
		}
		return append(b, '}')
	}
	return append(b, "null"...)
}

// Equal reports whether two trees hold the same JSON value with the same
// object key order. Positions are ignored.
func Equal(a, b *Node) bool {
	if a == nil || b == nil {
		return a == b
	}
	if a.Kind != b.Kind {
		return false
	}
	switch a.Kind {
	case Null:
		return true
	case Bool:
		return a.Bool == b.Bool
	case Int:
		return a.Int == b.Int
	case Float:
		return a.Float == b.Float
	case String:
		return a.Str == b.Str
	case Array:
		if len(a.Items) != len(b.Items) {
			return false
		}
		for i := range a.Items {
			if !Equal(a.Items[i], b.Items[i]) {
				return false
			}
		}
		return true
	case Object:
		if len(a.Fields) != len(b.Fields) {
			return false
		}
		for i := range a.Fields {
			if a.Fields[i].Key != b.Fields[i].Key || !Equal(a.Fields[i].Value, b.Fields[i].Value) {
				return false
			}
		}
		return true
	}
	return false
}

// NodeFromGo builds a tree without positions from plain Go values (nil,
// bool, integers, float64, string, []any, map[string]any with keys sorted),
// for checking computed values with the same code as literal ones.
func NodeFromGo(x any) *Node {
	switch v := x.(type) {
	case nil:
		return &Node{Kind: Null}
	case bool:
		return &Node{Kind: Bool, Bool: v}
	case int:
		return &Node{Kind: Int, Int: int64(v)}
	case int64:
		return &Node{Kind: Int, Int: v}
	case float64:
		return &Node{Kind: Float, Float: v}
	case string:
		return &Node{Kind: String, Str: v}
	case []any:
		n := &Node{Kind: Array, Items: make([]*Node, len(v))}
		for i, it := range v {
			n.Items[i] = NodeFromGo(it)
		}
		return n
	case map[string]any:
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		n := &Node{Kind: Object, Fields: make([]Field, len(keys))}
		for i, k := range keys {
			n.Fields[i] = Field{Key: k, Value: NodeFromGo(v[k])}
		}
		return n
	}
	return &Node{Kind: String, Str: fmt.Sprint(x)}
}

// StringNode is a string value placed where at is in its source, for a
// value that stands in for what was written there (a resolved Key Vault
// reference), so diagnostics about it point at the reference.
func StringNode(s string, at *Node) *Node {
	n := &Node{Kind: String, Str: s}
	if at != nil {
		n.src, n.start, n.end = at.src, at.start, at.end
	}
	return n
}
