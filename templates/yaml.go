package templates

import (
	"bytes"
	"errors"

	"io"
	"math"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"gopkg.in/yaml.v3"

	"github.com/armdeploy/armdeploy/templates/diag"
)

// maxYAMLNodes bounds the values a YAML file may expand to through aliases,
// so that an alias bomb fails fast instead of exhausting memory.
const maxYAMLNodes = 1 << 20

var (
	yamlErrLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)
	yamlIntText = regexp.MustCompile(`^[-+]?[0-9_]+$`)
)

type yamlConv struct {
	src    *Source
	nodes  int
	active map[*yaml.Node]bool // anchors being expanded, to catch cycles
	err    *diag.Diagnostic
}

func parseYAML(src *Source) (*Node, diag.Diagnostics) {
	dec := yaml.NewDecoder(bytes.NewReader(src.Text))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, diag.Diagnostics{diag.Errorf(src.Range(0, 0), CodeInvalidContent,
				"the file is empty; expected a JSON or YAML object")}
		}
		return nil, diag.Diagnostics{yamlError(src, err)}
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err == nil {
		return nil, diag.Diagnostics{diag.Errorf(src.Range(src.offsetOf(extra.Line, extra.Column), src.offsetOf(extra.Line, extra.Column)+1),
			CodeInvalidContent, "the file holds more than one YAML document; a template is one document")}
	} else if !errors.Is(err, io.EOF) {
		return nil, diag.Diagnostics{yamlError(src, err)}
	}
	c := &yamlConv{src: src, active: map[*yaml.Node]bool{}}
	root := c.node(&doc, 0)
	if c.err != nil {
		return nil, diag.Diagnostics{*c.err}
	}
	return root, nil
}

// yamlError turns a yaml.v3 error ("yaml: line 3: found character that
// cannot start any token") into a positioned diagnostic.
func yamlError(src *Source, err error) diag.Diagnostic {
	msg := err.Error()
	line := 0
	if m := yamlErrLine.FindStringSubmatch(msg); m != nil {
		line, _ = strconv.Atoi(m[1])
		msg = m[2]
	} else {
		msg = strings.TrimPrefix(msg, "yaml: ")
	}
	text, ok := src.Line(line)
	if !ok {
		return diag.Errorf(src.Range(0, 0), CodeInvalidContent, "invalid YAML: %s", msg)
	}
	col, found := 1, false
	if strings.Contains(msg, "cannot start any token") || strings.Contains(msg, "tab character") {
		// yaml.v3 names the line where the enclosing block started; the
		// tab is on that line or a later one.
		for l := line; ; l++ {
			t, ok := src.Line(l)
			if !ok {
				break
			}
			if i := strings.IndexByte(t, '\t'); i >= 0 && strings.TrimLeft(t[:i], " ") == "" {
				line, col, found = l, utf8.RuneCountInString(t[:i])+1, true
				msg = "found a tab character in the indentation: YAML indents with spaces only"
				break
			}
		}
	}
	if !found {
		if t := strings.TrimLeft(text, " "); t != "" {
			col = len(text) - len(t) + 1
		}
	}
	off := src.offsetOf(line, col)
	return diag.Errorf(src.Range(off, off+1), CodeInvalidContent, "invalid YAML: %s", msg)
}

// offsetOf converts a 1-based line and column (in characters) to a byte
// offset.
func (s *Source) offsetOf(line, col int) int {
	if line < 1 || line > len(s.lines) {
		return len(s.Text)
	}
	off := s.lines[line-1]
	for c := 1; c < col && off < len(s.Text) && s.Text[off] != '\n'; c++ {
		_, size := utf8.DecodeRune(s.Text[off:])
		off += size
	}
	return off
}

func (c *yamlConv) fail(y *yaml.Node, format string, args ...any) *Node {
	if c.err == nil {
		off := c.src.offsetOf(y.Line, y.Column)
		d := diag.Errorf(c.src.Range(off, off+1), CodeInvalidContent, format, args...)
		c.err = &d
	}
	return &Node{Kind: Null, src: c.src}
}

func (c *yamlConv) node(y *yaml.Node, depth int) *Node {
	if c.err != nil {
		return nil
	}
	c.nodes++
	if c.nodes > maxYAMLNodes {
		return c.fail(y, "the YAML document expands to more than %d values (an alias bomb?)", maxYAMLNodes)
	}
	if depth > MaxDepth {
		return c.fail(y, "the document nests arrays and objects more than %d levels deep", MaxDepth)
	}
	switch y.Kind {
	case yaml.DocumentNode:
		if len(y.Content) == 0 {
			return c.fail(y, "the file is empty; expected a JSON or YAML object")
		}
		return c.node(y.Content[0], depth)
	case yaml.AliasNode:
		if c.active[y.Alias] {
			return c.fail(y, "the alias *%s refers to a value that contains it", y.Value)
		}
		c.active[y.Alias] = true
		n := c.node(y.Alias, depth)
		delete(c.active, y.Alias)
		return n
	case yaml.SequenceNode:
		n := c.newNode(Array, y)
		n.Items = make([]*Node, 0, len(y.Content))
		for _, it := range y.Content {
			n.Items = append(n.Items, c.node(it, depth+1))
		}
		c.closeNode(n)
		return n
	case yaml.MappingNode:
		n := c.newNode(Object, y)
		c.mapping(n, y, depth, map[string]*yaml.Node{})
		c.closeNode(n)
		return n
	case yaml.ScalarNode:
		return c.scalar(y)
	}
	return c.fail(y, "unsupported YAML node")
}

