package providers

import (
	"bytes"
	"encoding/json"
	"math"
	"testing"
	"time"
)

// TestMarshalBody is json.Marshal's output on the values a body holds,
// and its error where it has one.
func TestMarshalBody(t *testing.T) {
	for _, tt := range []struct {
		name string
		body map[string]any
	}{
		{"empty", map[string]any{}},
		{"nested and sorted", map[string]any{"b": map[string]any{"z": 1, "a": []any{int64(2), nil, true, "x"}}, "a": false, "B": nil}},
		{"escapes", map[string]any{"s": "<a href=\"x\">&\\ \b\f\n\r\t\x00\x1f\u2028\u2029 é \xff\xfe", "k<>&": "v"}},
		{"floats", map[string]any{"f": []any{0.0, 1.5, -2.25, 1e-7, 1e21, 123456789.0, 1e20, 5e-324, math.MaxFloat64, -1e-6}}},
		{"nil containers", map[string]any{"m": map[string]any(nil), "a": []any(nil)}},
		{"other types", map[string]any{"t": time.Date(2026, 12, 4, 0, 0, 0, 0, time.UTC), "n": json.Number("12"), "u": uint8(3), "ss": []string{"a"}}},
		{"not a number", map[string]any{"f": math.NaN()}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := MarshalBody(tt.body)
			want, werr := json.Marshal(tt.body)
			if (err == nil) != (werr == nil) || !bytes.Equal(got, want) {
				t.Errorf("MarshalBody = %s, %v; json.Marshal = %s, %v", got, err, want, werr)
			}
		})
	}
}

// FuzzMarshalBody compares MarshalBody with json.Marshal on bodies built
// from the fuzzed string and number.
func FuzzMarshalBody(f *testing.F) {
	f.Add("name", "value <&>", 1.5, int64(7))
	f.Add("\xff", "\u2028\x01", 1e-9, int64(-1))
	f.Fuzz(func(t *testing.T, k, s string, x float64, n int64) {
		body := map[string]any{k: s, s: []any{x, n, map[string]any{k: nil, "": s}}, "k" + k: true}
		got, err := MarshalBody(body)
		want, werr := json.Marshal(body)
		if (err == nil) != (werr == nil) || !bytes.Equal(got, want) {
			t.Errorf("MarshalBody = %s, %v; json.Marshal = %s, %v", got, err, want, werr)
		}
	})
}

func BenchmarkMarshalBody(b *testing.B) {
	r := &Request{ID: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/sa1", Type: "Microsoft.Storage/storageAccounts",
		Name: "sa1", Body: map[string]any{"location": "westus", "sku": map[string]any{"name": "Standard_LRS"}, "kind": "StorageV2", "properties": map[string]any{}}}
	res, err := genericProvider{}.Put(b.Context(), r)
	if err != nil {
		b.Fatal(err)
	}
	for _, bc := range []struct {
		name string
		f    func(any) ([]byte, error)
	}{{"json.Marshal", json.Marshal}, {"MarshalBody", func(v any) ([]byte, error) { return MarshalBody(v.(map[string]any)) }}} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for range b.N {
				if _, err := bc.f(res.Body); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
