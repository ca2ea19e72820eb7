package planner

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"net/netip"
	"strings"
	"time"

	"github.com/armdeploy/armdeploy/evaluator"
	"github.com/armdeploy/armdeploy/state"
)

// listAnswer is what a list action (listKeys, listSecrets,
// listConnectionStrings, listCallbackUrl, list, ...) of a stored resource
// returns: the shape of the action's POST response in the Azure REST API
// specifications for the common types, with values derived from the
// resource id, so that every deployment and what-if of the same resource
// sees the same keys. An action armdeploy has no shape for gets the keys
// most services return (keys[], primaryKey/secondaryKey, key1/key2,
// connection strings) [U: a generic stand-in, not a spec shape].
//
// stored is the resource itself, or nil when only an ancestor is stored
// (a default authorization rule such as RootManageSharedAccessKey, which
// Azure creates with its namespace); created is when the resource (or its
// ancestor) was created.
func listAnswer(action, id, apiVersion string, stored *state.Resource, created time.Time) evaluator.Value {
	typ, names := typeAndNames(id)
	lt, la := strings.ToLower(typ), strings.ToLower(action)
	name := ""
	if len(names) > 0 {
		name = names[len(names)-1]
	}
	first := ""
	if len(names) > 0 {
		first = names[0]
	}
	sec := func(label string, n int) evaluator.Value { return evaluator.String(secret(id, label, n)) }
	obj := func(kv ...any) evaluator.Value {
		o := evaluator.NewObject(len(kv) / 2)
		for i := 0; i+1 < len(kv); i += 2 {
			v, ok := kv[i+1].(evaluator.Value)
			if !ok {
				v = evaluator.String(kv[i+1].(string))
			}
			o.Set(kv[i].(string), v)
		}
		return evaluator.ObjectValue(o)
	}
	arr := func(vs ...evaluator.Value) evaluator.Value { return evaluator.Array(vs) }
	stamp := created.UTC().Format("2006-01-02T15:04:05.0000000Z")
	sasConnection := func(host, rule, entity string) (evaluator.Value, evaluator.Value, evaluator.Value, evaluator.Value) {
		k1, k2 := secret(id, "primaryKey", 32), secret(id, "secondaryKey", 32)
		cs := func(k string) string {
			s := "Endpoint=sb://" + host + "/;SharedAccessKeyName=" + rule + ";SharedAccessKey=" + k
			if entity != "" {
				s += ";EntityPath=" + entity
			}
			return s
		}
		return evaluator.String(k1), evaluator.String(k2), evaluator.String(cs(k1)), evaluator.String(cs(k2))
	}
	switch {
	case lt == "microsoft.storage/storageaccounts" && la == "listkeys" && apiVersion != "" && apiVersion < "2016-01-01":
		// The api-versions before 2016-01-01 answer with two named keys.
		return obj("key1", sec("key1", 64), "key2", sec("key2", 64))
	case lt == "microsoft.storage/storageaccounts" && la == "listkeys":
		return obj("keys", arr(
			obj("creationTime", stamp, "keyName", "key1", "value", sec("key1", 64), "permissions", "FULL"),
			obj("creationTime", stamp, "keyName", "key2", "value", sec("key2", 64), "permissions", "FULL")))
	case lt == "microsoft.storage/storageaccounts" && la == "listaccountsas":
		return obj("accountSasToken", "sv=2021-06-08&ss=b&srt=sco&sp=rl&se=2099-01-01T00:00:00Z&sig="+secret(id, "sas", 32))
	case lt == "microsoft.storage/storageaccounts" && la == "listservicesas":
		return obj("serviceSasToken", "sv=2021-06-08&sr=c&sp=rl&se=2099-01-01T00:00:00Z&sig="+secret(id, "sas", 32))
	case lt == "microsoft.documentdb/databaseaccounts" && la == "listkeys":
		return obj("primaryMasterKey", sec("primaryMasterKey", 64), "secondaryMasterKey", sec("secondaryMasterKey", 64),
			"primaryReadonlyMasterKey", sec("primaryReadonlyMasterKey", 64), "secondaryReadonlyMasterKey", sec("secondaryReadonlyMasterKey", 64))
	case lt == "microsoft.documentdb/databaseaccounts" && la == "listreadonlykeys":
		return obj("primaryReadonlyMasterKey", sec("primaryReadonlyMasterKey", 64), "secondaryReadonlyMasterKey", sec("secondaryReadonlyMasterKey", 64))
	case lt == "microsoft.documentdb/databaseaccounts" && la == "listconnectionstrings":
		ep := "AccountEndpoint=https://" + name + ".documents.azure.com:443/;AccountKey="
		return obj("connectionStrings", arr(
			obj("connectionString", ep+secret(id, "primaryMasterKey", 64)+";", "description", "Primary SQL Connection String", "keyKind", "Primary", "type", "Sql"),
			obj("connectionString", ep+secret(id, "secondaryMasterKey", 64)+";", "description", "Secondary SQL Connection String", "keyKind", "Secondary", "type", "Sql")))
	case strings.HasSuffix(lt, "/authorizationrules") && la == "listkeys" &&
		(strings.HasPrefix(lt, "microsoft.eventhub/") || strings.HasPrefix(lt, "microsoft.servicebus/") || strings.HasPrefix(lt, "microsoft.relay/")):
		host := first + ".servicebus.windows.net"
		entity := ""
		if len(names) == 3 {
			entity = names[1]
		}
		k1, k2, c1, c2 := sasConnection(host, name, entity)
		return obj("primaryConnectionString", c1, "secondaryConnectionString", c2, "primaryKey", k1, "secondaryKey", k2, "keyName", name)
	case strings.HasPrefix(lt, "microsoft.notificationhubs/") && la == "listkeys":
		k1, k2, c1, c2 := sasConnection(first+".servicebus.windows.net", name, "")
		return obj("primaryConnectionString", c1, "secondaryConnectionString", c2, "primaryKey", k1, "secondaryKey", k2, "keyName", name)
	case (lt == "microsoft.cognitiveservices/accounts" || lt == "microsoft.eventgrid/topics" || lt == "microsoft.eventgrid/domains") && la == "listkeys":
		return obj("key1", hexSecret(id, "key1"), "key2", hexSecret(id, "key2"))
	case lt == "microsoft.search/searchservices" && la == "listadminkeys":
		return obj("primaryKey", strings.ToUpper(hexSecret(id, "primaryKey")), "secondaryKey", strings.ToUpper(hexSecret(id, "secondaryKey")))
	case lt == "microsoft.search/searchservices" && la == "listquerykeys":
		return obj("value", arr(obj("name", "", "key", strings.ToUpper(hexSecret(id, "queryKey")))))
	case (lt == "microsoft.cache/redis" || lt == "microsoft.maps/accounts") && la == "listkeys":
		return obj("primaryKey", sec("primaryKey", 32), "secondaryKey", sec("secondaryKey", 32))
	case (lt == "microsoft.signalrservice/signalr" || lt == "microsoft.signalrservice/webpubsub") && la == "listkeys":
		host := "https://" + name + ".service.signalr.net"
		if strings.HasSuffix(lt, "webpubsub") {
			host = "https://" + name + ".webpubsub.azure.com"
		}
		k1, k2 := secret(id, "primaryKey", 32), secret(id, "secondaryKey", 32)
		return obj("primaryKey", k1, "secondaryKey", k2,
			"primaryConnectionString", "Endpoint="+host+";AccessKey="+k1+";Version=1.0;",
			"secondaryConnectionString", "Endpoint="+host+";AccessKey="+k2+";Version=1.0;")
	case lt == "microsoft.devices/iothubs" && la == "listkeys":
		rule := func(n, rights string) evaluator.Value {
			return obj("keyName", n, "primaryKey", sec(n+"/primary", 32), "secondaryKey", sec(n+"/secondary", 32), "rights", rights)
		}
		return obj("value", arr(rule("iothubowner", "RegistryWrite, ServiceConnect, DeviceConnect"),
			rule("service", "ServiceConnect"), rule("device", "DeviceConnect"),
			rule("registryRead", "RegistryRead"), rule("registryReadWrite", "RegistryWrite")))
	case lt == "microsoft.devices/iothubs/iothubkeys" && la == "listkeys":
		// One shared access policy of the hub, with the values the hub's
		// own listKeys gives it.
		hub := id[:len(id)-len("/IotHubKeys/"+name)]
		rights := map[string]string{"iothubowner": "RegistryWrite, ServiceConnect, DeviceConnect", "service": "ServiceConnect",
			"device": "DeviceConnect", "registryread": "RegistryRead", "registryreadwrite": "RegistryWrite"}[strings.ToLower(name)]
		return obj("keyName", name, "primaryKey", secret(hub, name+"/primary", 32), "secondaryKey", secret(hub, name+"/secondary", 32), "rights", rights)
	case lt == "microsoft.datafactory/factories/integrationruntimes" && la == "listauthkeys":
		return obj("authKey1", "IR@"+hexSecret(id, "authKey1")+"@"+first+"@ServiceEndpoint="+first+".eastus.datafactory.azure.net@"+secret(id, "authKey1", 32),
			"authKey2", "IR@"+hexSecret(id, "authKey2")+"@"+first+"@ServiceEndpoint="+first+".eastus.datafactory.azure.net@"+secret(id, "authKey2", 32))
	case lt == "microsoft.maps/accounts" && la == "listsas":
		return obj("accountSasToken", "jwt-"+secret(id, "sas", 48))
	case lt == "microsoft.containerregistry/registries" && la == "listcredentials":
		return obj("username", name, "passwords", arr(
			obj("name", "password", "value", sec("password", 24)), obj("name", "password2", "value", sec("password2", 24))))
	case lt == "microsoft.operationalinsights/workspaces" && (la == "listkeys" || la == "sharedkeys"):
		return obj("primarySharedKey", sec("primarySharedKey", 64), "secondarySharedKey", sec("secondarySharedKey", 64))
	case lt == "microsoft.batch/batchaccounts" && la == "listkeys":
		return obj("accountName", name, "primary", sec("primary", 64), "secondary", sec("secondary", 64))
	case lt == "microsoft.automation/automationaccounts" && la == "listkeys":
		return obj("keys", arr(obj("KeyName", "Primary", "Permissions", "Full", "Value", sec("Primary", 64)),
			obj("KeyName", "Secondary", "Permissions", "Full", "Value", sec("Secondary", 64))))
	case lt == "microsoft.appconfiguration/configurationstores" && la == "listkeys":
		key := func(n string, ro bool) evaluator.Value {
			v := secret(id, n, 32)
			return obj("id", secret(id, n+"/id", 6), "name", n, "value", v,
				"connectionString", "Endpoint=https://"+name+".azconfig.io;Id="+secret(id, n+"/id", 6)+";Secret="+v,
				"lastModified", stamp, "readOnly", evaluator.Bool(ro))
		}
		return obj("value", arr(key("Primary", false), key("Secondary", false), key("Primary Read Only", true), key("Secondary Read Only", true)))
	case lt == "microsoft.containerservice/managedclusters" && strings.HasPrefix(la, "listcluster") && strings.HasSuffix(la, "credential"):
		kind := "clusterUser"
		if strings.Contains(la, "admin") {
			kind = "clusterAdmin"
		}
		return obj("kubeconfigs", arr(obj("name", kind, "value", evaluator.String(base64.StdEncoding.EncodeToString(
			[]byte("apiVersion: v1\nkind: Config\nclusters:\n- name: "+name+"\n  cluster:\n    server: https://"+name+".hcp.azmk8s.io:443\nusers:\n- name: "+kind+"_"+name+"\n  user:\n    token: "+hexSecret(id, kind)+"\n"))))))
	case lt == "microsoft.web/sites/config" && strings.EqualFold(name, "publishingcredentials") && la == "list":
		return obj("id", id, "name", name, "type", typ, "properties", obj(
			"publishingUserName", "$"+first, "publishingPassword", sec("publishingPassword", 45),
			"scmUri", "https://$"+first+":"+secret(id, "publishingPassword", 45)+"@"+first+".scm.azurewebsites.net"))
	case lt == "microsoft.web/sites/host" && (la == "listkeys" || la == "listsecrets"):
		return obj("masterKey", sec("masterKey", 40), "functionKeys", obj("default", sec("default", 40)), "systemKeys", obj())
	case lt == "microsoft.web/sites/functions" && la == "listkeys":
		return obj("default", sec("default", 40))
	case lt == "microsoft.web/sites/functions" && la == "listsecrets":
		return obj("key", sec("default", 40), "trigger_url", "https://"+first+".azurewebsites.net/api/"+name+"?code="+secret(id, "default", 40))
	case lt == "microsoft.web/staticsites" && la == "listsecrets":
		return obj("properties", obj("apiKey", hexSecret(id, "apiKey")))
	case lt == "microsoft.logic/integrationaccounts" && la == "listcallbackurl":
		return obj("value", "https://prod-00.eastus.logic.azure.com:443/integrationAccounts/"+hexSecret(id, "account")+"?api-version=2015-08-01-preview&sp=%2F%2F%2A&sv=1.0&sig="+
			strings.NewReplacer("+", "-", "/", "_", "=", "").Replace(secret(id, "sig", 32)))
	case strings.HasPrefix(lt, "microsoft.logic/workflows") && la == "listcallbackurl":
		sig := secret(id, "sig", 32)
		sig = strings.NewReplacer("+", "-", "/", "_", "=", "").Replace(sig)
		base := "https://prod-00.eastus.logic.azure.com/workflows/" + hexSecret(id, "workflow") + "/triggers/" + name + "/paths/invoke"
		return obj("value", base+"?api-version=2016-10-01&sp=%2Ftriggers%2F"+name+"%2Frun&sv=1.0&sig="+sig,
			"method", "POST", "basePath", base,
			"queries", obj("api-version", "2016-10-01", "sp", "/triggers/"+name+"/run", "sv", "1.0", "sig", sig))
	case strings.HasPrefix(lt, "microsoft.apimanagement/service/") && la == "listsecrets":
		return obj("primaryKey", hexSecret(id, "primaryKey"), "secondaryKey", hexSecret(id, "secondaryKey"))
	case la == "list" && stored != nil:
		// list() of a configuration resource returns the resource.
		if v, err := evaluator.ParseJSON(string(stored.Body)); err == nil {
			return v
		}
	}
	k1, k2 := secret(id, "key1", 32), secret(id, "key2", 32)
	return obj("keys", arr(obj("keyName", "key1", "value", k1, "permissions", "FULL"), obj("keyName", "key2", "value", k2, "permissions", "FULL")),
		"primaryKey", k1, "secondaryKey", k2, "key1", k1, "key2", k2,
		"primaryConnectionString", "Endpoint=https://"+first+";AccessKey="+k1,
		"secondaryConnectionString", "Endpoint=https://"+first+";AccessKey="+k2)
}

