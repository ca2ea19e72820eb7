package providers

import (
	"context"
	"maps"
)

// generic serves every type without a provider of its own: it stores the
// body as given, with the envelope (id, name, type) filled and a
// provisioningState, and warns that nothing was validated.
var generic Provider = genericProvider{}

type genericProvider struct{}

func (genericProvider) Types() []string { return nil }

func (genericProvider) Put(ctx context.Context, r *Request) (*Result, error) {
	body, _ := deepCopy(r.Body).(map[string]any) // the fills write into nested objects
	if body == nil {
		body = map[string]any{}
	}
	// a restricted region needs the subscription allow-listed, whatever
	// the type (the location is otherwise not checked here)
	if loc, _ := body["location"].(string); loc != "" {
		if e := checkRegionAccess(ctx, r.Store, subscriptionOfID(r.ID), loc, "location"); e != nil {
			return nil, e
		}
	}
	body["id"], body["name"], body["type"] = r.ID, lastSegment(r.Name), r.Type
	props, _ := body["properties"].(map[string]any)
	props = maps.Clone(props)
	if props == nil {
		props = map[string]any{}
	}
	props["provisioningState"] = "Succeeded"
	body["properties"] = props
	if r.Store != nil { // the values that need the store, before the tables'
		if err := fillPrivateFrontends(ctx, r, body); err != nil {
			return nil, err
		}
		if err := fillContainerGroup(ctx, r, body); err != nil {
			return nil, err
		}
		if err := fillGatewayBgp(ctx, r, body); err != nil {
			return nil, err
		}
	}
	res := &Result{Body: body, Warnings: []string{
		"armdeploy has no provider for " + r.Type + "; the resource is stored as given, without validation"}}
	// The well-known values check nothing and read only the request:
	// a preflight need not generate them (a tenth of a deployment's
	// CPU for a storage account's hundred read-only paths).
	if r.DeferFill {
		// The fills read the request's names only: the closure keeps
		// neither its body nor its store (a preflight holds thousands).
		named := &Request{ID: r.ID, Type: r.Type, Name: r.Name, APIVersion: r.APIVersion,
			SubscriptionID: r.SubscriptionID, ResourceGroup: r.ResourceGroup, TenantID: r.TenantID, Now: r.Now}
		res.Fill = func() { fillWellKnown(named, body, props) }
	} else {
		fillWellKnown(r, body, props)
	}
	return res, nil
}

func (genericProvider) Delete(context.Context, *DeleteRequest) error { return nil }

func (genericProvider) ReadOnly(string) []string {
	return []string{"properties.provisioningState", "properties.principalId", "properties.clientId", "properties.tenantId",
		"properties.primaryEndpoints", "identity.principalId", "identity.tenantId"}
}

func (genericProvider) Immutable(string) []string { return nil }

// fillWellKnown adds the read-only values templates read back with
// reference() from types that have no provider of their own: those of the
// table (see fillReadOnly) and a managed identity's principals (see
// fillIdentity).
// Ids are derived from the resource id, so they are stable across
// deployments.
func fillWellKnown(r *Request, body, props map[string]any) {
	fillReadOnly(r, body)
	fillIdentity(r, body)
	fillAddonIdentities(r, body)
}

// lastSegment returns the last '/'-separated segment of a full name, which
// is what GET returns as "name".
func lastSegment(name string) string {
	for i := len(name) - 1; i >= 0; i-- {
		if name[i] == '/' {
			return name[i+1:]
		}
	}
	return name
}
