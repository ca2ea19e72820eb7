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
