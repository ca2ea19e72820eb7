package schema

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

const (
	imageDef = `{"name": "g/def", "location": "westeurope", "properties": {
	  "osType": "Linux", "osState": "Generalized", "endOfLifeDate": "2030-01-01",
	  "identifier": {"publisher": "p", "offer": "o", "sku": "s"},
	  "recommended": {"vCPUs": {"min": "1", "max": "64"}, "memory": {"min": 2048, "max": "[parameters('mem')]"}}}}`
	imageVersion = `{"name": "g/def/1.0.0", "location": "westeurope", "properties": {
	  "publishingProfile": {"replicaCount": 1, "targetRegions": [{"name": "westeurope", "storageAccountType": "%s"}]},
	  "storageProfile": {"source": {"id": "/subscriptions/s/resourceGroups/r/providers/Microsoft.Compute/images/i"},
	    "osDiskImage": {"hostCaching": "%s"}}}}`
)

func versionBody(storage, caching string) string {
	return strings.Replace(strings.Replace(imageVersion, "%s", storage, 1), "%s", caching, 1)
}

func TestValidateResource(t *testing.T) {
	tests := []struct {
		name, typ, api, body string
		want                 []want
	}{
		{name: "image definition", typ: "Microsoft.Compute/galleries/images", api: "2019-12-01", body: imageDef},
		{
			name: "image definition osType Mac",
			typ:  "Microsoft.Compute/galleries/images", api: "2019-12-01",
			body: strings.Replace(imageDef, `"Linux"`, `"Mac"`, 1),
			want: []want{{"/properties/osType", "enum", "property 'osType' must be one of 'Windows', 'Linux'; got 'Mac'"}},
		},
		{
			name: "enums ignore case",
			typ:  "Microsoft.Compute/galleries/images", api: "2019-12-01",
			body: strings.Replace(strings.Replace(imageDef, `"Linux"`, `"linux"`, 1), `"Generalized"`, `"GENERALIZED"`, 1),
		},
		{
			name: "image definition without identifier.publisher",
			typ:  "Microsoft.Compute/galleries/images", api: "2023-07-03",
			body: strings.Replace(imageDef, `"publisher": "p", `, ``, 1),
			want: []want{{"/properties/identifier", "required", "required property 'publisher' is missing from 'identifier'"}},
		},
		{
			name: "image definition without properties",
			typ:  "Microsoft.Compute/galleries/images", api: "2019-12-01",
			body: `{"name": "g/d", "location": "westeurope"}`,
			want: []want{{"", "required", "required property 'properties' is missing from the resource"}},
		},
		{
			name: "recommended vCPUs not a number",
			typ:  "Microsoft.Compute/galleries/images", api: "2019-12-01",
			body: strings.Replace(imageDef, `"min": "1"`, `"min": "one"`, 1),
			want: []want{{"/properties/recommended/vCPUs/min", "type", "property 'min' must be an integer (or a string holding one) or a template expression; got string 'one'"}},
		},
		{
			name: "image version",
			typ:  "Microsoft.Compute/galleries/images/versions", api: "2020-09-30",
			body: versionBody("Premium_LRS", "ReadWrite"),
		},
		{
			name: "image version hostCaching Sometimes",
			typ:  "Microsoft.Compute/galleries/images/versions", api: "2020-09-30",
			body: versionBody("Standard_LRS", "Sometimes"),
			want: []want{{"/properties/storageProfile/osDiskImage/hostCaching", "enum", "property 'hostCaching' must be one of 'None', 'ReadOnly', 'ReadWrite'; got 'Sometimes'"}},
		},
		{
			name: "image version Premium_LRS is not a 2019-12-01 storage type",
			typ:  "Microsoft.Compute/galleries/images/versions", api: "2019-12-01",
			body: versionBody("Premium_LRS", "ReadWrite"),
			want: []want{{"/properties/publishingProfile/targetRegions/0/storageAccountType", "enum", "must be one of 'Standard_LRS', 'Standard_ZRS'; got 'Premium_LRS'"}},
		},
		{
			name: "image version without storageProfile",
			typ:  "Microsoft.Compute/galleries/images/versions", api: "2024-03-03",
			body: `{"name": "g/d/1.0.0", "location": "westeurope", "properties": {"publishingProfile": {"targetRegions": [{"regionalReplicaCount": 2}]}}}`,
			want: []want{
				{"/properties", "required", "required property 'storageProfile' is missing from 'properties'"},
				{"/properties/publishingProfile/targetRegions/0", "required", "required property 'name' is missing from item 0 of 'targetRegions'"},
			},
		},
		{
			name: "image version 2018-06-01 takes a managed image source",
			typ:  "Microsoft.Compute/galleries/images/versions", api: "2018-06-01",
			body: `{"name": "g/d/1.0.0", "location": "westeurope", "properties": {"publishingProfile": {"source": {"managedImage": {}}}}}`,
			want: []want{{"/properties/publishingProfile/source/managedImage", "required", "required property 'id' is missing from 'managedImage'"}},
		},
		{
			name: "read-only properties are accepted",
			typ:  "Microsoft.Compute/galleries", api: "2019-12-01",
			body: `{"name": "g", "location": "westeurope", "properties": {"description": "d", "provisioningState": 7, "identifier": {"uniqueName": ["x"]}}}`,
		},
		{
			name: "unknown properties are accepted",
			typ:  "Microsoft.Compute/galleries", api: "2025-03-03",
			body: `{"name": "g", "location": "westeurope", "somethingNew": {"a": 1}, "properties": {"futureFlag": true}}`,
		},
		{
			name: "gallery without location",
			typ:  "microsoft.compute/GALLERIES", api: "2019-12-01",
			body: `{"name": "g"}`,
			want: []want{{"", "required", "required property 'location' is missing from the resource"}},
		},
		{
			name: "disk diskSizeGB wrong type",
			typ:  "Microsoft.Compute/disks", api: "2020-12-01",
			body: `{"name": "d", "location": "l", "sku": {"name": "Standard_LRS"}, "properties": {"osType": "Windows", "creationData": {"createOption": "Empty"}, "diskSizeGB": true}}`,
			want: []want{{"/properties/diskSizeGB", "type", "property 'diskSizeGB' must be an integer (or a string holding one) or a template expression; got boolean true"}},
		},
		{
			name: "disk without createOption, bad sku",
			typ:  "Microsoft.Compute/disks", api: "2020-12-01",
			body: `{"name": "d", "location": "l", "sku": {"name": "Gold"}, "properties": {"creationData": {}}}`,
			want: []want{
				{"/properties/creationData", "required", "required property 'createOption' is missing from 'creationData'"},
				{"/sku/name", "enum", "property 'name' must be one of 'Standard_LRS', 'Premium_LRS', 'StandardSSD_LRS', 'UltraSSD_LRS', 'Premium_ZRS', 'StandardSSD_ZRS', 'PremiumV2_LRS'; got 'Gold'"},
			},
		},
		{
			name: "managed image osDisk without osState",
			typ:  "Microsoft.Compute/images", api: "2020-12-01",
			body: `{"name": "i", "location": "l", "properties": {"storageProfile": {"osDisk": {"osType": "Windows", "blobUri": "https://x"}}, "hyperVGeneration": "V3"}}`,
			want: []want{
				{"/properties/hyperVGeneration", "enum", "got 'V3'"},
				{"/properties/storageProfile/osDisk", "required", "required property 'osState' is missing from 'osDisk'"},
			},
		},
		{
			name: "VM property loop input is checked as an element",
			typ:  "Microsoft.Compute/virtualMachines", api: "2021-03-01",
			body: `{"name": "vm", "location": "l", "properties": {"storageProfile": {"osDisk": {"createOption": "FromImage"},
			  "copy": [{"name": "dataDisks", "count": "[variables('n')]", "input": {"lun": "[copyIndex('dataDisks')]", "createOption": "Blank", "diskSizeGB": 1023}}]}}}`,
			want: []want{{"/properties/storageProfile/copy/0/input/createOption", "enum", "property 'createOption' must be one of 'FromImage', 'Empty', 'Attach', 'Copy', 'Restore'; got 'Blank'"}},
		},
		{
			name: "VM booleans accept strings the provider converts",
			typ:  "Microsoft.Compute/virtualMachines", api: "2020-12-01",
			body: `{"name": "vm", "location": "l", "identity": {"type": "SystemAssigned,UserAssigned"}, "properties": {"osProfile": {"linuxConfiguration": {"disablePasswordAuthentication": "True", "provisionVMAgent": "maybe"}}}}`,
			want: []want{{"/properties/osProfile/linuxConfiguration/provisionVMAgent", "type", "must be a boolean (or 'true'/'false') or a template expression; got string 'maybe'"}},
		},
		{
			name: "public IP allocation method",
			typ:  "Microsoft.Network/publicIPAddresses", api: "2020-08-01",
			body: `{"name": "p", "location": "l", "sku": "[variables('sku')]", "properties": {"publicIPAllocationMethod": "Automatic", "dnsSettings": {"domainNameLabel": "[parameters('dns')]"}}}`,
			want: []want{{"/properties/publicIPAllocationMethod", "enum", "property 'publicIPAllocationMethod' must be one of 'Static', 'Dynamic'; got 'Automatic'"}},
		},
		{
			name: "NSG rule without protocol, priority out of range",
			typ:  "Microsoft.Network/networkSecurityGroups", api: "2020-07-01",
			body: `{"name": "n", "location": "l", "properties": {"securityRules": [{"name": "r", "properties": {"priority": 50, "access": "Allow", "direction": "Inbound", "destinationPortRange": 22}}]}}`,
			want: []want{
				{"/properties/securityRules/0/properties", "required", "required property 'protocol' is missing from 'properties'"},
				{"/properties/securityRules/0/properties/priority", "minimum", "property 'priority' must be at least 100; got 50"},
			},
		},
		{
			name: "VNet subnet loop and NIC",
			typ:  "Microsoft.Network/virtualNetworks", api: "2021-02-01",
			body: `{"name": "v", "location": "l", "properties": {"addressSpace": {"addressPrefixes": "[parameters('p')]"},
			  "copy": [{"name": "subnets", "count": 2, "input": {"name": "[concat('s', copyIndex('subnets'))]", "properties": {"addressPrefix": "[parameters('sp')[copyIndex('subnets')]]", "privateEndpointNetworkPolicies": "disabled"}}}]}}`,
		},
		{
			name: "subnet has no location",
			typ:  "Microsoft.Network/virtualNetworks/subnets", api: "2020-05-01",
			body: `{"name": "v/s", "properties": {"addressPrefix": "10.0.0.0/24", "privateLinkServiceNetworkPolicies": "Off"}}`,
			want: []want{{"/properties/privateLinkServiceNetworkPolicies", "enum", "got 'Off'"}},
		},
		{
			name: "NIC ipConfiguration",
			typ:  "Microsoft.Network/networkInterfaces", api: "2016-03-30",
			body: `{"name": "n", "location": "l", "properties": {"ipConfigurations": [{"name": "c", "properties": {"privateIPAllocationMethod": "Floating", "subnet": "x"}}]}}`,
			want: []want{
				{"/properties/ipConfigurations/0/properties/privateIPAllocationMethod", "enum", "got 'Floating'"},
				{"/properties/ipConfigurations/0/properties/subnet", "type", "property 'subnet' must be an object or a template expression; got string 'x'"},
			},
		},
		{
			name: "nested deployment with template and templateLink",
			typ:  "Microsoft.Resources/deployments", api: "2019-09-01",
			body: `{"name": "n", "properties": {"mode": "Incremental", "template": {}, "templateLink": {"uri": "https://x"}, "parameters": {"a": {"value": 1}}}}`,
			want: []want{{"/properties/templateLink", "not", "either 'template' or 'templateLink', not both"}},
		},
		{
			name: "nested deployment without mode, bad parameter entry",
			typ:  "Microsoft.Resources/deployments", api: "2022-09-01",
			body: `{"name": "n", "resourceGroup": "rg", "properties": {"templateLink": {"uri": "https://x"}, "parameters": {"a": {"val": 1}}}}`,
			want: []want{
				{"/properties", "required", "required property 'mode' is missing from 'properties'"},
				{"/properties/parameters/a", "required", "required property 'value' is missing from 'a'"},
				{"/properties/parameters/a/val", "additionalProperties", "property 'val' is not allowed in 'a'"},
			},
		},
		{
			name: "body is not an object",
			typ:  "Microsoft.Compute/disks", api: "2020-12-01",
			body: `"[variables('disk')]"`,
			want: []want{{"", "type", "the resource must be an object; got string"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, known, err := ValidateResource(tt.typ, tt.api, decodeJSON(t, []byte(tt.body)))
			if !known || err != nil {
				t.Fatalf("known=%v err=%v", known, err)
			}
			checkViolations(t, got, tt.want)
		})
	}
}

func TestValidateResourceUnknown(t *testing.T) {
	v, known, err := ValidateResource("Microsoft.Storage/storageAccounts", "2023-01-01", map[string]any{"name": 5})
	if v != nil || known || err != nil {
		t.Errorf("unknown type: got %v, %v, %v; want nil, false, nil", v, known, err)
	}

	v, known, err = ValidateResource("Microsoft.Compute/Galleries", "2022-08-01", map[string]any{})
	var uerr *UnsupportedAPIVersionError
	if v != nil || !known || !errors.As(err, &uerr) {
		t.Fatalf("unsupported version: got %v, %v, %v", v, known, err)
	}
	if uerr.Type != "Microsoft.Compute/Galleries" || uerr.APIVersion != "2022-08-01" || !slices.Contains(uerr.Supported, "2022-08-03") {
		t.Errorf("error fields: %+v", uerr)
	}
	wantMsg := "no registered resource provider found for API version '2022-08-01' and type 'Microsoft.Compute/Galleries'; the supported api-versions are '2018-06-01, 2019-03-01, "
	if !strings.HasPrefix(err.Error(), wantMsg) {
		t.Errorf("message %q", err.Error())
	}
}

func TestSupportedAPIVersions(t *testing.T) {
	for _, rt := range resourceTypes {
		t.Run(rt.Type, func(t *testing.T) {
			got := SupportedAPIVersions(strings.ToUpper(rt.Type))
			if len(got) == 0 || !slices.IsSorted(got) || len(slices.Compact(slices.Clone(got))) != len(got) {
				t.Errorf("versions %v: want sorted, unique, non-empty", got)
			}
			// Every registered version compiles to a schema and validates something.
			for _, v := range got {
				if _, known, err := ValidateResource(rt.Type, v, map[string]any{"name": "n", "location": "l", "properties": map[string]any{}}); !known || err != nil {
					t.Errorf("%s: known=%v err=%v", v, known, err)
				}
			}
			got[0] = "mutated"
			if SupportedAPIVersions(rt.Type)[0] == "mutated" {
				t.Error("SupportedAPIVersions must return a copy")
			}
		})
	}
	if got := SupportedAPIVersions("Microsoft.Web/sites"); got != nil {
		t.Errorf("unknown type: %v", got)
	}
	gal := SupportedAPIVersions("microsoft.compute/galleries")
	for _, v := range []string{"2018-06-01", "2019-12-01", "2023-07-03", "2024-03-03", "2025-03-03"} {
		if !slices.Contains(gal, v) {
			t.Errorf("galleries lacks %s: %v", v, gal)
		}
	}
	if slices.Contains(gal, "2022-08-01") {
		t.Error("2022-08-01 is a VM API version, not a gallery one")
	}
}
