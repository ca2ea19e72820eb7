package planner

import (
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
