package main

import "strings"

// verdict says why a failure remains: Azure would refuse the template
// (or show the change) too, in an empty subscription with the harness's
// values, or it is a gap of armdeploy, named as such.
type verdict struct {
	azure bool   // Azure fails too (or shows the same change)
	why   string // one sentence
}

func (v verdict) String() string {
	if v.why == "" {
		return "not yet classified"
	}
	if v.azure {
		return "Azure too: " + v.why
	}
	return "armdeploy gap: " + v.why
}

// explain classifies one failure: by its template first (causes that
// only reading the template tells apart), then by its message.
func explain(r *Result) verdict {
	for _, e := range byTemplate {
		if strings.Contains(r.Rel, e.path) && (e.stage == "" || e.stage == r.Failed) {
			return e.v
		}
	}
	text := r.Cause + "\n" + r.Detail
	for _, e := range byMessage {
		if (e.stage == "" || e.stage == r.Failed) && strings.Contains(text, e.text) {
			return e.v
		}
	}
	return verdict{}
}

var (
	azure = func(why string) verdict { return verdict{azure: true, why: why} }
	gap   = func(why string) verdict { return verdict{why: why} }
)

// byMessage classifies by a text of the cause or the error lines.
var byMessage = []struct {
	stage, text string
	v           verdict
}{
	{stageValidate, "The file does not exist in the folder", azure("the linked template's file is not in the gallery (moved or renamed upstream): Azure's download fails the same way")},
	{stageValidate, "Its path does not name a file inside the folder", azure("the link's path has an empty segment ('//'), which raw.githubusercontent.com does not serve")},
	{stageValidate, "AzureStack-QuickStart-Templates", azure("the link points outside the gallery, to a repository that no longer has the file")},
	{stageValidate, "raw.githubusercontent.com/nested/", azure("the link is built from an _artifactsLocation the template does not default: the URI names no repository")},
	{stageValidate, "they are not present in the original template", azure("the parameter file names a parameter the template does not declare")},
	{stageValidate, "is not part of the allowed value", azure("the parameter file's value is not among the template's allowedValues")},
	{stageValidate, "JToken type is not valid", azure("the parameter file's value has the wrong JSON type")},
	{stageValidate, "{guid}", azure("the parameter file's Key Vault reference is a placeholder ('{guid}', '{vault-name}')")},
	{stageValidate, "KeyVaultParameterReferenceSecretRetrieveFailed", azure("the parameter file names a Key Vault secret that the standing artifacts do not hold")},
	{stageValidate, "is not expected at this location", azure("a parameter's defaultValue calls variables(), which ARM refuses there")},
	{stageValidate, "Unable to parse language expression", azure("the expression is malformed")},
	{stageValidate, "duplicate property", gap("a template declares 'variables' twice; armdeploy refuses duplicate keys where Azure's parser keeps the last")},
	{"", "has incorrect segment lengths", azure("the resource name has the wrong number of segments for its type")},
	{"", "available properties are ''", gap("the template reads the outputs of a deployment script (its own or its prerequisite's); armdeploy runs no scripts, so they are empty")},
	{stageSecond, "forceUpdateTag", azure("a value made by newGuid() or utcNow() at each deployment: Azure's what-if shows it changing too")},
	{stageSecond, "defaultValue", azure("a date made by utcNow() at each deployment: Azure's what-if shows it changing too")},
	{stageSecond, "synchronizationTime", azure("a time made by utcNow() at each deployment: Azure's what-if shows it changing too")},
	{stageSecond, "revisionSuffix", azure("a suffix made by uniqueString(utcNow()) at each deployment: Azure's what-if shows it changing too")},
}

