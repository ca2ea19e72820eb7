package arm

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// Seed rules: scaling and replication, what can change after creation.

func TestSeed_Replication_RegionalElseGlobalReplicaCount(t *testing.T) {
	e := newSeed(t)
	v := e.mustPut(defID+"/versions/1.1.0", apiCompute, `{"location":"eastus","properties":{"publishingProfile":{"replicaCount":3,
		"targetRegions":[{"name":"eastus"},{"name":"westus2","regionalReplicaCount":2}]},"storageProfile":{"source":{"id":"`+seedImageID+`"}}}}`)
	trs := seedAt(v, "properties", "publishingProfile", "targetRegions")
	if seedAt(trs, 0, "regionalReplicaCount") != 3.0 || seedAt(trs, 1, "regionalReplicaCount") != 2.0 {
		t.Errorf("replica counts: %v", trs)
	}
	e.refused(defID+"/versions/1.1.1", apiCompute, `{"location":"eastus","properties":{"publishingProfile":{"replicaCount":101,
		"targetRegions":[{"name":"eastus"}]},"storageProfile":{"source":{"id":"`+seedImageID+`"}}}}`, "InvalidParameter", "replicaCount")
}

func TestSeed_Replication_TargetRegionsChangeOlderVersionsFewer(t *testing.T) {
	e := newSeed(t) // 1.0.0 in eastus only
	newest := e.mustPut(defID+"/versions/2.0.0", apiCompute, versionBody("eastus", `[{"name":"eastus"},{"name":"westus2"},{"name":"northeurope"}]`))
	if n := len(seedAt(newest, "properties", "replicationStatus", "summary").([]any)); n != 3 {
		t.Fatalf("the newest version in %d regions, want 3", n)
	}
	// the target regions change after creation: the older version is
	// extended to westus2, the newest one leaves northeurope
	old := e.mustPut(verID, apiCompute, versionBody("eastus", `[{"name":"eastus"},{"name":"westus2"}]`))
	if seedAt(old, "properties", "replicationStatus", "summary", 1, "region") != "West US 2" {
		t.Errorf("the older version's regions: %v", seedAt(old, "properties", "replicationStatus"))
	}
	e.mustPut(defID+"/versions/2.0.0", apiCompute, versionBody("eastus", `[{"name":"eastus"},{"name":"westus2"}]`))
	e.networkIn("northeurope")
	if err := e.vm("vmne", "northeurope", defID+"/versions/2.0.0"); err == nil || !strings.Contains(err.Error(), "is not available in northeurope region") {
		t.Errorf("a VM in the region the version left: %v", err)
	}
}

