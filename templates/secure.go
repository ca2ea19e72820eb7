package templates

import (
	"bytes"
	"slices"

	"github.com/armdeploy/armdeploy/templates/diag"
)

// RedactSecureValues hides, in the sources they were read from, the values
// supplied for t's securestring and secureObject parameters and the literal
// defaults of such parameters, so that no diagnostic snippet shows them
// (see [Source.Redact]). It returns the text of those values (each string
// inside them, and a name=value argument's text) for [diag.RedactText].
func RedactSecureValues(t *Template, ps *ParameterSet) []string {
	if t == nil {
		return nil
	}
	var secrets []string
	hide := func(n *Node) {
		if n == nil {
			return
		}
		if n.src != nil {
			n.src.Redact(int(n.start), int(n.end))
		}
		secrets = appendStrings(secrets, n)
	}
	for _, p := range t.Parameters {
		if !p.IsSecure() {
			continue
		}
		if !p.DefaultValue.IsExpression() {
			hide(p.DefaultValue)
		}
		if ps == nil {
			continue
		}
		v := ps.Get(p.Name)
		if v == nil {
			continue
		}
		hide(v.Value)
		if v.FromArg {
			if src := v.Value.Source(); src != nil {
				src.Redact(v.At.Start.Offset, v.At.End.Offset)
			}
			if v.Text != "" {
				secrets = append(secrets, v.Text)
			}
		}
	}
	slices.Sort(secrets)
	return slices.Compact(secrets)
}

// appendStrings appends every string inside n (object keys excluded).
func appendStrings(out []string, n *Node) []string {
	if n == nil {
		return out
	}
	switch n.Kind {
	case String:
		if n.Str != "" {
			out = append(out, n.Str)
		}
	case Array:
		for _, it := range n.Items {
			out = appendStrings(out, it)
		}
	case Object:
		for _, f := range n.Fields {
			out = appendStrings(out, f.Value)
		}
	}
	return out
}

// redactProblems rewrites the messages of a secure value's type problems
// so that they quote none of it.
func redactProblems(probs []problem, v *Node) {
	secrets := appendStrings(nil, v)
	for i := range probs {
		probs[i].msg = diag.RedactText(probs[i].msg, secrets)
		probs[i].path = diag.RedactText(probs[i].path, secrets)
	}
}

// RedactUnparsed hides every value of a parameter source that could not be
// parsed: which parameters are secure is not known, so snippets of it show
// its structure and keys but none of its values. JSON string literals are
// hidden unless a ':' follows them (a key); in YAML, what follows the first
// ": " or "- " of each line.
func RedactUnparsed(src *Source) {
	if src == nil || src.Root != nil {
		return
	}
	text := src.Text
	if src.Format == FormatYAML {
		line := 0
		for line < len(text) {
			end := bytes.IndexByte(text[line:], '\n')
			if end < 0 {
				end = len(text) - line
			}
			l := text[line : line+end]
			if i := bytes.Index(l, []byte(": ")); i >= 0 {
				src.Redact(line+i+2, line+end)
			} else if t := bytes.TrimLeft(l, " \t"); bytes.HasPrefix(t, []byte("- ")) {
				src.Redact(line+end-len(t)+2, line+end)
			}
			line += end + 1
		}
		return
	}
	for i := 0; i < len(text); i++ {
		if text[i] != '"' {
			continue
		}
		j := i + 1
		for j < len(text) && text[j] != '"' && text[j] != '\n' {
			if text[j] == '\\' {
				j++
			}
			j++
		}
		end := min(j, len(text))
		k := end + 1
		for k < len(text) && (text[k] == ' ' || text[k] == '\t') {
			k++
		}
		if k >= len(text) || text[k] != ':' {
			src.Redact(i+1, end)
		}
		i = end
	}
}
