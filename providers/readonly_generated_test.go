package providers

import (
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"
)

func TestFillGenerated(t *testing.T) {
	const now = "2026-11-26T08:00:00Z" // putGeneric's clock
	aiID := roGroup + "Microsoft.Insights/components/ai1"
	clusterID := roGroup + "Microsoft.OperationalInsights/clusters/la1"
	isKey := func(v any) bool {
		s, _ := v.(string)
		b, err := base64.StdEncoding.DecodeString(s)
		return err == nil && len(b) == 32
	}
	tests := []struct {
		name, typ, resName string
		body               map[string]any
		want               map[string]any            // dotted path → value; nil: absent
		check              map[string]func(any) bool // dotted path → predicate
	}{
		{"insights component: the hand-written key wins, the specs add the rest", "Microsoft.Insights/components", "ai1",
			map[string]any{"location": "eastus", "kind": "web"},
			map[string]any{"properties.InstrumentationKey": derivedGUID(aiID, "instrumentationKey"),
				"properties.CreationDate": now, "properties.PrivateLinkScopedResources": []any{}},
			map[string]func(any) bool{"properties.InstrumentationKey": func(v any) bool { s, _ := v.(string); return guidRE.MatchString(s) }}},
		{"container group: instance view state and its events", "Microsoft.ContainerInstance/containerGroups", "aci1",
			map[string]any{"location": "eastus", "properties": map[string]any{"osType": "Linux"}},
			map[string]any{"properties.instanceView.state": "Running", "properties.instanceView.events": []any{},
				"properties.osType": "Linux", "properties.ipAddress": nil, "properties.isCreatedFromStandbyPool": false}, nil},
		{"web app: hand-written host names, the specs' clock and keys under a given siteConfig", "Microsoft.Web/sites", "MyApp",
			map[string]any{"location": "eastus", "properties": map[string]any{"siteConfig": map[string]any{}}},
			map[string]any{"properties.defaultHostName": "myapp.azurewebsites.net", "properties.hostNames": []any{"myapp.azurewebsites.net"},
				"properties.lastModifiedTimeUtc": now, "properties.availabilityState": "Normal", "properties.hostingEnvironmentProfile": nil},
			map[string]func(any) bool{"properties.siteConfig.machineKey.validationKey": isKey}},
		{"container group without a dns label: the hand-written table's fqdn rule holds", "Microsoft.ContainerInstance/containerGroups", "aci2",
			map[string]any{"location": "eastus", "properties": map[string]any{"ipAddress": map[string]any{"type": "Public"}}},
			map[string]any{"properties.ipAddress.fqdn": nil,
				"properties.ipAddress.ip": simulatedPublicIP(roGroup + "Microsoft.ContainerInstance/containerGroups/aci2")}, nil},
		{"redis access keys", "Microsoft.Cache/redis", "cache1",
			map[string]any{"location": "eastus"},
			map[string]any{"properties.hostName": "cache1.redis.cache.windows.net"},
			map[string]func(any) bool{"properties.accessKeys.primaryKey": isKey, "properties.accessKeys.secondaryKey": isKey}},
		{"a type without a hand-written entry: GUID id and dates", "Microsoft.OperationalInsights/clusters", "la1",
			map[string]any{"location": "eastus"},
			map[string]any{"properties.clusterId": derivedGUID(clusterID, "properties.clusterId"),
				"properties.createdDate": now, "properties.provisioningState": "Succeeded", "properties.replication": nil}, nil},
		{"a type without a hand-written entry: host name by the stand-in pattern", "Microsoft.Communication/communicationServices", "Comm1",
			map[string]any{"location": "global"},
			map[string]any{"properties.hostName": "comm1.communication.azure.com"}, nil},
		{"a namespace's DNS pattern for a type of it without an entry", "Microsoft.Cache/redisEnterprise", "re1",
			map[string]any{"location": "eastus"},
			map[string]any{"properties.hostName": "re1.redis.cache.windows.net"}, nil},
		{"a list of addresses gets one", "Microsoft.ApiManagement/service", "apim1",
			map[string]any{"location": "eastus", "properties": map[string]any{"publisherEmail": "a@b.c", "publisherName": "p"}},
			map[string]any{"properties.privateIPAddresses": []any{"10.0.0.4"},
				"properties.gatewayUrl": "https://apim1.azure-api.net"}, nil},
		{"read-only values in each element of an array the body gives, below the objects it gives", "Microsoft.Network/azureFirewalls", "fw1",
			map[string]any{"location": "eastus", "properties": map[string]any{"ipConfigurations": []any{
				map[string]any{"name": "c1", "properties": map[string]any{}}, map[string]any{"name": "c2"}}}},
			map[string]any{"properties.ipConfigurations": []any{
				map[string]any{"name": "c1", "id": roGroup + "Microsoft.Network/azureFirewalls/fw1/azureFirewallIpConfigurations/c1",
					"properties": map[string]any{"privateIPAddress": "10.0.0.4", "provisioningState": "Succeeded"}},
				map[string]any{"name": "c2", "id": roGroup + "Microsoft.Network/azureFirewalls/fw1/azureFirewallIpConfigurations/c2"}}, // no properties asked for: none filled
				"properties.managementIpConfiguration": nil,
				// Microsoft.Network's hand-written patterns differ by service: the stand-in.
				"properties.afcConfiguration.serviceEndpoint": "https://fw1.network.azure.com/"}, nil},
		{"sub-resources the body declares get their ids, references keep theirs", "Microsoft.Network/loadBalancers", "lb1",
			map[string]any{"location": "eastus", "properties": map[string]any{
				"frontendIPConfigurations": []any{map[string]any{"name": "fe", "properties": map[string]any{"publicIPAddress": map[string]any{"id": roGroup + "Microsoft.Network/publicIPAddresses/pip"}}}},
				"backendAddressPools":      []any{map[string]any{"name": "pool"}},
				"loadBalancingRules": []any{map[string]any{"name": "rule", "properties": map[string]any{
					"backendAddressPool": map[string]any{"id": roGroup + "Microsoft.Network/loadBalancers/lb1/backendAddressPools/pool"}}}}}},
			nil,
			map[string]func(any) bool{
				"properties.backendAddressPools": func(v any) bool {
					a, _ := v.([]any)
					return len(a) == 1 && strAt(asObj(a[0]), "id") == roGroup+"Microsoft.Network/loadBalancers/lb1/backendAddressPools/pool"
				},
				"properties.frontendIPConfigurations": func(v any) bool {
					a, _ := v.([]any)
					pip := objAt(asObj(a[0]), "properties", "publicIPAddress")
					return len(a) == 1 && strAt(asObj(a[0]), "id") == roGroup+"Microsoft.Network/loadBalancers/lb1/frontendIPConfigurations/fe" &&
						strAt(pip, "id") == roGroup+"Microsoft.Network/publicIPAddresses/pip" && len(pip) == 1 // a reference is its id
				},
				"properties.loadBalancingRules": func(v any) bool {
					a, _ := v.([]any)
					return len(a) == 1 && strAt(asObj(a[0]), "properties", "backendAddressPool", "id") == roGroup+"Microsoft.Network/loadBalancers/lb1/backendAddressPools/pool"
				},
			}},
		{"nested sub-resources: a subnet's delegation of an inline subnet", "Microsoft.Network/applicationGateways", "agw1",
			map[string]any{"location": "eastus", "properties": map[string]any{"urlPathMaps": []any{map[string]any{"name": "map",
				"properties": map[string]any{"pathRules": []any{map[string]any{"name": "r1"}, map[string]any{"properties": map[string]any{}}}}}}}},
			nil,
			map[string]func(any) bool{"properties.urlPathMaps": func(v any) bool {
				a, _ := v.([]any)
				rules := arrAt(asObj(a[0]), "properties", "pathRules")
				return strAt(asObj(a[0]), "id") == roGroup+"Microsoft.Network/applicationGateways/agw1/urlPathMaps/map" &&
					strAt(asObj(rules[0]), "id") == roGroup+"Microsoft.Network/applicationGateways/agw1/urlPathMaps/map/pathRules/r1" &&
					strAt(asObj(rules[1]), "id") == "" // no name: no id
			}}},
		{"an object all of whose properties are Azure's is filled though the body lacks it", "Microsoft.Databricks/workspaces", "dbw1",
			map[string]any{"location": "eastus", "properties": map[string]any{"managedResourceGroupId": "/subscriptions/s/resourceGroups/m"}},
			map[string]any{"properties.storageAccountIdentity.principalId": derivedGUID(roGroup+"Microsoft.Databricks/workspaces/dbw1", "properties.storageAccountIdentity.principalId"),
				"properties.storageAccountIdentity.tenantId": DefaultTenantID,
				"properties.managedDiskIdentity.tenantId":    DefaultTenantID}, nil},
		{"a deployment script of either kind: the read-only values both kinds have, no failure details", "Microsoft.Resources/deploymentScripts", "ds1",
			map[string]any{"location": "eastus", "kind": "AzureCLI", "properties": map[string]any{"azCliVersion": "2.52.0", "retentionInterval": "P1D"}},
			map[string]any{"properties.provisioningState": "Succeeded", "properties.status.error": nil}, nil},
		{"a child's envelope location is not invented", "Microsoft.EventHub/namespaces/authorizationRules", "ns1/rule1",
			map[string]any{"properties": map[string]any{"rights": []any{"Listen"}}},
			map[string]any{"location": nil}, nil},
		{"a value the body gives is kept", "Microsoft.OperationalInsights/clusters", "la2",
			map[string]any{"location": "eastus", "properties": map[string]any{"clusterId": "given"}},
			map[string]any{"properties.clusterId": "given"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before, _ := json.Marshal(tt.body)
			got := putGeneric(t, tt.typ, tt.resName, tt.body)
			if after, _ := json.Marshal(tt.body); string(after) != string(before) {
				t.Errorf("the request body changed:\n%s\n%s", before, after)
			}
			for path, want := range tt.want {
				v := at(got, strings.Split(path, ".")...)
				if want == nil {
					if v != nil {
						t.Errorf("%s = %v, want absent", path, v)
					}
					continue
				}
				if !same(v, want) {
					t.Errorf("%s = %#v, want %#v", path, v, want)
				}
			}
			for path, ok := range tt.check {
				if v := at(got, strings.Split(path, ".")...); !ok(v) {
					t.Errorf("%s = %#v", path, v)
				}
			}
		})
	}
}

