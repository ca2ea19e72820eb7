package evaluator

import (
	"slices"
	"strings"
	"testing"

	"github.com/armdeploy/armdeploy/templates"
)

// TestRefIndexMatchesScan checks that the lookup index finds, for every
// form of reference, the resources the scan by matchesRef finds, in the
// same order, including names only Unicode case folding equates.
func TestRefIndexMatchesScan(t *testing.T) {
	parent := &templates.Resource{}
	mk := func(typ, name, sym, loop string, child bool) *Resource {
		d := &templates.Resource{SymbolicName: sym}
		if child {
			d.Parent = parent
		}
		return &Resource{Decl: d, Type: typ, Name: name, CopyLoop: loop,
			ID: "/subscriptions/s/resourceGroups/rg/providers/" + typ + "/" + name}
	}
	out := []*Resource{
		mk("Microsoft.Storage/storageAccounts", "st1", "acct", "", false),
		mk("Microsoft.Storage/storageAccounts/blobServices/containers", "st1/default/data0", "", "", true),
		mk("Microsoft.Network/virtualNetworks", "vnet", "", "nets", false),
		mk("Microsoft.Network/virtualNetworks", "vnet2", "", "nets", false),
		mk("Microsoft.Network/virtualNetworks/subnets", "vnet/s", "", "", true),
		mk("Microsoft.Network/virtualNetworks/subnets", "vnet2/s", "", "", true),
		mk("Microsoft.Web/sites", "\u212aelvin", "", "", false), // KELVIN SIGN folds to k
		mk("Microsoft.Web/sites", "kelvin", "", "", false),
		mk("Microsoft.Web/sites", "", "", "", false),
		mk("Microsoft.Web/sites/slots", "app/\u212a", "", "", true),
		mk("Microsoft.NotificationHubs/namespaces/notificationHubs", "ns/hub", "", "", false),
	}
	refs := []string{"acct", "ACCT", "st1", "Microsoft.Storage/storageAccounts/ST1", out[0].ID, "/SUBSCRIPTIONS/S/resourcegroups/RG/providers/microsoft.storage/storageaccounts/st1",
		"data0", "st1/default/data0", "Microsoft.Storage/storageAccounts/st1/blobServices/default/containers/data0",
		"providers/Microsoft.Storage/storageAccounts/st1/blobServices/default/containers/data0",
		"nets", "NETS", "vnet", "s", "Microsoft.Network/virtualNetworks/vnet/subnets/s", "kelvin", "KELVIN", "\u212aelvin",
		"k", "\u212a", "", "/", "missing", "hub", "HUB", out[6].ID, "Microsoft.Web/sites/kelvin", "Microsoft.Web/sites/"}
	ix := newRefIndex(out)
	for _, ref := range refs {
		var want []int
		for i, r := range out {
			if matchesRef(r, ref) {
				want = append(want, i)
			}
		}
		if got, ok := ix.match(ref); ok && !slices.Equal(got, want) {
			t.Errorf("match(%q) = %v, the scan finds %v", ref, got, want)
		}
		want = nil
		for i, r := range out {
			if strings.Contains(r.Name, "/") && strings.EqualFold(ref, lastName(r.Name)) {
				want = append(want, i)
			}
		}
		if got, ok := ix.matchLast(ref); ok && !slices.Equal(got, want) {
			t.Errorf("matchLast(%q) = %v, the scan finds %v", ref, got, want)
		}
	}
}
