package providers

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

const (
	winPassword   = "Qs-Gallery-Vm#2024"
	msgWinCompute = "Windows computer name cannot be more than 15 characters long, be entirely numeric, or contain the following characters: ` ~ ! @ # $ % ^ & * ( ) = + _ [ ] { } \\ | ; : . ' \" , < > / ?."
)

// vmSetup is the gallery with version 0.0.1 of "win" and 1.0.0 of "lin"
// in eastus, the specialized definition "spec" with 1.0.0, and the
// network.
func vmSetup(w *world) {
	w.t.Helper()
	gallerySetup(w)
	w.must(typeImageVersion, apiVersion, versionBody(resID(typeManagedImage, "winimg"), `[{"name":"eastus"}]`), "gal", "win", "0.0.1")
	w.must(typeImageVersion, apiVersion, versionBody(resID(typeManagedImage, "linimg"), `[{"name":"eastus"}]`), "gal", "lin", "1.0.0")
	w.must(typeImageDefinition, apiGallery, specializedDef, "gal", "spec")
	w.must(typeDisk, apiCompute, linuxDisk, "specdisk")
	w.must(typeManagedImage, apiCompute, managedImageBody("specdisk", "Linux", "Specialized"), "specimg")
	w.must(typeImageVersion, apiVersion, versionBody(resID(typeManagedImage, "specimg"), `[{"name":"eastus"}]`), "gal", "spec", "1.0.0")
	networkSetup(w)
}

func passwordMsg(lo, hi int) string {
	return fmt.Sprintf("The supplied password must be between %d-%d characters long and must satisfy at least 3 of password complexity requirements from the following: 1) Contains an uppercase character 2) Contains a lowercase character 3) Contains a numeric digit 4) Contains a special character 5) Control characters are not allowed", lo, hi)
}