// TestFillGeneratedIsDeterministic PUTs every type of the generated table
// that has no provider of its own twice with the same id: the bodies are
// the same, and two ids get different GUIDs.
func TestFillGeneratedIsDeterministic(t *testing.T) {
	n := 0
	for k := range generatedTable() {
		if Known(k) {
			continue
		}
		n++
		segs := strings.Split(k, "/")
		name := "res1"
		for range len(segs) - 2 {
			name = "parent1/" + name
		}
		body := map[string]any{"location": "eastus", "properties": map[string]any{}}
		a, _ := json.Marshal(putGeneric(t, k, name, body))
		b, _ := json.Marshal(putGeneric(t, k, name, body))
		if string(a) != string(b) {
			t.Fatalf("%s not deterministic:\n%s\n%s", k, a, b)
		}
	}
	if generatedTypeCount() < 2000 {
		t.Errorf("the generated table holds %d types, want at least 2000", generatedTypeCount())
	}
	if n < 1500 {
		t.Errorf("%d generic types in the generated table, want at least 1500", n)
	}
	x := putGeneric(t, "Microsoft.OperationalInsights/clusters", "a", map[string]any{"location": "eastus"})
	y := putGeneric(t, "Microsoft.OperationalInsights/clusters", "b", map[string]any{"location": "eastus"})
	if strAt(x, "properties", "clusterId") == strAt(y, "properties", "clusterId") {
		t.Error("two clusters got the same clusterId")
	}
}

// generatedTable maps every lower-cased type of the table to its paths.
func generatedTable() map[string][]genPath {
	m := map[string][]genPath{}
	for k := range generatedLines() {
		m[k] = generatedPaths(k)
	}
	return m
}

// generatedTypeCount is the number of types the generated table holds.
func generatedTypeCount() int { return len(generatedLines()) }
