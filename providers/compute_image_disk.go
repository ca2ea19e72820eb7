package providers

import (
	"context"
	"fmt"
	"strings"
)

// Microsoft.Compute/images (managed images) and Microsoft.Compute/disks,
// as the quickstart prerequisites use them (gallery-rp.md §6).

const (
	typeManagedImage = "Microsoft.Compute/images"
	typeDisk         = "Microsoft.Compute/disks"
)

func init() {
	Register(managedImageProvider{})
	Register(diskProvider{})
}

// ---- managed images -----------------------------------------------------

type managedImageProvider struct{}

func (managedImageProvider) Types() []string { return []string{typeManagedImage} }

func (managedImageProvider) ReadOnly(string) []string {
	return []string{"properties.provisioningState"}
}

// managedImageImmutable: a managed image is not changed in place
// (gallery-rp.md §6; zoneResilient is the observed case).
var managedImageImmutable = []string{
	"properties.storageProfile.osDisk.osType", "properties.storageProfile.osDisk.osState",
	"properties.storageProfile.osDisk.managedDisk.id", "properties.storageProfile.osDisk.blobUri",
	"properties.storageProfile.osDisk.snapshot.id", "properties.sourceVirtualMachine.id",
	"properties.hyperVGeneration", "properties.storageProfile.zoneResilient",
}

func (managedImageProvider) Immutable(string) []string {
	return append([]string{"location"}, managedImageImmutable...)
}

// computeShortPath names a Compute property as the Compute RP does in
// PropertyChangeNotAllowed ("zoneResilient", "osDisk.osType").
func computeShortPath(p string) string {
	p = strings.TrimPrefix(p, "properties.")
	return strings.TrimPrefix(p, "storageProfile.")
}

