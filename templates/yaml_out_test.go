package templates

import "testing"

func TestJSONToYAMLRoundTrips(t *testing.T) {
	in := `{"b":1,"a":["x","1","true","2030-01-01",null,1.5,false,{"k":"[parameters('p')]"}],"s":"multi\nline"}`
	out, err := JSONToYAML([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	js, _ := Parse("in.json", []byte(in))
	ys, ds := Parse("out.yaml", out)
	if ys == nil || ys.Root == nil {
		t.Fatalf("output does not parse: %v\n%s", ds, out)
	}
	if !Equal(js.Root, ys.Root) {
		t.Errorf("round trip changed the document:\n%s", out)
	}
}
