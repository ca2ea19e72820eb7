#!/usr/bin/env bash
# az CLI acceptance (issue 13): the real az CLI (Debian's azure-cli 2.45)
# against `armdeploy serve` on a free port of 127.0.0.1, over a state of its
# own in a temporary folder: cloud register/set, service-principal login,
# groups, group deployments of the gallery quickstarts and the pipeline
# template (create, validate, what-if, show, list), a subscription
# deployment that grants a second principal Reader, gallery reads, resource
# lists, that principal's denials, and az's what-if text byte for byte
# against `armdeploy what-if` on the same state. Prints `ok   …`/`FAIL …`
# lines and `N passed, M failed`; exits 1 on any failure (2 when it cannot
# run at all).
#
#   acceptance/az.sh                         # builds ./cmd/armdeploy
#   ARMDEPLOY_BIN=/path/armdeploy acceptance/az.sh
#   AZ_ACCEPTANCE_KEEP=1 acceptance/az.sh    # keep the temporary folder
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")/.."
ROOT=$PWD
Q=$ROOT/quickstarts

command -v az >/dev/null 2>&1 || { echo "az.sh: az CLI not found (apt-get install -y azure-cli)"; exit 2; }
command -v curl >/dev/null 2>&1 || { echo "az.sh: curl not found"; exit 2; }
# az's own interpreter reads JSON here: nothing beyond az is needed.
PY=$(head -1 "$(command -v az)" | sed -n 's/^#! *\([^ ]*\).*/\1/p')
[[ -x ${PY:-} ]] || PY=$(command -v python3)

tmp=$(mktemp -d "${TMPDIR:-/tmp}/armdeploy-az.XXXXXX")
SERVE_PID=""
stop_serve() { # TERM, then KILL after 20 s; sets SERVE_RC
	SERVE_RC=""
	[[ -n $SERVE_PID ]] || return 0
	kill -TERM "$SERVE_PID" 2>/dev/null || true
	local i
	for ((i = 0; i < 200; i++)); do
		kill -0 "$SERVE_PID" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$SERVE_PID" 2>/dev/null; then
		kill -KILL "$SERVE_PID" 2>/dev/null || true
		SERVE_RC=killed
	fi
	local rc=0
	wait "$SERVE_PID" 2>/dev/null || rc=$?
	[[ -n $SERVE_RC ]] || SERVE_RC=$rc
	SERVE_PID=""
}
cleanup() {
	stop_serve
	if [[ -n ${AZ_ACCEPTANCE_KEEP:-} ]]; then echo "az.sh: kept $tmp"; else rm -rf "$tmp"; fi
}
trap cleanup EXIT

if [[ -n ${ARMDEPLOY_BIN:-} ]]; then
	BIN=$ARMDEPLOY_BIN
else
	BIN=$tmp/armdeploy
	timeout -s KILL 600 go build -o "$BIN" ./cmd/armdeploy
fi
[[ -x $BIN ]] || { echo "az.sh: $BIN is not an executable"; exit 2; }

# Nothing from the user's HOME: az's profile, MSAL caches and logs live in
# the temporary folder; so does the state.
mkdir -p "$tmp/state" "$tmp/az" "$tmp/az-reader" "$tmp/t"
STATE=$tmp/state/state.db
export AZURE_CONFIG_DIR=$tmp/az AZURE_CORE_COLLECT_TELEMETRY=false AZURE_CORE_NO_COLOR=1 \
	AZURE_CORE_ONLY_SHOW_ERRORS=false AZURE_EXTENSION_DIR=$tmp/az-extensions NO_COLOR=1
unset ARMDEPLOY_STATE AZURE_DEFAULTS_GROUP AZURE_DEFAULTS_LOCATION ARM_CLOUD_METADATA_URL AZURE_REGIONAL_AUTHORITY_NAME
SUB=00000000-0000-0000-0000-000000000000
RG=rg-sig-quickstarts # the name the quickstarts' parameter files assume

