package arm

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/armdeploy/armdeploy/providers"
	"github.com/armdeploy/armdeploy/state"
)

// The RBAC matrix: each principal (its role assignments below: at a
// resource, a group, the subscription or the tenant root management
// group) against each operation of the control plane, on a fresh store
// per cell. A cell
// is Y (allowed: no AuthorizationFailed anywhere in the outcome), N
// (denied with AuthorizationFailed, and the store unchanged) or, for a
// listing, the number of compute resources or groups the principal sees.

// rbacPrincipals are the matrix's columns; "" is the default principal
// (the Owner of everything).
var rbacPrincipals = []string{"", "subOwner", "contribA", "readerA", "uaa", "galReader", "defReader", "verReader", "whatIfer", "contribB", "contribBver", "mgReader", "nobody"}

const (
	rgA      = "/subscriptions/" + DefaultSubscription + "/resourceGroups/rga"
	rgB      = "/subscriptions/" + DefaultSubscription + "/resourceGroups/rgb"
	galID    = rgA + "/providers/Microsoft.Compute/galleries/gal"
	defID    = galID + "/images/win"
	verID    = defID + "/versions/1.0.0"
	subID    = "/subscriptions/" + DefaultSubscription
	whatIfID = "7f0e0f9c-2d35-4a5e-9b8b-3a3d1c0a9f11"
)

// rbacFixture builds the matrix's store and returns its file: groups rga
// (a gallery with an image definition, a version from a managed image,
// and a deployment record) and rgb (a gallery), and each principal's role
// assignments. The store is closed; each cell opens a copy.
func rbacFixture(t *testing.T) string {
	t.Helper()
	s, dir := newService(t)
	defer s.Close()
	ctx := t.Context()
	for _, g := range []string{"rga", "rgb"} {
		if _, err := s.CreateOrUpdateGroup(ctx, "", GroupRequest{SubscriptionID: sub0, Name: g, Location: "eastus"}); err != nil {
			t.Fatal(err)
		}
	}
	put := func(id, body string) {
		t.Helper()
		if _, err := s.PutResource(ctx, "", id, "2023-07-03", json.RawMessage(body)); err != nil {
			t.Fatalf("put %s: %v", id, err)
		}
	}
	put(galID, `{"location":"eastus","properties":{}}`)
	put(defID, `{"location":"eastus","properties":{"osType":"Linux","osState":"Generalized","identifier":{"publisher":"p","offer":"o","sku":"s"}}}`)
	put(rgA+"/providers/Microsoft.Compute/disks/disk", `{"location":"eastus","properties":{"osType":"Linux","creationData":{"createOption":"Empty"},"diskSizeGB":30}}`)
	put(rgA+"/providers/Microsoft.Compute/images/img", `{"location":"eastus","properties":{"storageProfile":{"osDisk":{"osType":"Linux","osState":"Generalized","managedDisk":{"id":"`+rgA+`/providers/Microsoft.Compute/disks/disk"}}}}}`)
	put(verID, `{"location":"eastus","properties":{"publishingProfile":{"targetRegions":[{"name":"eastus"}]},"storageProfile":{"source":{"id":"`+rgA+`/providers/Microsoft.Compute/images/img"}}}}`)
	put(rgB+"/providers/Microsoft.Compute/galleries/galb", `{"location":"eastus","properties":{}}`)
	put(subID+"/providers/Microsoft.Authorization/roleDefinitions/"+whatIfID, `{"properties":{"roleName":"What-if Reader","type":"CustomRole",
		"permissions":[{"actions":["*/read","Microsoft.Resources/deployments/whatIf/action","Microsoft.Resources/deployments/validate/action"],"notActions":[]}],
		"assignableScopes":["`+subID+`"]}}`)
	n := 0
	assign := func(scope, principal, role string) {
		t.Helper()
		n++
		put(fmt.Sprintf("%s/providers/Microsoft.Authorization/roleAssignments/00000000-0000-0000-0000-%012d", scope, n),
			`{"properties":{"principalId":"`+principal+`","roleDefinitionId":"`+subID+`/providers/Microsoft.Authorization/roleDefinitions/`+role+`"}}`)
	}
	assign(subID, "subOwner", providers.RoleOwner)
	assign(subID, "uaa", providers.RoleUserAccessAdministrator)
	assign(rgA, "contribA", providers.RoleContributor)
	assign(rgA, "readerA", providers.RoleReader)
	assign(galID, "galReader", providers.RoleReader)
	assign(defID, "defReader", providers.RoleReader)
	assign(verID, "verReader", providers.RoleReader)
	assign(rgA, "whatIfer", whatIfID)
	assign(rgB, "contribB", providers.RoleContributor)
	assign(rgB, "contribBver", providers.RoleContributor)
	assign(verID, "contribBver", providers.RoleReader)
	assign("/providers/Microsoft.Management/managementGroups/"+DefaultTenant, "mgReader", providers.RoleReader)
	res, err := s.CreateOrUpdate(ctx, &DeploymentRequest{Scope: Scope{SubscriptionID: sub0, ResourceGroup: "rga"}, Name: "fixture",
		Template: Template{File: "fixture.json", Content: []byte(rgTemplate(gallery("deployed")))}})
	if err != nil || res.Record == nil || res.Record.Status != "Succeeded" {
		t.Fatalf("fixture deployment: %v %+v", err, res)
	}
	return filepath.Join(dir, "state.db")
}

