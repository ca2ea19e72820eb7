package providers

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/armdeploy/armdeploy/state"
)

// Microsoft.Compute/galleries/images/versions, the image version
// (gallery-rp.md §5, §10).

const typeImageVersion = "Microsoft.Compute/galleries/images/versions"

// Replica counts per region (gallery-rp.md §9: 1..100).
const (
	MinReplicaCount = 1
	MaxReplicaCount = 100
)

func init() { Register(imageVersionProvider{}) }

type imageVersionProvider struct{}

func (imageVersionProvider) Types() []string { return []string{typeImageVersion} }

func (imageVersionProvider) ReadOnly(apiVersion string) []string {
	ro := []string{
		"properties.provisioningState",
		"properties.publishingProfile.publishedDate",
		"properties.storageProfile.osDiskImage.sizeInGB",
		"properties.storageProfile.dataDiskImages.sizeInGB",
		"properties.replicationStatus",
	}
	if apiAtLeast(apiVersion, "2022-01-03") {
		ro = append(ro, "properties.safetyProfile.reportedForPolicyViolation", "properties.safetyProfile.policyViolations")
	}
	if apiAtLeast(apiVersion, "2023-07-03") {
		ro = append(ro, "properties.validationsProfile")
	}
	return ro
}

// versionImmutable lists what cannot change on a version (gallery-rp.md
// §7.1): every source id, the storage account type and the replication
// mode. Regional storage types and data-disk LUNs are checked by Put.
func versionImmutable(apiVersion string) []string {
	im := []string{
		"properties.storageProfile.source.id",
		"properties.storageProfile.osDiskImage.source.id",
		"properties.storageProfile.osDiskImage.source.uri",
		"properties.publishingProfile.storageAccountType",
	}
	if apiAtLeast(apiVersion, "2021-07-01") {
		im = append(im, "properties.publishingProfile.replicationMode")
	}
	if apiAtLeast(apiVersion, "2023-07-03") {
		im = append(im, "properties.storageProfile.source.virtualMachineId")
	}
	return im
}

func (imageVersionProvider) Immutable(apiVersion string) []string {
	return append([]string{"location"}, versionImmutable(apiVersion)...)
}

// versionStorageTypes lists the storage account types an API version
// accepts (gallery-rp.md §2.2; the versions where Premium_LRS and
// PremiumV2_LRS appear are [U]).
func versionStorageTypes(apiVersion string) []string {
	t := []string{"Standard_LRS"}
	if apiAtLeast(apiVersion, "2019-03-01") {
		t = append(t, "Standard_ZRS")
	}
	if apiAtLeast(apiVersion, "2020-09-30") {
		t = append(t, "Premium_LRS")
	}
	if apiAtLeast(apiVersion, "2022-08-03") {
		t = append(t, "PremiumV2_LRS")
	}
	return t
}

// VersionNumber is a parsed image version name, Major.Minor.Patch.
type VersionNumber [3]int32

// ParseVersion parses "Major.Minor.Patch", each part an int32
// (gallery-rp.md §5.2).
func ParseVersion(name string) (VersionNumber, bool) {
	var v VersionNumber
	parts := strings.Split(name, ".")
	if len(parts) != 3 {
		return v, false
	}
	for i, p := range parts {
		if p == "" || strings.TrimLeft(p, "0123456789") != "" {
			return v, false
		}
		n, err := strconv.ParseInt(p, 10, 64)
		if err != nil || n > math.MaxInt32 {
			return v, false
		}
		v[i] = int32(n)
	}
	return v, true
}

// Less orders versions by Major, then Minor, then Patch.
func (v VersionNumber) Less(w VersionNumber) bool {
	for i := range v {
		if v[i] != w[i] {
			return v[i] < w[i]
		}
	}
	return false
}

// targetRegionIndex returns the index of region among a version body's
// target regions, or -1.
func targetRegionIndex(body map[string]any, region string) int {
	region = NormalizeLocation(region)
	for i, t := range arrAt(body, "properties", "publishingProfile", "targetRegions") {
		if NormalizeLocation(strAt(asObj(t), "name")) == region {
			return i
		}
	}
	return -1
}

func asObj(v any) map[string]any {
	o, _ := v.(map[string]any)
	return o
}

const (
	pathSourceID = "properties.storageProfile.source.id"
	msgSource    = "Source %s is not found. Please check source exists, and is in the same region as gallery image version being created."
)

