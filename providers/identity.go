package providers

import (
	"maps"
	"strings"
)

// fillIdentity adds what Azure's GET returns of a managed identity the
// body asks for (the ManagedServiceIdentity definition of the REST specs,
// common-types managedidentity.json): a system-assigned identity's
// principalId and tenantId, for any type that names SystemAssigned
// ("SystemAssigned", "systemAssigned", "SystemAssigned, UserAssigned"),
// and each user-assigned identity's principalId and clientId, the values
// that identity's own resource (Microsoft.ManagedIdentity/
// userAssignedIdentities, data/readonly.json) holds. Values the body gives
// are kept.
func fillIdentity(r *Request, body map[string]any) {
	id, ok := at(body, "identity").(map[string]any)
	if !ok {
		return
	}
	t, _ := get(id, "type")
	typ, _ := t.(string)
	typ = strings.ToLower(strings.ReplaceAll(typ, " ", ""))
	if typ == "" || typ == "none" {
		return
	}
	id = maps.Clone(id)
	set(body, "identity", id)
	if strings.Contains(typ, "systemassigned") {
		setDefault(id, "principalId", derivedGUID(r.ID, "system-identity"))
		setDefault(id, "tenantId", r.tenant())
	}
	if !strings.Contains(typ, "userassigned") {
		return
	}
	ua, ok := at(id, "userAssignedIdentities").(map[string]any)
	if !ok {
		return
	}
	ua = maps.Clone(ua)
	set(id, "userAssignedIdentities", ua)
	for k, v := range ua {
		if strings.HasPrefix(k, "[") {
			continue // not an id yet
		}
		e, ok := v.(map[string]any)
		if v != nil && !ok {
			continue
		}
		e = maps.Clone(e)
		if e == nil {
			e = map[string]any{}
		}
		setDefault(e, "principalId", derivedGUID(k, "principal"))
		setDefault(e, "clientId", derivedGUID(k, "client"))
		ua[k] = e
	}
}
