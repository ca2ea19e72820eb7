package arm

import (
	"fmt"
	"strings"
	"testing"

	"github.com/armdeploy/armdeploy/providers"
	"github.com/armdeploy/armdeploy/state"
)

// Seed rules: resource kinds, image definitions, regions, limits.

func TestSeed_ResourceKinds_ManagedImage(t *testing.T) {
	e := newSeed(t)
	img, err := e.get("", seedImageID)
	if err != nil {
		t.Fatal(err)
	}
	if seedAt(img, "type") != "Microsoft.Compute/images" || seedAt(img, "properties", "storageProfile", "osDisk", "osState") != "Generalized" {
		t.Errorf("the managed image: %v", img)
	}
	// a copy of all disks: the data disks become the version's data disk
	// images; the OS disk alone is the fixture's version
	data := rgA + "/providers/Microsoft.Compute/disks/data"
	e.mustPut(data, apiCompute, `{"location":"eastus","properties":{"creationData":{"createOption":"Empty"},"diskSizeGB":64}}`)
	all := rgA + "/providers/Microsoft.Compute/images/all"
	e.mustPut(all, apiCompute, `{"location":"eastus","properties":{"storageProfile":{"osDisk":{"osType":"Linux","osState":"Generalized","managedDisk":{"id":"`+seedDiskID+`"}},
		"dataDisks":[{"lun":0,"managedDisk":{"id":"`+data+`"}}]}}}`)
	v := e.mustPut(defID+"/versions/1.0.1", apiCompute, strings.Replace(versionBody("eastus", `[{"name":"eastus"}]`), seedImageID, all, 1))
	if seedAt(v, "properties", "storageProfile", "dataDiskImages", 0, "lun") != 0.0 {
		t.Errorf("the version of an image with a data disk: %v", seedAt(v, "properties", "storageProfile"))
	}
	if fixture, _ := e.get("", verID); seedAt(fixture, "properties", "storageProfile", "dataDiskImages") != nil {
		t.Errorf("the version of an OS-disk image has data disks: %v", seedAt(fixture, "properties", "storageProfile"))
	}
}

func TestSeed_ResourceKinds_Gallery(t *testing.T) {
	e := newSeed(t)
	if p := e.deploy("gal2", `{"type":"Microsoft.Compute/galleries","apiVersion":"2022-03-03","name":"gal2","location":"eastus","properties":{"description":"images of the team"}}`); p != "" {
		t.Fatal(p)
	}
	g, err := e.get("", rgA+"/providers/Microsoft.Compute/galleries/gal2")
	if err != nil || seedAt(g, "properties", "identifier", "uniqueName") != sub0+"-GAL2" {
		t.Fatalf("the gallery: %v %v", g, err)
	}
	// access control: a principal without a role cannot read it
	if _, err := e.get("stranger", galID); err == nil {
		t.Error("a principal without a role read the gallery")
	}
}

func TestSeed_ResourceKinds_ImageDefinition(t *testing.T) {
	e := newSeed(t)
	d, _ := e.get("", defID)
	for _, k := range []string{"osType", "osState", "identifier"} {
		if seedAt(d, "properties", k) == nil {
			t.Errorf("the definition has no %s: %v", k, d)
		}
	}
	// a definition needs its gallery
	e.refused(rgA+"/providers/Microsoft.Compute/galleries/nogal/images/x", apiCompute,
		`{"location":"eastus","properties":{"osType":"Linux","osState":"Generalized","identifier":{"publisher":"p","offer":"o","sku":"s"}}}`,
		"ParentResourceNotFound", "nogal")
}

func TestSeed_ResourceKinds_ImageVersion(t *testing.T) {
	e := newSeed(t)
	e.networkIn("eastus")
	// many versions, each usable by many VMs
	e.mustPut(defID+"/versions/1.1.0", apiCompute, versionBody("eastus", `[{"name":"eastus"}]`))
	for _, vm := range []string{"vm1", "vm2"} {
		if err := e.vm(vm, "eastus", verID); err != nil {
			t.Fatalf("%s from the version: %v", vm, err)
		}
	}
	if err := e.vm("vm3", "eastus", defID); err != nil {
		t.Fatalf("a VM from the definition (latest): %v", err)
	}
}