// openCopy opens a service over a copy of the store file.
func openCopy(t *testing.T, file string) *Service {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "state.db")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return openAt(t, path)
}

// deployReq is a deployment request into rga of a template with the
// given resources.
func deployReq(principal, name string, resources ...string) *DeploymentRequest {
	return &DeploymentRequest{Scope: Scope{SubscriptionID: sub0, ResourceGroup: "rga"}, Name: name, Principal: principal,
		Template: Template{File: name + ".json", Content: []byte(rgTemplate(resources...))}}
}

// outcome folds an operation's result into its cell: N when anything in
// it is an AuthorizationFailed, else Y.
func outcome(err error, texts ...string) string {
	if err != nil {
		var e *Error
		if errors.As(err, &e) && e.Code == "AuthorizationFailed" || strings.Contains(err.Error(), "AuthorizationFailed") {
			return "N"
		}
	}
	for _, s := range texts {
		if strings.Contains(s, "AuthorizationFailed") || strings.Contains(s, "does not have authorization") {
			return "N"
		}
	}
	return "Y"
}

// expansionText is every diagnostic and error of a result, for outcome.
func expansionText(x *Expansion) string {
	if x == nil {
		return ""
	}
	var b strings.Builder
	for _, d := range x.Diags {
		b.WriteString(d.Code + ": " + d.Message + "\n")
	}
	return b.String()
}

// deployOutcome is the cell of a create-or-update: its error, its
// diagnostics and its record's error.
func deployOutcome(res *DeploymentResult, err error) string {
	text := ""
	if res != nil {
		text = expansionText(res.Expansion)
		if res.Record != nil {
			text += string(res.Record.Error)
		}
	}
	return outcome(err, text)
}

func computeCount(rs []*state.Resource) string {
	n := 0
	for _, r := range rs {
		if strings.HasPrefix(strings.ToLower(r.Type), "microsoft.compute/") {
			n++
		}
	}
	return fmt.Sprint(n)
}

