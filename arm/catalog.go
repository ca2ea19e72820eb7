package arm

import (
	"context"
	"encoding/json"
	"slices"
	"sort"
	"strings"

	"github.com/armdeploy/armdeploy/providers"
	"github.com/armdeploy/armdeploy/schema"
	"github.com/armdeploy/armdeploy/state"
)

// The read-only catalogue of the local Azure: subscriptions, tenants,
// locations, the resource providers with their types and api-versions
// (from the schema registry), and role definitions.

// Subscription is a subscription as ARM returns it.
type Subscription struct {
	ID                   string               `json:"id"`
	SubscriptionID       string               `json:"subscriptionId"`
	TenantID             string               `json:"tenantId"`
	DisplayName          string               `json:"displayName"`
	State                string               `json:"state"`
	SubscriptionPolicies SubscriptionPolicies `json:"subscriptionPolicies"`
	AuthorizationSource  string               `json:"authorizationSource"`
	ManagedByTenants     []any                `json:"managedByTenants"`
}

// SubscriptionPolicies are a subscription's policies.
type SubscriptionPolicies struct {
	LocationPlacementID string `json:"locationPlacementId"`
	QuotaID             string `json:"quotaId"`
	SpendingLimit       string `json:"spendingLimit"`
}

// SubscriptionView is a stored subscription as ARM returns it.
func SubscriptionView(sub *state.Subscription) *Subscription {
	tenant, st, name := sub.TenantID, sub.State, sub.DisplayName
	if tenant == "" {
		tenant = DefaultTenant
	}
	if st == "" {
		st = "Enabled"
	}
	if name == "" {
		name = "armdeploy"
	}
	return &Subscription{ID: "/subscriptions/" + sub.ID, SubscriptionID: sub.ID, TenantID: tenant, DisplayName: name, State: st,
		SubscriptionPolicies: SubscriptionPolicies{LocationPlacementID: "Public_2014-09-01", QuotaID: "PayAsYouGo_2014-09-01", SpendingLimit: "Off"},
		AuthorizationSource:  "RoleBased", ManagedByTenants: []any{}}
}

// GetSubscription is GET /subscriptions/{id}: a subscription the principal
// sees in [Service.ListSubscriptions]; any other is SubscriptionNotFound.
func (s *Service) GetSubscription(ctx context.Context, principal, id string) (*state.Subscription, error) {
	subs, err := s.ListSubscriptions(ctx, principal)
	if err != nil {
		return nil, err
	}
	for _, sub := range subs {
		if strings.EqualFold(sub.ID, id) {
			return sub, nil
		}
	}
	return nil, Errorf(404, "SubscriptionNotFound", "The subscription '%s' could not be found.", id)
}

// Tenant is a tenant as ARM's GET /tenants returns it.
type Tenant struct {
	ID             string `json:"id"`
	TenantID       string `json:"tenantId"`
	TenantCategory string `json:"tenantCategory"`
	DisplayName    string `json:"displayName"`
}

// ListTenants is GET /tenants: the tenants of the subscriptions the
// principal sees (the service's tenant when it sees none).
func (s *Service) ListTenants(ctx context.Context, principal string) ([]*Tenant, error) {
	subs, err := s.ListSubscriptions(ctx, principal)
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	var out []*Tenant
	add := func(id string) {
		if id == "" || seen[lower(id)] {
			return
		}
		seen[lower(id)] = true
		out = append(out, &Tenant{ID: "/tenants/" + id, TenantID: id, TenantCategory: "Home", DisplayName: "armdeploy"})
	}
	for _, sub := range subs {
		add(sub.TenantID)
	}
	if len(out) == 0 {
		add(s.opts.Tenant)
	}
	return out, nil
}

// Location is a location as ARM's GET .../locations returns it.
type Location struct {
	ID                  string `json:"id"`
	Name                string `json:"name"`
	DisplayName         string `json:"displayName"`
	RegionalDisplayName string `json:"regionalDisplayName"`
	Type                string `json:"type"`
}

// ListLocations is GET /subscriptions/{s}/locations.
func (s *Service) ListLocations(ctx context.Context, principal, subscription string) ([]*Location, error) {
	if _, err := s.GetSubscription(ctx, principal, subscription); err != nil {
		return nil, err
	}
	var out []*Location
	for _, r := range providers.Regions() {
		out = append(out, &Location{ID: "/subscriptions/" + subscription + "/locations/" + r.Name, Name: r.Name,
			DisplayName: r.DisplayName, RegionalDisplayName: "(US) " + r.DisplayName, Type: "Region"})
	}
	return out, nil
}

