package statetest

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/armdeploy/armdeploy/state"
)

// populate fills a store with one of everything, in awkward orders.
func populate(t *testing.T, s state.Store) {
	t.Helper()
	if tn, ok := s.(state.Tenancy); ok {
		must(t, tn.PutTenant(ctx(t), &state.Tenant{ID: "tenant-b", DisplayName: "B", Created: t0}))
		must(t, tn.PutSubscription(ctx(t), &state.Subscription{ID: sub2, TenantID: "tenant-a",
			DisplayName: "Second", Created: t0}))
	}
	must(t, s.PutGroup(ctx(t), &state.ResourceGroup{SubscriptionID: sub1, Name: "zz", Location: "westus",
		Tags: map[string]string{"b": "2", "a": "1"}, Created: t0}))
	must(t, s.PutGroup(ctx(t), group(sub1, "AA", "eastus")))
	must(t, s.PutGroup(ctx(t), group(sub2, "rg", "eastus")))
	odd := gallery(sub1, "zz", "g<&>")
	odd.Body = json.RawMessage("{\n  \"html\": \"<b>\\u003c&amp;\",\n  \"n\": 1.50, \"u\": \"\u00e9\"\n}")
	odd.Request = nil
	putResources(t, s, image(sub1, "zz", "g1", "d1"), gallery(sub1, "zz", "g1"), gallery(sub1, "AA", "g2"), odd,
		&state.Resource{ID: "/subscriptions/" + sub2 + "/providers/Microsoft.Example/things/t", Body: json.RawMessage(`null`),
			Created: t0, Updated: t0})
	for _, d := range []*state.Deployment{
		deployment(sub1, "zz", "second", t0.Add(time.Hour)),
		deployment(sub1, "zz", "first", t0),
		deployment(sub1, "zz", "tie", t0),
		deployment(sub1, "AA", "x", t0),
		{SubscriptionID: sub1, Name: "subscription-level", Status: "Running", Started: t0, Location: "westeurope"},
		deploymentAt(mgScope, "mg-dep", t0),
		deploymentAt(tenantScope, "tenant-dep", t0),
		{ManagementGroup: mgScope.ManagementGroup, Name: "mg-running", Status: "Running", Started: t0},
	} {
		must(t, s.PutDeployment(ctx(t), d))
	}
	must(t, s.PutOperation(ctx(t), operationAt(mgScope, "mg-dep", 1)))
	must(t, s.RequestCancel(ctx(t), mgScope, "mg-running"))
	failed := operation(sub1, "zz", "second", 2)
	failed.Status, failed.Error = "Failed", json.RawMessage(`{"code":"Conflict","message":"x > y"}`)
	for _, op := range []*state.Operation{operation(sub1, "zz", "second", 1), failed, operation(sub1, "zz", "first", 1)} {
		must(t, s.PutOperation(ctx(t), op))
	}
	must(t, s.PutRoleAssignment(ctx(t), assignment(galleryID(sub1, "zz", "g1"), "b")))
	must(t, s.PutRoleAssignment(ctx(t), assignment("/subscriptions/"+sub1, "a")))
}

func export(t *testing.T, s state.Store) []byte {
	t.Helper()
	var b bytes.Buffer
	must(t, s.Export(ctx(t), &b))
	return b.Bytes()
}

