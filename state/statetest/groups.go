package statetest

import (
	"maps"
	"testing"

	"github.com/armdeploy/armdeploy/state"
)

func group(sub, name, location string) *state.ResourceGroup {
	return &state.ResourceGroup{SubscriptionID: sub, Name: name, Location: location, Created: t0}
}

func testGroupPutGetList(t *testing.T, open opener) {
	s := open(t)
	want := &state.ResourceGroup{SubscriptionID: sub1, Name: "Beta", Location: "westeurope",
		Tags: map[string]string{"env": "test", "owner": "me"}, ManagedBy: "someone", Created: t0}
	must(t, s.PutGroup(ctx(t), want))
	must(t, s.PutGroup(ctx(t), group(sub1, "alpha", "eastus")))
	must(t, s.PutGroup(ctx(t), group(sub1, "Gamma", "eastus")))
	must(t, s.PutGroup(ctx(t), group(sub2, "aaa", "eastus")))
	got, err := s.Group(ctx(t), sub1, "BETA")
	must(t, err)
	if got.Name != "Beta" || got.SubscriptionID != sub1 || got.Location != "westeurope" ||
		got.ManagedBy != "someone" || !maps.Equal(got.Tags, want.Tags) || !got.Created.Equal(t0) {
		t.Errorf("Group: got %+v, want %+v", got, want)
	}
	if got.ID() != groupID(sub1, "Beta") {
		t.Errorf("ID: got %s", got.ID())
	}
	list, err := s.Groups(ctx(t), sub1)
	must(t, err)
	wantStrings(t, "Groups", ids(list, func(g *state.ResourceGroup) string { return g.Name }),
		[]string{"alpha", "Beta", "Gamma"})
	list, err = s.Groups(ctx(t), sub2)
	must(t, err)
	wantStrings(t, "Groups of the other subscription", ids(list, func(g *state.ResourceGroup) string { return g.Name }),
		[]string{"aaa"})
}

func testGroupUpdate(t *testing.T, open opener) {
	s := open(t)
	must(t, s.PutGroup(ctx(t), &state.ResourceGroup{SubscriptionID: sub1, Name: "rg1", Location: "eastus",
		Tags: map[string]string{"a": "1"}, Created: t0}))
	must(t, s.PutGroup(ctx(t), &state.ResourceGroup{SubscriptionID: sub1, Name: "RG1", Location: "eastus",
		Tags: map[string]string{"b": "2"}}))
	got, err := s.Group(ctx(t), sub1, "rg1")
	must(t, err)
	if got.Name != "RG1" || !maps.Equal(got.Tags, map[string]string{"b": "2"}) || !got.Created.Equal(t0) {
		t.Errorf("after update: got %+v; want name RG1, tags b=2, the first Created", got)
	}
	list, err := s.Groups(ctx(t), sub1)
	must(t, err)
	if len(list) != 1 {
		t.Errorf("two puts of one group (any case) gave %d groups", len(list))
	}
}

func testGroupNotFound(t *testing.T, open opener) {
	s := open(t)
	must(t, s.PutGroup(ctx(t), group(sub1, "rg1", "eastus")))
	_, err := s.Group(ctx(t), sub1, "rg2")
	wantNotFound(t, "Group of a missing name", err)
	_, err = s.Group(ctx(t), sub2, "rg1")
	wantNotFound(t, "Group in another subscription", err)
	wantNotFound(t, "DeleteGroup of a missing group", s.DeleteGroup(ctx(t), sub1, "rg2"))
	if err := s.PutGroup(ctx(t), &state.ResourceGroup{Name: "x"}); err == nil {
		t.Error("PutGroup without a subscription succeeded")
	}
}

func testGroupDelete(t *testing.T, open opener) {
	s := open(t)
	must(t, s.PutGroup(ctx(t), group(sub1, "rg1", "eastus")))
	must(t, s.PutGroup(ctx(t), group(sub1, "rg2", "eastus")))
	putResources(t, s, gallery(sub1, "rg1", "g1"), image(sub1, "rg1", "g1", "d1"), gallery(sub1, "rg2", "g2"))
	for _, rg := range []string{"rg1", "rg2"} {
		must(t, s.PutDeployment(ctx(t), deployment(sub1, rg, "dep", t0)))
		must(t, s.PutOperation(ctx(t), operation(sub1, rg, "dep", 1)))
	}
	must(t, s.PutRoleAssignment(ctx(t), assignment(groupID(sub1, "rg1"), "a1")))
	must(t, s.PutRoleAssignment(ctx(t), assignment(galleryID(sub1, "rg1", "g1"), "a2")))
	must(t, s.PutRoleAssignment(ctx(t), assignment(groupID(sub1, "rg2"), "a3")))
	must(t, s.PutRoleAssignment(ctx(t), assignment("/subscriptions/"+sub1, "a4")))

	must(t, s.DeleteGroup(ctx(t), sub1, "RG1"))
	_, err := s.Group(ctx(t), sub1, "rg1")
	wantNotFound(t, "Group after DeleteGroup", err)
	rs, err := s.Resources(ctx(t), state.ResourceFilter{})
	must(t, err)
	wantStrings(t, "resources left", resourceIDs(rs), []string{galleryID(sub1, "rg2", "g2")})
	deps, err := s.Deployments(ctx(t), rgScope(sub1, "rg1"))
	must(t, err)
	if len(deps) != 0 {
		t.Errorf("the deleted group still has %d deployments", len(deps))
	}
	_, err = s.Operations(ctx(t), rgScope(sub1, "rg1"), "dep")
	wantNotFound(t, "Operations of a deleted group's deployment", err)
	ops, err := s.Operations(ctx(t), rgScope(sub1, "rg2"), "dep")
	must(t, err)
	if len(ops) != 1 {
		t.Errorf("the other group lost its operations: %d left", len(ops))
	}
	as, err := s.RoleAssignments(ctx(t), galleryID(sub1, "rg1", "g1"))
	must(t, err)
	wantStrings(t, "assignments left above the deleted group's gallery", assignmentIDs(as),
		[]string{assignmentID("/subscriptions/"+sub1, "a4")})
	as, err = s.RoleAssignments(ctx(t), groupID(sub1, "rg2"))
	must(t, err)
	if len(as) != 2 {
		t.Errorf("the other group's assignments: got %q", assignmentIDs(as))
	}
	if _, err := s.Group(ctx(t), sub1, "rg2"); err != nil {
		t.Errorf("the other group is gone: %v", err)
	}
}
