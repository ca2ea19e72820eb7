package statetest

import (
	"testing"

	"github.com/armdeploy/armdeploy/state"
)

const contributor = "/providers/Microsoft.Authorization/roleDefinitions/b24988ac-6180-42a0-ab88-20f7382dd24c"

func assignmentID(scope, name string) string {
	if scope == "/" {
		scope = ""
	}
	return scope + "/providers/Microsoft.Authorization/roleAssignments/" + name
}

func assignment(scope, name string) *state.RoleAssignment {
	return &state.RoleAssignment{ID: assignmentID(scope, name), Scope: scope, PrincipalID: "p-" + name,
		RoleDefinitionID: contributor, Created: t0}
}

func assignmentIDs(as []*state.RoleAssignment) []string {
	return ids(as, func(a *state.RoleAssignment) string { return a.ID })
}

func testRoleInheritance(t *testing.T, open opener) {
	s := open(t)
	subScope := "/subscriptions/" + sub1
	gal := galleryID(sub1, "rg1", "g1")
	def := gal + "/images/d1"
	ver := def + "/versions/1.0.0"
	for _, a := range []*state.RoleAssignment{
		assignment("/", "root"),
		assignment(subScope, "sub"),
		assignment(groupID(sub1, "rg1"), "group"),
		assignment(gal, "gallery"),
		assignment(def, "definition"),
		assignment(ver, "version"),
		assignment(groupID(sub1, "rg10"), "othergroup"), // a name that extends rg1
		assignment(galleryID(sub1, "rg1", "g10"), "othergallery"),
		assignment("/subscriptions/"+sub2, "othersub"),
	} {
		must(t, s.PutRoleAssignment(ctx(t), a))
	}
	// A scope given only through the id.
	must(t, s.PutRoleAssignment(ctx(t), &state.RoleAssignment{ID: assignmentID(def, "fromid"),
		PrincipalID: "p", RoleDefinitionID: contributor}))
	cases := []struct {
		scope string
		want  []string
	}{
		{subScope, []string{assignmentID(subScope, "sub"), assignmentID("/", "root")}},
		{groupID(sub1, "RG1"), []string{assignmentID(groupID(sub1, "rg1"), "group"),
			assignmentID(subScope, "sub"), assignmentID("/", "root")}},
		{gal, []string{assignmentID(gal, "gallery"), assignmentID(groupID(sub1, "rg1"), "group"),
			assignmentID(subScope, "sub"), assignmentID("/", "root")}},
		// The seed's sharing matrix: definition sees gallery's, version sees both.
		{def, []string{assignmentID(def, "definition"), assignmentID(def, "fromid"), assignmentID(gal, "gallery"),
			assignmentID(groupID(sub1, "rg1"), "group"), assignmentID(subScope, "sub"), assignmentID("/", "root")}},
		{ver + "/", []string{assignmentID(def, "definition"), assignmentID(def, "fromid"), assignmentID(gal, "gallery"),
			assignmentID(ver, "version"), assignmentID(groupID(sub1, "rg1"), "group"), assignmentID(subScope, "sub"),
			assignmentID("/", "root")}},
	}
	for _, tc := range cases {
		got, err := s.RoleAssignments(ctx(t), tc.scope)
		must(t, err)
		want := sortedLower(tc.want)
		wantStrings(t, "RoleAssignments("+tc.scope+")", assignmentIDs(got), want)
	}
	got, err := s.RoleAssignments(ctx(t), def)
	must(t, err)
	for _, a := range got {
		if a.ID == assignmentID(def, "fromid") && a.Scope != def {
			t.Errorf("scope taken from the id: got %q, want %q", a.Scope, def)
		}
	}
}

func testRoleDelete(t *testing.T, open opener) {
	s := open(t)
	a := assignment(groupID(sub1, "rg1"), "a1")
	must(t, s.PutRoleAssignment(ctx(t), a))
	must(t, s.DeleteRoleAssignment(ctx(t), a.ID))
	got, err := s.RoleAssignments(ctx(t), groupID(sub1, "rg1"))
	must(t, err)
	if len(got) != 0 {
		t.Errorf("after delete: %q", assignmentIDs(got))
	}
	wantNotFound(t, "DeleteRoleAssignment of a missing id", s.DeleteRoleAssignment(ctx(t), a.ID))
}
