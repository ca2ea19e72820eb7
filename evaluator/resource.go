package evaluator

import (
	"regexp"
	"strings"
)

// Resource functions (arm-spec §4.10): the resource-id family, computed
// from the Context's Deployment, and reference(), list*(), pickZones() and
// providers(), which ask the Context's Resolver. A Resolver may answer with
// an unknown value; it then stands for the whole call.
var resourceFunctions = []*Function{
	{
		Name: "resourceId", Category: CategoryResource, Signature: "resourceId([subscriptionId], [resourceGroupName], resourceType, resourceName1, [resourceName2], ...)",
		Description: "Returns the id of a resource in a resource group (the current one unless given), or at the deployment's scope for subscription, management-group and tenant deployments.",
		MinArgs:     2, MaxArgs: Variadic, Impl: resourceIDImpl,
	},
	{
		Name: "subscriptionResourceId", Category: CategoryResource, Signature: "subscriptionResourceId([subscriptionId], resourceType, resourceName1, [resourceName2], ...)",
		Description: "Returns the id of a resource deployed at subscription level (in the current subscription unless given).",
		MinArgs:     2, MaxArgs: Variadic, Impl: scopedIDImpl(scopeSubscriptionID),
	},
	{
		Name: "tenantResourceId", Category: CategoryResource, Signature: "tenantResourceId(resourceType, resourceName1, [resourceName2], ...)",
		Description: "Returns the id of a resource deployed at tenant level.",
		MinArgs:     2, MaxArgs: Variadic, Impl: scopedIDImpl(scopeTenantID),
	},
	{
		Name: "managementGroupResourceId", Category: CategoryResource, Signature: "managementGroupResourceId([managementGroupName], resourceType, resourceName1, [resourceName2], ...)",
		Description: "Returns the id of a resource deployed at management-group level (in the current management group unless given).",
		MinArgs:     2, MaxArgs: Variadic, Impl: scopedIDImpl(scopeManagementGroupID),
	},
	{
		Name: "extensionResourceId", Category: CategoryResource, Signature: "extensionResourceId(baseResourceId, resourceType, resourceName1, [resourceName2], ...)",
		Description: "Returns the id of an extension resource applied to a resource, resource group, subscription or management group.",
		MinArgs:     3, MaxArgs: Variadic, Impl: extensionIDImpl,
	},
	{
		Name: "reference", Category: CategoryResource, Signature: "reference(resourceNameOrIdentifier, [apiVersion], ['Full'])",
		Description: "Returns the runtime state of a resource: its properties, or the whole resource with 'Full'; allowed only in resource properties and outputs.",
		MinArgs:     1, MaxArgs: 3, restrictedBy: ForbidRuntime, Impl: referenceImpl,
	},
	{
		Name: "references", Category: CategoryResource, Signature: "references(symbolicName, ['Full'|'Properties'])",
		Description: "Returns the runtime states of every instance of a resource copy loop of a languageVersion 2.0 template, in copy-index order, leaving out instances whose condition is false.",
		MinArgs:     1, MaxArgs: 2, restrictedBy: ForbidRuntime, Impl: referencesImpl,
	},
	{
		Name: "resourceInfo", Category: CategoryResource, Signature: "resourceInfo(symbolicName)",
		Description: "Returns the id, name, type and apiVersion of the resource a languageVersion 2.0 symbolic name declares, known before deployment.",
		MinArgs:     1, MaxArgs: 1, Impl: resourceInfoImpl,
	},
	{
		Name: "list*", Category: CategoryResource, Signature: "list*(resourceNameOrIdentifier, apiVersion, [functionValues])",
		Description: "Calls a list action of a resource (listKeys, listSecrets, listAccountSas, ...) and returns its response; allowed only in resource properties and outputs.",
		MinArgs:     2, MaxArgs: 3, restrictedBy: ForbidRuntime, Impl: listImpl,
	},
	{
		Name: "pickZones", Category: CategoryResource, Signature: "pickZones(providerNamespace, resourceType, location, [numberOfZones], [offset])",
		Description: "Returns availability zones for a resource type in a region, or an empty array where zones are not supported.",
		MinArgs:     3, MaxArgs: 5, Impl: pickZonesImpl,
	},
	{
		Name: "toLogicalZone", Category: CategoryResource, Signature: "toLogicalZone(subscriptionId, location, physicalZone)",
		Description: "Maps a physical availability zone such as 'westus2-az1' to the subscription's logical zone ('1'), or '' when it does not belong to the location.",
		MinArgs:     3, MaxArgs: 3, Impl: zoneImpl(false, false),
	},
	{
		Name: "toLogicalZones", Category: CategoryResource, Signature: "toLogicalZones(subscriptionId, location, physicalZones)",
		Description: "Maps an array of physical availability zones to the subscription's logical zones, leaving out those that do not belong to the location.",
		MinArgs:     3, MaxArgs: 3, Impl: zoneImpl(false, true),
	},
	{
		Name: "toPhysicalZone", Category: CategoryResource, Signature: "toPhysicalZone(subscriptionId, location, logicalZone)",
		Description: "Maps a logical availability zone such as '1' to the physical zone ('westus2-az1'), or '' for an invalid zone.",
		MinArgs:     3, MaxArgs: 3, Impl: zoneImpl(true, false),
	},
	{
		Name: "toPhysicalZones", Category: CategoryResource, Signature: "toPhysicalZones(subscriptionId, location, logicalZones)",
		Description: "Maps an array of logical availability zones to physical zones, leaving out invalid ones.",
		MinArgs:     3, MaxArgs: 3, Impl: zoneImpl(true, true),
	},
	{
		Name: "providers", Category: CategoryResource, Signature: "providers(providerNamespace, [resourceType])",
		Description: "Returns information about a resource provider and its resource types (deprecated).",
		MinArgs:     1, MaxArgs: 2, Impl: providersImpl,
	},
}