func TestSeed_ImageDefinition_PublisherOfferSkuUniqueInGallery(t *testing.T) {
	e := newSeed(t) // holds Contoso/Finance/Backend
	def := func(name, pub, offer, sku string) string {
		return `{"type":"Microsoft.Compute/galleries/images","apiVersion":"2022-03-03","name":"gal/` + name + `","location":"eastus",
			"properties":{"osType":"Linux","osState":"Generalized","identifier":{"publisher":"` + pub + `","offer":"` + offer + `","sku":"` + sku + `"}}}`
	}
	if p := e.deploy("distinct", def("front", "Contoso", "Finance", "Frontend"), def("test", "Test", "Finance", "Frontend")); p != "" {
		t.Fatalf("the seed's distinct triples: %s", p)
	}
	p := e.deploy("dup", def("again", "contoso", "Finance", "Backend"))
	if !strings.Contains(p, "Gallery image: win identified by (publisher:contoso, offer:Finance, sku:Backend) already exists. Choose a different publisher, offer, sku combination.") {
		t.Fatalf("a second Contoso/Finance/Backend: %q", p)
	}
	// in another gallery the same triple is fine
	e.mustPut(rgA+"/providers/Microsoft.Compute/galleries/other", apiCompute, `{"location":"eastus","properties":{}}`)
	e.mustPut(rgA+"/providers/Microsoft.Compute/galleries/other/images/win", apiCompute,
		`{"location":"eastus","properties":{"osType":"Linux","osState":"Generalized","identifier":{"publisher":"Contoso","offer":"Finance","sku":"Backend"}}}`)
}

func TestSeed_ImageDefinition_FurtherProperties(t *testing.T) {
	e := newSeed(t)
	d := e.mustPut(defID+"2", apiCompute, `{"location":"eastus","tags":{"team":"finance"},"properties":{"osType":"Windows","osState":"Specialized",
		"identifier":{"publisher":"p","offer":"o","sku":"s"},"description":"backend","eula":"the EULA","privacyStatementUri":"https://contoso.com/privacy",
		"releaseNoteUri":"https://contoso.com/notes","endOfLifeDate":"2030-01-01T00:00:00Z",
		"recommended":{"vCPUs":{"min":2,"max":8},"memory":{"min":4,"max":32}},"disallowed":{"diskTypes":["Standard_LRS"]}}}`)
	for _, k := range [][]any{{"properties", "osState"}, {"properties", "eula"}, {"properties", "privacyStatementUri"}, {"properties", "releaseNoteUri"},
		{"properties", "endOfLifeDate"}, {"properties", "recommended", "vCPUs", "max"}, {"properties", "recommended", "memory", "min"},
		{"properties", "disallowed", "diskTypes", 0}, {"tags", "team"}, {"properties", "description"}} {
		if seedAt(d, k...) == nil {
			t.Errorf("%v not stored: %v", k, d)
		}
	}
	e.refused(defID+"3", apiCompute, `{"location":"eastus","properties":{"osType":"Linux","osState":"Sleepy","identifier":{"publisher":"p","offer":"o","sku":"t"}}}`,
		"InvalidParameter", "osState")
	e.refused(defID+"3", apiCompute, `{"location":"eastus","properties":{"osType":"Solaris","osState":"Generalized","identifier":{"publisher":"p","offer":"o","sku":"t"}}}`,
		"InvalidParameter", "osType")
}

// seedSourceRegions are the source regions the seed lists, as it writes
// them.
var seedSourceRegions = []string{"Australia Central", "Australia Central 2", "Australia East", "Australia Southeast",
	"Brazil South", "Canada Central", "Canada East", "Central India", "Central US", "Central US EUAP", "East Asia",
	"East US", "East US 2", "East US 2 EUAP", "France Central", "France South", "Japan East", "Japan West", "Korea Central",
	"Korea South", "North Central US", "North Europe", "South Central US", "South India", "Southeast Asia",
	"UK North", "UK South", "UK South 2", "UK West", "West Central US", "West Europe", "West India", "West US", "West US 2"}

// allowListAll registers the feature of every restricted region.
func (e *seedEnv) allowListAll() {
	e.t.Helper()
	done := map[string]bool{}
	for _, r := range providers.Regions() {
		if f := providers.RegionFeature(r.Name); f != "" && !done[f] {
			done[f] = true
			if _, err := e.s.RegisterFeature(e.t.Context(), "", sub0, providers.RegionFeatureNamespace, f); err != nil {
				e.t.Fatal(err)
			}
		}
	}
}

