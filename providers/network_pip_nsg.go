package providers

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/armdeploy/armdeploy/state"
)

// Microsoft.Network/publicIPAddresses and networkSecurityGroups
// (gallery-rp.md §13.2, §13.3).

const (
	typePublicIP = "Microsoft.Network/publicIPAddresses"
	typeNSG      = "Microsoft.Network/networkSecurityGroups"
)

func init() {
	Register(publicIPProvider{})
	Register(nsgProvider{})
}

// ---- public IP addresses --------------------------------------------------

type publicIPProvider struct{}

func (publicIPProvider) Types() []string { return []string{typePublicIP} }

func (publicIPProvider) ReadOnly(string) []string {
	return []string{"properties.provisioningState", "properties.ipAddress", "properties.dnsSettings.fqdn",
		"properties.resourceGuid", "properties.ipConfiguration"}
}

func (publicIPProvider) Immutable(string) []string {
	return []string{"location", "properties.publicIPAddressVersion"}
}

// dnsLabel is the domain-name-label rule of gallery-rp.md §13.2.
var dnsLabel = regexp.MustCompile(`^[a-z][a-z0-9-]{1,61}[a-z0-9]$`)

// FQDN returns the public name of a DNS label in a region.
func FQDN(label, region string) string {
	return label + "." + NormalizeLocation(region) + ".cloudapp.azure.com"
}

func (publicIPProvider) Put(ctx context.Context, r *Request) (*Result, error) {
	id, body, props, loc, err := begin(ctx, r, typePublicIP)
	if err != nil {
		return nil, err
	}
	var warnings []string
	// 1 location (gallery-rp.md §12)
	// 2 SKU (Basic when omitted) and allocation method (gallery-rp.md §13.2)
	sku := child(body, "sku")
	if e := firstError(
		enum(sku, "name", "sku.name", "sku.name", "Basic", "Standard"),
		enum(sku, "tier", "sku.tier", "sku.tier", "Regional", "Global"),
		enum(props, "publicIPAllocationMethod", "publicIPAllocationMethod", "publicIPAllocationMethod", "Static", "Dynamic"),
		enum(props, "publicIPAddressVersion", "publicIPAddressVersion", "publicIPAddressVersion", "IPv4", "IPv6"),
		coerceInt32(props, "idleTimeoutInMinutes", "properties.idleTimeoutInMinutes"),
	); e != nil {
		return nil, e
	}
	setDefault(sku, "name", "Basic")
	setDefault(sku, "tier", "Regional")
	standard := strAt(sku, "name") == "Standard"
	if standard {
		// [U] a Standard address without a method is Static.
		setDefault(props, "publicIPAllocationMethod", "Static")
	} else {
		setDefault(props, "publicIPAllocationMethod", "Dynamic")
		// Basic public IPs were retired on 2025-09-30 (gallery-rp.md §1.5).
		warnings = append(warnings, "public IP "+id.Name+": the Basic SKU was retired on 2025-09-30; Azure may refuse to create it")
	}
	static := strAt(props, "publicIPAllocationMethod") == "Static"
	if standard && !static {
		// gallery-rp.md §8, verbatim.
		return nil, &Error{Code: "StandardSkuPublicIPAddressesMustBeStatic", Target: "publicIPAllocationMethod",
			Message: fmt.Sprintf("Standard sku publicIp %s must have AllocationMethod set to Static.", r.ID)}
	}
	if n, ok := asInt(at(props, "idleTimeoutInMinutes")); ok && (n < 4 || n > 30) {
		return nil, errOutOfRange(n, "idleTimeoutInMinutes", 4, 30) // range: Azure docs, public-ip-addresses "idle timeout" 4-30 minutes; text [U]
	}
	// 3 DNS label: rule, then unique in the region (gallery-rp.md §13.2, §8)
	label := strAt(props, "dnsSettings", "domainNameLabel")
	if has(props, "dnsSettings", "domainNameLabel") {
		if !dnsLabel.MatchString(label) {
			// gallery-rp.md §8, verbatim; code verified, status [U].
			return nil, &Error{Code: "InvalidDomainNameLabel", Target: "dnsSettings.domainNameLabel",
				Message: fmt.Sprintf("The domain name label %s is invalid. It must conform to the following regular expression: ^[a-z][a-z0-9-]{1,61}[a-z0-9]$.", label)}
		}
		if r.Store != nil {
			others, err := r.Store.Resources(ctx, state.ResourceFilter{Type: typePublicIP})
			if err != nil {
				return nil, err
			}
			for _, o := range others {
				if strings.EqualFold(o.ID, r.ID) || locationOf(o) != loc {
					continue
				}
				if strings.EqualFold(strAt(bodyOf(o), "properties", "dnsSettings", "domainNameLabel"), label) {
					// [U] code and text (gallery-rp.md §13.2: "DnsRecordInUse [U]").
					return nil, &Error{Code: "DnsRecordInUse", Target: "dnsSettings.domainNameLabel",
						Message: fmt.Sprintf("DNS record %s is already used by another public IP.", FQDN(label, loc))}
				}
			}
		}
		set(child(props, "dnsSettings"), "fqdn", FQDN(label, loc))
	}
	// 4 update: the address version is fixed (Azure docs, public-ip-addresses:
	// IPv4/IPv6 is chosen at creation) [U text]
	if r.Current != nil {
		if e := checkImmutable(body, bodyOf(r.Current), []string{"properties.publicIPAddressVersion"},
			map[string]bool{"properties.publicIPAddressVersion": true}, func(p string) string { return strings.TrimPrefix(p, "properties.") }); e != nil {
			return nil, e
		}
	}
	setDefault(props, "publicIPAddressVersion", "IPv4")
	setDefault(props, "idleTimeoutInMinutes", int64(4))
	if static {
		set(props, "ipAddress", simulatedPublicIP(r.ID))
	} else {
		// A dynamic address exists only while attached to a running VM
		// (gallery-rp.md §13.2).
		del(props, "ipAddress")
	}
	set(props, "resourceGuid", stableGUID("pip:"+strings.ToLower(r.ID)))
	set(props, "provisioningState", "Succeeded")
	return &Result{Body: body, Warnings: warnings}, nil
}

