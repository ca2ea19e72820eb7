package providers

import (
	"context"
	"fmt"
	"strings"

	"github.com/armdeploy/armdeploy/state"
)

// Region is one public Azure region (gallery-rp.md §12.1).
type Region struct {
	Name        string // programmatic name, "eastus"
	DisplayName string // "East US"
	Zones       bool   // has availability zones (ZRS allowed)
	// Restricted regions need the subscription to be allow-listed: a
	// resource there is refused unless the subscription registered the
	// region's feature (see [RegionFeature]).
	Restricted bool
}

// regions is the public-cloud list of gallery-rp.md §12.1. Regions marked
// "[list only]" there have no confirmed zone data and are listed without
// zones [U]. tal66's data marks UAE Central as zoned and UAE North not;
// Microsoft's zoned region is UAE North, so that is what is used here [U].
var regions = []Region{
	// US
	{"eastus", "East US", true, false},
	{"eastus2", "East US 2", true, false},
	{"centralus", "Central US", true, false},
	{"northcentralus", "North Central US", false, false},
	{"southcentralus", "South Central US", true, false},
	{"westcentralus", "West Central US", false, false},
	{"westus", "West US", false, false},
	{"westus2", "West US 2", true, false},
	{"westus3", "West US 3", true, false},
	// The early-updates (canary) regions the seed lists as source regions:
	// open to allow-listed subscriptions only (gallery-rp.md §12.1
	// "Non-deployable / special ... unless the simulator models
	// allow-listing"); no zone data [U].
	{"centraluseuap", "Central US EUAP", false, true},
	{"eastus2euap", "East US 2 EUAP", false, true},
	// Canada
	{"canadacentral", "Canada Central", true, false},
	{"canadaeast", "Canada East", false, false},
	// South America, Mexico
	{"brazilsouth", "Brazil South", true, false},
	{"brazilsoutheast", "Brazil Southeast", false, true},
	{"chilecentral", "Chile Central", false, false},
	{"mexicocentral", "Mexico Central", false, false},
	// Europe
	{"northeurope", "North Europe", true, false},
	{"westeurope", "West Europe", true, false},
	{"uksouth", "UK South", true, false},
	{"ukwest", "UK West", false, false},
	// UK North and UK South 2: source regions of the seed (2019), reserved
	// regions that need allow-listing [U].
	{"uknorth", "UK North", false, true},
	{"uksouth2", "UK South 2", false, true},
	{"francecentral", "France Central", true, false},
	{"francesouth", "France South", false, true},
	{"germanywestcentral", "Germany West Central", true, false},
	{"germanynorth", "Germany North", false, true},
	{"italynorth", "Italy North", true, false},
	{"norwayeast", "Norway East", true, false},
	{"norwaywest", "Norway West", false, true},
	{"polandcentral", "Poland Central", true, false},
	{"spaincentral", "Spain Central", false, false},
	{"swedencentral", "Sweden Central", true, false},
	{"swedensouth", "Sweden South", false, true},
	{"switzerlandnorth", "Switzerland North", true, false},
	{"switzerlandwest", "Switzerland West", false, true},
	{"austriaeast", "Austria East", false, false},
	{"belgiumcentral", "Belgium Central", false, false},
	// Middle East
	{"israelcentral", "Israel Central", true, false},
	{"qatarcentral", "Qatar Central", true, false},
	{"uaenorth", "UAE North", true, false},
	{"uaecentral", "UAE Central", false, true},
	// Africa
	{"southafricanorth", "South Africa North", true, false},
	{"southafricawest", "South Africa West", false, true},
	// Asia Pacific
	{"eastasia", "East Asia", true, false},
	{"southeastasia", "Southeast Asia", true, false},
	{"australiaeast", "Australia East", true, false},
	{"australiasoutheast", "Australia Southeast", false, false},
	{"australiacentral", "Australia Central", false, true},
	{"australiacentral2", "Australia Central 2", false, true},
	{"centralindia", "Central India", true, false},
	{"southindia", "South India", false, false},
	{"westindia", "West India", false, false},
	{"jioindiacentral", "Jio India Central", false, true},
	{"jioindiawest", "Jio India West", false, true},
	{"japaneast", "Japan East", true, false},
	{"japanwest", "Japan West", false, false},
	{"koreacentral", "Korea Central", true, false},
	{"koreasouth", "Korea South", false, false},
	{"newzealandnorth", "New Zealand North", false, false},
	{"indonesiacentral", "Indonesia Central", false, false},
	{"malaysiawest", "Malaysia West", false, false},
}

var regionIndex = func() map[string]Region {
	m := make(map[string]Region, len(regions))
	for _, r := range regions {
		m[r.Name] = r
	}
	return m
}()