func TestVirtualMachineRules(t *testing.T) {
	winV := resID(typeImageVersion, "gal", "win", "0.0.1")
	linV := resID(typeImageVersion, "gal", "lin", "1.0.0")
	vm := func(body string) ruleCase {
		return ruleCase{typ: typeVirtualMachine, api: apiCompute, names: []string{"vm"}, body: body, setup: vmSetup}
	}
	var cases []ruleCase
	add := func(name string, c ruleCase, code, msg, target string) {
		c.name, c.code, c.msg, c.target = name, code, msg, target
		cases = append(cases, c)
	}
	then := func(c ruleCase, extra func(*world)) ruleCase {
		c.setup = func(w *world) { vmSetup(w); extra(w) }
		return c
	}
	// the image
	missing := resID(typeImageVersion, "gal", "win", "9.9.9")
	add("version missing", vm(vmBody(missing, "azureuser", winPassword, "mysigvm")), "GalleryImageNotFound",
		`"The gallery image `+missing+` is not available in eastus region. Please contact image owner to replicate to this region, or change your requested region."`, "imageReference")
	add("version not replicated to the VM's region", vm(strings.Replace(vmBody(winV, "azureuser", winPassword, "mysigvm"), `"location":"eastus"`, `"location":"westus2"`, 1)),
		"GalleryImageNotFound", `"The gallery image `+winV+` is not available in westus2 region. Please contact image owner to replicate to this region, or change your requested region."`, "")
	add("definition with no version (latest)", then(vm(vmBody(resID(typeImageDefinition, "gal", "empty"), "azureuser", winPassword, "mysigvm")), func(w *world) {
		w.must(typeImageDefinition, apiGallery, defBody(`{"osType":"Windows","osState":"Generalized","identifier":{"publisher":"a","offer":"b","sku":"c"}}`), "gal", "empty")
	}), "InvalidParameter", "In region eastus, the following list of Shared Image Gallery images referenced from the deployment template were not found: "+
		resID(typeImageDefinition, "gal", "empty")+"/Versions/latest. Please check that at least one image has been replicated to eastus or that the 'exclude from latest' flag is set to false. Please refer to https://docs.microsoft.com/en-us/azure/virtual-machines/windows/shared-image-galleries for instructions on creating and deleting such images.", "imageReference")
	add("latest excluded everywhere", then(vm(vmBody(resID(typeImageDefinition, "gal", "win"), "azureuser", winPassword, "mysigvm")), func(w *world) {
		w.must(typeImageVersion, apiVersion, strings.Replace(versionBody(resID(typeManagedImage, "winimg"), `[{"name":"eastus"}]`), `"replicaCount":1`, `"replicaCount":1,"excludeFromLatest":true`, 1), "gal", "win", "0.0.1")
	}), "InvalidParameter", "In region eastus, the following list of Shared Image Gallery images referenced from the deployment template were not found: "+
		resID(typeImageDefinition, "gal", "win")+"/Versions/latest. Please check that at least one image has been replicated to eastus or that the 'exclude from latest' flag is set to false. Please refer to https://docs.microsoft.com/en-us/azure/virtual-machines/windows/shared-image-galleries for instructions on creating and deleting such images.", "")
	add("image id not fully qualified", vm(vmBody("myimage", "azureuser", winPassword, "mysigvm")), "LinkedInvalidPropertyId",
		"Property id myimage at path 'properties.storageProfile.imageReference.id' is invalid. Expect fully qualified resource Id that start with '/subscriptions/{subscriptionId}' or '/providers/{resourceProviderNamespace}/'.", "")
	add("size missing", vm(strings.Replace(vmBody(winV, "azureuser", winPassword, "mysigvm"), `"vmSize":"Standard_D2_v2"`, `"vmSize":""`, 1)),
		"InvalidParameter", "Required parameter 'hardwareProfile.vmSize' is missing (null).", "")
	// osProfile by OS state
	add("osProfile for a specialized image", vm(vmBody(resID(typeImageVersion, "gal", "spec", "1.0.0"), "azureuser", winPassword, "mysigvm")),
		"InvalidParameter", "Parameter 'osProfile' is not allowed.", "osProfile")
	add("no osProfile for a generalized image", vm(fmt.Sprintf(`{"location":"eastus","properties":{"hardwareProfile":{"vmSize":"Standard_D2_v2"},
		"storageProfile":{"imageReference":{"id":%q}},"networkProfile":{"networkInterfaces":[{"id":%q}]}}}`, winV, resID(typeNIC, "nic"))),
		"InvalidParameter", "Required parameter 'osProfile' is missing (null).", "osProfile")
	// osProfile by OS type
	add("Windows computer name of 16 characters", vm(vmBody(winV, "azureuser", winPassword, "abcdefghijklmnop")), "InvalidParameter", msgWinCompute, "computerName")
	add("Windows computer name all digits", vm(vmBody(winV, "azureuser", winPassword, "12345")), "InvalidParameter", msgWinCompute, "")
	add("Windows computer name with a period", vm(vmBody(winV, "azureuser", winPassword, "my.vm")), "InvalidParameter", msgWinCompute, "")
	add("Windows computer name defaulting to a long VM name", ruleCase{typ: typeVirtualMachine, api: apiCompute, names: []string{"myvmfromgalleryimage"},
		body: strings.Replace(vmBody(winV, "azureuser", winPassword, ""), `"computerName":"",`, "", 1), setup: vmSetup}, "InvalidParameter", msgWinCompute, "")
	add("Linux host name with an underscore", vm(vmBody(linV, "azureuser", winPassword, "my_vm")), "InvalidParameter",
		"Linux host name cannot exceed 64 characters in length or contain the following characters: ` ~ ! @ # $ % ^ & * ( ) = + _ [ ] { } \\ | ; : ' \" , < > / ?.", "computerName")
	add("reserved user name", vm(vmBody(winV, "Administrator", winPassword, "mysigvm")), "InvalidParameter",
		"The Admin Username specified is not allowed.", "adminUsername")
	add("reserved user name on Linux", vm(vmBody(linV, "root", winPassword, "mysigvm")), "InvalidParameter",
		"The Admin Username specified is not allowed.", "")
	add("Windows user name of 21 characters", vm(vmBody(winV, strings.Repeat("u", 21), winPassword, "mysigvm")), "InvalidParameter",
		`Windows admin user name cannot be more than 20 characters long, end with a period(.), or contain the following characters: \ / " [ ] : | < > + = ; , ? * @.`, "")
	add("Windows user name ending with a period", vm(vmBody(winV, "azureuser.", winPassword, "mysigvm")), "InvalidParameter",
		`Windows admin user name cannot be more than 20 characters long, end with a period(.), or contain the following characters: \ / " [ ] : | < > + = ; , ? * @.`, "")
	add("Linux user name of 65 characters", vm(vmBody(linV, strings.Repeat("u", 65), winPassword, "mysigvm")), "InvalidParameter",
		"Linux admin user name cannot be more than 64 characters long.", "")
	add("user name missing", vm(vmBody(winV, "", winPassword, "mysigvm")), "InvalidParameter",
		"Required parameter 'adminUsername' is missing (null).", "adminUsername")
	add("Windows password of 7 characters", vm(vmBody(winV, "azureuser", "Ab1!xyz", "mysigvm")), "InvalidParameter", passwordMsg(8, 123), "adminPassword")
	add("Windows password of two classes", vm(vmBody(winV, "azureuser", "abcdefghij12", "mysigvm")), "InvalidParameter", passwordMsg(8, 123), "")
	add("Windows password of 124 characters", vm(vmBody(winV, "azureuser", "Aa1!"+strings.Repeat("x", 120), "mysigvm")), "InvalidParameter", passwordMsg(8, 123), "")
	add("Linux password of 73 characters", vm(vmBody(linV, "azureuser", "Aa1!"+strings.Repeat("x", 69), "mysigvm")), "InvalidParameter", passwordMsg(6, 72), "")
	add("Linux password of 5 characters", vm(vmBody(linV, "azureuser", "Aa1!x", "mysigvm")), "InvalidParameter", passwordMsg(6, 72), "")
	add("banned password", vm(vmBody(winV, "azureuser", "P@ssw0rd", "mysigvm")), "InvalidParameter",
		"The supplied password is one of the commonly used passwords that are not allowed. Please choose a different password.", "")
	add("Windows password missing", vm(vmBody(winV, "azureuser", "", "mysigvm")), "InvalidParameter",
		"Required parameter 'adminPassword' is missing (null).", "")
	add("Linux password authentication off without keys", vm(strings.Replace(vmBody(linV, "azureuser", "", "mysigvm"), `"adminPassword":""`,
		`"linuxConfiguration":{"disablePasswordAuthentication":true}`, 1)), "InvalidParameter",
		"Required parameter 'linuxConfiguration.ssh.publicKeys' is missing (null).", "")
	// the network interface
	add("NIC missing", vm(strings.Replace(vmBody(winV, "azureuser", winPassword, "mysigvm"), "networkInterfaces/nic", "networkInterfaces/ghost", 1)),
		"InvalidResourceReference", "Resource "+resID(typeNIC, "ghost")+" referenced by resource "+resID(typeVirtualMachine, "vm")+
			" was not found. Please make sure that the referenced resource exists, and that both resources are in the same region.", "")
	add("NIC in another region", then(vm(strings.Replace(vmBody(winV, "azureuser", winPassword, "mysigvm"), "networkInterfaces/nic", "networkInterfaces/far", 1)), func(w *world) {
		w.must(typePublicIP, apiPIP, `{"location":"westus2","properties":{}}`, "farpip")
		w.must(typeVNet, apiNetwork, `{"location":"westus2","properties":{"addressSpace":{"addressPrefixes":["10.1.0.0/16"]},"subnets":[{"name":"s","properties":{"addressPrefix":"10.1.0.0/24"}}]}}`, "farnet")
		w.must(typeNIC, apiNetwork, fmt.Sprintf(`{"location":"westus2","properties":{"ipConfigurations":[{"name":"c","properties":{"subnet":{"id":%q}}}]}}`, resID(typeSubnet, "farnet", "s")), "far")
	}), "InvalidResourceReference", "Resource "+resID(typeNIC, "far")+" referenced by resource "+resID(typeVirtualMachine, "vm")+
		" was not found. Please make sure that the referenced resource exists, and that both resources are in the same region.", "")
	add("no network profile", vm(strings.Replace(vmBody(winV, "azureuser", winPassword, "mysigvm"), fmt.Sprintf(`"networkProfile":{"networkInterfaces":[{"id":%q}]}`, resID(typeNIC, "nic")), `"networkProfile":{}`, 1)),
		"InvalidParameter", "Required parameter 'networkProfile' is missing (null).", "")
	// updates
	existing := func(w *world) {
		vmSetup(w)
		w.must(typeImageVersion, apiVersion, versionBody(resID(typeManagedImage, "winimg"), `[{"name":"eastus"}]`), "gal", "win", "0.0.2")
		w.must(typeVirtualMachine, apiCompute, vmBody(winV, "azureuser", winPassword, "mysigvm"), "vm")
	}
	upd := func(body string) ruleCase {
		return ruleCase{typ: typeVirtualMachine, api: apiCompute, names: []string{"vm"}, body: body, setup: existing}
	}
	add("image changed", upd(vmBody(resID(typeImageVersion, "gal", "win", "0.0.2"), "azureuser", winPassword, "mysigvm")),
		"PropertyChangeNotAllowed", "Changing property 'imageReference' is not allowed.", "imageReference")
	add("admin user changed", upd(vmBody(winV, "otheruser", winPassword, "mysigvm")),
		"PropertyChangeNotAllowed", "Changing property 'osProfile.adminUsername' is not allowed.", "osProfile.adminUsername")
	add("computer name changed", upd(vmBody(winV, "azureuser", winPassword, "othervm")),
		"PropertyChangeNotAllowed", "Changing property 'osProfile.computerName' is not allowed.", "")
	runRules(t, cases)
}

