package main

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"testing"
)

// TestTableIsReproducible regenerates the table from a mirror of
// Azure/bicep-types-az named by BICEP_TYPES_AZ, at the commit the
// committed table names in its header, and compares it with
// providers/data/readonly-generated.txt. It is skipped without a mirror.
func TestTableIsReproducible(t *testing.T) {
	dir := os.Getenv("BICEP_TYPES_AZ")
	if dir == "" {
		t.Skip("BICEP_TYPES_AZ is not set (a git directory of Azure/bicep-types-az, e.g. /work/.mirror/Azure+bicep-types-az/repo)")
	}
	want, err := os.ReadFile("../../providers/data/readonly-generated.txt")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`bicep-types-az ([0-9a-f]{40})`).FindSubmatch(want)
	if m == nil {
		t.Fatal("the committed table names no commit")
	}
	out := filepath.Join(t.TempDir(), "readonly-generated.txt")
	if err := run(dir, string(m[1]), out); err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(out)
	if !bytes.Equal(got, want) {
		t.Error("providers/data/readonly-generated.txt differs from what tools/genreadonly makes of the mirror")
	}
}

// A types.json in bicep-types' format: one resource type at a stable and
// a preview version.
const sample = `[
 {"$type": "StringType"},
 {"$type": "IntegerType"},
 {"$type": "ObjectType", "name": "T", "properties": {
   "id": {"type": {"$ref": "#/0"}, "flags": 10},
   "name": {"type": {"$ref": "#/0"}, "flags": 9},
   "properties": {"type": {"$ref": "#/3"}, "flags": 0},
   "identity": {"type": {"$ref": "#/6"}, "flags": 0}}},
 {"$type": "ObjectType", "name": "Props", "properties": {
   "key": {"type": {"$ref": "#/0"}, "flags": 2},
   "hosts": {"type": {"$ref": "#/11"}, "flags": 2},
   "given": {"type": {"$ref": "#/0"}, "flags": 1},
   "view": {"type": {"$ref": "#/4"}, "flags": 2},
   "rules": {"type": {"$ref": "#/5"}, "flags": 0},
   "deep": {"type": {"$ref": "#/7"}, "flags": 0}}},
 {"$type": "ObjectType", "name": "View", "properties": {"state": {"type": {"$ref": "#/0"}, "flags": 0}, "count": {"type": {"$ref": "#/1"}, "flags": 0}, "ro": {"type": {"$ref": "#/0"}, "flags": 2}, "etag": {"type": {"$ref": "#/0"}, "flags": 2}}},
 {"$type": "ArrayType", "itemType": {"$ref": "#/4"}},
 {"$type": "ObjectType", "name": "Identity", "properties": {"principalId": {"type": {"$ref": "#/0"}, "flags": 2}}},
 {"$type": "ObjectType", "name": "Deep", "properties": {"deep": {"type": {"$ref": "#/7"}, "flags": 0}, "leaf": {"type": {"$ref": "#/0"}, "flags": 2}}},
 {"$type": "ResourceType", "name": "Microsoft.X/things@2024-01-01", "body": {"$ref": "#/2"}, "readableScopes": 8, "writableScopes": 8},
 {"$type": "ResourceType", "name": "Microsoft.X/things@2025-01-01-preview", "body": {"$ref": "#/4"}, "readableScopes": 8, "writableScopes": 8},
 {"$type": "ResourceType", "name": "Microsoft.X/readers@2024-01-01", "body": {"$ref": "#/2"}, "readableScopes": 8, "writableScopes": 0},
 {"$type": "ArrayType", "itemType": {"$ref": "#/0"}}
]`

