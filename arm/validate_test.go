package arm

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/armdeploy/armdeploy/templates/diag"
)

func nsg(name, location string) string {
	return `{"type": "Microsoft.Network/networkSecurityGroups", "apiVersion": "2023-04-01", "name": "` + name + `", "location": "` + location + `", "properties": {}}`
}

// galleries is a copy loop of n galleries g0…g(n-1) in location.
func galleries(n int, location string) string {
	return fmt.Sprintf(`{"type": "Microsoft.Compute/galleries", "apiVersion": "2022-03-03", "name": "[format('g{0}', copyIndex())]", "location": "%s", "properties": {}, "copy": {"name": "gs", "count": %d}}`, location, n)
}

const vnetWithoutAddressSpace = `{"type": "Microsoft.Network/virtualNetworks", "apiVersion": "2023-04-01", "name": "vnet1", "location": "eastus", "properties": {}}`

// refusals are the codes and texts of a refusal: the template's errors,
// the preflight's inner errors, or the error returned.
func refusals(err error, x *Expansion, pf *Error) []string {
	var out []string
	switch {
	case err != nil:
		code := "error"
		if e, ok := AsError(err); ok {
			code = e.Code
		}
		out = append(out, code+": "+err.Error())
	case x.Failed():
		for _, d := range x.Diags.Errors() {
			out = append(out, d.Code+": "+d.Message)
		}
	case pf != nil:
		for _, d := range pf.Details {
			out = append(out, d.Code+": "+d.Message)
		}
	}
	slices.Sort(out)
	return out
}

