package statetest

import (
	"errors"
	"testing"

	"github.com/armdeploy/armdeploy/state"
)

// testFeatures: a registration reads back by any spelling of its
// subscription, namespace and name, is replaced by a later state, and is
// listed per subscription only.
func testFeatures(t *testing.T, open opener) {
	s := open(t)
	put := func(sub, ns, name, st string) {
		t.Helper()
		must(t, s.PutFeature(ctx(t), &state.FeatureRegistration{SubscriptionID: sub, Namespace: ns, Name: name, State: st, Updated: t0}))
	}
	put("sub-1", "Microsoft.Compute", "Zeta", state.FeatureRegistered)
	put("sub-1", "Microsoft.Compute", "Alpha", state.FeatureRegistered)
	put("sub-2", "Microsoft.Compute", "Alpha", state.FeatureRegistered)
	put("SUB-1", "microsoft.compute", "alpha", state.FeatureUnregistered)
	f, err := s.Feature(ctx(t), "sub-1", "MICROSOFT.COMPUTE", "ALPHA")
	must(t, err)
	if f.State != state.FeatureUnregistered || f.Name != "alpha" || !f.Updated.Equal(t0) {
		t.Errorf("Feature after re-registering: %+v", f)
	}
	list, err := s.Features(ctx(t), "Sub-1")
	must(t, err)
	wantStrings(t, "Features", ids(list, func(f *state.FeatureRegistration) string { return f.Name }), []string{"alpha", "Zeta"})
	_, err = s.Feature(ctx(t), "sub-3", "Microsoft.Compute", "Alpha")
	wantNotFound(t, "Feature never registered", err)
}

// testADGroups: groups are unique by id and name, members are added
// once, listed both ways and removed.
func testADGroups(t *testing.T, open opener) {
	s := open(t)
	must(t, s.CreateADGroup(ctx(t), &state.ADGroup{ObjectID: "g-ops", TenantID: "tenant-1", DisplayName: "Ops", Created: t0}))
	must(t, s.CreateADGroup(ctx(t), &state.ADGroup{ObjectID: "g-dev", TenantID: "tenant-1", DisplayName: "dev", Created: t0}))
	if err := s.CreateADGroup(ctx(t), &state.ADGroup{ObjectID: "g-x", DisplayName: "OPS"}); !errors.Is(err, state.ErrExists) {
		t.Errorf("a second group named OPS: %v, want ErrExists", err)
	}
	gs, err := s.ADGroups(ctx(t))
	must(t, err)
	wantStrings(t, "ADGroups", ids(gs, func(g *state.ADGroup) string { return g.DisplayName }), []string{"dev", "Ops"})
	must(t, s.AddGroupMember(ctx(t), "G-OPS", "p-1"))
	must(t, s.AddGroupMember(ctx(t), "g-ops", "P-1"))
	must(t, s.AddGroupMember(ctx(t), "g-ops", "g-dev"))
	must(t, s.AddGroupMember(ctx(t), "g-dev", "p-1"))
	wantNotFound(t, "AddGroupMember to a missing group", s.AddGroupMember(ctx(t), "g-none", "p-1"))
	members, err := s.GroupMembers(ctx(t), "g-ops")
	must(t, err)
	wantStrings(t, "GroupMembers", members, []string{"g-dev", "p-1"})
	of, err := s.MemberOf(ctx(t), "P-1")
	must(t, err)
	wantStrings(t, "MemberOf", of, []string{"g-dev", "g-ops"})
	must(t, s.RemoveGroupMember(ctx(t), "g-ops", "p-1"))
	wantNotFound(t, "RemoveGroupMember twice", s.RemoveGroupMember(ctx(t), "g-ops", "p-1"))
	of, err = s.MemberOf(ctx(t), "p-1")
	must(t, err)
	wantStrings(t, "MemberOf after removing", of, []string{"g-dev"})
}
