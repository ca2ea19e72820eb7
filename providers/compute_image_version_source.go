package providers

import (
	"context"
	"fmt"
	"strings"

	"github.com/armdeploy/armdeploy/state"
)

// The source of an image version: which resource it is made from, whether
// it exists and is in the version's region, and what it says about the
// image (OS type, state, generation, size).

// imageSource is what a version needs to know of its source.
type imageSource struct {
	osType, osState, generation string // "" when the source does not say
	sizeGB                      int64
	caching                     string
	dataDisks                   []any
}

// describeSource reads the OS type, state, generation and size of a
// version's source.
func describeSource(ctx context.Context, store state.Reader, res *state.Resource) (*imageSource, error) {
	b := bodyOf(res)
	p := objAt(b, "properties")
	s := &imageSource{}
	switch {
	case typeIs(res.Type, typeManagedImage):
		od := objAt(p, "storageProfile", "osDisk")
		s.osType, s.osState = strAt(od, "osType"), strAt(od, "osState")
		s.generation = strAt(p, "hyperVGeneration")
		if s.generation == "" {
			s.generation = "V1"
		}
		s.sizeGB, _ = asInt(at(od, "diskSizeGB"))
		s.caching = strAt(od, "caching")
		for _, d := range arrAt(p, "storageProfile", "dataDisks") {
			dd, _ := d.(map[string]any)
			lun, _ := asInt(at(dd, "lun"))
			size, _ := asInt(at(dd, "diskSizeGB"))
			c := strAt(dd, "caching")
			if c == "" {
				c = "None"
			}
			s.dataDisks = append(s.dataDisks, map[string]any{"lun": lun, "sizeInGB": size, "hostCaching": c})
		}
	case typeIs(res.Type, typeImageVersion):
		s.sizeGB, _ = asInt(at(p, "storageProfile", "osDiskImage", "sizeInGB"))
		s.caching = strAt(p, "storageProfile", "osDiskImage", "hostCaching")
		def, err := lookup(ctx, store, res.Parent)
		if err != nil {
			return nil, err
		}
		if def == nil {
			def, err = lookup(ctx, store, parentID(res.ID))
			if err != nil {
				return nil, err
			}
		}
		if def != nil {
			dp := objAt(bodyOf(def), "properties")
			s.osType, s.osState, s.generation = strAt(dp, "osType"), strAt(dp, "osState"), strAt(dp, "hyperVGeneration")
		}
	case typeIs(res.Type, typeVirtualMachine):
		od := objAt(p, "storageProfile", "osDisk")
		s.osType = strAt(od, "osType")
		s.sizeGB, _ = asInt(at(od, "diskSizeGB"))
		s.caching = strAt(od, "caching")
	default: // disks and snapshots
		s.osType = strAt(p, "osType")
		s.generation = strAt(p, "hyperVGeneration")
		s.sizeGB, _ = asInt(at(p, "diskSizeGB"))
	}
	if s.sizeGB <= 0 {
		s.sizeGB = defaultDiskSize(s.osType)
	}
	return s, nil
}

// sourceInRegion reports whether a source can feed a version in location:
// it is there, or, for another version, it is replicated there.
func sourceInRegion(res *state.Resource, location string) bool {
	if typeIs(res.Type, typeImageVersion) {
		return targetRegionIndex(bodyOf(res), location) >= 0
	}
	return locationOf(res) == location
}