// simulatedPublicIP returns a stable address in 20.0.0.0/8 for an id.
func simulatedPublicIP(id string) string {
	h := stableHash(strings.ToLower(id))
	return fmt.Sprintf("20.%d.%d.%d", byte(h>>16), byte(h>>8), 1+byte(h)%254)
}

func (publicIPProvider) Delete(context.Context, *DeleteRequest) error { return nil }

// ---- network security groups ------------------------------------------

type nsgProvider struct{}

func (nsgProvider) Types() []string { return []string{typeNSG} }

func (nsgProvider) ReadOnly(string) []string {
	return []string{"properties.provisioningState", "properties.defaultSecurityRules", "properties.resourceGuid",
		"properties.securityRules.id", "properties.securityRules.etag", "properties.securityRules.type",
		"properties.securityRules.properties.provisioningState", "properties.subnets", "properties.networkInterfaces"}
}

func (nsgProvider) Immutable(string) []string { return []string{"location"} }

// Security rule priorities (gallery-rp.md §13.3).
const (
	MinRulePriority = 100
	MaxRulePriority = 4096
)

// validPortRange accepts "*", a port, or "a-b" in 0..65535.
func validPortRange(s string) bool {
	if s == "*" {
		return true
	}
	lo, hi, isRange := strings.Cut(s, "-")
	a, err := strconv.Atoi(strings.TrimSpace(lo))
	if err != nil || a < 0 || a > 65535 {
		return false
	}
	if !isRange {
		return true
	}
	b, err := strconv.Atoi(strings.TrimSpace(hi))
	return err == nil && b >= a && b <= 65535
}

