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
	allocMu.Lock()
	defer allocMu.Unlock()
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
		name := strAt(fe, "name")
		was, _ := previousFrontend(r, name, subnetRef)
		ip, ok, err := allocatePrivate(ctx, r, used, subnetRef, was, r.ID+"/frontendIPConfigurations/"+name)
		if err != nil {
			return err
		}
		if !ok {
			continue // a subnet armdeploy cannot see: Azure would know
		}
		set(fp, "privateIPAddress", ip.String())
		setDefault(fp, "privateIPAllocationMethod", "Dynamic")
	}
	return nil
}

// allocatePrivate takes the next free IPv4 address of a subnet (was, the
// address a re-PUT held, when it is still free) and marks it used by
// owner; ok is false when the subnet is not in the store.
func allocatePrivate(ctx context.Context, r *Request, used map[string]map[netip.Addr]string, subnetRef string, was netip.Addr, owner string) (netip.Addr, bool, error) {
	sn, _, err := LookupSubnet(ctx, r.Store, subnetRef)
	if err != nil {
		return netip.Addr{}, false, err
	}
	ps := subnetPrefixes(objAt(sn, "properties"))
	if len(ps) == 0 {
		return netip.Addr{}, false, nil
	}
	prefix, ok, _ := parseCIDR(ps[0])
	if !ok || !prefix.Addr().Is4() {
		return netip.Addr{}, false, nil
	}
	prefix = prefix.Masked()
	key := strings.ToLower(subnetRef)
	ip := nextFree(prefix, used[key])
	if was.IsValid() && prefix.Contains(was) {
		if _, taken := used[key][was]; !taken {
			ip = was
		}
	}
	markUsed(used, key, ip, owner)
	reserve(r, key, ip, owner)
	return ip, true, nil
}

// frontendAddresses adds the private addresses the stored load balancers'
// and application gateways' frontends and container groups hold to used
// (but those of the resource being PUT).
func frontendAddresses(ctx context.Context, r *Request, used map[string]map[netip.Addr]string) error {
	for _, typ := range []string{typeLoadBalancer, typeAppGateway, typeContainerGroup} {
		rs, err := r.Store.Resources(ctx, state.ResourceFilter{Type: typ})
		if err != nil {
			return err
		}
		for _, res := range rs {
			if strings.EqualFold(res.ID, r.ID) {
				continue
			}
			if cg := bodyOf(res); typeIs(typ, typeContainerGroup) {
				if ip, err := netip.ParseAddr(strAt(cg, "properties", "ipAddress", "ip")); err == nil && strings.EqualFold(strAt(cg, "properties", "ipAddress", "type"), "Private") {
					markUsed(used, strings.ToLower(containerGroupSubnet(ctx, r, cg)), ip, res.ID)
				}
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

const typeVNetGateway = "Microsoft.Network/virtualNetworkGateways"

// fillGatewayBgp gives a virtual network gateway the BGP settings Azure's
// GET returns (REST spec BgpSettings; Azure docs, vpn-gateway-bgp-overview
// and active-active-portal): one BGP address per IP configuration, taken
// from the gateway subnet as an instance's address is, listed in
// bgpPeeringAddresses and, comma-separated in configuration order, in
// bgpPeeringAddress (an active-active gateway has two); the ASN Azure's
// gateways default to (65515) and peer weight 0.
func fillGatewayBgp(ctx context.Context, r *Request, body map[string]any) error {
	if !typeIs(r.Type, typeVNetGateway) {
		return nil
	}
	props := objAt(body, "properties")
	if strings.EqualFold(strAt(props, "gatewayType"), "ExpressRoute") || has(props, "bgpSettings", "bgpPeeringAddress") {
		return nil
	}
	allocMu.Lock()
	defer allocMu.Unlock()
	used := map[string]map[netip.Addr]string{}
	if err := addReserved(ctx, r, used); err != nil {
		return err
	}
	var addrs, peerings []any
	for i, raw := range arrAt(props, "ipConfigurations") {
		cfg := asObj(raw)
		subnet := strAt(cfg, "properties", "subnet", "id")
		if subnet == "" {
			return nil
		}
		var was netip.Addr
		if r.Current != nil {
			if ps := arrAt(bodyOf(r.Current), "properties", "bgpSettings", "bgpPeeringAddresses"); i < len(ps) {
				if ips := arrAt(asObj(ps[i]), "defaultBgpIpAddresses"); len(ips) > 0 {
					was, _ = netip.ParseAddr(ips[0].(string))
				}
			}
		}
		cfgID := r.ID + "/ipConfigurations/" + strAt(cfg, "name")
		ip, ok, err := allocatePrivate(ctx, r, used, subnet, was, cfgID)
		if err != nil || !ok {
			return err // a subnet armdeploy cannot see: Azure would know
		}
		tunnel := []any{}
		if pip := strAt(cfg, "properties", "publicIPAddress", "id"); pip != "" {
			if res, err := lookup(ctx, r.Store, pip); err == nil && res != nil {
				if a := strAt(bodyOf(res), "properties", "ipAddress"); a != "" {
					tunnel = append(tunnel, a)
				}
			}
		}
		addrs = append(addrs, ip.String())
		peerings = append(peerings, map[string]any{"ipconfigurationId": cfgID, "defaultBgpIpAddresses": []any{ip.String()},
			"customBgpIpAddresses": []any{}, "tunnelIpAddresses": tunnel})
	}
	if len(addrs) == 0 {
		return nil
	}
	bgp := child(props, "bgpSettings")
	setDefault(bgp, "asn", int64(65515))
	setDefault(bgp, "peerWeight", int64(0))
	joined := make([]string, len(addrs))
	for i, a := range addrs {
		joined[i] = a.(string)
	}
	set(bgp, "bgpPeeringAddress", strings.Join(joined, ","))
	setDefault(bgp, "bgpPeeringAddresses", peerings)
	return nil
}
