package providers

import (
	"context"
	"fmt"
	"testing"
)

// TestParallelAllocation: resources PUT at the same time (neither
// committed when the other allocates) never get the same Dynamic address,
// as Azure's allocation is atomic; once committed, the store decides.
func TestParallelAllocation(t *testing.T) {
	subnet := resID(typeSubnet, "vnet", "default")
	lb := fmt.Sprintf(`{"location":"eastus","properties":{"frontendIPConfigurations":[{"name":"fe","properties":{"subnet":{"id":%q}}}]}}`, subnet)
	tests := []struct {
		name          string
		first, second [3]string // type, body, name
	}{
		{"two NICs", [3]string{typeNIC, nicBody("eastus"), "a"}, [3]string{typeNIC, nicBody("eastus"), "b"}},
		{"a load balancer and a NIC", [3]string{typeLoadBalancer, lb, "lb"}, [3]string{typeNIC, nicBody("eastus"), "b"}},
		{"a NIC and a load balancer", [3]string{typeNIC, nicBody("eastus"), "a"}, [3]string{typeLoadBalancer, lb, "lb"}},
	}
	addr := func(typ string, body map[string]any) string {
		arr := "ipConfigurations"
		if typ == typeLoadBalancer {
			arr = "frontendIPConfigurations"
		}
		return strAt(asObj(arrAt(body, "properties", arr)[0]), "properties", "privateIPAddress")
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWorld(t)
			networkSetup(w) // the committed NIC holds 10.0.0.4
			put := func(p [3]string) string {
				res, err := For(p[0]).Put(context.Background(), w.request(p[0], "2023-09-01", p[1], p[2]))
				if err != nil {
					t.Fatal(err)
				}
				return addr(p[0], res.Body)
			}
			a, b := put(tt.first), put(tt.second) // neither committed
			if a != "10.0.0.5" || b != "10.0.0.6" {
				t.Errorf("addresses %s and %s, want 10.0.0.5 and 10.0.0.6", a, b)
			}
			if again := put(tt.first); again != a {
				t.Errorf("a re-PUT moved %s to %s", a, again)
			}
		})
	}
}
