package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// TestTableIsReproducible regenerates the table from a mirror of
// Azure/bicep-types-az named by BICEP_TYPES_AZ (and BICEP_TYPES_AZ_REV,
// default HEAD) and compares it with schema/data/api-versions.txt. It is
// skipped without a mirror.
func TestTableIsReproducible(t *testing.T) {
	dir := os.Getenv("BICEP_TYPES_AZ")
	if dir == "" {
		t.Skip("BICEP_TYPES_AZ is not set")
	}
	rev := os.Getenv("BICEP_TYPES_AZ_REV")
	if rev == "" {
		rev = "HEAD"
	}
	out := filepath.Join(t.TempDir(), "api-versions.txt")
	if err := run(dir, rev, "arm-extra.txt", out); err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(out)
	want, err := os.ReadFile("../../schema/data/api-versions.txt")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Error("schema/data/api-versions.txt differs from what tools/genapiversions makes of the mirror")
	}
}

func TestApplyExtra(t *testing.T) {
	tbl := table{}
	tbl.add("Microsoft.Network/virtualNetworks", "2015-06-15")
	tbl.add("Microsoft.Network/virtualNetworks", "2017-06-01")
	tbl.add("Microsoft.Network/bastionHosts", "2019-04-01")
	tbl.add("Microsoft.Compute/disks", "2016-04-30-preview")
	extra := filepath.Join(t.TempDir(), "extra.txt")
	os.WriteFile(extra, []byte("# comment\nMicrosoft.Network/* 2016-10-01 # src\nMicrosoft.Web/sites 2015-08-01 # src\n"), 0o644)
	if _, err := applyExtra(extra, tbl); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, typ, version string
		want               bool
	}{
		{"namespace version for an older type", "microsoft.network/virtualnetworks", "2016-10-01", true},
		{"not for a younger type", "microsoft.network/bastionhosts", "2016-10-01", false},
		{"not for another namespace", "microsoft.compute/disks", "2016-10-01", false},
		{"exact type added", "microsoft.web/sites", "2015-08-01", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := tbl[tt.typ]
			if got := e != nil && e.versions[tt.version]; got != tt.want {
				t.Errorf("%s has %s = %v, want %v", tt.typ, tt.version, got, tt.want)
			}
		})
	}
	if os.WriteFile(extra, []byte("Microsoft.Web/sites 2015-08-01\n"), 0o644); true {
		if _, err := applyExtra(extra, table{}); err == nil {
			t.Error("a line without a source was accepted")
		}
	}
}
