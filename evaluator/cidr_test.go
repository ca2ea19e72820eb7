package evaluator

import (
	"strconv"
	"testing"
)

// cidrCases covers the CIDR functions with the vectors of arm-spec §5.4.
var cidrCases = func() []evalCase {
	cases := []evalCase{
		ok("parseCidr('fdad:3236:5555::/48')",
			`{"network":"fdad:3236:5555::","netmask":"ffff:ffff:ffff::","firstUsable":"fdad:3236:5555::","lastUsable":"fdad:3236:5555:ffff:ffff:ffff:ffff:ffff","cidr":48}`).v("235"),
		ok("parseCidr('10.144.1.1/32')",
			`{"network":"10.144.1.1","netmask":"255.255.255.255","broadcast":"10.144.1.1","firstUsable":"10.144.1.1","lastUsable":"10.144.1.1","cidr":32}`).v("236"),
		ok("parseCidr('fdad:3236:5555::/128')",
			`{"network":"fdad:3236:5555::","netmask":"ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff","firstUsable":"fdad:3236:5555::","lastUsable":"fdad:3236:5555::","cidr":128}`).v("237"),
		ok("parseCidr('10.144.0.0/20')",
			`{"network":"10.144.0.0","netmask":"255.255.240.0","broadcast":"10.144.15.255","firstUsable":"10.144.0.1","lastUsable":"10.144.15.254","cidr":20}`),
		okS("parseCidr('10.144.3.7/24').network", "10.144.3.0"),
		fails("parseCidr('10.144.3.0')", "expects its first parameter to be a valid CIDR notation"),
		fails("parseCidr('10.144.3.0/33')", "expects its first parameter to be a valid CIDR notation"),
		okS("cidrSubnet('10.144.0.0/20', 20, 1)", "10.144.16.0/20").v("241"),
		okS("cidrSubnet('fdad:3236:5555::/48', 52, 2)", "fdad:3236:5555:2000::/52"),
		fails("cidrSubnet('10.144.0.0/20', 16, 0)", "to be between 20 and 32"),
		fails("cidrSubnet('10.144.0.0/20', 33, 0)", "to be between 20 and 32"),
		fails("cidrSubnet('10.144.0.0/20', 24, -1)", "to be zero or greater"),
		fails("cidrSubnet('255.255.255.0/24', 24, 2)", "outside the address space"),
		okS("cidrHost('fdad:3236:5555::/48', 0)", "fdad:3236:5555::1"),
		fails("cidrHost('10.144.3.0/24', 254)", "host index '254' is outside the usable addresses"),
		okS("cidrHost('10.144.3.0/24', 253)", "10.144.3.254"),
	}
	for i := 0; i <= 4; i++ {
		cases = append(cases, okS("cidrSubnet('10.144.0.0/20', 24, "+strconv.Itoa(i)+")", "10.144."+strconv.Itoa(i)+".0/24").v("238"))
	}
	for i, want := range []string{"0", "32", "64", "96", "128", "160", "192"} {
		cases = append(cases, okS("cidrSubnet('10.144.0.0/27', 27, "+strconv.Itoa(i)+")", "10.144.0."+want+"/27").v("240"))
	}
	for i := 0; i <= 4; i++ {
		cases = append(cases, okS("cidrHost('10.144.3.0/24', "+strconv.Itoa(i)+")", "10.144.3."+strconv.Itoa(i+1)).v("242"))
	}
	return cases
}()

func TestCIDRFunctions(t *testing.T) { runCases(t, cidrCases) }
