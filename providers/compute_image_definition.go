package providers

import (
	"context"
	"fmt"
	"strings"
)

// Microsoft.Compute/galleries/images, the image definition
// (gallery-rp.md §4).

const typeImageDefinition = "Microsoft.Compute/galleries/images"

func init() { Register(imageDefinitionProvider{}) }

type imageDefinitionProvider struct{}

func (imageDefinitionProvider) Types() []string { return []string{typeImageDefinition} }

func (imageDefinitionProvider) ReadOnly(string) []string {
	return []string{"properties.provisioningState"}
}

// definitionImmutable lists what cannot change on a definition
// (gallery-rp.md §7.1), as paths below the body.
func definitionImmutable(apiVersion string) []string {
	im := []string{
		"properties.osType", "properties.osState", "properties.hyperVGeneration",
		"properties.identifier.publisher", "properties.identifier.offer", "properties.identifier.sku",
		"properties.eula", "properties.privacyStatementUri",
		"properties.purchasePlan.name", "properties.purchasePlan.publisher", "properties.purchasePlan.product",
	}
	if apiAtLeast(apiVersion, "2021-10-01") {
		im = append(im, "properties.architecture")
	}
	return im
}

func (imageDefinitionProvider) Immutable(apiVersion string) []string {
	return append([]string{"location"}, definitionImmutable(apiVersion)...)
}

// definitionNameError applies gallery-rp.md §4.2's recommended rule: 1-80
// characters, letters, digits, '.', '_' and '-', starting and ending with a
// letter or digit.
func definitionNameError(gallery, name string) *Error {
	if trail := invalidTrailing(name, "._-"); trail != "" && validChars(strings.TrimRight(name, "._-"), "._-") &&
		strings.TrimRight(name, "._-") != "" && alnum(name[0]) && len(name) <= 80 {
		return errTrailing(gallery+"/"+name, trail)
	}
	if len(name) < 1 || len(name) > 80 || !alnum(name[0]) || !alnum(name[len(name)-1]) || !validChars(name, "._-") {
		// DOC-TS text, verbatim (gallery-rp.md §4.2); code [U].
		return &Error{Code: "InvalidParameter", Target: "galleryImageName",
			Message: fmt.Sprintf("The entity name %s is invalid according to its validation rule: ^[^_\\W][\\w-._]{0,79}(?<![-.])$", name)}
	}
	return nil
}

// identifierError is DOC-TS's text for a bad identifier field
// (gallery-rp.md §4.2), verbatim.
func identifierError(field string, max int) *Error {
	path := "galleryImage.properties.identifier." + field
	return &Error{Code: "InvalidParameter", Target: path,
		Message: fmt.Sprintf("Asset name %s is not valid. It cannot be empty. Allowed characters are uppercase or lowercase letters, digits, hyphen(-), period (.), underscore (_). Names are not allowed to end with period(.). The length of the name cannot exceed %d characters.", path, max)}
}

func validIdentifier(s string, max int) bool {
	return s != "" && len(s) <= max && validChars(s, "-._") && !strings.HasSuffix(s, ".")
}

