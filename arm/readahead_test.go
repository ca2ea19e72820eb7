package arm

import (
	"context"
	"encoding/json"
	"sync/atomic"
	"testing"

	"github.com/armdeploy/armdeploy/state"
)

// TestResourceDeployedTwice: a resource the template deploys and a nested
// deployment deploys again (as the gallery's pattern of setting a
// network's DNS servers once a domain controller exists) ends as its
// second PUT left it. The second operation starts from the preflight's
// read-ahead, which found it absent: its conditional commit fails on the
// first one's row, and it is read and run again as an update.
func TestResourceDeployedTwice(t *testing.T) {
	s, dir := newService(t)
	sa := func(tag string) string {
		return `{"type": "Microsoft.Storage/storageAccounts", "apiVersion": "2023-01-01", "name": "sa1", "location": "eastus",
			"sku": {"name": "Standard_LRS"}, "kind": "StorageV2", "tags": {"v": "` + tag + `"}, "properties": {}}`
	}
	nested := `{"type": "Microsoft.Resources/deployments", "apiVersion": "2022-09-01", "name": "again",
		"dependsOn": ["[resourceId('Microsoft.Storage/storageAccounts', 'sa1')]"],
		"properties": {"mode": "Incremental", "expressionEvaluationOptions": {"scope": "inner"},
			"template": ` + rgTemplate(sa("2")) + `}}`
	res, err := s.CreateOrUpdate(t.Context(), &DeploymentRequest{Scope: Scope{SubscriptionID: sub0, ResourceGroup: "rg1"}, Location: "eastus",
		CreateGroup: true, Template: Template{File: writeFile(t, dir, "t.json", rgTemplate(sa("1"), nested))}})
	if err != nil {
		t.Fatalf("deployment: %v", err)
	}
	if res.Status() != "Succeeded" {
		t.Fatalf("deployment %s: %v %v", res.Status(), res.Diags, res.Preflight)
	}
	id := "/subscriptions/" + sub0 + "/resourceGroups/rg1/providers/Microsoft.Storage/storageAccounts/sa1"
	got, err := s.store.Resource(t.Context(), id)
	if err != nil {
		t.Fatal(err)
	}
	var body struct{ Tags map[string]string }
	if err := json.Unmarshal(got.Body, &body); err != nil || body.Tags["v"] != "2" {
		t.Errorf("stored tags %v (%v), want the nested deployment's v=2", body.Tags, err)
	}
}

// idReads counts the reads of resources by id through a Reader.
type idReads struct {
	state.Reader
	n atomic.Int32
}

func (r *idReads) Resources(ctx context.Context, f state.ResourceFilter) ([]*state.Resource, error) {
	if len(f.IDs) > 0 {
		r.n.Add(1)
	}
	return r.Reader.Resources(ctx, f)
}

// TestPreflightNewGroup: a deployment that creates its group reads none of
// the group's resources ahead (a group that does not exist holds none);
// the next deployment to it does.
func TestPreflightNewGroup(t *testing.T) {
	s, dir := newService(t)
	reads := &idReads{Reader: s.reader}
	s.reader = reads
	sa := `{"type": "Microsoft.Storage/storageAccounts", "apiVersion": "2023-01-01", "name": "sa1", "location": "eastus",
		"sku": {"name": "Standard_LRS"}, "kind": "StorageV2", "properties": {}}`
	file := writeFile(t, dir, "t.json", rgTemplate(sa))
	for _, tc := range []struct {
		name string
		want int32
	}{{"the group is new", 0}, {"the group exists", 1}} {
		reads.n.Store(0)
		res, err := s.CreateOrUpdate(t.Context(), &DeploymentRequest{Scope: Scope{SubscriptionID: sub0, ResourceGroup: "rg1"}, Location: "eastus",
			CreateGroup: true, Template: Template{File: file}})
		if err != nil || res.Status() != "Succeeded" {
			t.Fatalf("%s: deployment %v, %v", tc.name, res.Status(), err)
		}
		if n := reads.n.Load(); n != tc.want {
			t.Errorf("%s: %d reads by id, want %d", tc.name, n, tc.want)
		}
	}
}