pass=0 fail=0 OUT="" ERR="" RC=0
check() {
	if eval "$2"; then
		pass=$((pass + 1)); echo "ok   $1"
	else
		fail=$((fail + 1)); echo "FAIL $1 (rc=$RC)"
		[[ -z $ERR ]] || printf '     stderr: %s\n' "$(head -c 600 <<<"$ERR" | tr '\n' ' ')"
		[[ -z $OUT ]] || printf '     stdout: %s\n' "$(head -c 300 <<<"$OUT" | tr '\n' ' ')"
	fi
}
# az ARGS...: runs az (in $AZ_DIR's profile) under a deadline; sets OUT, ERR, RC and SECS.
AZ_DIR=$tmp/az
az_() {
	local start=$SECONDS
	RC=0
	OUT=$(AZURE_CONFIG_DIR=$AZ_DIR timeout -s KILL 180 az "$@" 2>"$tmp/stderr") || RC=$?
	ERR=$(cat "$tmp/stderr")
	SECS=$((SECONDS - start))
}
# ad ARGS...: the armdeploy CLI on the same state.
ad() {
	RC=0
	OUT=$(timeout -s KILL 180 "$BIN" "$@" 2>"$tmp/stderr") || RC=$?
	ERR=$(cat "$tmp/stderr")
}
# json EXPR: EXPR (Python, over d = the JSON in $OUT) printed; "" when it fails.
json() { "$PY" -c 'import json,sys; d=json.loads(sys.stdin.read()); v=eval(sys.argv[1]); print(v if isinstance(v,str) else json.dumps(v))' "$1" <<<"$OUT" 2>/dev/null || true; }

