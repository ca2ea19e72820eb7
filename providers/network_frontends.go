package providers

import (
	"context"
	"net/netip"
	"strings"

	"github.com/armdeploy/armdeploy/state"
)

// Private frontends of the network types without a provider of their own:
// a load balancer's or an application gateway's frontendIPConfigurations
// element that names a subnet and asks for a Dynamic address (the
// default) gets the next free address of that subnet, as a NIC's
// ipConfiguration does (network_vnet_nic.go); Azure's GET returns it as
// properties.privateIPAddress (REST spec: FrontendIPConfiguration
// properties, "The private IP address of the IP configuration"). A re-PUT
// keeps the address it had.

const (
	typeLoadBalancer = "Microsoft.Network/loadBalancers"
	typeAppGateway   = "Microsoft.Network/applicationGateways"
)

// fillPrivateFrontends allocates the Dynamic private addresses of a
// generic load balancer's or application gateway's frontends.
func fillPrivateFrontends(ctx context.Context, r *Request, body map[string]any) error {
	if !typeIs(r.Type, typeLoadBalancer) && !typeIs(r.Type, typeAppGateway) {
		return nil
	}
	var used map[string]map[netip.Addr]string
	for _, raw := range arrAt(body, "properties", "frontendIPConfigurations") {
		fe := asObj(raw)
		fp := objAt(fe, "properties")
		subnetRef := strAt(fp, "subnet", "id")
		if fp == nil || subnetRef == "" || has(fp, "privateIPAddress") ||
			strings.EqualFold(strAt(fp, "privateIPAllocationMethod"), "Static") {
			continue
		}
		if used == nil {
			u, err := usedAddresses(ctx, r)
			if err != nil {
				return err
			}
			used = u
			// the addresses this resource's own frontends name
			for _, o := range arrAt(body, "properties", "frontendIPConfigurations") {
				if ip, err := netip.ParseAddr(strAt(asObj(o), "properties", "privateIPAddress")); err == nil {
					markUsed(used, strings.ToLower(strAt(asObj(o), "properties", "subnet", "id")), ip, r.ID+"/frontendIPConfigurations/"+strAt(asObj(o), "name"))
				}
			}
		}
		sn, _, err := LookupSubnet(ctx, r.Store, subnetRef)
		if err != nil {
			return err
		}
		ps := subnetPrefixes(objAt(sn, "properties"))
		if len(ps) == 0 {
			continue // a subnet armdeploy cannot see: Azure would know
		}
		prefix, ok, _ := parseCIDR(ps[0])
		if !ok || !prefix.Addr().Is4() {
			continue
		}
		prefix = prefix.Masked()
		key := strings.ToLower(subnetRef)
		name := strAt(fe, "name")
		ip := nextFree(prefix, used[key])
		if was, ok := previousFrontend(r, name, subnetRef); ok && prefix.Contains(was) {
			if _, taken := used[key][was]; !taken {
				ip = was
			}
		}
		set(fp, "privateIPAddress", ip.String())
		setDefault(fp, "privateIPAllocationMethod", "Dynamic")
		markUsed(used, key, ip, r.ID+"/frontendIPConfigurations/"+name)
	}
	return nil
}

// frontendAddresses adds the private addresses the stored load balancers'
// and application gateways' frontends hold to used (but those of the
// resource being PUT).
func frontendAddresses(ctx context.Context, r *Request, used map[string]map[netip.Addr]string) error {
	for _, typ := range []string{typeLoadBalancer, typeAppGateway} {
		rs, err := r.Store.Resources(ctx, state.ResourceFilter{Type: typ})
		if err != nil {
			return err
		}
		for _, res := range rs {
			if strings.EqualFold(res.ID, r.ID) {
				continue
			}
			for _, raw := range arrAt(bodyOf(res), "properties", "frontendIPConfigurations") {
				fe := asObj(raw)
				ip, err := netip.ParseAddr(strAt(fe, "properties", "privateIPAddress"))
				if err != nil {
					continue
				}
				markUsed(used, strings.ToLower(strAt(fe, "properties", "subnet", "id")), ip, res.ID+"/frontendIPConfigurations/"+strAt(fe, "name"))
			}
		}
	}
	return nil
}

// previousFrontend returns the private address a frontend of the stored
// resource held in the same subnet.
func previousFrontend(r *Request, name, subnet string) (netip.Addr, bool) {
	if r.Current == nil {
		return netip.Addr{}, false
	}
	for _, raw := range arrAt(bodyOf(r.Current), "properties", "frontendIPConfigurations") {
		fe := asObj(raw)
		if strings.EqualFold(strAt(fe, "name"), name) && strings.EqualFold(strAt(fe, "properties", "subnet", "id"), subnet) {
			ip, err := netip.ParseAddr(strAt(fe, "properties", "privateIPAddress"))
			return ip, err == nil
		}
	}
	return netip.Addr{}, false
}