// Provider is a resource provider as ARM returns it.
type Provider struct {
	ID                 string          `json:"id"`
	Namespace          string          `json:"namespace"`
	RegistrationState  string          `json:"registrationState"`
	RegistrationPolicy string          `json:"registrationPolicy"`
	ResourceTypes      []*ProviderType `json:"resourceTypes"`
}

// ProviderType is one resource type of a provider.
type ProviderType struct {
	ResourceType string   `json:"resourceType"`
	Locations    []string `json:"locations"`
	APIVersions  []string `json:"apiVersions"`
}

// ListProviders is GET /subscriptions/{s}/providers: every provider the
// schema registry knows, registered.
func (s *Service) ListProviders(ctx context.Context, principal, subscription string) ([]*Provider, error) {
	if _, err := s.GetSubscription(ctx, principal, subscription); err != nil {
		return nil, err
	}
	return catalogue(subscription), nil
}

// GetProvider is GET /subscriptions/{s}/providers/{namespace}.
func (s *Service) GetProvider(ctx context.Context, principal, subscription, namespace string) (*Provider, error) {
	ps, err := s.ListProviders(ctx, principal, subscription)
	if err != nil {
		return nil, err
	}
	for _, p := range ps {
		if strings.EqualFold(p.Namespace, namespace) {
			return p, nil
		}
	}
	return nil, Errorf(404, "InvalidResourceNamespace", "The resource namespace '%s' is invalid.", namespace)
}

// catalogue builds the providers from the schema registry and the REST
// API specifications table (every type the specs define, with their
// api-versions). A type's api-versions are listed newest first; a
// top-level type of the registry lists only the versions every one of
// its registry child types accepts too, since az picks the api-version
// of a child from its top-level type's entry.
func catalogue(subscription string) []*Provider {
	byNS := map[string]*Provider{}
	versions := map[string][]string{} // lower-cased full type → versions
	registered := schema.RegisteredTypes()
	types := slices.Clone(registered)
	for _, t := range registered {
		versions[lower(t)] = schema.SupportedAPIVersions(t)
	}
	for _, t := range schema.SpecTypes() {
		if _, ok := versions[lower(t)]; !ok {
			versions[lower(t)] = schema.SpecAPIVersions(t)
			types = append(types, t)
		}
	}
	slices.SortFunc(types, func(a, b string) int { return strings.Compare(lower(a), lower(b)) })
	var locations []string
	for _, r := range providers.Regions() {
		locations = append(locations, r.DisplayName)
	}
	for _, t := range types {
		ns, rest, ok := strings.Cut(t, "/")
		if !ok {
			continue
		}
		vs := slices.Clone(versions[lower(t)])
		if !strings.Contains(rest, "/") && slices.Contains(registered, t) {
			for _, child := range registered {
				if strings.HasPrefix(lower(child), lower(t)+"/") {
					cv := versions[lower(child)]
					vs = slices.DeleteFunc(vs, func(v string) bool { return !slices.Contains(cv, v) })
				}
			}
			if len(vs) == 0 {
				vs = slices.Clone(versions[lower(t)])
			}
		}
		sort.Sort(sort.Reverse(sort.StringSlice(vs)))
		p := byNS[lower(ns)]
		if p == nil {
			p = &Provider{ID: "/subscriptions/" + subscription + "/providers/" + ns, Namespace: ns,
				RegistrationState: "Registered", RegistrationPolicy: "RegistrationRequired"}
			byNS[lower(ns)] = p
		}
		p.ResourceTypes = append(p.ResourceTypes, &ProviderType{ResourceType: rest, Locations: locations, APIVersions: vs})
	}
	out := make([]*Provider, 0, len(byNS))
	for _, p := range byNS {
		out = append(out, p)
	}
	slices.SortFunc(out, func(a, b *Provider) int { return strings.Compare(lower(a.Namespace), lower(b.Namespace)) })
	return out
}

// CheckAPIVersion refuses an api-version the resource type does not
// register, with ARM's NoRegisteredProviderFound (400); a type the
// registry does not know accepts any version.
func CheckAPIVersion(resourceType, apiVersion, location string) *Error {
	vs := schema.SupportedAPIVersions(resourceType)
	if len(vs) == 0 || slices.ContainsFunc(vs, func(v string) bool { return strings.EqualFold(v, apiVersion) }) {
		return nil
	}
	if location == "" {
		location = DefaultLocation
	}
	var locs []string
	for _, r := range providers.Regions() {
		locs = append(locs, r.Name)
	}
	return Errorf(400, "NoRegisteredProviderFound", "%s The supported locations are '%s'.",
		schema.NoProviderMessage(location, apiVersion, resourceType), strings.Join(locs, ", "))
}

