package providers

import (
	"context"
	"fmt"
	"strings"
	"testing"
)

func TestNetworkRules(t *testing.T) {
	var cases []ruleCase
	add := func(name, typ, api string, names []string, body string, setup func(*world), code, msg, target string) {
		cases = append(cases, ruleCase{name: name, typ: typ, api: api, names: names, body: body, setup: setup, code: code, msg: msg, target: target})
	}
	pip := []string{"pip"}
	// public IP addresses
	add("Standard SKU with Dynamic allocation", typePublicIP, apiPIP, pip,
		`{"location":"eastus","sku":{"name":"Standard"},"properties":{"publicIPAllocationMethod":"Dynamic"}}`, nil,
		"StandardSkuPublicIPAddressesMustBeStatic", "Standard sku publicIp "+resID(typePublicIP, "pip")+" must have AllocationMethod set to Static.", "publicIPAllocationMethod")
	add("DNS label with capitals", typePublicIP, apiPIP, pip, `{"location":"eastus","properties":{"dnsSettings":{"domainNameLabel":"MySigVm"}}}`, nil,
		"InvalidDomainNameLabel", "The domain name label MySigVm is invalid. It must conform to the following regular expression: ^[a-z][a-z0-9-]{1,61}[a-z0-9]$.", "dnsSettings.domainNameLabel")
	add("DNS label of two characters", typePublicIP, apiPIP, pip, `{"location":"eastus","properties":{"dnsSettings":{"domainNameLabel":"ab"}}}`, nil,
		"InvalidDomainNameLabel", "The domain name label ab is invalid. It must conform to the following regular expression: ^[a-z][a-z0-9-]{1,61}[a-z0-9]$.", "")
	add("DNS label ending with a dash", typePublicIP, apiPIP, pip, `{"location":"eastus","properties":{"dnsSettings":{"domainNameLabel":"myvm-"}}}`, nil,
		"InvalidDomainNameLabel", "The domain name label myvm- is invalid. It must conform to the following regular expression: ^[a-z][a-z0-9-]{1,61}[a-z0-9]$.", "")
	add("DNS label starting with a digit", typePublicIP, apiPIP, pip, `{"location":"eastus","properties":{"dnsSettings":{"domainNameLabel":"1vm"}}}`, nil,
		"InvalidDomainNameLabel", "The domain name label 1vm is invalid. It must conform to the following regular expression: ^[a-z][a-z0-9-]{1,61}[a-z0-9]$.", "")
	add("DNS label taken in the region", typePublicIP, apiPIP, []string{"other"}, `{"location":"eastus","properties":{"dnsSettings":{"domainNameLabel":"mysigvm-demo01"}}}`,
		networkSetup, "DnsRecordInUse", "DNS record mysigvm-demo01.eastus.cloudapp.azure.com is already used by another public IP.", "")
	add("unknown SKU", typePublicIP, apiPIP, pip, `{"location":"eastus","sku":{"name":"Premium"},"properties":{}}`, nil,
		"InvalidParameter", "The value of parameter sku.name is invalid.", "sku.name")
	add("idle timeout of 31 minutes", typePublicIP, apiPIP, pip, `{"location":"eastus","properties":{"idleTimeoutInMinutes":31}}`, nil,
		"InvalidParameter", "The value 31 of parameter idleTimeoutInMinutes is out of range. The value must be between 4 and 30, inclusive.", "")
	add("unknown location", typePublicIP, apiPIP, pip, `{"location":"gondor","properties":{}}`, nil,
		"LocationNotAvailableForResourceType", locationMsg("gondor", typePublicIP), "")
	add("IP version changed", typePublicIP, apiPIP, pip, `{"location":"eastus","properties":{"publicIPAddressVersion":"IPv6"}}`,
		func(w *world) { w.must(typePublicIP, apiPIP, `{"location":"eastus","properties":{}}`, "pip") },
		"PropertyChangeNotAllowed", "Changing property 'publicIPAddressVersion' is not allowed.", "")
	// network security groups
	rule := func(name string, prio any, dir string) string {
		return fmt.Sprintf(`{"name":%q,"properties":{"priority":%v,"direction":%q,"access":"Allow","protocol":"Tcp",
			"sourceAddressPrefix":"*","sourcePortRange":"*","destinationAddressPrefix":"*","destinationPortRange":"22"}}`, name, prio, dir)
	}
	nsg := func(rules ...string) string {
		return `{"location":"eastus","properties":{"securityRules":[` + strings.Join(rules, ",") + `]}}`
	}
	add("priority 99", typeNSG, apiNetwork, []string{"nsg"}, nsg(rule("low", 99, "Inbound")), nil,
		"SecurityRuleInvalidPriority", "Security rule has invalid Priority. Value provided: 99 Allowed range 100-4096.", "securityRules/low")
	add("priority 4097", typeNSG, apiNetwork, []string{"nsg"}, nsg(rule("high", `"4097"`, "Inbound")), nil,
		"SecurityRuleInvalidPriority", "Security rule has invalid Priority. Value provided: 4097 Allowed range 100-4096.", "")
	add("two rules with one priority and direction", typeNSG, apiNetwork, []string{"nsg"}, nsg(rule("ssh", 1000, "Inbound"), rule("rdp", 1000, "Inbound")), nil,
		"SecurityRuleConflict", "Security rule rdp conflicts with rule ssh. Rules cannot have the same Priority and Direction. To learn more, see aka.ms/nsgrules.", "securityRules/rdp")
	add("direction missing", typeNSG, apiNetwork, []string{"nsg"}, nsg(rule("ssh", 1000, "")), nil,
		"InvalidParameter", "The value of parameter direction is invalid.", "")
	add("direction absent", typeNSG, apiNetwork, []string{"nsg"},
		nsg(`{"name":"ssh","properties":{"priority":1000,"access":"Allow","protocol":"Tcp"}}`), nil,
		"SecurityRuleParameterMissing", "Security rule ssh is missing required parameter direction.", "")
	add("port out of range", typeNSG, apiNetwork, []string{"nsg"}, nsg(strings.Replace(rule("ssh", 1000, "Inbound"), `"22"`, `"70000"`, 1)), nil,
		"SecurityRuleInvalidPortRange", "Security rule parameter destinationPortRange for rule with Id "+resID(typeNSG, "nsg")+"/securityRules/ssh is invalid. The value 70000 is not a valid port or port range.", "")
	// virtual networks
	vnet := func(space, subnets string) string {
		return `{"location":"eastus","properties":{"addressSpace":{"addressPrefixes":[` + space + `]},"subnets":[` + subnets + `]}}`
	}
	sn := func(name, prefix string) string {
		return fmt.Sprintf(`{"name":%q,"properties":{"addressPrefix":%q}}`, name, prefix)
	}
	vn := []string{"MyVNET"}
	add("subnet outside the address space", typeVNet, apiNetwork, vn, vnet(`"10.0.0.0/16"`, sn("Subnet", "10.1.0.0/24")), nil,
		"NetcfgSubnetRangeOutsideVnet", "Subnet 'Subnet' is not valid because its IP address range is outside the IP address range of virtual network 'MyVNET'.", "Subnet")
	add("subnet larger than the address space", typeVNet, apiNetwork, vn, vnet(`"10.0.0.0/16"`, sn("Subnet", "10.0.0.0/8")), nil,
		"NetcfgSubnetRangeOutsideVnet", "Subnet 'Subnet' is not valid because its IP address range is outside the IP address range of virtual network 'MyVNET'.", "")
	add("overlapping subnets", typeVNet, apiNetwork, vn, vnet(`"10.0.0.0/16"`, sn("a", "10.0.0.0/24")+","+sn("b", "10.0.0.128/25")), nil,
		"NetcfgSubnetRangesOverlap", "Subnet 'b' is not valid because its IP address range overlaps with that of an existing subnet in virtual network 'MyVNET'.", "b")
	add("subnet prefix not a CIDR", typeVNet, apiNetwork, vn, vnet(`"10.0.0.0/16"`, sn("Subnet", "10.0.0.0/33")), nil,
		"NetcfgInvalidSubnet", "Subnet 'Subnet' is not valid in virtual network 'MyVNET'.", "")
	add("subnet smaller than /29", typeVNet, apiNetwork, vn, vnet(`"10.0.0.0/16"`, sn("Subnet", "10.0.0.0/30")), nil,
		"NetcfgInvalidSubnet", "Subnet 'Subnet' is not valid in virtual network 'MyVNET'.", "")
	add("subnet without a prefix", typeVNet, apiNetwork, vn, vnet(`"10.0.0.0/16"`, `{"name":"Subnet","properties":{}}`), nil,
		"NetcfgInvalidSubnet", "Subnet 'Subnet' is not valid in virtual network 'MyVNET'.", "")
	add("address space not a CIDR", typeVNet, apiNetwork, vn, vnet(`"10.0.0/16"`, ""), nil,
		"InvalidAddressPrefixFormat", "Address prefix 10.0.0/16 of resource "+resID(typeVNet, "MyVNET")+" is not formatted correctly. It should follow CIDR notation, for example 10.0.0.0/24.", "")
	add("address space with host bits", typeVNet, apiNetwork, vn, vnet(`"10.0.0.1/16"`, ""), nil,
		"InvalidCIDRNotation", "The address prefix 10.0.0.1/16 in resource "+resID(typeVNet, "MyVNET")+" has an invalid CIDR notation. For the given prefix length, the address prefix should be 10.0.0.0/16.", "")
	add("subnet NSG missing", typeVNet, apiNetwork, vn, vnet(`"10.0.0.0/16"`, fmt.Sprintf(`{"name":"Subnet","properties":{"addressPrefix":"10.0.0.0/24","networkSecurityGroup":{"id":%q}}}`, resID(typeNSG, "ghost"))), nil,
		"InvalidResourceReference", "Resource "+resID(typeNSG, "ghost")+" referenced by resource "+resID(typeVNet, "MyVNET")+"/subnets/Subnet was not found. Please make sure that the referenced resource exists, and that both resources are in the same region.", "")
	// subnets as resources
	add("subnet of a missing network", typeSubnet, apiNetwork, []string{"novnet", "s"}, `{"properties":{"addressPrefix":"10.0.1.0/24"}}`, nil,
		"ParentResourceNotFound", "Can not perform requested operation on nested resource. Parent resource novnet not found.", "")
	add("subnet resource overlapping an inline one", typeSubnet, apiNetwork, []string{"vnet", "second"}, `{"properties":{"addressPrefix":"10.0.0.0/25"}}`, networkSetup,
		"NetcfgSubnetRangesOverlap", "Subnet 'second' is not valid because its IP address range overlaps with that of an existing subnet in virtual network 'vnet'.", "")
	add("subnet resource outside the network", typeSubnet, apiNetwork, []string{"vnet", "second"}, `{"properties":{"addressPrefix":"192.168.0.0/24"}}`, networkSetup,
		"NetcfgSubnetRangeOutsideVnet", "Subnet 'second' is not valid because its IP address range is outside the IP address range of virtual network 'vnet'.", "")
	// network interfaces
	nic := func(subnet, pip string) string {
		return fmt.Sprintf(`{"location":"eastus","properties":{"ipConfigurations":[{"name":"ipconfig1","properties":{"subnet":{"id":%q}%s}}]}}`,
			subnet, map[bool]string{true: fmt.Sprintf(`,"publicIPAddress":{"id":%q}`, pip), false: ""}[pip != ""])
	}
	cfg := resID(typeNIC, "nic2") + "/ipConfigurations/ipconfig1"
	add("subnet missing", typeNIC, apiNetwork, []string{"nic2"}, nic(resID(typeSubnet, "vnet", "nosubnet"), ""), networkSetup,
		"InvalidResourceReference", "Resource "+resID(typeSubnet, "vnet", "nosubnet")+" referenced by resource "+cfg+" was not found. Please make sure that the referenced resource exists, and that both resources are in the same region.", "")
	add("IPv4 configuration without a subnet", typeNIC, apiNetwork, []string{"nic2"},
		`{"location":"eastus","properties":{"ipConfigurations":[{"name":"ipconfig1","properties":{}}]}}`, networkSetup,
		"InvalidParameter", "Required parameter 'subnet' is missing (null).", "")
	add("public IP missing", typeNIC, apiNetwork, []string{"nic2"}, nic(resID(typeSubnet, "vnet", "default"), resID(typePublicIP, "nopip")), networkSetup,
		"InvalidResourceReference", "Resource "+resID(typePublicIP, "nopip")+" referenced by resource "+cfg+" was not found. Please make sure that the referenced resource exists, and that both resources are in the same region.", "")
	add("NIC in another region than its network", typeNIC, apiNetwork, []string{"nic2"},
		strings.Replace(nic(resID(typeSubnet, "vnet", "default"), ""), "eastus", "westus", 1), networkSetup,
		"InvalidResourceReference", "Resource "+resID(typeSubnet, "vnet", "default")+" referenced by resource "+cfg+" was not found. Please make sure that the referenced resource exists, and that both resources are in the same region.", "")
	add("static address outside the subnet", typeNIC, apiNetwork, []string{"nic2"},
		fmt.Sprintf(`{"location":"eastus","properties":{"ipConfigurations":[{"name":"ipconfig1","properties":{"privateIPAllocationMethod":"Static","privateIPAddress":"10.0.5.4","subnet":{"id":%q}}}]}}`, resID(typeSubnet, "vnet", "default")),
		networkSetup, "PrivateIPAddressNotInSubnet", "IP configuration "+cfg+" is using the private IP address 10.0.5.4 which does not belong to the range of subnet prefix 10.0.0.0/24.", "")
	add("static address taken", typeNIC, apiNetwork, []string{"nic2"},
		fmt.Sprintf(`{"location":"eastus","properties":{"ipConfigurations":[{"name":"ipconfig1","properties":{"privateIPAllocationMethod":"Static","privateIPAddress":"10.0.0.4","subnet":{"id":%q}}}]}}`, resID(typeSubnet, "vnet", "default")),
		networkSetup, "PrivateIPAddressInUse", "IP configuration "+cfg+" is using the private IP address 10.0.0.4 which is already allocated to resource "+resID(typeNIC, "nic")+"/ipConfigurations/ipconfig1.", "")
	add("no IP configuration", typeNIC, apiNetwork, []string{"nic2"}, `{"location":"eastus","properties":{}}`, nil,
		"InvalidParameter", "Required parameter 'ipConfigurations' is missing (null).", "")
	runRules(t, cases)
}