func (managedImageProvider) Put(ctx context.Context, r *Request) (*Result, error) {
	_, body, props, loc, err := begin(ctx, r, typeManagedImage)
	if err != nil {
		return nil, err
	}
	// 1 location (gallery-rp.md §12)
	// 2 body (gallery-rp.md §6: the fields the prerequisites use)
	if e := enum(props, "hyperVGeneration", "hyperVGeneration", "hyperVGeneration", "V1", "V2"); e != nil {
		return nil, e
	}
	spr := child(props, "storageProfile")
	if e := coerceBool(spr, "zoneResilient", "properties.storageProfile.zoneResilient"); e != nil {
		return nil, e
	}
	vmRef := strAt(props, "sourceVirtualMachine", "id")
	od := objAt(spr, "osDisk")
	if od == nil && vmRef == "" {
		return nil, errRequired("osDisk")
	}
	if vmRef != "" {
		// 3a captured from a VM: it must exist in the image's region
		// (seed-overview.md "FAQ facts": same location; gallery-rp.md §6) [U text]
		p, e := parseRef(vmRef, "properties.sourceVirtualMachine.id")
		if e != nil {
			return nil, e
		}
		vm, err := lookup(ctx, r.Store, vmRef)
		if err != nil {
			return nil, err
		}
		if vm == nil || !typeIs(p.Type, typeVirtualMachine) {
			return nil, errResourceNotFound(vmRef)
		}
		if locationOf(vm) != loc {
			return nil, errInvalidReference(vmRef, r.ID)
		}
		if od == nil {
			vod := objAt(bodyOf(vm), "properties", "storageProfile", "osDisk")
			od = map[string]any{"osType": strAt(vod, "osType"), "osState": "Generalized"}
			if n, ok := asInt(at(vod, "diskSizeGB")); ok {
				od["diskSizeGB"] = n
			}
			set(spr, "osDisk", od)
		}
	}
	// 3b the OS disk: type, state, exactly one source (gallery-rp.md §6)
	if !has(od, "osType") {
		return nil, errRequired("osDisk.osType")
	}
	if !has(od, "osState") {
		return nil, errRequired("osDisk.osState")
	}
	if e := firstError(
		enum(od, "osType", "osDisk.osType", "osDisk.osType", "Windows", "Linux"),
		enum(od, "osState", "osDisk.osState", "osDisk.osState", "Generalized", "Specialized"),
		enum(od, "caching", "osDisk.caching", "osDisk.caching", "None", "ReadOnly", "ReadWrite"),
		enum(od, "storageAccountType", "osDisk.storageAccountType", "osDisk.storageAccountType",
			"Standard_LRS", "Premium_LRS", "StandardSSD_LRS", "UltraSSD_LRS", "Premium_ZRS", "StandardSSD_ZRS", "PremiumV2_LRS"),
		coerceInt32(od, "diskSizeGB", "properties.storageProfile.osDisk.diskSizeGB"),
	); e != nil {
		return nil, e
	}
	diskRef, snapRef, blob := strAt(od, "managedDisk", "id"), strAt(od, "snapshot", "id"), strAt(od, "blobUri")
	n := 0
	for _, s := range []string{diskRef, snapRef, blob} {
		if s != "" {
			n++
		}
	}
	if vmRef == "" && n != 1 {
		// One OS disk source: managedDisk.id, blobUri or snapshot.id
		// (gallery-rp.md §6) [U text].
		return nil, &Error{Code: "InvalidParameter", Target: "osDisk",
			Message: "Exactly one of the properties 'managedDisk', 'snapshot' or 'blobUri' must be specified for the OS disk."}
	}
	// 4 the source disk or snapshot exists in the image's region
	// (gallery-rp.md §6, E-V6)
	for _, ref := range []struct{ id, path string }{{diskRef, "properties.storageProfile.osDisk.managedDisk.id"}, {snapRef, "properties.storageProfile.osDisk.snapshot.id"}} {
		if ref.id == "" {
			continue
		}
		if _, e := parseRef(ref.id, ref.path); e != nil {
			return nil, e
		}
		src, err := lookup(ctx, r.Store, ref.id)
		if err != nil {
			return nil, err
		}
		if src == nil {
			return nil, errResourceNotFound(ref.id)
		}
		if locationOf(src) != loc {
			return nil, errInvalidReference(ref.id, r.ID)
		}
		if !has(od, "diskSizeGB") {
			if size, ok := asInt(at(bodyOf(src), "properties", "diskSizeGB")); ok {
				set(od, "diskSizeGB", size)
			}
		}
	}
	if !has(od, "diskSizeGB") {
		set(od, "diskSizeGB", defaultDiskSize(strAt(od, "osType"))) // a VHD: size assumed [U]
	}
	for i, d := range arrAt(spr, "dataDisks") {
		dd := asObj(d)
		wire := fmt.Sprintf("properties.storageProfile.dataDisks[%d]", i)
		if e := firstError(coerceInt32(dd, "lun", wire+".lun"), coerceInt32(dd, "diskSizeGB", wire+".diskSizeGB")); e != nil {
			return nil, e
		}
		if ref := strAt(dd, "managedDisk", "id"); ref != "" {
			src, err := lookup(ctx, r.Store, ref)
			if err != nil {
				return nil, err
			}
			if src == nil {
				return nil, errResourceNotFound(ref)
			}
			if size, ok := asInt(at(bodyOf(src), "properties", "diskSizeGB")); ok && !has(dd, "diskSizeGB") {
				set(dd, "diskSizeGB", size)
			}
		}
	}
	// 5 update: immutables (gallery-rp.md §6, §7.2: zoneResilient)
	defaulted := map[string]bool{"properties.hyperVGeneration": true}
	if r.Current != nil {
		if e := checkImmutable(body, bodyOf(r.Current), managedImageImmutable, defaulted, computeShortPath); e != nil {
			return nil, e
		}
	}
	setDefault(props, "hyperVGeneration", "V1")
	setDefault(od, "caching", "ReadWrite") // [U]
	set(props, "provisioningState", "Succeeded")
	return &Result{Body: body}, nil
}

