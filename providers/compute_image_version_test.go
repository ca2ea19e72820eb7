package providers

import (
	"context"
	"fmt"
	"strings"
	"testing"
)

const (
	msgVersionName = "The image version name is invalid. The image version name should follow Major(int).Minor(int).Patch(int) format, for e.g: 1.0.0, 2018.12.1 etc."
	msgOneSource   = "The gallery artifact version source can only be specified either directly under storageProfile or within individual OS or data disks. One and only one source type (user image, snapshot, disk, virtual machine) can be provided."
)

func sourceMsg(id string) string {
	return fmt.Sprintf("Source %s is not found. Please check source exists, and is in the same region as gallery image version being created.", id)
}

func TestImageVersionRules(t *testing.T) {
	winImg := resID(typeManagedImage, "winimg")
	linImg := resID(typeManagedImage, "linimg")
	v := func(body string, names ...string) ruleCase {
		if len(names) == 0 {
			names = []string{"gal", "win", "1.0.0"}
		}
		return ruleCase{typ: typeImageVersion, api: apiVersion, names: names, body: body, setup: gallerySetup}
	}
	ok := versionBody(winImg, `[{"name":"eastus"}]`)
	var cases []ruleCase
	add := func(name string, c ruleCase, code, msg, target string) {
		c.name, c.code, c.msg, c.target = name, code, msg, target
		cases = append(cases, c)
	}
	then := func(c ruleCase, extra func(*world)) ruleCase {
		c.setup = func(w *world) { gallerySetup(w); extra(w) }
		return c
	}
	withAPI := func(c ruleCase, api string) ruleCase { c.api = api; return c }

	// 1 name
	add("name with two parts", v(ok, "gal", "win", "1.0"), "InvalidParameter", msgVersionName, "galleryImageVersionName")
	add("name with four parts", v(ok, "gal", "win", "1.0.0.0"), "InvalidParameter", msgVersionName, "")
	add("name with letters", v(ok, "gal", "win", "1.0.beta"), "InvalidParameter", msgVersionName, "")
	add("name part beyond int32", v(ok, "gal", "win", "1.0.2147483648"), "InvalidParameter", msgVersionName, "")
	add("name 'latest'", v(ok, "gal", "win", "latest"), "InvalidParameter", msgVersionName, "")
	// 2 parent
	add("definition missing", v(ok, "gal", "nodef", "1.0.0"), "ParentResourceNotFound",
		"Can not perform requested operation on nested resource. Parent resource gal/nodef not found.", "")
	// 3 body
	add("storage profile missing", v(`{"location":"eastus","properties":{"publishingProfile":{}}}`), "InvalidParameter",
		"Required parameter 'storageProfile' is missing (null).", "galleryImageVersion.properties.storageProfile")
	add("Premium_LRS before 2020-09-30", withAPI(v(strings.Replace(ok, `"replicaCount":1`, `"replicaCount":1,"storageAccountType":"Premium_LRS"`, 1)), "2019-12-01"),
		"InvalidParameter", "The value of parameter storageAccountType is invalid.", "galleryImageVersion.properties.publishingProfile.storageAccountType")
	add("unknown regional storage type", v(versionBody(winImg, `[{"name":"eastus","storageAccountType":"Cold_LRS"}]`)),
		"InvalidParameter", "The value of parameter storageAccountType is invalid.", "galleryImageVersion.properties.publishingProfile.targetRegions[0].storageAccountType")
	add("replica count not a number", v(versionBody(winImg, `[{"name":"eastus","regionalReplicaCount":"two"}]`)),
		"InvalidParameter", "Could not convert string to integer: two. Path 'properties.publishingProfile.targetRegions[0].regionalReplicaCount'.", "")
	add("host caching outside the enum", v(strings.Replace(ok, `"ReadWrite"`, `"WriteBack"`, 1)),
		"InvalidParameter", "The value of parameter hostCaching is invalid.", "")
	// 4 location
	add("unknown location", v(strings.Replace(ok, `"location":"eastus"`, `"location":"narnia"`, 1)),
		"LocationNotAvailableForResourceType", locationMsg("narnia", typeImageVersion), "location")
	// 5 target regions
	add("unknown target region", v(versionBody(winImg, `[{"name":"eastus"},{"name":"moon"}]`)),
		"LocationNotAvailableForResourceType", locationMsg("moon", typeImageVersion), "galleryImageVersion.properties.publishingProfile.targetRegions[1].name")
	add("duplicate target regions", v(versionBody(winImg, `[{"name":"eastus"},{"name":"westus2"},{"name":"East US"}]`)),
		"InvalidParameter", "Duplicate regions are not allowed in target publishing regions.", "galleryImageVersion.properties.publishingProfile.targetRegions")
	add("location not among the target regions", v(versionBody(winImg, `[{"name":"northeurope"}]`)),
		"InvalidParameter", "Gallery image version publishing profile regions 'northeurope' must contain the location of image version 'eastus'.", "")
	add("location not among several target regions", v(strings.Replace(versionBody(winImg, `[{"name":"westus2"},{"name":"West Europe"}]`), `"location":"eastus"`, `"location":"East US"`, 1)),
		"InvalidParameter", "Gallery image version publishing profile regions 'westus2,West Europe' must contain the location of image version 'East US'.", "")
	add("regional replica count 0", v(versionBody(winImg, `[{"name":"eastus","regionalReplicaCount":0}]`)),
		"InvalidParameter", "The value 0 of parameter regionalReplicaCount is out of range. The value must be between 1 and 100, inclusive.", "regionalReplicaCount")
	add("regional replica count 101", v(versionBody(winImg, `[{"name":"eastus","regionalReplicaCount":101}]`)),
		"InvalidParameter", "The value 101 of parameter regionalReplicaCount is out of range. The value must be between 1 and 100, inclusive.", "")
	add("global replica count 0", v(strings.Replace(ok, `"replicaCount":1`, `"replicaCount":0`, 1)),
		"InvalidParameter", "The value 0 of parameter replicaCount is out of range. The value must be between 1 and 100, inclusive.", "replicaCount")
	add("ZRS in a region without zones", v(versionBody(winImg, `[{"name":"eastus"},{"name":"westus","storageAccountType":"Standard_ZRS"}]`)),
		"InvalidParameter", "ZRS storage account type is not supported in this region.", "")
	add("global ZRS reaching a region without zones", v(strings.Replace(versionBody(winImg, `[{"name":"eastus"},{"name":"northcentralus"}]`), `"replicaCount":1`, `"replicaCount":1,"storageAccountType":"Standard_ZRS"`, 1)),
		"InvalidParameter", "ZRS storage account type is not supported in this region.", "")
	add("Shallow replication with two replicas", withAPI(v(strings.Replace(versionBody(winImg, `[{"name":"eastus","regionalReplicaCount":2}]`), `"replicaCount":1`, `"replicaCount":1,"replicationMode":"Shallow"`, 1)), "2021-07-01"),
		"InvalidParameter", "Replica count can only be 1 when the replication mode is Shallow.", "")
	// 6 source
	add("no source", v(`{"location":"eastus","properties":{"publishingProfile":{},"storageProfile":{"osDiskImage":{"hostCaching":"ReadWrite"}}}}`),
		"InvalidParameter", msgOneSource, "galleryImageVersion.properties.storageProfile")
	add("two sources", v(fmt.Sprintf(`{"location":"eastus","properties":{"storageProfile":{"source":{"id":%q},"osDiskImage":{"source":{"id":%q}}}}}`,
		winImg, resID(typeDisk, "windisk"))), "InvalidParameter", msgOneSource, "")
	add("image and virtual machine", withAPI(v(fmt.Sprintf(`{"location":"eastus","properties":{"storageProfile":{"source":{"id":%q,"virtualMachineId":%q}}}}`,
		winImg, resID(typeVirtualMachine, "vm"))), "2023-07-03"), "InvalidParameter", msgOneSource, "")
	add("source id not fully qualified", v(versionBody("managedimage1", `[{"name":"eastus"}]`)), "LinkedInvalidPropertyId",
		"Property id managedimage1 at path 'properties.storageProfile.source.id' is invalid. Expect fully qualified resource Id that start with '/subscriptions/{subscriptionId}' or '/providers/{resourceProviderNamespace}/'.",
		"properties.storageProfile.source.id")
	add("a disk directly under storageProfile", v(versionBody(resID(typeDisk, "windisk"), `[{"name":"eastus"}]`)), "InvalidParameter",
		"The source id: "+resID(typeDisk, "windisk")+" must either be a managed image, virtual machine or another gallery image version", "")
	add("a managed image as OS disk source", v(fmt.Sprintf(`{"location":"eastus","properties":{"storageProfile":{"osDiskImage":{"source":{"id":%q}}}}}`, winImg)),
		"InvalidParameter", "The source id: "+winImg+" must be a managed disk or snapshot.", "properties.storageProfile.osDiskImage.source.id")
	add("source missing", v(versionBody(resID(typeManagedImage, "ghost"), `[{"name":"eastus"}]`)), "InvalidParameter",
		sourceMsg(resID(typeManagedImage, "ghost")), "properties.storageProfile.source.id")
	add("source in another region", then(v(versionBody(resID(typeManagedImage, "wimg"), `[{"name":"eastus"}]`)), func(w *world) {
		w.must(typeDisk, apiCompute, strings.Replace(emptyDisk, "eastus", "westus2", 1), "wdisk")
		w.must(typeManagedImage, apiCompute, strings.Replace(strings.Replace(managedImageBody("wdisk", "Windows", "Generalized"), "eastus", "westus2", 1), "windisk", "wdisk", 1), "wimg")
	}), "InvalidParameter", sourceMsg(resID(typeManagedImage, "wimg")), "")
	add("OS disk source missing", v(fmt.Sprintf(`{"location":"eastus","properties":{"storageProfile":{"osDiskImage":{"source":{"id":%q}}}}}`, resID(typeDisk, "nodisk"))),
		"InvalidParameter", sourceMsg(resID(typeDisk, "nodisk")), "")
	add("Linux image into a Windows definition", v(versionBody(linImg, `[{"name":"eastus"}]`)), "InvalidParameter",
		"The resource with id '"+linImg+"' has a different OS type ['Linux'] than the parent gallery image OS type generation ['Windows']", "")
	add("specialized image into a generalized definition", then(v(versionBody(resID(typeManagedImage, "spec"), `[{"name":"eastus"}]`)), func(w *world) {
		w.must(typeManagedImage, apiCompute, managedImageBody("windisk", "Windows", "Specialized"), "spec")
	}), "InvalidParameter",
		"Cannot create Gallery Image Version from: "+resID(typeManagedImage, "spec")+" since the OS State in the parent gallery image (Generalized) is not Specialized.", "")
	add("generation 2 image into a generation 1 definition", then(v(versionBody(resID(typeManagedImage, "gen2"), `[{"name":"eastus"}]`)), func(w *world) {
		w.must(typeManagedImage, apiCompute, strings.Replace(managedImageBody("windisk", "Windows", "Generalized"), `"V1"`, `"V2"`, 1), "gen2")
	}), "InvalidParameter",
		"The resource with id '"+resID(typeManagedImage, "gen2")+"' has a different Hypervisor generation ['V2'] than the parent gallery image Hypervisor generation ['V1']", "")
	add("disk of another OS as OS disk source", v(fmt.Sprintf(`{"location":"eastus","properties":{"storageProfile":{"osDiskImage":{"source":{"id":%q}}}}}`, resID(typeDisk, "lindisk"))),
		"InvalidParameter", "The resource with id '"+resID(typeDisk, "lindisk")+"' has a different OS type ['Linux'] than the parent gallery image OS type generation ['Windows']", "")
	add("duplicate data disk LUNs", v(fmt.Sprintf(`{"location":"eastus","properties":{"storageProfile":{"source":{"id":%q},
		"dataDiskImages":[{"lun":1},{"lun":"1"}]}}}`, winImg)), "InvalidParameter",
		"Duplicated lun numbers have been detected in the input data disks. Lun number must be unique for each data disk.", "")
	// 7 end of life
	add("end of life in the past", v(strings.Replace(ok, `"replicaCount":1`, `"replicaCount":1,"endOfLifeDate":"2024-12-31"`, 1)),
		"InvalidParameter", "EndOfLifeDate must be set to a future date.", "galleryImageVersion.properties.publishingProfile.endOfLifeDate")
	// 8 updates
	existing := func(w *world) {
		gallerySetup(w)
		w.must(typeManagedImage, apiCompute, managedImageBody("windisk", "Windows", "Generalized"), "winimg2")
		w.must(typeImageVersion, apiVersion, versionBody(winImg, `[{"name":"eastus"},{"name":"westus2","regionalReplicaCount":2}]`), "gal", "win", "1.0.0")
	}
	upd := func(body string) ruleCase {
		return ruleCase{typ: typeImageVersion, api: apiVersion, names: []string{"gal", "win", "1.0.0"}, body: body, setup: existing}
	}
	add("source changed", upd(versionBody(resID(typeManagedImage, "winimg2"), `[{"name":"eastus"}]`)), "PropertyChangeNotAllowed",
		"Changing property 'galleryImageVersion.properties.storageProfile.source.id' is not allowed.", "galleryImageVersion.properties.storageProfile.source.id")
	add("global storage type changed", upd(strings.Replace(versionBody(winImg, `[{"name":"eastus","storageAccountType":"Standard_LRS"}]`), `"replicaCount":1`, `"replicaCount":1,"storageAccountType":"Standard_ZRS"`, 1)),
		"PropertyChangeNotAllowed", "Changing property 'galleryImageVersion.properties.publishingProfile.storageAccountType' is not allowed.", "")
	add("regional storage type changed", upd(versionBody(winImg, `[{"name":"eastus"},{"name":"westus2","storageAccountType":"Standard_ZRS"}]`)),
		"InvalidParameter", "Global storage account type does not match the storage account type in the existing TargetRegion: 'westus2'. Please specify 'Standard_LRS' as the storage account type for this region.", "")
	add("moved to another location", upd(strings.Replace(versionBody(winImg, `[{"name":"eastus"},{"name":"westus2"}]`), `"location":"eastus"`, `"location":"westus2"`, 1)),
		"InvalidResourceLocation", "The resource 1.0.0 already exists in location eastus in resource group rg. A resource with the same name cannot be created in location westus2. Please select a new resource name.", "")
	add("data disk added", upd(fmt.Sprintf(`{"location":"eastus","properties":{"publishingProfile":{"targetRegions":[{"name":"eastus"}]},
		"storageProfile":{"source":{"id":%q},"dataDiskImages":[{"lun":0}]}}}`, winImg)), "InvalidParameter",
		"Adding new Data Disks or changing the LUN of a Data Disk in an existing Image is not allowed.", "")
	// 9 quota
	add("quota of 10,000 versions per region", then(v(ok), func(w *world) {
		fill(w, typeImageVersion, "eastus", 10000, []string{"gal", "lin"})
	}), "QuotaExceeded",
		"Operation could not be completed as it results in exceeding approved quota: a subscription can have at most 10000 image versions per region, and subscription '"+testSub+"' already has 10000 in region 'eastus'.", "")
	runRules(t, cases)
}