func (nsgProvider) Put(ctx context.Context, r *Request) (*Result, error) {
	_, body, props, _, err := begin(ctx, r, typeNSG)
	if err != nil {
		return nil, err
	}
	byDirection := map[string]map[int64]string{}
	rules := arrAt(props, "securityRules")
	for i, raw := range rules {
		rule := asObj(raw)
		name := strAt(rule, "name")
		if name == "" {
			return nil, errRequired(fmt.Sprintf("securityRules[%d].name", i))
		}
		rp := child(rule, "properties")
		target := "securityRules/" + name
		if e := firstError(
			coerceInt32(rp, "priority", fmt.Sprintf("properties.securityRules[%d].properties.priority", i)),
			enum(rp, "direction", "direction", target, "Inbound", "Outbound"),
			enum(rp, "access", "access", target, "Allow", "Deny"),
			enum(rp, "protocol", "protocol", target, "Tcp", "Udp", "Icmp", "Esp", "Ah", "*"),
		); e != nil {
			return nil, e
		}
		for _, f := range []string{"priority", "direction", "access", "protocol"} {
			if !has(rp, f) {
				// Every rule has priority, direction, access and protocol
				// (gallery-rp.md §13.3) [U: the Network RP's code and text].
				return nil, &Error{Code: "SecurityRuleParameterMissing", Target: target,
					Message: fmt.Sprintf("Security rule %s is missing required parameter %s.", name, f)}
			}
		}
		prio, _ := asInt(at(rp, "priority"))
		if prio < MinRulePriority || prio > MaxRulePriority {
			// [U] code and text recalled from the Network RP; range of
			// gallery-rp.md §13.3.
			return nil, &Error{Code: "SecurityRuleInvalidPriority", Target: target,
				Message: fmt.Sprintf("Security rule has invalid Priority. Value provided: %d Allowed range %d-%d.", prio, MinRulePriority, MaxRulePriority)}
		}
		dir := strAt(rp, "direction")
		if byDirection[dir] == nil {
			byDirection[dir] = map[int64]string{}
		}
		if other, dup := byDirection[dir][prio]; dup {
			// Priorities are unique per direction (gallery-rp.md §13.3) [U:
			// code and text recalled from the Network RP].
			return nil, &Error{Code: "SecurityRuleConflict", Target: target,
				Message: fmt.Sprintf("Security rule %s conflicts with rule %s. Rules cannot have the same Priority and Direction. To learn more, see aka.ms/nsgrules.", name, other)}
		}
		byDirection[dir][prio] = name
		for _, f := range []string{"sourcePortRange", "destinationPortRange"} {
			if v := strAt(rp, f); v != "" && !validPortRange(v) {
				// Ports: '*', one port 0-65535 or 'a-b' (gallery-rp.md §13.3) [U
				// code and text].
				return nil, &Error{Code: "SecurityRuleInvalidPortRange", Target: target,
					Message: fmt.Sprintf("Security rule parameter %s for rule with Id %s/securityRules/%s is invalid. The value %s is not a valid port or port range.", f, r.ID, name, v)}
			}
		}
		set(rule, "id", r.ID+"/securityRules/"+name)
		set(rule, "type", typeNSG+"/securityRules")
		set(rp, "provisioningState", "Succeeded")
	}
	set(props, "defaultSecurityRules", defaultSecurityRules(r.ID))
	set(props, "resourceGuid", stableGUID("nsg:"+strings.ToLower(r.ID)))
	set(props, "provisioningState", "Succeeded")
	return &Result{Body: body}, nil
}

// defaultSecurityRules are the six rules every NSG has (gallery-rp.md
// §13.3).
func defaultSecurityRules(nsgID string) []any {
	mk := func(name, desc, dir, access, src, dst string, prio int64) any {
		return map[string]any{
			"name": name, "id": nsgID + "/defaultSecurityRules/" + name,
			"type": typeNSG + "/defaultSecurityRules",
			"properties": map[string]any{
				"provisioningState": "Succeeded", "description": desc, "protocol": "*",
				"sourcePortRange": "*", "destinationPortRange": "*",
				"sourceAddressPrefix": src, "destinationAddressPrefix": dst,
				"access": access, "priority": prio, "direction": dir,
			},
		}
	}
	return []any{
		mk("AllowVnetInBound", "Allow inbound traffic from all VMs in VNET", "Inbound", "Allow", "VirtualNetwork", "VirtualNetwork", 65000),
		mk("AllowAzureLoadBalancerInBound", "Allow inbound traffic from azure load balancer", "Inbound", "Allow", "AzureLoadBalancer", "*", 65001),
		mk("DenyAllInBound", "Deny all inbound traffic", "Inbound", "Deny", "*", "*", 65500),
		mk("AllowVnetOutBound", "Allow outbound traffic from all VMs to all VMs in VNET", "Outbound", "Allow", "VirtualNetwork", "VirtualNetwork", 65000),
		mk("AllowInternetOutBound", "Allow outbound traffic from all VMs to Internet", "Outbound", "Allow", "*", "Internet", 65001),
		mk("DenyAllOutBound", "Deny all outbound traffic", "Outbound", "Deny", "*", "*", 65500),
	}
}

func (nsgProvider) Delete(context.Context, *DeleteRequest) error { return nil }
