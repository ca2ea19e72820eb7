package evaluator

import (
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"strings"
	"testing"
)

func TestObjectLookup(t *testing.T) {
	o := NewObject(0)
	o.Set("abcKey", Int(1))
	o.Set("ABCKey", Int(2))
	o.Set("Name", String("n"))
	tests := []struct {
		key  string
		want string
		ok   bool
	}{
		{"abcKey", "1", true},
		{"ABCKey", "2", true},
		{"AbcKey", "1", true}, // first case-insensitive match
		{"name", `"n"`, true},
		{"NAME", `"n"`, true},
		{"missing", "null", false},
	}
	for _, tt := range tests {
		t.Run(tt.key, func(t *testing.T) {
			got, ok := o.Get(tt.key)
			if ok != tt.ok || got.JSON() != tt.want {
				t.Fatalf("Get(%q) = %s, %v; want %s, %v", tt.key, got.JSON(), ok, tt.want, tt.ok)
			}
		})
	}
	if got := strings.Join(o.Keys(), ","); got != "abcKey,ABCKey,Name" {
		t.Errorf("Keys = %s, want insertion order", got)
	}
}

// TestObjectLookupLarge exercises the index used above indexThreshold keys.
func TestObjectLookupLarge(t *testing.T) {
	o := NewObject(0)
	for i := 0; i < 40; i++ {
		o.Set(fmt.Sprintf("Key%d", i), Int(int64(i)))
	}
	o.Set("key7", Int(700)) // differs only by case from Key7
	o.SetFold("KEY8", Int(800))
	tests := []struct {
		key  string
		want int64
	}{
		{"key0", 0}, {"KEY39", 39}, {"Key7", 7}, {"key7", 700}, {"kEy7", 7}, {"Key8", 800},
	}
	for _, tt := range tests {
		t.Run(tt.key, func(t *testing.T) {
			v, ok := o.Get(tt.key)
			if n, _ := v.AsInt(); !ok || n != tt.want {
				t.Fatalf("Get(%q) = %v, %v; want %d", tt.key, v, ok, tt.want)
			}
		})
	}
	if o.Len() != 41 {
		t.Errorf("Len = %d, want 41", o.Len())
	}
	c := o.Clone()
	c.Set("extra", True)
	if o.Has("extra") || !c.Has("EXTRA") {
		t.Error("Clone shares storage with the original")
	}
}

func TestJSONKeepsOrderAndTypes(t *testing.T) {
	tests := []struct {
		in   string
		want string
	}{
		{`{"z":1,"a":{"y":[1,2.5,"s"],"b":null},"m":true}`, `{"z":1,"a":{"y":[1,2.5,"s"],"b":null},"m":true}`},
		{`{'a': 'it"s', b: -3}`, `{"a":"it\"s","b":-3}`},
		{`[1e2, 3.0, 9223372036854775807, 9223372036854775808]`, `[100.0,3.0,9223372036854775807,9.223372036854776E+18]`},
		{`"\u00e9\ud83d\ude00\n"`, `"é😀\n"`},
		{`[]`, `[]`},
		{` `, `null`},
		{`[0.0001, 0.00001, 1e15, 123456789012345.6]`, `[0.0001,1E-05,1E+15,123456789012345.6]`},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			v, err := ParseJSON(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			b, err := json.Marshal(v)
			if err != nil {
				t.Fatal(err)
			}
			if string(b) != tt.want {
				t.Fatalf("got %s, want %s", b, tt.want)
			}
			var back Value
			if err := json.Unmarshal(b, &back); err != nil {
				t.Fatal(err)
			}
			if !sameValue(v, back) {
				t.Fatalf("round trip changed %s into %s", v, back)
			}
		})
	}
}

func TestParseJSONErrors(t *testing.T) {
	for _, in := range []string{`{`, `[1,`, `{"a" 1}`, `tru`, `"abc`, `[1] 2`, `{"a":1,,}`, `'\x'`, `-`, `/* open`,
		strings.Repeat("[", 200) + strings.Repeat("]", 200)} {
		t.Run(in, func(t *testing.T) {
			if v, err := ParseJSON(in); err == nil {
				t.Fatalf("ParseJSON(%q) = %s, want error", in, v)
			}
		})
	}
}