func TestParseVersion(t *testing.T) {
	for name, want := range map[string]bool{"0.0.1": true, "2018.12.1": true, "2147483647.0.0": true, "01.0.0": true,
		"1.0": false, "1.0.0.0": false, "-1.0.0": false, "+1.0.0": false, "1..0": false, "2147483648.0.0": false, "1.0.x": false} {
		if _, got := ParseVersion(name); got != want {
			t.Errorf("ParseVersion(%q) = %v, want %v", name, got, want)
		}
	}
	a, _ := ParseVersion("1.9.0")
	b, _ := ParseVersion("1.10.0")
	if !a.Less(b) || b.Less(a) {
		t.Error("versions compare as numbers")
	}
}

func TestImageVersionDefaultsAndReplication(t *testing.T) {
	w := newWorld(t)
	gallerySetup(w)
	res := w.must(typeImageVersion, apiVersion, fmt.Sprintf(`{"location":"eastus","properties":{
		"publishingProfile":{"replicaCount":"1","targetRegions":[{"name":"East US"},{"name":"westus2","regionalReplicaCount":"2"}]},
		"storageProfile":{"source":{"id":%q}}}}`, resID(typeManagedImage, "winimg")), "gal", "win", "1.0.0")
	p := objAt(res.Body, "properties")
	pp := objAt(p, "publishingProfile")
	if n, _ := at(pp, "replicaCount").(int64); n != 1 {
		t.Errorf("replicaCount = %#v", at(pp, "replicaCount"))
	}
	if strAt(pp, "storageAccountType") != "Standard_LRS" || at(pp, "excludeFromLatest") != false ||
		strAt(pp, "publishedDate") != "2025-06-01T12:00:00.0000000+00:00" || has(pp, "replicationMode") {
		t.Errorf("publishing profile defaults:\n%s", pretty(pp))
	}
	trs := arrAt(pp, "targetRegions")
	if c, _ := at(asObj(trs[0]), "regionalReplicaCount").(int64); c != 1 || strAt(asObj(trs[0]), "storageAccountType") != "Standard_LRS" {
		t.Errorf("regional fallback:\n%s", pretty(trs))
	}
	if c, _ := at(asObj(trs[1]), "regionalReplicaCount").(int64); c != 2 {
		t.Errorf("regional count from a string:\n%s", pretty(trs))
	}
	if n, _ := at(p, "storageProfile", "osDiskImage", "sizeInGB").(int64); n != 127 {
		t.Errorf("sizeInGB from the managed image's disk = %#v", at(p, "storageProfile", "osDiskImage", "sizeInGB"))
	}
	if strAt(p, "storageProfile", "osDiskImage", "hostCaching") != "ReadWrite" {
		t.Errorf("hostCaching default:\n%s", pretty(p))
	}
	rs := objAt(p, "replicationStatus")
	sum := arrAt(rs, "summary")
	if strAt(rs, "aggregatedState") != "Completed" || len(sum) != 2 || strAt(asObj(sum[1]), "region") != "West US 2" ||
		strAt(asObj(sum[1]), "state") != "Completed" || at(asObj(sum[1]), "progress") != int64(100) {
		t.Errorf("replicationStatus:\n%s", pretty(rs))
	}
	want := []Step{{Name: "eastus", Weight: 127}, {Name: "westus2", Weight: 254}}
	if fmt.Sprint(res.Replication) != fmt.Sprint(want) {
		t.Errorf("Replication = %v, want %v", res.Replication, want)
	}
	// an update adding a region replicates only what is new; the
	// published date stays
	w2 := res.Body
	_ = w2
	res = w.must(typeImageVersion, apiVersion, fmt.Sprintf(`{"location":"eastus","properties":{
		"publishingProfile":{"targetRegions":[{"name":"eastus"},{"name":"westus2","regionalReplicaCount":3},{"name":"westeurope"}],"excludeFromLatest":true},
		"storageProfile":{"source":{"id":%q}}}}`, resID(typeManagedImage, "winimg")), "gal", "win", "1.0.0")
	want = []Step{{Name: "westus2", Weight: 127}, {Name: "westeurope", Weight: 127}}
	if fmt.Sprint(res.Replication) != fmt.Sprint(want) {
		t.Errorf("update Replication = %v, want %v", res.Replication, want)
	}
	if strAt(res.Body, "properties", "publishingProfile", "publishedDate") != "2025-06-01T12:00:00.0000000+00:00" {
		t.Error("publishedDate changed on update")
	}
	ro := For(typeImageVersion).ReadOnly(apiVersion)
	for _, p := range []string{"properties.publishingProfile.publishedDate", "properties.storageProfile.osDiskImage.sizeInGB", "properties.replicationStatus"} {
		if !listHas(ro, p) {
			t.Errorf("ReadOnly lacks %s", p)
		}
	}
	if !listHas(For(typeImageVersion).Immutable(apiVersion), "properties.storageProfile.source.id") ||
		listHas(For(typeImageVersion).Immutable("2020-09-30"), "properties.publishingProfile.replicationMode") ||
		!listHas(For(typeImageVersion).Immutable("2021-07-01"), "properties.publishingProfile.replicationMode") {
		t.Error("Immutable per apiVersion")
	}
}

