package templates

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// seedFiles adds the repository's quickstarts as seeds, when present.
func seedFiles(f *testing.F, add func(name string, data []byte)) {
	paths, _ := filepath.Glob(filepath.Join("..", "quickstarts", "*", "*"))
	more, _ := filepath.Glob(filepath.Join("..", "quickstarts", "*", "prereqs", "*"))
	for _, p := range append(paths, more...) {
		if data, err := os.ReadFile(p); err == nil && len(data) < 64<<10 {
			add(p, data)
		}
	}
}

// FuzzParse checks that no input makes the loader panic or hang, that a
// parsed tree survives a JSON round trip, and that every position lookup
// stays in bounds.
func FuzzParse(f *testing.F) {
	for _, s := range []string{`{"a":1}`, `{"a":[1,"x",{"b":null}]}`, "{\n// c\n\"a\": /* x */ \"[concat('a')]\"}",
		`{"a": "\u00e9\"x"}`, `[1,2,]`, `{"a":1e5,"b":-0.5}`} {
		f.Add(s, false)
	}
	for _, s := range []string{"a: 1\n", "a: &x [1]\nb: *x\n", "a: '[x(''y'')]'\nb: \"\\u00e9\"\n", "a: |\n  x\n", "- 1\n- b: 2\n"} {
		f.Add(s, true)
	}
	seedFiles(f, func(name string, data []byte) { f.Add(string(data), strings.HasSuffix(name, ".yaml")) })
	f.Fuzz(func(t *testing.T, data string, yaml bool) {
		name := "f.json"
		if yaml {
			name = "f.yaml"
		}
		src, ds := Parse(name, []byte(data))
		if src == nil || src.Root == nil {
			if !ds.HasErrors() {
				t.Fatal("no tree and no error")
			}
			for _, d := range ds {
				if d.Range.Start.Offset > len(data) {
					t.Fatalf("diagnostic offset %d beyond %d", d.Range.Start.Offset, len(data))
				}
			}
			return
		}
		walk(src.Root, func(n *Node) {
			r := n.Range()
			if r.Start.Offset > len(data) || r.End.Offset > len(data) {
				t.Fatalf("range %v beyond %d", r, len(data))
			}
			if n.Kind == String {
				for off := 0; off <= len(n.Str) && off < 64; off++ {
					if p := n.StringPos(off); p.Offset > len(data) {
						t.Fatalf("StringPos(%d) = %v beyond %d", off, p, len(data))
					}
				}
			}
		})
		out, _ := src.Root.MarshalJSON()
		again, ds := Parse("again.json", out)
		if again == nil {
			t.Fatalf("re-parse of %s failed: %v", out, ds)
		}
		if !Equal(src.Root, again.Root) {
			t.Fatalf("round trip changed the tree:\n%s", out)
		}
		if src.Root.Kind == Object {
			NewTemplate(src)
			NewParameterFile(src)
		}
	})
}

func walk(n *Node, fn func(*Node)) {
	fn(n)
	for _, it := range n.Items {
		walk(it, fn)
	}
	for _, f := range n.Fields {
		walk(f.Value, fn)
	}
}

// FuzzParameterArg checks that no -p argument makes the parser panic, and
// that name=value arguments keep their name and raw text.
func FuzzParameterArg(f *testing.F) {
	for _, s := range []string{"a=1", "a=b", "a=", `a={"x":[1]}`, `{"a":{"value":1}}`, `{"parameters":{"a":{"value":"x"}}}`,
		"=x", "a", `{"a":{"reference":{"keyVault":{"id":"x"},"secretName":"s"}}}`, "a=0.0.1", "a=[", "a=\"x\""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, arg string) {
		if strings.HasPrefix(arg, "@") || strings.ContainsAny(arg, "/\\") {
			t.Skip("file forms read the disk")
		}
		vals, _, _, err := ReadParameterArg(arg, "-p")
		if err != nil {
			return
		}
		name, text, isKV := strings.Cut(arg, "=")
		if isKV && !strings.HasPrefix(strings.TrimSpace(arg), "{") && len(vals) == 1 {
			if vals[0].Name != name || vals[0].Text != text || vals[0].Value == nil {
				t.Fatalf("got %+v for %q", vals[0], arg)
			}
		}
	})
}