func TestPublicIPDefaults(t *testing.T) {
	w := newWorld(t)
	// vm-from-sig: no SKU, Dynamic, a DNS label
	res := w.must(typePublicIP, "2020-08-01", `{"location":"eastus","properties":{"publicIPAllocationMethod":"Dynamic","dnsSettings":{"domainNameLabel":"mysigvm-demo01"}}}`, "pip")
	p := objAt(res.Body, "properties")
	if strAt(res.Body, "sku", "name") != "Basic" || has(p, "ipAddress") || strAt(p, "dnsSettings", "fqdn") != "mysigvm-demo01.eastus.cloudapp.azure.com" ||
		len(res.Warnings) != 1 || strAt(p, "publicIPAddressVersion") != "IPv4" {
		t.Errorf("Basic defaults:\n%s\n%v", pretty(res.Body), res.Warnings)
	}
	// Standard: Static by default, an address
	res = w.must(typePublicIP, "2020-08-01", `{"location":"West US 2","sku":{"name":"standard"},"properties":{"dnsSettings":{"domainNameLabel":"mysigvm-demo01"}}}`, "pip2")
	p = objAt(res.Body, "properties")
	if strAt(res.Body, "sku", "name") != "Standard" || strAt(p, "publicIPAllocationMethod") != "Static" || !strings.HasPrefix(strAt(p, "ipAddress"), "20.") ||
		strAt(p, "dnsSettings", "fqdn") != "mysigvm-demo01.westus2.cloudapp.azure.com" || len(res.Warnings) != 0 {
		t.Errorf("Standard defaults:\n%s", pretty(res.Body))
	}
	again := w.must(typePublicIP, "2020-08-01", `{"location":"westus2","sku":{"name":"Standard"},"properties":{"dnsSettings":{"domainNameLabel":"mysigvm-demo01"}}}`, "pip2")
	if strAt(again.Body, "properties", "ipAddress") != strAt(p, "ipAddress") {
		t.Error("the address is not stable")
	}
}