func TestImageVersionDefaultTargetAndQuickstart(t *testing.T) {
	w := newWorld(t)
	gallerySetup(w)
	// no targetRegions: the version's own region
	res := w.must(typeImageVersion, apiVersion, fmt.Sprintf(`{"location":"eastus","properties":{"storageProfile":{"source":{"id":%q}}}}`,
		resID(typeManagedImage, "linimg")), "gal", "lin", "0.0.1")
	trs := arrAt(res.Body, "properties", "publishingProfile", "targetRegions")
	if len(trs) != 1 || strAt(asObj(trs[0]), "name") != "eastus" {
		t.Errorf("default targets:\n%s", pretty(trs))
	}
	if n, _ := at(res.Body, "properties", "storageProfile", "osDiskImage", "sizeInGB").(int64); n != 30 {
		t.Errorf("Linux size = %v", n)
	}
	// the vm-from-sig prerequisite: a managed image from a VHD blob
	w.must(typeManagedImage, apiCompute, `{"location":"eastus","properties":{"storageProfile":{"osDisk":{
		"blobUri":"https://sigquickstartvhds.blob.core.windows.net/vhds/ws2019.vhd","osType":"Windows","osState":"Generalized",
		"storageAccountType":"Standard_LRS"}},"hyperVGeneration":"V1"}}`, "vhdimg")
	w.must(typeImageVersion, "2020-09-30", versionBody(resID(typeManagedImage, "vhdimg"), `[{"name":"eastus"}]`), "gal", "win", "0.0.1")
	// a version from another version replicated to the region
	w.must(typeImageVersion, "2020-09-30", versionBody(resID(typeImageVersion, "gal", "win", "0.0.1"), `[{"name":"eastus"}]`), "gal", "win", "0.0.2")
}