var guidPattern = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

// typedPath builds "providers/{ns}/{t1}/{n1}/{t2}/{n2}..." from a resource
// type (a trailing '/' is tolerated) and names (a name may hold several
// segments separated by '/').
func (c Call) typedPath(typ string, names []Value, firstName int) (string, error) {
	segs := strings.Split(strings.Trim(typ, "/"), "/")
	if len(segs) < 2 || segs[0] == "" {
		return "", c.valueError("expects a resource type of the form 'Namespace/type'. The provided value is '%s'.", typ)
	}
	var nameSegs []string
	for i, n := range names {
		s, ok := n.AsString()
		if !ok {
			return "", c.typeError(firstName+i, "String", n)
		}
		nameSegs = append(nameSegs, strings.Split(strings.Trim(s, "/"), "/")...)
	}
	if len(nameSegs) != len(segs)-1 {
		return "", c.Errorf(ErrArgumentCount, "Unable to evaluate template language function '%s': the type '%s' requires '%d' resource name argument(s) but '%d' were provided.%s",
			c.Name(), strings.Trim(typ, "/"), len(segs)-1, len(nameSegs), usage)
	}
	var sb strings.Builder
	sb.WriteString("providers/")
	sb.WriteString(segs[0])
	for i, t := range segs[1:] {
		sb.WriteString("/" + t + "/" + nameSegs[i])
	}
	return sb.String(), nil
}

// typeIndex returns the position of the first argument that is a resource
// type (contains '/'), or -1.
func typeIndex(args []Value) int {
	for i, a := range args {
		if s, ok := a.AsString(); ok && strings.Contains(s, "/") {
			return i
		}
	}
	return -1
}

func resourceIDImpl(c Call, args []Value) (Value, error) {
	t := typeIndex(args)
	if t < 0 || t > 2 {
		return Null, c.valueError("expects a resource type of the form 'Namespace/type' as its first, second or third parameter.")
	}
	lead := make([]string, t)
	for i := range lead {
		s, err := c.str(args, i)
		if err != nil {
			return Null, err
		}
		lead[i] = s
	}
	typ, _ := args[t].AsString()
	path, err := c.typedPath(typ, args[t+1:], t+1)
	if err != nil {
		return Null, err
	}
	// The result's form follows the deployment's scope (arm-spec §4.10):
	// resource group, subscription, or "/providers/..." for management
	// group and tenant deployments. A leading GUID outside a resource-group
	// deployment is a subscription; any other single leading argument is a
	// resource group of the current subscription.
	d := &c.Context().Deployment
	sub, rg := d.SubscriptionID, d.ResourceGroup
	rgLevel := d.Scope == ScopeResourceGroup
	switch t {
	case 1:
		if !rgLevel && guidPattern.MatchString(lead[0]) {
			sub = lead[0]
		} else {
			rg, rgLevel = lead[0], true
		}
	case 2:
		sub, rg, rgLevel = lead[0], lead[1], true
	}
	subLevel := !rgLevel && (d.Scope == ScopeSubscription || t == 1)
	if (rgLevel || subLevel) && sub == "" {
		// A management-group or tenant deployment has no subscription to
		// fill in.
		return Null, c.newError(ErrNotAllowed, notExpectedMessage(c.Name()))
	}
	switch {
	case rgLevel:
		return String(joinID("/subscriptions/"+sub+"/resourceGroups/"+rg, path)), nil
	case subLevel:
		return String(joinID("/subscriptions/"+sub, path)), nil
	}
	return String("/" + path), nil
}

