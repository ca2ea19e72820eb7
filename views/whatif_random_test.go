package views

import (
	"bytes"
	"encoding/json"
	"math"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/armdeploy/armdeploy/evaluator"
	"github.com/armdeploy/armdeploy/planner"
)

// TestWhatIfRandomAgainstAz renders random what-if results (random
// payloads, a random mutation of them diffed by the planner, random change
// types and scopes) with WriteText and with az's formatter, and compares.
// It runs only with AZ_WHATIF_RANDOM=N (N cases) and the az-whatif tool.
func TestWhatIfRandomAgainstAz(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("AZ_WHATIF_RANDOM"))
	tool := azTool()
	if n <= 0 || tool == "" {
		t.Skip("set AZ_WHATIF_RANDOM=N and install az-whatif-format to run")
	}
	seed, _ := strconv.ParseInt(os.Getenv("AZ_WHATIF_SEED"), 10, 64)
	r := rand.New(rand.NewSource(seed))
	dir := t.TempDir()
	results := make([]*planner.WhatIfResult, n)
	var files []string
	for i := range n {
		results[i] = randomResult(r)
		js, err := json.Marshal(results[i])
		if err != nil {
			t.Fatal(err)
		}
		f := filepath.Join(dir, strconv.Itoa(i)+".json")
		if err := os.WriteFile(f, js, 0o644); err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}
	for _, v := range []struct {
		ext   string
		color bool
	}{{".az.txt", false}, {".az.color.txt", true}} {
		args := []string{"--out-ext", v.ext}
		if v.color {
			args = append([]string{"--color"}, args...)
		}
		if out, err := exec.Command(tool, append(args, files...)...).CombinedOutput(); err != nil {
			t.Fatalf("az-whatif-format: %v\n%s", err, out)
		}
		same := 0
		for i, res := range results {
			want, err := os.ReadFile(filepath.Join(dir, strconv.Itoa(i)+v.ext))
			if err != nil {
				t.Fatal(err)
			}
			var b bytes.Buffer
			if err := WriteText(&b, res, v.color); err != nil {
				t.Fatal(err)
			}
			if got := asAz2_45(b.String()); got != string(want) {
				js, _ := os.ReadFile(files[i])
				t.Errorf("case %d (%s) differs: %s\n%s", i, v.ext, js, firstDifference(got, string(want)))
				continue
			}
			same++
		}
		t.Logf("%s: %d of %d random cases identical to az's formatter", v.ext, same, n)
	}
}

var randKeys = []string{"name", "id", "properties", "a", "b.c", "longer.key.name", "größe", "部署", "emoji😀", "", "X", "x", "value", "tags", "hidden-link:/x", "Ünïcödé"}
var randStrings = []string{"", "x", "Standard_LRS", "say \"hi\"", "a\nb", "tab\there", "c:\\dir", "日本語", "🚀", "ß", "[reference('x')]", " lead", "trail "}

func randLeaf(r *rand.Rand) evaluator.Value {
	switch r.Intn(9) {
	case 0:
		return evaluator.Null
	case 1:
		return evaluator.Bool(r.Intn(2) == 0)
	case 2:
		return evaluator.Int(int64(r.Intn(2000) - 1000))
	case 3:
		return evaluator.Int(r.Int63() - r.Int63())
	case 4:
		e := r.Intn(50) - 25
		return evaluator.Float(math.Round(r.Float64()*1000) / 1000 * math.Pow(10, float64(e)))
	case 5:
		return evaluator.Float(float64(r.Intn(100)))
	case 6:
		return evaluator.UnknownValue("reference('r" + strconv.Itoa(r.Intn(3)) + "').id")
	}
	return evaluator.String(randStrings[r.Intn(len(randStrings))])
}

func randValue(r *rand.Rand, depth int) evaluator.Value {
	if depth <= 0 || r.Intn(3) == 0 {
		return randLeaf(r)
	}
	if r.Intn(2) == 0 {
		k := r.Intn(5)
		if r.Intn(6) == 0 {
			k = 9 + r.Intn(5)
		}
		a := make([]evaluator.Value, k)
		for i := range a {
			a[i] = randValue(r, depth-1)
		}
		return evaluator.Array(a)
	}
	o := evaluator.NewObject(4)
	for range r.Intn(5) {
		o.Set(randKeys[r.Intn(len(randKeys))], randValue(r, depth-1))
	}
	return evaluator.ObjectValue(o)
}

