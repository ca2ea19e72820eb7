package main

import (
	"bytes"
	"path/filepath"
	"testing"
	"time"

	"github.com/armdeploy/armdeploy/arm"
	"github.com/armdeploy/armdeploy/templates/diag"
)

// The CLI is a front-end of arm: for each operation, what 'armdeploy ...
// -o json' prints is the JSON of the result arm returns (the same JSON
// the REST API will send).
func TestCLIAndControlPlaneGiveTheSameJSON(t *testing.T) {
	abs, _ := filepath.Abs(filepath.Join("..", "..", "quickstarts", "sig-create", "azuredeploy.json"))
	path := storeDir(t)
	if code, _, stderr := runCLI(t, "deploy", "-g", "demo", "-l", "eastus", "-f", abs, "-p", "galleryName=g1", "--no-tui", "-n", "d1"); code != 0 {
		t.Fatalf("deploy: %d %s", code, stderr)
	}
	svc, err := arm.Open(t.Context(), path, arm.Options{Now: func() time.Time { return time.Date(2026, 11, 26, 8, 0, 0, 0, time.UTC) },
		Random: bytes.NewReader(bytes.Repeat([]byte{0x5a}, 1<<16))})
	if err != nil {
		t.Fatal(err)
	}
	defer svc.Close()
	ctx := t.Context()
	sc := arm.Scope{SubscriptionID: arm.DefaultSubscription, ResourceGroup: "demo"}
	request := func() *arm.DeploymentRequest {
		return &arm.DeploymentRequest{Scope: sc, Name: "d1", Template: arm.Template{File: abs, Parameters: []string{"galleryName=g1"}}}
	}
	tests := []struct {
		name string
		cli  []string
		arm  func() (any, error)
	}{
		{"deployment show", []string{"deployment", "group", "show", "-g", "demo", "-n", "d1"}, func() (any, error) {
			d, err := svc.GetDeployment(ctx, "", sc, "d1")
			if err != nil {
				return nil, err
			}
			return d.View, nil
		}},
		{"deployment list", []string{"deployment", "group", "list", "-g", "demo"}, func() (any, error) {
			ds, err := svc.ListDeployments(ctx, "", sc)
			out := []*arm.Deployment{}
			for _, d := range ds {
				out = append(out, d.View)
			}
			return out, err
		}},
		{"operations", []string{"deployment", "operation", "group", "list", "-g", "demo", "-n", "d1"}, func() (any, error) {
			ops, err := svc.ListOperations(ctx, "", sc, "d1")
			out := []*arm.Operation{}
			for _, op := range ops {
				out = append(out, op.View)
			}
			return out, err
		}},
		{"group show", []string{"group", "show", "-n", "demo"}, func() (any, error) {
			g, err := svc.GetGroup(ctx, "", arm.DefaultSubscription, "demo")
			if err != nil {
				return nil, err
			}
			return arm.GroupView(g), nil
		}},
		{"what-if", []string{"what-if", "-g", "demo", "-f", abs, "-p", "galleryName=g1", "-n", "d1"}, func() (any, error) {
			w, err := svc.WhatIf(ctx, request())
			if err != nil {
				return nil, err
			}
			return w.Result, nil
		}},
		{"validate", []string{"validate", "-g", "demo", "-f", abs, "-p", "galleryName=g1", "-n", "d1"}, func() (any, error) {
			v, err := svc.Validate(ctx, request())
			if err != nil {
				return nil, err
			}
			return v.Deployment, nil
		}},
		{"export template", []string{"deployment", "group", "export", "-g", "demo", "-n", "d1"}, func() (any, error) {
			return svc.ExportTemplate(ctx, "", sc, "d1")
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, cli, stderr := runCLI(t, append(tt.cli, "-o", "json")...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			v, err := tt.arm()
			if err != nil {
				t.Fatal(err)
			}
			var want bytes.Buffer
			if err := diag.WriteJSON(&want, v); err != nil {
				t.Fatal(err)
			}
			if cli != want.String() {
				t.Errorf("the CLI printed\n%s\narm returned\n%s", cli, want.String())
			}
		})
	}
}
