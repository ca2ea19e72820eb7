package arm

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/armdeploy/armdeploy/providers"
)

// Seed rules: the FAQ facts.

const sub1 = "11111111-1111-1111-1111-111111111111"

func TestSeed_FAQ_ListGalleryResourcesAcrossSubscriptions(t *testing.T) {
	e := newSeed(t)
	ctx := t.Context()
	if _, err := e.s.CreateOrUpdateGroup(ctx, "", GroupRequest{SubscriptionID: sub1, Name: "other", Location: "westus"}); err != nil {
		t.Fatal(err)
	}
	other := "/subscriptions/" + sub1 + "/resourceGroups/other/providers/Microsoft.Compute/galleries/gal1"
	e.mustPut(other, apiCompute, `{"location":"westus","properties":{}}`)
	// az sig list over every subscription: one listing of the type
	rs, err := e.s.ListResources(ctx, "", ResourceFilter{Type: "Microsoft.Compute/galleries"})
	if err != nil || len(rs) != 2 || rs[0].ID != galID || rs[1].ID != other {
		t.Fatalf("galleries of every subscription: %d, %v", len(rs), err)
	}
	// a principal sees the subscriptions it may read
	e.assign(subID, "oid-reader", providers.RoleReader)
	if rs, _ := e.s.ListResources(ctx, "oid-reader", ResourceFilter{Type: "Microsoft.Compute/galleries"}); len(rs) != 1 || rs[0].ID != galID {
		t.Errorf("a Reader of one subscription lists %d galleries", len(rs))
	}
}

func TestSeed_FAQ_ManagedImageBecomesDefinitionAndVersion(t *testing.T) {
	e := newSeed(t)
	// an unmanaged generalized image (a VHD) first becomes a managed
	// image, then a definition and a version, in one template
	p := e.deploy("fromvhd",
		`{"type":"Microsoft.Compute/images","apiVersion":"2020-12-01","name":"fromvhd","location":"eastus","properties":{"storageProfile":{"osDisk":{"osType":"Linux","osState":"Generalized","blobUri":"https://acct.blob.core.windows.net/vhds/os.vhd","diskSizeGB":40}}}}`,
		`{"type":"Microsoft.Compute/galleries/images","apiVersion":"2022-03-03","name":"gal/migrated","location":"eastus","properties":{"osType":"Linux","osState":"Generalized","identifier":{"publisher":"Contoso","offer":"Legacy","sku":"1"}}}`,
		`{"type":"Microsoft.Compute/galleries/images/versions","apiVersion":"2022-03-03","name":"gal/migrated/1.0.0","location":"eastus",
			"dependsOn":["[resourceId('Microsoft.Compute/images','fromvhd')]","[resourceId('Microsoft.Compute/galleries/images','gal','migrated')]"],
			"properties":{"publishingProfile":{"targetRegions":[{"name":"eastus"}]},"storageProfile":{"source":{"id":"[resourceId('Microsoft.Compute/images','fromvhd')]"}}}}`)
	if p != "" {
		t.Fatal(p)
	}
	v, err := e.get("", galID+"/images/migrated/versions/1.0.0")
	if err != nil || !strings.HasSuffix(seedAt(v, "properties", "storageProfile", "source", "id").(string), "/images/fromvhd") ||
		seedAt(v, "properties", "storageProfile", "osDiskImage", "sizeInGB") != 40.0 {
		t.Fatalf("the version of the VHD's image: %v %v", v, err)
	}
}

func TestSeed_FAQ_SpecializedDiskNotAVersionInSeedEra(t *testing.T) {
	e := newSeed(t)
	legacy := func(source string) string {
		return `{"location":"eastus","properties":{"publishingProfile":{"targetRegions":[{"name":"eastus"}],"source":{"managedImage":{"id":"` + source + `"}}}}}`
	}
	// 2018-06-01: a managed image only
	e.refused(defID+"/versions/5.0.0", "2018-06-01", legacy(seedDiskID), "InvalidParameter",
		"The source '"+seedDiskID+"' of a gallery image version must be a managed image with api-version 2018-06-01")
	e.refused(defID+"/versions/5.0.0", "2018-06-01",
		`{"location":"eastus","properties":{"publishingProfile":{"targetRegions":[{"name":"eastus"}]},"storageProfile":{"osDiskImage":{"source":{"id":"`+seedDiskID+`"}}}}}`,
		"InvalidParameter", "Required parameter 'managedImage' is missing")
	v := e.mustPut(defID+"/versions/5.0.0", "2018-06-01", legacy(seedImageID))
	if seedAt(v, "properties", "storageProfile", "source", "id") != seedImageID {
		t.Errorf("the version from a managed image at 2018-06-01: %v", seedAt(v, "properties"))
	}
	// the way the seed gives: the specialized VM generalized and captured
	// as a managed image; a specialized managed image is not a source of
	// a generalized definition
	spec := rgA + "/providers/Microsoft.Compute/images/specialized"
	e.mustPut(spec, apiCompute, `{"location":"eastus","properties":{"storageProfile":{"osDisk":{"osType":"Linux","osState":"Specialized","managedDisk":{"id":"`+seedDiskID+`"}}}}}`)
	e.refused(defID+"/versions/5.0.1", apiCompute, strings.Replace(versionBody("eastus", `[{"name":"eastus"}]`), seedImageID, spec, 1),
		"InvalidParameter", "since the OS State in the parent gallery image (Generalized) is not Specialized")
}

