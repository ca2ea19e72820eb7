package arm

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/armdeploy/armdeploy/evaluator"
	"github.com/armdeploy/armdeploy/providers"
	"github.com/armdeploy/armdeploy/state"
)

// TestOverlayFillsOnFirstRead: a result put with a Fill (a preflight's
// generic resource) is completed when first read, once, by Resource and
// Resources alike, and never when nothing reads it.
func TestOverlayFillsOnFirstRead(t *testing.T) {
	ctx := context.Background()
	st, err := state.Open(t.TempDir() + "/state.db")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	group := "/subscriptions/" + sub0 + "/resourceGroups/rg"
	ov := newOverlay(st)
	fills := map[string]int{}
	put := func(name string) string {
		id := group + "/providers/Microsoft.Storage/storageAccounts/" + name
		body := map[string]any{"location": "westus", "properties": map[string]any{}}
		ov.put(&evaluator.Resource{ID: id, Type: "Microsoft.Storage/storageAccounts", Name: name}, &providers.Result{Body: body,
			Fill: func() {
				fills[name]++
				body["properties"].(map[string]any)["filled"] = true
			}})
		return id
	}
	read, listed := put("read"), put("listed")
	put("unread")

	filled := func(r *state.Resource) bool {
		var b struct{ Properties struct{ Filled bool } }
		return json.Unmarshal(r.Body, &b) == nil && b.Properties.Filled
	}
	for range 2 {
		r, err := ov.Resource(ctx, read)
		if err != nil || !filled(r) || r.Location != "westus" {
			t.Fatalf("Resource: %v, %+v; want the filled body", err, r)
		}
	}
	rs, err := ov.Resources(ctx, state.ResourceFilter{IDs: []string{listed}})
	if err != nil || len(rs) != 1 || !filled(rs[0]) {
		t.Fatalf("Resources: %v, %+v; want the filled body", err, rs)
	}
	if want := map[string]int{"read": 1, "listed": 1}; len(fills) != len(want) || fills["read"] != 1 || fills["listed"] != 1 {
		t.Errorf("fills = %v, want %v (once each, none for the unread)", fills, want)
	}
}
