package arm

import (
	"fmt"
	"strings"
	"testing"

	"github.com/armdeploy/armdeploy/providers"
	"github.com/armdeploy/armdeploy/state"
)

// Seed rules: access (the sharing table, groups, other tenants) and
// billing.

// otherTenant is a tenant besides the service's.
const otherTenant = "22222222-2222-2222-2222-222222222222"

// principalIn records a service principal of a tenant and returns its
// object id.
func (e *seedEnv) principalIn(name, tenant string) string {
	e.t.Helper()
	p := &state.ServicePrincipal{AppID: "app-" + name, ObjectID: "oid-" + name, TenantID: tenant, DisplayName: name, SecretHash: "$2a$10$x"}
	if err := e.s.store.CreateServicePrincipal(e.t.Context(), p); err != nil {
		e.t.Fatal(err)
	}
	return p.ObjectID
}

// groupOf creates an Azure AD group with members and returns its id.
func (e *seedEnv) groupOf(name string, members ...string) string {
	e.t.Helper()
	g, err := e.s.CreateADGroup(e.t.Context(), "", name, "")
	if err != nil {
		e.t.Fatal(err)
	}
	for _, m := range members {
		if err := e.s.AddADGroupMember(e.t.Context(), "", name, m); err != nil {
			e.t.Fatal(err)
		}
	}
	return g.ID
}

// assign grants a built-in role to a principal (a user, service principal
// or group object id) at scope.
func (e *seedEnv) assign(scope, principal, role string) {
	e.t.Helper()
	e.assignments++
	e.mustPut(fmt.Sprintf("%s/providers/Microsoft.Authorization/roleAssignments/5eed0000-0000-0000-0000-%012d", scope, e.assignments), "2022-04-01",
		`{"properties":{"principalId":"`+principal+`","roleDefinitionId":"`+subID+`/providers/Microsoft.Authorization/roleDefinitions/`+role+`"}}`)
}

// readable is which of gallery, definition and version principal may
// read, as "yes"/"no" per column of the seed's table.
func (e *seedEnv) readable(principal string) string {
	var out []string
	for _, id := range []string{galID, defID, verID} {
		if _, err := e.get(principal, id); err == nil {
			out = append(out, "yes")
		} else if strings.Contains(err.Error(), "AuthorizationFailed") {
			out = append(out, "no")
		} else {
			out = append(out, err.Error())
		}
	}
	return strings.Join(out, " ")
}

// sharedAt checks one row of the seed's table: shared at scope with a
// user directly, with a group holding a service principal, and with a
// group holding a principal of another tenant, each reads what the row
// says.
func sharedAt(t *testing.T, scope, want string) {
	e := newSeed(t)
	user := "oid-user"
	sp := e.principalIn("ci", DefaultTenant)
	foreign := e.principalIn("partner", otherTenant)
	e.assign(scope, user, providers.RoleReader)
	e.assign(scope, e.groupOf("builders", sp, foreign), providers.RoleReader)
	for name, p := range map[string]string{"user": user, "service principal in a group": sp, "other tenant's principal in a group": foreign} {
		if got := e.readable(p); got != want {
			t.Errorf("%s: reads %q of gallery, definition, version; want %q", name, got, want)
		}
	}
	if got := e.readable("oid-nobody"); got != "no no no" {
		t.Errorf("a principal the image is not shared with reads %q", got)
	}
}

func TestSeed_Access_SharedAtGallery(t *testing.T)         { sharedAt(t, galID, "yes yes yes") }
func TestSeed_Access_SharedAtImageDefinition(t *testing.T) { sharedAt(t, defID, "no yes yes") }
func TestSeed_Access_SharedAtImageVersion(t *testing.T)    { sharedAt(t, verID, "no no yes") }

