package arm

import (
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strings"
	"testing"

	"github.com/armdeploy/armdeploy/state"
)

// The seed's rules (reference/seed-overview.md), one test each, named
// after the rule: TestSeed_<Section>_<Rule>. The tests go through the
// control plane (arm.Service): a PUT or a deployment, then the refusal's
// code and text or the stored result. seedRules lists them in the
// document's order; TestSeedRulesHaveTests fails when one is missing.

// seedRules maps a short English title per bullet or table row of
// seed-overview.md, in the document's order, to the test of that rule.
var seedRules = []struct{ rule, test string }{
	// Resource kinds
	{"a managed image is a copy of a generalized VM and a source for versions", "TestSeed_ResourceKinds_ManagedImage"},
	{"an image gallery is a repository with access control", "TestSeed_ResourceKinds_Gallery"},
	{"an image definition groups versions: purpose, OS, usage", "TestSeed_ResourceKinds_ImageDefinition"},
	{"an image version is what a VM is created from, usable many times", "TestSeed_ResourceKinds_ImageVersion"},
	// Image definitions
	{"publisher, offer and SKU are unique as a triple within the gallery", "TestSeed_ImageDefinition_PublisherOfferSkuUniqueInGallery"},
	{"further properties: OS state and type, description, EULA, URIs, end of life, tags, recommended, disallowed", "TestSeed_ImageDefinition_FurtherProperties"},
	// Regions
	{"every source region listed can hold a version", "TestSeed_Regions_EverySourceRegionListedHoldsAVersion"},
	{"every public region can be a target", "TestSeed_Regions_EveryPublicRegionCanBeATarget"},
	{"Australia Central and Australia Central 2 need the subscription allow-listed", "TestSeed_Regions_AustraliaCentralNeedsAllowListing"},
	// Limits
	{"100 galleries per subscription and region", "TestSeed_Limits_100GalleriesPerSubscriptionAndRegion"},
	{"1,000 image definitions per subscription and region", "TestSeed_Limits_1000ImageDefinitionsPerSubscriptionAndRegion"},
	{"10,000 image versions per subscription and region", "TestSeed_Limits_10000ImageVersionsPerSubscriptionAndRegion"},
	// Scaling and replication
	{"replicas per region: the regional count, else the global one", "TestSeed_Replication_RegionalElseGlobalReplicaCount"},
	{"target regions change after creation; older versions may live in fewer regions", "TestSeed_Replication_TargetRegionsChangeOlderVersionsFewer"},
	{"replication status per region; VMs where a region completed", "TestSeed_Replication_StatusPerRegionVMWhereCompleted"},
	{"zone-redundant storage in regions with availability zones", "TestSeed_Replication_ZRSInRegionsWithZones"},
	// Access
	{"shared with RBAC with users, service principals and groups, even in other tenants", "TestSeed_Access_RBACUsersPrincipalsGroupsOtherTenants"},
	{"shared at the gallery: gallery, definition and version readable", "TestSeed_Access_SharedAtGallery"},
	{"shared at the definition: definition and version readable, not the gallery", "TestSeed_Access_SharedAtImageDefinition"},
	{"shared at the version: only the version readable", "TestSeed_Access_SharedAtImageVersion"},
	{"across tenants at scale: a multi-tenant app registration", "TestSeed_Access_MultiTenantAppAcrossTenants"},
	// Billing
	{"no charge for the service itself", "TestSeed_Billing_NoChargeForTheService"},
	{"storage per version: replicas x regions x disk size", "TestSeed_Billing_StorageReplicasTimesRegionsTimesSize"},
	{"egress for replicating from the source region to each other region", "TestSeed_Billing_EgressFromSourceToEachRegion"},
	// What can change after creation
	{"gallery: description", "TestSeed_CanChangeAfterCreation_GalleryDescription"},
	{"image definition: recommended vCPUs and memory, description, end of life", "TestSeed_CanChangeAfterCreation_ImageDefinition"},
	{"image version: regional replica count, target regions, exclusion from latest, end of life", "TestSeed_CanChangeAfterCreation_ImageVersionTargetRegions"},
	// FAQ facts
	{"list all gallery resources across subscriptions", "TestSeed_FAQ_ListGalleryResourcesAcrossSubscriptions"},
	{"a managed image becomes a definition and a version", "TestSeed_FAQ_ManagedImageBecomesDefinitionAndVersion"},
	{"a specialized disk cannot be an image version (the seed's era)", "TestSeed_FAQ_SpecializedDiskNotAVersionInSeedEra"},
	{"no move to another subscription; replication within one subscription and cloud", "TestSeed_FAQ_OneSubscriptionOneCloud"},
	{"sharing across AAD tenants with RBAC", "TestSeed_FAQ_SharingAcrossTenantsWithRBAC"},
	{"replication time depends on size and regions; check the replication status", "TestSeed_FAQ_ReplicationTimeAndStatus"},
	{"one source region per version, among the target regions", "TestSeed_FAQ_SourceRegionMustBeATargetRegion"},
	{"the source region is the location; the managed image is in the version's location", "TestSeed_FAQ_ManagedImageInTheVersionsLocation"},
	{"replica count per region or a global count", "TestSeed_FAQ_ReplicaCountPerRegionOrGlobal"},
	{"the gallery may be in another location than its definitions and versions", "TestSeed_FAQ_GalleryLocationMayDiffer"},
	{"API versions: 2018-04-01 for VMs from a version, 2018-06-01 for galleries", "TestSeed_FAQ_APIVersions"},
	{"SDKs and quickstart templates for gallery, definition, version and VM", "TestSeed_FAQ_QuickstartTemplates"},
}

