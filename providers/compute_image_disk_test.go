package providers

import (
	"fmt"
	"strings"
	"testing"
)

func TestManagedImageRules(t *testing.T) {
	withDisk := func(w *world) { w.must(typeDisk, apiCompute, emptyDisk, "windisk") }
	im := func(body string) ruleCase {
		return ruleCase{typ: typeManagedImage, api: apiCompute, names: []string{"img"}, body: body, setup: withDisk}
	}
	disk := resID(typeDisk, "windisk")
	var cases []ruleCase
	add := func(name string, c ruleCase, code, msg, target string) {
		c.name, c.code, c.msg, c.target = name, code, msg, target
		cases = append(cases, c)
	}
	add("no OS disk", im(`{"location":"eastus","properties":{"storageProfile":{}}}`), "InvalidParameter",
		"Required parameter 'osDisk' is missing (null).", "osDisk")
	add("osType missing", im(fmt.Sprintf(`{"location":"eastus","properties":{"storageProfile":{"osDisk":{"managedDisk":{"id":%q},"osState":"Generalized"}}}}`, disk)),
		"InvalidParameter", "Required parameter 'osDisk.osType' is missing (null).", "")
	add("osState outside the enum", im(fmt.Sprintf(`{"location":"eastus","properties":{"storageProfile":{"osDisk":{"managedDisk":{"id":%q},"osType":"Windows","osState":"Captured"}}}}`, disk)),
		"InvalidParameter", "The value of parameter osDisk.osState is invalid.", "")
	add("no OS disk source", im(`{"location":"eastus","properties":{"storageProfile":{"osDisk":{"osType":"Windows","osState":"Generalized"}}}}`),
		"InvalidParameter", "Exactly one of the properties 'managedDisk', 'snapshot' or 'blobUri' must be specified for the OS disk.", "")
	add("two OS disk sources", im(fmt.Sprintf(`{"location":"eastus","properties":{"storageProfile":{"osDisk":{"managedDisk":{"id":%q},"blobUri":"https://a/b.vhd","osType":"Windows","osState":"Generalized"}}}}`, disk)),
		"InvalidParameter", "Exactly one of the properties 'managedDisk', 'snapshot' or 'blobUri' must be specified for the OS disk.", "")
	add("source disk missing", im(managedImageBody("ghost", "Windows", "Generalized")), "ResourceNotFound",
		"The Resource 'Microsoft.Compute/disks/ghost' under resource group 'rg' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix", "")
	add("source disk in another region", ruleCase{typ: typeManagedImage, api: apiCompute, names: []string{"img"},
		body:  managedImageBody("far", "Windows", "Generalized"),
		setup: func(w *world) { w.must(typeDisk, apiCompute, strings.Replace(emptyDisk, "eastus", "westus", 1), "far") }},
		"InvalidResourceReference", "Resource "+resID(typeDisk, "far")+" referenced by resource "+resID(typeManagedImage, "img")+
			" was not found. Please make sure that the referenced resource exists, and that both resources are in the same region.", "")
	add("generation V3", im(strings.Replace(managedImageBody("windisk", "Windows", "Generalized"), `"V1"`, `"V3"`, 1)),
		"InvalidParameter", "The value of parameter hyperVGeneration is invalid.", "")
	existing := func(w *world) {
		withDisk(w)
		w.must(typeManagedImage, apiCompute, managedImageBody("windisk", "Windows", "Generalized"), "img")
	}
	add("osType changed", ruleCase{typ: typeManagedImage, api: apiCompute, names: []string{"img"},
		body: managedImageBody("windisk", "Linux", "Generalized"), setup: existing}, "PropertyChangeNotAllowed",
		"Changing property 'osDisk.osType' is not allowed.", "osDisk.osType")
	add("zoneResilient changed", ruleCase{typ: typeManagedImage, api: apiCompute, names: []string{"img"},
		body: strings.Replace(managedImageBody("windisk", "Windows", "Generalized"), `"storageProfile":{`, `"storageProfile":{"zoneResilient":true,`, 1), setup: existing},
		"PropertyChangeNotAllowed", "Changing property 'zoneResilient' is not allowed.", "")
	runRules(t, cases)
}

func TestManagedImageDefaults(t *testing.T) {
	w := newWorld(t)
	w.must(typeDisk, apiCompute, emptyDisk, "windisk")
	res := w.must(typeManagedImage, apiCompute, fmt.Sprintf(`{"location":"eastus","properties":{"storageProfile":{"osDisk":{"managedDisk":{"id":%q},
		"osType":"Windows","osState":"Generalized"}}}}`, resID(typeDisk, "windisk")), "img")
	od := objAt(res.Body, "properties", "storageProfile", "osDisk")
	if n, _ := at(od, "diskSizeGB").(int64); n != 127 || strAt(res.Body, "properties", "hyperVGeneration") != "V1" || strAt(od, "caching") != "ReadWrite" {
		t.Errorf("defaults:\n%s", pretty(res.Body))
	}
}