func TestSeed_Access_RBACUsersPrincipalsGroupsOtherTenants(t *testing.T) {
	e := newSeed(t)
	ctx := t.Context()
	foreign := e.principalIn("partner", otherTenant)
	// nested groups: partner ∈ contractors ∈ team; team is Contributor of
	// the gallery
	contractors := e.groupOf("contractors", foreign)
	team := e.groupOf("team", contractors)
	e.assign(galID, team, providers.RoleContributor)
	body := `{"location":"eastus","properties":{"osType":"Linux","osState":"Generalized","identifier":{"publisher":"Partner","offer":"o","sku":"s"}}}`
	if _, err := e.s.PutResource(ctx, foreign, galID+"/images/partner", apiCompute, []byte(body)); err != nil {
		t.Fatalf("a member of a nested group of another tenant writes in the gallery: %v", err)
	}
	// not beyond the gallery
	if _, err := e.get(foreign, rgA); err == nil {
		t.Error("the group's member read the resource group")
	}
	// removed from the group, the principal loses the access
	if err := e.s.RemoveADGroupMember(ctx, "", "contractors", foreign); err != nil {
		t.Fatal(err)
	}
	_, err := e.s.PutResource(ctx, foreign, galID+"/images/partner2", apiCompute, []byte(strings.Replace(body, `"sku":"s"`, `"sku":"t"`, 1)))
	wantError(t, err, "AuthorizationFailed", "The client 'app-partner' with object id 'oid-partner' does not have authorization to perform action 'Microsoft.Compute/galleries/images/write'")
	// only the directory's administrator changes groups; no cycles
	if err := e.s.AddADGroupMember(ctx, foreign, "team", foreign); err == nil || !strings.Contains(err.Error(), "Insufficient privileges") {
		t.Errorf("a principal changed a group: %v", err)
	}
	if err := e.s.AddADGroupMember(ctx, "", "contractors", team); err == nil {
		t.Error("a group became a member of its own member")
	}
	if ms, err := e.s.ADGroupMembers(ctx, "team"); err != nil || len(ms) != 1 || ms[0] != contractors {
		t.Errorf("the members of team: %v %v", ms, err)
	}
}

func TestSeed_Access_MultiTenantAppAcrossTenants(t *testing.T) {
	e := newSeed(t)
	// a multi-tenant app's service principal, registered in another
	// tenant, granted Reader on the gallery of this subscription
	app := e.principalIn("fabrikam-builder", otherTenant)
	if got := e.readable(app); got != "no no no" {
		t.Fatalf("before any assignment: %s", got)
	}
	e.assign(galID, app, providers.RoleReader)
	if got := e.readable(app); got != "yes yes yes" {
		t.Errorf("with Reader on the gallery: %s", got)
	}
}

func TestSeed_Billing_NoChargeForTheService(t *testing.T) {
	e := newSeed(t)
	e.group("empty", "eastus")
	e.mustPut(subID+"/resourceGroups/empty/providers/Microsoft.Compute/galleries/g", apiCompute, `{"location":"eastus","properties":{}}`)
	e.mustPut(subID+"/resourceGroups/empty/providers/Microsoft.Compute/galleries/g/images/d", apiCompute,
		`{"location":"eastus","properties":{"osType":"Linux","osState":"Generalized","identifier":{"publisher":"p","offer":"o","sku":"s"}}}`)
	rep, err := e.s.Cost(t.Context(), "", sub0, "empty")
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Versions) != 0 || rep.Total != (providers.CostTotals{}) {
		t.Errorf("a gallery and a definition cost %+v", rep)
	}
}

// bill is the cost of the version 2.0.0 of 30 GB with the targets given.
func bill(t *testing.T, targets string) providers.VersionCost {
	e := newSeed(t)
	e.group("bill", "eastus")
	e.mustPut(defID+"/versions/2.0.0", apiCompute, versionBody("eastus", targets))
	rep, err := e.s.Cost(t.Context(), "", sub0, "rga")
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range rep.Versions {
		if strings.HasSuffix(v.ID, "/2.0.0") {
			return v
		}
	}
	t.Fatalf("no bill of 2.0.0: %+v", rep)
	return providers.VersionCost{}
}

func TestSeed_Billing_StorageReplicasTimesRegionsTimesSize(t *testing.T) {
	// the seed's example: 2 replicas in 3 regions = 6 managed disks
	v := bill(t, `[{"name":"eastus","regionalReplicaCount":2},{"name":"westus2","regionalReplicaCount":2},{"name":"northeurope","regionalReplicaCount":2}]`)
	if v.Snapshots != 6 || v.SizeGB != 30 || v.StorageGB != 180 {
		t.Errorf("bill: %d disks, %d GB each, %d GB stored; want 6, 30, 180", v.Snapshots, v.SizeGB, v.StorageGB)
	}
}

func TestSeed_Billing_EgressFromSourceToEachRegion(t *testing.T) {
	v := bill(t, `[{"name":"eastus"},{"name":"westus2"},{"name":"northeurope"}]`)
	if v.SourceRegion != "eastus" || v.EgressGB != 60 {
		t.Errorf("egress %d GB from %s, want 60 from eastus", v.EgressGB, v.SourceRegion)
	}
	for _, r := range v.Regions {
		if want := int64(30); r.Source == (r.EgressGB == want) || r.Source != (r.Region == "eastus") {
			t.Errorf("region %+v", r)
		}
	}
}
