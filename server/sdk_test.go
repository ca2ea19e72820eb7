package server_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/to"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/compute/armcompute/v6"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/resources/armresources"

	"github.com/armdeploy/armdeploy/arm"
	"github.com/armdeploy/armdeploy/server"
)

// The Azure SDK for Go (azidentity, armresources, armcompute) against the
// server over TLS, as a user's program would drive Azure.

func TestSDKGroups(t *testing.T) {
	e := newEnv(t, "", func(o *server.Options) { o.PageSize = 2 })
	cred := e.credential(e.owner)
	groups, err := armresources.NewResourceGroupsClient(sub, cred, e.clientOptions())
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	for i := range 5 {
		name := fmt.Sprintf("rg-%d", i)
		res, err := groups.CreateOrUpdate(ctx, name, armresources.ResourceGroup{Location: to.Ptr("East US"),
			Tags: map[string]*string{"n": to.Ptr(name)}}, nil)
		if err != nil {
			t.Fatalf("create %s: %v", name, err)
		}
		if *res.Name != name || *res.Location != "eastus" || *res.Properties.ProvisioningState != "Succeeded" {
			t.Errorf("create %s: got %+v", name, res.ResourceGroup)
		}
	}
	// Paging: 5 groups in pages of 2, followed through nextLink.
	var names []string
	pages := 0
	for pager := groups.NewListPager(nil); pager.More(); {
		p, err := pager.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		pages++
		for _, g := range p.Value {
			names = append(names, *g.Name)
		}
	}
	if got := strings.Join(names, ","); got != "rg-0,rg-1,rg-2,rg-3,rg-4" || pages != 3 {
		t.Errorf("list: %d pages of %s", pages, got)
	}
	// Update tags, check existence, delete (a long-running operation).
	if _, err := groups.Update(ctx, "rg-1", armresources.ResourceGroupPatchable{Tags: map[string]*string{"env": to.Ptr("dev")}}, nil); err != nil {
		t.Fatal(err)
	}
	g, err := groups.Get(ctx, "RG-1", nil)
	if err != nil || *g.Tags["env"] != "dev" {
		t.Fatalf("get after update: %v %+v", err, g)
	}
	ex, err := groups.CheckExistence(ctx, "rg-1", nil)
	if err != nil || !ex.Success {
		t.Errorf("exists: %v %v", ex.Success, err)
	}
	poller, err := groups.BeginDelete(ctx, "rg-1", nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := poller.PollUntilDone(ctx, poll); err != nil {
		t.Fatal(err)
	}
	_, err = groups.Get(ctx, "rg-1", nil)
	if status, code := errorCode(err); status != 404 || code != "ResourceGroupNotFound" {
		t.Errorf("get of a deleted group: %d %s (%v)", status, code, err)
	}
	ex, err = groups.CheckExistence(ctx, "rg-1", nil)
	if err != nil || ex.Success {
		t.Errorf("exists after delete: %v %v", ex.Success, err)
	}
}

// deploy deploys a quickstart (a JSON template and its parameter file,
// paths under quickstarts/ without extension) with parameter overrides,
// and returns its outputs.
func deploy(t *testing.T, dc *armresources.DeploymentsClient, rg, name, template string, overrides map[string]any) map[string]any {
	t.Helper()
	params := readJSON(t, "quickstarts/"+template+".parameters.json")["parameters"].(map[string]any)
	for k, v := range overrides {
		params[k] = map[string]any{"value": v}
	}
	poller, err := dc.BeginCreateOrUpdate(t.Context(), rg, name, armresources.Deployment{Properties: &armresources.DeploymentProperties{
		Template: readJSON(t, "quickstarts/"+template+".json"), Parameters: params, Mode: to.Ptr(armresources.DeploymentModeIncremental)}}, nil)
	if err != nil {
		t.Fatalf("deploy %s: %v", template, err)
	}
	res, err := poller.PollUntilDone(t.Context(), poll)
	if err != nil {
		t.Fatalf("deploy %s: %v", template, err)
	}
	if st := *res.Properties.ProvisioningState; st != armresources.ProvisioningStateSucceeded {
		t.Fatalf("deploy %s: %s %v", template, st, res.Properties.Error)
	}
	outs := map[string]any{}
	if m, ok := res.Properties.Outputs.(map[string]any); ok {
		for k, v := range m {
			outs[k] = v.(map[string]any)["value"]
		}
	}
	return outs
}

func TestSDKQuickstarts(t *testing.T) {
	e := newEnv(t, "")
	ctx := t.Context()
	cred := e.credential(e.owner)
	groups, _ := armresources.NewResourceGroupsClient(sub, cred, e.clientOptions())
	dc, err := armresources.NewDeploymentsClient(sub, cred, e.clientOptions())
	if err != nil {
		t.Fatal(err)
	}
	const rg = "rg-sig-quickstarts"
	if _, err := groups.CreateOrUpdate(ctx, rg, armresources.ResourceGroup{Location: to.Ptr("eastus")}, nil); err != nil {
		t.Fatal(err)
	}
	deploy(t, dc, rg, "sig-create", "sig-create/azuredeploy", nil)
	deploy(t, dc, rg, "sig-image-definition-create", "sig-image-definition-create/azuredeploy",
		map[string]any{"galleryName": "myGallery01"})
	pre := deploy(t, dc, rg, "version-prereq", "sig-image-version-create/prereqs/prereq.azuredeploy", nil)
	ver := deploy(t, dc, rg, "sig-image-version-create", "sig-image-version-create/azuredeploy", map[string]any{
		"existingGalleryName": pre["galleryName"], "existingGalleryImageDefinitionName": pre["galleryImageDefinitionName"],
		"existingManagedImageID": pre["managedImageID"]})
	vm := deploy(t, dc, rg, "vm-from-sig", "vm-from-sig/azuredeploy", map[string]any{
		"existingGalleryName": ver["existingGalleryName"], "existingGalleryImageDefinitionName": ver["existingGalleryImageDefinitionName"],
		"existingGalleryImageVersionName": ver["galleryImageVersion"], "dnsLabelPrefix": "mysigvm-demo01"})
	if got := vm["hostname"]; got != "mysigvm-demo01.eastus.cloudapp.azure.com" {
		t.Errorf("vm-from-sig: hostname %v", got)
	}
	const rg2 = "rg-pipeline"
	if _, err := groups.CreateOrUpdate(ctx, rg2, armresources.ResourceGroup{Location: to.Ptr("eastus")}, nil); err != nil {
		t.Fatal(err)
	}
	deploy(t, dc, rg2, "pipeline", "gallery-pipeline/azuredeploy", nil)

	// The deployment as GET, list and operations show it.
	d, err := dc.Get(ctx, rg, "sig-create", nil)
	if err != nil || *d.Properties.ProvisioningState != "Succeeded" || len(d.Properties.OutputResources) == 0 {
		t.Errorf("get deployment: %v %+v", err, d)
	}
	var listed []string
	for pager := dc.NewListByResourceGroupPager(rg, nil); pager.More(); {
		p, err := pager.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, x := range p.Value {
			listed = append(listed, *x.Name)
		}
	}
	if len(listed) != 5 {
		t.Errorf("deployments listed: %q", listed)
	}
	ops := armresources.NewDeploymentOperationsClient
	oc, _ := ops(sub, cred, e.clientOptions())
	n := 0
	for pager := oc.NewListPager(rg, "sig-create", nil); pager.More(); {
		p, err := pager.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		n += len(p.Value)
	}
	if n == 0 {
		t.Error("no deployment operations")
	}
	exp, err := dc.ExportTemplate(ctx, rg, "sig-create", nil)
	if err != nil || exp.Template == nil {
		t.Errorf("export: %v", err)
	}

	// Resources through compute and the generic API.
	gc, _ := armcompute.NewGalleriesClient(sub, cred, e.clientOptions())
	g, err := gc.Get(ctx, rg, "myGallery01", nil)
	if err != nil || *g.Name != "myGallery01" {
		t.Errorf("gallery: %v", err)
	}
	rc, _ := armresources.NewClient(sub, cred, e.clientOptions())
	var types []string
	filter := "resourceType eq 'Microsoft.Compute/galleries'"
	for pager := rc.NewListByResourceGroupPager(rg, &armresources.ClientListByResourceGroupOptions{Filter: &filter}); pager.More(); {
		p, err := pager.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range p.Value {
			types = append(types, *r.Type)
		}
	}
	if len(types) != 2 || types[0] != "Microsoft.Compute/galleries" {
		t.Errorf("galleries of the group: %q", types)
	}
	all := 0
	for pager := rc.NewListPager(nil); pager.More(); {
		p, err := pager.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		all += len(p.Value)
	}
	if all < 10 {
		t.Errorf("resources of the subscription: %d", all)
	}

	// What-if of a deployed template: nothing to change; with another
	// gallery name, one to create.
	whatIf := func(galleryName string) []*armresources.WhatIfChange {
		params := map[string]any{"galleryName": map[string]any{"value": galleryName}}
		p, err := dc.BeginWhatIf(ctx, rg, "sig-create", armresources.DeploymentWhatIf{Properties: &armresources.DeploymentWhatIfProperties{
			Template: readJSON(t, "quickstarts/sig-create/azuredeploy.json"), Parameters: params, Mode: to.Ptr(armresources.DeploymentModeIncremental)}}, nil)
		if err != nil {
			t.Fatal(err)
		}
		res, err := p.PollUntilDone(ctx, poll)
		if err != nil {
			t.Fatal(err)
		}
		if *res.Status != "Succeeded" {
			t.Fatalf("what-if: %s %+v", *res.Status, res.Error)
		}
		return res.Properties.Changes
	}
	for _, c := range whatIf("myGallery01") {
		if strings.HasSuffix(*c.ResourceID, "/myGallery01") && *c.ChangeType != armresources.ChangeTypeNoChange {
			t.Errorf("what-if of the deployed gallery: %s", *c.ChangeType)
		}
	}
	created := 0
	for _, c := range whatIf("otherGallery") {
		if *c.ChangeType == armresources.ChangeTypeCreate && strings.HasSuffix(*c.ResourceID, "/otherGallery") {
			created++
		}
	}
	if created != 1 {
		t.Errorf("what-if of a new gallery: %d creates", created)
	}
}

func TestSDKValidateErrors(t *testing.T) {
	e := newEnv(t, "")
	ctx := t.Context()
	cred := e.credential(e.owner)
	groups, _ := armresources.NewResourceGroupsClient(sub, cred, e.clientOptions())
	dc, _ := armresources.NewDeploymentsClient(sub, cred, e.clientOptions())
	if _, err := groups.CreateOrUpdate(ctx, "rg1", armresources.ResourceGroup{Location: to.Ptr("eastus")}, nil); err != nil {
		t.Fatal(err)
	}
	schema := "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#"
	cases := []struct {
		name     string
		template map[string]any
		params   map[string]any
		status   int
		code     string
	}{
		{"valid", map[string]any{"$schema": schema, "contentVersion": "1.0.0.0", "resources": []any{}}, nil, 200, ""},
		{"missing parameter", map[string]any{"$schema": schema, "contentVersion": "1.0.0.0",
			"parameters": map[string]any{"galleryName": map[string]any{"type": "string"}}, "resources": []any{}}, nil, 400, "InvalidTemplate"},
		{"unknown function", map[string]any{"$schema": schema, "contentVersion": "1.0.0.0", "resources": []any{},
			"outputs": map[string]any{"x": map[string]any{"type": "string", "value": "[nosuchfunction()]"}}}, nil, 400, "InvalidTemplate"},
		{"bad gallery name", map[string]any{"$schema": schema, "contentVersion": "1.0.0.0", "resources": []any{map[string]any{
			"type": "Microsoft.Compute/galleries", "apiVersion": "2022-03-03", "name": "bad-name", "location": "eastus"}}}, nil, 400, "InvalidTemplateDeployment"},
		// A template sent over the network has no folder: a local link
		// would read the server's files.
		{"local template link", map[string]any{"$schema": schema, "contentVersion": "1.0.0.0", "resources": []any{map[string]any{
			"type": "Microsoft.Resources/deployments", "apiVersion": "2022-09-01", "name": "nested",
			"properties": map[string]any{"mode": "Incremental", "templateLink": map[string]any{"relativePath": "go.mod"}}}}}, nil, 400, "InvalidTemplate"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p, err := dc.BeginValidate(ctx, "rg1", "v1", armresources.Deployment{Properties: &armresources.DeploymentProperties{
				Template: tc.template, Parameters: tc.params, Mode: to.Ptr(armresources.DeploymentModeIncremental)}}, nil)
			if err == nil {
				_, err = p.PollUntilDone(ctx, poll)
			}
			status, code := errorCode(err)
			if err == nil {
				status = 200
			}
			if status != tc.status || code != tc.code {
				t.Errorf("got %d %q (%v), want %d %q", status, code, err, tc.status, tc.code)
			}
			if tc.name == "local template link" && (err == nil || !strings.Contains(err.Error(), "has no template folder, so it reads no local template link")) {
				t.Errorf("a local link over the network: %v", err)
			}
		})
	}
	// A template error in a PUT is a 400, and nothing is recorded.
	_, err := dc.BeginCreateOrUpdate(ctx, "rg1", "bad", armresources.Deployment{Properties: &armresources.DeploymentProperties{
		Template: cases[1].template, Mode: to.Ptr(armresources.DeploymentModeIncremental)}}, nil)
	if status, code := errorCode(err); status != 400 || code != "InvalidTemplate" {
		t.Errorf("PUT of an invalid template: %d %s (%v)", status, code, err)
	}
	_, err = dc.Get(ctx, "rg1", "bad", nil)
	if status, code := errorCode(err); status != 404 || code != "DeploymentNotFound" {
		t.Errorf("GET of the refused deployment: %d %s", status, code)
	}
}