// Regions returns the public regions resources can be deployed to, in the
// order of gallery-rp.md §12.1.
func Regions() []Region {
	out := make([]Region, len(regions))
	copy(out, regions)
	return out
}

// regionNames lists the programmatic names.
func regionNames() []string {
	out := make([]string, len(regions))
	for i, r := range regions {
		out[i] = r.Name
	}
	return out
}

// NormalizeLocation turns a location as a user writes it ("East US",
// "EastUS", "eastus") into the programmatic name ("eastus"): lower case,
// without spaces.
func NormalizeLocation(s string) string {
	return strings.ToLower(strings.ReplaceAll(strings.TrimSpace(s), " ", ""))
}

// ValidLocation reports whether s names a public region that resources can
// be deployed to. Canary, staging, logical ("global", "europe") and
// sovereign-cloud names are not.
func ValidLocation(s string) bool {
	_, ok := regionIndex[NormalizeLocation(s)]
	return ok
}

// HasZones reports whether a region has availability zones, which is where
// zone-redundant storage (Standard_ZRS) is offered.
func HasZones(region string) bool {
	return regionIndex[NormalizeLocation(region)].Zones
}

// RegionDisplayName returns "East US" for "eastus" (the input when the
// region is unknown).
func RegionDisplayName(region string) string {
	if r, ok := regionIndex[NormalizeLocation(region)]; ok {
		return r.DisplayName
	}
	return region
}

// RegionFeatureNamespace is the resource provider namespace of the
// features that allow-list a subscription for a restricted region.
const RegionFeatureNamespace = "Microsoft.Resources"

// RegionFeature returns the feature that allow-lists a subscription for a
// restricted region ("" for a region that needs none): the canary regions
// share Azure's EUAPParticipation, every other restricted region has its
// own RegionAccess-<region> [U: Azure allow-lists these regions by a
// support request, which the simulator models as a feature registration,
// 'armdeploy feature register --namespace Microsoft.Resources --name
// RegionAccess-australiacentral'].
func RegionFeature(region string) string {
	r, ok := regionIndex[NormalizeLocation(region)]
	switch {
	case !ok || !r.Restricted:
		return ""
	case strings.HasSuffix(r.Name, "euap"):
		return "EUAPParticipation"
	}
	return "RegionAccess-" + r.Name
}

// regionAllowed reports whether a subscription may place resources in a
// region: an unrestricted one, or a restricted one whose feature the
// subscription registered.
func regionAllowed(ctx context.Context, store state.Reader, subscription, region string) bool {
	feature := RegionFeature(region)
	if feature == "" {
		return true
	}
	if store == nil || subscription == "" {
		return false
	}
	f, err := store.Feature(ctx, subscription, RegionFeatureNamespace, feature)
	return err == nil && f.State == state.FeatureRegistered
}

// checkRegionAccess refuses a location in a restricted region the
// subscription is not allow-listed for. The text is Azure's for a region
// not permitted for the subscription (seen in azure-xplat-cli#1889), with
// the permitted regions of this subscription; the code is [U]. The last
// sentence, naming the feature, is the simulator's.
func checkRegionAccess(ctx context.Context, store state.Reader, subscription, region, target string) *Error {
	if regionAllowed(ctx, store, subscription, region) {
		return nil
	}
	var permitted []string
	for _, r := range regions {
		if regionAllowed(ctx, store, subscription, r.Name) {
			permitted = append(permitted, r.Name)
		}
	}
	return &Error{Code: "LocationNotAvailableForResourceType", Target: target,
		Message: fmt.Sprintf("The provided location '%s' is not permitted for subscription. List of permitted regions is '%s'. Please contact support to change your supported regions. (Allow-list the subscription with 'armdeploy feature register --namespace %s --name %s'.)",
			NormalizeLocation(region), strings.Join(permitted, ","), RegionFeatureNamespace, RegionFeature(region))}
}

// resolveAllowedLocation is [resolveLocation] followed by
// [checkRegionAccess] for the request's subscription.
func resolveAllowedLocation(ctx context.Context, r *Request, body map[string]any, resourceType string) (string, *Error) {
	loc, e := resolveLocation(body, resourceType)
	if e != nil {
		return "", e
	}
	if e := checkRegionAccess(ctx, r.Store, subscriptionOfID(r.ID), loc, "location"); e != nil {
		return "", e
	}
	return loc, nil
}

// subscriptionOfID returns the subscription id an id lies under, or "".
func subscriptionOfID(id string) string {
	parts := strings.Split(strings.Trim(id, "/"), "/")
	if len(parts) >= 2 && strings.EqualFold(parts[0], "subscriptions") {
		return parts[1]
	}
	return ""
}