func TestSeed_FAQ_OneSubscriptionOneCloud(t *testing.T) {
	e := newSeed(t)
	// no replication to other clouds
	for _, region := range []string{"chinaeast", "germanycentral", "usgovvirginia"} {
		e.refused(defID+"/versions/6.0.0", apiCompute, versionBody("eastus", `[{"name":"eastus"},{"name":"`+region+`"}]`),
			"LocationNotAvailableForResourceType", "The provided location "+region+" is not available for resource type 'Microsoft.Compute/galleries/images/versions'")
	}
	// nor from another subscription: a source there is not found
	other := "/subscriptions/" + sub1 + "/resourceGroups/rga/providers/Microsoft.Compute/images/img"
	e.refused(defID+"/versions/6.0.0", apiCompute, strings.Replace(versionBody("eastus", `[{"name":"eastus"}]`), seedImageID, other, 1),
		"InvalidParameter", "Source "+other+" is not found.")
	// a gallery does not move: the same name in another subscription is
	// another gallery, the first one stays
	if _, err := e.s.CreateOrUpdateGroup(t.Context(), "", GroupRequest{SubscriptionID: sub1, Name: "rga", Location: "eastus"}); err != nil {
		t.Fatal(err)
	}
	moved := "/subscriptions/" + sub1 + "/resourceGroups/rga/providers/Microsoft.Compute/galleries/gal"
	e.mustPut(moved, apiCompute, `{"location":"eastus","properties":{}}`)
	if _, err := e.get("", moved+"/images/win"); err == nil {
		t.Error("the definition followed the gallery into the other subscription")
	}
	if _, err := e.get("", verID); err != nil {
		t.Errorf("the original version: %v", err)
	}
}

func TestSeed_FAQ_SharingAcrossTenantsWithRBAC(t *testing.T) {
	e := newSeed(t)
	e.networkIn("eastus")
	partner := e.principalIn("partner", otherTenant)
	// shared at the version with a principal of another tenant, which
	// deploys VMs into a group of its own (with rga's network)
	e.group("partner", "eastus")
	vm := func() error {
		body := `{"location":"eastus","properties":{"hardwareProfile":{"vmSize":"Standard_D2s_v3"},"storageProfile":{"imageReference":{"id":"` + verID + `"}},
			"osProfile":{"computerName":"pvm","adminUsername":"azureuser","adminPassword":"Passw0rd!Passw0rd"},
			"networkProfile":{"networkInterfaces":[{"id":"` + rgA + `/providers/Microsoft.Network/networkInterfaces/nic-eastus"}]}}}`
		_, err := e.s.PutResource(t.Context(), partner, subID+"/resourceGroups/partner/providers/Microsoft.Compute/virtualMachines/pvm", apiVM, []byte(body))
		return err
	}
	e.assign(subID+"/resourceGroups/partner", partner, providers.RoleContributor)
	e.assign(rgA+"/providers/Microsoft.Network/networkInterfaces/nic-eastus", partner, providers.RoleContributor)
	wantError(t, vm(), "AuthorizationFailed", "'Microsoft.Compute/galleries/images/versions/read' over scope '"+verID+"'")
	e.assign(verID, partner, providers.RoleReader)
	if err := vm(); err != nil {
		t.Fatalf("the other tenant's VM from the shared version: %v", err)
	}
}

