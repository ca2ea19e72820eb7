package planner

import (
	"context"
	"strings"
	"testing"
)

// TestWhatIfIgnoresReadOnlyValues deploys types whose read-only values the
// generic provider fills (from the hand-written table and the REST specs'
// generated one) and runs what-if on the same template: the stored bodies
// hold the filled values, yet every resource is NoChange, because what-if
// compares with the request the deployment sent.
func TestWhatIfIgnoresReadOnlyValues(t *testing.T) {
	p := plan(t, `{"resources":[
	  {"type":"Microsoft.Insights/components","apiVersion":"2020-02-02","name":"ai1","location":"eastus","kind":"web","properties":{"Application_Type":"web"}},
	  {"type":"Microsoft.OperationalInsights/clusters","apiVersion":"2022-10-01","name":"la1","location":"eastus","properties":{}},
	  {"type":"Microsoft.Cache/redis","apiVersion":"2023-08-01","name":"cache1","location":"eastus","properties":{"sku":{"name":"Basic","family":"C","capacity":0}}}]}`)
	store := openStore(t)
	opts := ApplyOptions{Store: store, Parallelism: 1, SubscriptionID: "s", ResourceGroup: "rg", Deployment: "d1"}
	res, err := Apply(context.Background(), p, opts)
	if err != nil {
		t.Fatal(err)
	}
	if res.Failed() {
		t.Fatalf("result %+v", res)
	}
	filled := map[string]string{
		"Microsoft.Insights/components/ai1":          `"CreationDate"`, // generated
		"Microsoft.OperationalInsights/clusters/la1": `"clusterId"`,    // generated
		"Microsoft.Cache/redis/cache1":               `"primaryKey"`,   // generated
	}
	for id, member := range filled {
		r, err := store.Resource(context.Background(), "/subscriptions/s/resourceGroups/rg/providers/"+id)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(r.Body), member) {
			t.Errorf("%s: stored body without %s: %s", id, member, r.Body)
		}
	}
	wi, err := WhatIf(context.Background(), p.Resources, store, WhatIfOptions{SubscriptionID: "s", ResourceGroup: "rg"})
	if err != nil {
		t.Fatal(err)
	}
	if len(wi.Properties.Changes) != 3 {
		t.Fatalf("%d changes, want 3", len(wi.Properties.Changes))
	}
	for _, ch := range wi.Properties.Changes {
		if ch.ChangeType != NoChange {
			t.Errorf("%s: %s %+v", ch.ResourceID, ch.ChangeType, ch.Delta)
		}
	}
}
