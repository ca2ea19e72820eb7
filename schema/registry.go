package schema

import (
	"slices"
	"strings"
	"sync"
)

// resourceType describes one resource type the package has a schema for: every API
// version ARM accepts for it, and which schema applies to which range of versions.
type resourceType struct {
	// Type is the canonical spelling, e.g. "Microsoft.Compute/galleries".
	Type string
	// Versions lists the API versions the resource provider registers for the type
	// (what ARM lists in a NoRegisteredProviderFound error). Sorted by init.
	Versions []string
	// Schemas maps ranges of versions to schemas: a version uses the entry with the
	// greatest Since that is not after it. The first entry must cover the oldest version.
	Schemas []schemaRange
}

// schemaRange says that Ref (a schema URL relative to the schema base, with an
// optional fragment) applies from API version Since onwards.
type schemaRange struct {
	Since string
	Ref   string
}

// API version lists. Sources: gallery-rp.md §2.1 (the galleries list ARM printed in
// flatcar/mantle#520, plus 2024-03-03 and 2025-03-03 from the REST spec repository);
// the resource-type index of Azure/bicep-types-az (generated from the REST specs) for
// Compute, disks and Network; Microsoft.Resources versions from the REST specs plus the
// older ones ARM still serves (2015-01-01 and 2019-09-01 are used by upstream quickstarts).
//
// Resource groups, management groups, policy, locks and RBAC (the lists below the
// deployment one): every version the REST specs (Azure/azure-rest-api-specs,
// specification/resources/.../Microsoft.Resources and Microsoft.Authorization,
// specification/managementgroups, specification/authorization; read through the
// bicep-types-az and azure-resource-manager-schemas generated indexes, which are built
// from them) define for the type, plus the versions ARM itself listed for the type in a
// NoRegisteredProviderFound / InvalidResourceType / InvalidApiVersionParameter error
// that the specs lack. A version is kept when either source has it: a template that
// uses a version ARM serves must not fail here. The issue threads quoted:
//   - resource groups: ARM's own list (Azure/azure-cli#31964, 2025; the same list for
//     resourceGroups in Azure/bicep#17091), a superset of the specs' 25 versions;
//   - role assignments: Azure/bicep#3543 and MicrosoftDocs/azure-docs#82469 (2021),
//     Azure/azure-sdk-for-java#28334 (2022: 2020-10-01-preview, 2022-01-01-preview);
//   - role definitions: Azure/azure-sdk-for-java#28334, Azure/azure-cli#18289;
//   - locks: Azure/bicep#7495 (2015-05-01-preview, 2015-06-01);
//   - policy assignments, definitions and set definitions: Azure/bicep#17089,
//     Azure/bicep-types-az#2331, Azure/azure-powershell#25474 (2020-08-01);
//   - management groups: Azure/Azure-Landing-Zones#1335 (the 2017 previews and
//     2018-03-01-beta; 2017-08-31-preview is also in the specs).
var (
	galleryVersions = []string{
		"2018-06-01", "2019-03-01", "2019-07-01", "2019-12-01", "2020-09-30", "2021-03-01",
		"2021-07-01", "2021-10-01", "2022-01-03", "2022-03-03", "2022-08-03", "2023-07-03",
		"2024-03-03", "2025-03-03",
	}
	computeVersions = []string{
		"2015-06-15", "2016-03-30", "2016-04-30-preview", "2017-03-30", "2017-12-01",
		"2018-04-01", "2018-06-01", "2018-10-01", "2019-03-01", "2019-07-01", "2019-12-01",
		"2020-06-01", "2020-12-01", "2021-03-01", "2021-04-01", "2021-07-01", "2021-11-01",
		"2022-03-01", "2022-08-01", "2022-11-01", "2023-03-01", "2023-07-01", "2023-09-01",
		"2024-03-01", "2024-07-01", "2024-11-01",
	}
	// Managed images appeared with 2016-04-30-preview.
	imageVersions = slices.Clone(computeVersions[2:])
	diskVersions  = []string{
		"2016-04-30-preview", "2017-03-30", "2018-04-01", "2018-06-01", "2018-09-30",
		"2019-03-01", "2019-07-01", "2019-11-01", "2020-05-01", "2020-06-30", "2020-09-30",
		"2020-12-01", "2021-04-01", "2021-08-01", "2021-12-01", "2022-03-02", "2022-07-02",
		"2023-01-02", "2023-04-02", "2023-10-02", "2024-03-02",
	}
	networkVersions = []string{
		"2015-05-01-preview", "2015-06-15", "2016-03-30", "2016-06-01", "2016-09-01",
		"2016-12-01", "2017-03-01", "2017-06-01", "2017-08-01", "2017-09-01", "2017-10-01",
		"2017-11-01", "2018-01-01", "2018-02-01", "2018-04-01", "2018-06-01", "2018-07-01",
		"2018-08-01", "2018-10-01", "2018-11-01", "2018-12-01", "2019-02-01", "2019-04-01",
		"2019-06-01", "2019-07-01", "2019-08-01", "2019-09-01", "2019-11-01", "2019-12-01",
		"2020-03-01", "2020-04-01", "2020-05-01", "2020-06-01", "2020-07-01", "2020-08-01",
		"2020-11-01", "2021-02-01", "2021-03-01", "2021-05-01", "2021-08-01", "2022-01-01",
		"2022-05-01", "2022-07-01", "2022-09-01", "2022-11-01", "2023-02-01", "2023-04-01",
		"2023-05-01", "2023-06-01", "2023-09-01", "2023-11-01", "2024-01-01", "2024-03-01",
		"2024-05-01",
	}
	deploymentVersions = []string{
		"2015-01-01", "2015-11-01", "2016-02-01", "2016-07-01", "2016-09-01", "2017-05-10",
		"2018-02-01", "2018-05-01", "2019-03-01", "2019-05-01", "2019-05-10", "2019-07-01",
		"2019-08-01", "2019-09-01", "2019-10-01", "2020-06-01", "2020-08-01", "2020-10-01",
		"2021-01-01", "2021-04-01", "2022-09-01", "2023-07-01", "2024-03-01", "2024-07-01",
		"2024-11-01",
	}
	resourceGroupVersions = []string{
		// ARM lists "2014-04" (sic) among its versions; kept as ARM prints it.
		"2013-03-01", "2014-01-01", "2014-02-26", "2014-04", "2014-04-01", "2014-04-01-preview",
		"2015-01-01", "2015-11-01", "2016-02-01", "2016-06-01", "2016-07-01", "2016-09-01",
		"2017-03-01", "2017-05-01", "2017-05-10", "2017-06-01", "2017-08-01", "2017-12-01",
		"2018-01-01", "2018-02-01", "2018-05-01", "2018-06-01", "2018-07-01", "2018-08-01",
		"2018-09-01", "2018-11-01", "2019-03-01", "2019-05-01", "2019-05-10", "2019-06-01",
		"2019-07-01", "2019-08-01", "2019-09-01", "2019-10-01", "2019-11-01", "2020-01-01",
		"2020-05-01", "2020-06-01", "2020-07-01", "2020-08-01", "2020-09-01", "2020-10-01",
		"2021-01-01", "2021-04-01", "2022-01-01", "2022-03-01-preview", "2022-05-01", "2022-06-01",
		"2022-09-01", "2022-11-01-preview", "2022-12-01", "2023-03-01-preview", "2023-07-01",
		"2023-07-01-preview", "2024-03-01", "2024-06-01-preview", "2024-07-01", "2024-08-01",
		"2024-10-01-preview", "2024-11-01", "2025-03-01", "2025-04-01",
	}
	managementGroupVersions = []string{
		"2017-05-31-preview", "2017-06-30-preview", "2017-08-31-preview", "2017-11-01-preview",
		"2018-01-01-preview", "2018-03-01-beta", "2018-03-01-preview", "2019-11-01", "2020-02-01",
		"2020-05-01", "2020-10-01", "2021-04-01", "2023-04-01", "2024-02-01-preview",
	}
	// The subscriptions child appeared with 2017-11-01-preview (no ARM list seen for it:
	// the specs' versions).
	mgSubscriptionVersions = []string{
		"2017-11-01-preview", "2018-01-01-preview", "2018-03-01-preview", "2019-11-01", "2020-02-01",
		"2020-05-01", "2020-10-01", "2021-04-01", "2023-04-01", "2024-02-01-preview",
	}
	policyDefinitionVersions = []string{
		"2015-10-01-preview", "2015-11-01", "2016-04-01", "2016-12-01", "2018-03-01", "2018-05-01",
		"2019-01-01", "2019-06-01", "2019-09-01", "2020-03-01", "2020-08-01", "2020-09-01",
		"2021-06-01", "2023-04-01", "2024-05-01", "2025-01-01", "2025-03-01", "2025-11-01",
		"2025-12-01-preview", "2026-01-01-preview", "2026-06-01", "2026-07-01",
	}
	policySetDefinitionVersions = []string{
		"2017-06-01-preview", "2018-03-01", "2018-05-01", "2019-01-01", "2019-06-01", "2019-09-01",
		"2020-03-01", "2020-08-01", "2020-09-01", "2021-06-01", "2023-04-01", "2024-05-01",
		"2025-01-01", "2025-03-01", "2025-11-01", "2025-12-01-preview", "2026-01-01-preview",
		"2026-06-01", "2026-07-01",
	}
	policyAssignmentVersions = []string{
		"2015-10-01-preview", "2015-11-01", "2016-04-01", "2016-12-01", "2017-06-01-preview",
		"2018-03-01", "2018-05-01", "2019-01-01", "2019-06-01", "2019-09-01", "2020-03-01",
		"2020-08-01", "2020-09-01", "2021-06-01", "2022-06-01", "2023-04-01", "2024-04-01",
		"2024-05-01", "2025-01-01", "2025-03-01", "2025-11-01", "2025-12-01-preview",
		"2026-01-01-preview", "2026-06-01", "2026-07-01",
	}
	lockVersions = []string{
		"2015-01-01", "2015-05-01-preview", "2015-06-01", "2016-09-01", "2017-04-01", "2020-05-01",
	}
	roleAssignmentVersions = []string{
		"2014-04-01-preview", "2014-07-01-preview", "2014-10-01-preview", "2015-05-01-preview",
		"2015-06-01", "2015-07-01", "2016-07-01", "2017-05-01", "2017-09-01", "2017-10-01-preview",
		"2018-01-01-preview", "2018-07-01", "2018-09-01-preview", "2018-12-01-preview",
		"2019-04-01-preview", "2020-03-01-preview", "2020-04-01-preview", "2020-08-01-preview",
		"2020-10-01-preview", "2021-04-01-preview", "2022-01-01-preview", "2022-04-01",
	}
	roleDefinitionVersions = []string{
		"2014-04-01-preview", "2014-07-01-preview", "2014-10-01-preview", "2015-05-01-preview",
		"2015-06-01", "2015-07-01", "2016-07-01", "2017-05-01", "2017-09-01", "2018-01-01-preview",
		"2018-07-01", "2022-04-01", "2022-05-01-preview",
	}
)