// Validate is the deployment's preflight: every kind of refusal a
// deployment meets before its first PUT (the store unchanged) is reported by
// validate with the same code and text.
func TestValidateIsPreflight(t *testing.T) {
	tests := []struct {
		name string
		// setup is deployed first (into rg1, eastus) when set.
		setup     string
		template  string
		principal string
		code      string
		// lenient is set for the refusals validate leaves to deploy: a
		// resource the template refers to outside itself (it may exist in
		// the state the deployment will have), and one built from a
		// quickstart-gallery placeholder (a warning with the code).
		lenient bool
		warning bool
	}{
		{name: "template error", template: rgTemplate(`{"type": "Microsoft.Network/networkSecurityGroups", "apiVersion": "2023-04-01", "name": "[parameters('nope')]", "location": "eastus"}`), code: "InvalidTemplate"},
		{name: "body against its schema", template: rgTemplate(`{"type": "Microsoft.Network/networkSecurityGroups", "apiVersion": "2023-04-01", "name": "n", "location": "eastus", "properties": {"securityRules": 5}}`), code: "InvalidTemplate"},
		{name: "unknown api-version", template: rgTemplate(`{"type": "Microsoft.Network/networkSecurityGroups", "apiVersion": "2099-01-01", "name": "n", "location": "eastus", "properties": {}}`), code: "NoRegisteredProviderFound"},
		{name: "unknown location", template: rgTemplate(nsg("n", "narnia")), code: "LocationNotAvailableForResourceType"},
		{name: "invalid name", template: rgTemplate(gallery("bad-name")), code: "InvalidParameter"},
		{name: "provider rule", template: rgTemplate(vnetWithoutAddressSpace), code: "InvalidParameter"},
		{name: "quota of galleries per region", template: rgTemplate(galleries(101, "westus")), code: "QuotaExceeded"},
		{name: "quota of galleries stored and planned", setup: rgTemplate(galleries(60, "westus")),
			template: rgTemplate(galleries(60, "westus"), strings.Replace(galleries(41, "westus"), "'g{0}'", "'h{0}'", 1)), code: "QuotaExceeded"},
		{name: "missing parent", template: rgTemplate(`{"type": "Microsoft.Compute/galleries/images", "apiVersion": "2022-03-03", "name": "elsewhere/def", "location": "eastus",
			"properties": {"osType": "Linux", "osState": "Generalized", "identifier": {"publisher": "p", "offer": "o", "sku": "s"}}}`), code: "ParentResourceNotFound", lenient: true},
		{name: "quickstart placeholder", template: rgTemplate(gallery("GEN-UNIQUE")), code: "InvalidParameter", lenient: true, warning: true},
		{name: "name taken in another location", setup: rgTemplate(gallery("g1")), template: rgTemplate(strings.Replace(gallery("g1"), "eastus", "westus", 1)), code: "InvalidResourceLocation"},
		{name: "801 resources", template: rgTemplate(strings.Replace(nsg("[format('n{0}', copyIndex())]", "eastus"), `"properties"`, `"copy": {"name": "c", "count": 800}, "properties"`, 1), nsg("extra", "eastus")), code: "InvalidTemplate"},
		{name: "cycle", template: rgTemplate(strings.Replace(nsg("a", "eastus"), `"properties"`, `"dependsOn": ["b"], "properties"`, 1), strings.Replace(nsg("b", "eastus"), `"properties"`, `"dependsOn": ["a"], "properties"`, 1)), code: "InvalidTemplate"},
		{name: "unresolvable link", template: rgTemplate(`{"type": "Microsoft.Resources/deployments", "apiVersion": "2022-09-01", "name": "inner", "properties": {"mode": "Incremental", "templateLink": {"uri": "https://example.com/nowhere/inner.json"}}}`), code: "InvalidContentLink"},
		{name: "access", principal: "11111111-1111-1111-1111-111111111111", template: rgTemplate(nsg("n", "eastus")), code: "AuthorizationFailed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, dir := newService(t)
			sc := Scope{SubscriptionID: sub0, ResourceGroup: "rg1"}
			if tt.setup != "" {
				res, err := s.CreateOrUpdate(t.Context(), &DeploymentRequest{Scope: sc, Location: "eastus", CreateGroup: true,
					Template: Template{File: writeFile(t, dir, "setup.json", tt.setup)}})
				if err != nil || res.Status() != "Succeeded" {
					t.Fatalf("setup: %v %v", err, res.Diags)
				}
			}
			file := writeFile(t, dir, "main.json", tt.template)
			before := export(t, s)
			dres, err := s.CreateOrUpdate(t.Context(), &DeploymentRequest{Scope: sc, Location: "eastus", CreateGroup: true,
				Principal: tt.principal, Template: Template{File: file}})
			var deployed []string
			if err != nil {
				deployed = refusals(err, nil, nil)
			} else {
				deployed = refusals(nil, dres.Expansion, dres.Preflight)
			}
			if after := export(t, s); after != before {
				t.Error("the refused deployment changed the store")
			}
			vres, err := s.Validate(t.Context(), &DeploymentRequest{Scope: sc, Location: "eastus",
				Principal: tt.principal, Template: Template{File: file}})
			var validated []string
			if err != nil {
				validated = refusals(err, nil, nil)
			} else {
				validated = refusals(nil, vres.Expansion, nil)
				if vres.Valid() != tt.lenient {
					t.Errorf("validate: valid %v", vres.Valid())
				}
				var warned bool
				for _, d := range vres.Diags {
					warned = warned || d.Severity == diag.Warning && strings.HasPrefix(d.Code+": "+d.Message, deployed[0])
				}
				if warned != tt.warning {
					t.Errorf("validate warns %v, want %v: %v", warned, tt.warning, vres.Diags)
				}
				if tt.lenient {
					validated = deployed
				}
			}
			if len(deployed) == 0 || !strings.HasPrefix(deployed[0], tt.code+": ") {
				t.Fatalf("deploy: %q, want %s", deployed, tt.code)
			}
			if tt.code == "AuthorizationFailed" {
				// The operation checked is another (deployments/write,
				// deployments/validate/action): only the code is the same.
				if len(validated) != 1 || !strings.HasPrefix(validated[0], tt.code+": ") {
					t.Errorf("validate: %q, want %s", validated, tt.code)
				}
				return
			}
			if !slices.Equal(deployed, validated) {
				t.Errorf("validate reports\n%q\ndeploy refuses with\n%q", validated, deployed)
			}
			if export(t, s) != before {
				t.Error("validate changed the store")
			}
		})
	}
}

