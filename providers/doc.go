// Package providers simulates Azure resource providers: for each resource
// type it validates a PUT in Azure's order, fills defaults, computes
// read-only properties, refuses changes to immutable ones and deletions
// that Azure refuses, all with Azure's error codes and texts. Types without
// a provider of their own go to a generic provider that stores the body as
// given.
//
// Providers read the store through [state.Reader]; they never write it:
// the planner commits what they return.
//
// One file per type family: compute_gallery.go, compute_image_definition.go,
// compute_image_version.go (with [LatestVersion]), compute_image_disk.go
// (managed images and disks), compute_vm.go, network_pip_nsg.go,
// network_vnet_nic.go (virtual networks, subnets, NICs, [LookupSubnet]),
// resources_rbac.go (resource groups, role assignments, [Authorize]),
// management.go (management groups and the subscriptions under them,
// [ManagementGroupAncestors], [SubscriptionParent]), policy.go (policy
// definitions, set definitions and assignments, locks), quota.go, regions.go ([Regions], [HasZones], [ValidLocation]) and
// billing.go ([Cost]). What the providers share has a file per concept:
// ids.go, errors.go, request.go, body.go, store_lookup.go, location.go,
// dates.go, stable.go, values.go. Each Put validates in the order of
// reference/gallery-rp.md §15.2 and returns the first refusal. Error texts
// quoted in gallery-rp.md are reproduced verbatim; a comment marks every
// code or text that is not verified there with [U].
package providers