func TestSeed_Regions_EverySourceRegionListedHoldsAVersion(t *testing.T) {
	e := newSeed(t)
	e.allowListAll()
	for i, name := range seedSourceRegions {
		region := providers.NormalizeLocation(name)
		if !providers.ValidLocation(region) || providers.RegionDisplayName(region) != name {
			t.Errorf("%s: not a region (display name %q)", name, providers.RegionDisplayName(region))
			continue
		}
		disk := fmt.Sprintf("%s/providers/Microsoft.Compute/disks/d%d", rgA, i)
		img := fmt.Sprintf("%s/providers/Microsoft.Compute/images/i%d", rgA, i)
		e.mustPut(disk, apiCompute, `{"location":"`+region+`","properties":{"osType":"Linux","creationData":{"createOption":"Empty"},"diskSizeGB":30}}`)
		e.mustPut(img, apiCompute, `{"location":"`+region+`","properties":{"storageProfile":{"osDisk":{"osType":"Linux","osState":"Generalized","managedDisk":{"id":"`+disk+`"}}}}}`)
		body := strings.Replace(versionBody(region, `[{"name":"`+name+`"}]`), seedImageID, img, 1)
		if _, err := e.put(fmt.Sprintf("%s/versions/2.0.%d", defID, i), apiCompute, body); err != nil {
			t.Errorf("a version with source region %s: %v", name, err)
		}
	}
}

func TestSeed_Regions_EveryPublicRegionCanBeATarget(t *testing.T) {
	e := newSeed(t)
	e.allowListAll()
	var targets []string
	for _, r := range providers.Regions() {
		targets = append(targets, `{"name":"`+r.DisplayName+`"}`)
	}
	v := e.mustPut(defID+"/versions/3.0.0", apiCompute, versionBody("eastus", "["+strings.Join(targets, ",")+"]"))
	if n := len(seedAt(v, "properties", "replicationStatus", "summary").([]any)); n != len(providers.Regions()) {
		t.Errorf("%d regions replicated, want %d", n, len(providers.Regions()))
	}
	// not a public region: a sovereign cloud's
	e.refused(defID+"/versions/3.0.1", apiCompute, versionBody("eastus", `[{"name":"eastus"},{"name":"usgovvirginia"}]`),
		"LocationNotAvailableForResourceType", "usgovvirginia")
}

func TestSeed_Regions_AustraliaCentralNeedsAllowListing(t *testing.T) {
	e := newSeed(t)
	ctx := t.Context()
	ns, feature := providers.RegionFeatureNamespace, providers.RegionFeature("australiacentral")
	notPermitted := "The provided location 'australiacentral' is not permitted for subscription. List of permitted regions is 'eastus,"
	e.refused(defID+"/versions/4.0.0", apiCompute, versionBody("eastus", `[{"name":"eastus"},{"name":"Australia Central"}]`),
		"LocationNotAvailableForResourceType", notPermitted)
	e.refused(rgA+"/providers/Microsoft.Compute/galleries/au", apiCompute, `{"location":"australiacentral","properties":{}}`,
		"LocationNotAvailableForResourceType", notPermitted)
	// in a template, the refusal comes before anything is written
	if p := e.deploy("au", `{"type":"Microsoft.Compute/galleries","apiVersion":"2022-03-03","name":"au","location":"australiacentral","properties":{}}`); !strings.Contains(p, "is not permitted for subscription") {
		t.Errorf("a template's gallery in Australia Central: %q", p)
	}
	// only who may register features allow-lists: a Reader may not
	if _, err := e.s.RegisterFeature(ctx, "readerA", sub0, ns, feature); err == nil || !strings.Contains(err.Error(), "AuthorizationFailed") {
		t.Errorf("a principal without a role registered the feature: %v", err)
	}
	f, err := e.s.GetFeature(ctx, "", sub0, ns, feature)
	if err != nil || f.Properties.State != "NotRegistered" {
		t.Fatalf("the feature before registering: %+v %v", f, err)
	}
	if f, err = e.s.RegisterFeature(ctx, "", sub0, ns, feature); err != nil || f.Properties.State != "Registered" ||
		f.Name != ns+"/"+feature || f.Type != "Microsoft.Features/providers/features" ||
		f.ID != "/subscriptions/"+sub0+"/providers/Microsoft.Features/providers/"+ns+"/features/"+feature {
		t.Fatalf("register: %+v %v", f, err)
	}
	e.mustPut(defID+"/versions/4.0.0", apiCompute, versionBody("eastus", `[{"name":"eastus"},{"name":"Australia Central"}]`))
	e.mustPut(rgA+"/providers/Microsoft.Compute/galleries/au", apiCompute, `{"location":"australiacentral","properties":{}}`)
	// Australia Central 2 has its own allow-listing
	e.refused(defID+"/versions/4.0.1", apiCompute, versionBody("eastus", `[{"name":"eastus"},{"name":"australiacentral2"}]`),
		"LocationNotAvailableForResourceType", "'australiacentral2' is not permitted")
	if list, err := e.s.ListFeatures(ctx, "", sub0, ""); err != nil || len(list) != 1 || list[0].Name != ns+"/"+feature {
		t.Errorf("ListFeatures: %+v %v", list, err)
	}
	// unregistered, new PUTs are refused again; what is there stays
	if _, err := e.s.UnregisterFeature(ctx, "", sub0, ns, feature); err != nil {
		t.Fatal(err)
	}
	e.refused(defID+"/versions/4.0.2", apiCompute, versionBody("eastus", `[{"name":"eastus"},{"name":"australiacentral"}]`),
		"LocationNotAvailableForResourceType", notPermitted)
	if _, err := e.get("", defID+"/versions/4.0.0"); err != nil {
		t.Errorf("the version in Australia Central after unregistering: %v", err)
	}
}

