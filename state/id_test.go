package state_test

import (
	"errors"
	"testing"

	"github.com/armdeploy/armdeploy/state"
)

func TestParseResourceID(t *testing.T) {
	const rg = "/subscriptions/s1/resourceGroups/RG"
	const gal = rg + "/providers/Microsoft.Compute/galleries/g"
	tests := []struct {
		id   string
		want state.ResourceID
	}{
		{"/subscriptions/s1", state.ResourceID{SubscriptionID: "s1", Type: "Microsoft.Resources/subscriptions", Name: "s1"}},
		{rg, state.ResourceID{SubscriptionID: "s1", ResourceGroup: "RG", Type: "Microsoft.Resources/resourceGroups",
			Name: "RG", Scope: "/subscriptions/s1"}},
		{gal, state.ResourceID{SubscriptionID: "s1", ResourceGroup: "RG", Type: "Microsoft.Compute/galleries",
			Name: "g", Scope: rg}},
		{gal + "/images/d/versions/1.0.0", state.ResourceID{SubscriptionID: "s1", ResourceGroup: "RG",
			Type: "Microsoft.Compute/galleries/images/versions", Name: "g/d/1.0.0", Parent: gal + "/images/d", Scope: rg}},
		{"/SUBSCRIPTIONS/s1/RESOURCEGROUPS/RG/PROVIDERS/ns/t/n/", state.ResourceID{SubscriptionID: "s1",
			ResourceGroup: "RG", Type: "ns/t", Name: "n", Scope: "/SUBSCRIPTIONS/s1/RESOURCEGROUPS/RG"}},
		{gal + "/providers/Microsoft.Authorization/roleAssignments/a1", state.ResourceID{SubscriptionID: "s1",
			ResourceGroup: "RG", Type: "Microsoft.Authorization/roleAssignments", Name: "a1", Scope: gal}},
		{"/subscriptions/s1/providers/Microsoft.Authorization/roleDefinitions/r", state.ResourceID{SubscriptionID: "s1",
			Type: "Microsoft.Authorization/roleDefinitions", Name: "r", Scope: "/subscriptions/s1"}},
		{"/providers/Microsoft.Management/managementGroups/mg", state.ResourceID{
			Type: "Microsoft.Management/managementGroups", Name: "mg"}},
	}
	for _, tc := range tests {
		t.Run(tc.id, func(t *testing.T) {
			got, err := state.ParseResourceID(tc.id)
			if err != nil {
				t.Fatal(err)
			}
			if *got != tc.want {
				t.Errorf("\ngot  %+v\nwant %+v", *got, tc.want)
			}
		})
	}
	for _, bad := range []string{"", "subscriptions/s", "/subscriptions", "/subscriptions/s/resourceGroups",
		"/subscriptions/s/resourceGroups/rg/providers/ns/t", "/subscriptions/s/resourceGroups/rg/things/x",
		"/subscriptions//resourceGroups/rg", gal + "/images"} {
		if _, err := state.ParseResourceID(bad); !errors.Is(err, state.ErrInvalidID) {
			t.Errorf("ParseResourceID(%q): got %v, want ErrInvalidID", bad, err)
		}
	}
}