func TestVirtualMachineBody(t *testing.T) {
	w := newWorld(t)
	vmSetup(w)
	w.must(typeImageVersion, apiVersion, versionBody(resID(typeManagedImage, "winimg"), `[{"name":"eastus"}]`), "gal", "win", "0.0.10")
	// latest: a definition id
	res := w.must(typeVirtualMachine, apiCompute, vmBody(resID(typeImageDefinition, "gal", "win"), "azureuser", winPassword, "mysigvm"), "vm")
	raw := pretty(res.Body)
	if strings.Contains(raw, winPassword) || has(res.Body, "properties", "osProfile", "adminPassword") {
		t.Fatalf("the admin password is stored:\n%s", raw)
	}
	p := objAt(res.Body, "properties")
	if strAt(p, "storageProfile", "imageReference", "exactVersion") != "0.0.10" {
		t.Errorf("latest resolved to %q", strAt(p, "storageProfile", "imageReference", "exactVersion"))
	}
	od := objAt(p, "storageProfile", "osDisk")
	if strAt(od, "osType") != "Windows" || strAt(od, "createOption") != "FromImage" || at(od, "diskSizeGB") != int64(127) ||
		!strings.HasPrefix(strAt(od, "name"), "vm_OsDisk_1_") || strAt(od, "managedDisk", "storageAccountType") != "Standard_LRS" {
		t.Errorf("osDisk:\n%s", pretty(od))
	}
	if strAt(p, "vmId") == "" || strAt(p, "provisioningState") != "Succeeded" || at(p, "osProfile", "windowsConfiguration", "provisionVMAgent") != true {
		t.Errorf("read-only values:\n%s", raw)
	}
	// a re-PUT with the same template is fine and keeps the version
	w.must(typeImageVersion, apiVersion, versionBody(resID(typeManagedImage, "winimg"), `[{"name":"eastus"}]`), "gal", "win", "0.0.11")
	res = w.must(typeVirtualMachine, apiCompute, vmBody(resID(typeImageDefinition, "gal", "win"), "azureuser", winPassword, "mysigvm"), "vm")
	if strAt(res.Body, "properties", "storageProfile", "imageReference", "exactVersion") != "0.0.10" {
		t.Error("a re-PUT re-imaged the VM")
	}
	// Linux with password authentication, a specialized image without
	// osProfile
	w.must(typeVirtualMachine, apiCompute, vmBody(resID(typeImageVersion, "gal", "lin", "1.0.0"), "azureuser", "Pipeline-Vm#2024x", "pipelinevm"), "linvm")
	w.must(typeVirtualMachine, apiCompute, fmt.Sprintf(`{"location":"eastus","properties":{"hardwareProfile":{"vmSize":"Standard_A1"},
		"storageProfile":{"imageReference":{"id":%q}},"networkProfile":{"networkInterfaces":[{"id":%q}]}}}`,
		resID(typeImageVersion, "gal", "spec", "1.0.0"), resID(typeNIC, "nic")), "specvm")
	res = w.must(typeVirtualMachine, apiCompute, strings.Replace(vmBody(resID(typeImageVersion, "gal", "lin", "1.0.0"), "azureuser", "Pipeline-Vm#2024x", "x"), "Standard_D2_v2", "Standard_Z99", 1), "oddsize")
	if len(res.Warnings) != 1 {
		t.Errorf("unknown size warnings = %v", res.Warnings)
	}
}