func TestRenderers(t *testing.T) {
	obj := mustObject(`{"a":"b","!c":2,"d":[true,null,"it's"]}`)
	tests := []struct {
		name   string
		v      Value
		str    string
		format string
		join   string // "" with joinOK false means rejected
		joinOK bool
	}{
		{"string", String("abc"), "abc", "abc", "abc", true},
		{"true", True, "True", "True", "True", true},
		{"false", False, "False", "False", "False", true},
		{"int", Int(-12), "-12", "-12", "-12", true},
		{"float", Float(1.5), "1.5", "1.5", "1.5", true},
		{"integral float", Float(3), "3", "3", "3", true},
		{"null", Null, "", "", "", true},
		{"object", ObjectValue(obj), `{"a":"b","!c":2,"d":[true,null,"it's"]}`, `{'a':'b','!c':2,'d':[true,null,'it\'s']}`, "", false},
		{"array", ArrayOf(True, Int(2893), String("abc")), `[true,2893,"abc"]`, `[true,2893,'abc']`, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := StringText(tt.v); got != tt.str {
				t.Errorf("StringText = %s, want %s", got, tt.str)
			}
			if got := FormatText(tt.v); got != tt.format {
				t.Errorf("FormatText = %s, want %s", got, tt.format)
			}
			got, ok := JoinText(tt.v)
			if ok != tt.joinOK || got != tt.join {
				t.Errorf("JoinText = %q, %v; want %q, %v", got, ok, tt.join, tt.joinOK)
			}
		})
	}
}

func TestEqual(t *testing.T) {
	tests := []struct {
		a, b string
		want bool
	}{
		{`1`, `1`, true},
		{`1`, `1.0`, true},
		{`"a"`, `"A"`, false},
		{`[1,[2]]`, `[1,[2]]`, true},
		{`[1,2]`, `[2,1]`, false},
		{`{"a":1,"B":{"c":[]}}`, `{"b":{"C":[]},"A":1}`, true},
		{`{"a":1}`, `{"a":1,"b":2}`, false},
		{`null`, `null`, true},
		{`null`, `""`, false},
		{`true`, `"True"`, false},
	}
	for _, tt := range tests {
		t.Run(tt.a+" vs "+tt.b, func(t *testing.T) {
			a, b := mustJSON(t, tt.a), mustJSON(t, tt.b)
			if got := Equal(a, b); got != tt.want {
				t.Fatalf("Equal = %v, want %v", got, tt.want)
			}
			if got := Equal(b, a); got != tt.want {
				t.Fatalf("Equal is not symmetric")
			}
		})
	}
	if Equal(UnknownValue("x"), UnknownValue("x")) {
		t.Error("unknown values compared equal")
	}
	if !Equal(Secure(String("s")), String("s")) {
		t.Error("the secure mark affected equality")
	}
}

func TestCompareStrings(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"A", "a", 1},
		{"a", "A", -1},
		{"a", "a", 0},
		{"Test2", "Test1", 1},
		{"abc", "ABD", -1},
		{"123Key", "abcKey", -1},
		{"abcKey", "ABCKey", -1},
		{"ABCKey", "defKey", -1},
		{"a", "ab", -1},
		{"-x", "0", -1},
		{"é", "f", -1},
	}
	for _, tt := range tests {
		t.Run(tt.a+" vs "+tt.b, func(t *testing.T) {
			if got := CompareStrings(tt.a, tt.b); got != tt.want {
				t.Fatalf("CompareStrings = %d, want %d", got, tt.want)
			}
			if got := CompareStrings(tt.b, tt.a); got != -tt.want {
				t.Fatalf("CompareStrings is not antisymmetric: %d", got)
			}
		})
	}
}