# --- the server -------------------------------------------------------------
free_port() { "$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'; }
PORT=$(free_port)
ad serve --addr "127.0.0.1:$PORT" --state "$STATE" --print-env
ENVLINES=$OUT
eval "$(grep '^export ' <<<"$ENVLINES")"
check "serve --print-env names the CA for az (REQUESTS_CA_BUNDLE) and the state" \
	'[[ $RC == 0 && -s ${REQUESTS_CA_BUNDLE:-} && ${ARMDEPLOY_STATE:-} == "$STATE" && ${ARMDEPLOY_ENDPOINT:-} == "https://127.0.0.1:$PORT" ]]'
CA=$REQUESTS_CA_BUNDLE
unset ARMDEPLOY_STATE
BASE=https://127.0.0.1:$PORT
META="$BASE/metadata/endpoints?api-version=2015-01-01"

start_serve() { # starts serve on $PORT; 0 once it answers the metadata endpoint over TLS
	# timeout is only a backstop should this script be killed; stop_serve's
	# TERM reaches serve through it.
	timeout -s KILL 1800 "$BIN" serve --addr "127.0.0.1:$PORT" --state "$STATE" >"$tmp/serve.out" 2>"$tmp/serve.log" &
	SERVE_PID=$!
	local deadline=$((SECONDS + 30))
	while ((SECONDS < deadline)); do
		curl -fsS --max-time 2 --cacert "$CA" "$META" -o "$tmp/meta.json" 2>/dev/null && return 0
		kill -0 "$SERVE_PID" 2>/dev/null || { wait "$SERVE_PID" 2>/dev/null || true; SERVE_PID=""; return 1; }
		sleep 0.2
	done
	return 1
}
started=false
for attempt in 1 2 3; do
	if start_serve; then started=true; break; fi
	stop_serve
	echo "az.sh: serve did not answer on port $PORT (attempt $attempt): $(tail -3 "$tmp/serve.log" | tr '\n' ' ')"
	PORT=$(free_port); BASE=https://127.0.0.1:$PORT; META="$BASE/metadata/endpoints?api-version=2015-01-01"
done
RC=0 OUT=$(cat "$tmp/meta.json" 2>/dev/null || true) ERR=$(tail -5 "$tmp/serve.log" 2>/dev/null || true)
check "serve answers the metadata endpoint over TLS with its own CA (curl --cacert)" \
	'$started && [[ $(json "d[\"authentication\"][\"loginEndpoint\"]") == "$BASE/adfs" ]]'
$started || { echo "$pass passed, $((fail + 1)) failed"; exit 1; }
if [[ $(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$META" 2>/dev/null || true) == 200 ]]; then
	RC=0; check "an untrusted client is refused (no --cacert)" false
else
	RC=0; check "an untrusted client is refused (no --cacert)" true
fi

# --- service principals -----------------------------------------------------
ad sp create -n ci --role Owner --scopes "/subscriptions/$SUB" --state "$STATE" -o json
APP=$(json 'd["appId"]') SECRET=$(json 'd["password"]') TENANT=$(json 'd["tenant"]')
check "sp create -n ci --role Owner prints appId, password (once) and tenant" \
	'[[ $RC == 0 && $APP =~ ^[0-9a-f-]{36}$ && ${#SECRET} -ge 20 && $TENANT =~ ^[0-9a-f-]{36}$ ]]'
ad sp create -n ci-reader --state "$STATE" -o json
RAPP=$(json 'd["appId"]') RSECRET=$(json 'd["password"]') ROID=$(json 'd["objectId"]')
check "sp create -n ci-reader (no role yet)" '[[ $RC == 0 && $RAPP =~ ^[0-9a-f-]{36}$ && ${#RSECRET} -ge 20 && $ROID =~ ^[0-9a-f-]{36}$ ]]'
ad sp list --state "$STATE" -o json
check "sp list shows both principals and no secret" \
	'[[ $RC == 0 && $OUT == *"$APP"* && $OUT == *"$RAPP"* && $OUT != *"$SECRET"* && $OUT != *"$RSECRET"* && $OUT != *password* ]]'

# --- cloud and login --------------------------------------------------------
az_ cloud register -n armdeploy-local --endpoint-resource-manager "$BASE/"
check "az cloud register -n armdeploy-local --endpoint-resource-manager $BASE/" '[[ $RC == 0 ]]'
az_ cloud set -n armdeploy-local
check "az cloud set -n armdeploy-local" '[[ $RC == 0 ]]'
az_ cloud show -o json
check "the cloud's endpoints come from serve's metadata (ADFS-style login endpoint)" \
	'[[ $RC == 0 && $(json "d[\"endpoints\"][\"activeDirectory\"]") == "$BASE/adfs" && $(json "d[\"isActive\"]") == true ]]'
az_ login --service-principal --username "$APP" --password="wrong-${SECRET:3}" --tenant "$TENANT" -o json
check "az login with a wrong secret is refused (invalid_client)" '[[ $RC != 0 && $ERR == *7000215* ]]'
az_ login --service-principal --username "$APP" --password="$SECRET" --tenant "$TENANT" -o json
check "az login --service-principal as ci: the subscription, as that principal" \
	'[[ $RC == 0 && $(json "d[0][\"id\"]") == "$SUB" && $(json "d[0][\"user\"][\"name\"]") == "$APP" && $(json "d[0][\"user\"][\"type\"]") == servicePrincipal ]]'
az_ account show --query tenantId -o tsv
check "az account show: the login's tenant" '[[ $RC == 0 && $OUT == "$TENANT" ]]'

# --- resource groups --------------------------------------------------------
az_ group create -n "$RG" -l eastus -o json
check "az group create -n $RG -l eastus" '[[ $RC == 0 && $(json "d[\"properties\"][\"provisioningState\"]") == Succeeded && $(json "d[\"id\"]") == "/subscriptions/$SUB/resourceGroups/$RG" ]]'
az_ group create -n rg-scratch -l westus2 --tags purpose=scratch -o json
check "az group create -n rg-scratch -l westus2 --tags purpose=scratch" '[[ $RC == 0 && $(json "d[\"tags\"][\"purpose\"]") == scratch ]]'
az_ group show -n "$RG" -o json
check "az group show -n $RG" '[[ $RC == 0 && $(json "d[\"location\"]") == eastus && $(json "d[\"name\"]") == "$RG" ]]'
az_ group show -n rg-nosuch -o json
check "az group show of a missing group: ResourceGroupNotFound" '[[ $RC != 0 && $ERR == *ResourceGroupNotFound* ]]'
az_ group exists -n rg-scratch
check "az group exists -n rg-scratch (HEAD)" '[[ $RC == 0 && $OUT == true ]]'
az_ group list --query "sort([].name)" -o tsv
check "az group list shows both groups" '[[ $RC == 0 && $(tr "\n" " " <<<"$OUT") == "rg-scratch $RG " ]]'

# --- group deployments: the quickstarts, one after another -----------------
# wi NAME ARGS...: az's what-if text and armdeploy what-if's, on the same
# state while serve runs, byte for byte.
wi() {
	local what=$1; shift
	az_ deployment group what-if -g "$RG" "$@"
	local azout=$OUT azrc=$RC azerr=$ERR
	printf '%s\n' "$OUT" >"$tmp/whatif.az"
	ad what-if -g "$RG" --state "$STATE" "$@"
	printf '%s\n' "$OUT" >"$tmp/whatif.armdeploy"
	local diffout
	diffout=$(diff "$tmp/whatif.az" "$tmp/whatif.armdeploy" | head -20 || true)
	RC="az $azrc, armdeploy $RC"
	ERR="$azerr $ERR $diffout"
	OUT=$azout
	check "$what" '[[ $azrc == 0 && $RC == "az 0, armdeploy 0" ]] && cmp -s "$tmp/whatif.az" "$tmp/whatif.armdeploy" && grep -q "Resource changes:" "$tmp/whatif.az"'
}
SIG=(-f "$Q/sig-create/azuredeploy.json" -p "@$Q/sig-create/azuredeploy.parameters.json")
az_ deployment group validate -g "$RG" -n sig-create "${SIG[@]}" -o json
check "az deployment group validate: sig-create with its parameter file" \
	'[[ $RC == 0 && $(json "d[\"properties\"][\"provisioningState\"]") == Succeeded && $(json "d[\"properties\"][\"parameters\"][\"galleryName\"][\"value\"]") == myGallery01 ]]'
cat >"$tmp/t/broken.json" <<'EOF'
{
  // az sends the file's text as is, comments and all
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "contentVersion": "1.0.0.0",
  "resources": [
    {"type": "Microsoft.Compute/galleries", "apiVersion": "2019-12-01", "name": "[nosuchfunction('a')]", "location": "eastus"}
  ]
}
EOF
az_ deployment group validate -g "$RG" -f "$tmp/t/broken.json" -o json
check "az deployment group validate of a broken template: InvalidTemplate with its line, at once (a 4xx: no retries)" \
	'[[ $RC != 0 && $ERR == *InvalidTemplate* && $ERR == *nosuchfunction* && $ERR == *"\"lineNumber\": 6"* && $SECS -lt 10 ]]'
az_ deployment group what-if -g "$RG" -f "$tmp/t/broken.json"
check "az deployment group what-if of a broken template fails with InvalidTemplate" '[[ $RC != 0 && $ERR == *InvalidTemplate* && $SECS -lt 10 ]]'
wi "az's what-if text = armdeploy what-if's: sig-create into the empty group (Create)" "${SIG[@]}"
az_ deployment group create -g "$RG" -n sig-create "${SIG[@]}" -o json
check "az deployment group create: sig-create (gallery myGallery01)" \
	'[[ $RC == 0 && $(json "d[\"properties\"][\"provisioningState\"]") == Succeeded && $(json "d[\"properties\"][\"outputResources\"][0][\"id\"]") == */galleries/myGallery01 ]]'
az_ deployment group create -g "$RG" -n def-prereq -f "$Q/sig-image-definition-create/prereqs/prereq.azuredeploy.json" -o json
check "a local template link (relativePath) sent over the network is refused: InvalidTemplate, no retries" \
	'[[ $RC != 0 && $ERR == *InvalidTemplate* && $ERR == *"modules/gallery.json"* && $SECS -lt 10 ]]'
az_ deployment group create -g "$RG" -n sig-image-definition-create -f "$Q/sig-image-definition-create/azuredeploy.json" \
	-p "@$Q/sig-image-definition-create/azuredeploy.parameters.json" -p galleryName=myGallery01 -o json
check "az deployment group create: sig-image-definition-create into myGallery01" \
	'[[ $RC == 0 && $(json "d[\"properties\"][\"provisioningState\"]") == Succeeded ]]'
az_ deployment group create -g "$RG" -n version-prereq -f "$Q/sig-image-version-create/prereqs/prereq.azuredeploy.json" \
	-p "@$Q/sig-image-version-create/prereqs/prereq.azuredeploy.parameters.json" -o json
IMG=$(json 'd["properties"]["outputs"]["managedImageID"]["value"]')
check "az deployment group create: the image version's prerequisite outputs managedImageID" \
	'[[ $RC == 0 && $IMG == "/subscriptions/$SUB/resourceGroups/$RG/providers/Microsoft.Compute/images/managedimage7yuvmugdyetyy" ]]'
VER=(-f "$Q/sig-image-version-create/azuredeploy.json" -p "@$Q/sig-image-version-create/azuredeploy.parameters.json")
az_ deployment group create -g "$RG" -n sig-image-version-create "${VER[@]}" -o json
check "az deployment group create: sig-image-version-create (version 0.0.1)" \
	'[[ $RC == 0 && $(json "d[\"properties\"][\"outputs\"][\"galleryImageVersion\"][\"value\"]") == 0.0.1 ]]'
wi "az's what-if text = armdeploy what-if's: sig-image-version-create again (NoChange)" "${VER[@]}"
VM=(-f "$Q/vm-from-sig/azuredeploy.json" -p "@$Q/vm-from-sig/azuredeploy.parameters.json")
az_ deployment group create -g "$RG" -n vm-from-sig "${VM[@]}" -o json
check "az deployment group create: vm-from-sig (hostname <label>.eastus.cloudapp.azure.com)" \
	'[[ $RC == 0 && $(json "d[\"properties\"][\"outputs\"][\"hostname\"][\"value\"]") == mysigvm-demo01.eastus.cloudapp.azure.com ]]'
PIPE=(-f "$Q/gallery-pipeline/azuredeploy.json" -p "@$Q/gallery-pipeline/azuredeploy.parameters.json")
az_ deployment group validate -g "$RG" -n gallery-pipeline "${PIPE[@]}" -o json
check "az deployment group validate: the pipeline template" '[[ $RC == 0 && $(json "d[\"properties\"][\"provisioningState\"]") == Succeeded ]]'
az_ deployment group create -g "$RG" -n gallery-pipeline "${PIPE[@]}" -o json
check "az deployment group create: the pipeline template (gallery to VM in one deployment)" \
	'[[ $RC == 0 && $(json "d[\"properties\"][\"outputs\"][\"imageVersionId\"][\"value\"]") == */galleries/myPipelineGallery/images/linux-server-gen1/versions/1.0.0 && $(json "d[\"properties\"][\"outputs\"][\"hostname\"][\"value\"]") == pipelinevm-demo01.eastus.cloudapp.azure.com ]]'
wi "az's what-if text = armdeploy what-if's: the pipeline with other replica counts and DNS label (Modify, array deltas)" \
	"${PIPE[@]}" -p secondaryRegionReplicaCount=3 -p dnsLabelPrefix=pipeline-other
wi "az's what-if text = armdeploy what-if's: vm-from-sig in Complete mode (Delete)" "${VM[@]}" --mode Complete
wi "az's what-if text = armdeploy what-if's: -r ResourceIdOnly" "${PIPE[@]}" -p primaryRegionReplicaCount=2 -r ResourceIdOnly
az_ deployment group show -g "$RG" -n sig-image-version-create -o json
check "az deployment group show -n sig-image-version-create" \
	'[[ $RC == 0 && $(json "d[\"properties\"][\"provisioningState\"]") == Succeeded && $(json "d[\"properties\"][\"outputResources\"][0][\"id\"]") == */versions/0.0.1 ]]'
az_ deployment group list -g "$RG" --query "sort([?properties.provisioningState=='Succeeded'].name)" -o tsv
check "az deployment group list: the six deployments, Succeeded" \
	'[[ $RC == 0 && $(tr "\n" " " <<<"$OUT") == "gallery-pipeline sig-create sig-image-definition-create sig-image-version-create version-prereq vm-from-sig " ]]'
az_ deployment group show -g "$RG" -n def-prereq -o json
check "the refused deployment left no history: DeploymentNotFound" '[[ $RC != 0 && $ERR == *DeploymentNotFound* ]]'

# --- the gallery through compute's commands ---------------------------------
az_ sig show -g "$RG" -r myGallery02 -o json
check "az sig show -r myGallery02" '[[ $RC == 0 && $(json "d[\"provisioningState\"]") == Succeeded && $(json "d[\"type\"]") == Microsoft.Compute/galleries ]]'
az_ sig image-definition show -g "$RG" -r myGallery01 -i myImageDefinition01 -o json
check "az sig image-definition show: the Linux definition" \
	'[[ $RC == 0 && $(json "d[\"osType\"]") == Linux && $(json "d[\"osState\"]") == Generalized && $(json "d[\"identifier\"][\"publisher\"]") == myPublisher ]]'
az_ sig image-version show -g "$RG" -r myPipelineGallery -i linux-server-gen1 -e 1.0.0 --expand ReplicationStatus -o json
check "az sig image-version show --expand ReplicationStatus: both regions Completed" \
	'[[ $RC == 0 && $(json "d[\"replicationStatus\"][\"aggregatedState\"]") == Completed && $(json "sorted(s[\"region\"]+\"=\"+s[\"state\"] for s in d[\"replicationStatus\"][\"summary\"])") == "[\"East US=Completed\", \"West US 2=Completed\"]" ]]'
az_ sig image-version show -g "$RG" -r myGallery02 -i myImageDefinition02 -e 0.0.1 -o json
check "az sig image-version show without --expand: no replicationStatus" \
	'[[ $RC == 0 && $(json "d[\"provisioningState\"]") == Succeeded && $(json "d.get(\"replicationStatus\")") == null && $(json "d[\"storageProfile\"][\"source\"][\"id\"]") == "$IMG" ]]'
az_ sig image-version show -g "$RG" -r myGallery02 -i myImageDefinition02 -e 9.9.9 -o json
check "az sig image-version show of a missing version: ResourceNotFound" '[[ $RC != 0 && $ERR == *NotFound* ]]'

az_ sig list -g "$RG" --query "sort([].name)" -o tsv
check "az sig list -g $RG (GET of the galleries collection)" '[[ $RC == 0 && $(tr "\n" " " <<<"$OUT") == "myGallery01 myGallery02 myPipelineGallery " ]]'
az_ sig image-definition list -g "$RG" -r myGallery02 --query "[].name" -o tsv
check "az sig image-definition list -r myGallery02" '[[ $RC == 0 && $OUT == myImageDefinition02 ]]'
az_ sig image-version list -g "$RG" -r myPipelineGallery -i linux-server-gen1 --query "[].name" -o tsv
check "az sig image-version list -r myPipelineGallery -i linux-server-gen1" '[[ $RC == 0 && $OUT == 1.0.0 ]]'

# --- resource lists ---------------------------------------------------------
az_ resource list -g "$RG" -o json
NRES=$(json 'len(d)')
check "az resource list -g $RG: the 22 resources of the six deployments, with createdTime and provisioningState" \
	'[[ $RC == 0 && $NRES == 22 && $(json "all(r.get(\"createdTime\") and r.get(\"provisioningState\") == \"Succeeded\" for r in d)") == true ]]'
AZIDS=$(json '"\n".join(sorted(r["id"].lower() for r in d))')
az_ resource list -g "$RG" --resource-type Microsoft.Compute/galleries --query "sort([].name)" -o tsv
check "az resource list --resource-type Microsoft.Compute/galleries" '[[ $RC == 0 && $(tr "\n" " " <<<"$OUT") == "myGallery01 myGallery02 myPipelineGallery " ]]'
ad resource list -g "$RG" --state "$STATE" -o json
check "armdeploy resource list on the same state, while serve runs, lists the same resources" \
	'[[ $RC == 0 && $(json "\"\n\".join(sorted(r[\"id\"].lower() for r in d))") == "$AZIDS" ]]'

GAL1=/subscriptions/$SUB/resourceGroups/$RG/providers/Microsoft.Compute/galleries/myGallery01
az_ resource tag --tags env=ci --ids "$GAL1" -o json
check "az resource tag --tags env=ci --ids <gallery> (GET, then PUT of the resource)" '[[ $RC == 0 && $(json "d[\"tags\"][\"env\"]") == ci ]]'
az_ resource list --tag env=ci --query "[].id" -o tsv
check "az resource list --tag env=ci (tagName/tagValue filter)" '[[ $RC == 0 && $OUT == "$GAL1" ]]'

# --- subscription deployment: a group and Reader for the second principal ---
cat >"$tmp/t/grant-reader.json" <<'EOF'
{
  "$schema": "https://schema.management.azure.com/schemas/2018-05-01/subscriptionDeploymentTemplate.json#",
  "contentVersion": "1.0.0.0",
  "parameters": {
    "groupName": {"type": "string"},
    "readerObjectId": {"type": "string"}
  },
  "variables": {
    // Reader
    "reader": "[subscriptionResourceId('Microsoft.Authorization/roleDefinitions', 'acdd72a7-3385-48ef-bd42-f606fba81ae7')]"
  },
  "resources": [
    {
      "type": "Microsoft.Resources/resourceGroups",
      "apiVersion": "2021-04-01",
      "name": "[parameters('groupName')]",
      "location": "[deployment().location]",
      "tags": {"madeBy": "az deployment sub create"}
    },
    {
      "type": "Microsoft.Authorization/roleAssignments",
      "apiVersion": "2022-04-01",
      "name": "[guid(subscription().id, parameters('readerObjectId'), variables('reader'))]",
      "properties": {
        "roleDefinitionId": "[variables('reader')]",
        "principalId": "[parameters('readerObjectId')]",
        "principalType": "ServicePrincipal"
      }
    }
  ],
  "outputs": {
    "groupId": {"type": "string", "value": "[subscriptionResourceId('Microsoft.Resources/resourceGroups', parameters('groupName'))]"}
  }
}
EOF
az_ deployment sub create -l westus2 -n grant-reader -f "$tmp/t/grant-reader.json" -p groupName=rg-sub "readerObjectId=$ROID" -o json
check "az deployment sub create: a group and a Reader role assignment for ci-reader" \
	'[[ $RC == 0 && $(json "d[\"properties\"][\"provisioningState\"]") == Succeeded && $(json "d[\"properties\"][\"outputs\"][\"groupId\"][\"value\"]") == "/subscriptions/$SUB/resourceGroups/rg-sub" && $OUT == *Microsoft.Authorization/roleAssignments/* ]]'
az_ group show -n rg-sub -o json
check "the subscription deployment's group: location from -l, its tags" '[[ $RC == 0 && $(json "d[\"location\"]") == westus2 && $(json "d[\"tags\"][\"madeBy\"]") == "az deployment sub create" ]]'
az_ deployment sub show -n grant-reader --query properties.provisioningState -o tsv
check "az deployment sub show -n grant-reader" '[[ $RC == 0 && $OUT == Succeeded ]]'

# --- the Reader principal: reads, and is denied writes ----------------------
AZ_DIR=$tmp/az-reader
az_ cloud register -n armdeploy-local --endpoint-resource-manager "$BASE/"
RC2=$RC
az_ cloud set -n armdeploy-local
check "a second az profile registers and selects the cloud" '[[ $RC2 == 0 && $RC == 0 ]]'
az_ login --service-principal --username "$RAPP" --password="$RSECRET" --tenant "$TENANT" -o json
check "az login as ci-reader: it sees the subscription it reads" '[[ $RC == 0 && $(json "d[0][\"id\"]") == "$SUB" && $(json "d[0][\"user\"][\"name\"]") == "$RAPP" ]]'
az_ group show -n "$RG" --query name -o tsv
check "ci-reader: az group show is allowed" '[[ $RC == 0 && $OUT == "$RG" ]]'
az_ sig image-version show -g "$RG" -r myGallery02 -i myImageDefinition02 -e 0.0.1 --query name -o tsv
check "ci-reader: az sig image-version show is allowed" '[[ $RC == 0 && $OUT == 0.0.1 ]]'
DENY="The client '$RAPP' with object id '$ROID' does not have authorization to perform action"
DENY_RG="$DENY 'Microsoft.Resources/subscriptions/resourceGroups/write' over scope '/subscriptions/$SUB/resourceGroups/rg-denied'"
az_ group create -n rg-denied -l eastus -o json
check "ci-reader: az group create is denied (AuthorizationFailed, Azure's text, naming the app id)" \
	'[[ $RC != 0 && $ERR == *AuthorizationFailed* && $ERR == *"$DENY_RG"* ]]'
az_ deployment group create -g "$RG" -n denied "${SIG[@]}" -p galleryName=deniedGallery -o json
check "ci-reader: az deployment group create is denied at validate, at once" \
	'[[ $RC != 0 && $ERR == *AuthorizationFailed* && $ERR == *"$DENY"* && $SECS -lt 10 ]]'
az_ group delete -n rg-scratch --yes
check "ci-reader: az group delete is denied" '[[ $RC != 0 && $ERR == *AuthorizationFailed* && $ERR == *"resourceGroups/delete"* ]]'
AZ_DIR=$tmp/az
az_ group show -n rg-denied -o none
RC1=$RC
az_ resource list -g "$RG" --resource-type Microsoft.Compute/galleries --query "length(@)"
check "ci's view: the denied writes left nothing behind" '[[ $RC1 != 0 && $RC == 0 && $OUT == 3 ]]'

# --- group delete -------------------------------------------------------------
az_ group delete -n rg-scratch --yes
check "az group delete -n rg-scratch --yes (202, polled to the end)" '[[ $RC == 0 ]]'
az_ group list --query "sort([].name)" -o tsv
check "az group list after the delete" '[[ $RC == 0 && $(tr "\n" " " <<<"$OUT") == "$RG rg-sub " ]]'
az_ group show -n rg-scratch -o none
check "az group show of the deleted group: ResourceGroupNotFound" '[[ $RC != 0 && $ERR == *ResourceGroupNotFound* ]]'

# --- stop, and the request log -----------------------------------------------
stop_serve
LOG=$(cat "$tmp/serve.log")
RC=$SERVE_RC OUT="" ERR=$(tail -3 <<<"$LOG")
check "serve stops cleanly on SIGTERM (exit 0, 'stopped')" '[[ $RC == 0 && $LOG == *"armdeploy serve: stopped"* ]]'
leaks=""
for s in "$SECRET" "$RSECRET" "wrong-${SECRET:3}" "client_secret" "eyJ" "Bearer "; do
	if grep -qF -- "$s" "$tmp/serve.log" "$tmp/serve.out"; then leaks+="[${s:0:6}…] "; fi
done
RC=0 ERR=$leaks
check "serve's log holds no secret and no token" '[[ -z $leaks ]]'
RC=0 ERR=""
check "serve's log: one line per request, with principal and az's correlation id; the denials as 403" \
	'grep -q "PUT /subscriptions/$SUB/resourcegroups/rg-denied 403 .*principal=$ROID" "$tmp/serve.log" && grep -Eq "POST /adfs/oauth2/token 200 .*principal=" "$tmp/serve.log" && grep -Eq "correlation=[0-9a-f-]{36}" "$tmp/serve.log"'

echo "$pass passed, $fail failed"
[[ $fail == 0 ]]