func (managedImageProvider) Delete(context.Context, *DeleteRequest) error { return nil }

// ---- disks ----------------------------------------------------------------

type diskProvider struct{}

func (diskProvider) Types() []string { return []string{typeDisk} }

func (diskProvider) ReadOnly(string) []string {
	return []string{"properties.provisioningState", "properties.timeCreated", "properties.uniqueId",
		"properties.diskState", "properties.diskSizeBytes"}
}

var diskImmutable = []string{
	"properties.creationData.createOption", "properties.creationData.sourceResourceId",
	"properties.creationData.sourceUri", "properties.creationData.imageReference.id",
	"properties.creationData.galleryImageReference.id",
}

func (diskProvider) Immutable(string) []string { return append([]string{"location"}, diskImmutable...) }

// diskSkus lists the disk SKUs an API version accepts (gallery-rp.md §6;
// the zonal and v2 SKUs' first versions are [U]).
func diskSkus(apiVersion string) []string {
	s := []string{"Standard_LRS", "Premium_LRS", "StandardSSD_LRS", "UltraSSD_LRS"}
	if apiAtLeast(apiVersion, "2020-12-01") {
		s = append(s, "Premium_ZRS", "StandardSSD_ZRS")
	}
	if apiAtLeast(apiVersion, "2022-07-02") {
		s = append(s, "PremiumV2_LRS")
	}
	return s
}

// MaxDiskSizeGB is the largest managed disk (32 TiB) [U: general Azure
// limit, not in gallery-rp.md].
const MaxDiskSizeGB = 32767