// A types.json with the shapes the walk treats specially: an array of
// child resources declared inline (a writable id and name, properties, a
// read-only etag) next to an array of references, an object all of whose
// properties are read-only, a reference's read-only name, a failure's
// details, and a discriminated body whose elements share read-only values.
const shapes = `[
 {"$type": "StringType"},
 {"$type": "ObjectType", "name": "Body", "properties": {
   "id": {"type": {"$ref": "#/0"}, "flags": 10},
   "properties": {"type": {"$ref": "#/2"}, "flags": 0}}},
 {"$type": "ObjectType", "name": "Props", "properties": {
   "pools": {"type": {"$ref": "#/3"}, "flags": 0},
   "refs": {"type": {"$ref": "#/5"}, "flags": 0},
   "storageIdentity": {"type": {"$ref": "#/7"}, "flags": 0},
   "target": {"type": {"$ref": "#/6"}, "flags": 0},
   "error": {"type": {"$ref": "#/7"}, "flags": 2}}},
 {"$type": "ArrayType", "itemType": {"$ref": "#/4"}},
 {"$type": "ObjectType", "name": "Pool", "properties": {
   "id": {"type": {"$ref": "#/0"}, "flags": 0},
   "name": {"type": {"$ref": "#/0"}, "flags": 0},
   "etag": {"type": {"$ref": "#/0"}, "flags": 2},
   "properties": {"type": {"$ref": "#/7"}, "flags": 0}}},
 {"$type": "ArrayType", "itemType": {"$ref": "#/6"}},
 {"$type": "ObjectType", "name": "Ref", "properties": {
   "id": {"type": {"$ref": "#/0"}, "flags": 0},
   "name": {"type": {"$ref": "#/0"}, "flags": 2}}},
 {"$type": "ObjectType", "name": "AllReadOnly", "properties": {
   "principalId": {"type": {"$ref": "#/0"}, "flags": 2},
   "tenantId": {"type": {"$ref": "#/0"}, "flags": 2}}},
 {"$type": "ResourceType", "name": "Microsoft.X/shapes@2024-01-01", "body": {"$ref": "#/1"}, "readableScopes": 8, "writableScopes": 8},
 {"$type": "DiscriminatedObjectType", "name": "Script", "discriminator": "kind",
  "baseProperties": {"name": {"type": {"$ref": "#/0"}, "flags": 9}},
  "elements": {"A": {"$ref": "#/10"}, "B": {"$ref": "#/11"}}},
 {"$type": "ObjectType", "name": "A", "properties": {"properties": {"type": {"$ref": "#/12"}, "flags": 0}}},
 {"$type": "ObjectType", "name": "B", "properties": {"properties": {"type": {"$ref": "#/13"}, "flags": 0}}},
 {"$type": "ObjectType", "name": "AProps", "properties": {
   "outputs": {"type": {"$ref": "#/7"}, "flags": 2}, "aOnly": {"type": {"$ref": "#/0"}, "flags": 2}}},
 {"$type": "ObjectType", "name": "BProps", "properties": {
   "outputs": {"type": {"$ref": "#/7"}, "flags": 2}}},
 {"$type": "ResourceType", "name": "Microsoft.X/scripts@2024-01-01", "body": {"$ref": "#/9"}, "readableScopes": 8, "writableScopes": 8}
]`

func TestWalkShapes(t *testing.T) {
	tbl := map[string]*entry{}
	if err := addFile([]byte(shapes), tbl); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, typ, path string
		want            bool
	}{
		{"an inline child resource's id", "microsoft.x/shapes", "properties.pools[]/id:subid", true},
		{"not a reference's id", "microsoft.x/shapes", "properties.refs[]/id:subid", false},
		{"not a reference's read-only name", "microsoft.x/shapes", "properties.target/name:string", false},
		{"an object all of whose properties are read-only, below its owner", "microsoft.x/shapes", "properties/storageIdentity.principalId:string", true},
		{"not below the read-only object itself", "microsoft.x/shapes", "properties.storageIdentity/principalId:string", false},
		{"not a failure's details", "microsoft.x/shapes", "properties/error.principalId:string", false},
		{"a value every kind of a discriminated body has", "microsoft.x/scripts", "properties/outputs.principalId:string", true},
		{"not a value of one kind only", "microsoft.x/scripts", "properties/aOnly:string", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := tbl[tt.typ]
			if e == nil {
				t.Fatalf("no entry for %s", tt.typ)
			}
			if got := slices.Contains(e.paths, tt.path); got != tt.want {
				t.Errorf("%s listed = %v, want %v (paths %v)", tt.path, got, tt.want, e.paths)
			}
		})
	}
}

func TestWalk(t *testing.T) {
	tbl := map[string]*entry{}
	if err := addFile([]byte(sample), tbl); err != nil {
		t.Fatal(err)
	}
	e := tbl["microsoft.x/things"]
	if e == nil {
		t.Fatal("no entry for Microsoft.X/things")
	}
	tests := []struct {
		name, path string
		want       bool
	}{
		{"a read-only leaf", "properties/key:string", true},
		{"a read-only list of strings", "properties/hosts:strings", true},
		{"a read-only object's leaves", "properties/view.state:string", true},
		{"a read-only object's int", "properties/view.count:int", true},
		{"the identity's principal below a writable object", "identity/principalId:string", true},
		{"nested writable objects down to the cap", "properties.deep.deep.deep/leaf:string", true},
		{"not past the cap", "properties.deep.deep.deep.deep/leaf:string", false},
		{"not a writable leaf", "properties/given:string", false},
		{"not a writable array's own leaves", "properties/rules.state:string", false},
		{"a read-only leaf in each element of a writable array", "properties.rules[]/ro:string", true},
		{"not a sub-resource's etag", "properties.rules[]/etag:string", false},
		{"not the envelope's id", "/id:string", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := slices.Contains(e.paths, tt.path); got != tt.want {
				t.Errorf("%s listed = %v, want %v (paths %v)", tt.path, got, tt.want, e.paths)
			}
		})
	}
	if e.version != "2024-01-01" {
		t.Errorf("version %s, want the stable 2024-01-01 before the newer preview", e.version)
	}
	if tbl["microsoft.x/readers"] != nil {
		t.Error("a type that cannot be written is listed")
	}
}