// secret is n bytes derived from the resource id and a label, in base64:
// the same resource always has the same keys.
func secret(id, label string, n int) string {
	var out []byte
	seed := "armdeploy list|" + strings.ToLower(id) + "|" + label
	for i := 0; len(out) < n; i++ {
		sum := sha256.Sum256([]byte(seed + "|" + string(rune('0'+i))))
		out = append(out, sum[:]...)
	}
	return base64.StdEncoding.EncodeToString(out[:n])
}

// hexSecret is 32 hexadecimal digits derived from the id and a label (the
// form of Cognitive Services and Event Grid keys).
func hexSecret(id, label string) string {
	sum := sha256.Sum256([]byte("armdeploy list|" + strings.ToLower(id) + "|" + label))
	return hex.EncodeToString(sum[:16])
}

// typeAndNames splits a resource id into its full type and names
// (".../providers/Ns/t1/n1/t2/n2" is "Ns/t1/t2" and [n1 n2]); an extension
// resource is typed by its last provider.
func typeAndNames(id string) (string, []string) {
	i := lastProviders(id)
	if i < 0 {
		return "", nil
	}
	segs := strings.Split(strings.Trim(id[i+len("/providers/"):], "/"), "/")
	if len(segs) < 3 {
		return "", nil
	}
	typ := segs[0]
	var names []string
	for j := 1; j+1 < len(segs); j += 2 {
		typ += "/" + segs[j]
		names = append(names, segs[j+1])
	}
	return typ, names
}

