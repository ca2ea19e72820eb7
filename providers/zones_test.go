package providers

import (
	"strings"
	"testing"
)

func TestPickZones(t *testing.T) {
	tests := []struct {
		name, ns, typ, location string
		count, offset           int64
		want                    string // zones joined by ","; "error" for an error
	}{
		{"zonal type in zoned region", "Microsoft.Compute", "virtualMachines", "westus2", 1, 0, "1"},
		{"three zones", "Microsoft.Compute", "virtualMachines", "westus2", 3, 0, "1,2,3"},
		{"offset", "Microsoft.Network", "publicIPAddresses", "eastus", 2, 1, "2,3"},
		{"display name and case", "microsoft.compute", "VIRTUALMACHINES", "West US 2", 1, 0, "1"},
		{"region without zones", "Microsoft.Compute", "virtualMachines", "northcentralus", 1, 0, ""},
		{"type without zones", "Microsoft.Cdn", "profiles", "westus2", 1, 0, ""},
		{"unknown region", "Microsoft.Compute", "virtualMachines", "narnia", 1, 0, ""},
		{"beyond the zones", "Microsoft.Compute", "virtualMachines", "westus2", 2, 2, "error"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			zones, err := PickZones(tt.ns, tt.typ, tt.location, tt.count, tt.offset)
			got := strings.Join(zones, ",")
			if err != nil {
				got = "error"
			}
			if got != tt.want {
				t.Errorf("PickZones = %q (%v), want %q", got, err, tt.want)
			}
		})
	}
}