// RoleDefinition is a role definition as ARM returns it.
type RoleDefinition struct {
	ID         string                   `json:"id"`
	Name       string                   `json:"name"`
	Type       string                   `json:"type"`
	Properties RoleDefinitionProperties `json:"properties"`
}

// RoleDefinitionProperties are a role definition's properties.
type RoleDefinitionProperties struct {
	RoleName         string                 `json:"roleName"`
	Type             string                 `json:"type"`
	Description      string                 `json:"description"`
	AssignableScopes []string               `json:"assignableScopes"`
	Permissions      []RoleDefinitionAccess `json:"permissions"`
}

// RoleDefinitionAccess is one permission block.
type RoleDefinitionAccess struct {
	Actions        []string `json:"actions"`
	NotActions     []string `json:"notActions"`
	DataActions    []string `json:"dataActions"`
	NotDataActions []string `json:"notDataActions"`
}

// ListRoleDefinitions is GET {scope}/providers/Microsoft.Authorization/
// roleDefinitions: the built-in roles and the custom ones assignable at
// scope, for a principal that may read scope; roleName, when not empty,
// keeps the role of that name ($filter=roleName eq '...').
func (s *Service) ListRoleDefinitions(ctx context.Context, principal, scope, roleName string) ([]*RoleDefinition, error) {
	if err := s.authorize(ctx, principal, "read", scope); err != nil {
		return nil, err
	}
	prefix := strings.TrimRight(scope, "/")
	var out []*RoleDefinition
	add := func(r *providers.RoleDefinition) {
		if roleName != "" && !strings.EqualFold(r.Name, roleName) {
			return
		}
		kind, scopes := "BuiltInRole", []string{"/"}
		if r.Custom {
			kind, scopes = "CustomRole", r.AssignableScopes
		}
		props := RoleDefinitionProperties{RoleName: r.Name, Type: kind, Description: r.Description, AssignableScopes: scopes}
		for _, p := range r.Permissions {
			props.Permissions = append(props.Permissions, RoleDefinitionAccess{Actions: orEmpty(p.Actions), NotActions: orEmpty(p.NotActions),
				DataActions: orEmpty(p.DataActions), NotDataActions: orEmpty(p.NotDataActions)})
		}
		out = append(out, &RoleDefinition{ID: prefix + "/providers/Microsoft.Authorization/roleDefinitions/" + r.GUID, Name: r.GUID,
			Type: "Microsoft.Authorization/roleDefinitions", Properties: props})
	}
	for _, r := range providers.BuiltinRoles() {
		add(r)
	}
	rs, err := s.reader.Resources(ctx, state.ResourceFilter{Type: "Microsoft.Authorization/roleDefinitions"})
	if err != nil {
		return nil, err
	}
	for _, res := range rs {
		guid := res.Name[strings.LastIndex(res.Name, "/")+1:]
		if r, ok := providers.LookupRole(ctx, s.reader, guid); ok && r.AssignableAt(scope) {
			add(r)
		}
	}
	return out, nil
}

// GetRoleDefinition is GET {scope}/providers/Microsoft.Authorization/
// roleDefinitions/{guid}.
func (s *Service) GetRoleDefinition(ctx context.Context, principal, scope, guid string) (*RoleDefinition, error) {
	ds, err := s.ListRoleDefinitions(ctx, principal, scope, "")
	if err != nil {
		return nil, err
	}
	for _, d := range ds {
		if strings.EqualFold(d.Name, providers.NormalizeGUID(guid)) {
			return d, nil
		}
	}
	return nil, Errorf(404, "RoleDefinitionDoesNotExist", "The specified role definition with ID '%s' does not exist.", guid)
}

// RoleAssignment is a role assignment as ARM returns it.
type RoleAssignment struct {
	ID         string                   `json:"id"`
	Name       string                   `json:"name"`
	Type       string                   `json:"type"`
	Properties RoleAssignmentProperties `json:"properties"`
}

// RoleAssignmentProperties are a role assignment's properties.
type RoleAssignmentProperties struct {
	RoleDefinitionID string `json:"roleDefinitionId"`
	PrincipalID      string `json:"principalId"`
	Scope            string `json:"scope"`
	CreatedOn        string `json:"createdOn,omitempty"`
}