func TestDiskRules(t *testing.T) {
	d := func(body string) ruleCase {
		return ruleCase{typ: typeDisk, api: apiCompute, names: []string{"disk"}, body: body}
	}
	var cases []ruleCase
	add := func(name string, c ruleCase, code, msg, target string) {
		c.name, c.code, c.msg, c.target = name, code, msg, target
		cases = append(cases, c)
	}
	add("Empty without a size", d(`{"location":"eastus","properties":{"creationData":{"createOption":"Empty"}}}`), "InvalidParameter",
		"Required parameter 'diskSizeGB' is missing (null).", "diskSizeGB")
	add("size 0", d(`{"location":"eastus","properties":{"creationData":{"createOption":"Empty"},"diskSizeGB":0}}`), "InvalidParameter",
		"The value 0 of parameter diskSizeGB is out of range. The value must be between 1 and 32767, inclusive.", "")
	add("size beyond 32 TiB", d(`{"location":"eastus","properties":{"creationData":{"createOption":"Empty"},"diskSizeGB":"40000"}}`), "InvalidParameter",
		"The value 40000 of parameter diskSizeGB is out of range. The value must be between 1 and 32767, inclusive.", "")
	add("createOption missing", d(`{"location":"eastus","properties":{"diskSizeGB":10}}`), "InvalidParameter",
		"Required parameter 'creationData.createOption' is missing (null).", "")
	add("createOption outside the enum", d(`{"location":"eastus","properties":{"creationData":{"createOption":"Blank"},"diskSizeGB":10}}`), "InvalidParameter",
		"The value of parameter creationData.createOption is invalid.", "")
	add("zonal SKU before 2020-12-01", ruleCase{typ: typeDisk, api: "2019-07-01", names: []string{"disk"},
		body: `{"location":"eastus","sku":{"name":"Premium_ZRS"},"properties":{"creationData":{"createOption":"Empty"},"diskSizeGB":10}}`},
		"InvalidParameter", "The value of parameter sku.name is invalid.", "sku.name")
	add("Copy without a source", d(`{"location":"eastus","properties":{"creationData":{"createOption":"Copy"}}}`), "InvalidParameter",
		"Required parameter 'creationData.sourceResourceId' is missing (null).", "")
	add("FromImage smaller than the image", ruleCase{typ: typeDisk, api: apiCompute, names: []string{"disk"},
		body: fmt.Sprintf(`{"location":"eastus","properties":{"creationData":{"createOption":"FromImage","galleryImageReference":{"id":%q}},"diskSizeGB":30}}`,
			resID(typeImageVersion, "gal", "win", "1.0.0")),
		setup: func(w *world) {
			gallerySetup(w)
			w.must(typeImageVersion, apiVersion, versionBody(resID(typeManagedImage, "winimg"), `[{"name":"eastus"}]`), "gal", "win", "1.0.0")
		}}, "ResizeDiskError",
		"The specified disk size 30 GB is smaller than the size of the corresponding disk in the VM image: 127 GB. This is not allowed. Please choose equal or greater size or do not specify an explicit size.", "")
	add("FromImage of a version not in the region", ruleCase{typ: typeDisk, api: apiCompute, names: []string{"disk"},
		body: fmt.Sprintf(`{"location":"westus2","properties":{"creationData":{"createOption":"FromImage","galleryImageReference":{"id":%q}}}}`,
			resID(typeImageVersion, "gal", "win", "1.0.0")),
		setup: func(w *world) {
			gallerySetup(w)
			w.must(typeImageVersion, apiVersion, versionBody(resID(typeManagedImage, "winimg"), `[{"name":"eastus"}]`), "gal", "win", "1.0.0")
		}}, "GalleryImageNotFound",
		`"The gallery image `+resID(typeImageVersion, "gal", "win", "1.0.0")+` is not available in westus2 region. Please contact image owner to replicate to this region, or change your requested region."`, "")
	existing := func(w *world) { w.must(typeDisk, apiCompute, emptyDisk, "disk") }
	add("disk shrunk", ruleCase{typ: typeDisk, api: apiCompute, names: []string{"disk"},
		body: strings.Replace(emptyDisk, "127", "64", 1), setup: existing}, "BadRequest",
		"Disk size cannot be decreased: the disk has 127 GB and the request asks for 64 GB.", "")
	add("createOption changed", ruleCase{typ: typeDisk, api: apiCompute, names: []string{"disk"},
		body: fmt.Sprintf(`{"location":"eastus","properties":{"creationData":{"createOption":"Copy","sourceResourceId":%q}}}`, resID(typeDisk, "disk")), setup: existing},
		"PropertyChangeNotAllowed", "Changing property 'creationData.createOption' is not allowed.", "creationData.createOption")
	runRules(t, cases)
}

func TestDiskDefaults(t *testing.T) {
	w := newWorld(t)
	res := w.must(typeDisk, apiCompute, `{"location":"eastus","properties":{"creationData":{"createOption":"Empty"},"diskSizeGB":"4"}}`, "d")
	p := objAt(res.Body, "properties")
	if strAt(res.Body, "sku", "name") != "Standard_LRS" || at(p, "diskSizeBytes") != int64(4<<30) ||
		strAt(p, "diskState") != "Unattached" || strAt(p, "timeCreated") != "2025-06-01T12:00:00.0000000+00:00" || strAt(p, "uniqueId") == "" {
		t.Errorf("defaults:\n%s", pretty(res.Body))
	}
	// the vm-from-sig prerequisite: FromImage with a purchase plan only
	res = w.must(typeDisk, apiCompute, `{"location":"eastus","sku":{"name":"Standard_LRS"},"properties":{"osType":"Windows",
		"purchasePlan":{"name":"2019-Datacenter","publisher":"MicrosoftWindowsServer","product":"WindowsServer","promotionCode":"latest"},
		"creationData":{"createOption":"FromImage"},"diskSizeGB":127}}`, "plan")
	if len(res.Warnings) != 1 {
		t.Errorf("warnings = %v", res.Warnings)
	}
	// growing is fine; omitting the size keeps it
	w.must(typeDisk, apiCompute, `{"location":"eastus","properties":{"creationData":{"createOption":"Empty"},"diskSizeGB":8}}`, "d")
	res = w.must(typeDisk, apiCompute, `{"location":"eastus","properties":{"creationData":{"createOption":"Empty"}}}`, "d")
	if at(res.Body, "properties", "diskSizeGB") != int64(8) {
		t.Errorf("size kept:\n%s", pretty(res.Body))
	}
}
