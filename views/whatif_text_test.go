package views

import (
	"bytes"
	"testing"

	"github.com/armdeploy/armdeploy/evaluator"
	"github.com/armdeploy/armdeploy/planner"
)

func val(t *testing.T, js string) *evaluator.Value {
	t.Helper()
	v, err := evaluator.ParseJSON(js)
	if err != nil {
		t.Fatal(err)
	}
	return &v
}

// TestWhatIfTextMatchesAz renders arm-spec §9.2's sample: the layout,
// alignment (including az's width quirk for arrays in a Create block),
// symbols, sorting and summary of az's formatter.
func TestWhatIfTextMatchesAz(t *testing.T) {
	const scope = "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/ExampleGroup/providers/"
	before := val(t, `{"apiVersion":"2018-10-01","name":"vnet-001","tags":{"Owner":"Team A"},"properties":{"addressSpace":{"addressPrefixes":["10.0.0.0/16"]},"enableDdosProtection":false,"subnets":[{"name":"subnet001","properties":{"addressPrefix":"10.0.0.0/24"}}]}}`)
	after := val(t, `{"apiVersion":"2018-10-01","name":"vnet-001","properties":{"addressSpace":{"addressPrefixes":["10.0.0.0/15"]},"enableDdosProtection":true,"subnets":[]}}`)
	res := &planner.WhatIfResult{Status: "Succeeded", Properties: planner.WhatIfProperties{Changes: []planner.Change{
		{ResourceID: scope + "Microsoft.Network/virtualNetworks/vnet-001", ChangeType: planner.Modify, Before: before, After: after,
			Delta: planner.Diff(*before, *after)},
		{ResourceID: scope + "Microsoft.Network/virtualNetworks/vnet-002", ChangeType: planner.Create,
			After: val(t, `{"apiVersion":"2018-10-01","name":"vnet-002","location":"eastus","tags":{"env":"dev"},"properties":{"addressSpace":{"addressPrefixes":["10.1.0.0/16"]}}}`)},
	}}}
	var b bytes.Buffer
	if err := WriteText(&b, res, false); err != nil {
		t.Fatal(err)
	}
	want := `Note: The result may contain false positive predictions (noise).
You can help us improve the accuracy of the result by opening an issue here: https://aka.ms/WhatIfIssues

Resource and property changes are indicated with these symbols:
  - Delete
  + Create
  ~ Modify

The deployment will update the following scope:

Scope: /subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/ExampleGroup

  + Microsoft.Network/virtualNetworks/vnet-002 [2018-10-01]

      apiVersion:               "2018-10-01"
      name:                     "vnet-002"
      location:                 "eastus"
      tags.env:                 "dev"
      properties.addressSpace.addressPrefixes: [
        0: "10.1.0.0/16"
      ]

  ~ Microsoft.Network/virtualNetworks/vnet-001 [2018-10-01]
    - tags.Owner:                      "Team A"
    ~ properties.addressSpace.addressPrefixes: [
      - 0: "10.0.0.0/16"
      + 0: "10.0.0.0/15"
      ]
    ~ properties.enableDdosProtection: false => true
    ~ properties.subnets: [
      - 0:

          name:                     "subnet001"
          properties.addressPrefix: "10.0.0.0/24"

      ]

Resource changes: 1 to create, 1 to modify.
`
	if got := b.String(); got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
}
