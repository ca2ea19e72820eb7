package providers

import (
	"fmt"
	"testing"
)

// TestPrivateFrontends: a load balancer's or an application gateway's
// Dynamic frontend in a subnet gets the subnet's next free address, which
// a NIC then does not get; Static and given addresses stay as they are.
func TestPrivateFrontends(t *testing.T) {
	subnet := resID(typeSubnet, "vnet", "default")
	fe := func(name, props string) string {
		return fmt.Sprintf(`{"name":%q,"properties":{%s"subnet":{"id":%q}}}`, name, props, subnet)
	}
	addr := func(body map[string]any, i int) string {
		return strAt(asObj(arrAt(body, "properties", "frontendIPConfigurations")[i]), "properties", "privateIPAddress")
	}
	tests := []struct {
		name, typ, resName, frontends string
		want                          []string
	}{
		{"a dynamic frontend of a load balancer", typeLoadBalancer, "lb1", fe("fe", `"privateIPAllocationMethod":"Dynamic",`), []string{"10.0.0.5"}},
		{"the allocation method defaults to Dynamic", typeLoadBalancer, "lb2", fe("fe", ""), []string{"10.0.0.5"}},
		{"a static frontend keeps its address, the next dynamic one skips it", typeLoadBalancer, "lb3",
			fe("a", `"privateIPAllocationMethod":"Static","privateIPAddress":"10.0.0.5",`) + "," + fe("b", ""), []string{"10.0.0.5", "10.0.0.6"}},
		{"an application gateway's private frontend", typeAppGateway, "agw1", fe("fe", ""), []string{"10.0.0.5"}},
		{"a public frontend has no private address", typeLoadBalancer, "lb4",
			fmt.Sprintf(`{"name":"pub","properties":{"publicIPAddress":{"id":%q}}}`, resID(typePublicIP, "pip")), []string{""}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWorld(t)
			networkSetup(w) // the NIC holds 10.0.0.4
			body := `{"location":"eastus","properties":{"frontendIPConfigurations":[` + tt.frontends + `]}}`
			res := w.must(tt.typ, "2023-09-01", body, tt.resName)
			for i, want := range tt.want {
				if got := addr(res.Body, i); got != want {
					t.Errorf("frontend %d: %q, want %q", i, got, want)
				}
			}
			again := w.must(tt.typ, "2023-09-01", body, tt.resName)
			for i, want := range tt.want {
				if got := addr(again.Body, i); got != want {
					t.Errorf("re-PUT, frontend %d: %q, want %q", i, got, want)
				}
			}
		})
	}
	// a NIC after the load balancer takes the address after the frontend's
	w := newWorld(t)
	networkSetup(w)
	w.must(typeLoadBalancer, "2023-09-01", `{"location":"eastus","properties":{"frontendIPConfigurations":[`+fe("fe", "")+`]}}`, "lb")
	res := w.must(typeNIC, apiNetwork, nicBody("eastus"), "nic2")
	if ip := strAt(asObj(arrAt(res.Body, "properties", "ipConfigurations")[0]), "properties", "privateIPAddress"); ip != "10.0.0.6" {
		t.Errorf("NIC after the load balancer: %s, want 10.0.0.6", ip)
	}
}

