package providers

import "strings"

// LinkedReads returns the ids of the resources a PUT of typ with body
// reads from: the image a virtual machine or scale set is built from, the
// source of an image version or a managed image. Azure checks that the
// caller may read each of them (the seed's sharing matrix: a VM from a
// gallery image version needs read on that version, granted on it, its
// definition or its gallery). Only ids of this store's resources count
// (ARM ids starting with '/'); shared and community gallery ids are not
// RBAC reads.
func LinkedReads(typ string, body map[string]any) []string {
	var ids []string
	add := func(id string) {
		if strings.HasPrefix(id, "/") {
			ids = append(ids, id)
		}
	}
	p := objAt(body, "properties")
	switch {
	case typeIs(typ, "Microsoft.Compute/virtualMachines"):
		add(strAt(p, "storageProfile", "imageReference", "id"))
	case typeIs(typ, "Microsoft.Compute/virtualMachineScaleSets"):
		add(strAt(p, "virtualMachineProfile", "storageProfile", "imageReference", "id"))
	case typeIs(typ, "Microsoft.Compute/galleries/images/versions"):
		sp := objAt(p, "storageProfile")
		add(strAt(sp, "source", "id"))
		add(strAt(sp, "source", "virtualMachineId"))
		add(strAt(sp, "osDiskImage", "source", "id"))
		for _, d := range arrAt(sp, "dataDiskImages") {
			m, _ := d.(map[string]any)
			add(strAt(m, "source", "id"))
		}
	case typeIs(typ, "Microsoft.Compute/images"):
		add(strAt(p, "sourceVirtualMachine", "id"))
		sp := objAt(p, "storageProfile")
		add(strAt(sp, "osDisk", "managedDisk", "id"))
		add(strAt(sp, "osDisk", "snapshot", "id"))
	}
	return ids
}
