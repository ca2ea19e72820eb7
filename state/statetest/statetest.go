// Package statetest is the conformance suite of [state.Store]: every store
// implementation runs [Run] from its own tests, so that a new store (a
// PostgreSQL one, say) is held to the same contract as the SQLite store.
package statetest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/armdeploy/armdeploy/state"
)

// opener returns a new, empty store; the suite calls it once per test and
// more than once where it needs two stores (export and import). The
// store is closed by the suite.
type opener func(t *testing.T) state.Store

// Run runs the conformance suite against the stores open returns. Every
// test gets a fresh store and runs in parallel with the others.
func Run(t *testing.T, open func(t *testing.T) state.Store) {
	tests := []struct {
		name string
		fn   func(t *testing.T, open opener)
	}{
		{"Resource/PutGet", testResourcePutGet},
		{"Resource/FieldsFromID", testResourceFieldsFromID},
		{"Resource/Update", testResourceUpdate},
		{"Resource/NotFound", testResourceNotFound},
		{"Resource/InvalidBody", testResourceInvalidBody},
		{"Resource/ListSortedAndFiltered", testResourceList},
		{"Resource/Delete", testResourceDelete},
		{"Resource/ConcurrentPuts", testResourceConcurrent},
		{"Resource/CountByLocation", testCountByLocation},
		{"Group/PutGetList", testGroupPutGetList},
		{"Group/Update", testGroupUpdate},
		{"Group/NotFound", testGroupNotFound},
		{"Group/DeleteCascades", testGroupDelete},
		{"Deployment/PutGet", testDeploymentPutGet},
		{"Deployment/NewestFirst", testDeploymentOrder},
		{"Deployment/NotFound", testDeploymentNotFound},
		{"Deployment/Operations", testOperations},
		{"Deployment/RerunDropsOperations", testDeploymentRerun},
		{"Deployment/Delete", testDeploymentDelete},
		{"Deployment/GroomsAt790", testDeploymentPrune},
		{"Deployment/Scopes", testDeploymentScopes},
		{"Deployment/OperationsPerScope", testDeploymentOperationsPerScope},
		{"Deployment/InvalidScope", testDeploymentInvalidScope},
		{"Deployment/GroomPerScope", testDeploymentGroomPerScope},
		{"Deployment/HistoryFull", testDeploymentHistoryFull},
		{"Deployment/Running", testRunningDeployments},
		{"Deployment/CancelRequest", testCancelRequest},
		{"RoleAssignment/Inheritance", testRoleInheritance},
		{"RoleAssignment/Delete", testRoleDelete},
		{"Lease/Contention", testLeaseContention},
		{"Lease/WaitThenFail", testLeaseWaitThenFail},
		{"Lease/WaitThenAcquire", testLeaseWaitThenAcquire},
		{"Lease/OtherHostIsAlive", testLeaseOtherHost},
		{"Lease/DeadHolderTakenOver", testLeaseDeadHolder},
		{"Lease/Canceled", testLeaseCanceled},
		{"Lease/ReadsDoNotWait", testLeaseReads},
		{"Lease/IndependentScopes", testLeaseScopes},
		{"Lease/GetAndBreak", testLeaseGetAndBreak},
		{"Lease/AllScopes", testLeaseAllScopes},
		{"Lease/HeartbeatExpiry", testLeaseHeartbeatExpiry},
		{"Lease/HeartbeatRenews", testLeaseHeartbeatRenews},
		{"Lease/RecordsHolder", testLeaseRecordsHolder},
		{"Lease/ReusedPIDTakenOver", testLeaseReusedPID},
		{"Lease/TakeoverReported", testLeaseTakeoverReported},
		{"Export/RoundTrip", testExportRoundTrip},
		{"Export/ImportRefusesNonEmpty", testImportNonEmpty},
		{"Export/ImportRefusesNewer", testImportNewer},
		{"Export/ImportRefusesGarbage", testImportGarbage},
		{"Tenancy", testTenancy},
		{"ServicePrincipal/CreateGetList", testPrincipalCreateGetList},
		{"ServicePrincipal/Unique", testPrincipalUnique},
		{"ServicePrincipal/Delete", testPrincipalDelete},
		{"Directory/Features", testFeatures},
		{"Directory/ADGroups", testADGroups},
		{"AsyncOperation/PutGet", testAsyncOperation},
		{"AsyncOperation/Expiry", testAsyncOperationExpiry},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tc.fn(t, func(t *testing.T) state.Store {
				t.Helper()
				s := open(t)
				t.Cleanup(func() {
					if err := s.Close(); err != nil {
						t.Errorf("close: %v", err)
					}
				})
				return s
			})
		})
	}
}

// Fixed values the suite uses.
const (
	sub1 = "11111111-1111-1111-1111-111111111111"
	sub2 = "22222222-2222-2222-2222-222222222222"
	// deadPID is above every system's pid limit, so no process has it.
	deadPID = 1<<31 - 1
)