func (imageVersionProvider) Put(ctx context.Context, r *Request) (*Result, error) {
	id, err := parseID(r.ID)
	if err != nil {
		return nil, err
	}
	if err := checkGroup(ctx, r.Store, id); err != nil {
		return nil, err
	}
	// 1 name: Major.Minor.Patch in int32 (gallery-rp.md §5.2)
	if _, ok := ParseVersion(lastSegment(id.Name)); !ok {
		// DOC-TS text, verbatim (gallery-rp.md §5.2); code [U].
		return nil, &Error{Code: "InvalidParameter", Target: "galleryImageVersionName",
			Message: "The image version name is invalid. The image version name should follow Major(int).Minor(int).Patch(int) format, for e.g: 1.0.0, 2018.12.1 etc."}
	}
	// 2 parent definition (gallery-rp.md §5.3 E-V1)
	def, err := checkParent(ctx, r.Store, id)
	if err != nil {
		return nil, err
	}
	defProps := objAt(bodyOf(def), "properties")
	body, props := newBody(r)
	if e := legacyVersionSource(r.APIVersion, props); e != nil {
		return nil, e
	}
	// 3 body: required storage profile, enums, numbers (gallery-rp.md §5.1:
	// SPEC24 required properties and enums)
	sp := objAt(props, "storageProfile")
	if sp == nil {
		e := errRequired("storageProfile")
		e.Target = "galleryImageVersion.properties.storageProfile"
		return nil, e
	}
	pp := child(props, "publishingProfile")
	storageTypes := versionStorageTypes(r.APIVersion)
	if e := firstError(
		coerceInt32(pp, "replicaCount", "properties.publishingProfile.replicaCount"),
		coerceBool(pp, "excludeFromLatest", "properties.publishingProfile.excludeFromLatest"),
		enum(pp, "storageAccountType", "storageAccountType", "galleryImageVersion.properties.publishingProfile.storageAccountType", storageTypes...),
		enum(pp, "replicationMode", "replicationMode", "galleryImageVersion.properties.publishingProfile.replicationMode", "Full", "Shallow"),
	); e != nil {
		return nil, e
	}
	targets := arrAt(pp, "targetRegions")
	for i, t := range targets {
		tr := asObj(t)
		wire := fmt.Sprintf("properties.publishingProfile.targetRegions[%d]", i)
		if tr == nil || strings.TrimSpace(strAt(tr, "name")) == "" {
			e := errRequired("name")
			e.Target = "galleryImageVersion." + wire + ".name"
			return nil, e
		}
		if e := firstError(
			coerceInt32(tr, "regionalReplicaCount", wire+".regionalReplicaCount"),
			coerceBool(tr, "excludeFromLatest", wire+".excludeFromLatest"),
			enum(tr, "storageAccountType", "storageAccountType", "galleryImageVersion."+wire+".storageAccountType", storageTypes...),
		); e != nil {
			return nil, e
		}
	}
	osImg := objAt(sp, "osDiskImage")
	if e := enum(osImg, "hostCaching", "hostCaching", "galleryImageVersion.properties.storageProfile.osDiskImage.hostCaching",
		"None", "ReadOnly", "ReadWrite"); e != nil {
		return nil, e
	}
	dataImgs := arrAt(sp, "dataDiskImages")
	for i, d := range dataImgs {
		dd := asObj(d)
		wire := fmt.Sprintf("properties.storageProfile.dataDiskImages[%d]", i)
		if dd == nil || !has(dd, "lun") {
			e := errRequired("lun")
			e.Target = "galleryImageVersion." + wire + ".lun"
			return nil, e
		}
		if e := firstError(
			coerceInt32(dd, "lun", wire+".lun"),
			enum(dd, "hostCaching", "hostCaching", "galleryImageVersion."+wire+".hostCaching", "None", "ReadOnly", "ReadWrite"),
		); e != nil {
			return nil, e
		}
	}
	// 4 location (gallery-rp.md §12), same name in another location
	// (gallery-rp.md §3.4)
	loc, e := resolveAllowedLocation(ctx, r, body, typeImageVersion)
	if e != nil {
		return nil, e
	}
	if e := checkLocationConflict(r, id, loc); e != nil {
		return nil, e
	}
	// 5 target regions (gallery-rp.md §5.3, §10.1; seed-overview.md "Regions"
	// and "FAQ facts": the source region is among the targets)
	if len(targets) == 0 {
		// [U] the service default when targetRegions is omitted is
		// taken to be the version's own location (gallery-rp.md §16.3).
		targets = []any{map[string]any{"name": loc}}
		set(pp, "targetRegions", targets)
	}
	seen := map[string]bool{}
	var names []string
	for i, t := range targets {
		n := strAt(asObj(t), "name")
		if !ValidLocation(n) {
			e := errLocationNotAvailable(n, typeImageVersion)
			e.Target = fmt.Sprintf("galleryImageVersion.properties.publishingProfile.targetRegions[%d].name", i)
			return nil, e
		}
		if e := checkRegionAccess(ctx, r.Store, id.SubscriptionID, n,
			fmt.Sprintf("galleryImageVersion.properties.publishingProfile.targetRegions[%d].name", i)); e != nil {
			return nil, e
		}
		names = append(names, n)
	}
	for _, n := range names {
		k := NormalizeLocation(n)
		if seen[k] {
			// E-V3, verbatim; code verified.
			return nil, &Error{Code: "InvalidParameter", Target: "galleryImageVersion.properties.publishingProfile.targetRegions",
				Message: "Duplicate regions are not allowed in target publishing regions."}
		}
		seen[k] = true
	}
	if !seen[loc] {
		// E-V2, verbatim; code [U].
		return nil, &Error{Code: "InvalidParameter", Target: "galleryImageVersion.properties.publishingProfile.targetRegions",
			Message: fmt.Sprintf("Gallery image version publishing profile regions '%s' must contain the location of image version '%s'.",
				strings.Join(names, ","), strAt(r.Body, "location"))}
	}
	global := int64(1)
	if v, ok := asInt(at(pp, "replicaCount")); ok {
		if v < MinReplicaCount || v > MaxReplicaCount {
			return nil, errOutOfRange(v, "replicaCount", MinReplicaCount, MaxReplicaCount)
		}
		global = v
	}
	shallow := strings.EqualFold(strAt(pp, "replicationMode"), "Shallow")
	globalType := strAt(pp, "storageAccountType")
	if globalType == "" {
		globalType = "Standard_LRS"
	}
	for _, t := range targets {
		tr := asObj(t)
		count := global
		if v, ok := asInt(at(tr, "regionalReplicaCount")); ok {
			if v < MinReplicaCount || v > MaxReplicaCount {
				return nil, errOutOfRange(v, "regionalReplicaCount", MinReplicaCount, MaxReplicaCount)
			}
			count = v
		}
		if shallow && count != 1 {
			// E-V5: replica count can only be 1 with Shallow
			// replication; the text is [U].
			return nil, &Error{Code: "InvalidParameter", Target: "galleryImageVersion.properties.publishingProfile.replicationMode",
				Message: "Replica count can only be 1 when the replication mode is Shallow."}
		}
		typ := strAt(tr, "storageAccountType")
		if typ == "" {
			typ = globalType
		}
		if typ == "Standard_ZRS" && !HasZones(strAt(tr, "name")) {
			// E-V19, verbatim.
			return nil, &Error{Code: "InvalidParameter", Target: "galleryImageVersion.properties.publishingProfile.targetRegions",
				Message: "ZRS storage account type is not supported in this region."}
		}
	}
	// 6 exactly one source, which exists in the version's location and
	// matches the definition (gallery-rp.md §5.3 E-V6..E-V13, §6;
	// seed-overview.md "FAQ facts")
	src, e2 := checkVersionSource(ctx, r, sp, loc, defProps)
	if e2 != nil {
		return nil, e2
	}
	// 7 end of life (gallery-rp.md §5.3, DOC-TS)
	if e := checkEndOfLife(pp, r.Now, "properties.publishingProfile.endOfLifeDate",
		"galleryImageVersion.properties.publishingProfile.endOfLifeDate"); e != nil {
		return nil, e
	}
	// defaults (server-filled)
	setDefault(pp, "replicaCount", int64(1))
	setDefault(pp, "excludeFromLatest", false)
	defaulted := map[string]bool{"properties.publishingProfile.storageAccountType": true,
		"properties.publishingProfile.replicationMode": true}
	var old map[string]any
	if r.Current != nil {
		old = bodyOf(r.Current)
	} else {
		setDefault(pp, "storageAccountType", "Standard_LRS")
		if apiAtLeast(r.APIVersion, "2021-07-01") {
			setDefault(pp, "replicationMode", "Full")
		}
	}
	// 8 update: immutables, regional storage types, data disks
	// (gallery-rp.md §7.1, §5.3 E-V17/E-V18; seed-overview.md "What can
	// change after creation")
	if old != nil {
		if e := checkImmutable(body, old, versionImmutable(r.APIVersion), defaulted,
			func(p string) string { return "galleryImageVersion." + p }); e != nil {
			return nil, e
		}
		setDefault(pp, "storageAccountType", "Standard_LRS")
		if apiAtLeast(r.APIVersion, "2021-07-01") {
			setDefault(pp, "replicationMode", "Full")
		}
		globalType = strAt(pp, "storageAccountType")
		oldTargets := arrAt(old, "properties", "publishingProfile", "targetRegions")
		for _, t := range targets {
			tr := asObj(t)
			for _, o := range oldTargets {
				ot := asObj(o)
				if NormalizeLocation(strAt(ot, "name")) != NormalizeLocation(strAt(tr, "name")) {
					continue
				}
				typ := strAt(tr, "storageAccountType")
				if typ == "" {
					typ = globalType
				}
				if was := strAt(ot, "storageAccountType"); was != "" && !strings.EqualFold(was, typ) {
					// E-V18, verbatim; code [U].
					return nil, &Error{Code: "InvalidParameter", Target: "galleryImageVersion.properties.publishingProfile.targetRegions",
						Message: fmt.Sprintf("Global storage account type does not match the storage account type in the existing TargetRegion: '%s'. Please specify '%s' as the storage account type for this region.",
							strAt(ot, "name"), was)}
				}
			}
		}
		if len(dataImgs) > 0 {
			oldLuns := map[int64]bool{}
			for _, d := range arrAt(old, "properties", "storageProfile", "dataDiskImages") {
				n, _ := asInt(at(asObj(d), "lun"))
				oldLuns[n] = true
			}
			for _, d := range dataImgs {
				if n, _ := asInt(at(asObj(d), "lun")); !oldLuns[n] {
					// E-V17, verbatim.
					return nil, &Error{Code: "InvalidParameter", Target: "galleryImageVersion.properties.storageProfile.dataDiskImages",
						Message: "Adding new Data Disks or changing the LUN of a Data Disk in an existing Image is not allowed."}
				}
			}
		}
	}
	// 9 quota: 10,000 versions per subscription and region (gallery-rp.md §9;
	// seed-overview.md "Limits")
	if err := checkQuota(ctx, r, id, loc, "image versions", MaxImageVersionsPerRegion); err != nil {
		return nil, err
	}

	// read-only and defaulted values
	globalType = strAt(pp, "storageAccountType")
	var steps []Step
	var summary []any
	oldCounts := map[string]int64{}
	if old != nil {
		for _, o := range arrAt(old, "properties", "publishingProfile", "targetRegions") {
			n, _ := asInt(at(asObj(o), "regionalReplicaCount"))
			oldCounts[NormalizeLocation(strAt(asObj(o), "name"))] = n
		}
	}
	for _, t := range targets {
		tr := asObj(t)
		setDefault(tr, "regionalReplicaCount", global)
		setDefault(tr, "storageAccountType", globalType)
		region := NormalizeLocation(strAt(tr, "name"))
		count, _ := asInt(at(tr, "regionalReplicaCount"))
		if add := count - oldCounts[region]; add > 0 {
			steps = append(steps, Step{Name: region, Weight: float64(src.sizeGB * add)})
		}
		summary = append(summary, map[string]any{"region": RegionDisplayName(region), "state": "Completed", "details": "", "progress": int64(100)})
	}
	published := r.Now
	if old != nil {
		if s := strAt(old, "properties", "publishingProfile", "publishedDate"); s != "" {
			if t, ok := parseDate(s); ok {
				published = t
			}
		}
	}
	set(pp, "publishedDate", formatDate(published))
	osImg = child(sp, "osDiskImage")
	set(osImg, "sizeInGB", src.sizeGB)
	caching := src.caching
	if caching == "" {
		caching = "ReadWrite" // [U] service default when neither request nor source says
	}
	setDefault(osImg, "hostCaching", caching)
	if len(dataImgs) == 0 && len(src.dataDisks) > 0 {
		set(sp, "dataDiskImages", src.dataDisks)
	}
	set(props, "replicationStatus", map[string]any{"aggregatedState": "Completed", "summary": summary})
	set(props, "provisioningState", "Succeeded")
	return &Result{Body: body, Replication: steps}, nil
}