func TestRBACMatrix(t *testing.T) {
	vm := `{"location":"eastus","properties":{"hardwareProfile":{"vmSize":"Standard_D2s_v3"},
		"storageProfile":{"imageReference":{"id":"` + verID + `"}},
		"osProfile":{"computerName":"vm","adminUsername":"azureuser","adminPassword":"Passw0rd!Passw0rd"},
		"networkProfile":{"networkInterfaces":[{"id":"` + rgB + `/providers/Microsoft.Network/networkInterfaces/nic"}]}}}`
	ops := []struct {
		name string
		// want has one cell per principal of rbacPrincipals.
		want string
		run  func(ctx context.Context, s *Service, p string) string
	}{
		{"get group rga", "YYYYYNNNYNNYN", func(ctx context.Context, s *Service, p string) string {
			_, err := s.GetGroup(ctx, p, sub0, "rga")
			return outcome(err)
		}},
		{"list groups", "2211200011120", func(ctx context.Context, s *Service, p string) string {
			gs, err := s.ListGroups(ctx, p, sub0)
			if err != nil {
				return err.Error()
			}
			return fmt.Sprint(len(gs))
		}},
		{"create group", "YYNNNNNNNNNNN", func(ctx context.Context, s *Service, p string) string {
			_, err := s.CreateOrUpdateGroup(ctx, p, GroupRequest{SubscriptionID: sub0, Name: "rgnew", Location: "eastus"})
			return outcome(err)
		}},
		{"delete group rgb", "YYNNNNNNNYYNN", func(ctx context.Context, s *Service, p string) string {
			return outcome(s.DeleteGroup(ctx, p, sub0, "rgb"))
		}},
		{"get gallery", "YYYYYYNNYNNYN", func(ctx context.Context, s *Service, p string) string {
			_, err := s.GetResource(ctx, p, galID)
			return outcome(err)
		}},
		{"get image version", "YYYYYYYYYNYYN", func(ctx context.Context, s *Service, p string) string {
			_, err := s.GetResource(ctx, p, verID)
			return outcome(err)
		}},
		{"list resources rga", "6666632160160", func(ctx context.Context, s *Service, p string) string {
			rs, err := s.ListResources(ctx, p, ResourceFilter{SubscriptionID: sub0, ResourceGroup: "rga"})
			if err != nil {
				return outcome(err)
			}
			return computeCount(rs)
		}},
		{"put gallery in rga", "YYYNNNNNNNNNN", func(ctx context.Context, s *Service, p string) string {
			_, err := s.PutResource(ctx, p, rgA+"/providers/Microsoft.Compute/galleries/gal2", "2022-03-03", json.RawMessage(`{"location":"eastus","properties":{}}`))
			return outcome(err)
		}},
		{"put gallery in rgb", "YYNNNNNNNYYNN", func(ctx context.Context, s *Service, p string) string {
			_, err := s.PutResource(ctx, p, rgB+"/providers/Microsoft.Compute/galleries/gal2", "2022-03-03", json.RawMessage(`{"location":"eastus","properties":{}}`))
			return outcome(err)
		}},
		{"delete image version", "YYYNNNNNNNNNN", func(ctx context.Context, s *Service, p string) string {
			return outcome(s.DeleteResource(ctx, p, verID))
		}},
		{"deploy to rga", "YYYNNNNNNNNNN", func(ctx context.Context, s *Service, p string) string {
			res, err := s.CreateOrUpdate(ctx, deployReq(p, "dep2", gallery("gal2")))
			return deployOutcome(res, err)
		}},
		{"deploy reading rgb", "YYNNNNNNNNNNN", func(ctx context.Context, s *Service, p string) string {
			res, err := s.CreateOrUpdate(ctx, deployReq(p, "dep3", `{"type": "Microsoft.Compute/galleries", "apiVersion": "2022-03-03", "name": "gal3", "location": "eastus",
				"properties": {"description": "[reference(resourceId('rgb', 'Microsoft.Compute/galleries', 'galb'), '2022-03-03').provisioningState]"}}`))
			return deployOutcome(res, err)
		}},
		{"deploy nested into rgb", "YYNNNNNNNNNNN", func(ctx context.Context, s *Service, p string) string {
			res, err := s.CreateOrUpdate(ctx, deployReq(p, "dep4", `{"type": "Microsoft.Resources/deployments", "apiVersion": "2022-09-01", "name": "inner", "resourceGroup": "rgb",
				"properties": {"mode": "Incremental", "template": {`+rgSchema+`, "resources": [`+gallery("galx")+`]}}}`))
			return deployOutcome(res, err)
		}},
		{"what-if rga", "YYYNNNNNNNNNN", func(ctx context.Context, s *Service, p string) string {
			res, err := s.WhatIf(ctx, deployReq(p, "wi", gallery("gal2")))
			if res != nil {
				return outcome(err, expansionText(res.Expansion))
			}
			return outcome(err)
		}},
		{"what-if rga ProviderNoRbac", "YYYNNNNNYNNNN", func(ctx context.Context, s *Service, p string) string {
			req := deployReq(p, "wi", gallery("gal2"))
			req.ValidationLevel = ValidationProviderNoRbac
			res, err := s.WhatIf(ctx, req)
			if res != nil {
				return outcome(err, expansionText(res.Expansion))
			}
			return outcome(err)
		}},
		{"validate rga", "YYYNNNNNNNNNN", func(ctx context.Context, s *Service, p string) string {
			res, err := s.Validate(ctx, deployReq(p, "v", gallery("gal2")))
			if res != nil {
				return outcome(err, expansionText(res.Expansion))
			}
			return outcome(err)
		}},
		{"list deployments rga", "YYYYYNNNYNNYN", func(ctx context.Context, s *Service, p string) string {
			_, err := s.ListDeployments(ctx, p, Scope{SubscriptionID: sub0, ResourceGroup: "rga"})
			return outcome(err)
		}},
		{"deployment operations", "YYYYYNNNYNNYN", func(ctx context.Context, s *Service, p string) string {
			_, err := s.ListOperations(ctx, p, Scope{SubscriptionID: sub0, ResourceGroup: "rga"}, "fixture")
			return outcome(err)
		}},
		{"export template", "YYYNNNNNNNNNN", func(ctx context.Context, s *Service, p string) string {
			_, err := s.ExportTemplate(ctx, p, Scope{SubscriptionID: sub0, ResourceGroup: "rga"}, "fixture")
			return outcome(err)
		}},
		{"delete deployment", "YYYNNNNNNNNNN", func(ctx context.Context, s *Service, p string) string {
			return outcome(s.DeleteDeployment(ctx, p, Scope{SubscriptionID: sub0, ResourceGroup: "rga"}, "fixture"))
		}},
		{"VM in rgb from the image version", "YYNNNNNNNNYNN", func(ctx context.Context, s *Service, p string) string {
			_, err := s.PutResource(ctx, p, rgB+"/providers/Microsoft.Compute/virtualMachines/vm", "2024-07-01", json.RawMessage(vm))
			return outcome(err)
		}},
		{"role assignments at rga", "YYYYYNNNYNNYN", func(ctx context.Context, s *Service, p string) string {
			_, err := s.ListRoleAssignments(ctx, p, rgA)
			return outcome(err)
		}},
		{"assign a role at rga", "YYNNYNNNNNNNN", func(ctx context.Context, s *Service, p string) string {
			_, err := s.PutResource(ctx, p, rgA+"/providers/Microsoft.Authorization/roleAssignments/99999999-0000-0000-0000-000000000001", "2022-04-01",
				json.RawMessage(`{"properties":{"principalId":"eve","roleDefinitionId":"`+subID+`/providers/Microsoft.Authorization/roleDefinitions/`+providers.RoleOwner+`"}}`))
			return outcome(err)
		}},
		{"export state", "YYNNNNNNNNNNN", func(ctx context.Context, s *Service, p string) string {
			var b strings.Builder
			return outcome(s.ExportState(ctx, p, &b))
		}},
		{"cost of rga", "YYYYYNNNYNNYN", func(ctx context.Context, s *Service, p string) string {
			_, err := s.Cost(ctx, p, sub0, "rga")
			return outcome(err)
		}},
		{"subscriptions listed", "1111100011110", func(ctx context.Context, s *Service, p string) string {
			subs, err := s.ListSubscriptions(ctx, p)
			if err != nil {
				return err.Error()
			}
			return fmt.Sprint(len(subs))
		}},
	}
	fixture := rbacFixture(t)
	for _, op := range ops {
		if len(op.want) != len(rbacPrincipals) {
			t.Fatalf("%s: %d cells for %d principals", op.name, len(op.want), len(rbacPrincipals))
		}
		for i, p := range rbacPrincipals {
			name := p
			if name == "" {
				name = "owner"
			}
			t.Run(op.name+"/"+name, func(t *testing.T) {
				s := openCopy(t, fixture)
				before := export(t, s)
				got := op.run(t.Context(), s, p)
				if want := op.want[i : i+1]; got != want {
					t.Errorf("%s as %s: got %s, want %s", op.name, name, got, want)
				}
				if got == "N" {
					if after := export(t, s); after != before {
						t.Errorf("%s as %s was denied but changed the store", op.name, name)
					}
				}
			})
		}
	}
}
