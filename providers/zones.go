package providers

import (
	"fmt"
	"strings"
)

// zonalTypes are the resource types whose provider registration lists
// zone mappings (the "zoneMappings" of az provider show), so pickZones()
// offers them zones in a zoned region. The list holds the types Azure's
// documentation names as zonal (availability-zones-service-support) that
// templates place with a zones property [U: the complete provider metadata
// is not in the reference].
var zonalTypes = map[string]bool{
	"microsoft.compute/virtualmachines":                     true,
	"microsoft.compute/virtualmachinescalesets":             true,
	"microsoft.compute/disks":                               true,
	"microsoft.compute/snapshots":                           true,
	"microsoft.compute/hostgroups":                          true,
	"microsoft.compute/hostgroups/hosts":                    true,
	"microsoft.compute/capacityreservationgroups":           true,
	"microsoft.network/publicipaddresses":                   true,
	"microsoft.network/publicipprefixes":                    true,
	"microsoft.network/natgateways":                         true,
	"microsoft.network/applicationgateways":                 true,
	"microsoft.network/azurefirewalls":                      true,
	"microsoft.containerservice/managedclusters":            true,
	"microsoft.containerinstance/containergroups":           true,
	"microsoft.cache/redis":                                 true,
	"microsoft.cache/redisenterprise":                       true,
	"microsoft.dbforpostgresql/flexibleservers":             true,
	"microsoft.dbformysql/flexibleservers":                  true,
	"microsoft.kusto/clusters":                              true,
	"microsoft.apimanagement/service":                       true,
	"microsoft.hdinsight/clusters":                          true,
	"microsoft.servicefabric/managedclusters":               true,
	"microsoft.network/virtualnetworkgateways":              true,
	"microsoft.elasticsan/elasticsans":                      true,
	"microsoft.netapp/netappaccounts/capacitypools/volumes": true,
}

// ZonesPerRegion is the number of availability zones of a zoned region:
// every public zoned region has three.
const ZonesPerRegion = 3

// PickZones answers pickZones(namespace, type, location, count, offset)
// offline: count logical zones starting after offset ("1", "2", "3") for a
// zonal type in a region with zones, and none otherwise. count + offset
// beyond the region's zones is an error, as in Azure.
func PickZones(namespace, resourceType, location string, count, offset int64) ([]string, error) {
	zones := []string{}
	if !zonalTypes[strings.ToLower(namespace+"/"+resourceType)] || !HasZones(location) {
		return zones, nil
	}
	if count+offset > ZonesPerRegion {
		return nil, fmt.Errorf("The number of zones requested ('%d') plus the offset ('%d') exceeds the %d availability zones that resource type '%s/%s' supports in location '%s'.",
			count, offset, ZonesPerRegion, namespace, resourceType, location)
	}
	for i := offset; i < offset+count; i++ {
		zones = append(zones, fmt.Sprint(i+1))
	}
	return zones, nil
}