// firstError returns the first non-nil error.
func firstError(es ...*Error) *Error {
	for _, e := range es {
		if e != nil {
			return e
		}
	}
	return nil
}

func (imageVersionProvider) Delete(context.Context, *DeleteRequest) error { return nil }

// excludedFromLatest reports whether a version is hidden from "latest" in a
// region: the region's own flag wins over the version's (gallery-rp.md
// §10.2; DOC-ACG's name regionalExcludeFromLatest is accepted too).
func excludedFromLatest(body map[string]any, region string) bool {
	if i := targetRegionIndex(body, region); i >= 0 {
		tr := asObj(arrAt(body, "properties", "publishingProfile", "targetRegions")[i])
		for _, k := range []string{"excludeFromLatest", "regionalExcludeFromLatest"} {
			if b, ok := asBool(at(tr, k)); ok {
				return b
			}
		}
	}
	b, _ := asBool(at(body, "properties", "publishingProfile", "excludeFromLatest"))
	return b
}

// ReplicatedTo reports whether a stored image version is usable in a
// region: the region is a target and its replication (when reported)
// completed, and the version succeeded or is still replicating to other
// regions (seed-overview.md "Scaling and replication": once a region
// completes, VMs can be created there).
func ReplicatedTo(v *state.Resource, region string) bool {
	b := bodyOf(v)
	if targetRegionIndex(b, region) < 0 {
		return false
	}
	sum := arrAt(b, "properties", "replicationStatus", "summary")
	if sum == nil {
		return provisioned(b)
	}
	switch st := strAt(b, "properties", "provisioningState"); {
	case provisioned(b), strings.EqualFold(st, "Creating"), strings.EqualFold(st, "Updating"):
	default:
		return false
	}
	for _, s := range sum {
		so := asObj(s)
		if NormalizeLocation(strAt(so, "region")) == NormalizeLocation(region) {
			return strings.EqualFold(strAt(so, "state"), "Completed")
		}
	}
	return false
}