// RoleAssignmentView is a stored assignment as ARM returns it.
func RoleAssignmentView(a *state.RoleAssignment) *RoleAssignment {
	scope := a.Scope
	name := a.ID[strings.LastIndex(a.ID, "/")+1:]
	if scope == "" {
		if i := strings.LastIndex(lower(a.ID), "/providers/microsoft.authorization/roleassignments/"); i > 0 {
			scope = a.ID[:i]
		} else {
			scope = "/"
		}
	}
	return &RoleAssignment{ID: a.ID, Name: name, Type: "Microsoft.Authorization/roleAssignments",
		Properties: RoleAssignmentProperties{RoleDefinitionID: a.RoleDefinitionID, PrincipalID: a.PrincipalID, Scope: scope,
			CreatedOn: FormatTime(a.Created)}}
}

func orEmpty(xs []string) []string {
	if xs == nil {
		return []string{}
	}
	return xs
}

// ResourceMatch narrows a resource listing as ARM's $filter does beyond
// the store's keys: by name and location (case-insensitive), by a tag's
// name (case-insensitive) and by that tag's value (as is), what az
// resource list --tag k[=v] sends. An unset field matches everything.
type ResourceMatch struct {
	Name, Location, TagName, TagValue         string
	ByName, ByLocation, ByTagName, ByTagValue bool
}

// matches reports whether a resource with this view (GenericResourceView)
// and location is selected.
func (m ResourceMatch) matches(view map[string]any, location string) bool {
	if name, _ := view["name"].(string); m.ByName && !strings.EqualFold(name, m.Name) {
		return false
	}
	if m.ByLocation && !strings.EqualFold(location, m.Location) {
		return false
	}
	if !m.ByTagName && !m.ByTagValue {
		return true
	}
	tags, _ := view["tags"].(map[string]any)
	for k, v := range tags {
		if m.ByTagName && !strings.EqualFold(k, m.TagName) {
			continue
		}
		if s, _ := v.(string); !m.ByTagValue || s == m.TagValue {
			return true
		}
	}
	return false
}

// ListResourceViews is a resource listing as ARM's REST API returns it:
// the resources f and m select that the principal may read, as
// GenericResourceView shows them with expand.
func (s *Service) ListResourceViews(ctx context.Context, principal string, f ResourceFilter, m ResourceMatch, expand string) ([]map[string]any, error) {
	rs, err := s.ListResources(ctx, principal, f)
	if err != nil {
		return nil, err
	}
	views := make([]map[string]any, 0, len(rs))
	for _, r := range rs {
		if v := GenericResourceView(r, expand); m.matches(v, r.Location) {
			views = append(views, v)
		}
	}
	return views, nil
}

// GenericResourceView is a stored resource as ARM's resource lists
// return it (GenericResourceExpanded): id, name, type, location and the
// top-level fields its body has; expand ($expand) may add createdTime,
// changedTime and provisioningState.
func GenericResourceView(r *state.Resource, expand string) map[string]any {
	out := map[string]any{"id": r.ID, "name": lastName(r.Name), "type": r.Type, "location": r.Location}
	var body map[string]any
	if json.Unmarshal(r.Body, &body) == nil {
		for _, k := range []string{"tags", "sku", "kind", "managedBy", "identity", "plan", "extendedLocation"} {
			if v, ok := body[k]; ok && v != nil {
				out[k] = v
			}
		}
		if v, ok := body["name"].(string); ok && v != "" {
			out["name"] = v
		}
	}
	for _, e := range strings.Split(expand, ",") {
		switch strings.ToLower(strings.TrimSpace(e)) {
		case "createdtime":
			out["createdTime"] = FormatTime(r.Created)
		case "changedtime":
			out["changedTime"] = FormatTime(r.Updated)
		case "provisioningstate":
			if props, ok := body["properties"].(map[string]any); ok {
				if ps, ok := props["provisioningState"]; ok {
					out["provisioningState"] = ps
					continue
				}
			}
			out["provisioningState"] = "Succeeded"
		}
	}
	return out
}

func lastName(name string) string { return name[strings.LastIndex(name, "/")+1:] }

// nameClient puts a service principal's app id where Azure's
// AuthorizationFailed names the client ("The client '<appId>' with
// object id '<oid>' ..."); principals that are not service principals
// keep their id in both places.
func (s *Service) nameClient(ctx context.Context, e *Error, principal string) *Error {
	if e == nil || e.Code != "AuthorizationFailed" || s.store == nil || principal == "" {
		return e
	}
	ps, err := s.store.ServicePrincipals(ctx)
	if err != nil {
		return e
	}
	for _, p := range ps {
		if strings.EqualFold(p.ObjectID, principal) {
			e.Message = strings.Replace(e.Message, "The client '"+principal+"'", "The client '"+p.AppID+"'", 1)
			break
		}
	}
	return e
}
