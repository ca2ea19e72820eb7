package state_test

import (
	"errors"
	"testing"

	"github.com/armdeploy/armdeploy/state"
)

func TestScope(t *testing.T) {
	for _, tc := range []struct {
		name  string
		scope state.Scope
		id    string
		level string
	}{
		{"tenant", state.Scope{}, "/", "tenant"},
		{"management group", state.Scope{ManagementGroup: "Contoso"},
			"/providers/Microsoft.Management/managementGroups/Contoso", "managementGroup"},
		{"subscription", state.Scope{SubscriptionID: "Sub-1"}, "/subscriptions/Sub-1", "subscription"},
		{"resource group", state.Scope{SubscriptionID: "sub-1", ResourceGroup: "My-RG"},
			"/subscriptions/sub-1/resourceGroups/My-RG", "resourceGroup"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.scope.ID(); got != tc.id {
				t.Errorf("ID: got %s, want %s", got, tc.id)
			}
			if got := tc.scope.Level(); got != tc.level {
				t.Errorf("Level: got %s, want %s", got, tc.level)
			}
			if err := tc.scope.Validate(); err != nil {
				t.Errorf("Validate: %v", err)
			}
			got, err := state.ParseScope(tc.id)
			if err != nil || got != tc.scope {
				t.Errorf("ParseScope(%s) = %+v, %v; want %+v", tc.id, got, err, tc.scope)
			}
		})
	}
}

func TestParseScope(t *testing.T) {
	for _, tc := range []struct {
		id   string
		want state.Scope
	}{
		{"/providers/microsoft.management/MANAGEMENTGROUPS/Mg", state.Scope{ManagementGroup: "Mg"}},
		{"/SUBSCRIPTIONS/S/resourcegroups/Rg/", state.Scope{SubscriptionID: "S", ResourceGroup: "Rg"}},
		{"/subscriptions/S/", state.Scope{SubscriptionID: "S"}},
	} {
		got, err := state.ParseScope(tc.id)
		if err != nil || got != tc.want {
			t.Errorf("ParseScope(%s) = %+v, %v; want %+v", tc.id, got, err, tc.want)
		}
	}
	for _, id := range []string{"", "subscriptions/s", "//", "/subscriptions", "/subscriptions//resourceGroups/rg",
		"/subscriptions/s/resourceGroups", "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/disks/d",
		"/providers/Microsoft.Management/managementGroups", "/providers/Microsoft.Compute/galleries/g",
		"/subscriptions/s/locations/eastus"} {
		if got, err := state.ParseScope(id); !errors.Is(err, state.ErrInvalidID) {
			t.Errorf("ParseScope(%q) = %+v, %v; want an error wrapping ErrInvalidID", id, got, err)
		}
	}
}

func TestScopeValidate(t *testing.T) {
	for _, sc := range []state.Scope{
		{ResourceGroup: "rg"},
		{ManagementGroup: "mg", SubscriptionID: "s"},
		{ManagementGroup: "mg", ResourceGroup: "rg"},
		{ManagementGroup: "a/b"},
		{SubscriptionID: "s", ResourceGroup: "a/b"},
	} {
		if err := sc.Validate(); !errors.Is(err, state.ErrInvalidID) {
			t.Errorf("Validate(%+v) = %v, want an error wrapping ErrInvalidID", sc, err)
		}
	}
}
