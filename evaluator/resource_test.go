package evaluator

import (
	"fmt"
	"strings"
	"testing"
)

const sub = "/subscriptions/ffffffff-ffff-ffff-ffff-ffffffffffff"

// fakeResolver knows one storage account, answers unknown for resources
// "being deployed", and zones for virtual machines in westus2.
type fakeResolver struct{}

func (fakeResolver) Reference(nameOrID, apiVersion string, full bool) (Value, error) {
	switch {
	case strings.HasSuffix(nameOrID, "/storageAccounts/sa1") || nameOrID == "sa1":
		props := mustObject(`{"primaryEndpoints": {"blob": "https://sa1.blob.core.windows.net/"}}`)
		if full {
			return ObjectValue(mustObject(`{"apiVersion": "` + apiVersion + `", "location": "eastus", "properties": {"primaryEndpoints": {"blob": "https://sa1.blob.core.windows.net/"}}}`)), nil
		}
		return ObjectValue(props), nil
	case strings.Contains(nameOrID, "pending"):
		return UnknownValue("pending"), nil
	}
	return Null, fmt.Errorf("The Resource '%s' was not found.", nameOrID)
}

func (fakeResolver) List(action, id, apiVersion string, body Value) (Value, error) {
	if !strings.EqualFold(action, "listKeys") {
		return Null, fmt.Errorf("The resource does not support the action '%s'.", action)
	}
	return ObjectValue(mustObject(`{"keys": [{"keyName": "key1", "value": "secret-1"}]}`)), nil
}

func (fakeResolver) Providers(ns, typ string) (Value, error) {
	return ObjectValue(mustObject(`{"namespace": "` + ns + `", "resourceTypes": [{"resourceType": "` + typ + `", "locations": ["East US"]}]}`)), nil
}

func (fakeResolver) PickZones(ns, typ, location string, count, offset int64) (Value, error) {
	if !strings.EqualFold(ns+"/"+typ, "Microsoft.Compute/virtualMachines") || !strings.EqualFold(location, "westus2") {
		return ArrayOf(), nil
	}
	if offset+count > 3 {
		return Null, fmt.Errorf("The offset and number of zones exceed the 3 zones supported in '%s'.", location)
	}
	var out []Value
	for i := offset; i < offset+count; i++ {
		out = append(out, String(fmt.Sprint(i+1)))
	}
	return Array(out), nil
}

func withResolver(c *Context) { c.Resolver = fakeResolver{} }

// withResourceInfo answers resourceInfo('vnet') as the template layer
// would, and anything else with an error.
func withResourceInfo(c *Context) {
	c.ResourceInfo = func(name string) (Value, error) {
		if !strings.EqualFold(name, "vnet") {
			return Null, fmt.Errorf("The template function 'resourceInfo' expects the symbolic name of a resource; '%s' is not one.", name)
		}
		return MustFromGo(map[string]any{"id": sub + "/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v1",
			"name": "v1", "type": "Microsoft.Network/virtualNetworks", "apiVersion": "2023-04-01"}), nil
	}
}

// withReferences answers references('disks') with two instances and
// anything else with an error, as the template layer would.
func withReferences(c *Context) {
	c.References = func(name string, full bool) (Value, error) {
		if !strings.EqualFold(name, "disks") {
			return Null, fmt.Errorf("The template function 'references' expects the symbolic name of a resource copy loop; '%s' is not one.", name)
		}
		if full {
			return MustFromGo([]any{map[string]any{"name": "d0"}, map[string]any{"name": "d1"}}), nil
		}
		return MustFromGo([]any{map[string]any{"diskSizeGB": int64(8)}, map[string]any{"diskSizeGB": int64(16)}}), nil
	}
}

func atScope(s Scope) func(*Context) { return func(c *Context) { c.Deployment.Scope = s } }