// fill stores n resources of a type in a region directly (the limits'
// tests need thousands), each a child of parent when it is not "".
func (e *seedEnv) fill(typ, parent, location string, n int) {
	e.t.Helper()
	for i := range n {
		name := fmt.Sprintf("f%d", i)
		id := rgA + "/providers/" + typ + "/" + name
		full := name
		if parent != "" {
			p, _ := state.ParseResourceID(parent)
			last := typ[strings.LastIndex(typ, "/")+1:]
			id, full = parent+"/"+last+"/"+name, p.Name+"/"+name
		}
		body := `{"id":"` + id + `","location":"` + location + `","properties":{"provisioningState":"Succeeded"}}`
		if err := e.s.store.PutResource(e.t.Context(), &state.Resource{ID: id, SubscriptionID: sub0, ResourceGroup: "rga", Type: typ,
			Name: full, Location: location, Parent: parent, Body: []byte(body), APIVersion: apiCompute}); err != nil {
			e.t.Fatal(err)
		}
	}
}

func TestSeed_Limits_100GalleriesPerSubscriptionAndRegion(t *testing.T) {
	e := newSeed(t)                                         // gal in eastus
	e.fill("Microsoft.Compute/galleries", "", "eastus", 99) // 100 in eastus
	e.refused(rgA+"/providers/Microsoft.Compute/galleries/one", apiCompute, `{"location":"eastus","properties":{}}`,
		"QuotaExceeded", "a subscription can have at most 100 galleries per region, and subscription '"+sub0+"' already has 100 in region 'eastus'")
	e.mustPut(rgA+"/providers/Microsoft.Compute/galleries/one", apiCompute, `{"location":"westus","properties":{}}`)
	e.mustPut(galID, apiCompute, `{"location":"eastus","properties":{"description":"an update never counts"}}`)
}

func TestSeed_Limits_1000ImageDefinitionsPerSubscriptionAndRegion(t *testing.T) {
	e := newSeed(t)
	e.fill("Microsoft.Compute/galleries/images", galID, "eastus", 999)
	body := `{"location":"eastus","properties":{"osType":"Linux","osState":"Generalized","identifier":{"publisher":"p","offer":"o","sku":"x"}}}`
	e.refused(galID+"/images/one", apiCompute, body, "QuotaExceeded", "at most 1000 image definitions per region")
	e.mustPut(galID+"/images/one", apiCompute, strings.Replace(body, "eastus", "westus", 1))
}

func TestSeed_Limits_10000ImageVersionsPerSubscriptionAndRegion(t *testing.T) {
	if testing.Short() {
		t.Skip("stores 10,000 versions")
	}
	e := newSeed(t)
	e.fill("Microsoft.Compute/galleries/images/versions", defID, "eastus", 9999)
	e.refused(defID+"/versions/9.9.9", apiCompute, versionBody("eastus", `[{"name":"eastus"}]`), "QuotaExceeded", "at most 10000 image versions per region")
}

// TestRestrictedRegionAnyType: a type without a provider of its own is
// refused in a restricted region too, until the subscription is
// allow-listed.
func TestRestrictedRegionAnyType(t *testing.T) {
	e := newSeed(t)
	id := rgA + "/providers/Microsoft.Storage/storageAccounts/austore"
	body := `{"location":"australiacentral2","kind":"StorageV2","sku":{"name":"Standard_LRS"},"properties":{}}`
	e.refused(id, "2023-01-01", body, "LocationNotAvailableForResourceType", "'australiacentral2' is not permitted for subscription")
	if _, err := e.s.RegisterFeature(t.Context(), "", sub0, providers.RegionFeatureNamespace, providers.RegionFeature("australiacentral2")); err != nil {
		t.Fatal(err)
	}
	e.mustPut(id, "2023-01-01", body)
}
