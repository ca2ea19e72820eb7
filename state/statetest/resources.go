package statetest

import (
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/armdeploy/armdeploy/state"
)

func testResourcePutGet(t *testing.T, open opener) {
	s := open(t)
	want := gallery(sub1, "rg1", "Gallery1")
	putResources(t, s, want)
	for _, id := range []string{want.ID, "/SUBSCRIPTIONS/" + sub1 + "/resourcegroups/RG1/providers/microsoft.compute/GALLERIES/gallery1"} {
		got, err := s.Resource(ctx(t), id)
		must(t, err)
		if d := diffResource(got, want); d != "" {
			t.Errorf("Resource(%s):\n%s", id, d)
		}
	}
}

func testResourceFieldsFromID(t *testing.T, open opener) {
	s := open(t)
	id := galleryID(sub1, "rg1", "g1") + "/images/d1"
	must(t, s.PutResource(ctx(t), &state.Resource{ID: id, Body: json.RawMessage(`{}`), Created: t0, Updated: t0}))
	got, err := s.Resource(ctx(t), id)
	must(t, err)
	want := &state.Resource{ID: id, SubscriptionID: sub1, ResourceGroup: "rg1",
		Type: "Microsoft.Compute/galleries/images", Name: "g1/d1", Parent: galleryID(sub1, "rg1", "g1"),
		Body: json.RawMessage(`{}`), Created: t0, Updated: t0}
	if d := diffResource(got, want); d != "" {
		t.Errorf("fields not filled from the id:\n%s", d)
	}
}

func testResourceUpdate(t *testing.T, open opener) {
	s := open(t)
	r := gallery(sub1, "rg1", "g1")
	putResources(t, s, r)
	// An explicit Created replaces the stored one.
	u := gallery(sub1, "rg1", "g1")
	u.Body, u.ETag = json.RawMessage(`{"v":2}`), `W/"2"`
	u.Created, u.Updated = t0.Add(-time.Hour), t0.Add(2*time.Hour)
	putResources(t, s, u)
	got, err := s.Resource(ctx(t), r.ID)
	must(t, err)
	if d := diffResource(got, u); d != "" {
		t.Errorf("after replacing:\n%s", d)
	}
	// A zero Created keeps the stored one; a zero Updated becomes now.
	z := gallery(sub1, "rg1", "G1")
	z.Created, z.Updated = time.Time{}, time.Time{}
	before := time.Now()
	putResources(t, s, z)
	got, err = s.Resource(ctx(t), r.ID)
	must(t, err)
	if !got.Created.Equal(u.Created) {
		t.Errorf("a zero Created replaced the stored one: got %v, want %v", got.Created, u.Created)
	}
	if got.Updated.Before(before.Add(-time.Second)) {
		t.Errorf("a zero Updated was stored as %v, want about now", got.Updated)
	}
	if got.ID != z.ID {
		t.Errorf("the id keeps the case of the last put: got %s, want %s", got.ID, z.ID)
	}
	all, err := s.Resources(ctx(t), state.ResourceFilter{})
	must(t, err)
	if len(all) != 1 {
		t.Errorf("after three puts of one id: %d resources, want 1", len(all))
	}
}

func testResourceNotFound(t *testing.T, open opener) {
	s := open(t)
	putResources(t, s, gallery(sub1, "rg1", "g1"))
	_, err := s.Resource(ctx(t), galleryID(sub1, "rg1", "g2"))
	wantNotFound(t, "Resource of a missing id", err)
	wantNotFound(t, "DeleteResource of a missing id", s.DeleteResource(ctx(t), galleryID(sub1, "rg1", "g2")))
}

func testResourceInvalidBody(t *testing.T, open opener) {
	s := open(t)
	r := gallery(sub1, "rg1", "g1")
	r.Body = json.RawMessage(`{"truncated":`)
	if err := s.PutResource(ctx(t), r); err == nil {
		t.Error("PutResource with a body that is not JSON succeeded")
	}
	if err := s.PutResource(ctx(t), &state.Resource{}); err == nil {
		t.Error("PutResource without an id succeeded")
	}
}

