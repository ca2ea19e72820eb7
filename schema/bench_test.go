package schema

import (
	"fmt"
	"strings"
	"testing"
)

// largeTemplate generates a template of about 4 MB: 800 resources (galleries with a
// nested image definition, image versions, VMs) with big properties, expressions,
// parameters, variables and outputs. It returns the JSON text.
func largeTemplate() []byte {
	var b strings.Builder
	b.WriteString(`{"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
"contentVersion": "1.0.0.0",
"parameters": {`)
	for i := 0; i < 200; i++ {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, `"p%d": {"type": "string", "defaultValue": "[resourceGroup().location]", "allowedValues": ["a", "b", "c"], "metadata": {"description": "parameter %d"}}`, i, i)
	}
	b.WriteString(`}, "variables": {`)
	for i := 0; i < 200; i++ {
		fmt.Fprintf(&b, `"v%d": {"name": "[concat('n', uniqueString(resourceGroup().id), '%d')]", "list": [1, 2, 3, "x", true, null]},`, i, i)
	}
	b.WriteString(`"copy": [{"name": "disks", "count": 5, "input": {"lun": "[copyIndex('disks')]"}}]}, "resources": [`)
	desc := strings.Repeat("a long description of the image ", 110)
	for i := 0; i < 800; i++ {
		if i > 0 {
			b.WriteString(",\n")
		}
		switch i % 4 {
		case 0:
			fmt.Fprintf(&b, `{"type": "Microsoft.Compute/galleries", "apiVersion": "2019-12-01", "name": "[concat('g', '%d')]",
"location": "[parameters('p1')]", "tags": {"env": "prod", "owner": "team"}, "properties": {"description": "%s"},
"resources": [{"type": "images", "apiVersion": "2019-12-01", "name": "def%d", "location": "[parameters('p1')]",
"dependsOn": ["[resourceId('Microsoft.Compute/galleries', concat('g', '%d'))]"],
"properties": {"description": "%s", "osType": "Linux", "osState": "Generalized",
"identifier": {"publisher": "pub", "offer": "offer%d", "sku": "sku"},
"recommended": {"vCPUs": {"min": "1", "max": 64}, "memory": {"min": 2048, "max": 307720}}}}]}`, i, desc, i, i, desc, i)
		case 1:
			fmt.Fprintf(&b, `{"type": "Microsoft.Compute/galleries/images/versions", "apiVersion": "2020-09-30",
"name": "[concat('g', '/def/', '1.0.%d')]", "location": "[parameters('p1')]", "condition": "[equals(parameters('p2'), 'a')]",
"copy": {"name": "loop%d", "count": "[length(variables('v1').list)]", "mode": "Serial", "batchSize": 2},
"properties": {"publishingProfile": {"replicaCount": 1, "targetRegions": [%s]},
"storageProfile": {"source": {"id": "[resourceId('Microsoft.Compute/images', 'img%d')]"}, "osDiskImage": {"hostCaching": "ReadWrite"}}}}`,
				i, i, strings.TrimSuffix(strings.Repeat(`{"name": "westeurope", "regionalReplicaCount": 2, "storageAccountType": "Standard_ZRS"},`, 30), ","), i)
		default:
			fmt.Fprintf(&b, `{"type": "Microsoft.Compute/virtualMachines", "apiVersion": "2020-12-01", "name": "vm%d",
"location": "[parameters('p1')]", "dependsOn": ["[resourceId('Microsoft.Network/networkInterfaces', 'nic%d')]"],
"properties": {"hardwareProfile": {"vmSize": "Standard_D2_v2"},
"osProfile": {"computerName": "vm%d", "adminUsername": "[parameters('p3')]", "adminPassword": "[parameters('p4')]", "customData": "%s"},
"storageProfile": {"imageReference": {"id": "[resourceId('Microsoft.Compute/galleries/images/versions', 'g', 'def', '1.0.0')]"},
"osDisk": {"createOption": "FromImage", "managedDisk": {"storageAccountType": "Premium_LRS"}},
"copy": [{"name": "dataDisks", "count": 4, "input": {"lun": "[copyIndex('dataDisks')]", "createOption": "Empty", "diskSizeGB": 1023}}]},
"networkProfile": {"networkInterfaces": [{"id": "[resourceId('Microsoft.Network/networkInterfaces', 'nic%d')]"}]}}}`,
				i, i, i, desc, i)
		}
	}
	b.WriteString(`], "outputs": {`)
	for i := 0; i < 60; i++ {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, `"o%d": {"type": "string", "value": "[reference('vm%d').vmId]", "condition": "[equals(1, 1)]"}`, i, 4*i+2)
	}
	b.WriteString(`}}`)
	return []byte(b.String())
}

// BenchmarkValidateTemplate validates a ~4 MB template (800 resources) against the
// deploymentTemplate schema.
func BenchmarkValidateTemplate(b *testing.B) {
	data := largeTemplate()
	inst := decodeJSON(b, data)
	if vs := ValidateTemplate(inst); vs != nil {
		b.Fatalf("generated template is invalid:\n%s", dump(vs))
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		ValidateTemplate(inst)
	}
}

// BenchmarkValidateResources validates every resource body of the same template
// against its type's schema, as the pipeline does after loading.
func BenchmarkValidateResources(b *testing.B) {
	data := largeTemplate()
	inst := decodeJSON(b, data)
	rs := declaredResources(inst)
	for _, r := range rs {
		if vs, known, err := ValidateResource(r.typ, r.body["apiVersion"].(string), r.body); !known || err != nil || vs != nil {
			b.Fatalf("%s: known=%v err=%v\n%s", r.pointer, known, err, dump(vs))
		}
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		for _, r := range rs {
			ValidateResource(r.typ, r.body["apiVersion"].(string), r.body)
		}
	}
}

// BenchmarkInvalidTemplate measures the error path: many violations in one template.
func BenchmarkInvalidTemplate(b *testing.B) {
	var sb strings.Builder
	sb.WriteString(`{"$schema": "s", "contentVersion": "1", "unknown": 1, "resources": [`)
	for i := 0; i < 800; i++ {
		if i > 0 {
			sb.WriteString(",")
		}
		fmt.Fprintf(&sb, `{"type": "t", "apiVersion": "latest", "copy": {"name": "c", "count": "x", "mode": "sometimes"}}`)
	}
	sb.WriteString(`]}`)
	inst := decodeJSON(b, []byte(sb.String()))
	if n := len(ValidateTemplate(inst)); n != 1+800*4 {
		b.Fatalf("got %d violations", n)
	}
	b.SetBytes(int64(sb.Len()))
	b.ReportAllocs()
	for b.Loop() {
		ValidateTemplate(inst)
	}
}
