package providers

import (
	"context"
	"fmt"
	"net/netip"
	"strings"

	"github.com/armdeploy/armdeploy/state"
)

// Microsoft.Network/virtualNetworks, virtualNetworks/subnets and
// networkInterfaces (gallery-rp.md §13.4, §13.5).

const (
	typeVNet   = "Microsoft.Network/virtualNetworks"
	typeSubnet = "Microsoft.Network/virtualNetworks/subnets"
	typeNIC    = "Microsoft.Network/networkInterfaces"
)

func init() {
	Register(vnetProvider{})
	Register(subnetProvider{})
	Register(nicProvider{})
}

// ---- CIDR helpers ---------------------------------------------------------

// parseCIDR parses a prefix and reports whether it is in canonical form
// (no host bits set).
func parseCIDR(s string) (p netip.Prefix, ok, canonical bool) {
	p, err := netip.ParsePrefix(strings.TrimSpace(s))
	if err != nil {
		return p, false, false
	}
	return p, true, p == p.Masked()
}

// contains reports whether outer holds all of inner.
func contains(outer, inner netip.Prefix) bool {
	return outer.Bits() <= inner.Bits() && outer.Contains(inner.Addr())
}

// subnetPrefixes returns a subnet's prefixes (addressPrefix or
// addressPrefixes).
func subnetPrefixes(props map[string]any) []string {
	if s := strAt(props, "addressPrefix"); s != "" {
		return []string{s}
	}
	var out []string
	for _, v := range arrAt(props, "addressPrefixes") {
		if s, ok := v.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

func errSubnetInvalid(subnet, vnet string) *Error {
	// gallery-rp.md §8, verbatim.
	return &Error{Code: "NetcfgInvalidSubnet", Target: subnet,
		Message: fmt.Sprintf("Subnet '%s' is not valid in virtual network '%s'.", subnet, vnet)}
}

func errSubnetOutside(subnet, vnet string) *Error {
	// gallery-rp.md §8, verbatim.
	return &Error{Code: "NetcfgSubnetRangeOutsideVnet", Target: subnet,
		Message: fmt.Sprintf("Subnet '%s' is not valid because its IP address range is outside the IP address range of virtual network '%s'.", subnet, vnet)}
}

func errSubnetOverlap(subnet, vnet string) *Error {
	// gallery-rp.md §8, verbatim.
	return &Error{Code: "NetcfgSubnetRangesOverlap", Target: subnet,
		Message: fmt.Sprintf("Subnet '%s' is not valid because its IP address range overlaps with that of an existing subnet in virtual network '%s'.", subnet, vnet)}
}

// subnetCheck validates one subnet's prefixes against the VNet's address
// space and the prefixes of the subnets already accepted, which it
// extends.
func subnetCheck(name, vnet string, props map[string]any, space []netip.Prefix, taken *[]netip.Prefix) *Error {
	raw := subnetPrefixes(props)
	if len(raw) == 0 {
		return errSubnetInvalid(name, vnet)
	}
	var mine []netip.Prefix
	for _, s := range raw {
		p, ok, canonical := parseCIDR(s)
		if !ok || p.Addr().Is4() && p.Bits() > 29 {
			// The smallest IPv4 subnet is a /29 [U: §13.4].
			return errSubnetInvalid(name, vnet)
		}
		if !canonical {
			return errInvalidCIDR(s, p, name)
		}
		inside := false
		for _, sp := range space {
			if contains(sp, p) {
				inside = true
			}
		}
		if !inside {
			return errSubnetOutside(name, vnet)
		}
		for _, t := range *taken {
			if t.Overlaps(p) {
				return errSubnetOverlap(name, vnet)
			}
		}
		mine = append(mine, p)
	}
	*taken = append(*taken, mine...)
	return nil
}

// errInvalidCIDR is the Network RP's text for a prefix with host bits set
// [U: not in gallery-rp.md].
func errInvalidCIDR(s string, p netip.Prefix, owner string) *Error {
	return &Error{Code: "InvalidCIDRNotation", Target: owner,
		Message: fmt.Sprintf("The address prefix %s in resource %s has an invalid CIDR notation. For the given prefix length, the address prefix should be %s.", s, owner, p.Masked())}
}

// vnetSpace parses a VNet body's address space.
func vnetSpace(vnet map[string]any) []netip.Prefix {
	var out []netip.Prefix
	for _, v := range arrAt(vnet, "properties", "addressSpace", "addressPrefixes") {
		s, _ := v.(string)
		if p, ok, _ := parseCIDR(s); ok {
			out = append(out, p.Masked())
		}
	}
	return out
}

// checkNSGRef checks a subnet's networkSecurityGroup reference.
func checkNSGRef(ctx context.Context, store state.Reader, props map[string]any, loc, by string) error {
	ref := strAt(props, "networkSecurityGroup", "id")
	if ref == "" {
		return nil
	}
	nsg, err := lookup(ctx, store, ref)
	if err != nil {
		return err
	}
	if nsg == nil || (loc != "" && locationOf(nsg) != loc) {
		return errInvalidReference(ref, by)
	}
	return nil
}

// ---- virtual networks -----------------------------------------------------

type vnetProvider struct{}

func (vnetProvider) Types() []string { return []string{typeVNet} }

func (vnetProvider) ReadOnly(string) []string {
	return []string{"properties.provisioningState", "properties.resourceGuid",
		"properties.subnets.id", "properties.subnets.type", "properties.subnets.properties.provisioningState"}
}

func (vnetProvider) Immutable(string) []string { return []string{"location"} }

func (vnetProvider) Put(ctx context.Context, r *Request) (*Result, error) {
	id, body, props, loc, err := begin(ctx, r, typeVNet)
	if err != nil {
		return nil, err
	}
	// address space: valid CIDRs (gallery-rp.md §13.4)
	prefixes := arrAt(props, "addressSpace", "addressPrefixes")
	if len(prefixes) == 0 {
		return nil, errRequired("addressSpace.addressPrefixes")
	}
	var space []netip.Prefix
	for _, v := range prefixes {
		s, _ := v.(string)
		p, ok, canonical := parseCIDR(s)
		if !ok {
			// Valid CIDRs (gallery-rp.md §13.4) [U code and text].
			return nil, &Error{Code: "InvalidAddressPrefixFormat", Target: "addressSpace.addressPrefixes",
				Message: fmt.Sprintf("Address prefix %s of resource %s is not formatted correctly. It should follow CIDR notation, for example 10.0.0.0/24.", s, r.ID)}
		}
		if !canonical {
			return nil, errInvalidCIDR(s, p, r.ID)
		}
		space = append(space, p)
	}
	// inline subnets: valid, inside, not overlapping; materialised with ids
	// (gallery-rp.md §13.4, §8 Netcfg* errors)
	var taken []netip.Prefix
	names := map[string]bool{}
	for _, raw := range arrAt(props, "subnets") {
		sn := asObj(raw)
		name := strAt(sn, "name")
		if name == "" {
			return nil, errRequired("subnets.name")
		}
		if names[strings.ToLower(name)] {
			// Subnet names are unique in a virtual network (child resource
			// names, gallery-rp.md §2: one id per subnet) [U code and text].
			return nil, &Error{Code: "InvalidRequestFormat", Target: name,
				Message: fmt.Sprintf("Cannot parse the request: the subnet name '%s' appears more than once in virtual network '%s'.", name, lastSegment(id.Name))}
		}
		names[strings.ToLower(name)] = true
		sp := child(sn, "properties")
		if e := subnetCheck(name, lastSegment(id.Name), sp, space, &taken); e != nil {
			return nil, e
		}
		if err := checkNSGRef(ctx, r.Store, sp, loc, r.ID+"/subnets/"+name); err != nil {
			return nil, err
		}
		set(sn, "id", r.ID+"/subnets/"+name)
		set(sn, "type", typeSubnet)
		set(sp, "provisioningState", "Succeeded")
	}
	set(props, "resourceGuid", stableGUID("vnet:"+strings.ToLower(r.ID)))
	set(props, "provisioningState", "Succeeded")
	return &Result{Body: body}, nil
}

func (vnetProvider) Delete(context.Context, *DeleteRequest) error { return nil }

// ---- subnets ------------------------------------------------------------

type subnetProvider struct{}

func (subnetProvider) Types() []string { return []string{typeSubnet} }

func (subnetProvider) ReadOnly(string) []string { return []string{"properties.provisioningState"} }

func (subnetProvider) Immutable(string) []string { return nil }

func (subnetProvider) Put(ctx context.Context, r *Request) (*Result, error) {
	id, err := parseID(r.ID)
	if err != nil {
		return nil, err
	}
	if err := checkGroup(ctx, r.Store, id); err != nil {
		return nil, err
	}
	vnet, err := checkParent(ctx, r.Store, id)
	if err != nil {
		return nil, err
	}
	body, props := newBody(r)
	del(body, "location") // subnets have none
	name, vnetName := lastSegment(id.Name), lastSegment(vnet.Name)
	vb := bodyOf(vnet)
	// the prefixes of the VNet's other subnets, inline or stored
	// (gallery-rp.md §13.4: subnets must not overlap)
	var taken []netip.Prefix
	addTaken := func(sname string, sp map[string]any) {
		if strings.EqualFold(sname, name) {
			return
		}
		for _, s := range subnetPrefixes(sp) {
			if p, ok, _ := parseCIDR(s); ok {
				taken = append(taken, p.Masked())
			}
		}
	}
	for _, raw := range arrAt(vb, "properties", "subnets") {
		addTaken(strAt(asObj(raw), "name"), objAt(asObj(raw), "properties"))
	}
	stored, err := children(ctx, r.Store, vnet.ID, typeSubnet)
	if err != nil {
		return nil, err
	}
	for _, s := range stored {
		addTaken(lastSegment(s.Name), objAt(bodyOf(s), "properties"))
	}
	if e := subnetCheck(name, vnetName, props, vnetSpace(vb), &taken); e != nil {
		return nil, e
	}
	if err := checkNSGRef(ctx, r.Store, props, locationOf(vnet), r.ID); err != nil {
		return nil, err
	}
	set(props, "provisioningState", "Succeeded")
	return &Result{Body: body}, nil
}

func (subnetProvider) Delete(context.Context, *DeleteRequest) error { return nil }

// LookupSubnet finds a subnet by id: a stored subnet resource, or a subnet
// declared inline in its virtual network's body. It returns the subnet
// object (name, properties ...) and the virtual network, or nils when
// either does not exist.
func LookupSubnet(ctx context.Context, store state.Reader, subnetID string) (map[string]any, *state.Resource, error) {
	p, err := state.ParseResourceID(subnetID)
	if err != nil || !typeIs(p.Type, typeSubnet) {
		return nil, nil, nil
	}
	vnet, err := lookup(ctx, store, p.Parent)
	if err != nil || vnet == nil {
		return nil, nil, err
	}
	if s, err := lookup(ctx, store, subnetID); err != nil {
		return nil, nil, err
	} else if s != nil {
		return bodyOf(s), vnet, nil
	}
	name := lastSegment(p.Name)
	for _, raw := range arrAt(bodyOf(vnet), "properties", "subnets") {
		if sn := asObj(raw); strings.EqualFold(strAt(sn, "name"), name) {
			return sn, vnet, nil
		}
	}
	return nil, nil, nil
}

// ---- network interfaces -------------------------------------------------

type nicProvider struct{}

func (nicProvider) Types() []string { return []string{typeNIC} }

func (nicProvider) ReadOnly(string) []string {
	return []string{"properties.provisioningState", "properties.resourceGuid", "properties.macAddress",
		"properties.virtualMachine", "properties.ipConfigurations.id", "properties.ipConfigurations.type",
		"properties.ipConfigurations.properties.provisioningState", "properties.ipConfigurations.properties.privateIPAddress"}
}

func (nicProvider) Immutable(string) []string { return []string{"location"} }

func (nicProvider) Put(ctx context.Context, r *Request) (*Result, error) {
	_, body, props, loc, err := begin(ctx, r, typeNIC)
	if err != nil {
		return nil, err
	}
	cfgs := arrAt(props, "ipConfigurations")
	if len(cfgs) == 0 {
		return nil, errRequired("ipConfigurations")
	}
	allocMu.Lock()
	defer allocMu.Unlock()
	used, err := usedAddresses(ctx, r)
	if err != nil {
		return nil, err
	}
	for i, raw := range cfgs {
		cfg := asObj(raw)
		name := strAt(cfg, "name")
		if name == "" {
			return nil, errRequired(fmt.Sprintf("ipConfigurations[%d].name", i))
		}
		cp := child(cfg, "properties")
		cfgID := r.ID + "/ipConfigurations/" + name
		if e := enum(cp, "privateIPAllocationMethod", "privateIPAllocationMethod", cfgID, "Dynamic", "Static"); e != nil {
			return nil, e
		}
		setDefault(cp, "privateIPAllocationMethod", "Dynamic")
		// the subnet exists, in the NIC's region (gallery-rp.md §13.5)
		// the public IP exists, in the NIC's region (gallery-rp.md §13.5)
		checkPIP := func() error {
			if pipRef := strAt(cp, "publicIPAddress", "id"); pipRef != "" {
				pip, err := lookup(ctx, r.Store, pipRef)
				if err != nil {
					return err
				}
				if pip == nil || !typeIs(pip.Type, typePublicIP) || locationOf(pip) != loc {
					return errInvalidReference(pipRef, cfgID)
				}
			}
			return nil
		}
		subnetRef := strAt(cp, "subnet", "id")
		if subnetRef == "" && strings.EqualFold(strAt(cp, "privateIPAddressVersion"), "IPv6") {
			// An IPv6 configuration of the dual-stack basic load balancer
			// names no subnet (Azure docs, load-balancer-ipv6-internet-template;
			// the gallery's load-balancer-ipv6-create) [U].
			if err := checkPIP(); err != nil {
				return nil, err
			}
			continue
		}
		if subnetRef == "" {
			return nil, errRequired("subnet")
		}
		sn, vnet, err := LookupSubnet(ctx, r.Store, subnetRef)
		if err != nil {
			return nil, err
		}
		if sn == nil || locationOf(vnet) != loc {
			return nil, errInvalidReference(subnetRef, cfgID)
		}
		if err := checkPIP(); err != nil {
			return nil, err
		}
		// the private address: Static only, inside the subnet, free; Dynamic
		// takes the next free one after the five Azure reserves (gallery-rp.md
		// §13.4, §13.5; Azure docs, virtual-networks-faq "reserved addresses")
		var prefix netip.Prefix
		if ps := subnetPrefixes(objAt(sn, "properties")); len(ps) > 0 {
			prefix, _, _ = parseCIDR(ps[0])
			prefix = prefix.Masked()
		}
		key := strings.ToLower(subnetRef)
		if strAt(cp, "privateIPAllocationMethod") == "Static" {
			ip, err := netip.ParseAddr(strAt(cp, "privateIPAddress"))
			if err != nil || !prefix.Contains(ip) {
				// A static address lies in its subnet (gallery-rp.md §13.5) [U
				// code and text of the Network RP].
				return nil, &Error{Code: "PrivateIPAddressNotInSubnet", Target: cfgID,
					Message: fmt.Sprintf("IP configuration %s is using the private IP address %s which does not belong to the range of subnet prefix %s.", cfgID, strAt(cp, "privateIPAddress"), prefix)}
			}
			if owner, taken := used[key][ip]; taken {
				// One NIC per private address in a subnet (Azure docs,
				// virtual-network-network-interface-addresses) [U code and text].
				return nil, &Error{Code: "PrivateIPAddressInUse", Target: cfgID,
					Message: fmt.Sprintf("IP configuration %s is using the private IP address %s which is already allocated to resource %s.", cfgID, ip, owner)}
			}
			markUsed(used, key, ip, cfgID)
			reserve(r, key, ip, cfgID)
		} else if prefix.IsValid() {
			ip := nextFree(prefix, used[key])
			if was, ok := previousAddress(r, name, subnetRef); ok && prefix.Contains(was) {
				if _, taken := used[key][was]; !taken {
					ip = was // a re-PUT keeps the address
				}
			}
			set(cp, "privateIPAddress", ip.String())
			markUsed(used, key, ip, cfgID)
			reserve(r, key, ip, cfgID)
		}
		setDefault(cp, "privateIPAddressVersion", "IPv4")
		setDefault(cp, "primary", i == 0)
		set(cp, "provisioningState", "Succeeded")
		set(cfg, "id", cfgID)
		set(cfg, "type", typeNIC+"/ipConfigurations")
	}
	setDefault(props, "enableAcceleratedNetworking", false)
	setDefault(props, "enableIPForwarding", false)
	set(props, "resourceGuid", stableGUID("nic:"+strings.ToLower(r.ID)))
	set(props, "provisioningState", "Succeeded")
	return &Result{Body: body}, nil
}

// usedAddresses collects the private addresses other NICs and the
// frontends of load balancers and application gateways hold, and those
// reserved by PUTs not yet committed, per lower-cased subnet id. The
// caller holds allocMu.
func usedAddresses(ctx context.Context, r *Request) (map[string]map[netip.Addr]string, error) {
	used := map[string]map[netip.Addr]string{}
	if r.Store == nil {
		return used, nil
	}
	nics, err := r.Store.Resources(ctx, state.ResourceFilter{Type: typeNIC})
	if err != nil {
		return nil, err
	}
	for _, n := range nics {
		if strings.EqualFold(n.ID, r.ID) {
			continue
		}
		for _, raw := range arrAt(bodyOf(n), "properties", "ipConfigurations") {
			cfg := asObj(raw)
			ip, err := netip.ParseAddr(strAt(cfg, "properties", "privateIPAddress"))
			if err != nil {
				continue
			}
			markUsed(used, strings.ToLower(strAt(cfg, "properties", "subnet", "id")), ip, strAt(cfg, "id"))
		}
	}
	if err := frontendAddresses(ctx, r, used); err != nil {
		return nil, err
	}
	if err := addReserved(ctx, r, used); err != nil { // what parallel PUTs took (addresses.go)
		return nil, err
	}
	return used, nil
}

func markUsed(used map[string]map[netip.Addr]string, subnet string, ip netip.Addr, owner string) {
	if used[subnet] == nil {
		used[subnet] = map[netip.Addr]string{}
	}
	used[subnet][ip] = owner
}

// nextFree returns the first address of a subnet after the five Azure
// reserves (.0-.3 and the last; Azure docs, virtual-networks-faq) that no
// one holds.
func nextFree(p netip.Prefix, used map[netip.Addr]string) netip.Addr {
	ip := p.Addr()
	for range 4 {
		ip = ip.Next()
	}
	for p.Contains(ip) {
		if _, taken := used[ip]; !taken && p.Contains(ip.Next()) {
			return ip
		}
		ip = ip.Next()
	}
	return p.Addr()
}

func (nicProvider) Delete(context.Context, *DeleteRequest) error { return nil }

// previousAddress returns the private address an ipConfiguration of the
// stored NIC held in the same subnet.
func previousAddress(r *Request, cfgName, subnet string) (netip.Addr, bool) {
	if r.Current == nil {
		return netip.Addr{}, false
	}
	for _, raw := range arrAt(bodyOf(r.Current), "properties", "ipConfigurations") {
		cfg := asObj(raw)
		if strings.EqualFold(strAt(cfg, "name"), cfgName) && strings.EqualFold(strAt(cfg, "properties", "subnet", "id"), subnet) {
			ip, err := netip.ParseAddr(strAt(cfg, "properties", "privateIPAddress"))
			return ip, err == nil
		}
	}
	return netip.Addr{}, false
}