// TestSeedRulesHaveTests checks that every rule of seedRules has its test
// function in this package's test files, and that no seed test is left
// out of the list.
func TestSeedRulesHaveTests(t *testing.T) {
	files, err := filepath.Glob("*_test.go")
	if err != nil {
		t.Fatal(err)
	}
	have := map[string]bool{}
	fset := token.NewFileSet()
	for _, f := range files {
		af, err := parser.ParseFile(fset, f, nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range af.Decls {
			if fn, ok := d.(*ast.FuncDecl); ok && fn.Recv == nil && strings.HasPrefix(fn.Name.Name, "TestSeed_") {
				have[fn.Name.Name] = true
			}
		}
	}
	listed := map[string]bool{}
	for _, r := range seedRules {
		if listed[r.test] {
			t.Errorf("rule %q: test %s is listed twice", r.rule, r.test)
		}
		listed[r.test] = true
		if !have[r.test] {
			t.Errorf("rule %q: there is no test function %s", r.rule, r.test)
		}
	}
	for name := range have {
		if !listed[name] {
			t.Errorf("%s is not listed in seedRules", name)
		}
	}
}

// seedEnv is a store with the seed's fixture: group rga with a managed
// disk, a generalized managed image, gallery gal, definition win (of
// Linux, generalized) and version 1.0.0 in eastus.
type seedEnv struct {
	t   *testing.T
	s   *Service
	dir string
	// assignments counts the role assignments made (their names).
	assignments int
}

const (
	seedImageID = rgA + "/providers/Microsoft.Compute/images/img"
	seedDiskID  = rgA + "/providers/Microsoft.Compute/disks/disk"
	apiCompute  = "2023-07-03"
	apiVM       = "2024-07-01"
)

func newSeed(t *testing.T) *seedEnv {
	t.Helper()
	s, dir := newService(t)
	e := &seedEnv{t: t, s: s, dir: dir}
	e.group("rga", "eastus")
	e.mustPut(galID, apiCompute, `{"location":"eastus","properties":{"description":"seed"}}`)
	e.mustPut(defID, apiCompute, `{"location":"eastus","properties":{"osType":"Linux","osState":"Generalized","identifier":{"publisher":"Contoso","offer":"Finance","sku":"Backend"}}}`)
	e.mustPut(seedDiskID, apiCompute, `{"location":"eastus","properties":{"osType":"Linux","creationData":{"createOption":"Empty"},"diskSizeGB":30}}`)
	e.mustPut(seedImageID, apiCompute, `{"location":"eastus","properties":{"storageProfile":{"osDisk":{"osType":"Linux","osState":"Generalized","managedDisk":{"id":"`+seedDiskID+`"}}}}}`)
	e.mustPut(verID, apiCompute, versionBody("eastus", `[{"name":"eastus"}]`))
	return e
}

// versionBody is an image version in location from the seed's managed
// image with the target regions given (a JSON array).
func versionBody(location, targets string) string {
	return `{"location":"` + location + `","properties":{"publishingProfile":{"targetRegions":` + targets + `},"storageProfile":{"source":{"id":"` + seedImageID + `"}}}}`
}

func (e *seedEnv) group(name, location string) {
	e.t.Helper()
	if _, err := e.s.CreateOrUpdateGroup(e.t.Context(), "", GroupRequest{SubscriptionID: sub0, Name: name, Location: location}); err != nil {
		e.t.Fatal(err)
	}
}

// put is ARM's PUT of id by the default principal.
func (e *seedEnv) put(id, api, body string) (*state.Resource, error) {
	return e.s.PutResource(e.t.Context(), "", id, api, json.RawMessage(body))
}

func (e *seedEnv) mustPut(id, api, body string) map[string]any {
	e.t.Helper()
	r, err := e.put(id, api, body)
	if err != nil {
		e.t.Fatalf("PUT %s: %v", id, err)
	}
	return bodyMap(e.t, r)
}

// refused checks that a PUT is refused with code and a message containing
// text.
func (e *seedEnv) refused(id, api, body, code, text string) {
	e.t.Helper()
	_, err := e.put(id, api, body)
	wantError(e.t, err, code, text)
}

func wantError(t *testing.T, err error, code, text string) {
	t.Helper()
	ae, ok := err.(*Error)
	if !ok {
		t.Fatalf("error %v (%T), want %s: %s", err, err, code, text)
	}
	if ae.Code != code || !strings.Contains(ae.Message, text) {
		t.Fatalf("error %s: %s\nwant %s containing %q", ae.Code, ae.Message, code, text)
	}
}

// get is the stored body of id.
func (e *seedEnv) get(principal, id string) (map[string]any, error) {
	r, err := e.s.GetResource(e.t.Context(), principal, id)
	if err != nil {
		return nil, err
	}
	return bodyMap(e.t, r), nil
}

func bodyMap(t *testing.T, r *state.Resource) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.Body, &m); err != nil {
		t.Fatalf("body of %s: %v", r.ID, err)
	}
	return m
}