func TestSDKImageVersionReplication(t *testing.T) {
	release := make(chan struct{})
	sleeps := make(chan struct{}, 64)
	e := newEnv(t, "", func(o *server.Options) {
		o.Simulation = arm.Simulation{PerWeight: 1, Sleep: func(ctx context.Context, _ time.Duration) error {
			sleeps <- struct{}{}
			select {
			case <-release:
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		}}
	})
	ctx := t.Context()
	cred := e.credential(e.owner)
	groups, _ := armresources.NewResourceGroupsClient(sub, cred, e.clientOptions())
	dc, _ := armresources.NewDeploymentsClient(sub, cred, e.clientOptions())
	const rg = "rg1"
	if _, err := groups.CreateOrUpdate(ctx, rg, armresources.ResourceGroup{Location: to.Ptr("eastus")}, nil); err != nil {
		t.Fatal(err)
	}
	pre := deploy(t, dc, rg, "prereq", "sig-image-version-create/prereqs/prereq.azuredeploy", nil)
	vc, err := armcompute.NewGalleryImageVersionsClient(sub, cred, e.clientOptions())
	if err != nil {
		t.Fatal(err)
	}
	gallery, def := pre["galleryName"].(string), pre["galleryImageDefinitionName"].(string)
	poller, err := vc.BeginCreateOrUpdate(ctx, rg, gallery, def, "1.0.0", armcompute.GalleryImageVersion{
		Location: to.Ptr("eastus"),
		Properties: &armcompute.GalleryImageVersionProperties{
			PublishingProfile: &armcompute.GalleryImageVersionPublishingProfile{ReplicaCount: to.Ptr[int32](1),
				TargetRegions: []*armcompute.TargetRegion{{Name: to.Ptr("eastus")}, {Name: to.Ptr("westus2"), RegionalReplicaCount: to.Ptr[int32](2)}}},
			StorageProfile: &armcompute.GalleryImageVersionStorageProfile{Source: &armcompute.GalleryArtifactVersionFullSource{ID: to.Ptr(pre["managedImageID"].(string))}},
		}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	<-sleeps // the replication has started and waits
	expand := &armcompute.GalleryImageVersionsClientGetOptions{Expand: to.Ptr(armcompute.ReplicationStatusTypesReplicationStatus)}
	v, err := vc.Get(ctx, rg, gallery, def, "1.0.0", expand)
	if err != nil {
		t.Fatal(err)
	}
	if st := *v.Properties.ProvisioningState; st != armcompute.GalleryProvisioningStateCreating {
		t.Errorf("while replicating: provisioningState %s", st)
	}
	if agg := *v.Properties.ReplicationStatus.AggregatedState; agg != armcompute.AggregatedReplicationStateInProgress {
		t.Errorf("while replicating: aggregatedState %s", agg)
	}
	plain, _ := vc.Get(ctx, rg, gallery, def, "1.0.0", nil)
	if plain.Properties.ReplicationStatus != nil {
		t.Error("replicationStatus shown without $expand=ReplicationStatus")
	}
	close(release)
	res, err := poller.PollUntilDone(ctx, poll)
	if err != nil {
		t.Fatal(err)
	}
	if *res.Properties.ProvisioningState != armcompute.GalleryProvisioningStateSucceeded {
		t.Errorf("after polling: %s", *res.Properties.ProvisioningState)
	}
	v, err = vc.Get(ctx, rg, gallery, def, "1.0.0", expand)
	if err != nil {
		t.Fatal(err)
	}
	rs := v.Properties.ReplicationStatus
	if *rs.AggregatedState != armcompute.AggregatedReplicationStateCompleted || len(rs.Summary) != 2 {
		t.Errorf("replication at the end: %s, %d regions", *rs.AggregatedState, len(rs.Summary))
	}
	for _, s := range rs.Summary {
		if *s.State != armcompute.ReplicationStateCompleted || *s.Progress != 100 {
			t.Errorf("region %s: %s %d%%", *s.Region, *s.State, *s.Progress)
		}
	}
}

func TestSDKDenialsAndNotFound(t *testing.T) {
	e := newEnv(t, "")
	ctx := t.Context()
	ownerCred := e.credential(e.owner)
	groups, _ := armresources.NewResourceGroupsClient(sub, ownerCred, e.clientOptions())
	for _, rg := range []string{"rg-read", "rg-none"} {
		if _, err := groups.CreateOrUpdate(ctx, rg, armresources.ResourceGroup{Location: to.Ptr("eastus")}, nil); err != nil {
			t.Fatal(err)
		}
	}
	ci := e.principal("ci-reader")
	e.grant(ci.ObjectID, reader, "/subscriptions/"+sub+"/resourceGroups/rg-read")
	cred := e.credential(ci)
	rg, _ := armresources.NewResourceGroupsClient(sub, cred, e.clientOptions())
	dc, _ := armresources.NewDeploymentsClient(sub, cred, e.clientOptions())
	template := readJSON(t, "quickstarts/sig-create/azuredeploy.json")
	cases := []struct {
		name   string
		call   func() error
		status int
		code   string
	}{
		{"reader reads its group", func() error { _, err := rg.Get(ctx, "rg-read", nil); return err }, 200, ""},
		{"reader cannot read another group", func() error { _, err := rg.Get(ctx, "rg-none", nil); return err }, 403, "AuthorizationFailed"},
		{"reader cannot create a group", func() error {
			_, err := rg.CreateOrUpdate(ctx, "rg-new", armresources.ResourceGroup{Location: to.Ptr("eastus")}, nil)
			return err
		}, 403, "AuthorizationFailed"},
		{"reader cannot deploy", func() error {
			_, err := dc.BeginCreateOrUpdate(ctx, "rg-read", "d1", armresources.Deployment{Properties: &armresources.DeploymentProperties{
				Template: template, Mode: to.Ptr(armresources.DeploymentModeIncremental)}}, nil)
			return err
		}, 403, "AuthorizationFailed"},
		{"owner: missing group", func() error { _, err := groups.Get(ctx, "rg-missing", nil); return err }, 404, "ResourceGroupNotFound"},
		{"owner: missing deployment", func() error {
			odc, _ := armresources.NewDeploymentsClient(sub, ownerCred, e.clientOptions())
			_, err := odc.Get(ctx, "rg-read", "nope", nil)
			return err
		}, 404, "DeploymentNotFound"},
		{"owner: missing resource", func() error {
			gc, _ := armcompute.NewGalleriesClient(sub, ownerCred, e.clientOptions())
			_, err := gc.Get(ctx, "rg-read", "nogallery", nil)
			return err
		}, 404, "ResourceNotFound"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.call()
			status, code := errorCode(err)
			if err == nil {
				status = 200
			}
			if status != tc.status || code != tc.code {
				t.Errorf("got %d %q (%v), want %d %q", status, code, err, tc.status, tc.code)
			}
			if tc.name == "local template link" && (err == nil || !strings.Contains(err.Error(), "has no template folder, so it reads no local template link")) {
				t.Errorf("a local link over the network: %v", err)
			}
			if tc.status == 403 && !strings.Contains(err.Error(), "The client '"+ci.AppID+"' with object id '"+ci.ObjectID+"' does not have authorization to perform action") {
				t.Errorf("the denial is not Azure's text: %v", err)
			}
		})
	}
	// The reader sees only its group in the subscription's list.
	var names []string
	for pager := rg.NewListPager(nil); pager.More(); {
		p, err := pager.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, g := range p.Value {
			names = append(names, *g.Name)
		}
	}
	if strings.Join(names, ",") != "rg-read" {
		t.Errorf("the reader lists %q", names)
	}
	_ = http.StatusOK
}

// The tenant "adfs" selects the ADFS-style authority in azidentity, as
// az's metadata does for MSAL Python.
func TestSDKADFSAuthority(t *testing.T) {
	e := newEnv(t, "")
	p := *e.owner
	sp := *p.ServicePrincipal
	sp.TenantID = "adfs"
	p.ServicePrincipal = &sp
	cred := e.credential(&p)
	tok, err := cred.GetToken(t.Context(), policy.TokenRequestOptions{Scopes: []string{"https://management.core.windows.net//.default"}})
	if err != nil {
		t.Fatal(err)
	}
	claims := decodeClaims(t, tok.Token)
	if claims["iss"] != e.base+"/adfs" || claims["oid"] != e.owner.ObjectID {
		t.Errorf("claims %v", claims)
	}
	groups, _ := armresources.NewResourceGroupsClient(sub, cred, e.clientOptions())
	if _, err := groups.CreateOrUpdate(t.Context(), "rg1", armresources.ResourceGroup{Location: to.Ptr("eastus")}, nil); err != nil {
		t.Fatal(err)
	}
}