func testResourceList(t *testing.T, open opener) {
	s := open(t)
	putResources(t, s,
		gallery(sub1, "rg1", "zeta"),
		gallery(sub1, "RG1", "Alpha"),
		image(sub1, "rg1", "zeta", "def2"),
		image(sub1, "rg1", "zeta", "Def1"),
		gallery(sub1, "rg2", "beta"),
		gallery(sub2, "rg1", "gamma"),
	)
	cases := []struct {
		name string
		f    state.ResourceFilter
		want []string
	}{
		{"all", state.ResourceFilter{}, []string{
			galleryID(sub1, "RG1", "Alpha"), galleryID(sub1, "rg1", "zeta"),
			galleryID(sub1, "rg1", "zeta") + "/images/Def1", galleryID(sub1, "rg1", "zeta") + "/images/def2",
			galleryID(sub1, "rg2", "beta"), galleryID(sub2, "rg1", "gamma")}},
		{"subscription", state.ResourceFilter{SubscriptionID: sub2}, []string{galleryID(sub2, "rg1", "gamma")}},
		{"group, any case", state.ResourceFilter{SubscriptionID: sub1, ResourceGroup: "Rg1"}, []string{
			galleryID(sub1, "RG1", "Alpha"), galleryID(sub1, "rg1", "zeta"),
			galleryID(sub1, "rg1", "zeta") + "/images/Def1", galleryID(sub1, "rg1", "zeta") + "/images/def2"}},
		{"group in every subscription", state.ResourceFilter{ResourceGroup: "rg1"}, []string{
			galleryID(sub1, "RG1", "Alpha"), galleryID(sub1, "rg1", "zeta"),
			galleryID(sub1, "rg1", "zeta") + "/images/Def1", galleryID(sub1, "rg1", "zeta") + "/images/def2",
			galleryID(sub2, "rg1", "gamma")}},
		{"type, any case", state.ResourceFilter{SubscriptionID: sub1, Type: "microsoft.compute/GALLERIES"}, []string{
			galleryID(sub1, "RG1", "Alpha"), galleryID(sub1, "rg1", "zeta"), galleryID(sub1, "rg2", "beta")}},
		{"parent", state.ResourceFilter{Parent: galleryID(sub1, "RG1", "ZETA")}, []string{
			galleryID(sub1, "rg1", "zeta") + "/images/Def1", galleryID(sub1, "rg1", "zeta") + "/images/def2"}},
		{"nothing", state.ResourceFilter{ResourceGroup: "rg9"}, nil},
		{"ids, any case, some absent", state.ResourceFilter{IDs: []string{
			strings.ToUpper(galleryID(sub2, "rg1", "gamma")), galleryID(sub1, "rg1", "alpha"), galleryID(sub1, "rg1", "missing")}}, []string{
			galleryID(sub1, "RG1", "Alpha"), galleryID(sub2, "rg1", "gamma")}},
		{"ids and group", state.ResourceFilter{ResourceGroup: "rg2", IDs: []string{galleryID(sub1, "rg1", "zeta"), galleryID(sub1, "rg2", "beta")}}, []string{
			galleryID(sub1, "rg2", "beta")}},
	}
	for _, tc := range cases {
		got, err := s.Resources(ctx(t), tc.f)
		must(t, err)
		wantStrings(t, "Resources("+tc.name+")", resourceIDs(got), tc.want)
	}
}

func testResourceDelete(t *testing.T, open opener) {
	s := open(t)
	g, d := gallery(sub1, "rg1", "g1"), image(sub1, "rg1", "g1", "d1")
	putResources(t, s, g, d)
	must(t, s.DeleteResource(ctx(t), d.ID))
	_, err := s.Resource(ctx(t), d.ID)
	wantNotFound(t, "Resource after DeleteResource", err)
	if _, err := s.Resource(ctx(t), g.ID); err != nil {
		t.Errorf("deleting a child deleted its parent: %v", err)
	}
	must(t, s.DeleteResource(ctx(t), "/SUBSCRIPTIONS/"+sub1+"/RESOURCEGROUPS/rg1/providers/Microsoft.Compute/galleries/G1"))
	wantNotFound(t, "second DeleteResource", s.DeleteResource(ctx(t), g.ID))
}

func testResourceConcurrent(t *testing.T, open opener) {
	s := open(t)
	const n = 50
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Go(func() {
			errs <- s.PutResource(ctx(t), gallery(sub1, "rg1", fmt.Sprintf("g%03d", i)))
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		must(t, err)
	}
	got, err := s.Resources(ctx(t), state.ResourceFilter{SubscriptionID: sub1, ResourceGroup: "rg1"})
	must(t, err)
	if len(got) != n {
		t.Errorf("after %d concurrent puts: %d resources", n, len(got))
	}
}

// testCountByLocation: a store that counts by location counts one type
// (case-insensitive) in one subscription, by location as stored, and sees
// an update that moves a resource and a delete.
func testCountByLocation(t *testing.T, open opener) {
	s := open(t)
	c, ok := s.(state.LocationCounter)
	if !ok {
		t.Skipf("%T does not count by location", s)
	}
	for i, loc := range []string{"eastus", "eastus", "westus", ""} {
		g := gallery(sub1, "rg1", fmt.Sprintf("g%d", i))
		g.Location = loc
		putResources(t, s, g)
	}
	putResources(t, s, gallery(sub2, "rg1", "other"), image(sub1, "rg1", "g0", "d1"))
	count := func() map[string]int {
		t.Helper()
		got, err := c.CountByLocation(ctx(t), strings.ToUpper(sub1), "microsoft.compute/GALLERIES")
		must(t, err)
		return got
	}
	if got, want := count(), map[string]int{"eastus": 2, "westus": 1, "": 1}; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("counts: got %v, want %v", got, want)
	}
	moved := gallery(sub1, "rg1", "g1")
	moved.Location = "westus"
	putResources(t, s, moved)
	must(t, s.DeleteResource(ctx(t), galleryID(sub1, "rg1", "g3")))
	if got, want := count(), map[string]int{"eastus": 1, "westus": 2}; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("counts after a move and a delete: got %v, want %v", got, want)
	}
}