// managementGroupPrefix starts the id of a management group.
const managementGroupPrefix = "/providers/Microsoft.Management/managementGroups/"

// joinID puts a "providers/{ns}/{type}/{name}..." path under a scope id. A
// resource group under a subscription is the one id without "providers":
// /subscriptions/{sub}/resourceGroups/{name}; a management group is a
// tenant resource whatever the scope it is declared at.
func joinID(scope, path string) string {
	const groups, mgs = "providers/microsoft.resources/resourcegroups/", "providers/microsoft.management/managementgroups/"
	hasPrefix := func(prefix string) bool {
		return len(path) >= len(prefix) && strings.EqualFold(path[:len(prefix)], prefix)
	}
	switch {
	case hasPrefix(groups) && !strings.Contains(path[len(groups):], "/") && isSubscriptionID(scope):
		return scope + "/resourceGroups/" + path[len(groups):]
	case hasPrefix(mgs) && !strings.Contains(path[len(mgs):], "/"):
		return "/" + path
	}
	return scope + "/" + path
}

// isSubscriptionID reports whether id is "/subscriptions/{sub}".
func isSubscriptionID(id string) bool {
	segs := strings.Split(strings.Trim(id, "/"), "/")
	return len(segs) == 2 && strings.EqualFold(segs[0], "subscriptions")
}

type idScope uint8

const (
	scopeSubscriptionID idScope = iota
	scopeTenantID
	scopeManagementGroupID
)

func scopedIDImpl(scope idScope) Impl {
	return func(c Call, args []Value) (Value, error) {
		t := typeIndex(args)
		maxLead := 1
		if scope == scopeTenantID {
			maxLead = 0
		}
		if t < 0 || t > maxLead {
			return Null, c.valueError("expects a resource type of the form 'Namespace/type' after at most %d scope parameter(s).", maxLead)
		}
		typ, _ := args[t].AsString()
		path, err := c.typedPath(typ, args[t+1:], t+1)
		if err != nil {
			return Null, err
		}
		d := &c.Context().Deployment
		switch scope {
		case scopeSubscriptionID:
			sub := d.SubscriptionID
			if t == 1 {
				if sub, err = c.str(args, 0); err != nil {
					return Null, err
				}
			}
			if sub == "" {
				// No current subscription (management-group and tenant
				// deployments): it must be given.
				return Null, c.newError(ErrNotAllowed, notExpectedMessage(c.Name()))
			}
			return String(joinID("/subscriptions/"+sub, path)), nil
		case scopeManagementGroupID:
			mg := d.ManagementGroup
			if t == 1 {
				if mg, err = c.str(args, 0); err != nil {
					return Null, err
				}
			}
			if mg == "" {
				// No current management group (a tenant deployment, or a
				// front-end that does not know the subscription's group):
				// it must be given.
				return Null, c.newError(ErrNotAllowed, notExpectedMessage(c.Name()))
			}
			return String(managementGroupPrefix + mg + "/" + path), nil
		}
		return String("/" + path), nil
	}
}

func extensionIDImpl(c Call, args []Value) (Value, error) {
	base, err := c.str(args, 0)
	if err != nil {
		return Null, err
	}
	typ, err := c.str(args, 1)
	if err != nil {
		return Null, err
	}
	path, err := c.typedPath(typ, args[2:], 2)
	if err != nil {
		return Null, err
	}
	return String(strings.TrimRight(base, "/") + "/" + path), nil
}

// resolver returns the Context's Resolver or the error ARM gives where the
// function cannot be used.
func (c Call) resolver() (Resolver, error) {
	r := c.Context().Resolver
	if r == nil {
		return nil, c.newError(ErrNotAllowed, notExpectedMessage(c.Name()))
	}
	return r, nil
}

// resolved names an unknown answer after the call that produced it.
func (c Call) resolved(v Value, err error) (Value, error) {
	if err != nil {
		return Null, err
	}
	if v.IsUnknown() {
		return UnknownValue(c.site.text()), nil
	}
	return v, nil
}

func referenceImpl(c Call, args []Value) (Value, error) {
	target, err := c.str(args, 0)
	if err != nil {
		return Null, err
	}
	var apiVersion string
	full := false
	if len(args) > 1 {
		if apiVersion, err = c.str(args, 1); err != nil {
			return Null, err
		}
	}
	if len(args) > 2 {
		mode, err := c.str(args, 2)
		if err != nil {
			return Null, err
		}
		// ARM reads only 'Full' here and ignores any other value: gallery
		// templates pass an API version in this place and deploy.
		full = strings.EqualFold(mode, "Full")
	}
	r, err := c.resolver()
	if err != nil {
		return Null, err
	}
	return c.resolved(r.Reference(target, apiVersion, full))
}