func TestGoConversion(t *testing.T) {
	type custom struct{ A int }
	tests := []struct {
		name    string
		in      any
		want    string
		wantErr bool
	}{
		{"nil", nil, "null", false},
		{"int", 5, "5", false},
		{"uint8", uint8(7), "7", false},
		{"float", 2.5, "2.5", false},
		{"number", json.Number("12"), "12", false},
		{"map sorted", map[string]any{"b": 1, "a": []any{true, "x"}}, `{"a":[true,"x"],"b":1}`, false},
		{"typed slice", []string{"x", "y"}, `["x","y"]`, false},
		{"typed map", map[string]int{"k": 1}, `{"k":1}`, false},
		{"pointer", new(int), "0", false},
		{"value", String("v"), `"v"`, false},
		{"huge uint", uint64(math.MaxUint64), "", true},
		{"struct", custom{1}, "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, err := FromGo(tt.in)
			if (err != nil) != tt.wantErr {
				t.Fatalf("FromGo error = %v, wantErr %v", err, tt.wantErr)
			}
			if err == nil && v.JSON() != tt.want {
				t.Fatalf("FromGo = %s, want %s", v.JSON(), tt.want)
			}
		})
	}
	v := mustJSON(t, `{"a":[1,2.5,"s",null,true],"o":{}}`)
	want := map[string]any{"a": []any{int64(1), 2.5, "s", nil, true}, "o": map[string]any{}}
	if got := v.Go(); !reflect.DeepEqual(got, want) {
		t.Fatalf("Go() = %#v, want %#v", got, want)
	}
}

func TestSecureAndRedact(t *testing.T) {
	o := NewObject(2)
	o.Set("user", String("admin"))
	o.Set("password", Secure(String("hunter2")))
	v := ObjectValue(o)
	if !v.HasSecure() || v.Secure() {
		t.Fatalf("HasSecure = %v, Secure = %v; want true, false", v.HasSecure(), v.Secure())
	}
	if got := Redact(v).JSON(); got != `{"user":"admin","password":null}` {
		t.Errorf("Redact = %s", got)
	}
	if got := v.String(); strings.Contains(got, "hunter2") {
		t.Errorf("String() leaks the secret: %s", got)
	}
	if got := fmt.Sprint(v); strings.Contains(got, "hunter2") {
		t.Errorf("fmt leaks the secret: %s", got)
	}
	if got := v.JSON(); !strings.Contains(got, "hunter2") {
		t.Errorf("JSON must keep the value for storage, got %s", got)
	}
	s := Secure(Secure(Int(3)))
	if n, ok := s.AsInt(); !ok || n != 3 || s.Kind() != KindInt || s.Unsecure().Secure() {
		t.Errorf("secure int = %v, %v, %v", n, ok, s.Kind())
	}
}

func TestValueAccessors(t *testing.T) {
	v := mustJSON(t, `{"list":[1,2],"s":"日本語"}`)
	if l, ok := v.Get("LIST"); !ok || l.Len() != 2 {
		t.Errorf("Get(LIST) = %v, %v", l, ok)
	}
	if s, _ := v.Get("s"); s.Len() != 3 {
		t.Errorf("Len of a string counts characters, got %d", s.Len())
	}
	l, _ := v.Get("list")
	if e, ok := l.Index(1); !ok || e.JSON() != "2" {
		t.Errorf("Index(1) = %v, %v", e, ok)
	}
	if _, ok := l.Index(2); ok {
		t.Error("Index(2) succeeded on a 2-element array")
	}
	kinds := []Kind{KindNull, KindBool, KindInt, KindFloat, KindString, KindArray, KindObject, KindUnknown, KindLambda}
	names := []string{"Null", "Boolean", "Integer", "Float", "String", "Array", "Object", "Unknown", "Lambda"}
	for i, k := range kinds {
		if k.String() != names[i] {
			t.Errorf("Kind(%d).String() = %s, want %s", k, k, names[i])
		}
	}
	if !UnknownValue("x").HasUnknown() || !ArrayOf(UnknownValue("x")).HasUnknown() || ArrayOf(Int(1)).HasUnknown() {
		t.Error("HasUnknown does not see nested unknown values")
	}
}