func TestNSGDefaults(t *testing.T) {
	w := newWorld(t)
	res := w.must(typeNSG, "2020-07-01", `{"location":"eastus","comments":"x","properties":{"securityRules":[
		{"name":"in","properties":{"priority":1000,"direction":"Inbound","access":"Allow","protocol":"*"}},
		{"name":"out","properties":{"priority":"1000","direction":"Outbound","access":"Deny","protocol":"Udp","destinationPortRange":"1000-2000"}}]}}`, "nsg")
	p := objAt(res.Body, "properties")
	if len(arrAt(p, "defaultSecurityRules")) != 6 || strAt(asObj(arrAt(p, "securityRules")[0]), "id") != resID(typeNSG, "nsg")+"/securityRules/in" {
		t.Errorf("NSG body:\n%s", pretty(res.Body))
	}
	if at(asObj(arrAt(p, "securityRules")[1]), "properties", "priority") != int64(1000) {
		t.Error("priority not coerced")
	}
}

func TestSubnetsAndAddresses(t *testing.T) {
	w := newWorld(t)
	networkSetup(w)
	ctx := context.Background()
	// an inline subnet is found by id
	sn, vnet, err := LookupSubnet(ctx, w.store, resID(typeSubnet, "vnet", "default"))
	if err != nil || sn == nil || vnet == nil || strAt(sn, "id") != resID(typeSubnet, "vnet", "default") {
		t.Fatalf("inline subnet: %v %v %v", sn, vnet, err)
	}
	// a subnet resource next to it, then a NIC in it
	w.must(typeSubnet, apiNetwork, `{"properties":{"addressPrefix":"10.0.1.0/24"}}`, "vnet", "second")
	if sn, _, _ := LookupSubnet(ctx, w.store, resID(typeSubnet, "vnet", "second")); sn == nil {
		t.Fatal("subnet resource not found")
	}
	if sn, _, _ := LookupSubnet(ctx, w.store, resID(typeSubnet, "vnet", "third")); sn != nil {
		t.Fatal("a missing subnet was found")
	}
	// a re-PUT of a subnet does not overlap itself
	w.must(typeSubnet, apiNetwork, `{"properties":{"addressPrefix":"10.0.1.0/24"}}`, "vnet", "second")
	// dynamic addresses: .4 for the first NIC, .5 for the next
	if ip := strAt(asObj(arrAt(w.get(typeNIC, "nic"), "properties", "ipConfigurations")[0]), "properties", "privateIPAddress"); ip != "10.0.0.4" {
		t.Errorf("first address = %s", ip)
	}
	res := w.must(typeNIC, apiNetwork, nicBody("eastus"), "nic2")
	if ip := strAt(asObj(arrAt(res.Body, "properties", "ipConfigurations")[0]), "properties", "privateIPAddress"); ip != "10.0.0.5" {
		t.Errorf("second address = %s", ip)
	}
	// a re-PUT keeps the NIC's own address
	res = w.must(typeNIC, apiNetwork, nicBody("eastus"), "nic")
	if ip := strAt(asObj(arrAt(res.Body, "properties", "ipConfigurations")[0]), "properties", "privateIPAddress"); ip != "10.0.0.4" {
		t.Errorf("re-PUT address = %s", ip)
	}
	// even when a lower address became free
	delete(w.store.resources, strings.ToLower(resID(typeNIC, "nic")))
	res = w.must(typeNIC, apiNetwork, nicBody("eastus"), "nic2")
	if ip := strAt(asObj(arrAt(res.Body, "properties", "ipConfigurations")[0]), "properties", "privateIPAddress"); ip != "10.0.0.5" {
		t.Errorf("re-PUT after a release = %s", ip)
	}
}