// LatestVersion returns the version of a definition that "latest" resolves
// to in a region: the highest Major.Minor.Patch that is replicated there
// and not excluded from latest (gallery-rp.md §10.2). It returns nil and
// no error when no version qualifies.
func LatestVersion(ctx context.Context, store state.Reader, definitionID, region string) (*state.Resource, error) {
	vs, err := children(ctx, store, definitionID, typeImageVersion)
	if err != nil {
		return nil, err
	}
	var best *state.Resource
	var bestV VersionNumber
	for _, v := range vs {
		n, ok := ParseVersion(lastSegment(v.Name))
		if !ok || !ReplicatedTo(v, region) || excludedFromLatest(bodyOf(v), region) {
			continue
		}
		if best == nil || bestV.Less(n) {
			best, bestV = v, n
		}
	}
	return best, nil
}

// legacySourceAPI is the first api-version whose image versions name
// their source in storageProfile; the versions before it (the seed's
// 2018-06-01, and 2019-03-01) name a managed image in
// publishingProfile.source.managedImage.id and nothing else (gallery-rp.md
// §5.1 "the very old source path"): a disk or snapshot cannot be a version
// then (seed-overview.md FAQ). The cut at 2019-07-01 is [U].
const legacySourceAPI = "2019-07-01"

// legacyVersionSource turns an old api-version's source
// (publishingProfile.source.managedImage.id) into the storage profile the
// rest of the provider reads, refusing any other source.
func legacyVersionSource(api string, props map[string]any) *Error {
	if apiAtLeast(api, legacySourceAPI) {
		return nil
	}
	target := "galleryImageVersion.properties.publishingProfile.source.managedImage.id"
	src := strAt(props, "publishingProfile", "source", "managedImage", "id")
	if src == "" {
		e := errRequired("managedImage")
		e.Target = target
		return e
	}
	if p, err := state.ParseResourceID(src); err != nil || !typeIs(p.Type, typeManagedImage) {
		// [U] text; the path is the one the service names (packer#9716).
		return &Error{Code: "InvalidParameter", Target: target,
			Message: fmt.Sprintf("The source '%s' of a gallery image version must be a managed image with api-version %s; disks and snapshots need api-version %s or later.", src, api, legacySourceAPI)}
	}
	del(props, "storageProfile")
	set(child(child(props, "storageProfile"), "source"), "id", src)
	return nil
}