// resourceCases covers the resource functions with the vectors of
// arm-spec §5.5 (deployment in subscription ffff..., resource group
// ps-rule-test-rg, management group psrule-test).
var resourceCases = []evalCase{
	okS("resourceId('Microsoft.Network/virtualNetworks', 'vnet-001')", sub+"/resourceGroups/ps-rule-test-rg/providers/Microsoft.Network/virtualNetworks/vnet-001").v("247"),
	okS("resourceId('rg-test', 'Microsoft.Network/virtualNetworks', 'vnet-001')", sub+"/resourceGroups/rg-test/providers/Microsoft.Network/virtualNetworks/vnet-001").v("248"),
	okS("resourceId('00000000-0000-0000-0000-000000000000', 'rg-test', 'Microsoft.Network/virtualNetworks/subnets', 'vnet-001', 'subnet-001')",
		"/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-test/providers/Microsoft.Network/virtualNetworks/vnet-001/subnets/subnet-001").v("249"),
	fails("resourceId('Unit.Test/type', 'a', 'b')", "the type 'Unit.Test/type' requires '1' resource name argument(s) but '2' were provided").v("250"),
	okS("resourceId('Microsoft.SQL/servers/databases', 'serverName', 'databaseName')",
		"/subscriptions/ffffffff-ffff-ffff-ffff-ffffffffffff/resourceGroups/examplegroup/providers/Microsoft.SQL/servers/serverName/databases/databaseName").v("251").
		with(func(c *Context) { c.Deployment.ResourceGroup = "examplegroup" }),
	okS("subscriptionResourceId('Unit.Test/type/subtype', 'a', 'b')", sub+"/providers/Unit.Test/type/a/subtype/b").v("252"),
	okS("tenantResourceId('Unit.Test/type/subtype/subsubtype', 'a', 'b', 'c')", "/providers/Unit.Test/type/a/subtype/b/subsubtype/c").v("253"),
	okS("managementGroupResourceId('Unit.Test/type', 'a')", "/providers/Microsoft.Management/managementGroups/psrule-test/providers/Unit.Test/type/a").v("254"),
	okS("extensionResourceId('/subscriptions/00000000-0000-0000-0000-000000000000/providers/Unit.Test/type/a', 'Extension.Test/type/subtype', 'a', 'b')",
		"/subscriptions/00000000-0000-0000-0000-000000000000/providers/Unit.Test/type/a/providers/Extension.Test/type/a/subtype/b").v("255"),
	okS("extensionResourceId('/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-test-001', 'Microsoft.Resources/deployments', 'a')",
		"/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-test-001/providers/Microsoft.Resources/deployments/a").v("256"),
	// Vector 257: ids of an existing My.Rp/parent/child named myParent/myChild at each scope.
	okS("resourceId('My.Rp/parent/child', 'myParent', 'myChild')", sub+"/resourceGroups/ps-rule-test-rg/providers/My.Rp/parent/myParent/child/myChild").v("257"),
	okS("resourceId('customRg', 'My.Rp/parent/child', 'myParent', 'myChild')", sub+"/resourceGroups/customRg/providers/My.Rp/parent/myParent/child/myChild").v("257"),
	okS("resourceId('2e518a80-f860-4467-a00e-d81aaf1ff42e', 'customRg', 'My.Rp/parent/child', 'myParent', 'myChild')",
		"/subscriptions/2e518a80-f860-4467-a00e-d81aaf1ff42e/resourceGroups/customRg/providers/My.Rp/parent/myParent/child/myChild").v("257"),
	okS("tenantResourceId('My.Rp/parent/child', 'myParent', 'myChild')", "/providers/My.Rp/parent/myParent/child/myChild").v("257"),
	okS("subscriptionResourceId('My.Rp/parent/child', 'myParent', 'myChild')", sub+"/providers/My.Rp/parent/myParent/child/myChild").v("257"),
	okS("subscriptionResourceId('2e518a80-f860-4467-a00e-d81aaf1ff42e', 'My.Rp/parent/child', 'myParent', 'myChild')",
		"/subscriptions/2e518a80-f860-4467-a00e-d81aaf1ff42e/providers/My.Rp/parent/myParent/child/myChild").v("257"),
	okS("managementGroupResourceId('2e518a80-f860-4467-a00e-d81aaf1ff42e', 'My.Rp/parent/child', 'myParent', 'myChild')",
		"/providers/Microsoft.Management/managementGroups/2e518a80-f860-4467-a00e-d81aaf1ff42e/providers/My.Rp/parent/myParent/child/myChild").v("257"),
	okS("extensionResourceId(tenantResourceId('My.Rp/parent/child', 'myParent', 'myChild'), 'My.ExtensionRp/parent/child', 'myParent', 'myChild')",
		"/providers/My.Rp/parent/myParent/child/myChild/providers/My.ExtensionRp/parent/myParent/child/myChild").v("257"),
	// resourceId at other scopes, trailing '/' in types, names with '/'
	okS("resourceId('Microsoft.Network/virtualNetworks/', 'vnet')", sub+"/resourceGroups/ps-rule-test-rg/providers/Microsoft.Network/virtualNetworks/vnet"),
	okS("resourceId('Microsoft.Network/virtualNetworks/subnets', 'vnet/default')", sub+"/resourceGroups/ps-rule-test-rg/providers/Microsoft.Network/virtualNetworks/vnet/subnets/default"),
	okS("resourceId('Microsoft.Authorization/policyDefinitions', 'p')", sub+"/providers/Microsoft.Authorization/policyDefinitions/p").with(atScope(ScopeSubscription)),
	okS("resourceId('Microsoft.Authorization/policyDefinitions', 'p')", "/providers/Microsoft.Authorization/policyDefinitions/p").with(atScope(ScopeManagementGroup)),
	okS("resourceId('rg2', 'Microsoft.Storage/storageAccounts', 'sa')", sub+"/resourceGroups/rg2/providers/Microsoft.Storage/storageAccounts/sa").with(atScope(ScopeSubscription)),
	fails("resourceId('vnet', 'x')", "expects a resource type of the form 'Namespace/type'"),
	fails("resourceId('Microsoft.Network/virtualNetworks', 1)", "expects its second parameter to be of type 'String'"),
	fails("tenantResourceId('00000000-0000-0000-0000-000000000000', 'Unit.Test/type', 'a')", "after at most 0 scope parameter(s)"),
	fails("subscriptionResourceId('Unit.Test/type/sub', 'a')", "requires '2' resource name argument(s) but '1' were provided"),
	// reference, list*, pickZones, providers
	okS("reference(resourceId('Microsoft.Storage/storageAccounts', 'sa1'), '2022-09-01').primaryEndpoints.blob", "https://sa1.blob.core.windows.net/").with(withResolver),
	okS("reference('sa1', '2022-09-01', 'Full').location", "eastus").with(withResolver),
	okU("reference('pending-vm').properties", "reference('pending-vm').properties").with(withResolver),
	okU("concat('x', string(reference('pending-vm')))", "concat('x', string(reference('pending-vm')))").with(withResolver),
	fails("reference('missing')", "The Resource 'missing' was not found.").with(withResolver),
	okS("resourceInfo('vnet').name", "v1").with(withResourceInfo),
	okS("resourceInfo('VNET').apiVersion", "2023-04-01").with(withResourceInfo),
	fails("resourceInfo('nope')", "'nope' is not one").with(withResourceInfo),
	fails("resourceInfo('vnet')", "The template function 'resourceInfo' is not expected at this location."),
	ok("references('disks')", `[{"diskSizeGB":8},{"diskSizeGB":16}]`).with(withReferences),
	ok("references('DISKS', 'Full')[1].name", `"d1"`).with(withReferences),
	ok("references('disks', 'Properties')[0].diskSizeGB", `8`).with(withReferences),
	fails("references('disks', 'Half')", "expects its second parameter to be 'Full' or 'Properties'").with(withReferences),
	fails("references('nope')", "'nope' is not one").with(withReferences),
	fails("references('disks')", "The template function 'references' is not expected at this location."),
	// A third argument other than 'Full' is ignored, as ARM does (gallery
	// templates pass an API version there).
	okS("reference('sa1', '2022-09-01', 'Partial').primaryEndpoints.blob", "https://sa1.blob.core.windows.net/").with(withResolver),
	fails("reference('sa1')", "The template function 'reference' is not expected at this location."),
	fails("reference('sa1')", "The template function 'reference' is not expected at this location.").with(func(c *Context) {
		c.Resolver, c.Forbid = fakeResolver{}, ForbidRuntime
	}),
	okS("listKeys(resourceId('Microsoft.Storage/storageAccounts', 'sa1'), '2022-09-01').keys[0].value", "secret-1").with(withResolver).of("list*"),
	okS("LISTKEYS('sa1', '2022-09-01').keys[0].keyName", "key1").with(withResolver).of("list*"),
	fails("listSecrets('sa1', '2022-09-01')", "does not support the action 'listSecrets'").with(withResolver).of("list*"),
	fails("listKeys('sa1', '2022-09-01')", "The template function 'listKeys' is not expected at this location.").with(func(c *Context) {
		c.Resolver, c.Forbid = fakeResolver{}, ForbidRuntime
	}).of("list*"),
	ok("pickZones('Microsoft.Compute', 'virtualMachines', 'westus2')", `["1"]`).v("244").with(withResolver),
	ok("pickZones('Microsoft.Compute', 'virtualMachines', 'westus2', 3)", `["1","2","3"]`).v("245").with(withResolver),
	ok("pickZones('Microsoft.Compute', 'virtualMachines', 'northcentralus')", `[]`).v("246").with(withResolver),
	ok("pickZones('Microsoft.Cdn', 'profiles', 'westus2')", `[]`).v("246").with(withResolver),
	fails("pickZones('Microsoft.Compute', 'virtualMachines', 'westus2', 2, 2)", "exceed the 3 zones").with(withResolver),
	fails("pickZones('Microsoft.Compute', 'virtualMachines', 'westus2', 0)", "expects a number of zones of at least 1"),
	okS("toLogicalZone('00000000-0000-0000-0000-000000000000', 'westus2', 'westus2-az1')", "1"),
	okS("toLogicalZone('00000000-0000-0000-0000-000000000000', 'westus2', 'eastus-az1')", ""),
	ok("toLogicalZones('00000000-0000-0000-0000-000000000000', 'West US 2', createArray('westus2-az1', 'westus2-az3', 'x'))", `["1","3"]`),
	okS("toPhysicalZone('00000000-0000-0000-0000-000000000000', 'westus2', '2')", "westus2-az2"),
	okS("toPhysicalZone('00000000-0000-0000-0000-000000000000', 'westus2', '4')", ""),
	ok("toPhysicalZones('00000000-0000-0000-0000-000000000000', 'westus2', createArray('1', '3'))", `["westus2-az1","westus2-az3"]`),
	fails("toPhysicalZones('s', 'westus2', createArray(1))", "expects its third parameter to be an array of strings"),
	okS("providers('Microsoft.Web', 'sites').resourceTypes[0].resourceType", "sites").with(withResolver),
}

func TestResourceFunctions(t *testing.T) { runCases(t, resourceCases) }