// ancestors returns the ids of a resource's parents, nearest first.
func ancestors(id string) []string {
	i := lastProviders(id)
	if i < 0 {
		return nil
	}
	segs := strings.Split(strings.Trim(id[i+len("/providers/"):], "/"), "/")
	var out []string
	for n := len(segs) - 2; n >= 3; n -= 2 {
		out = append(out, id[:i]+"/providers/"+strings.Join(segs[:n], "/"))
	}
	return out
}

// implicitProperties are the properties reference() reads of a child
// Azure makes with its parent (see [implicitChild]): a deployment
// script's log (empty: armdeploy runs no script), an App Service
// Environment's networking configuration (its inbound address the
// fourth of its subnet, as Azure assigns an internal load balancer's),
// a workspace's curated environment; the others have no properties.
func implicitProperties(ctx context.Context, store state.Reader, id string, parent *state.Resource) evaluator.Value {
	typ, _ := typeAndNames(id)
	o := evaluator.NewObject(4)
	switch strings.ToLower(typ) {
	case "microsoft.resources/deploymentscripts/logs":
		o.Set("log", evaluator.String(""))
	case "microsoft.web/hostingenvironments/configurations":
		ip := "10.0.0.4"
		if body, err := evaluator.ParseJSON(string(parent.Body)); err == nil {
			vnet, _ := body.Get("properties")
			vnet, _ = vnet.Get("virtualNetwork")
			subnetID, _ := vnet.Get("id")
			if sid, ok := subnetID.AsString(); ok {
				if sub, err := store.Resource(ctx, sid); err == nil {
					if sb, err := evaluator.ParseJSON(string(sub.Body)); err == nil {
						props, _ := sb.Get("properties")
						prefix, _ := props.Get("addressPrefix")
						if p, ok := prefix.AsString(); ok {
							if a, err := netip.ParsePrefix(p); err == nil && a.Addr().Is4() {
								b := a.Masked().Addr().As4()
								b[3] += 4
								ip = netip.AddrFrom4(b).String()
							}
						}
					}
				}
			}
		}
		ips := evaluator.ArrayOf(evaluator.String(ip))
		o.Set("internalInboundIpAddresses", ips)
		o.Set("externalInboundIpAddresses", evaluator.ArrayOf())
		o.Set("windowsOutboundIpAddresses", evaluator.ArrayOf())
		o.Set("linuxOutboundIpAddresses", evaluator.ArrayOf())
	case "microsoft.machinelearningservices/workspaces/environments":
		o.Set("isArchived", evaluator.Bool(false))
		o.Set("latestVersion", evaluator.String("1"))
	}
	return evaluator.ObjectValue(o)
}
