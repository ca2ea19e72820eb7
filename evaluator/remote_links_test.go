package evaluator

import (
	"path/filepath"
	"testing"
)

func TestResolveArtifact(t *testing.T) {
	maps := []ArtifactMapping{
		{Prefix: "https://raw.githubusercontent.com/Azure/azure-quickstart-templates/master/", Dir: "gallery"},
		{Prefix: "https://raw.githubusercontent.com/Azure/azure-quickstart-templates/master/modules", Dir: "modules"},
		{Prefix: "https://contoso.blob.core.windows.net/t", Dir: "t"},
	}
	tests := []struct {
		name, uri string
		dir, rel  string
		ok        bool
	}{
		{"under the prefix", "https://raw.githubusercontent.com/Azure/azure-quickstart-templates/master/quickstarts/a/azuredeploy.json", "gallery", "quickstarts/a/azuredeploy.json", true},
		{"longest prefix wins", "https://raw.githubusercontent.com/Azure/azure-quickstart-templates/master/modules/x/1.0/azuredeploy.json", "modules", "x/1.0/azuredeploy.json", true},
		{"SAS query ignored", "https://contoso.blob.core.windows.net/t/nested/a.json?sv=2022-11-02&sig=abc%3D", "t", "nested/a.json", true},
		{"fragment ignored", "https://contoso.blob.core.windows.net/t/a.json#x", "t", "a.json", true},
		{"scheme and host case-insensitive", "HTTPS://Contoso.Blob.Core.Windows.Net/t/a.json", "t", "a.json", true},
		{"prefix path in any case", "https://raw.githubusercontent.com/azure/Azure-Quickstart-Templates/master/a/b.json", "gallery", "a/b.json", true},
		{"rest keeps its case", "https://contoso.blob.core.windows.net/T/A.json", "t", "A.json", true},
		{"dot segments resolved", "https://contoso.blob.core.windows.net/t/x/../y/./a.json", "t", "y/a.json", true},
		{"prefix without trailing slash is a folder", "https://contoso.blob.core.windows.net/tt/a.json", "", "", false},
		{"dot-dot leaves the prefix", "https://contoso.blob.core.windows.net/t/../a.json", "", "", false},
		{"dot-dot above the host root", "https://contoso.blob.core.windows.net/t/../../a.json", "", "", false},
		{"percent-encoded dot-dot", "https://contoso.blob.core.windows.net/t/%2e%2e/a.json", "", "", false},
		{"empty segment", "https://contoso.blob.core.windows.net/t//a.json", "", "", false},
		{"backslash", "https://contoso.blob.core.windows.net/t/..%5c..%5ca.json", "", "", false},
		{"the prefix itself", "https://contoso.blob.core.windows.net/t/", "", "", false},
		{"other host", "https://example.com/t/a.json", "", "", false},
		{"http is not https", "http://contoso.blob.core.windows.net/t/a.json", "", "", false},
		{"not a URI", "concat(parameters('_artifactsLocation'), '/a.json')", "", "", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir, rel, ok := ResolveArtifact(maps, tc.uri)
			if ok != tc.ok || dir != tc.dir || rel != filepath.FromSlash(tc.rel) {
				t.Errorf("ResolveArtifact(%q) = %q, %q, %v; want %q, %q, %v", tc.uri, dir, rel, ok, tc.dir, tc.rel, tc.ok)
			}
		})
	}
}

func TestParseArtifactMapping(t *testing.T) {
	tests := []struct {
		name, arg   string
		prefix, dir string
		wantErr     bool
	}{
		{"prefix and folder", "https://x.example/t/=./site", "https://x.example/t/", "./site", false},
		{"folder with =", "https://x.example/t/=a=b", "https://x.example/t/", "a=b", false},
		{"no =", "https://x.example/t/", "", "", true},
		{"no folder", "https://x.example/t/=", "", "", true},
		{"not https", "ftp://x.example/t/=d", "", "", true},
		{"file URI", "file:///tmp/=d", "", "", true},
		{"query in prefix", "https://x.example/t/?sig=1=d", "", "", true},
		{"no host", "https:///t/=d", "", "", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m, err := ParseArtifactMapping(tc.arg)
			if (err != nil) != tc.wantErr || !tc.wantErr && (m.Prefix != tc.prefix || m.Dir != tc.dir) {
				t.Errorf("ParseArtifactMapping(%q) = %+v, %v", tc.arg, m, err)
			}
		})
	}
}

func TestResolveRelative(t *testing.T) {
	tests := []struct{ name, base, rel, want string }{
		{"beside", "https://x.example/t/main.json", "nested/a.json", "https://x.example/t/nested/a.json"},
		{"climbing", "https://x.example/t/nested/a.json", "../shared/b.json", "https://x.example/t/shared/b.json"},
		{"parent SAS dropped", "https://x.example/t/main.json?sv=1&sig=2", "a.json", "https://x.example/t/a.json"},
		{"file URI", "file:///srv/site/main.json", "nested/a.json", "file:///srv/site/nested/a.json"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got, ok := resolveRelative(tc.base, tc.rel); !ok || got != tc.want {
				t.Errorf("resolveRelative(%q, %q) = %q, %v; want %q", tc.base, tc.rel, got, ok, tc.want)
			}
		})
	}
}

func TestSpecKey(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"plain", "nested/a.json", "nested/a.json"},
		{"dot", "./nested/a.json", "nested/a.json"},
		{"case", "Nested/A.json", "nested/a.json"},
		{"backslash", `nested\a.json`, "nested/a.json"},
		{"inner dot-dot", "x/../nested/a.json", "nested/a.json"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := specKey(tc.in); got != tc.want {
				t.Errorf("specKey(%q) = %q; want %q", tc.in, got, tc.want)
			}
		})
	}
}
