package evaluator

import (
	"testing"
	"unicode/utf8"
)

func TestJSONIsValidUTF8(t *testing.T) {
	tests := []struct {
		name string
		v    Value
		want string
	}{
		{"invalid bytes", String("st\xff\xfe9"), `"st\uFFFD\uFFFD9"`},
		{"truncated sequence", String("a\xe2\x82"), `"a\uFFFD\uFFFD"`},
		{"valid multi-byte kept", String("€ü"), `"€ü"`},
		{"object key", mustObjectValue(t, "k\xff", String("v")), `{"k\uFFFD":"v"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := tt.v.MarshalJSON()
			if err != nil {
				t.Fatal(err)
			}
			want, _ := ParseJSON(tt.want) // decodes the \uFFFD escapes
			if !utf8.Valid(b) || string(b) != want.JSON() {
				t.Errorf("got %q, want %s", b, want.JSON())
			}
		})
	}
}

func mustObjectValue(t *testing.T, k string, v Value) Value {
	t.Helper()
	o := NewObject(1)
	o.Set(k, v)
	return ObjectValue(o)
}
