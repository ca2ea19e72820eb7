package providers

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
)

func TestCost(t *testing.T) {
	w := newWorld(t)
	gallerySetup(w)
	// the seed's example: 3 regions x 2 replicas of one image = 6 snapshots,
	// egress to the 2 regions besides the source
	w.must(typeImageVersion, apiVersion, strings.Replace(versionBody(resID(typeManagedImage, "linimg"),
		`[{"name":"eastus"},{"name":"westus2"},{"name":"westeurope"}]`), `"replicaCount":1`, `"replicaCount":2`, 1), "gal", "lin", "1.0.0")
	// regional counts: 1 in eastus, 3 in westus2
	w.must(typeImageVersion, apiVersion, versionBody(resID(typeManagedImage, "winimg"),
		`[{"name":"eastus"},{"name":"westus2","regionalReplicaCount":3}]`), "gal", "win", "0.0.1")
	rep, err := Cost(context.Background(), w.store, testSub, testRG)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Versions) != 2 {
		t.Fatalf("versions = %d", len(rep.Versions))
	}
	lin, win := rep.Versions[0], rep.Versions[1]
	if lin.Name != "gal/lin/1.0.0" || lin.SizeGB != 30 || lin.Snapshots != 6 || lin.StorageGB != 180 || lin.EgressGB != 60 || lin.SourceRegion != "eastus" {
		t.Errorf("linux version: %+v", lin)
	}
	if !lin.Regions[0].Source || lin.Regions[0].EgressGB != 0 || lin.Regions[1].EgressGB != 30 || lin.Regions[2].Replicas != 2 {
		t.Errorf("linux regions: %+v", lin.Regions)
	}
	if win.SizeGB != 127 || win.Snapshots != 4 || win.StorageGB != 508 || win.EgressGB != 127 || win.Regions[1].StorageAccountType != "Standard_LRS" {
		t.Errorf("windows version: %+v", win)
	}
	if rep.Total != (CostTotals{Versions: 2, Snapshots: 10, StorageGB: 688, EgressGB: 187}) {
		t.Errorf("total = %+v", rep.Total)
	}
	raw, _ := json.Marshal(rep)
	if !strings.Contains(string(raw), `"storageGB":688`) || !strings.Contains(string(raw), `"sourceRegion":"eastus"`) {
		t.Errorf("JSON: %s", raw)
	}
	// another group has nothing
	empty, err := Cost(context.Background(), w.store, testSub, "other")
	if err != nil || len(empty.Versions) != 0 || empty.Total.Versions != 0 {
		t.Errorf("empty group: %+v %v", empty, err)
	}
}

func TestRegions(t *testing.T) {
	for in, want := range map[string]bool{"eastus": true, "East US": true, "EastUS": true, " west europe ": true, "Australia Central 2": true,
		"eastus2euap": true, "UK South 2": true, "global": false, "europe": false, "usgovvirginia": false, "chinaeast": false, "": false, "mars": false} {
		if got := ValidLocation(in); got != want {
			t.Errorf("ValidLocation(%q) = %v, want %v", in, got, want)
		}
	}
	if NormalizeLocation("East US 2") != "eastus2" || RegionDisplayName("westus2") != "West US 2" {
		t.Error("normalisation")
	}
	for in, want := range map[string]bool{"eastus": true, "West Europe": true, "westus": false, "northcentralus": false, "uaenorth": true, "nowhere": false} {
		if got := HasZones(in); got != want {
			t.Errorf("HasZones(%q) = %v, want %v", in, got, want)
		}
	}
	rs := Regions()
	if len(rs) < 50 || rs[0].Name != "eastus" {
		t.Errorf("Regions() = %d regions, first %v", len(rs), rs[0])
	}
	rs[0].Name = "changed"
	if Regions()[0].Name != "eastus" {
		t.Error("Regions() shares its slice")
	}
}

func TestEveryTypeRegistered(t *testing.T) {
	for _, typ := range []string{typeGallery, typeImageDefinition, typeImageVersion, typeManagedImage, typeDisk, typeVirtualMachine,
		typePublicIP, typeNSG, typeVNet, typeSubnet, typeNIC, typeResourceGroup, typeRoleAssignment} {
		if !Known(typ) || !Known(strings.ToLower(typ)) {
			t.Errorf("%s has no provider", typ)
		}
		p := For(typ)
		if len(p.ReadOnly("2024-03-03")) == 0 && typ != typeSubnet {
			t.Errorf("%s lists no read-only property", typ)
		}
	}
	if Known("Microsoft.Storage/storageAccounts") {
		t.Error("storage accounts go to the generic provider")
	}
}

func TestCoercionHelpers(t *testing.T) {
	for _, c := range []struct {
		in   any
		n    int64
		okay bool
	}{{int64(5), 5, true}, {float64(5), 5, true}, {"5", 5, true}, {" 64 ", 64, true}, {json.Number("7"), 7, true},
		{5.5, 0, false}, {"five", 0, false}, {nil, 0, false}, {true, 0, false}} {
		n, ok := asInt(c.in)
		if ok != c.okay || n != c.n {
			t.Errorf("asInt(%#v) = %d, %v", c.in, n, ok)
		}
	}
	if !same("Windows", "windows") || same("V1", "V2") || !same(int64(1), "1") || !same(map[string]any{"Id": "/A"}, map[string]any{"id": "/a"}) {
		t.Error("same")
	}
	m := map[string]any{"OsType": "Linux"}
	if strAt(m, "osType") != "Linux" {
		t.Error("keys are case-insensitive")
	}
	set(m, "osType", "Windows")
	if len(m) != 1 || m["osType"] != "Windows" {
		t.Errorf("set replaced a differently cased key: %v", m)
	}
}