// one is a convenience for a type whose every version shares one schema.
func one(ref string) []schemaRange { return []schemaRange{{Since: "", Ref: ref}} }

// resourceTypes is the registry. ValidateResource and SupportedAPIVersions read it;
// compile.go compiles every Ref once.
var resourceTypes = []resourceType{
	{Type: "Microsoft.Compute/galleries", Versions: galleryVersions,
		Schemas: one("resources/Microsoft.Compute/galleries.json")},
	{Type: "Microsoft.Compute/galleries/images", Versions: galleryVersions,
		Schemas: one("resources/Microsoft.Compute/galleries.images.json")},
	{Type: "Microsoft.Compute/galleries/images/versions", Versions: galleryVersions,
		Schemas: []schemaRange{
			{Since: "", Ref: "resources/Microsoft.Compute/galleries.images.versions.json#/$defs/v2018-06-01"},
			{Since: "2019-03-01", Ref: "resources/Microsoft.Compute/galleries.images.versions.json#/$defs/v2019-03-01"},
			{Since: "2019-12-01", Ref: "resources/Microsoft.Compute/galleries.images.versions.json#/$defs/v2019-12-01"},
			{Since: "2020-09-30", Ref: "resources/Microsoft.Compute/galleries.images.versions.json#/$defs/v2020-09-30"},
			{Since: "2022-08-03", Ref: "resources/Microsoft.Compute/galleries.images.versions.json#/$defs/v2022-08-03"},
		}},
	{Type: "Microsoft.Compute/images", Versions: imageVersions,
		Schemas: one("resources/Microsoft.Compute/images.json")},
	{Type: "Microsoft.Compute/disks", Versions: diskVersions,
		Schemas: one("resources/Microsoft.Compute/disks.json")},
	{Type: "Microsoft.Compute/virtualMachines", Versions: computeVersions,
		Schemas: one("resources/Microsoft.Compute/virtualMachines.json")},
	{Type: "Microsoft.Network/publicIPAddresses", Versions: networkVersions,
		Schemas: one("resources/Microsoft.Network/publicIPAddresses.json")},
	{Type: "Microsoft.Network/networkSecurityGroups", Versions: networkVersions,
		Schemas: one("resources/Microsoft.Network/networkSecurityGroups.json")},
	{Type: "Microsoft.Network/virtualNetworks", Versions: networkVersions,
		Schemas: one("resources/Microsoft.Network/virtualNetworks.json")},
	{Type: "Microsoft.Network/virtualNetworks/subnets", Versions: slices.Clone(networkVersions[1:]),
		Schemas: one("resources/Microsoft.Network/virtualNetworks.subnets.json")},
	{Type: "Microsoft.Network/networkInterfaces", Versions: networkVersions,
		Schemas: one("resources/Microsoft.Network/networkInterfaces.json")},
	{Type: "Microsoft.Resources/deployments", Versions: deploymentVersions,
		Schemas: one("resources/Microsoft.Resources/deployments.json")},
	{Type: "Microsoft.Resources/resourceGroups", Versions: resourceGroupVersions,
		Schemas: one("resources/Microsoft.Resources/resourceGroups.json")},
	{Type: "Microsoft.Management/managementGroups", Versions: managementGroupVersions,
		Schemas: one("resources/Microsoft.Management/managementGroups.json")},
	{Type: "Microsoft.Management/managementGroups/subscriptions", Versions: mgSubscriptionVersions,
		Schemas: one("resources/Microsoft.Management/managementGroups.subscriptions.json")},
	{Type: "Microsoft.Authorization/policyDefinitions", Versions: policyDefinitionVersions,
		Schemas: one("resources/Microsoft.Authorization/policyDefinitions.json")},
	{Type: "Microsoft.Authorization/policySetDefinitions", Versions: policySetDefinitionVersions,
		Schemas: one("resources/Microsoft.Authorization/policySetDefinitions.json")},
	{Type: "Microsoft.Authorization/policyAssignments", Versions: policyAssignmentVersions,
		Schemas: one("resources/Microsoft.Authorization/policyAssignments.json")},
	{Type: "Microsoft.Authorization/locks", Versions: lockVersions,
		Schemas: one("resources/Microsoft.Authorization/locks.json")},
	{Type: "Microsoft.Authorization/roleAssignments", Versions: roleAssignmentVersions,
		Schemas: one("resources/Microsoft.Authorization/roleAssignments.json")},
	{Type: "Microsoft.Authorization/roleDefinitions", Versions: roleDefinitionVersions,
		Schemas: one("resources/Microsoft.Authorization/roleDefinitions.json")},
}

