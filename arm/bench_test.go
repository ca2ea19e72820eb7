package arm

import (
	"fmt"
	"testing"
)

// template800 has 800 independent network security groups.
func template800() string {
	return `{` + rgSchema + `, "resources": [{"type": "Microsoft.Network/networkSecurityGroups", "apiVersion": "2023-04-01",
	  "name": "[format('nsg-{0}', copyIndex())]", "location": "eastus", "properties": {"securityRules": []}, "copy": {"name": "c", "count": 800}}]}`
}

// BenchmarkCreateOrUpdate800 is the whole lifecycle of a deployment of
// 800 resources (preflight, lease, records, one commit per resource and
// per operation) into a new group each time.
func BenchmarkCreateOrUpdate800(b *testing.B) {
	s, dir := newService(b)
	file := writeFile(b, dir, "t.json", template800())
	b.ResetTimer()
	for i := range b.N {
		res, err := s.CreateOrUpdate(b.Context(), &DeploymentRequest{Scope: Scope{SubscriptionID: sub0, ResourceGroup: fmt.Sprintf("rg%d", i)},
			Location: "eastus", CreateGroup: true, Template: Template{File: file}})
		if err != nil || res.Status() != "Succeeded" {
			b.Fatal(err, res.Status())
		}
	}
}

// BenchmarkWhatIf800 is a what-if of 800 resources against a group that
// holds them unchanged.
func BenchmarkWhatIf800(b *testing.B) {
	s, dir := newService(b)
	file := writeFile(b, dir, "t.json", template800())
	req := func() *DeploymentRequest {
		return &DeploymentRequest{Scope: Scope{SubscriptionID: sub0, ResourceGroup: "rg"}, Location: "eastus", CreateGroup: true, Template: Template{File: file}}
	}
	if _, err := s.CreateOrUpdate(b.Context(), req()); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for range b.N {
		if _, err := s.WhatIf(b.Context(), req()); err != nil {
			b.Fatal(err)
		}
	}
}
