package providers

import (
	"context"
	"strings"
	"testing"
)

func TestGenericProviderFillsWellKnownValues(t *testing.T) {
	tests := []struct {
		name, typ, id string
		body          map[string]any
		check         func(t *testing.T, body map[string]any)
	}{
		{"storage endpoints", "Microsoft.Storage/storageAccounts", "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/sa1",
			map[string]any{"location": "eastus"}, func(t *testing.T, b map[string]any) {
				if got := strAt(b, "properties", "primaryEndpoints", "blob"); got != "https://sa1.blob.core.windows.net/" {
					t.Errorf("blob endpoint %q", got)
				}
			}},
		{"user-assigned identity", "Microsoft.ManagedIdentity/userAssignedIdentities", "/subscriptions/s/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id1",
			map[string]any{"location": "eastus"}, func(t *testing.T, b map[string]any) {
				if p := strAt(b, "properties", "principalId"); len(p) != 36 || p == strAt(b, "properties", "clientId") {
					t.Errorf("principalId %q, clientId %q", p, strAt(b, "properties", "clientId"))
				}
			}},
		{"system-assigned identity", "Microsoft.Web/sites", "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Web/sites/app",
			map[string]any{"identity": map[string]any{"type": "SystemAssigned"}}, func(t *testing.T, b map[string]any) {
				if p := strAt(b, "identity", "principalId"); len(p) != 36 {
					t.Errorf("principalId %q", p)
				}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			name := tt.id[strings.LastIndexByte(tt.id, '/')+1:]
			res, err := For(tt.typ).Put(context.Background(), &Request{ID: tt.id, Type: tt.typ, Name: name, Body: tt.body})
			if err != nil {
				t.Fatal(err)
			}
			tt.check(t, res.Body)
			again, _ := For(tt.typ).Put(context.Background(), &Request{ID: tt.id, Type: tt.typ, Name: name, Body: tt.body})
			if strAt(again.Body, "properties", "principalId") != strAt(res.Body, "properties", "principalId") {
				t.Error("ids must be stable across deployments")
			}
		})
	}
}