func (diskProvider) Put(ctx context.Context, r *Request) (*Result, error) {
	id, body, props, loc, err := begin(ctx, r, typeDisk)
	if err != nil {
		return nil, err
	}
	var warnings []string
	// 1 location (gallery-rp.md §12)
	// 2 body: sku, createOption, enums, numbers (gallery-rp.md §6: SCHEMA20
	// enums)
	sku := child(body, "sku")
	if e := enum(sku, "name", "sku.name", "sku.name", diskSkus(r.APIVersion)...); e != nil {
		return nil, e
	}
	setDefault(sku, "name", "Standard_LRS")
	cd := objAt(props, "creationData")
	if !has(cd, "createOption") {
		return nil, errRequired("creationData.createOption")
	}
	if e := firstError(
		enum(cd, "createOption", "creationData.createOption", "creationData.createOption",
			"Empty", "FromImage", "Import", "Copy", "Restore", "Upload", "Attach", "CopyStart", "ImportSecure", "UploadPreparedSecure", "CopyFromSanSnapshot"),
		enum(props, "osType", "osType", "osType", "Windows", "Linux"),
		enum(props, "hyperVGeneration", "hyperVGeneration", "hyperVGeneration", "V1", "V2"),
		coerceInt32(props, "diskSizeGB", "properties.diskSizeGB"),
	); e != nil {
		return nil, e
	}
	size, hasSize := asInt(at(props, "diskSizeGB"))
	if hasSize && (size < 1 || size > MaxDiskSizeGB) {
		return nil, errOutOfRange(size, "diskSizeGB", 1, MaxDiskSizeGB) // [U] text pattern of E-V4
	}
	if !hasSize && r.Current != nil {
		// an update that omits the size keeps it
		if was, ok := asInt(at(bodyOf(r.Current), "properties", "diskSizeGB")); ok {
			size, hasSize = was, true
			set(props, "diskSizeGB", was)
		}
	}
	// 3 per createOption (gallery-rp.md §6) [U: the rules of each option are
	// the Compute RP's as Azure docs describe creationData]
	switch strAt(cd, "createOption") {
	case "Empty":
		if !hasSize {
			return nil, errRequired("diskSizeGB")
		}
	case "FromImage":
		ref := strAt(cd, "imageReference", "id")
		if ref == "" {
			ref = strAt(cd, "galleryImageReference", "id")
		}
		if ref == "" {
			// The vm-from-sig prerequisite creates such a disk (with a
			// purchase plan only); Azure requires an image reference.
			warnings = append(warnings, "disk "+id.Name+": createOption FromImage without creationData.imageReference; the simulator accepts it, Azure would not")
			if !hasSize {
				return nil, errRequired("diskSizeGB")
			}
			break
		}
		if _, e := parseRef(ref, "properties.creationData.imageReference.id"); e != nil {
			return nil, e
		}
		img, err := lookup(ctx, r.Store, ref)
		if err != nil {
			return nil, err
		}
		if img == nil || typeIs(img.Type, typeImageVersion) && !ReplicatedTo(img, loc) {
			return nil, errGalleryImageNotFound(ref, loc)
		}
		src, err := describeSource(ctx, r.Store, img)
		if err != nil {
			return nil, err
		}
		if !hasSize {
			size = src.sizeGB
			set(props, "diskSizeGB", size)
		} else if size < src.sizeGB {
			// A disk is at least its image's size (Azure docs, managed disks:
			// "expand-disks", the size must be equal or greater) [U: the
			// Compute RP's text, as recalled].
			return nil, &Error{Code: "ResizeDiskError", Target: "diskSizeGB",
				Message: fmt.Sprintf("The specified disk size %d GB is smaller than the size of the corresponding disk in the VM image: %d GB. This is not allowed. Please choose equal or greater size or do not specify an explicit size.", size, src.sizeGB)}
		}
		if !has(props, "osType") && src.osType != "" {
			set(props, "osType", src.osType)
		}
	case "Copy", "Restore":
		ref := strAt(cd, "sourceResourceId")
		if ref == "" {
			return nil, errRequired("creationData.sourceResourceId")
		}
		if _, e := parseRef(ref, "properties.creationData.sourceResourceId"); e != nil {
			return nil, e
		}
		src, err := lookup(ctx, r.Store, ref)
		if err != nil {
			return nil, err
		}
		if src == nil {
			return nil, errResourceNotFound(ref)
		}
		if n, ok := asInt(at(bodyOf(src), "properties", "diskSizeGB")); ok && !hasSize {
			size = n
			set(props, "diskSizeGB", n)
		}
	case "Import", "ImportSecure":
		if strAt(cd, "sourceUri") == "" {
			return nil, errRequired("creationData.sourceUri")
		}
	case "Upload", "UploadPreparedSecure":
		if !has(cd, "uploadSizeBytes") {
			return nil, errRequired("creationData.uploadSizeBytes")
		}
	}
	// 4 update: immutables; a disk only grows (Azure docs: "expand-disks",
	// managed disks can be enlarged, not shrunk) [U text]
	if r.Current != nil {
		old := bodyOf(r.Current)
		if e := checkImmutable(body, old, diskImmutable, nil, computeShortPath); e != nil {
			return nil, e
		}
		if was, ok := asInt(at(old, "properties", "diskSizeGB")); ok {
			if size < was {
				// [U] text: Azure refuses to shrink a disk.
				return nil, &Error{Code: "BadRequest", Target: "diskSizeGB",
					Message: fmt.Sprintf("Disk size cannot be decreased: the disk has %d GB and the request asks for %d GB.", was, size)}
			}
		}
	}
	// read-only values
	created := r.Now
	if r.Current != nil {
		if t, ok := parseDate(strAt(bodyOf(r.Current), "properties", "timeCreated")); ok {
			created = t
		}
	}
	set(props, "timeCreated", formatDate(created))
	set(props, "uniqueId", stableGUID(strings.ToLower(r.ID)))
	set(props, "diskState", "Unattached")
	if size > 0 {
		set(props, "diskSizeBytes", size<<30)
	}
	set(props, "provisioningState", "Succeeded")
	return &Result{Body: body, Warnings: warnings}, nil
}

func (diskProvider) Delete(context.Context, *DeleteRequest) error { return nil }