// replicating starts a PUT of an image version whose replication steps
// advance one quarter of a region per tick; entered receives when the
// replication waits for the next tick (so the previous tick's progress is
// committed).
func (e *seedEnv) replicating(id, body string) (tick chan struct{}, entered chan struct{}, put *ResourcePut) {
	e.t.Helper()
	tick, entered = make(chan struct{}), make(chan struct{})
	sim := Simulation{PerWeight: time.Second, Sleep: func(ctx context.Context, _ time.Duration) error {
		select {
		case entered <- struct{}{}:
		case <-ctx.Done():
			return ctx.Err()
		}
		select {
		case <-tick:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}}
	put, err := e.s.StartPutResource(e.t.Context(), "", id, apiCompute, json.RawMessage(body), sim)
	if err != nil {
		e.t.Fatal(err)
	}
	return tick, entered, put
}

// advance lets n quarter-steps of the replication run and waits until
// their progress is stored.
func advance(tick, entered chan struct{}, n int) {
	<-entered
	for range n {
		tick <- struct{}{}
		<-entered
	}
}

// regionStates is "Region=State progress" per region of a body's
// replication status.
func regionStates(b map[string]any) string {
	var out []string
	for _, x := range seedAt(b, "properties", "replicationStatus", "summary").([]any) {
		m := x.(map[string]any)
		out = append(out, m["region"].(string)+"="+m["state"].(string)+" "+strings.TrimSuffix(strings.TrimSuffix(jsonText(m["progress"]), ".0"), "e+00"))
	}
	return strings.Join(out, ", ")
}

func jsonText(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func TestSeed_Replication_StatusPerRegionVMWhereCompleted(t *testing.T) {
	e := newSeed(t)
	e.networkIn("eastus")
	e.networkIn("westus2")
	id := defID + "/versions/2.0.0"
	tick, entered, put := e.replicating(id, versionBody("eastus", `[{"name":"eastus"},{"name":"westus2"}]`))
	// eastus completes (4 quarters), westus2 is at its first quarter
	advance(tick, entered, 5)
	r, err := e.s.GetResource(t.Context(), "", id)
	if err != nil {
		t.Fatal(err)
	}
	b := bodyMap(t, r)
	if got, want := regionStates(b), "East US=Completed 100, West US 2=Replicating 25"; got != want {
		t.Errorf("while replicating: %s, want %s", got, want)
	}
	if seedAt(b, "properties", "provisioningState") != "Creating" || seedAt(b, "properties", "replicationStatus", "aggregatedState") != "InProgress" {
		t.Errorf("while replicating: %v", seedAt(b, "properties"))
	}
	// GET shows the status only with $expand=ReplicationStatus
	if v, _ := json.Marshal(ResourceView(r, "")); strings.Contains(string(v), "replicationStatus") {
		t.Errorf("GET without $expand shows the replication status: %s", v)
	}
	if v, _ := json.Marshal(ResourceView(r, "ReplicationStatus")); !strings.Contains(string(v), `"state":"Replicating"`) {
		t.Errorf("GET with $expand=ReplicationStatus: %s", v)
	}
	// a VM where the replica completed; refused where it still replicates
	if err := e.vm("vmeast", "eastus", id); err != nil {
		t.Errorf("a VM in the completed region: %v", err)
	}
	err = e.vm("vmwest", "westus2", id)
	wantError(t, err, "GalleryImageNotFound", "The gallery image "+id+" is not available in westus2 region. Please contact image owner to replicate to this region, or change your requested region.")
	// the rest of westus2's replication
	for i := range 3 {
		tick <- struct{}{}
		if i < 2 {
			<-entered
		}
	}
	<-put.Done
	if err := e.vm("vmwest", "westus2", id); err != nil {
		t.Errorf("a VM in westus2 once it completed: %v", err)
	}
	b, _ = e.get("", id)
	if got := regionStates(b); got != "East US=Completed 100, West US 2=Completed 100" || seedAt(b, "properties", "provisioningState") != "Succeeded" {
		t.Errorf("after replicating: %s", got)
	}
}

func TestSeed_Replication_ZRSInRegionsWithZones(t *testing.T) {
	e := newSeed(t)
	e.mustPut(defID+"/versions/1.2.0", apiCompute, versionBody("eastus", `[{"name":"eastus","storageAccountType":"Standard_ZRS"}]`))
	e.refused(defID+"/versions/1.2.1", apiCompute, versionBody("eastus", `[{"name":"eastus"},{"name":"westus","storageAccountType":"Standard_ZRS"}]`),
		"InvalidParameter", "ZRS storage account type is not supported in this region.")
}

func TestSeed_CanChangeAfterCreation_GalleryDescription(t *testing.T) {
	e := newSeed(t)
	g := e.mustPut(galID, apiCompute, `{"location":"eastus","properties":{"description":"changed"}}`)
	if seedAt(g, "properties", "description") != "changed" {
		t.Errorf("description: %v", g)
	}
	// the location does not change
	e.refused(galID, apiCompute, `{"location":"westus","properties":{}}`, "InvalidResourceLocation", "already exists in location eastus")
}

func TestSeed_CanChangeAfterCreation_ImageDefinition(t *testing.T) {
	e := newSeed(t)
	d := e.mustPut(defID, apiCompute, `{"location":"eastus","properties":{"osType":"Linux","osState":"Generalized",
		"identifier":{"publisher":"Contoso","offer":"Finance","sku":"Backend"},"description":"now described","endOfLifeDate":"2031-01-01T00:00:00Z",
		"recommended":{"vCPUs":{"min":2,"max":4},"memory":{"min":8,"max":16}}}}`)
	if seedAt(d, "properties", "description") != "now described" || seedAt(d, "properties", "recommended", "vCPUs", "max") != 4.0 ||
		seedAt(d, "properties", "endOfLifeDate") == nil || seedAt(d, "properties", "recommended", "memory", "max") != 16.0 {
		t.Errorf("the changed definition: %v", d)
	}
	// the identifier and the OS do not change
	_, err := e.put(defID, apiCompute, `{"location":"eastus","properties":{"osType":"Windows","osState":"Generalized","identifier":{"publisher":"Contoso","offer":"Finance","sku":"Backend"}}}`)
	if err == nil {
		t.Error("the OS type of a definition changed")
	}
	_, err = e.put(defID, apiCompute, `{"location":"eastus","properties":{"osType":"Linux","osState":"Generalized","identifier":{"publisher":"Contoso","offer":"Finance","sku":"Frontend"}}}`)
	if err == nil {
		t.Error("the identifier of a definition changed")
	}
}

func TestSeed_CanChangeAfterCreation_ImageVersionTargetRegions(t *testing.T) {
	e := newSeed(t)
	v := e.mustPut(verID, apiCompute, `{"location":"eastus","properties":{"publishingProfile":{"excludeFromLatest":true,"endOfLifeDate":"2030-06-01T00:00:00Z",
		"targetRegions":[{"name":"eastus","regionalReplicaCount":4},{"name":"westus2"}]},"storageProfile":{"source":{"id":"`+seedImageID+`"}}}}`)
	pp := seedAt(v, "properties", "publishingProfile")
	if seedAt(pp, "excludeFromLatest") != true || seedAt(pp, "endOfLifeDate") == nil || seedAt(pp, "targetRegions", 0, "regionalReplicaCount") != 4.0 ||
		seedAt(pp, "targetRegions", 1, "name") != "westus2" {
		t.Errorf("the changed version: %v", pp)
	}
	// the source does not change
	e.mustPut(rgA+"/providers/Microsoft.Compute/images/img2", apiCompute, `{"location":"eastus","properties":{"storageProfile":{"osDisk":{"osType":"Linux","osState":"Generalized","managedDisk":{"id":"`+seedDiskID+`"}}}}}`)
	if _, err := e.put(verID, apiCompute, strings.Replace(versionBody("eastus", `[{"name":"eastus"}]`), seedImageID, rgA+"/providers/Microsoft.Compute/images/img2", 1)); err == nil {
		t.Error("the source of a version changed")
	}
}

// TestDeployShowsReplicationWhileItRuns: while a deployment replicates an
// image version, the store holds it Creating with each region's progress,
// so that resource show, serve's GET and the ui (other readers of the
// store) see it; a VM can use a region that completed.
func TestDeployShowsReplicationWhileItRuns(t *testing.T) {
	e := newSeed(t)
	e.networkIn("eastus")
	tick, entered := make(chan struct{}), make(chan struct{})
	sleep := func(ctx context.Context, _ time.Duration) error {
		entered <- struct{}{}
		<-tick
		return nil
	}
	id := defID + "/versions/3.0.0"
	req := &DeploymentRequest{Scope: Scope{SubscriptionID: sub0, ResourceGroup: "rga"}, Name: "replicate",
		Apply: ApplyOptions{Parallelism: 1, Sleep: sleep, Latency: time.Second, PerWeight: time.Second},
		Template: Template{File: writeFile(t, e.dir, "v.json", rgTemplate(`{"type":"Microsoft.Compute/galleries/images/versions","apiVersion":"2022-03-03",
			"name":"gal/win/3.0.0","location":"eastus","properties":{"publishingProfile":{"targetRegions":[{"name":"eastus"},{"name":"westus2"}]},
			"storageProfile":{"source":{"id":"`+seedImageID+`"}}}}`))}}
	done := make(chan string)
	go func() {
		res, err := e.s.CreateOrUpdate(context.WithoutCancel(t.Context()), req)
		if err != nil {
			done <- err.Error()
			return
		}
		done <- res.Status()
	}()
	// the latency, then eastus' four quarters and westus2's first
	advance(tick, entered, 6)
	b, err := e.get("", id)
	if err != nil {
		t.Fatalf("the version while it replicates: %v", err)
	}
	if got, want := regionStates(b), "East US=Completed 100, West US 2=Replicating 25"; got != want || seedAt(b, "properties", "provisioningState") != "Creating" {
		t.Errorf("while the deployment replicates: %s (%v), want %s", got, seedAt(b, "properties", "provisioningState"), want)
	}
	if err := e.vm("vmeast", "eastus", id); err != nil {
		t.Errorf("a VM in the region that completed: %v", err)
	}
	for i := range 3 {
		tick <- struct{}{}
		if i < 2 {
			<-entered
		}
	}
	if st := <-done; st != "Succeeded" {
		t.Fatalf("the deployment: %s", st)
	}
	if b, _ := e.get("", id); regionStates(b) != "East US=Completed 100, West US 2=Completed 100" || seedAt(b, "properties", "provisioningState") != "Succeeded" {
		t.Errorf("after the deployment: %v", seedAt(b, "properties"))
	}
}