func TestSeed_FAQ_ReplicationTimeAndStatus(t *testing.T) {
	e := newSeed(t)
	// 30 GB image; a 127 GB one
	big := rgA + "/providers/Microsoft.Compute/disks/big"
	e.mustPut(big, apiCompute, `{"location":"eastus","properties":{"osType":"Linux","creationData":{"createOption":"Empty"},"diskSizeGB":127}}`)
	e.mustPut(rgA+"/providers/Microsoft.Compute/images/big", apiCompute, `{"location":"eastus","properties":{"storageProfile":{"osDisk":{"osType":"Linux","osState":"Generalized","managedDisk":{"id":"`+big+`"}}}}}`)
	took := func(version, image, targets string) time.Duration {
		var mu sync.Mutex
		var total time.Duration
		sim := Simulation{PerWeight: time.Second, Sleep: func(_ context.Context, d time.Duration) error {
			mu.Lock()
			defer mu.Unlock()
			total += d
			return nil
		}}
		body := strings.Replace(versionBody("eastus", targets), seedImageID, image, 1)
		put, err := e.s.StartPutResource(t.Context(), "", defID+"/versions/"+version, apiCompute, json.RawMessage(body), sim)
		if err != nil {
			t.Fatal(err)
		}
		<-put.Done
		mu.Lock()
		defer mu.Unlock()
		return total
	}
	small1 := took("7.0.0", seedImageID, `[{"name":"eastus"}]`)
	small3 := took("7.0.1", seedImageID, `[{"name":"eastus"},{"name":"westus2"},{"name":"northeurope"}]`)
	big1 := took("7.0.2", rgA+"/providers/Microsoft.Compute/images/big", `[{"name":"eastus"}]`)
	if !(small1 == 30*time.Second && small3 == 3*small1 && big1 == 127*time.Second) {
		t.Errorf("replication took %v (30 GB, 1 region), %v (3 regions), %v (127 GB): want it to grow with size and regions", small1, small3, big1)
	}
	// the replication status option: $expand=ReplicationStatus
	r, err := e.s.GetResource(t.Context(), "", defID+"/versions/7.0.1")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(ResourceView(r, "ReplicationStatus"))
	if !strings.Contains(string(b), `"aggregatedState":"Completed"`) || !strings.Contains(string(b), `"region":"North Europe"`) {
		t.Errorf("the replication status: %s", b)
	}
}

func TestSeed_FAQ_SourceRegionMustBeATargetRegion(t *testing.T) {
	e := newSeed(t)
	e.refused(defID+"/versions/8.0.0", apiCompute, versionBody("eastus", `[{"name":"westus2"}]`), "InvalidParameter",
		"Gallery image version publishing profile regions 'westus2' must contain the location of image version 'eastus'.")
	// without target regions, the source region is the one target
	v := e.mustPut(defID+"/versions/8.0.0", apiCompute, `{"location":"eastus","properties":{"storageProfile":{"source":{"id":"`+seedImageID+`"}}}}`)
	if got := regionStates(v); got != "East US=Completed 100" {
		t.Errorf("regions of a version without targets: %s", got)
	}
}

func TestSeed_FAQ_ManagedImageInTheVersionsLocation(t *testing.T) {
	e := newSeed(t)
	e.refused(defID+"/versions/9.0.0", apiCompute, versionBody("westus2", `[{"name":"westus2"}]`), "InvalidParameter",
		"Source "+seedImageID+" is not found. Please check source exists, and is in the same region as gallery image version being created.")
	// the location (az's --location) is the source region
	rep := bill(t, `[{"name":"eastus"},{"name":"westus2"}]`)
	if rep.SourceRegion != "eastus" {
		t.Errorf("source region %s", rep.SourceRegion)
	}
}

func TestSeed_FAQ_ReplicaCountPerRegionOrGlobal(t *testing.T) {
	e := newSeed(t)
	// az sig image-version create --target-regions "South Central US=2" eastus --replica-count 3, as a template
	if p := e.deploy("replicas", `{"type":"Microsoft.Compute/galleries/images/versions","apiVersion":"2022-03-03","name":"gal/win/10.0.0","location":"eastus",
		"properties":{"publishingProfile":{"replicaCount":3,"targetRegions":[{"name":"South Central US","regionalReplicaCount":2},{"name":"eastus"}]},
		"storageProfile":{"source":{"id":"`+seedImageID+`"}}}}`); p != "" {
		t.Fatal(p)
	}
	v, _ := e.get("", defID+"/versions/10.0.0")
	trs := seedAt(v, "properties", "publishingProfile", "targetRegions")
	if seedAt(trs, 0, "name") != "South Central US" || seedAt(trs, 0, "regionalReplicaCount") != 2.0 || seedAt(trs, 1, "regionalReplicaCount") != 3.0 {
		t.Errorf("target regions: %v", trs)
	}
}

