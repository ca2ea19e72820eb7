package planner

import (
	"strings"
	"testing"

	"github.com/armdeploy/armdeploy/evaluator"
)

func val(t *testing.T, js string) *evaluator.Value {
	t.Helper()
	v, err := evaluator.ParseJSON(js)
	if err != nil {
		t.Fatal(err)
	}
	return &v
}

func TestDiff(t *testing.T) {
	tests := []struct {
		name, before, after string
		want                []string // "type path"
	}{
		{"same", `{"a":1,"b":{"c":[1,2]}}`, `{"A":1,"b":{"c":[1,2]}}`, nil},
		{"scalar modify", `{"a":1}`, `{"a":2}`, []string{"Modify a"}},
		{"create and delete", `{"a":1}`, `{"b":1}`, []string{"Delete a", "Create b"}},
		{"nested", `{"p":{"x":{"y":"1"}}}`, `{"p":{"x":{"y":"2","z":true}}}`, []string{"Modify p.x.y", "Create p.x.z"}},
		{"array grows", `{"a":[1]}`, `{"a":[1,2]}`, []string{"Array a"}},
		{"unknown is no effect", `{"a":"x"}`, `{"a":"[reference('r')]"}`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := val(t, tt.before)
			a := val(t, tt.after)
			if tt.name == "unknown is no effect" {
				av := evaluator.UnknownValue("reference('r')")
				o := evaluator.NewObject(1)
				o.Set("a", av)
				x := evaluator.ObjectValue(o)
				a = &x
			}
			var got []string
			for _, d := range diff("", *b, *a) {
				if d.PropertyChangeType != PropNoEffect {
					got = append(got, string(d.PropertyChangeType)+" "+d.Path)
				}
			}
			if len(got) != len(tt.want) {
				t.Fatalf("got %v, want %v", got, tt.want)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Errorf("got %v, want %v", got, tt.want)
				}
			}
		})
	}
}

// TestArrayDiffAlignsAsAzure checks the array deltas of what-if: elements
// are aligned by the longest common subsequence of equal elements, so an
// insertion or a removal is a Create or a Delete at its own index and only
// an element changed in place is a Modify.
func TestArrayDiffAlignsAsAzure(t *testing.T) {
	sn := func(name, prefix string) string {
		return `{"name":"` + name + `","properties":{"addressPrefix":"` + prefix + `"}}`
	}
	a, b, c := sn("a", "10.0.0.0/24"), sn("b", "10.0.1.0/24"), sn("c", "10.0.2.0/24")
	c2 := sn("c", "10.0.7.0/24")
	tests := []struct {
		name, before, after string
		want                []string // "type index" of the array's children
	}{
		{"remove first", `[` + a + `,` + b + `]`, `[` + b + `]`, []string{"Delete 0"}},
		{"remove middle", `[` + a + `,` + b + `,` + c + `]`, `[` + a + `,` + c + `]`, []string{"Delete 1"}},
		{"remove last", `[` + a + `,` + b + `]`, `[` + a + `]`, []string{"Delete 1"}},
		{"insert front", `[` + b + `,` + c + `]`, `[` + a + `,` + b + `,` + c + `]`, []string{"Create 0"}},
		{"insert middle", `[` + a + `,` + c + `]`, `[` + a + `,` + b + `,` + c + `]`, []string{"Create 1"}},
		{"change in place", `[` + a + `,` + c + `]`, `[` + a + `,` + c2 + `]`, []string{"Modify 1"}},
		{"remove and change", `[` + a + `,` + b + `,` + c + `]`, `[` + b + `,` + c2 + `]`, []string{"Delete 0", "Modify 1"}},
		{"scalar replaced", `["10.0.0.0/16"]`, `["10.0.0.0/15"]`, []string{"Delete 0", "Create 0"}},
		{"scalars shifted", `[1,2,3,4]`, `[2,3,5]`, []string{"Delete 0", "Delete 3", "Create 2"}},
		{"emptied", `[1,2]`, `[]`, []string{"Delete 0", "Delete 1"}},
		{"moved", `[1,2,3]`, `[3,1,2]`, []string{"Create 0", "Delete 2"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := diff("", *val(t, `{"x":`+tt.before+`}`), *val(t, `{"x":`+tt.after+`}`))
			if len(d) != 1 || d[0].PropertyChangeType != PropArray || d[0].Path != "x" {
				t.Fatalf("got %+v, want one Array change of x", d)
			}
			var got []string
			for _, k := range d[0].Children {
				got = append(got, string(k.PropertyChangeType)+" "+k.Path)
			}
			if strings.Join(got, ", ") != strings.Join(tt.want, ", ") {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

// TestArrayDiffLong aligns long arrays (the table is bounded; common ends
// are taken off first).
func TestArrayDiffLong(t *testing.T) {
	var b, a []evaluator.Value
	for i := range 5000 {
		b = append(b, evaluator.Int(int64(i)))
		if i != 2500 {
			a = append(a, evaluator.Int(int64(i)))
		}
	}
	got := arrayDiff(b, a)
	if len(got) != 1 || got[0].PropertyChangeType != PropDelete || got[0].Path != "2500" {
		t.Errorf("got %+v, want Delete 2500", got)
	}
}

// An array element whose only change is a value still unknown is no
// change of the array (kentico-xperience-environment's app setting that
// reads a resource of its own template): the array is NoEffect.
func TestDiffUnknownInsideArrayElement(t *testing.T) {
	unknownElem := func(name string) evaluator.Value {
		o := evaluator.NewObject(2)
		o.Set("name", evaluator.String(name))
		o.Set("value", evaluator.UnknownValue("reference('c').key"))
		return evaluator.ObjectValue(o)
	}
	known := func(name, value string) evaluator.Value {
		o := evaluator.NewObject(2)
		o.Set("name", evaluator.String(name))
		o.Set("value", evaluator.String(value))
		return evaluator.ObjectValue(o)
	}
	wrap := func(elems ...evaluator.Value) evaluator.Value {
		o := evaluator.NewObject(1)
		o.Set("settings", evaluator.Array(elems))
		return evaluator.ObjectValue(o)
	}
	tests := []struct {
		name          string
		before, after evaluator.Value
		change        bool
	}{
		{"only unknown", wrap(known("k", "v")), wrap(unknownElem("k")), false},
		{"unknown and a real change", wrap(known("k", "v")), wrap(func() evaluator.Value {
			o := evaluator.NewObject(2)
			o.Set("name", evaluator.String("other"))
			o.Set("value", evaluator.UnknownValue("reference('c').key"))
			return evaluator.ObjectValue(o)
		}()), true},
		{"an element added", wrap(known("k", "v")), wrap(known("k", "v"), unknownElem("j")), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := changes(diff("", tt.before, tt.after)); got != tt.change {
				t.Errorf("changes = %v, want %v: %+v", got, tt.change, diff("", tt.before, tt.after))
			}
		})
	}
}
