package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

// TestQuickstartPipeline deploys the four gallery quickstarts in sequence,
// prerequisite before main template, passing each deployment's outputs on
// as parameters of the next, once with the JSON files and once with the
// YAML files (each in a store of its own). After every deploy, a what-if of
// the same template with the same parameters must show only NoChange (and
// Ignore for the group's other resources). vm-from-sig's hostname output
// must be <label>.<region>.cloudapp.azure.com.
func TestQuickstartPipeline(t *testing.T) {
	root, err := filepath.Abs(filepath.Join("..", "..", "quickstarts"))
	if err != nil {
		t.Fatal(err)
	}
	for _, ext := range []string{".json", ".yaml"} {
		t.Run(strings.TrimPrefix(ext, "."), func(t *testing.T) {
			dir := t.TempDir()
			t.Chdir(dir)
			t.Setenv("NO_COLOR", "1")
			t.Setenv("ARMDEPLOY_STATE", filepath.Join(dir, "state"+ext+".db"))
			quickstartChain(&pipeline{t: t, root: root, ext: ext})
		})
	}
}

// quickstartChain deploys the chain of quickstarts/README.md into the
// store that ARMDEPLOY_STATE names.
func quickstartChain(p *pipeline) {
	t := p.t
	t.Helper()

	// The chain of quickstarts/README.md, in one group.
	const rg, region = "rg-sig-quickstarts", "eastus"
	p.deploy(rg, region, "sig-create/azuredeploy")

	def := p.deploy(rg, "", "sig-image-definition-create/prereqs/prereq.azuredeploy")
	p.deploy(rg, "", "sig-image-definition-create/azuredeploy",
		"galleryName="+def.output("galleryName"))

	pre := p.deploy(rg, "", "sig-image-version-create/prereqs/prereq.azuredeploy")
	ver := p.deploy(rg, "", "sig-image-version-create/azuredeploy",
		"existingGalleryName="+pre.output("galleryName"),
		"existingGalleryImageDefinitionName="+pre.output("galleryImageDefinitionName"),
		"existingManagedImageID="+pre.output("managedImageID"))
	if got := ver.output("galleryImageVersion"); got != "0.0.1" {
		t.Errorf("sig-image-version-create: galleryImageVersion = %q, want 0.0.1", got)
	}

	vm := p.deploy(rg, "", "vm-from-sig/azuredeploy",
		"existingGalleryName="+ver.output("existingGalleryName"),
		"existingGalleryImageDefinitionName="+ver.output("existingGalleryImageDefinitionName"),
		"existingGalleryImageVersionName="+ver.output("galleryImageVersion"),
		"dnsLabelPrefix=mysigvm-demo01")
	if got, want := vm.output("hostname"), "mysigvm-demo01."+region+".cloudapp.azure.com"; got != want {
		t.Errorf("vm-from-sig: hostname = %q, want %q", got, want)
	}

	// vm-from-sig's own prerequisite, in a group of its own in
	// another region (README: its disk and image clash with the
	// version prerequisite's).
	const rg2, region2 = "rg-vm-from-sig", "westus2"
	vpre := p.deploy(rg2, region2, "vm-from-sig/prereqs/prereq.azuredeploy")
	vm2 := p.deploy(rg2, "", "vm-from-sig/azuredeploy",
		"existingGalleryName="+vpre.output("galleryName"),
		"existingGalleryImageDefinitionName="+vpre.output("galleryImageDefinitionName"),
		"existingGalleryImageVersionName="+vpre.output("galleryImageVersionName"),
		"dnsLabelPrefix=sigvm-west01")
	if got, want := vm2.output("hostname"), "sigvm-west01."+region2+".cloudapp.azure.com"; got != want {
		t.Errorf("vm-from-sig (own prerequisite): hostname = %q, want %q", got, want)
	}
}

type pipeline struct {
	t    *testing.T
	root string // absolute path of quickstarts/
	ext  string // ".json" or ".yaml"
}

// deployment is the part of `deploy -o json` the pipeline reads.
type deployment struct {
	t          *testing.T
	name       string
	Properties struct {
		ProvisioningState string `json:"provisioningState"`
		Outputs           map[string]struct {
			Type  string `json:"type"`
			Value any    `json:"value"`
		} `json:"outputs"`
		Error json.RawMessage `json:"error"`
	} `json:"properties"`
}

