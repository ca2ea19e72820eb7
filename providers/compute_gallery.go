package providers

import (
	"context"
	"fmt"
	"strings"
)

// Microsoft.Compute/galleries (gallery-rp.md §3).

const typeGallery = "Microsoft.Compute/galleries"

func init() { Register(galleryProvider{}) }

type galleryProvider struct{}

func (galleryProvider) Types() []string { return []string{typeGallery} }

func (galleryProvider) ReadOnly(apiVersion string) []string {
	ro := []string{"properties.provisioningState", "properties.identifier", "properties.identifier.uniqueName"}
	if apiAtLeast(apiVersion, "2020-09-30") {
		ro = append(ro, "properties.sharingProfile.groups")
	}
	if apiAtLeast(apiVersion, "2022-03-03") {
		ro = append(ro, "properties.sharingStatus",
			"properties.sharingProfile.communityGalleryInfo.communityGalleryEnabled",
			"properties.sharingProfile.communityGalleryInfo.publicNames")
	}
	return ro
}

// Immutable: only description, tags (and, through /share, the sharing
// groups) change after creation (gallery-rp.md §7.1, §11.3).
func (galleryProvider) Immutable(apiVersion string) []string {
	im := []string{"location"}
	if apiAtLeast(apiVersion, "2020-09-30") {
		im = append(im, "properties.sharingProfile.permissions")
	}
	return im
}

// galleryNameError checks a gallery name with the rule gallery-rp.md §3.3
// recommends: 1-80 characters, letters, digits, '.' and '_', starting and
// ending with a letter or digit, no dashes.
func galleryNameError(name string) *Error {
	if trail := invalidTrailing(name, "._"); trail != "" && validChars(strings.TrimRight(name, "._"), "._") {
		return errTrailing(name, trail)
	}
	if len(name) < 1 || len(name) > 80 || !alnum(name[0]) || !alnum(name[len(name)-1]) || !validChars(name, "._") {
		// DOC-TS text, verbatim (gallery-rp.md §3.3); code [U].
		return &Error{Code: "InvalidParameter", Target: "galleryName",
			Message: "Gallery name is invalid. Allowed characters are English alphanumeric characters, with underscores, and periods allowed in the middle, up to 80 characters total. All other special characters, including dashes, are disallowed."}
	}
	return nil
}

// errTrailing is DOC-TS's trailing-character text (gallery-rp.md §3.3 and
// §4.2), verbatim; code [U].
func errTrailing(name, trail string) *Error {
	return &Error{Code: "InvalidParameter", Target: "name",
		Message: fmt.Sprintf("The provided resource name %s has these invalid trailing characters: %s. The name can not end with characters: %s", name, trail, trail)}
}

// invalidTrailing returns the run of characters from set that ends name.
func invalidTrailing(name, set string) string {
	i := len(name)
	for i > 0 && strings.IndexByte(set, name[i-1]) >= 0 {
		i--
	}
	if i == 0 {
		return ""
	}
	return name[i:]
}

func alnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// validChars reports whether s has only letters, digits and characters of
// extra.
func validChars(s, extra string) bool {
	for i := 0; i < len(s); i++ {
		if !alnum(s[i]) && strings.IndexByte(extra, s[i]) < 0 {
			return false
		}
	}
	return true
}

func (galleryProvider) Put(ctx context.Context, r *Request) (*Result, error) {
	id, err := parseID(r.ID)
	if err != nil {
		return nil, err
	}
	if err := checkGroup(ctx, r.Store, id); err != nil {
		return nil, err
	}
	name := id.Name
	// 1 name (gallery-rp.md §3.3)
	if e := galleryNameError(name); e != nil {
		return nil, e
	}
	body, props := newBody(r)
	// 2 body: sharing profile enum, soft-delete flag (gallery-rp.md §3.2,
	// §11.3: the SPEC24 enums and types)
	if sp := objAt(props, "sharingProfile"); sp != nil {
		if e := enum(sp, "permissions", "sharingProfile.permissions", "gallery.properties.sharingProfile.permissions",
			"Private", "Groups", "Community"); e != nil {
			return nil, e
		}
	}
	if sd := objAt(props, "softDeletePolicy"); sd != nil {
		if e := coerceBool(sd, "isSoftDeleteEnabled", "properties.softDeletePolicy.isSoftDeleteEnabled"); e != nil {
			return nil, e
		}
	}
	// 3 location (gallery-rp.md §12, §8 LocationNotAvailableForResourceType),
	// 4 same name in another location (gallery-rp.md §3.4)
	loc, e := resolveAllowedLocation(ctx, r, body, typeGallery)
	if e != nil {
		return nil, e
	}
	if e := checkLocationConflict(r, id, loc); e != nil {
		return nil, e
	}
	// 5 update: only description, tags and sharing groups change
	// (gallery-rp.md §7.1, §3.2; seed-overview.md "What can change after
	// creation")
	if r.Current != nil {
		old := bodyOf(r.Current)
		if e := checkImmutable(body, old, []string{"properties.sharingProfile.permissions"},
			map[string]bool{"properties.sharingProfile.permissions": true},
			func(p string) string { return "gallery." + p }); e != nil {
			return nil, e
		}
	}
	// 6 quota: 100 galleries per subscription and region (gallery-rp.md §9;
	// seed-overview.md "Limits")
	if err := checkQuota(ctx, r, id, loc, "galleries", MaxGalleriesPerRegion); err != nil {
		return nil, err
	}
	// read-only values
	set(props, "identifier", map[string]any{"uniqueName": id.SubscriptionID + "-" + strings.ToUpper(name)})
	if perm := strAt(props, "sharingProfile", "permissions"); perm != "" && perm != "Private" && apiAtLeast(r.APIVersion, "2022-03-03") {
		set(props, "sharingStatus", map[string]any{"aggregatedState": "Succeeded",
			"summary": []any{map[string]any{"region": loc, "state": "Succeeded", "details": ""}}})
	}
	set(props, "provisioningState", "Succeeded")
	return &Result{Body: body}, nil
}

// Delete refuses while image definitions (or other nested resources)
// exist (gallery-rp.md §3.4).
func (galleryProvider) Delete(ctx context.Context, r *DeleteRequest) error {
	kids, err := nested(ctx, r.Store, r.Resource.ID, typeImageDefinition)
	if err != nil {
		return err
	}
	if len(kids) > 0 {
		return errNestedResources(kids)
	}
	return nil
}
