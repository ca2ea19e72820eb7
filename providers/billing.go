package providers

import (
	"context"
	"strings"

	"github.com/armdeploy/armdeploy/state"
)

// The seed's billing model (gallery-rp.md §10.3, seed "Billing"): the
// gallery itself is free; each image version is billed for storage, one
// snapshot of its size per replica in every target region, and for egress,
// one copy of its size from the source region to each other target region
// (further replicas inside a region are free). Quantities only: the seed
// names no prices.

// RegionCost is one target region of an image version.
type RegionCost struct {
	Region             string `json:"region"`
	Replicas           int64  `json:"replicas"`
	StorageAccountType string `json:"storageAccountType"`
	// Source marks the version's source region, which costs no egress.
	Source    bool  `json:"source"`
	StorageGB int64 `json:"storageGB"` // size x replicas
	EgressGB  int64 `json:"egressGB"`  // size, or 0 in the source region
}

// VersionCost is the bill of one image version.
type VersionCost struct {
	ID           string       `json:"id"`
	Name         string       `json:"name"` // gallery/definition/version
	SourceRegion string       `json:"sourceRegion"`
	SizeGB       int64        `json:"sizeGB"` // OS disk plus data disks
	Regions      []RegionCost `json:"regions"`
	Snapshots    int64        `json:"snapshots"` // replicas in all regions
	StorageGB    int64        `json:"storageGB"`
	EgressGB     int64        `json:"egressGB"`
}

// CostTotals sums a report.
type CostTotals struct {
	Versions  int   `json:"versions"`
	Snapshots int64 `json:"snapshots"`
	StorageGB int64 `json:"storageGB"`
	EgressGB  int64 `json:"egressGB"`
}

// CostReport is the bill of the image versions of a resource group.
type CostReport struct {
	SubscriptionID string        `json:"subscriptionId"`
	ResourceGroup  string        `json:"resourceGroup"`
	Versions       []VersionCost `json:"versions"`
	Total          CostTotals    `json:"total"`
}

// VersionBill computes the bill of one stored image version.
func VersionBill(v *state.Resource) VersionCost {
	b := bodyOf(v)
	p := objAt(b, "properties")
	size, _ := asInt(at(p, "storageProfile", "osDiskImage", "sizeInGB"))
	for _, d := range arrAt(p, "storageProfile", "dataDiskImages") {
		n, _ := asInt(at(asObj(d), "sizeInGB"))
		size += n
	}
	source := locationOf(v)
	global, ok := asInt(at(p, "publishingProfile", "replicaCount"))
	if !ok || global < 1 {
		global = 1
	}
	globalType := strAt(p, "publishingProfile", "storageAccountType")
	if globalType == "" {
		globalType = "Standard_LRS"
	}
	vc := VersionCost{ID: v.ID, Name: v.Name, SourceRegion: source, SizeGB: size, Regions: []RegionCost{}}
	for _, t := range arrAt(p, "publishingProfile", "targetRegions") {
		tr := asObj(t)
		n, ok := asInt(at(tr, "regionalReplicaCount"))
		if !ok || n < 1 {
			n = global
		}
		typ := strAt(tr, "storageAccountType")
		if typ == "" {
			typ = globalType
		}
		region := NormalizeLocation(strAt(tr, "name"))
		rc := RegionCost{Region: region, Replicas: n, StorageAccountType: typ, Source: region == source, StorageGB: size * n}
		if !rc.Source {
			rc.EgressGB = size
		}
		vc.Regions = append(vc.Regions, rc)
		vc.Snapshots += n
		vc.StorageGB += rc.StorageGB
		vc.EgressGB += rc.EgressGB
	}
	return vc
}

// Cost bills the image versions stored in a resource group (every group
// when resourceGroup is ""), sorted by id.
func Cost(ctx context.Context, store state.Reader, subscription, resourceGroup string) (*CostReport, error) {
	rs, err := store.Resources(ctx, state.ResourceFilter{SubscriptionID: subscription, ResourceGroup: resourceGroup, Type: typeImageVersion})
	if err != nil {
		return nil, err
	}
	rep := &CostReport{SubscriptionID: subscription, ResourceGroup: resourceGroup, Versions: []VersionCost{}}
	for _, r := range rs {
		if !strings.EqualFold(r.Type, typeImageVersion) {
			continue
		}
		vc := VersionBill(r)
		rep.Versions = append(rep.Versions, vc)
		rep.Total.Versions++
		rep.Total.Snapshots += vc.Snapshots
		rep.Total.StorageGB += vc.StorageGB
		rep.Total.EgressGB += vc.EgressGB
	}
	return rep, nil
}