// byTemplate classifies failures that only the template tells apart.
var byTemplate = []struct {
	path, stage string
	v           verdict
}{
	// Azure refuses these too, with the harness's values in an empty subscription.
	{"datameer-trend-chef-riskanalysis", "", azure("the template looks up a variable named after the VM size of the parameter file, which it does not declare")},
	{"azmgmt-demo", "", azure("a dependsOn entry names 'vm/extensions//OMS' (an empty segment), which no resource has")},
	{"storage-spaces-direct-md-zones", "", azure("the template's allowedValues for location is empty")},
	{"vm-dedicated-hosts", "", azure("resourceId() is given an integer segment; ARM takes strings only")},
	{"machine-learning-dependencies-role-assignment", "", azure("a role assignment's scope names a workspace with an empty name (a parameter the file leaves empty)")},
	{"darktrace-vsensor-autoscaling", "", azure("a subnet's service endpoint gives locations as a string where the Network RP reads an array")},
	{"jboss-eap-standalone-rhel", "", azure("uri() is given ':8080/…', which is no relative URI")},
	{"sap-2-tier-user-disk-md", "", azure("the parameter file holds a placeholder ('<userDiskId>') for a disk that must exist")},
	{"app-configuration/", "", azure("the parameter file names a configuration store in another group that must exist beforehand")},
	{"data-factory-ftp-hive-blob", "", azure("the parameter file names a storage account in another group that must exist beforehand")},
	{"data-factory-hive-transformation", "", azure("the parameter file names a storage account in another group that must exist beforehand")},
	{"data-factory-v2-onprem-sql-to-blob-copy", "", azure("the template reads a storage account its prerequisite does not create")},
	{"virtual-network-manager-connectivity", "", azure("an output calls reference() on a deployment whose condition is false; ARM evaluates it and fails (conditional deployment docs)")},
	{"oms-azure-vminventory-solution", stageSecond, azure("jobs named by newGuid() at each deployment: Azure's what-if shows new ones too")},
	{"azure-resource-optimization-toolkit", stageSecond, azure("job schedules named by newGuid() at each deployment: Azure's what-if shows new ones too")},
	{"application-gateway-ipv6-create", stageSecond, azure("names made from a utcNow('MMddHHmmss') parameter default differ once a second has passed: Azure's what-if shows new resources too")},
	{"storage-blob-encryption-with-cmk", stageSecond, azure("a key's expiry made from utcNow() at each deployment: Azure's what-if shows it changing too")},

	// Gaps of armdeploy.
	{"couchbase/couchbase", "", gap("a scale set instance's NIC and public IP (…/virtualMachines/0/networkInterfaces/…) are not simulated")},
	{"mahara-autoscale-cache", "", gap("a scale set instance's address, read through a nested deployment's output, is not simulated")},
	{"moodle-scalable-cluster-ubuntu", "", gap("a scale set instance's address, read through a nested deployment's output, is not simulated")},
	{"openshift-container-platform", "", gap("a VM names a NIC that a sibling nested deployment creates; armdeploy orders resources by reads across one template only")},
	{"web-app-regional-vnet-private-endpoint", "", gap("a nested template's copy count comes from a private endpoint's NIC, known once it exists; armdeploy expands nested templates before the first PUT")},
	{"create-subscription-resourcegroup", "", gap("a nested deployment into the subscription an alias of the same deployment creates: its id is known only once the alias exists")},
	{"mg-policy-different-targets", "", gap("reference(deployment, v, 'Full').scope: the full object of a nested deployment has no scope member yet")},
	{"decrypt-running-windows-vm", "", gap("an update of an existing VM that omits osDisk.createOption: armdeploy's schema requires it on every PUT, Azure's Compute RP takes it from the VM")},
	{"ibm-cloud-pak-for-data", stageSecond, gap("two nested deployments PUT the same VM extension; what-if compares the last declared, the apply's order ends with the other")},
	{"sqlvm-alwayson-cluster", stageSecond, gap("nested deployments PUT the same virtual network in turn (DNS servers added); what-if compares the last declared, the apply's order ends with another")},
	{"vm-cpu-sysbench-meter", "", gap("the template parses a script's output from the extension's instanceView; armdeploy runs no scripts")},
	{"vm-to-vm-throughput-meter", "", gap("the template parses a script's output from the extension's instanceView; armdeploy runs no scripts")},
	{"vm-custom-script-output", "", gap("the template parses a script's output from the extension's instanceView; armdeploy runs no scripts")},
	{"application-gateway-demo-setup", "", gap("a resource named from a value known only once another exists (uniqueString of a public IP's resourceGuid): armdeploy fixes every name before the first PUT")},
	{"traffic-manager-application-gateway-demo-setup", "", gap("a resource named from a value known only once another exists (uniqueString of a public IP's resourceGuid): armdeploy fixes every name before the first PUT")},
	{"vm-msi-storage", "", gap("a role assignment named from a principal id known only once the VM exists: armdeploy fixes every name before the first PUT")},
	{"vm-msi/", "", gap("a role assignment named from a principal id known only once the VM exists: armdeploy fixes every name before the first PUT")},
	{"vmss-msi", "", gap("a role assignment named from a principal id known only once the scale set exists: armdeploy fixes every name before the first PUT")},
	{"digitaltwins-with-function-private-link", "", gap("a role assignment named from a principal id known only once the site exists: armdeploy fixes every name before the first PUT")},
	{"key-vault-managed-identity-role-assignment", "", gap("a role assignment named from a principal id known only once the identity exists: armdeploy fixes every name before the first PUT")},
	{"web-app-asp-app-on-asev3-create", "", gap("a DNS record reads an App Service Environment's networking configuration, which armdeploy does not know when the record is written")},
	{"deviceupdate-create-account-instance-iothub", "", gap("a read-only array of Azure's GET (an IoT hub's event hub endpoint partitions) that the simulation leaves shorter")},
	{"anf-smb-volume", "", gap("a NetApp volume's mountTargets, which Azure's GET returns and the simulation does not")},
	{"cloud-shell-vnet", "", gap("a private endpoint's customDnsConfigs, which Azure's GET returns and the simulation does not")},
	{"deployment-script-", "", gap("the template reads a deployment script's outputs; armdeploy runs no scripts")},
}

// classified counts the failures Azure would refuse too, the gaps and
// the unclassified.
func classified(results []*Result) (azureToo, gaps, unknown int) {
	for _, r := range results {
		if r.Failed == "" {
			continue
		}
		switch v := explain(r); {
		case v.why == "":
			unknown++
		case v.azure:
			azureToo++
		default:
			gaps++
		}
	}
	return
}