// mutate changes a value a little: a leaf replaced, a member removed or
// added, an element inserted, removed or changed.
func mutate(r *rand.Rand, v evaluator.Value, depth int) evaluator.Value {
	if a, ok := v.AsArray(); ok && r.Intn(4) != 0 {
		out := append([]evaluator.Value(nil), a...)
		for range 1 + r.Intn(2) {
			switch op := r.Intn(3); {
			case op == 0 || len(out) == 0:
				i := r.Intn(len(out) + 1)
				out = append(out[:i], append([]evaluator.Value{randValue(r, depth)}, out[i:]...)...)
			case op == 1:
				i := r.Intn(len(out))
				out = append(out[:i], out[i+1:]...)
			default:
				i := r.Intn(len(out))
				out[i] = mutate(r, out[i], depth-1)
			}
		}
		return evaluator.Array(out)
	}
	if o, ok := v.AsObject(); ok && r.Intn(5) != 0 {
		n := evaluator.NewObject(o.Len() + 1)
		for i := range o.Len() {
			switch r.Intn(4) {
			case 0:
				continue // removed
			case 1:
				n.Set(o.KeyAt(i), mutate(r, o.ValueAt(i), depth-1))
			default:
				n.Set(o.KeyAt(i), o.ValueAt(i))
			}
		}
		if r.Intn(2) == 0 {
			n.Set(randKeys[r.Intn(len(randKeys))], randValue(r, depth))
		}
		return evaluator.ObjectValue(n)
	}
	return randValue(r, depth)
}

var randScopes = []string{
	"/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-a/providers/",
	"/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/RG-A/providers/",
	"/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/grüße/providers/",
	"/subscriptions/00000000-0000-0000-0000-000000000001/providers/",
	"/providers/Microsoft.Management/managementGroups/mg1/providers/",
	"/providers/",
}

func randomResult(r *rand.Rand) *planner.WhatIfResult {
	res := &planner.WhatIfResult{Status: "Succeeded"}
	types := []planner.ChangeType{planner.Create, planner.Delete, planner.Modify, planner.Modify, planner.Modify, planner.NoChange, planner.Ignore, planner.Deploy, planner.Unsupported}
	for range 1 + r.Intn(4) {
		id := randScopes[r.Intn(len(randScopes))] + "Microsoft.Web/sites/" + []string{"a", "B", "c", "é", "a"}[r.Intn(5)]
		payload := func() *evaluator.Value {
			o := evaluator.NewObject(6)
			if r.Intn(5) != 0 {
				o.Set("apiVersion", evaluator.String("2023-0"+strconv.Itoa(1+r.Intn(9))+"-01"))
			}
			for range r.Intn(5) {
				o.Set(randKeys[r.Intn(len(randKeys))], randValue(r, 4))
			}
			v := evaluator.ObjectValue(o)
			return &v
		}
		c := planner.Change{ResourceID: id, ChangeType: types[r.Intn(len(types))]}
		switch c.ChangeType {
		case planner.Create, planner.Deploy:
			c.After = payload()
		case planner.Delete:
			c.Before = payload()
		case planner.Modify, planner.NoChange:
			b := payload()
			a := mutate(r, *b, 4)
			for a.Kind() != evaluator.KindObject {
				a = mutate(r, *b, 4) // a payload is an object
			}
			c.Before, c.After = b, &a
			c.Delta = planner.Diff(*b, a)
			if r.Intn(3) == 0 {
				c.Delta = randDelta(r, 3, false) // a shape the planner may not make
			}
			if len(c.Delta) == 0 {
				c.ChangeType = planner.NoChange
			}
		case planner.Unsupported:
			c.UnsupportedReason = "unknown"
		}
		res.Properties.Changes = append(res.Properties.Changes, c)
	}
	return res
}

// randDelta is a random delta of any shape az can be given.
func randDelta(r *rand.Rand, depth int, indexed bool) []planner.PropertyChange {
	var out []planner.PropertyChange
	for range r.Intn(5) {
		path := randKeys[r.Intn(len(randKeys))]
		if indexed {
			path = strconv.Itoa(r.Intn(12))
		}
		pv := func() *evaluator.Value { v := randValue(r, 2); return &v }
		pc := planner.PropertyChange{Path: path}
		switch r.Intn(5) {
		case 0:
			pc.PropertyChangeType, pc.After = planner.PropCreate, pv()
		case 1:
			pc.PropertyChangeType, pc.Before = planner.PropDelete, pv()
		case 2:
			pc.PropertyChangeType = planner.PropModify
			if depth > 0 && r.Intn(2) == 0 {
				pc.Children = randDelta(r, depth-1, false)
			} else {
				pc.Before, pc.After = pv(), pv()
			}
		case 3:
			pc.PropertyChangeType = planner.PropArray
			if depth > 0 {
				pc.Children = randDelta(r, depth-1, true)
			}
		default:
			pc.PropertyChangeType, pc.Before, pc.After = planner.PropNoEffect, pv(), pv()
		}
		out = append(out, pc)
	}
	return out
}