// typeIndex maps the lower-cased type name to its registry entry. A
// type's versions are the lists above together with every version the
// REST API specifications table (apiversions.go) gives the type: a
// version either source has is one ARM serves. Built on first use, so that
// a run that checks no resource does not parse the table.
var typeIndex = sync.OnceValue(func() map[string]*resourceType {
	m := make(map[string]*resourceType, len(resourceTypes))
	for i := range resourceTypes {
		rt := &resourceTypes[i]
		rt.Versions = append(slices.Clone(rt.Versions), SpecAPIVersions(rt.Type)...)
		slices.Sort(rt.Versions)
		rt.Versions = slices.Compact(rt.Versions)
		m[strings.ToLower(rt.Type)] = rt
	}
	return m
})

// lookupType finds a registered type, ignoring case.
func lookupType(resourceType string) *resourceType {
	return typeIndex()[strings.ToLower(strings.TrimSpace(resourceType))]
}

// schemaFor returns the schema reference for an API version of rt, and false when rt
// does not register that version. API versions compare case-insensitively.
func (rt *resourceType) schemaFor(apiVersion string) (string, bool) {
	v := strings.ToLower(strings.TrimSpace(apiVersion))
	if _, ok := slices.BinarySearch(rt.Versions, v); !ok {
		return "", false
	}
	ref := rt.Schemas[0].Ref
	for _, s := range rt.Schemas[1:] {
		if s.Since <= v {
			ref = s.Ref
		}
	}
	return ref, true
}

// SupportedAPIVersions returns the API versions ARM accepts for resourceType (matched
// case-insensitively), sorted, or nil when the package has no schema for the type.
// The slice is a fresh copy; callers may modify it.
func SupportedAPIVersions(resourceType string) []string {
	rt := lookupType(resourceType)
	if rt == nil {
		return nil
	}
	return slices.Clone(rt.Versions)
}

// RegisteredTypes returns every resource type the registry knows, in its
// canonical spelling, sorted case-insensitively.
func RegisteredTypes() []string {
	out := make([]string, 0, len(resourceTypes))
	for _, rt := range resourceTypes {
		out = append(out, rt.Type)
	}
	slices.SortFunc(out, func(a, b string) int { return strings.Compare(strings.ToLower(a), strings.ToLower(b)) })
	return out
}