func referencesImpl(c Call, args []Value) (Value, error) {
	name, err := c.str(args, 0)
	if err != nil {
		return Null, err
	}
	full := false
	if len(args) > 1 {
		mode, err := c.str(args, 1)
		if err != nil {
			return Null, err
		}
		switch {
		case strings.EqualFold(mode, "Full"):
			full = true
		case strings.EqualFold(mode, "Properties"):
		default:
			return Null, c.valueError("expects its second parameter to be 'Full' or 'Properties'. The provided value is '%s'.", mode)
		}
	}
	fn := c.Context().References
	if fn == nil {
		return Null, c.newError(ErrNotAllowed, notExpectedMessage(c.Name()))
	}
	return c.resolved(fn(name, full))
}

func resourceInfoImpl(c Call, args []Value) (Value, error) {
	name, err := c.str(args, 0)
	if err != nil {
		return Null, err
	}
	fn := c.Context().ResourceInfo
	if fn == nil {
		return Null, c.newError(ErrNotAllowed, notExpectedMessage(c.Name()))
	}
	return fn(name)
}

func listImpl(c Call, args []Value) (Value, error) {
	target, err := c.str(args, 0)
	if err != nil {
		return Null, err
	}
	apiVersion, err := c.str(args, 1)
	if err != nil {
		return Null, err
	}
	body := Null
	if len(args) > 2 {
		body = args[2]
	}
	r, err := c.resolver()
	if err != nil {
		return Null, err
	}
	return c.resolved(r.List(c.Name(), target, apiVersion, body))
}

func pickZonesImpl(c Call, args []Value) (Value, error) {
	var parts [3]string
	for i := range parts {
		s, err := c.str(args, i)
		if err != nil {
			return Null, err
		}
		parts[i] = s
	}
	count, offset := int64(1), int64(0)
	var err error
	if len(args) > 3 {
		if count, err = c.int(args, 3); err != nil {
			return Null, err
		}
	}
	if len(args) > 4 {
		if offset, err = c.int(args, 4); err != nil {
			return Null, err
		}
	}
	if count < 1 || offset < 0 {
		return Null, c.valueError("expects a number of zones of at least 1 and an offset of at least 0. The provided values are '%d' and '%d'.", count, offset)
	}
	r, err := c.resolver()
	if err != nil {
		return Null, err
	}
	return c.resolved(r.PickZones(parts[0], parts[1], parts[2], count, offset))
}

func providersImpl(c Call, args []Value) (Value, error) {
	ns, err := c.str(args, 0)
	if err != nil {
		return Null, err
	}
	var typ string
	if len(args) > 1 {
		if typ, err = c.str(args, 1); err != nil {
			return Null, err
		}
	}
	r, err := c.resolver()
	if err != nil {
		return Null, err
	}
	return c.resolved(r.Providers(ns, typ))
}

// zoneImpl maps availability zones between their logical ("1") and
// physical ("westus2-az1") names. The simulation maps logical zone N to
// physical zone azN in every subscription.
func zoneImpl(toPhysical, plural bool) Impl {
	convert := func(location, zone string) string {
		loc := strings.ToLower(strings.ReplaceAll(location, " ", ""))
		if toPhysical {
			if zone == "1" || zone == "2" || zone == "3" {
				return loc + "-az" + zone
			}
			return ""
		}
		z := strings.ToLower(zone)
		if n := strings.TrimPrefix(z, loc+"-az"); n != z && (n == "1" || n == "2" || n == "3") {
			return n
		}
		return ""
	}
	return func(c Call, args []Value) (Value, error) {
		if _, err := c.str(args, 0); err != nil {
			return Null, err
		}
		location, err := c.str(args, 1)
		if err != nil {
			return Null, err
		}
		if !plural {
			zone, err := c.str(args, 2)
			if err != nil {
				return Null, err
			}
			return String(convert(location, zone)), nil
		}
		zones, err := c.array(args, 2)
		if err != nil {
			return Null, err
		}
		out := []Value{}
		for i, z := range zones {
			s, ok := z.AsString()
			if !ok {
				return Null, c.valueError("expects its third parameter to be an array of strings. The element at index '%d' is of type '%s'.", i, z.Kind())
			}
			if r := convert(location, s); r != "" {
				out = append(out, String(r))
			}
		}
		return Array(out), nil
	}
}