func (c *yamlConv) mapping(n *Node, y *yaml.Node, depth int, seen map[string]*yaml.Node) {
	for i := 0; i+1 < len(y.Content) && c.err == nil; i += 2 {
		k, v := y.Content[i], y.Content[i+1]
		if k.Kind == yaml.ScalarNode && k.ShortTag() == "!!merge" {
			c.merge(n, v, depth, seen)
			continue
		}
		if k.Kind != yaml.ScalarNode {
			c.fail(k, "object keys must be plain strings")
			return
		}
		if first, dup := seen[k.Value]; dup && first != nil {
			c.fail(k, "duplicate property '%s' (first defined at line %d, column %d)", k.Value, first.Line, first.Column)
			return
		}
		seen[k.Value] = k
		ks := c.src.offsetOf(k.Line, k.Column)
		n.Fields = append(n.Fields, Field{Key: k.Value, Value: c.node(v, depth+1),
			keyStart: int32(ks), keyEnd: int32(ks + len(k.Value))})
	}
}

// merge applies a YAML merge key (<<: *base): members of the merged
// mappings are added unless the mapping already has them.
func (c *yamlConv) merge(n *Node, v *yaml.Node, depth int, seen map[string]*yaml.Node) {
	src := v
	if v.Kind == yaml.AliasNode {
		src = v.Alias
	}
	switch src.Kind {
	case yaml.MappingNode:
		tmp := c.newNode(Object, src)
		c.mapping(tmp, src, depth, map[string]*yaml.Node{})
		for _, f := range tmp.Fields {
			if _, dup := seen[f.Key]; !dup {
				seen[f.Key] = nil
				n.Fields = append(n.Fields, f)
			}
		}
	case yaml.SequenceNode:
		for _, it := range src.Content {
			c.merge(n, it, depth, seen)
		}
	default:
		c.fail(v, "a merge key (<<) needs a mapping or a list of mappings")
	}
}

func (c *yamlConv) newNode(k Kind, y *yaml.Node) *Node {
	off := c.src.offsetOf(y.Line, y.Column)
	return &Node{Kind: k, src: c.src, start: int32(off), end: int32(off)}
}

func (c *yamlConv) closeNode(n *Node) {
	var last *Node
	if len(n.Items) > 0 {
		last = n.Items[len(n.Items)-1]
	} else if len(n.Fields) > 0 {
		last = n.Fields[len(n.Fields)-1].Value
	}
	if last != nil && last.end > n.end {
		n.end = last.end
	}
}

func (c *yamlConv) scalar(y *yaml.Node) *Node {
	switch tag := y.ShortTag(); tag {
	case "!!null":
		return c.newNode(Null, y)
	case "!!bool":
		var b bool
		if err := y.Decode(&b); err != nil {
			return c.fail(y, "invalid boolean %q", y.Value)
		}
		n := c.newNode(Bool, y)
		n.Bool = b
		n.end = n.start + int32(len(y.Value))
		return n
	case "!!int":
		var v int64
		if err := y.Decode(&v); err != nil {
			return c.fail(y, "the integer %s is out of range: integers are signed 64-bit", y.Value)
		}
		n := c.newNode(Int, y)
		n.Int = v
		n.end = n.start + int32(len(y.Value))
		return n
	case "!!float":
		if yamlIntText.MatchString(y.Value) {
			return c.fail(y, "the integer %s is out of range: integers are signed 64-bit", y.Value)
		}
		var v float64
		if err := y.Decode(&v); err != nil || math.IsInf(v, 0) || math.IsNaN(v) {
			return c.fail(y, "the number %s is not a finite number", y.Value)
		}
		n := c.newNode(Float, y)
		n.Float = v
		n.end = n.start + int32(len(y.Value))
		return n
	case "!!str", "!!timestamp", "!!binary":
		// Timestamps stay the text the author wrote: ARM dates are strings.
		n := c.newNode(String, y)
		n.Str = y.Value
		c.stringLayout(n, y)
		return n
	default:
		return c.fail(y, "unsupported YAML tag %s", tag)
	}
}

// stringLayout records how the decoded text maps back to the source, so
// that positions inside expressions can be reported exactly.
func (c *yamlConv) stringLayout(n *Node, y *yaml.Node) {
	text := c.src.Text[n.start:]
	switch y.Style {
	case 0:
		if !strings.Contains(y.Value, "\n") && bytes.HasPrefix(text, []byte(y.Value)) {
			n.style = styleYAMLPlain
			n.end = n.start + int32(len(y.Value))
			return
		}
	case yaml.SingleQuotedStyle:
		if len(text) > 0 && text[0] == '\'' {
			n.style = styleYAMLSingle
			n.end = n.start + int32(closingQuote(text, '\'')+1)
			return
		}
	case yaml.DoubleQuotedStyle:
		if len(text) > 0 && text[0] == '"' {
			n.style = styleYAMLDouble
			n.end = n.start + int32(closingQuote(text, '"')+1)
			return
		}
	}
	n.end = n.start + int32(min(len(text), len(y.Value)))
}

// closingQuote returns the index of the quote that closes a quoted scalar
// starting at text[0].
func closingQuote(text []byte, q byte) int {
	for i := 1; i < len(text); i++ {
		switch {
		case q == '"' && text[i] == '\\':
			i++
		case text[i] == q && q == '\'' && i+1 < len(text) && text[i+1] == '\'':
			i++
		case text[i] == q:
			return i
		}
	}
	return len(text) - 1
}