func TestSeed_FAQ_GalleryLocationMayDiffer(t *testing.T) {
	e := newSeed(t)
	west := rgA + "/providers/Microsoft.Compute/galleries/west"
	e.mustPut(west, apiCompute, `{"location":"westus","properties":{}}`)
	e.mustPut(west+"/images/d", apiCompute, `{"location":"eastus","properties":{"osType":"Linux","osState":"Generalized","identifier":{"publisher":"p","offer":"o","sku":"s"}}}`)
	e.mustPut(west+"/images/d/versions/1.0.0", apiCompute, versionBody("eastus", `[{"name":"eastus"}]`))
}

func TestSeed_FAQ_APIVersions(t *testing.T) {
	e := newSeed(t)
	e.networkIn("eastus")
	// 2018-06-01: gallery, definition and version deploy
	if p := e.deploy("api2018",
		`{"type":"Microsoft.Compute/galleries","apiVersion":"2018-06-01","name":"g2018","location":"eastus","properties":{}}`,
		`{"type":"Microsoft.Compute/galleries/images","apiVersion":"2018-06-01","name":"g2018/d","location":"eastus","dependsOn":["g2018"],
			"properties":{"osType":"Linux","osState":"Generalized","identifier":{"publisher":"p","offer":"o","sku":"s"}}}`,
		`{"type":"Microsoft.Compute/galleries/images/versions","apiVersion":"2018-06-01","name":"g2018/d/1.0.0","location":"eastus","dependsOn":["[resourceId('Microsoft.Compute/galleries/images','g2018','d')]"],
			"properties":{"publishingProfile":{"targetRegions":[{"name":"eastus"}],"source":{"managedImage":{"id":"`+seedImageID+`"}}}}}`); p != "" {
		t.Fatalf("the gallery kinds at 2018-06-01: %s", p)
	}
	// before 2018-06-01 there are no galleries
	if p := e.deploy("api2017", `{"type":"Microsoft.Compute/galleries","apiVersion":"2018-04-01","name":"g2017","location":"eastus","properties":{}}`); !strings.Contains(p, "No registered resource provider found for location 'eastus' and API version '2018-04-01' for type 'galleries'. The supported api-versions are '2018-06-01, ") {
		t.Errorf("a gallery at 2018-04-01: %q", p)
	}
	// VMs from a version: 2018-04-01 or later
	if err := e.vmAs("", "vm2018", "eastus", rgA+"/providers/Microsoft.Compute/galleries/g2018/images/d/versions/1.0.0", "2018-04-01"); err != nil {
		t.Errorf("a VM at 2018-04-01 from the version: %v", err)
	}
	wantError(t, e.vmAs("", "vm2017", "eastus", verID, "2017-12-01"), "InvalidParameter",
		"A virtual machine can be created from a gallery image with api-version 2018-04-01 or later; the request uses '2017-12-01'.")
}

// TestSeed_FAQ_QuickstartTemplates deploys the repository's gallery
// quickstart pipeline (a gallery, a definition, a version and a VM from
// it) in one deployment. The SDKs are outside an offline simulator; the
// server's tests drive it with the Go SDK (server/sdk_test.go).
func TestSeed_FAQ_QuickstartTemplates(t *testing.T) {
	s, _ := newService(t)
	root := filepath.Join("..", "quickstarts", "gallery-pipeline")
	req := &DeploymentRequest{Scope: Scope{SubscriptionID: sub0, ResourceGroup: "rg-pipeline"}, Location: "eastus", CreateGroup: true,
		Template: Template{File: filepath.Join(root, "azuredeploy.json"), Parameters: []string{"@" + filepath.Join(root, "azuredeploy.parameters.json")}}}
	res, err := s.CreateOrUpdate(t.Context(), req)
	if err != nil || res.Failed() || res.Preflight != nil || res.Status() != "Succeeded" {
		t.Fatalf("the pipeline: %v %v", err, res.Preflight)
	}
	kinds := map[string]int{}
	rs, _ := s.ListResources(t.Context(), "", ResourceFilter{SubscriptionID: sub0, ResourceGroup: "rg-pipeline"})
	for _, r := range rs {
		kinds[r.Type]++
	}
	for _, k := range []string{"Microsoft.Compute/galleries", "Microsoft.Compute/galleries/images", "Microsoft.Compute/galleries/images/versions", "Microsoft.Compute/virtualMachines"} {
		if kinds[k] != 1 {
			t.Errorf("%d of %s, want 1 (%v)", kinds[k], k, kinds)
		}
	}
}