var t0 = time.Date(2026, 3, 4, 5, 6, 7, 123456789, time.UTC)

func ctx(t *testing.T) context.Context { return t.Context() }

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func wantNotFound(t *testing.T, what string, err error) {
	t.Helper()
	if !errors.Is(err, state.ErrNotFound) {
		t.Errorf("%s: got error %v, want one wrapping state.ErrNotFound", what, err)
	}
}

func hostname(t *testing.T) string {
	t.Helper()
	h, err := os.Hostname()
	must(t, err)
	return h
}

func groupID(sub, rg string) string {
	return fmt.Sprintf("/subscriptions/%s/resourceGroups/%s", sub, rg)
}

func galleryID(sub, rg, name string) string {
	return groupID(sub, rg) + "/providers/Microsoft.Compute/galleries/" + name
}

// gallery returns a gallery resource with a body that names it.
func gallery(sub, rg, name string) *state.Resource {
	id := galleryID(sub, rg, name)
	return &state.Resource{
		ID: id, SubscriptionID: sub, ResourceGroup: rg,
		Type: "Microsoft.Compute/galleries", Name: name, Location: "eastus",
		Body:       json.RawMessage(fmt.Sprintf(`{"id":%q,"name":%q,"properties":{"description":"<d & e>"}}`, id, name)),
		Request:    json.RawMessage(`{"location":"eastus"}`),
		APIVersion: "2024-03-03", Deployment: "dep1", ETag: `W/"1"`,
		Created: t0, Updated: t0.Add(time.Minute),
	}
}

// image returns a gallery image definition under gallery g.
func image(sub, rg, g, name string) *state.Resource {
	id := galleryID(sub, rg, g) + "/images/" + name
	return &state.Resource{
		ID: id, SubscriptionID: sub, ResourceGroup: rg, Type: "Microsoft.Compute/galleries/images",
		Name: g + "/" + name, Location: "eastus", Parent: galleryID(sub, rg, g),
		Body: json.RawMessage(fmt.Sprintf(`{"id":%q}`, id)), Created: t0, Updated: t0,
	}
}

func putResources(t *testing.T, s state.Store, rs ...*state.Resource) {
	t.Helper()
	for _, r := range rs {
		must(t, s.PutResource(ctx(t), r))
	}
}

// sameJSON compares JSON documents by value.
func sameJSON(a, b []byte) bool {
	if len(a) == 0 || len(b) == 0 {
		return len(a) == len(b)
	}
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return false
	}
	xa, _ := json.Marshal(x)
	ya, _ := json.Marshal(y)
	return string(xa) == string(ya)
}

func diffResource(got, want *state.Resource) string {
	var d []string
	str := func(name, g, w string) {
		if g != w {
			d = append(d, fmt.Sprintf("%s: got %q, want %q", name, g, w))
		}
	}
	str("ID", got.ID, want.ID)
	str("SubscriptionID", got.SubscriptionID, want.SubscriptionID)
	str("ResourceGroup", got.ResourceGroup, want.ResourceGroup)
	str("Type", got.Type, want.Type)
	str("Name", got.Name, want.Name)
	str("Location", got.Location, want.Location)
	str("Parent", got.Parent, want.Parent)
	str("APIVersion", got.APIVersion, want.APIVersion)
	str("Deployment", got.Deployment, want.Deployment)
	str("ETag", got.ETag, want.ETag)
	if !sameJSON(got.Body, want.Body) {
		d = append(d, fmt.Sprintf("Body: got %s, want %s", got.Body, want.Body))
	}
	if !sameJSON(got.Request, want.Request) {
		d = append(d, fmt.Sprintf("Request: got %s, want %s", got.Request, want.Request))
	}
	if !got.Created.Equal(want.Created) {
		d = append(d, fmt.Sprintf("Created: got %v, want %v", got.Created, want.Created))
	}
	if !got.Updated.Equal(want.Updated) {
		d = append(d, fmt.Sprintf("Updated: got %v, want %v", got.Updated, want.Updated))
	}
	return strings.Join(d, "\n")
}

func ids[T any](xs []*T, id func(*T) string) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = id(x)
	}
	return out
}

func resourceIDs(rs []*state.Resource) []string {
	return ids(rs, func(r *state.Resource) string { return r.ID })
}

func wantStrings(t *testing.T, what string, got, want []string) {
	t.Helper()
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("%s:\ngot  %q\nwant %q", what, got, want)
	}
}

// sortedLower sorts ids as the store lists them: by lower-cased id.
func sortedLower(xs []string) []string {
	out := slices.Clone(xs)
	slices.SortFunc(out, func(a, b string) int { return strings.Compare(strings.ToLower(a), strings.ToLower(b)) })
	return out
}

// rgScope is the scope of resource group rg of sub ("" for the
// subscription itself).
func rgScope(sub, rg string) state.Scope { return state.Scope{SubscriptionID: sub, ResourceGroup: rg} }