func testExportRoundTrip(t *testing.T, open opener) {
	s := open(t)
	populate(t, s)
	first := export(t, s)
	if !json.Valid(first) {
		t.Fatalf("Export wrote invalid JSON:\n%s", first)
	}
	if !bytes.HasPrefix(first, []byte("{\n  \"version\": ")) {
		t.Errorf("the export does not start with \"version\":\n%.80s", first)
	}
	if !bytes.Equal(first, export(t, s)) {
		t.Error("two exports of one store differ")
	}
	s2 := open(t)
	must(t, s2.Import(ctx(t), bytes.NewReader(first)))
	second := export(t, s2)
	if !bytes.Equal(first, second) {
		t.Errorf("export → import → export changed the document:\n--- first\n%s\n--- second\n%s", first, second)
	}
	// The imported store answers like the original.
	for _, st := range []state.Store{s, s2} {
		list, err := st.Deployments(ctx(t), rgScope(sub1, "zz"))
		must(t, err)
		wantStrings(t, "Deployments after import", deploymentNames(list), []string{"second", "tie", "first"})
		ops, err := st.Operations(ctx(t), rgScope(sub1, "zz"), "second")
		must(t, err)
		if len(ops) != 2 || ops[1].Status != "Failed" || ops[0].Duration != 1500*time.Millisecond {
			t.Errorf("Operations after import: %+v", ops)
		}
	}
	if d, err := s2.Deployment(ctx(t), state.Scope{SubscriptionID: sub1}, "subscription-level"); err != nil || d.Location != "westeurope" {
		t.Errorf("a subscription deployment's location after import: %+v, %v", d, err)
	}
	// Deployments at the other scopes, their operations and a cancel
	// request come back.
	for _, sc := range []state.Scope{mgScope, tenantScope} {
		list, err := s2.Deployments(ctx(t), sc)
		must(t, err)
		want := map[string][]string{mgScope.ID(): {"mg-running", "mg-dep"}, "/": {"tenant-dep"}}[sc.ID()]
		wantStrings(t, "Deployments at "+sc.ID()+" after import", deploymentNames(list), want)
		for _, d := range list {
			if d.Scope() != sc {
				t.Errorf("%s after import: scope %+v, want %+v", d.Name, d.Scope(), sc)
			}
		}
	}
	if ops, err := s2.Operations(ctx(t), mgScope, "mg-dep"); err != nil || len(ops) != 1 || ops[0].Scope() != mgScope {
		t.Errorf("Operations at the management group after import: %+v, %v", ops, err)
	}
	if c, err := s2.CancelRequested(ctx(t), mgScope, "mg-running"); err != nil || !c {
		t.Errorf("the cancel request after import: %v, %v", c, err)
	}
	if !bytes.Contains(first, []byte(`"managementGroup": "Contoso-MG"`)) {
		t.Error("the export does not name the management group")
	}
	want, err := s.Resource(ctx(t), galleryID(sub1, "zz", "g<&>"))
	must(t, err)
	got, err := s2.Resource(ctx(t), galleryID(sub1, "zz", "g<&>"))
	must(t, err)
	if d := diffResource(got, want); d != "" {
		t.Errorf("resource after import:\n%s", d)
	}
	if !bytes.Contains(got.Body, []byte(`\u003c&amp;`)) {
		t.Errorf("escapes in a body were rewritten: %s", got.Body)
	}
}

func testImportNonEmpty(t *testing.T, open opener) {
	s := open(t)
	populate(t, s)
	doc := export(t, s)
	s2 := open(t)
	must(t, s2.PutGroup(ctx(t), group(sub1, "existing", "eastus")))
	err := s2.Import(ctx(t), bytes.NewReader(doc))
	if !errors.Is(err, state.ErrNotEmpty) {
		t.Fatalf("Import into a store with a group: got %v, want state.ErrNotEmpty", err)
	}
	rs, err := s2.Resources(ctx(t), state.ResourceFilter{})
	must(t, err)
	if len(rs) != 0 {
		t.Errorf("a refused import stored %d resources", len(rs))
	}
}

func testImportNewer(t *testing.T, open opener) {
	s := open(t)
	err := s.Import(ctx(t), strings.NewReader(`{"version": 999, "somethingNew": []}`))
	if !errors.Is(err, state.ErrNewerSchema) {
		t.Errorf("Import of a newer document: got %v, want state.ErrNewerSchema", err)
	}
}

func testImportGarbage(t *testing.T, open opener) {
	for _, doc := range []string{``, `[]`, `{"resources": []}`, `{"version": 1, "unknownField": 1}`,
		`{"version": 1, "resources": [{"id": "/x", "type": "t", "name": "n", "body": {"a":}}]}`} {
		s := open(t)
		if err := s.Import(ctx(t), strings.NewReader(doc)); err == nil {
			t.Errorf("Import(%q) succeeded", doc)
		}
	}
}

func testTenancy(t *testing.T, open opener) {
	s := open(t)
	tn, ok := s.(state.Tenancy)
	if !ok {
		t.Skip("the store does not implement state.Tenancy")
	}
	must(t, tn.PutSubscription(ctx(t), &state.Subscription{ID: sub2, TenantID: "T1", DisplayName: "two", Created: t0}))
	must(t, s.PutGroup(ctx(t), group(sub1, "rg1", "eastus")))
	subs, err := tn.Subscriptions(ctx(t))
	must(t, err)
	wantStrings(t, "Subscriptions", ids(subs, func(s *state.Subscription) string { return s.ID }), []string{sub1, sub2})
	got, err := tn.Subscription(ctx(t), sub2)
	must(t, err)
	if got.TenantID != "T1" || got.DisplayName != "two" || got.State != "Enabled" || !got.Created.Equal(t0) {
		t.Errorf("Subscription: %+v", got)
	}
	_, err = tn.Subscription(ctx(t), "nope")
	wantNotFound(t, "Subscription of a missing id", err)
	tenants, err := tn.Tenants(ctx(t))
	must(t, err)
	wantStrings(t, "Tenants", ids(tenants, func(t *state.Tenant) string { return t.ID }), []string{"T1"})
	must(t, tn.PutTenant(ctx(t), &state.Tenant{ID: "t1", DisplayName: "Contoso"}))
	tenants, err = tn.Tenants(ctx(t))
	must(t, err)
	if len(tenants) != 1 || tenants[0].DisplayName != "Contoso" {
		t.Errorf("Tenants after update: %+v", tenants)
	}
}