func TestPasswordRules(t *testing.T) {
	for pw, ok := range map[string]bool{
		"Qs-Gallery-Vm#2024": true, "Pipeline-Vm#2024x": true, "abcdefgh1_": true /* '_' counts as special */, "ABCDEFGH1a": true,
		"abcdefgh12": false, "ABCDEFGHIJ": false, "Ab1\x01defgh": false, "Password1": false, "iloveyou!": false,
	} {
		if got := checkPassword(pw, 8, 123) == nil; got != ok {
			t.Errorf("checkPassword(%q) ok = %v, want %v", pw, got, ok)
		}
	}
}

// TestLinuxPasswordOrKey is the gallery's adminPasswordOrKey pattern: the
// same parameter is the admin password and, with SSH-key authentication,
// the public key, so a Linux VM that disables password authentication
// may still carry adminPassword. Azure has no rule against it (issue 15:
// the refusal "adminPassword is not allowed when password authentication
// is disabled" was invented); the password is never stored.
func TestLinuxPasswordOrKey(t *testing.T) {
	const key = "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC7 azureuser@example"
	keyConfig := `"linuxConfiguration":{"disablePasswordAuthentication":true,"ssh":{"publicKeys":[{"path":"/home/azureuser/.ssh/authorized_keys","keyData":%q}]}}`
	linV := resID(typeImageVersion, "gal", "lin", "1.0.0")
	withConfig := func(password, config string) string {
		return strings.Replace(vmBody(linV, "azureuser", password, "linvm"), fmt.Sprintf(`"adminPassword":%q`, password),
			fmt.Sprintf(`"adminPassword":%q,`, password)+config, 1)
	}
	tests := []struct {
		name, body string
		code       string
	}{
		{name: "key as password and key", body: withConfig(key, fmt.Sprintf(keyConfig, key))},
		{name: "password and key", body: withConfig("Pipeline-Vm#2024x", fmt.Sprintf(keyConfig, key))},
		{name: "key only", body: strings.Replace(withConfig("", fmt.Sprintf(keyConfig, key)), `"adminPassword":"",`, "", 1)},
		{name: "password authentication with a password", body: vmBody(linV, "azureuser", "Pipeline-Vm#2024x", "linvm")},
		{name: "password authentication with a weak password", body: vmBody(linV, "azureuser", "password", "linvm"), code: "InvalidParameter"},
		{name: "key authentication without a key", body: withConfig(key, `"linuxConfiguration":{"disablePasswordAuthentication":true}`), code: "InvalidParameter"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWorld(t)
			vmSetup(w)
			res, err := w.put(typeVirtualMachine, apiCompute, tt.body, "linvm")
			if tt.code != "" {
				var e *Error
				if !errors.As(err, &e) || e.Code != tt.code {
					t.Fatalf("err = %v, want %s", err, tt.code)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if has(res.Body, "properties", "osProfile", "adminPassword") || strings.Contains(pretty(res.Body), "Pipeline-Vm#2024x") {
				t.Errorf("the admin password is stored:\n%s", pretty(res.Body))
			}
		})
	}
}
