package providers

import (
	"context"
	"encoding/json"
	"regexp"
	"strings"
	"testing"
	"time"
)

const roGroup = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/"

// putGeneric PUTs a body of a type without a provider and returns the
// stored body.
func putGeneric(t *testing.T, typ, name string, body map[string]any) map[string]any {
	t.Helper()
	if Known(typ) {
		t.Fatalf("%s has a provider of its own", typ)
	}
	segs := strings.Split(name, "/")
	tsegs := strings.Split(typ, "/")
	id := roGroup + tsegs[0] + "/" + tsegs[1] + "/" + segs[0]
	for i := 1; i < len(segs); i++ {
		id += "/" + tsegs[i+1] + "/" + segs[i]
	}
	res, err := For(typ).Put(context.Background(), &Request{ID: id, Type: typ, Name: name,
		SubscriptionID: "00000000-0000-0000-0000-000000000000", ResourceGroup: "rg", Body: body,
		Now: time.Date(2026, 11, 26, 8, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	return res.Body
}

var guidRE = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

func TestFillReadOnly(t *testing.T) {
	appInsightsID := roGroup + "Microsoft.Insights/components/appInsights"
	ikey := derivedGUID(appInsightsID, "instrumentationKey")
	envID := roGroup + "Microsoft.App/managedEnvironments/env1"
	tests := []struct {
		name, typ, resName string
		body               map[string]any
		want               map[string]any // dotted path → value; nil value: absent
	}{
		{"app insights instrumentation key and connection string", "Microsoft.Insights/components", "appInsights",
			map[string]any{"location": "West Europe", "kind": "web", "properties": map[string]any{"Application_Type": "web"}},
			map[string]any{
				"properties.InstrumentationKey": ikey,
				"properties.ConnectionString": "InstrumentationKey=" + ikey + ";IngestionEndpoint=https://westeurope-0.in.applicationinsights.azure.com/;LiveEndpoint=https://westeurope.livediagnostics.monitor.azure.com/;ApplicationId=" +
					derivedGUID(appInsightsID, "appId"),
				"properties.ApplicationId":     "appInsights",
				"properties.provisioningState": "Succeeded",
				"properties.Application_Type":  "web",
			}},
		{"log analytics customerId", "Microsoft.OperationalInsights/workspaces", "logs",
			map[string]any{"location": "eastus"},
			map[string]any{"properties.customerId": derivedGUID(roGroup+"Microsoft.OperationalInsights/workspaces/logs", "customerId")}},
		{"vm extension instance view", "Microsoft.Compute/virtualMachines/extensions", "vm1/CustomScriptExtension",
			map[string]any{"location": "eastus", "properties": map[string]any{"type": "CustomScriptExtension", "typeHandlerVersion": "1.10"}},
			map[string]any{"properties.instanceView.name": "CustomScriptExtension", "properties.instanceView.typeHandlerVersion": "1.10",
				"properties.instanceView.type": "CustomScriptExtension"}},
		{"sql server fqdn", "Microsoft.Sql/servers", "SqlSrv1",
			map[string]any{"location": "eastus", "properties": map[string]any{"administratorLogin": "a"}},
			map[string]any{"properties.fullyQualifiedDomainName": "sqlsrv1.database.windows.net", "properties.state": "Ready"}},
		{"postgres flexible server fqdn", "Microsoft.DBforPostgreSQL/flexibleServers", "pg1",
			map[string]any{"location": "eastus"},
			map[string]any{"properties.fullyQualifiedDomainName": "pg1.postgres.database.azure.com"}},
		{"postgres single server fqdn", "Microsoft.DBforPostgreSQL/servers", "pg2",
			map[string]any{"location": "eastus"},
			map[string]any{"properties.fullyQualifiedDomainName": "pg2.postgres.database.azure.com"}},
		{"mysql flexible server fqdn", "Microsoft.DBforMySQL/flexibleServers", "my1",
			map[string]any{"location": "eastus"},
			map[string]any{"properties.fullyQualifiedDomainName": "my1.mysql.database.azure.com"}},
		{"web app host names", "Microsoft.Web/sites", "MyApp",
			map[string]any{"location": "eastus", "kind": "app"},
			map[string]any{"properties.defaultHostName": "myapp.azurewebsites.net",
				"properties.hostNames":          []any{"myapp.azurewebsites.net"},
				"properties.enabledHostNames":   []any{"myapp.azurewebsites.net", "myapp.scm.azurewebsites.net"},
				"properties.repositorySiteName": "MyApp", "properties.state": "Running"}},
		{"deployment slot host name", "Microsoft.Web/sites/slots", "myapp/staging",
			map[string]any{"location": "eastus"},
			map[string]any{"properties.defaultHostName": "myapp-staging.azurewebsites.net"}},
		{"key vault uri", "Microsoft.KeyVault/vaults", "kv1",
			map[string]any{"location": "eastus"},
			map[string]any{"properties.vaultUri": "https://kv1.vault.azure.net/"}},
		{"key vault secret uri", "Microsoft.KeyVault/vaults/secrets", "kv1/dbPassword",
			map[string]any{"properties": map[string]any{"value": "x"}},
			map[string]any{"properties.secretUri": "https://kv1.vault.azure.net/secrets/dbPassword"}},
		{"container registry login server", "Microsoft.ContainerRegistry/registries", "acr1",
			map[string]any{"location": "eastus"},
			map[string]any{"properties.loginServer": "acr1.azurecr.io"}},
		{"storage endpoints", "Microsoft.Storage/storageAccounts", "sa1",
			map[string]any{"location": "eastus"},
			map[string]any{"properties.primaryEndpoints.blob": "https://sa1.blob.core.windows.net/",
				"properties.primaryEndpoints.dfs": "https://sa1.dfs.core.windows.net/", "properties.primaryLocation": "eastus"}},
		{"storage endpoints merge with the body's", "Microsoft.Storage/storageAccounts", "sa2",
			map[string]any{"location": "eastus", "properties": map[string]any{"primaryEndpoints": map[string]any{"blob": "https://custom/"}}},
			map[string]any{"properties.primaryEndpoints.blob": "https://custom/",
				"properties.primaryEndpoints.queue": "https://sa2.queue.core.windows.net/"}},
		{"body value never overwritten", "Microsoft.Sql/servers", "sql2",
			map[string]any{"location": "eastus", "properties": map[string]any{"fullyQualifiedDomainName": "given.example"}},
			map[string]any{"properties.fullyQualifiedDomainName": "given.example"}},
		{"container group with a public dns label", "Microsoft.ContainerInstance/containerGroups", "aci1",
			map[string]any{"location": "eastus", "properties": map[string]any{"ipAddress": map[string]any{"type": "Public", "dnsNameLabel": "hello"}}},
			map[string]any{"properties.ipAddress.ip": simulatedPublicIP(roGroup + "Microsoft.ContainerInstance/containerGroups/aci1"),
				"properties.ipAddress.fqdn": "hello.eastus.azurecontainer.io", "properties.ipAddress.type": "Public"}},
		{"container group without an ip address gets none", "Microsoft.ContainerInstance/containerGroups", "aci2",
			map[string]any{"location": "eastus", "properties": map[string]any{}},
			map[string]any{"properties.ipAddress": nil}},
		{"cognitive services custom subdomain", "Microsoft.CognitiveServices/accounts", "cog1",
			map[string]any{"location": "eastus", "properties": map[string]any{"customSubDomainName": "mysub"}},
			map[string]any{"properties.endpoint": "https://mysub.cognitiveservices.azure.com/"}},
		{"cognitive services regional endpoint", "Microsoft.CognitiveServices/accounts", "cog2",
			map[string]any{"location": "East US"},
			map[string]any{"properties.endpoint": "https://eastus.api.cognitive.microsoft.com/"}},
		{"container app fqdn under its environment's domain", "Microsoft.App/containerApps", "web",
			map[string]any{"location": "eastus", "properties": map[string]any{"managedEnvironmentId": envID,
				"configuration": map[string]any{"ingress": map[string]any{"external": true}}}},
			map[string]any{"properties.configuration.ingress.fqdn": "web." + derivedChars(envID, "defaultDomain", 10, false) + ".eastus.azurecontainerapps.io"}},
		{"aks fqdn from dnsPrefix, kubelet identity only with an identity", "Microsoft.ContainerService/managedClusters", "aks1",
			map[string]any{"location": "eastus", "properties": map[string]any{"dnsPrefix": "aks1-dns"}},
			map[string]any{"properties.nodeResourceGroup": "MC_rg_aks1_eastus", "properties.identityProfile": nil}},
		{"front door endpoint host name", "Microsoft.Cdn/profiles/afdEndpoints", "prof/ep1",
			map[string]any{"location": "global"},
			map[string]any{"properties.hostName": "ep1-" + derivedChars(roGroup+"Microsoft.Cdn/profiles/prof/afdEndpoints/ep1", "hostName", 16, false) + ".z01.azurefd.net"}},
		{"dns record set fqdn", "Microsoft.Network/dnsZones/CNAME", "contoso.com/www",
			map[string]any{"properties": map[string]any{"TTL": 3600}},
			map[string]any{"properties.fqdn": "www.contoso.com."}},
		{"dns apex record set fqdn", "Microsoft.Network/dnsZones/A", "contoso.com/@",
			map[string]any{"properties": map[string]any{"TTL": 3600}},
			map[string]any{"properties.fqdn": "contoso.com."}},
		{"web certificate thumbprint", "Microsoft.Web/certificates", "cert1",
			map[string]any{"location": "eastus", "properties": map[string]any{"canonicalName": "www.contoso.com"}},
			map[string]any{"properties.thumbprint": strings.ToUpper(derivedChars(roGroup+"Microsoft.Web/certificates/cert1", "thumbprint", 40, false)),
				"properties.subjectName": "www.contoso.com"}},
		{"front door custom domain validation, expiring in 7 days", "Microsoft.Cdn/profiles/customDomains", "prof/www-contoso-com",
			map[string]any{"properties": map[string]any{"hostName": "www.contoso.com"}},
			map[string]any{"properties.validationProperties.expirationDate": "2026-12-03T08:00:00Z"}},
		{"service fabric cluster endpoint", "Microsoft.ServiceFabric/clusters", "sf1",
			map[string]any{"location": "eastus"},
			map[string]any{"properties.clusterEndpoint": "https://eastus.servicefabric.azure.com/runtime/clusters/" +
				derivedGUID(roGroup+"Microsoft.ServiceFabric/clusters/sf1", "clusterId")}},
		{"api management's default gateway host name", "Microsoft.ApiManagement/service", "apim1",
			map[string]any{"location": "eastus"},
			map[string]any{"properties.hostnameConfigurations": []any{map[string]any{"type": "Proxy", "hostName": "apim1.azure-api.net",
				"negotiateClientCertificate": false, "defaultSslBinding": true, "certificateSource": "BuiltIn"}}}},
		{"api management's own host names are kept", "Microsoft.ApiManagement/service", "apim2",
			map[string]any{"location": "eastus", "properties": map[string]any{"hostnameConfigurations": []any{map[string]any{"type": "Proxy", "hostName": "api.contoso.com"}}}},
			map[string]any{"properties.hostnameConfigurations": []any{map[string]any{"type": "Proxy", "hostName": "api.contoso.com"}}}},
		{"automation account registration url", "Microsoft.Automation/automationAccounts", "auto1",
			map[string]any{"location": "East US 2"},
			map[string]any{"properties.RegistrationUrl": "https://" + derivedGUID(roGroup+"Microsoft.Automation/automationAccounts/auto1", "accountId") +
				".agentsvc.eastus2.azure-automation.net/accounts/" + derivedGUID(roGroup+"Microsoft.Automation/automationAccounts/auto1", "accountId")}},
		{"machine learning job's studio service", "Microsoft.MachineLearningServices/workspaces/jobs", "ws1/job1",
			map[string]any{"properties": map[string]any{"jobType": "AutoML"}},
			map[string]any{"properties.services.Studio.endpoint": "https://ml.azure.com/runs/job1?wsid=/subscriptions/00000000-0000-0000-0000-000000000000/resourcegroups/rg/workspaces/ws1&tid=" + DefaultTenantID,
				"properties.services.Tracking.jobServiceType": "Tracking"}},
		{"web app inbound address and the subscription's domain verification id", "Microsoft.Web/sites", "app3",
			map[string]any{"location": "eastus"},
			map[string]any{"properties.inboundIpAddress": simulatedPublicIP(roGroup + "Microsoft.Web/sites/app3"),
				"properties.customDomainVerificationId": strings.ToUpper(derivedChars("/subscriptions/00000000-0000-0000-0000-000000000000", "customDomainVerificationId", 32, false) +
					derivedChars("/subscriptions/00000000-0000-0000-0000-000000000000", "customDomainVerificationId2", 32, false))}},
		{"subscription alias: the subscription it creates", "Microsoft.Subscription/aliases", "sub1",
			map[string]any{"properties": map[string]any{"displayName": "s", "workload": "Production"}},
			map[string]any{"properties.subscriptionId": derivedGUID(roGroup+"Microsoft.Subscription/aliases/sub1", "subscriptionId")}},
		{"subscription alias of a given subscription", "Microsoft.Subscription/aliases", "sub2",
			map[string]any{"properties": map[string]any{"subscriptionId": "11111111-1111-1111-1111-111111111111"}},
			map[string]any{"properties.subscriptionId": "11111111-1111-1111-1111-111111111111"}},
		{"deployment script: no outputs offline, its runner's status", "Microsoft.Resources/deploymentScripts", "ds1",
			map[string]any{"location": "eastus", "kind": "AzurePowerShell", "properties": map[string]any{"azPowerShellVersion": "10.0", "retentionInterval": "PT1H"}},
			map[string]any{"properties.outputs": map[string]any{}, "properties.status.startTime": "2026-11-26T08:00:00Z",
				"properties.status.containerInstanceId": roGroup + "Microsoft.ContainerInstance/containerGroups/" +
					derivedChars(roGroup+"Microsoft.Resources/deploymentScripts/ds1", "scriptRunner", 13, false) + "azscripts"}},
		{"system-assigned identity", "Microsoft.Web/sites", "app2",
			map[string]any{"location": "eastus", "identity": map[string]any{"type": "SystemAssigned"}},
			map[string]any{"identity.principalId": derivedGUID(roGroup+"Microsoft.Web/sites/app2", "system-identity"),
				"identity.tenantId": DefaultTenantID}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before, _ := json.Marshal(tt.body)
			got := putGeneric(t, tt.typ, tt.resName, tt.body)
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
			if after, _ := json.Marshal(tt.body); string(after) != string(before) {
				t.Errorf("the request body changed:\n%s\n%s", before, after)
			}
			again := putGeneric(t, tt.typ, tt.resName, tt.body)
			a, _ := json.Marshal(got)
			b, _ := json.Marshal(again)
			if string(a) != string(b) {
				t.Errorf("not deterministic:\n%s\n%s", a, b)
			}
		})
	}
}

func TestFillReadOnlyGUIDs(t *testing.T) {
	a := putGeneric(t, "Microsoft.Insights/components", "ai1", map[string]any{"location": "eastus"})
	b := putGeneric(t, "Microsoft.Insights/components", "ai2", map[string]any{"location": "eastus"})
	ka, kb := strAt(a, "properties", "InstrumentationKey"), strAt(b, "properties", "InstrumentationKey")
	if !guidRE.MatchString(ka) || ka == kb || ka == strAt(a, "properties", "AppId") {
		t.Errorf("InstrumentationKey %q (other resource %q, AppId %q): want a distinct v5 GUID", ka, kb, strAt(a, "properties", "AppId"))
	}
}

// TestReadOnlyTableFillsEveryPath checks every entry: it names its source,
// and each of its fills expands (no unknown placeholder) on a body that
// has what its templates read.
func TestReadOnlyTableFillsEveryPath(t *testing.T) {
	propRE := regexp.MustCompile(`\{(?:prop|hexof):([^:}]+)`)
	for _, typ := range readOnlyTypes() {
		e := readOnlyTable()[strings.ToLower(typ)]
		t.Run(typ, func(t *testing.T) {
			if Known(typ) {
				t.Fatalf("%s has a provider of its own: the table never applies", typ)
			}
			if !strings.HasPrefix(e.Source, "REST spec readOnly") {
				t.Errorf("source %q", e.Source)
			}
			body := map[string]any{"location": "eastus", "identity": map[string]any{"type": "SystemAssigned"}}
			raw, _ := json.Marshal(e.Fill)
			for _, m := range propRE.FindAllStringSubmatch(string(raw), -1) {
				p := strings.Split(m[1], "|")[0]
				setPath(body, strings.Split(p, "."), roGroup+"x/y/label")
			}
			for _, f := range e.Fill {
				if len(f) == 3 {
					child(body, "properties") // parents exist
					keys := strings.Split(f[2].(string), ".")
					if at(body, keys...) == nil {
						setPath(body, keys, map[string]any{})
					}
				}
			}
			name := "res1"
			for range strings.Count(typ, "/") - 1 {
				name = "parent1/" + name
			}
			got := putGeneric(t, typ, name, body)
			for _, f := range e.Fill {
				if at(got, strings.Split(f[0].(string), ".")...) == nil {
					t.Errorf("%s not filled", f[0])
				}
			}
			if s, _ := json.Marshal(got); strings.Contains(string(s), "{") && regexp.MustCompile(`\{[a-zA-Z]+(:[^}]*)?\}`).Match(s) {
				t.Errorf("a placeholder left in %s", s)
			}
		})
	}
}

// TestReadOnlyTableCoversTheGallery lists the types most deployed by
// Azure's quickstart gallery (counted over its 1,344 azuredeploy.json,
// snapshot of 2023-12-05): each has a provider of its own, an entry in the
// table, or no read-only value besides provisioningState.
func TestReadOnlyTableCoversTheGallery(t *testing.T) {
	top := []string{
		"Microsoft.Network/virtualNetworks", "Microsoft.Network/publicIPAddresses", "Microsoft.Network/networkInterfaces",
		"Microsoft.Compute/virtualMachines", "Microsoft.Storage/storageAccounts", "Microsoft.Network/networkSecurityGroups",
		"Microsoft.Compute/virtualMachines/extensions", "Microsoft.Web/sites", "Microsoft.Network/loadBalancers",
		"Microsoft.Web/serverfarms", "Microsoft.Compute/availabilitySets", "Microsoft.OperationalInsights/workspaces",
		"Microsoft.Compute/virtualMachineScaleSets", "Microsoft.Insights/components", "Microsoft.Network/virtualNetworks/subnets",
		"Microsoft.Authorization/roleAssignments", "Microsoft.Network/applicationGateways", "Microsoft.Sql/servers",
		"Microsoft.KeyVault/vaults", "Microsoft.Network/privateDnsZones", "Microsoft.Network/privateDnsZones/virtualNetworkLinks",
		"Microsoft.Network/privateEndpoints", "Microsoft.Cdn/profiles", "Microsoft.Logic/workflows", "Microsoft.HDInsight/clusters",
		"Microsoft.DocumentDB/databaseAccounts", "Microsoft.Network/routeTables", "Microsoft.Network/privateEndpoints/privateDnsZoneGroups",
		"Microsoft.EventHub/namespaces", "Microsoft.OperationsManagement/solutions", "Microsoft.Insights/diagnosticSettings",
		"Microsoft.ManagedIdentity/userAssignedIdentities", "Microsoft.Network/virtualNetworkGateways", "Microsoft.Web/connections",
		"Microsoft.ContainerInstance/containerGroups", "Microsoft.ServiceBus/namespaces", "Microsoft.Insights/autoscaleSettings",
		"Microsoft.ApiManagement/service", "Microsoft.Cdn/profiles/afdEndpoints", "Microsoft.ContainerRegistry/registries",
		"Microsoft.Network/bastionHosts", "Microsoft.Databricks/workspaces", "Microsoft.DataFactory/factories",
		"Microsoft.RecoveryServices/vaults", "Microsoft.ContainerService/managedClusters", "Microsoft.KeyVault/vaults/secrets",
		"Microsoft.Cache/redis", "Microsoft.Network/frontDoors", "Microsoft.Sql/servers/databases", "Microsoft.Authorization/locks",
	}
	// Types whose REST spec has no read-only value a template reads
	// besides provisioningState (which the generic provider sets).
	nothing := map[string]bool{
		"microsoft.compute/virtualmachines/extensions": true, "microsoft.compute/availabilitysets": true,
		"microsoft.network/privateendpoints/privatednszonegroups": true, "microsoft.operationsmanagement/solutions": true,
		"microsoft.insights/diagnosticsettings": true, "microsoft.web/connections": true, "microsoft.insights/autoscalesettings": true,
	}
	table := 0
	for _, typ := range top {
		_, inTable := readOnlyTable()[strings.ToLower(typ)]
		switch {
		case Known(typ):
		case inTable:
			table++
		case nothing[strings.ToLower(typ)]:
		default:
			t.Errorf("%s: no provider, no table entry", typ)
		}
	}
	if table < 30 {
		t.Errorf("the table covers %d of the gallery's top types, want at least 30", table)
	}
}
