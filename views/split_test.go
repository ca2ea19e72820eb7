package views

import (
	"reflect"
	"testing"
)

func TestSplitResourceID(t *testing.T) {
	const sub = "/subscriptions/00000000-0000-0000-0000-000000000000"
	tests := []struct{ name, id, scope, rel string }{
		{"group resource", sub + "/resourceGroups/rg/providers/Microsoft.Compute/galleries/g", sub + "/resourceGroups/rg", "Microsoft.Compute/galleries/g"},
		{"a group itself", sub + "/resourceGroups/rg", sub, "resourceGroups/rg"},
		{"subscription resource", sub + "/providers/Microsoft.Authorization/policyDefinitions/p", sub, "Microsoft.Authorization/policyDefinitions/p"},
		{"management-group resource", "/providers/Microsoft.Management/managementGroups/mg1/providers/Microsoft.Authorization/policyDefinitions/p",
			"/providers/Microsoft.Management/ManagementGroups/mg1", "Microsoft.Authorization/policyDefinitions/p"},
		{"a management group itself", "/providers/Microsoft.Management/managementGroups/mg1", "/", "Microsoft.Management/managementGroups/mg1"},
		{"a subscription under a management group", "/providers/Microsoft.Management/managementGroups/mg1/subscriptions/s1", "/",
			"Microsoft.Management/managementGroups/mg1/subscriptions/s1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			scope, rel := SplitResourceID(tt.id)
			if scope != tt.scope || rel != tt.rel {
				t.Errorf("SplitResourceID(%s) = %s, %s; want %s, %s", tt.id, scope, rel, tt.scope, tt.rel)
			}
		})
	}
}

// FuzzMatchAzASCII checks the hand-written matching of az's patterns
// against the patterns themselves, on ASCII ids.
func FuzzMatchAzASCII(f *testing.F) {
	for _, id := range []string{
		"/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.Compute/galleries/g",
		"/subscriptions/ABCDEF01/resourceGroups/r(g).x-1/providers/A/b/c\n",
		"/SUBSCRIPTIONS/0/RESOURCEGROUPS/rg",
		"subscriptions/0/providers/\n",
		"/providers/Microsoft.Management/managementGroups/mg1/providers/Microsoft.Authorization/policyDefinitions/p",
		"providers/microsoftxmanagement/MANAGEMENTGROUPS/m_g/subscriptions/1/resourceGroups/rg/providers/x\n\n",
		"/providers/Microsoft\nManagement/managementGroups/mg",
		"//subscriptions/0", "/subscriptions/", "/resourceGroups/rg/providers/a\nb", "",
	} {
		f.Add(id)
	}
	f.Fuzz(func(t *testing.T, id string) {
		if !isASCII(id) {
			return
		}
		got, want := matchAzASCII(id), matchAzRegexp(id)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("matchAzASCII(%q) = %q; the patterns give %q", id, got, want)
		}
	})
}

// FuzzSplitResourceID checks the hand-written split of ASCII ids against
// the patterns.
func FuzzSplitResourceID(f *testing.F) {
	for _, id := range []string{
		"/subscriptions/S/resourceGroups/rg/providers/Microsoft.Compute/galleries/g",
		"/SUBSCRIPTIONS/s/RESOURCEGROUPS/rg", "/subscriptions/s/resourceGroups/rg/", "/subscriptions/s/resourceGroups/r\ng",
		"/subscriptions/s/providers/A.B/x/n\n", "/subscriptions//providers/a", "/subscriptions/s/resourceGroups//providers/a",
		"/providers/microsoft.management/MANAGEMENTGROUPS/mg/providers/A/b", "/providers/Microsoft.Management/managementGroups/mg",
		"/providers/A.B/x", "", "/subscriptions/s",
	} {
		f.Add(id)
	}
	f.Fuzz(func(t *testing.T, id string) {
		if !isASCII(id) {
			return
		}
		gs, gr := splitResourceIDASCII(id)
		ws, wr := splitResourceIDRegexp(id)
		if gs != ws || gr != wr {
			t.Errorf("splitResourceIDASCII(%q) = %q, %q; the patterns give %q, %q", id, gs, gr, ws, wr)
		}
	})
}
