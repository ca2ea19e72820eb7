package providers

import (
	"strings"
)

// addonIdentities are the AKS add-ons for which Azure creates a
// user-assigned identity in the cluster's node resource group, named
// "{add-on}-{cluster}" (Azure docs, use-managed-identity, "Summary of
// managed identities used by AKS"), keyed by the lower-cased addonProfiles
// key.
var addonIdentities = map[string]string{
	"ingressapplicationgateway":    "ingressapplicationgateway",
	"omsagent":                     "omsagent",
	"azurekeyvaultsecretsprovider": "azurekeyvaultsecretsprovider",
	"aciconnectorlinux":            "aciconnectorlinux",
	"httpapplicationrouting":       "httpapplicationrouting",
}

// fillAddonIdentities gives each enabled add-on of a managed cluster that
// has one the identity Azure's GET returns in
// addonProfiles.{add-on}.identity (REST spec ManagedClusterAddonProfile
// identity, readOnly: resourceId, clientId, objectId); the ids are those
// the identity's own resource would hold (see data/readonly.json,
// Microsoft.ManagedIdentity/userAssignedIdentities).
func fillAddonIdentities(r *Request, body map[string]any) {
	if !typeIs(r.Type, "Microsoft.ContainerService/managedClusters") {
		return
	}
	addons := objAt(body, "properties", "addonProfiles")
	nodeRG := strAt(body, "properties", "nodeResourceGroup")
	sub := requestSubscription(r)
	if addons == nil || nodeRG == "" || sub == "" {
		return
	}
	for k, v := range addons {
		prefix, ok := addonIdentities[strings.ToLower(k)]
		a := asObj(v)
		if !ok || a == nil || at(a, "enabled") != true || has(a, "identity") {
			continue
		}
		id := "/subscriptions/" + sub + "/resourcegroups/" + nodeRG + "/providers/Microsoft.ManagedIdentity/userAssignedIdentities/" +
			prefix + "-" + lastSegment(r.Name)
		set(a, "identity", map[string]any{"resourceId": id, "clientId": derivedGUID(id, "client"), "objectId": derivedGUID(id, "principal")})
	}
}