func TestLatestVersion(t *testing.T) {
	w := newWorld(t)
	gallerySetup(w)
	img := resID(typeManagedImage, "winimg")
	w.must(typeImageVersion, apiVersion, versionBody(img, `[{"name":"eastus"},{"name":"westus2"}]`), "gal", "win", "1.9.0")
	w.must(typeImageVersion, apiVersion, versionBody(img, `[{"name":"eastus"}]`), "gal", "win", "1.10.0")
	w.must(typeImageVersion, apiVersion, strings.Replace(versionBody(img, `[{"name":"eastus"},{"name":"westus2"}]`), `"replicaCount":1`, `"replicaCount":1,"excludeFromLatest":true`, 1), "gal", "win", "2.0.0")
	w.must(typeImageVersion, apiVersion, versionBody(img, `[{"name":"eastus","excludeFromLatest":true},{"name":"westeurope"}]`), "gal", "win", "1.11.0")
	def := resID(typeImageDefinition, "gal", "win")
	for _, c := range []struct{ region, want string }{
		{"eastus", "1.10.0"},     // 2.0.0 excluded, 1.11.0 excluded in eastus, 1.10 > 1.9
		{"West US 2", "1.9.0"},   // 1.10.0 is not there
		{"westeurope", "1.11.0"}, // the regional flag is for eastus only
		{"japaneast", ""},
	} {
		v, err := LatestVersion(context.Background(), w.store, def, c.region)
		if err != nil {
			t.Fatal(err)
		}
		got := ""
		if v != nil {
			got = lastSegment(v.Name)
		}
		if got != c.want {
			t.Errorf("latest in %s = %q, want %q", c.region, got, c.want)
		}
	}
}