// checkVersionSource applies E-V6..E-V13, E-V15 and E-V16 to a version's
// storage profile.
func checkVersionSource(ctx context.Context, r *Request, sp map[string]any, loc string, defProps map[string]any) (*imageSource, error) {
	direct := []struct{ ref, path string }{
		{strAt(sp, "source", "id"), pathSourceID},
		{strAt(sp, "source", "virtualMachineId"), "properties.storageProfile.source.virtualMachineId"},
		{strAt(sp, "source", "communityGalleryImageId"), "properties.storageProfile.source.communityGalleryImageId"},
	}
	nDirect := 0
	for _, d := range direct {
		if d.ref != "" {
			nDirect++
		}
	}
	osSrc := objAt(sp, "osDiskImage", "source")
	osDisk := strAt(osSrc, "id") != "" || strAt(osSrc, "uri") != ""
	dataSrc := false
	for _, d := range arrAt(sp, "dataDiskImages") {
		s := objAt(asObj(d), "source")
		if strAt(s, "id") != "" || strAt(s, "uri") != "" {
			dataSrc = true
		}
	}
	if nDirect > 1 || nDirect == 1 && (osDisk || dataSrc) || nDirect == 0 && !osDisk {
		// E-V10, verbatim.
		return nil, &Error{Code: "InvalidParameter", Target: "galleryImageVersion.properties.storageProfile",
			Message: "The gallery artifact version source can only be specified either directly under storageProfile or within individual OS or data disks. One and only one source type (user image, snapshot, disk, virtual machine) can be provided."}
	}
	var src *imageSource
	if nDirect == 1 {
		for i, d := range direct {
			if d.ref == "" {
				continue
			}
			if i == 2 {
				// Community gallery images live outside the store: accept
				// them unchecked [U].
				src = &imageSource{sizeGB: defaultDiskSize(strAt(defProps, "osType"))}
				break
			}
			p, e := parseRef(d.ref, d.path)
			if e != nil {
				return nil, e
			}
			ok := typeIs(p.Type, typeManagedImage) || typeIs(p.Type, typeImageVersion) || typeIs(p.Type, typeVirtualMachine)
			if i == 1 {
				ok = typeIs(p.Type, typeVirtualMachine)
			}
			if !ok {
				// E-V8, verbatim.
				return nil, &Error{Code: "InvalidParameter", Target: d.path,
					Message: fmt.Sprintf("The source id: %s must either be a managed image, virtual machine or another gallery image version", d.ref)}
			}
			res, err := lookup(ctx, r.Store, d.ref)
			if err != nil {
				return nil, err
			}
			if res == nil || !sourceInRegion(res, loc) {
				// E-V6, verbatim; code [U].
				return nil, &Error{Code: "InvalidParameter", Target: d.path, Message: fmt.Sprintf(msgSource, d.ref)}
			}
			if src, err = describeSource(ctx, r.Store, res); err != nil {
				return nil, err
			}
		}
	} else {
		var err error
		if src, err = diskSource(ctx, r, osSrc, "properties.storageProfile.osDiskImage.source.id", loc, strAt(defProps, "osType")); err != nil {
			return nil, err
		}
	}
	// data disks: LUNs and sources unique (E-V15, E-V16), sources valid
	luns := map[int64]bool{}
	srcs := map[string]bool{}
	if id := strings.ToLower(strAt(osSrc, "id") + strAt(osSrc, "uri")); id != "" {
		srcs[id] = true
	}
	for i, d := range arrAt(sp, "dataDiskImages") {
		dd := asObj(d)
		lun, _ := asInt(at(dd, "lun"))
		if luns[lun] {
			// E-V15, verbatim.
			return nil, &Error{Code: "InvalidParameter", Target: "galleryImageVersion.properties.storageProfile.dataDiskImages",
				Message: "Duplicated lun numbers have been detected in the input data disks. Lun number must be unique for each data disk."}
		}
		luns[lun] = true
		s := objAt(dd, "source")
		key := strings.ToLower(strAt(s, "id") + strAt(s, "uri"))
		if key == "" {
			continue
		}
		if srcs[key] {
			// E-V16, verbatim.
			return nil, &Error{Code: "InvalidParameter", Target: "galleryImageVersion.properties.storageProfile.dataDiskImages",
				Message: "Duplicated source ids are found in the input disks. Source id should be unique for each disk."}
		}
		srcs[key] = true
		ds, err := diskSource(ctx, r, s, fmt.Sprintf("properties.storageProfile.dataDiskImages[%d].source.id", i), loc, "")
		if err != nil {
			return nil, err
		}
		set(dd, "sizeInGB", ds.sizeGB)
		setDefault(dd, "hostCaching", "None")
	}
	// OS type, state and generation against the definition
	// (E-V11, E-V13, E-V12)
	srcID := direct[0].ref + direct[1].ref + strAt(osSrc, "id") + strAt(osSrc, "uri")
	defType, defState, defGen := strAt(defProps, "osType"), strAt(defProps, "osState"), strAt(defProps, "hyperVGeneration")
	if defGen == "" {
		defGen = "V1"
	}
	if src.osType != "" && defType != "" && !strings.EqualFold(src.osType, defType) {
		return nil, &Error{Code: "InvalidParameter", Target: pathSourceID,
			Message: fmt.Sprintf("The resource with id '%s' has a different OS type ['%s'] than the parent gallery image OS type generation ['%s']", srcID, src.osType, defType)}
	}
	if src.osState != "" && defState != "" && !strings.EqualFold(src.osState, defState) {
		return nil, &Error{Code: "InvalidParameter", Target: pathSourceID,
			Message: fmt.Sprintf("Cannot create Gallery Image Version from: %s since the OS State in the parent gallery image (%s) is not %s.", srcID, defState, src.osState)}
	}
	if src.generation != "" && !strings.EqualFold(src.generation, defGen) {
		return nil, &Error{Code: "InvalidParameter", Target: pathSourceID,
			Message: fmt.Sprintf("The resource with id '%s' has a different Hypervisor generation ['%s'] than the parent gallery image Hypervisor generation ['%s']", srcID, src.generation, defGen)}
	}
	return src, nil
}

// diskSource checks a disk-level source (a managed disk or snapshot id, or
// a VHD uri) and describes it.
func diskSource(ctx context.Context, r *Request, s map[string]any, path, loc, osType string) (*imageSource, error) {
	ref := strAt(s, "id")
	if ref == "" {
		// A VHD blob: nothing in the store to check [U size].
		return &imageSource{sizeGB: defaultDiskSize(osType)}, nil
	}
	p, e := parseRef(ref, path)
	if e != nil {
		return nil, e
	}
	if !typeIs(p.Type, "Microsoft.Compute/disks") && !typeIs(p.Type, "Microsoft.Compute/snapshots") {
		// E-V9, verbatim.
		return nil, &Error{Code: "InvalidParameter", Target: path,
			Message: fmt.Sprintf("The source id: %s must be a managed disk or snapshot.", ref)}
	}
	res, err := lookup(ctx, r.Store, ref)
	if err != nil {
		return nil, err
	}
	if res == nil || locationOf(res) != loc {
		return nil, &Error{Code: "InvalidParameter", Target: path, Message: fmt.Sprintf(msgSource, ref)}
	}
	return describeSource(ctx, r.Store, res)
}

// defaultDiskSize is the OS disk size assumed for a source that gives none
// (a VHD blob): the marketplace sizes, 127 GB Windows and 30 GB Linux [U].
func defaultDiskSize(osType string) int64 {
	if strings.EqualFold(osType, "Linux") {
		return 30
	}
	return 127
}