// output returns a string output of the deployment.
func (d *deployment) output(name string) string {
	d.t.Helper()
	o, ok := d.Properties.Outputs[name]
	if !ok {
		d.t.Fatalf("%s: no output %q (outputs: %v)", d.name, name, d.Properties.Outputs)
	}
	s, ok := o.Value.(string)
	if !ok {
		d.t.Fatalf("%s: output %q is %T, not a string", d.name, name, o.Value)
	}
	return s
}

// args returns -f TEMPLATE -p @PARAMETERS [-p override]... for a template
// path relative to quickstarts/ without extension.
func (p *pipeline) args(template string, overrides []string) []string {
	file := filepath.Join(p.root, filepath.FromSlash(template))
	args := []string{"-f", file + p.ext, "-p", "@" + file + ".parameters" + p.ext}
	for _, o := range overrides {
		args = append(args, "-p", o)
	}
	return args
}

// deploy deploys a quickstart template with its parameter file and the
// overrides, checks that it succeeded, then checks that a what-if of the
// same template shows nothing but NoChange and Ignore. location, when
// given, creates the group.
func (p *pipeline) deploy(group, location, template string, overrides ...string) *deployment {
	t := p.t
	t.Helper()
	name := template + p.ext
	args := []string{"deploy", "-g", group}
	if location != "" {
		args = append(args, "-l", location)
	}
	args = append(args, p.args(template, overrides)...)
	args = append(args, "--no-tui", "-o", "json")
	code, stdout, stderr := runCLI(t, args...)
	if code != 0 {
		t.Fatalf("deploy %s: exit %d\nstdout:\n%s\nstderr:\n%s", name, code, stdout, stderr)
	}
	d := &deployment{t: t, name: name}
	if err := json.Unmarshal([]byte(stdout), d); err != nil {
		t.Fatalf("deploy %s: the output is not a deployment object: %v\n%s", name, err, stdout)
	}
	if d.Properties.ProvisioningState != "Succeeded" {
		t.Fatalf("deploy %s: provisioningState %q, error %s", name, d.Properties.ProvisioningState, d.Properties.Error)
	}
	outs := map[string]any{}
	for k, o := range d.Properties.Outputs {
		outs[k] = o.Value
	}
	t.Logf("deployed %s to %s: outputs %v", name, group, outs)
	p.whatIfNoChange(group, template, overrides)
	return d
}

// whatIfNoChange runs what-if of a template that was just deployed and
// requires only NoChange and Ignore, without property changes, and exit 0
// with --detailed-exit-code.
func (p *pipeline) whatIfNoChange(group, template string, overrides []string) {
	t := p.t
	t.Helper()
	name := template + p.ext
	args := append([]string{"what-if", "-g", group}, p.args(template, overrides)...)
	code, stdout, stderr := runCLI(t, append(args, "-o", "json", "--detailed-exit-code")...)
	if code != 0 {
		t.Errorf("what-if %s after its deploy: exit %d, want 0\n%s%s", name, code, stdout, stderr)
	}
	var res struct {
		Status  string `json:"status"`
		Changes []struct {
			ResourceID string            `json:"resourceId"`
			ChangeType string            `json:"changeType"`
			Delta      []json.RawMessage `json:"delta"`
		} `json:"changes"`
	}
	if err := json.Unmarshal([]byte(stdout), &res); err != nil {
		t.Fatalf("what-if %s: the output is not a WhatIfOperationResult: %v\n%s", name, err, stdout)
	}
	if res.Status != "Succeeded" {
		t.Errorf("what-if %s: status %q", name, res.Status)
	}
	noChange := 0
	for _, c := range res.Changes {
		switch c.ChangeType {
		case "NoChange":
			noChange++
			if len(c.Delta) > 0 {
				t.Errorf("what-if %s after its deploy: %s is NoChange but has property changes: %s", name, c.ResourceID, c.Delta)
			}
		case "Ignore":
		default:
			t.Errorf("what-if %s after its deploy: %s is %s, want NoChange", name, c.ResourceID, c.ChangeType)
		}
	}
	if noChange == 0 {
		t.Errorf("what-if %s after its deploy: no NoChange resource at all\n%s", name, stdout)
	}
}