// An IPv6 configuration of a NIC names no subnet (the dual-stack basic
// load balancer of the gallery's load-balancer-ipv6-create).
func TestNICIPv6WithoutSubnet(t *testing.T) {
	w := newWorld(t)
	networkSetup(w)
	body := `{"location":"eastus","properties":{"ipConfigurations":[{"name":"ipconfig1","properties":{"subnet":{"id":"` + resID(typeSubnet, "vnet", "default") + `"}}},
		{"name":"ipv6","properties":{"privateIPAddressVersion":"IPv6"}}]}}`
	if _, err := w.put(typeNIC, apiNetwork, body, "nic2"); err != nil {
		t.Fatal(err)
	}
	bad := `{"location":"eastus","properties":{"ipConfigurations":[{"name":"ipv6","properties":{"privateIPAddressVersion":"IPv6","publicIPAddress":{"id":"` + resID(typePublicIP, "nopip") + `"}}}]}}`
	_, err := w.put(typeNIC, apiNetwork, bad, "nic3")
	checkErr(t, err, "InvalidResourceReference", "Resource "+resID(typePublicIP, "nopip")+" referenced by resource "+resID(typeNIC, "nic3")+"/ipConfigurations/ipv6 was not found. Please make sure that the referenced resource exists, and that both resources are in the same region.", "")
}
