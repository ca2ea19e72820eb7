package providers

import (
	"context"
	"net/netip"
	"strings"
	"time"
)

// Container groups (Microsoft.ContainerInstance/containerGroups, generic):
// what Azure's GET adds that needs the store. A group deployed into a
// virtual network (subnetIds, or the older networkProfile) without an
// ipAddress gets Azure's private one: {type: Private, ip: the subnet's next
// free address, ports: its containers' ports} (REST spec IpAddress; Azure
// docs, container-instances-vnet: "the container group's private IP
// address"); a Private ipAddress the body gives gets its ip from the
// subnet too. Each container's instanceView reports it running since the
// PUT (ContainerState: state, startTime, detailStatus), as the group's
// instanceView.state "Running" of data/readonly.json does.

const typeContainerGroup = "Microsoft.ContainerInstance/containerGroups"

func fillContainerGroup(ctx context.Context, r *Request, body map[string]any) error {
	if !typeIs(r.Type, typeContainerGroup) {
		return nil
	}
	props := objAt(body, "properties")
	if props == nil {
		return nil
	}
	for _, raw := range arrAt(props, "containers") {
		cp := objAt(asObj(raw), "properties")
		if cp == nil || has(cp, "instanceView", "currentState") || r.Now.IsZero() {
			continue
		}
		iv := child(cp, "instanceView")
		set(iv, "currentState", map[string]any{"state": "Running", "startTime": r.Now.UTC().Format(time.RFC3339), "detailStatus": ""})
		setDefault(iv, "restartCount", int64(0))
	}
	subnet := containerGroupSubnet(ctx, r, body)
	ipa := objAt(props, "ipAddress")
	switch {
	case subnet == "":
		return nil
	case ipa == nil:
		var ports []any
		for _, raw := range arrAt(props, "containers") {
			for _, p := range arrAt(asObj(raw), "properties", "ports") {
				if po := asObj(p); po != nil {
					e := map[string]any{"port": at(po, "port")}
					e["protocol"] = "TCP"
					if pr := strAt(po, "protocol"); pr != "" {
						e["protocol"] = pr
					}
					ports = append(ports, e)
				}
			}
		}
		if ports == nil {
			ports = []any{}
		}
		ipa = map[string]any{"type": "Private", "ports": ports}
	case !strings.EqualFold(strAt(ipa, "type"), "Private") || has(ipa, "ip"):
		return nil
	}
	allocMu.Lock()
	defer allocMu.Unlock()
	used, err := usedAddresses(ctx, r)
	if err != nil {
		return err
	}
	var was netip.Addr
	if r.Current != nil {
		was, _ = netip.ParseAddr(strAt(bodyOf(r.Current), "properties", "ipAddress", "ip"))
	}
	ip, ok, err := allocatePrivate(ctx, r, used, subnet, was, r.ID)
	if err != nil || !ok {
		return err // a subnet armdeploy cannot see: Azure would know
	}
	set(ipa, "ip", ip.String())
	set(props, "ipAddress", ipa)
	return nil
}

// containerGroupSubnet is the subnet a container group is deployed into:
// its first subnetIds entry, or the subnet of its network profile's first
// IP configuration; "" for a group outside a virtual network.
func containerGroupSubnet(ctx context.Context, r *Request, body map[string]any) string {
	if ids := arrAt(body, "properties", "subnetIds"); len(ids) > 0 {
		return strAt(asObj(ids[0]), "id")
	}
	ref := strAt(body, "properties", "networkProfile", "id")
	if ref == "" || r.Store == nil {
		return ""
	}
	np, err := lookup(ctx, r.Store, ref)
	if err != nil || np == nil {
		return ""
	}
	for _, c := range arrAt(bodyOf(np), "properties", "containerNetworkInterfaceConfigurations") {
		for _, ipc := range arrAt(asObj(c), "properties", "ipConfigurations") {
			if s := strAt(asObj(ipc), "properties", "subnet", "id"); s != "" {
				return s
			}
		}
	}
	return ""
}