// One validation reports every independent fault of a template at once, at
// its declaration, in file order, and nothing that follows from one of
// them (the subnet of a refused network, a resource depending on a
// refused one).
func TestValidateReportsEveryFault(t *testing.T) {
	s, dir := newService(t)
	template := `{` + rgSchema + `, "resources": [
` + nsg("nsg1", "narnia") + `,
` + gallery("bad-name") + `,
{"type": "Microsoft.Network/publicIPAddresses", "apiVersion": "2099-01-01", "name": "ip1", "location": "eastus", "properties": {}},
` + galleries(101, "westus") + `,
` + vnetWithoutAddressSpace + `,
{"type": "Microsoft.Network/virtualNetworks/subnets", "apiVersion": "2023-04-01", "name": "vnet1/s1", "properties": {"addressPrefix": "10.0.0.0/24"}, "dependsOn": ["vnet1"]},
{"type": "Microsoft.Network/networkInterfaces", "apiVersion": "2023-04-01", "name": "nic1", "location": "eastus", "dependsOn": ["ip1"],
 "properties": {"ipConfigurations": [{"name": "c", "properties": {"publicIPAddress": {"id": "[resourceId('Microsoft.Network/publicIPAddresses', 'ip1')]"}}}]}},
` + nsg("fine", "eastus") + `
]}`
	file := writeFile(t, dir, "main.json", template)
	want := []string{
		"main.json:2 LocationNotAvailableForResourceType",
		"main.json:3 InvalidParameter: Gallery name is invalid.",
		"main.json:4 NoRegisteredProviderFound",
		"main.json:5 QuotaExceeded",
		"main.json:6 InvalidParameter: Required parameter 'addressSpace.addressPrefixes' is missing (null).",
	}
	for range 2 { // deterministic
		before := export(t, s)
		res, err := s.Validate(context.Background(), &DeploymentRequest{Scope: Scope{SubscriptionID: sub0, ResourceGroup: "rg1"},
			Location: "eastus", Template: Template{File: file}})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, d := range res.Diags.Errors() {
			got = append(got, fmt.Sprintf("%s:%d %s: %s", strings.TrimPrefix(d.Range.File, dir+"/"), d.Range.Start.Line, d.Code, d.Message))
		}
		if len(got) != len(want) {
			t.Fatalf("got %d errors, want %d:\n%s", len(got), len(want), strings.Join(got, "\n"))
		}
		for i := range want {
			if !strings.HasPrefix(got[i], want[i]) {
				t.Errorf("error %d:\n got %s\nwant %s…", i, got[i], want[i])
			}
		}
		if e := res.Error(); e == nil || e.Code != "InvalidTemplate" {
			t.Errorf("REST error %+v, want InvalidTemplate (a template error comes first)", e)
		}
		if export(t, s) != before {
			t.Error("validate changed the store")
		}
	}
}

// A validation the providers refuse is ARM's 400 InvalidTemplateDeployment
// with one inner error per resource; a valid one has no error.
func TestValidateRESTError(t *testing.T) {
	s, dir := newService(t)
	sc := Scope{SubscriptionID: sub0, ResourceGroup: "rg1"}
	res, err := s.Validate(t.Context(), &DeploymentRequest{Scope: sc, Location: "eastus", Name: "x",
		Template: Template{File: writeFile(t, dir, "bad.json", rgTemplate(gallery("bad-name"), nsg("n", "narnia")))}})
	if err != nil {
		t.Fatal(err)
	}
	e := res.Error()
	if e == nil || e.Code != "InvalidTemplateDeployment" || e.Status != 400 || len(e.Details) != 2 ||
		!strings.HasPrefix(e.Message, "The template deployment 'x' is not valid according to the validation procedure. The tracking id is '") {
		t.Fatalf("error %+v", e)
	}
	if res.Deployment != nil {
		t.Error("a refused validation has a deployment object")
	}
	res, err = s.Validate(t.Context(), &DeploymentRequest{Scope: sc, Location: "eastus", Name: "y",
		Template: Template{File: writeFile(t, dir, "good.json", rgTemplate(gallery("g1")))}})
	if err != nil || res.Error() != nil || res.Deployment == nil {
		t.Fatalf("valid: %v %+v", err, res.Error())
	}
}

// TestPreflightQuotaUpdatesDoNotCount: the galleries a template updates
// are not counted again by the preflight, those it adds are: 60 stored,
// 60 updated and 40 added make the 100 allowed in a region.
func TestPreflightQuotaUpdatesDoNotCount(t *testing.T) {
	s, dir := newService(t)
	sc := Scope{SubscriptionID: sub0, ResourceGroup: "rg1"}
	for i, tmpl := range []string{
		rgTemplate(galleries(60, "westus")),
		rgTemplate(galleries(60, "westus"), strings.Replace(galleries(40, "westus"), "'g{0}'", "'h{0}'", 1)),
	} {
		res, err := s.CreateOrUpdate(t.Context(), &DeploymentRequest{Scope: sc, Location: "eastus", CreateGroup: true,
			Template: Template{File: writeFile(t, dir, fmt.Sprintf("t%d.json", i), tmpl)}})
		if err != nil || res.Status() != "Succeeded" {
			t.Fatalf("deployment %d: %v %v %v", i, err, res.Diags, res.Preflight)
		}
	}
}