// deploy deploys a resource-group template into rga and returns the
// problem it reports ("" when it succeeded).
func (e *seedEnv) deploy(name string, resources ...string) string {
	e.t.Helper()
	req := &DeploymentRequest{Scope: Scope{SubscriptionID: sub0, ResourceGroup: "rga"}, Name: name,
		Template: Template{File: writeFile(e.t, e.dir, name+".json", rgTemplate(resources...))}}
	res, err := e.s.CreateOrUpdate(e.t.Context(), req)
	switch {
	case err != nil:
		return err.Error()
	case res.Failed():
		var b strings.Builder
		for _, d := range res.Diags.Errors() {
			b.WriteString(d.Message + "\n")
		}
		return b.String()
	case res.Preflight != nil:
		b, _ := json.Marshal(res.Preflight)
		return string(b)
	case res.Status() != "Succeeded":
		b, _ := json.Marshal(res.Deployment)
		return string(b)
	}
	return ""
}

// seedAt reads a value of a body by its keys and indexes.
func seedAt(v any, keys ...any) any {
	for _, k := range keys {
		switch k := k.(type) {
		case string:
			m, _ := v.(map[string]any)
			v = m[k]
		case int:
			a, _ := v.([]any)
			if k >= len(a) {
				return nil
			}
			v = a[k]
		}
	}
	return v
}

// networkIn makes a virtual network and a NIC (nic-<region>) in a region
// for the VMs there.
func (e *seedEnv) networkIn(region string) {
	e.t.Helper()
	vnet := rgA + "/providers/Microsoft.Network/virtualNetworks/vnet-" + region
	e.mustPut(vnet, "2020-07-01", `{"location":"`+region+`","properties":{"addressSpace":{"addressPrefixes":["10.0.0.0/16"]},
		"subnets":[{"name":"default","properties":{"addressPrefix":"10.0.0.0/24"}}]}}`)
	e.mustPut(rgA+"/providers/Microsoft.Network/networkInterfaces/nic-"+region, "2020-07-01", `{"location":"`+region+`","properties":{"ipConfigurations":[{"name":"ipconfig1","properties":{
		"privateIPAllocationMethod":"Dynamic","subnet":{"id":"`+vnet+`/subnets/default"}}}]}}`)
}

// vm creates a VM in a region (whose network networkIn made) from an
// image: a version, a definition (its latest) or a managed image.
func (e *seedEnv) vm(name, region, image string) error {
	return e.vmAs("", name, region, image, apiVM)
}

func (e *seedEnv) vmAs(principal, name, region, image, api string) error {
	body := `{"location":"` + region + `","properties":{"hardwareProfile":{"vmSize":"Standard_D2s_v3"},
		"storageProfile":{"imageReference":{"id":"` + image + `"}},
		"osProfile":{"computerName":"` + name + `","adminUsername":"azureuser","adminPassword":"Passw0rd!Passw0rd"},
		"networkProfile":{"networkInterfaces":[{"id":"` + rgA + `/providers/Microsoft.Network/networkInterfaces/nic-` + region + `"}]}}}`
	_, err := e.s.PutResource(e.t.Context(), principal, rgA+"/providers/Microsoft.Compute/virtualMachines/"+name, api, []byte(body))
	return err
}
