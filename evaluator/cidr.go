package evaluator

import (
	"math/big"
	"net/netip"
	"strings"
)

// CIDR functions (arm-spec §4.2) for IPv4 and IPv6.
var cidrFunctions = []*Function{
	{
		Name: "parseCidr", Category: CategoryCIDR, Signature: "parseCidr(network)",
		Description: "Parses an IPv4 or IPv6 CIDR block into network, netmask, broadcast (IPv4 only), firstUsable, lastUsable and cidr.",
		MinArgs:     1, MaxArgs: 1, Impl: parseCidrImpl,
	},
	{
		Name: "cidrSubnet", Category: CategoryCIDR, Signature: "cidrSubnet(network, newCIDR, subnetIndex)",
		Description: "Splits a CIDR block into blocks of a longer prefix and returns the one at a 0-based index.",
		MinArgs:     3, MaxArgs: 3, Impl: cidrSubnetImpl,
	},
	{
		Name: "cidrHost", Category: CategoryCIDR, Signature: "cidrHost(network, hostIndex)",
		Description: "Returns the usable host address at a 0-based index within a CIDR block (index 0 is the address after the network address).",
		MinArgs:     2, MaxArgs: 2, Impl: cidrHostImpl,
	},
}

// cidrArg parses argument i as a CIDR block.
func (c Call) cidrArg(args []Value, i int) (netip.Prefix, error) {
	s, err := c.str(args, i)
	if err != nil {
		return netip.Prefix{}, err
	}
	p, err := netip.ParsePrefix(strings.TrimSpace(s))
	if err != nil || p.Addr().Zone() != "" {
		return netip.Prefix{}, c.valueError("expects its %s parameter to be a valid CIDR notation such as '10.0.0.0/16' or 'fd00::/64'. The provided value is '%s'.", ordinal(i), s)
	}
	if p.Addr().Is4In6() {
		p = netip.PrefixFrom(p.Addr().Unmap(), p.Bits()-96)
	}
	return p, nil
}

func addrBits(a netip.Addr) int { return a.BitLen() }

func addrToInt(a netip.Addr) *big.Int { return new(big.Int).SetBytes(a.AsSlice()) }

func intToAddr(n *big.Int, bits int) (netip.Addr, bool) {
	if n.Sign() < 0 || n.BitLen() > bits {
		return netip.Addr{}, false
	}
	b := make([]byte, bits/8)
	n.FillBytes(b)
	a, ok := netip.AddrFromSlice(b)
	return a, ok
}

// hostMask returns 2^(bits-prefix) - 1.
func hostMask(bits, prefix int) *big.Int {
	m := new(big.Int).Lsh(big.NewInt(1), uint(bits-prefix))
	return m.Sub(m, big.NewInt(1))
}

func parseCidrImpl(c Call, args []Value) (Value, error) {
	p, err := c.cidrArg(args, 0)
	if err != nil {
		return Null, err
	}
	bits := addrBits(p.Addr())
	network := p.Masked().Addr()
	netInt := addrToInt(network)
	last := new(big.Int).Or(netInt, hostMask(bits, p.Bits()))
	lastAddr, _ := intToAddr(last, bits)
	maskInt := new(big.Int).Xor(hostMask(bits, 0), hostMask(bits, p.Bits()))
	mask, _ := intToAddr(maskInt, bits)
	o := NewObject(6)
	o.Set("network", String(network.String()))
	o.Set("netmask", String(mask.String()))
	if p.Addr().Is4() {
		first, lastUsable := network, lastAddr
		if p.Bits() <= 30 {
			first = network.Next()
			lastUsable = lastAddr.Prev()
		}
		o.Set("broadcast", String(lastAddr.String()))
		o.Set("firstUsable", String(first.String()))
		o.Set("lastUsable", String(lastUsable.String()))
	} else {
		o.Set("firstUsable", String(network.String()))
		o.Set("lastUsable", String(lastAddr.String()))
	}
	o.Set("cidr", Int(int64(p.Bits())))
	return ObjectValue(o), nil
}

func cidrSubnetImpl(c Call, args []Value) (Value, error) {
	p, err := c.cidrArg(args, 0)
	if err != nil {
		return Null, err
	}
	newBits, err := c.int(args, 1)
	if err != nil {
		return Null, err
	}
	index, err := c.int(args, 2)
	if err != nil {
		return Null, err
	}
	bits := addrBits(p.Addr())
	if newBits < int64(p.Bits()) || newBits > int64(bits) {
		return Null, c.valueError("expects its second parameter (the new CIDR prefix length) to be between %d and %d. The provided value is '%d'.", p.Bits(), bits, newBits)
	}
	if index < 0 {
		return Null, c.valueError("expects its third parameter (the subnet index) to be zero or greater. The provided value is '%d'.", index)
	}
	step := new(big.Int).Lsh(big.NewInt(1), uint(int64(bits)-newBits))
	n := new(big.Int).Mul(step, big.NewInt(index))
	n.Add(n, addrToInt(p.Masked().Addr()))
	a, ok := intToAddr(n, bits)
	if !ok {
		return Null, c.valueError("subnet index '%d' is outside the address space.", index)
	}
	return String(a.String() + "/" + itoa(newBits)), nil
}

func cidrHostImpl(c Call, args []Value) (Value, error) {
	p, err := c.cidrArg(args, 0)
	if err != nil {
		return Null, err
	}
	index, err := c.int(args, 1)
	if err != nil {
		return Null, err
	}
	bits := addrBits(p.Addr())
	hosts := hostMask(bits, p.Bits()) // addresses after the network address
	if p.Addr().Is4() && p.Bits() <= 30 {
		hosts.Sub(hosts, big.NewInt(1)) // the broadcast address is not usable
	}
	if index < 0 || big.NewInt(index).Cmp(hosts) >= 0 {
		return Null, c.valueError("host index '%d' is outside the usable addresses of '%s'.", index, p.String())
	}
	n := addrToInt(p.Masked().Addr())
	n.Add(n, big.NewInt(index+1))
	a, _ := intToAddr(n, bits)
	return String(a.String()), nil
}

func itoa(n int64) string { return scalarText(Int(n)) }
