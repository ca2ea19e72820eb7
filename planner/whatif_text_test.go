package planner

import (
	"bytes"
	"testing"

	"github.com/armdeploy/armdeploy/evaluator"
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
	res := &WhatIfResult{Status: "Succeeded", Properties: WhatIfProperties{Changes: []Change{
		{ResourceID: scope + "Microsoft.Network/virtualNetworks/vnet-001", ChangeType: Modify, Before: before, After: after,
			Delta: diff("", *before, *after)},
		{ResourceID: scope + "Microsoft.Network/virtualNetworks/vnet-002", ChangeType: Create,
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

func TestDiff(t *testing.T) {
	tests := []struct {
		name, before, after string
		want                []string // "type path"
	}{
		{"same", `{"a":1,"b":{"c":[1,2]}}`, `{"A":1,"b":{"c":[1,2]}}`, nil},
		{"scalar modify", `{"a":1}`, `{"a":2}`, []string{"Modify a"}},
		{"create and delete", `{"a":1}`, `{"b":1}`, []string{"Delete a", "Create b"}},
		{"nested", `{"p":{"x":{"y":"1"}}}`, `{"p":{"x":{"y":"2","z":true}}}`, []string{"Modify p.x.y", "Create p.x.z"}},
		{"array grows", `{"a":[1]}`, `{"a":[1,2]}`, []string{"Array a"}},
		{"unknown is no effect", `{"a":"x"}`, `{"a":"[reference('r')]"}`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := val(t, tt.before)
			a := val(t, tt.after)
			if tt.name == "unknown is no effect" {
				av := evaluator.UnknownValue("reference('r')")
				o := evaluator.NewObject(1)
				o.Set("a", av)
				x := evaluator.ObjectValue(o)
				a = &x
			}
			var got []string
			for _, d := range diff("", *b, *a) {
				if d.PropertyChangeType != PropNoEffect {
					got = append(got, string(d.PropertyChangeType)+" "+d.Path)
				}
			}
			if len(got) != len(tt.want) {
				t.Fatalf("got %v, want %v", got, tt.want)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Errorf("got %v, want %v", got, tt.want)
				}
			}
		})
	}
}