func (imageDefinitionProvider) Put(ctx context.Context, r *Request) (*Result, error) {
	id, err := parseID(r.ID)
	if err != nil {
		return nil, err
	}
	if err := checkGroup(ctx, r.Store, id); err != nil {
		return nil, err
	}
	segs := nameSegments(id.Name)
	gallery, name := segs[0], segs[len(segs)-1]
	// 1 name (gallery-rp.md §4.2)
	if e := definitionNameError(gallery, name); e != nil {
		return nil, e
	}
	// 2 parent gallery (gallery-rp.md §4.3)
	if _, err := checkParent(ctx, r.Store, id); err != nil {
		return nil, err
	}
	body, props := newBody(r)
	// 3 required fields, enums, numeric strings (gallery-rp.md §4.1: the
	// SPEC24 required properties and closed enums)
	if !has(props, "osType") {
		e := errRequired("osType")
		e.Target = "galleryImage.properties.osType"
		return nil, e
	}
	if !has(props, "osState") {
		e := errRequired("osState")
		e.Target = "galleryImage.properties.osState"
		return nil, e
	}
	ident := objAt(props, "identifier")
	for _, f := range []struct {
		name string
		max  int
	}{{"publisher", 128}, {"offer", 64}, {"sku", 64}} {
		if strings.TrimSpace(strAt(ident, f.name)) == "" {
			return nil, identifierError(f.name, f.max)
		}
	}
	if e := enum(props, "osType", "osType", "galleryImage.properties.osType", "Windows", "Linux"); e != nil {
		return nil, e
	}
	if e := enum(props, "osState", "osState", "galleryImage.properties.osState", "Generalized", "Specialized"); e != nil {
		return nil, e
	}
	if e := enum(props, "hyperVGeneration", "hyperVGeneration", "galleryImage.properties.hyperVGeneration", "V1", "V2"); e != nil {
		return nil, e
	}
	if e := enum(props, "architecture", "architecture", "galleryImage.properties.architecture", "x64", "Arm64"); e != nil {
		return nil, e
	}
	rec := objAt(props, "recommended")
	for _, res := range []string{"vCPUs", "memory"} {
		o := objAt(rec, res)
		for _, b := range []string{"min", "max"} {
			if e := coerceInt32(o, b, "properties.recommended."+res+"."+b); e != nil {
				return nil, e
			}
		}
	}
	if e := coerceBool(props, "allowUpdateImage", "properties.allowUpdateImage"); e != nil {
		return nil, e
	}
	// 4 location (gallery-rp.md §12), same name in another location
	// (gallery-rp.md §3.4, §4.3)
	loc, e := resolveAllowedLocation(ctx, r, body, typeImageDefinition)
	if e != nil {
		return nil, e
	}
	if e := checkLocationConflict(r, id, loc); e != nil {
		return nil, e
	}
	// 5 identifier characters and lengths (gallery-rp.md §4.2, DOC-TS)
	for _, f := range []struct {
		name string
		max  int
	}{{"publisher", 128}, {"offer", 64}, {"sku", 64}} {
		if !validIdentifier(strAt(ident, f.name), f.max) {
			return nil, identifierError(f.name, f.max)
		}
	}
	// 6 (publisher, offer, sku) unique in the gallery (gallery-rp.md §4.3;
	// seed-overview.md "Image definitions")
	siblings, err := children(ctx, r.Store, id.Parent, typeImageDefinition)
	if err != nil {
		return nil, err
	}
	pub, offer, sku := strAt(ident, "publisher"), strAt(ident, "offer"), strAt(ident, "sku")
	for _, s := range siblings {
		if strings.EqualFold(s.ID, r.ID) {
			continue
		}
		other := objAt(bodyOf(s), "properties", "identifier")
		if strings.EqualFold(strAt(other, "publisher"), pub) && strings.EqualFold(strAt(other, "offer"), offer) &&
			strings.EqualFold(strAt(other, "sku"), sku) {
			// DOC-TS text, verbatim (gallery-rp.md §4.3); code [U].
			return nil, &Error{Code: "InvalidParameter", Target: "galleryImage.properties.identifier",
				Message: fmt.Sprintf("Gallery image: %s identified by (publisher:%s, offer:%s, sku:%s) already exists. Choose a different publisher, offer, sku combination.",
					lastSegment(s.Name), pub, offer, sku)}
		}
	}
	// 7 end of life in the future (gallery-rp.md §4.3, DOC-TS)
	if e := checkEndOfLife(props, r.Now, "properties.endOfLifeDate", "galleryImage.properties.endOfLifeDate"); e != nil {
		return nil, e
	}
	// 8 min <= max (gallery-rp.md §4.3, DOC-TS)
	for _, res := range []string{"vCPUs", "memory"} {
		o := objAt(rec, res)
		lo, okLo := asInt(at(o, "min"))
		hi, okHi := asInt(at(o, "max"))
		if okLo && okHi && lo > hi {
			// DOC-TS text, verbatim (gallery-rp.md §4.3); code [U].
			return nil, &Error{Code: "InvalidParameter", Target: "galleryImage.properties.recommended." + res,
				Message: fmt.Sprintf("The minimum value of %s must not be greater than the maximum value of %s.", res, res)}
		}
	}
	// defaults (before the immutable check: omitted server defaults are
	// the stored values)
	defaulted := map[string]bool{"properties.hyperVGeneration": true, "properties.architecture": true}
	if r.Current == nil {
		setDefault(props, "hyperVGeneration", "V1")
		if apiAtLeast(r.APIVersion, "2021-10-01") {
			setDefault(props, "architecture", "x64")
		}
	}
	// 9 update: the immutable set (gallery-rp.md §7.1, §4.1; seed-overview.md
	// "What can change after creation")
	if r.Current != nil {
		if e := checkImmutable(body, bodyOf(r.Current), definitionImmutable(r.APIVersion), defaulted,
			func(p string) string { return "galleryImage." + p }); e != nil {
			return nil, e
		}
		setDefault(props, "hyperVGeneration", "V1")
		if apiAtLeast(r.APIVersion, "2021-10-01") {
			setDefault(props, "architecture", "x64")
		}
	}
	// 10 quota: 1,000 definitions per subscription and region (gallery-rp.md
	// §9; seed-overview.md "Limits")
	if err := checkQuota(ctx, r, id, loc, "image definitions", MaxImageDefinitionsPerRegion); err != nil {
		return nil, err
	}
	set(props, "provisioningState", "Succeeded")
	return &Result{Body: body}, nil
}

// Delete refuses while versions exist (gallery-rp.md §4.3).
func (imageDefinitionProvider) Delete(ctx context.Context, r *DeleteRequest) error {
	kids, err := nested(ctx, r.Store, r.Resource.ID, typeImageVersion)
	if err != nil {
		return err
	}
	if len(kids) > 0 {
		return errNestedResources(kids)
	}
	return nil
}