// TestContainerGroupInVirtualNetwork: a container group deployed into a
// subnet gets Azure's private ipAddress with its containers' ports, the
// next free address of that subnet; one outside a network gets none; each
// container reports running.
func TestContainerGroupInVirtualNetwork(t *testing.T) {
	subnet := resID(typeSubnet, "vnet", "default")
	containers := `"containers":[{"name":"web","properties":{"image":"nginx","ports":[{"port":80},{"port":53,"protocol":"UDP"}]}}]`
	tests := []struct {
		name, body string
		wantIP     string
		wantPorts  int
	}{
		{"subnetIds, no ipAddress", fmt.Sprintf(`{"location":"eastus","properties":{%s,"subnetIds":[{"id":%q}]}}`, containers, subnet), "10.0.0.5", 2},
		{"a network profile", fmt.Sprintf(`{"location":"eastus","properties":{%s,"networkProfile":{"id":%q}}}`, containers, resID("Microsoft.Network/networkProfiles", "np")), "10.0.0.5", 2},
		{"a private ipAddress the body gives", fmt.Sprintf(`{"location":"eastus","properties":{%s,"subnetIds":[{"id":%q}],"ipAddress":{"type":"Private","ports":[{"port":80}]}}}`, containers, subnet), "10.0.0.5", 1},
		{"outside a network: none", fmt.Sprintf(`{"location":"eastus","properties":{%s}}`, containers), "", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWorld(t)
			networkSetup(w) // the NIC holds 10.0.0.4
			w.must("Microsoft.Network/networkProfiles", "2023-09-01", fmt.Sprintf(`{"location":"eastus","properties":{"containerNetworkInterfaceConfigurations":[
				{"name":"nic","properties":{"ipConfigurations":[{"name":"ipc","properties":{"subnet":{"id":%q}}}]}}]}}`, subnet), "np")
			res := w.must(typeContainerGroup, "2023-05-01", tt.body, "cg")
			ipa := objAt(res.Body, "properties", "ipAddress")
			if got := strAt(ipa, "ip"); got != tt.wantIP {
				t.Errorf("ip = %q, want %q", got, tt.wantIP)
			}
			if tt.wantIP != "" && (strAt(ipa, "type") != "Private" || len(arrAt(ipa, "ports")) != tt.wantPorts) {
				t.Errorf("ipAddress = %v", ipa)
			}
			c := asObj(arrAt(res.Body, "properties", "containers")[0])
			if strAt(c, "properties", "instanceView", "currentState", "state") != "Running" {
				t.Errorf("container instance view: %v", at(c, "properties", "instanceView"))
			}
			// a second group in the subnet takes the next address
			if tt.wantIP != "" {
				again := w.must(typeContainerGroup, "2023-05-01", tt.body, "cg2")
				if got := strAt(again.Body, "properties", "ipAddress", "ip"); got != "10.0.0.6" {
					t.Errorf("second group: %q", got)
				}
			}
		})
	}
}

// TestGatewayBgp: a VPN gateway's BGP address is one per IP configuration
// from the gateway subnet, comma-separated, with Azure's default ASN.
func TestGatewayBgp(t *testing.T) {
	w := newWorld(t)
	networkSetup(w)
	w.must(typeSubnet, apiNetwork, `{"properties":{"addressPrefix":"10.0.255.0/27"}}`, "vnet", "GatewaySubnet")
	gw := resID(typeSubnet, "vnet", "GatewaySubnet")
	cfg := func(name string) string {
		return fmt.Sprintf(`{"name":%q,"properties":{"subnet":{"id":%q},"publicIPAddress":{"id":%q}}}`, name, gw, resID(typePublicIP, "pip"))
	}
	tests := []struct {
		name, body, want string
		asn              int64
	}{
		{"active-active", `{"location":"eastus","properties":{"gatewayType":"Vpn","activeActive":true,"enableBgp":true,"bgpSettings":{"asn":65010},"ipConfigurations":[` + cfg("a") + "," + cfg("b") + `]}}`, "10.0.255.4,10.0.255.5", 65010},
		{"one configuration, the default ASN", `{"location":"eastus","properties":{"gatewayType":"Vpn","ipConfigurations":[` + cfg("a") + `]}}`, "10.0.255.4", 65515},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := w.must(typeVNetGateway, "2023-09-01", tt.body, "gw")
			bgp := objAt(res.Body, "properties", "bgpSettings")
			if got := strAt(bgp, "bgpPeeringAddress"); got != tt.want || at(bgp, "asn") != tt.asn {
				t.Errorf("bgpSettings = %v, want %s and ASN %d", bgp, tt.want, tt.asn)
			}
			ps := arrAt(bgp, "bgpPeeringAddresses")
			if len(ps) == 0 || strAt(asObj(ps[0]), "ipconfigurationId") != resID(typeVNetGateway, "gw")+"/ipConfigurations/a" ||
				len(arrAt(asObj(ps[0]), "tunnelIpAddresses")) != 1 {
				t.Errorf("bgpPeeringAddresses = %v", ps)
			}
		})
	}
	res := w.must(typeVNetGateway, "2023-09-01", `{"location":"eastus","properties":{"gatewayType":"ExpressRoute","ipConfigurations":[`+cfg("a")+`]}}`, "er")
	if has(res.Body, "properties", "bgpSettings") {
		t.Error("an ExpressRoute gateway got BGP settings")
	}
}
