package planner

import (
	"context"
	"strings"
	"testing"

	"github.com/armdeploy/armdeploy/evaluator"
	"github.com/armdeploy/armdeploy/state"
)

// TestCurrents reads the stored resources of a deployment ahead: a stored
// one by its lower-cased id, a nil entry for one the store lacks (so that
// a caller need not ask the store again), none for what it skips.
func TestCurrents(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	const group = "/subscriptions/s/resourceGroups/rg"
	stored := group + "/providers/A.B/x/Kept"
	if err := st.PutResource(ctx, &state.Resource{ID: stored, Location: "westus", Body: []byte(`{}`)}); err != nil {
		t.Fatal(err)
	}
	absent := group + "/providers/A.B/x/new"
	existing := group + "/providers/A.B/x/ref"
	nested := group + "/providers/Microsoft.Resources/deployments/inner"
	rs := []*evaluator.Resource{
		{ID: stored, Type: "A.B/x"},
		{ID: absent, Type: "A.B/x"},
		{ID: existing, Type: "A.B/x", Existing: true},
		{ID: nested, Type: "Microsoft.Resources/deployments"},
	}
	got, err := Currents(ctx, rs, st)
	if err != nil {
		t.Fatal(err)
	}
	if r := got["/subscriptions/s/resourcegroups/rg/providers/a.b/x/kept"]; r == nil || r.ID != stored {
		t.Errorf("stored resource: got %+v", r)
	}
	if r, ok := got["/subscriptions/s/resourcegroups/rg/providers/a.b/x/new"]; !ok || r != nil {
		t.Errorf("absent resource: entry %v, %+v; want a nil entry", ok, r)
	}
	for _, id := range []string{existing, nested} {
		if _, ok := got[strings.ToLower(id)]; ok {
			t.Errorf("%s: read ahead, want it left to Current", id)
		}
	}
	if len(got) != 2 {
		t.Errorf("got %d entries, want 2", len(got))
	}
}

// TestCurrentsFrom answers from resources already read (a group's
// listing) and reads only the ids outside the listed group: one of the
// group missing from the listing is absent.
func TestCurrentsFrom(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	const group, other = "/subscriptions/s/resourceGroups/rg", "/subscriptions/s/resourceGroups/other"
	listedID, unlistedID, otherID := group+"/providers/A.B/x/Listed", group+"/providers/A.B/x/unlisted", other+"/providers/A.B/x/o"
	for _, id := range []string{listedID, unlistedID, otherID} {
		if err := st.PutResource(ctx, &state.Resource{ID: id, Location: "westus", Body: []byte(`{}`)}); err != nil {
			t.Fatal(err)
		}
	}
	listed := &state.Resource{ID: listedID, Location: "from the listing"}
	rs := []*evaluator.Resource{{ID: strings.ToUpper(listedID), Type: "A.B/x"}, {ID: unlistedID, Type: "A.B/x"}, {ID: otherID, Type: "A.B/x"}}
	got, err := CurrentsFrom(ctx, rs, st, state.Scope{SubscriptionID: "S", ResourceGroup: "RG"}, []*state.Resource{listed})
	if err != nil {
		t.Fatal(err)
	}
	if r := got[strings.ToLower(listedID)]; r != listed {
		t.Errorf("listed resource: got %+v, want the listing's", r)
	}
	if r := got[strings.ToLower(otherID)]; r == nil || r.ID != otherID || r.Location != "westus" {
		t.Errorf("resource outside the listed group: got %+v, want it read from the store", r)
	}
	// The listing is the group's whole: what it lacks is absent, unread
	// (here the store holds it, to tell).
	if r, ok := got[strings.ToLower(unlistedID)]; !ok || r != nil {
		t.Errorf("a resource of the listed group missing from the listing: entry %v, %+v; want a nil entry", ok, r)
	}
}

func TestIsGroupID(t *testing.T) {
	for _, tt := range []struct {
		id   string
		want bool
	}{
		{"/subscriptions/s/resourceGroups/rg", true},
		{"/subscriptions/s/RESOURCEGROUPS/rg", true},
		{"/subscriptions/s/resourceGroups/rg/providers/A.B/x/n", false},
		{"/subscriptions/s/resourceGroups/rg/PROVIDERS/A.B/x/n", false},
		{"/subscriptions/s/providers/Microsoft.Resources/resourceGroups/rg", false},
		{"/subscriptions/s/resourceGroups/providers", true},
		{"/subscriptions/s", false},
		{"not an id", false},
	} {
		if got := IsGroupID(tt.id); got != tt.want {
			t.Errorf("IsGroupID(%q) = %v, want %v", tt.id, got, tt.want)
		}
	}
}

func TestLastProviders(t *testing.T) {
	for _, id := range []string{
		"/subscriptions/s/resourceGroups/rg/providers/A.B/x/n",
		"/subscriptions/s/resourceGroups/rg/providers/A.B/x/n/PROVIDERS/C.D/y/m",
		"/subscriptions/s/resourceGroups/rg",
		"/providers/",
		"/provider",
		"",
		"/subscriptions/s/resourceGroups/rg/Providers/A.B/x/n/providers",
	} {
		if got, want := lastProviders(id), strings.LastIndex(strings.ToLower(id), "/providers/"); got != want {
			t.Errorf("lastProviders(%q) = %d, want %d", id, got, want)
		}
	}
}
