package main

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/armdeploy/armdeploy/arm"
	"github.com/armdeploy/armdeploy/providers"
	"github.com/armdeploy/armdeploy/state"
)

// costStore fills a store with an image pipeline through the providers:
// a 127 GB Windows image published as 1.0.0 to eastus (1 replica) and
// westus2 (2 replicas).
func costStore(t *testing.T) {
	t.Helper()
	path := storeDir(t)
	st, err := state.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ctx := context.Background()
	const sub = arm.DefaultSubscription
	if err := st.PutGroup(ctx, &state.ResourceGroup{SubscriptionID: sub, Name: "rg", Location: "eastus"}); err != nil {
		t.Fatal(err)
	}
	if err := st.PutGroup(ctx, &state.ResourceGroup{SubscriptionID: sub, Name: "empty", Location: "eastus"}); err != nil {
		t.Fatal(err)
	}
	base := "/subscriptions/" + sub + "/resourceGroups/rg/providers/"
	put := func(typ, name, id, body string) {
		t.Helper()
		var b map[string]any
		if err := json.Unmarshal([]byte(body), &b); err != nil {
			t.Fatal(err)
		}
		now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
		req := &providers.Request{ID: id, Type: typ, Name: name, APIVersion: "2020-12-01", SubscriptionID: sub, ResourceGroup: "rg",
			Body: b, Store: st, Now: now}
		res, err := providers.For(typ).Put(ctx, req)
		if err != nil {
			t.Fatalf("%s: %v", id, err)
		}
		raw, _ := json.Marshal(res.Body)
		p, _ := state.ParseResourceID(id)
		loc, _ := res.Body["location"].(string)
		if err := st.PutResource(ctx, &state.Resource{ID: id, SubscriptionID: sub, ResourceGroup: "rg", Type: typ, Name: name,
			Location: loc, Parent: p.Parent, Body: raw, APIVersion: req.APIVersion, Created: now, Updated: now}); err != nil {
			t.Fatal(err)
		}
	}
	put("Microsoft.Compute/galleries", "gal", base+"Microsoft.Compute/galleries/gal", `{"location":"eastus","properties":{}}`)
	put("Microsoft.Compute/galleries/images", "gal/win", base+"Microsoft.Compute/galleries/gal/images/win",
		`{"location":"eastus","properties":{"osType":"Windows","osState":"Generalized","identifier":{"publisher":"p","offer":"o","sku":"s"}}}`)
	put("Microsoft.Compute/disks", "disk", base+"Microsoft.Compute/disks/disk",
		`{"location":"eastus","properties":{"osType":"Windows","creationData":{"createOption":"Empty"},"diskSizeGB":127}}`)
	put("Microsoft.Compute/images", "img", base+"Microsoft.Compute/images/img",
		`{"location":"eastus","properties":{"storageProfile":{"osDisk":{"osType":"Windows","osState":"Generalized","managedDisk":{"id":"`+base+`Microsoft.Compute/disks/disk"}}}}}`)
	put("Microsoft.Compute/galleries/images/versions", "gal/win/1.0.0", base+"Microsoft.Compute/galleries/gal/images/win/versions/1.0.0",
		`{"location":"eastus","properties":{"publishingProfile":{"targetRegions":[{"name":"eastus"},{"name":"westus2","regionalReplicaCount":2}]},
		"storageProfile":{"source":{"id":"`+base+`Microsoft.Compute/images/img"}}}}`)
}

func TestCostText(t *testing.T) {
	costStore(t)
	code, out, stderr := runCLI(t, "cost", "-g", "rg")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	want := `Image version  Size (GB)  Region           Replicas  Storage type  Storage (GB)  Egress (GB)
-------------  ---------  ---------------  --------  ------------  ------------  -----------
gal/win/1.0.0  127        eastus (source)  1         Standard_LRS  127           0
                          westus2          2         Standard_LRS  254           127

Total: 1 image version, 3 snapshots, 381 GB of snapshot storage, 127 GB of egress.
`
	if out != want {
		t.Errorf("got:\n%s\nwant:\n%s", out, want)
	}
	code, out, _ = runCLI(t, "cost", "-g", "empty")
	if code != 0 || out != "No image versions in resource group 'empty'.\n" {
		t.Errorf("empty group: %d %q", code, out)
	}
}

func TestCostJSON(t *testing.T) {
	costStore(t)
	code, out, stderr := runCLI(t, "cost", "-g", "rg", "-o", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var rep providers.CostReport
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if rep.Total != (providers.CostTotals{Versions: 1, Snapshots: 3, StorageGB: 381, EgressGB: 127}) ||
		len(rep.Versions) != 1 || len(rep.Versions[0].Regions) != 2 || rep.ResourceGroup != "rg" {
		t.Errorf("report:\n%s", out)
	}
}

func TestCostErrors(t *testing.T) {
	costStore(t)
	for _, c := range []struct {
		args []string
		code int
		err  string
	}{
		{[]string{"cost"}, exitUsage, "the -g/--resource-group flag is required"},
		{[]string{"cost", "-g", "rg", "-o", "xml"}, exitUsage, `unknown output format "xml"`},
		{[]string{"cost", "-g", "nope"}, exitFailed, "ResourceGroupNotFound: Resource group 'nope' could not be found."},
		{[]string{"cost", "-g", "rg", "--subscription", "99999999-0000-0000-0000-000000000000"}, exitFailed, "ResourceGroupNotFound"},
	} {
		code, _, stderr := runCLI(t, c.args...)
		if code != c.code || !strings.Contains(stderr, c.err) {
			t.Errorf("%v: exit %d, stderr %q; want %d with %q", c.args, code, stderr, c.code, c.err)
		}
	}
}
