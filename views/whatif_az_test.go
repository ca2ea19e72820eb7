package views

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/armdeploy/armdeploy/evaluator"
	"github.com/armdeploy/armdeploy/planner"
)

// The oracle of these golden tests is az CLI 2.45's own what-if formatter,
// run by ../shared/tools/az-whatif/az-whatif-format on the JSON each case
// prints (`what-if -o json`). testdata/whatif-az/<case>.json is that JSON,
// <case>.az.txt and <case>.az.color.txt what az prints for it (plain and
// with colours). The test renders each case with WriteText and compares it
// with the committed golden byte for byte; where the tool is installed it
// also re-renders the committed JSON and fails when a golden is stale.
// -update rewrites the JSON and, with the tool, the goldens.
var updateAz = flag.Bool("update", false, "rewrite testdata/whatif-az from the cases and az-whatif-format")

// azTool finds az-whatif-format: $AZ_WHATIF_FORMAT, or the shared tools
// next to the repository. It also needs az itself.
func azTool() string {
	cands := []string{os.Getenv("AZ_WHATIF_FORMAT"), filepath.Join("..", "..", "shared", "tools", "az-whatif", "az-whatif-format")}
	for _, c := range cands {
		if c == "" {
			continue
		}
		if _, err := os.Stat(c); err != nil {
			continue
		}
		if _, err := os.Stat("/usr/lib/python3/dist-packages/azure/cli/command_modules/resource/_formatters.py"); err != nil {
			return ""
		}
		abs, _ := filepath.Abs(c)
		return abs
	}
	return ""
}

const (
	sub  = "/subscriptions/00000000-0000-0000-0000-000000000001"
	rg   = sub + "/resourceGroups/rg-az"
	prov = rg + "/providers/"
)

// jv parses JSON; strings "@unknown:EXPR" become values unknown until
// deployment (an expression such as reference()).
func jv(t *testing.T, js string) *evaluator.Value {
	t.Helper()
	v, err := evaluator.ParseJSON(js)
	if err != nil {
		t.Fatalf("%s: %v", js, err)
	}
	v = withUnknowns(v)
	return &v
}

func withUnknowns(v evaluator.Value) evaluator.Value {
	if s, ok := v.AsString(); ok && strings.HasPrefix(s, "@unknown:") {
		return evaluator.UnknownValue(strings.TrimPrefix(s, "@unknown:"))
	}
	if a, ok := v.AsArray(); ok {
		out := make([]evaluator.Value, len(a))
		for i, e := range a {
			out[i] = withUnknowns(e)
		}
		return evaluator.Array(out)
	}
	if o, ok := v.AsObject(); ok {
		n := evaluator.NewObject(o.Len())
		for i := range o.Len() {
			n.Set(o.KeyAt(i), withUnknowns(o.ValueAt(i)))
		}
		return evaluator.ObjectValue(n)
	}
	return v
}

type azCase struct {
	name    string
	changes func(t *testing.T) []planner.Change
	diags   []planner.Diagnostic
}

// modify is a change whose delta the planner computes from the payloads.
func modify(t *testing.T, id, before, after string) planner.Change {
	b, a := jv(t, before), jv(t, after)
	delta := planner.Diff(*b, *a)
	ct := planner.NoChange
	for _, d := range delta {
		if d.PropertyChangeType != planner.PropNoEffect {
			ct = planner.Modify
		}
	}
	return planner.Change{ResourceID: id, ChangeType: ct, Before: b, After: a, Delta: delta}
}

func create(t *testing.T, id, after string) planner.Change {
	return planner.Change{ResourceID: id, ChangeType: planner.Create, After: jv(t, after)}
}

func deleted(t *testing.T, id, before string) planner.Change {
	return planner.Change{ResourceID: id, ChangeType: planner.Delete, Before: jv(t, before)}
}

// raw is a change written as ARM's JSON (a delta the planner does not
// make, to cover every shape az can print).
func raw(t *testing.T, js string) planner.Change {
	t.Helper()
	var c planner.Change
	if err := json.Unmarshal([]byte(js), &c); err != nil {
		t.Fatalf("%s: %v", js, err)
	}
	return c
}

func one(c func(t *testing.T) planner.Change) func(t *testing.T) []planner.Change {
	return func(t *testing.T) []planner.Change { return []planner.Change{c(t)} }
}

const vnet = prov + "Microsoft.Network/virtualNetworks/vnet1"

func subnets(names ...string) string {
	var parts []string
	for i, n := range names {
		parts = append(parts, `{"name":"`+n+`","properties":{"addressPrefix":"10.0.`+string(rune('0'+i))+`.0/24"}}`)
	}
	return `{"apiVersion":"2023-04-01","name":"vnet1","location":"eastus","properties":{"addressSpace":{"addressPrefixes":["10.0.0.0/16"]},"subnets":[` + strings.Join(parts, ",") + `]}}`
}

func subnetsFixed(specs ...string) string {
	return `{"apiVersion":"2023-04-01","name":"vnet1","location":"eastus","properties":{"addressSpace":{"addressPrefixes":["10.0.0.0/16"]},"subnets":[` + strings.Join(specs, ",") + `]}}`
}

func sn(name, prefix string) string {
	return `{"name":"` + name + `","properties":{"addressPrefix":"` + prefix + `"}}`
}

func prop(js string) string {
	return `{"apiVersion":"2023-01-01","name":"r","properties":` + js + `}`
}

const res = prov + "Microsoft.Web/sites/r"

var azCases = []azCase{
	{name: "empty", changes: func(*testing.T) []planner.Change { return nil }},
	{name: "create-simple", changes: one(func(t *testing.T) planner.Change {
		return create(t, prov+"Microsoft.Storage/storageAccounts/st1", `{"apiVersion":"2023-01-01","name":"st1","location":"eastus","sku":{"name":"Standard_LRS"},"kind":"StorageV2","properties":{"supportsHttpsTrafficOnly":true,"minimumTlsVersion":"TLS1_2"}}`)
	})},
	{name: "create-nested-arrays", changes: one(func(t *testing.T) planner.Change {
		return create(t, vnet, `{"apiVersion":"2018-10-01","name":"vnet-002","location":"eastus","tags":{"env":"dev"},"properties":{"addressSpace":{"addressPrefixes":["10.1.0.0/16","10.2.0.0/16"]},"subnets":[{"name":"a","properties":{"addressPrefix":"10.1.0.0/24","delegations":[]}},{"name":"b","properties":{"serviceEndpoints":[{"service":"Microsoft.Storage","locations":["eastus","westus"]}]}}],"dhcpOptions":{"dnsServers":[]},"matrix":[[1,2],[],[3,[4,5]]]}}`)
	})},
	{name: "create-empty-after", changes: one(func(t *testing.T) planner.Change {
		return create(t, prov+"Microsoft.Storage/storageAccounts/st1", `{}`)
	})},
	{name: "create-array-only-object", changes: one(func(t *testing.T) planner.Change {
		return create(t, prov+"Microsoft.Storage/storageAccounts/st1", `{"a":{"b":["x"]},"c":1}`)
	})},
	{name: "delete-complete", changes: func(t *testing.T) []planner.Change {
		return []planner.Change{
			deleted(t, prov+"Microsoft.Storage/storageAccounts/old", `{"apiVersion":"2023-01-01","name":"old","location":"westus","tags":{},"properties":{"accessTier":"Hot","networkAcls":{"bypass":"AzureServices","ipRules":[{"value":"1.2.3.4","action":"Allow"}],"defaultAction":"Deny"}}}`),
			create(t, prov+"Microsoft.Storage/storageAccounts/new", `{"apiVersion":"2023-01-01","name":"new"}`),
		}
	}},
	{name: "delete-no-before", changes: func(t *testing.T) []planner.Change {
		return []planner.Change{{ResourceID: prov + "Microsoft.Storage/storageAccounts/old", ChangeType: planner.Delete}}
	}},
	{name: "modify-scalars", changes: one(func(t *testing.T) planner.Change {
		return modify(t, res, prop(`{"a":1,"b":"x","c":true,"d":null,"gone":"bye","long.name.here":0}`), prop(`{"a":2,"b":"y","c":false,"d":"now","new":[],"long.name.here":0}`))
	})},
	{name: "nochange", changes: func(t *testing.T) []planner.Change {
		return []planner.Change{
			modify(t, prov+"Microsoft.Web/sites/a", prop(`{"x":1}`), prop(`{"x":1}`)),
			modify(t, prov+"Microsoft.Web/sites/b", prop(`{"x":1}`), prop(`{"x":1}`)),
		}
	}},
	{name: "nochange-then-ignore", changes: func(t *testing.T) []planner.Change {
		return []planner.Change{
			modify(t, prov+"Microsoft.Web/sites/a", prop(`{"x":1}`), prop(`{"x":1}`)),
			{ResourceID: prov + "Microsoft.Web/sites/z", ChangeType: planner.Ignore},
			{ResourceID: prov + "Microsoft.Web/sites/y", ChangeType: planner.Ignore},
		}
	}},
	{name: "deploy-ids-only", changes: func(t *testing.T) []planner.Change {
		return []planner.Change{
			{ResourceID: prov + "Microsoft.Web/sites/a", ChangeType: planner.Deploy},
			{ResourceID: prov + "Microsoft.Web/sites/b", ChangeType: planner.Create},
		}
	}},
	{name: "unsupported", changes: func(t *testing.T) []planner.Change {
		return []planner.Change{
			{ResourceID: prov + "Microsoft.Web/sites/[reference('x').name]", ChangeType: planner.Unsupported, UnsupportedReason: "The resource id is not known before deployment."},
			create(t, prov+"Microsoft.Web/sites/b", `{"apiVersion":"2022-03-01"}`),
		}
	}},
	{name: "every-change-type", changes: func(t *testing.T) []planner.Change {
		return []planner.Change{
			{ResourceID: prov + "Microsoft.Web/sites/ignored", ChangeType: planner.Ignore},
			modify(t, prov+"Microsoft.Web/sites/mod", prop(`{"x":1}`), prop(`{"x":2,"y":"@unknown:reference('a').id"}`)),
			{ResourceID: prov + "Microsoft.Web/sites/unsup", ChangeType: planner.Unsupported, UnsupportedReason: "why"},
			modify(t, prov+"Microsoft.Web/sites/same", prop(`{"x":1}`), prop(`{"x":1}`)),
			{ResourceID: prov + "Microsoft.Web/sites/dep", ChangeType: planner.Deploy, After: jv(t, `{"apiVersion":"2022-03-01","name":"dep"}`)},
			create(t, prov+"Microsoft.Web/sites/new", `{"apiVersion":"2022-03-01","name":"new"}`),
			deleted(t, prov+"Microsoft.Web/sites/del", `{"apiVersion":"2022-03-01","name":"del"}`),
		}
	}},
	{name: "sort-code-point", changes: func(t *testing.T) []planner.Change {
		var cs []planner.Change
		for _, n := range []string{"beta", "Beta", "alpha", "Alpha", "_x", "Zed", "zed", "édith", "eve"} {
			cs = append(cs, create(t, prov+"Microsoft.Web/sites/"+n, `{"apiVersion":"2022-03-01"}`))
		}
		return cs
	}},
	{name: "scopes", changes: func(t *testing.T) []planner.Change {
		return []planner.Change{
			create(t, prov+"Microsoft.Web/sites/a", `{"apiVersion":"2022-03-01"}`),
			create(t, sub+"/resourceGroups/rg-az", `{"apiVersion":"2022-09-01","location":"eastus"}`),
			create(t, sub+"/providers/Microsoft.Authorization/policyDefinitions/p1", `{"apiVersion":"2021-06-01"}`),
			create(t, "/providers/Microsoft.Management/managementGroups/mg1/providers/Microsoft.Authorization/policyDefinitions/p2", `{"apiVersion":"2021-06-01"}`),
			create(t, "/providers/Microsoft.Management/managementGroups/mg1", `{"apiVersion":"2021-04-01"}`),
			create(t, "/providers/Microsoft.Management/managementGroups/mg1/subscriptions/00000000-0000-0000-0000-000000000002", `{"apiVersion":"2021-04-01"}`),
			create(t, "/providers/Microsoft.Subscription/aliases/al", `{"apiVersion":"2021-10-01"}`),
			create(t, "/subscriptions/00000000-0000-0000-0000-00000000000A/resourceGroups/Other/providers/Microsoft.Web/sites/b", `{"apiVersion":"2022-03-01"}`),
			create(t, "/subscriptions/00000000-0000-0000-0000-00000000000a/resourceGroups/OTHER/providers/Microsoft.Web/sites/c", `{"apiVersion":"2022-03-01"}`),
		}
	}},
	{name: "scope-case", changes: func(t *testing.T) []planner.Change {
		return []planner.Change{
			create(t, sub+"/resourceGroups/RG-AZ/providers/Microsoft.Web/sites/b", `{"apiVersion":"2022-03-01"}`),
			create(t, prov+"Microsoft.Web/sites/a", `{"apiVersion":"2022-03-01"}`),
		}
	}},
	{name: "scope-unicode-group", changes: func(t *testing.T) []planner.Change {
		return []planner.Change{
			create(t, sub+"/resourceGroups/grüße-rg/providers/Microsoft.Web/sites/b", `{"apiVersion":"2022-03-01"}`),
			create(t, sub+"/resourceGroups/rg(1).x/providers/Microsoft.Web/sites/b", `{"apiVersion":"2022-03-01"}`),
		}
	}},
	{name: "api-version-from-before", changes: func(t *testing.T) []planner.Change {
		return []planner.Change{
			raw(t, `{"resourceId":"`+res+`","changeType":"Modify","before":{"name":"r","x":1},"after":{"apiVersion":"2023-01-01","x":2},"delta":[{"path":"x","propertyChangeType":"Modify","before":1,"after":2}]}`),
			raw(t, `{"resourceId":"`+res+`2","changeType":"Modify","before":{},"after":{"apiVersion":"2023-01-01","x":2},"delta":[{"path":"x","propertyChangeType":"Modify","before":1,"after":2}]}`),
			raw(t, `{"resourceId":"`+res+`3","changeType":"Create","after":{"apiVersion":20230101,"x":2}}`),
			raw(t, `{"resourceId":"`+res+`4","changeType":"Create","after":{"apiVersion":"","x":2}}`),
		}
	}},
	// Arrays: the planner's alignment (longest common subsequence).
	{name: "array-remove-first-subnet", changes: one(func(t *testing.T) planner.Change {
		return modify(t, vnet, subnetsFixed(sn("a", "10.0.0.0/24"), sn("b", "10.0.1.0/24")), subnetsFixed(sn("b", "10.0.1.0/24")))
	})},
	{name: "array-remove-middle", changes: one(func(t *testing.T) planner.Change {
		return modify(t, vnet, subnetsFixed(sn("a", "10.0.0.0/24"), sn("b", "10.0.1.0/24"), sn("c", "10.0.2.0/24")), subnetsFixed(sn("a", "10.0.0.0/24"), sn("c", "10.0.2.0/24")))
	})},
	{name: "array-remove-last", changes: one(func(t *testing.T) planner.Change {
		return modify(t, vnet, subnets("a", "b", "c"), subnets("a", "b"))
	})},
	{name: "array-insert-front", changes: one(func(t *testing.T) planner.Change {
		return modify(t, vnet, subnetsFixed(sn("b", "10.0.1.0/24"), sn("c", "10.0.2.0/24")), subnetsFixed(sn("a", "10.0.0.0/24"), sn("b", "10.0.1.0/24"), sn("c", "10.0.2.0/24")))
	})},
	{name: "array-insert-middle", changes: one(func(t *testing.T) planner.Change {
		return modify(t, vnet, subnetsFixed(sn("a", "10.0.0.0/24"), sn("c", "10.0.2.0/24")), subnetsFixed(sn("a", "10.0.0.0/24"), sn("b", "10.0.1.0/24"), sn("c", "10.0.2.0/24")))
	})},
	{name: "array-insert-end", changes: one(func(t *testing.T) planner.Change {
		return modify(t, vnet, subnets("a"), subnets("a", "b"))
	})},
	{name: "array-change-in-place", changes: one(func(t *testing.T) planner.Change {
		return modify(t, vnet, subnetsFixed(sn("a", "10.0.0.0/24"), sn("b", "10.0.1.0/24")), subnetsFixed(sn("a", "10.0.0.0/24"), sn("b", "10.0.9.0/24")))
	})},
	{name: "array-remove-and-change", changes: one(func(t *testing.T) planner.Change {
		return modify(t, vnet, subnetsFixed(sn("a", "10.0.0.0/24"), sn("b", "10.0.1.0/24"), sn("c", "10.0.2.0/24")), subnetsFixed(sn("b", "10.0.1.0/24"), sn("c", "10.0.7.0/24"), sn("d", "10.0.3.0/24")))
	})},
	{name: "array-emptied", changes: one(func(t *testing.T) planner.Change {
		return modify(t, vnet, subnets("a", "b"), subnets())
	})},
	{name: "array-from-empty", changes: one(func(t *testing.T) planner.Change {
		return modify(t, vnet, subnets(), subnets("a", "b"))
	})},
	{name: "array-scalars", changes: one(func(t *testing.T) planner.Change {
		return modify(t, res, prop(`{"ips":["1.1.1.1","2.2.2.2","3.3.3.3","4.4.4.4"],"ports":[80,443],"flags":[true,false]}`), prop(`{"ips":["2.2.2.2","3.3.3.3","5.5.5.5"],"ports":[8080,80,443,8443],"flags":[false]}`))
	})},
	{name: "array-property-create-delete", changes: one(func(t *testing.T) planner.Change {
		return modify(t, res, prop(`{"old":[1,{"a":1}],"keep":1}`), prop(`{"new":[{"b":[1,2]},"x"],"keep":1,"emptyNew":[]}`))
	})},
	{name: "array-unknown-elements", changes: one(func(t *testing.T) planner.Change {
		return modify(t, res, prop(`{"ids":["a","b"],"mixed":["a","b"]}`), prop(`{"ids":["@unknown:reference('x').id","@unknown:reference('y').id"],"mixed":["a","@unknown:reference('y').id","c"]}`))
	})},
	{name: "array-of-arrays", changes: one(func(t *testing.T) planner.Change {
		return modify(t, res, prop(`{"m":[[1,2],[3],[]]}`), prop(`{"m":[[1,2],[3,4],[[5]]]}`))
	})},
	{name: "array-nested-object-arrays", changes: one(func(t *testing.T) planner.Change {
		return modify(t, prov+"Microsoft.Network/networkSecurityGroups/nsg",
			`{"apiVersion":"2023-04-01","properties":{"securityRules":[{"name":"ssh","properties":{"priority":100,"sourceAddressPrefixes":["1.1.1.1","2.2.2.2"],"tags":{"a":"b"}}},{"name":"web","properties":{"priority":200}}]}}`,
			`{"apiVersion":"2023-04-01","properties":{"securityRules":[{"name":"ssh","properties":{"priority":101,"sourceAddressPrefixes":["2.2.2.2","3.3.3.3"],"tags":{"a":"c","d":{"e":"f"}},"extra":{"x":[1]}}},{"name":"web","properties":{"priority":200}},{"name":"new","properties":{"priority":300,"list":[{"k":"v"}]}}]}}`)
	})},
	{name: "array-mixed-over-ten", changes: func(t *testing.T) []planner.Change {
		arr := `[0,1,2,3,4,5,6,7,8,9,"ten",null,[],{},{"o":1},[1,2],{"last":{"deep":true}}]`
		return []planner.Change{
			create(t, res, `{"apiVersion":"2023-01-01","values":`+arr+`}`),
			modify(t, res+"2", prop(`{"v":[0,1,2,3,4,5,6,7,8,9,10,11]}`), prop(`{"v":[0,1,2,3,4,5,6,7,8,9,10,11,{"x":1},12]}`)),
			modify(t, res+"3", prop(`{"v":[0,1,2,3,4,5,6,7,8,9,{"a":1}]}`), prop(`{"v":[0,1,2,3,4,5,6,7,8,9]}`)),
			modify(t, res+"4", prop(`{"v":[{"a":1},{"a":2},{"a":3},{"a":4},{"a":5},{"a":6},{"a":7},{"a":8},{"a":9},{"a":10},{"a":11},1]}`), prop(`{"v":[]}`)),
		}
	}},
	{name: "array-long", changes: one(func(t *testing.T) planner.Change {
		var b, a []string
		for i := range 120 {
			b = append(b, `"e`+itoa(i)+`"`)
			if i%7 != 3 {
				a = append(a, `"e`+itoa(i)+`"`)
			}
			if i%31 == 0 {
				a = append(a, `"n`+itoa(i)+`"`)
			}
		}
		return modify(t, res, prop(`{"v":[`+strings.Join(b, ",")+`]}`), prop(`{"v":[`+strings.Join(a, ",")+`]}`))
	})},
	// Every Modify shape.
	{name: "modify-shapes", changes: one(func(t *testing.T) planner.Change {
		return modify(t, res, prop(`{"leafToObj":"x","objToLeaf":{"a":1,"b":{"c":2}},"leafToArr":1,"arrToLeaf":[1,2],"objToArr":{"a":1},"arrToObj":[{"a":1},2],"nullToObj":null,"objToNull":{"a":{"b":[1]}},"emptyToObj":{},"arrToEmpty":{"k":[1]}}`),
			prop(`{"leafToObj":{"a":1,"b":[1,2]},"objToLeaf":"y","leafToArr":[1,{"a":2}],"arrToLeaf":false,"objToArr":[1,2],"arrToObj":{"a":{"b":1}},"nullToObj":{"z":1},"objToNull":null,"emptyToObj":{"q":"r"},"arrToEmpty":{"k":"s"}}`))
	})},
	{name: "modify-shapes-raw", changes: one(func(t *testing.T) planner.Change {
		return raw(t, `{"resourceId":"`+res+`","changeType":"Modify","before":{"apiVersion":"1"},"after":{"apiVersion":"1"},"delta":[
			{"path":"o2o","propertyChangeType":"Modify","before":{"a":1,"b":{"c":[1,2]}},"after":{"a":2,"d":"e"}},
			{"path":"a2a","propertyChangeType":"Modify","before":[1,2],"after":[3,{"x":1}]},
			{"path":"o2e","propertyChangeType":"Modify","before":{"a":1},"after":{}},
			{"path":"e2a","propertyChangeType":"Modify","before":[],"after":[1]},
			{"path":"s","propertyChangeType":"Modify","before":"a","after":"b"},
			{"path":"a.much.longer.path","propertyChangeType":"Modify","before":1,"after":2},
			{"path":"nested","propertyChangeType":"Modify","children":[
				{"path":"x","propertyChangeType":"Modify","before":{"k":"v"},"after":"w"},
				{"path":"arr","propertyChangeType":"Array","children":[
					{"path":"10","propertyChangeType":"Delete","before":{"a":1}},
					{"path":"2","propertyChangeType":"Modify","children":[{"path":"q","propertyChangeType":"Create","after":[1,[2]]}]},
					{"path":"2","propertyChangeType":"Delete","before":"old"},
					{"path":"2","propertyChangeType":"NoEffect","before":"x","after":"[reference('x')]"},
					{"path":"1","propertyChangeType":"Array","children":[{"path":"0","propertyChangeType":"Create","after":1}]},
					{"path":"0","propertyChangeType":"Array"}
				]},
				{"path":"emptyArr","propertyChangeType":"Array","children":[]},
				{"path":"","propertyChangeType":"Array","children":[{"path":"0","propertyChangeType":"Delete","before":true}]},
				{"path":"","propertyChangeType":"Create","after":"pathless"},
				{"path":"ne","propertyChangeType":"NoEffect","after":{"a":[1]}}
			]}
		]}`)
	})},
	{name: "nested-objects", changes: one(func(t *testing.T) planner.Change {
		return modify(t, res, prop(`{"siteConfig":{"appSettings":{"A":"1","B":"2"},"cors":{"allowedOrigins":["x"],"supportCredentials":false},"deep":{"er":{"est":{"v":1}}}}}`),
			prop(`{"siteConfig":{"appSettings":{"A":"1","C":"3"},"cors":{"allowedOrigins":["x","y"],"supportCredentials":true},"deep":{"er":{"est":{"v":2,"w":{"x":"y"}}}},"added":{"obj":{"with":"members","and":["an","array"]}}}}`))
	})},
	{name: "floats", changes: func(t *testing.T) []planner.Change {
		fl := `{"tiny":2.5e-7,"huge":1e21,"one":1.0,"tenth":0.1,"e16":1e16,"e15":1e15,"mid":123456789.123,"negzero":-0.0,"e-5":0.00001,"e-4":0.0001,"third":0.3333333333333333,"neg":-1.5e-10,"big":1.7976931348623157e308,"small":5e-324,"i":42,"imax":9223372036854775807,"imin":-9223372036854775808}`
		return []planner.Change{
			create(t, res, `{"apiVersion":"2023-01-01","properties":`+fl+`}`),
			modify(t, res+"2", prop(`{"f":0.5,"g":[1.5,2.5e-7],"h":1}`), prop(`{"f":2.5e-7,"g":[1e+21],"h":1.25}`)),
		}
	}},
	{name: "unicode", changes: func(t *testing.T) []planner.Change {
		return []planner.Change{
			create(t, res, `{"apiVersion":"2023-01-01","tags":{"Eigentümer":"Jürgen","部署":"研发","emoji😀":"🚀","x":"y"},"properties":{"naïve":{"café":"crème","a":1}}}`),
			modify(t, res+"2", prop(`{"größe":1,"ключ":"значение","x":1,"tags":{"é":"a"}}`), prop(`{"größe":2,"ключ":"новое","x":1,"tags":{"é":"b","日本語キー":"値"}}`)),
			modify(t, res+"3", prop(`{"list":["ä","b"]}`), prop(`{"list":["b","ö","ü"]}`)),
		}
	}},
	{name: "strings-raw", changes: one(func(t *testing.T) planner.Change {
		return create(t, res, `{"apiVersion":"2023-01-01","q":"say \"hi\"","nl":"a\nb","tab":"a\tb","bs":"c:\\dir","empty":"","html":"<a href='x'>&amp;</a>","unknown":"@unknown:reference('x').id"}`)
	})},
	{name: "leaves", changes: one(func(t *testing.T) planner.Change {
		return modify(t, res, prop(`{"n":null,"t":true,"f":false,"eo":{},"ea":[],"z":0}`), prop(`{"n":1,"t":false,"f":null,"eo":[],"ea":{},"z":""}`))
	})},
	{name: "noeffect", changes: func(t *testing.T) []planner.Change {
		return []planner.Change{
			modify(t, res, prop(`{"id":"x","keys":{"a":1}}`), prop(`{"id":"@unknown:reference('a').id","keys":"@unknown:listKeys('a','2023-01-01')"}`)),
			modify(t, res+"2", prop(`{"id":"x","n":1}`), prop(`{"id":"@unknown:reference('a').id","n":2}`)),
		}
	}},
	{name: "keys-with-dots-and-empty", changes: one(func(t *testing.T) planner.Change {
		return create(t, res, `{"apiVersion":"2023-01-01","tags":{"hidden-link:/a/b":"Resource","a.b":"c"},"":{"":"x","k":"v"},"e":{"":1}}`)
	})},
	{name: "docs-sample", changes: func(t *testing.T) []planner.Change {
		return []planner.Change{
			modify(t, prov+"Microsoft.Network/virtualNetworks/vnet-001",
				`{"apiVersion":"2018-10-01","name":"vnet-001","tags":{"Owner":"Team A"},"properties":{"addressSpace":{"addressPrefixes":["10.0.0.0/16"]},"enableDdosProtection":false,"subnets":[{"name":"subnet001","properties":{"addressPrefix":"10.0.0.0/24"}}]}}`,
				`{"apiVersion":"2018-10-01","name":"vnet-001","properties":{"addressSpace":{"addressPrefixes":["10.0.0.0/15"]},"enableDdosProtection":true,"subnets":[]}}`),
			create(t, prov+"Microsoft.Network/virtualNetworks/vnet-002", `{"apiVersion":"2018-10-01","name":"vnet-002","location":"eastus","tags":{"env":"dev"},"properties":{"addressSpace":{"addressPrefixes":["10.1.0.0/16"]}}}`),
		}
	}},
	{name: "diagnostics", changes: func(t *testing.T) []planner.Change {
		return []planner.Change{modify(t, prov+"Microsoft.Compute/galleries/g/images/i", prop(`{"osType":"Linux"}`), prop(`{"osType":"Windows"}`))}
	}, diags: []planner.Diagnostic{{Level: "Warning", Code: "PropertyChangeNotAllowed", Target: prov + "Microsoft.Compute/galleries/g/images/i", Message: "The deployment will fail: changing property 'properties.osType' is not allowed."}}},
	{name: "duplicate-last", changes: func(t *testing.T) []planner.Change {
		c := modify(t, res, prop(`{"x":1}`), prop(`{"x":1}`))
		return []planner.Change{c, c}
	}},
	{name: "odd-ids", changes: func(t *testing.T) []planner.Change {
		return []planner.Change{
			{ResourceID: sub + "/resourceGroups/rg-az/foo/bar", ChangeType: planner.Ignore},
			{ResourceID: "/providers/Microsoft.Management/managementGroups/mg1/subscriptions/notahexid", ChangeType: planner.Ignore},
			{ResourceID: "subscriptions/00000000-0000-0000-0000-000000000001/providers/X/y/z", ChangeType: planner.Ignore},
			{ResourceID: "/something/else", ChangeType: planner.Ignore},
			{ResourceID: sub, ChangeType: planner.Ignore},
		}
	}},
	{name: "invalid-utf8", changes: one(func(t *testing.T) planner.Change {
		o := evaluator.NewObject(2)
		o.Set("apiVersion", evaluator.String("2023-01-01"))
		o.Set("k\xffey", evaluator.String("v\xfe\xfalue"))
		v := evaluator.ObjectValue(o)
		return planner.Change{ResourceID: res, ChangeType: planner.Create, After: &v}
	})},
}

func itoa(i int) string {
	b, _ := json.Marshal(i)
	return string(b)
}

func (c azCase) result(t *testing.T) *planner.WhatIfResult {
	return &planner.WhatIfResult{Status: "Succeeded", Properties: planner.WhatIfProperties{Changes: c.changes(t), Diagnostics: c.diags}}
}

// asAz2_45 turns our text into what az 2.45 prints for it: 2.45 drops the
// colon after "scopes" and has no Diagnostics block (README of
// az-whatif; both forms are accepted).
func asAz2_45(s string) string {
	s = strings.Replace(s, "The deployment will update the following scopes:\n", "The deployment will update the following scopes\n", 1)
	if i := strings.Index(s, "\n\nDiagnostics ("); i >= 0 {
		s = s[:i] + "\n"
	}
	return s
}

func TestWhatIfTextIsAzs(t *testing.T) {
	dir := filepath.Join("testdata", "whatif-az")
	tool := azTool()
	if *updateAz {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		var files []string
		for _, c := range azCases {
			js, err := json.MarshalIndent(c.result(t), "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			f := filepath.Join(dir, c.name+".json")
			if err := os.WriteFile(f, append(js, '\n'), 0o644); err != nil {
				t.Fatal(err)
			}
			files = append(files, f)
		}
		if tool == "" {
			t.Fatal("-update needs az-whatif-format and azure-cli")
		}
		for _, ext := range []struct{ ext, flag string }{{".az.txt", ""}, {".az.color.txt", "--color"}} {
			args := []string{"--out-ext", ext.ext}
			if ext.flag != "" {
				args = append([]string{ext.flag}, args...)
			}
			out, err := exec.Command(tool, append(args, files...)...).CombinedOutput()
			if err != nil {
				t.Fatalf("az-whatif-format: %v\n%s", err, out)
			}
		}
	}
	fresh := map[string]string{}
	if tool != "" && !*updateAz {
		// Re-render the committed JSON: a stale golden fails.
		tmp := t.TempDir()
		var files []string
		for _, c := range azCases {
			js, err := os.ReadFile(filepath.Join(dir, c.name+".json"))
			if err != nil {
				continue
			}
			f := filepath.Join(tmp, c.name+".json")
			if err := os.WriteFile(f, js, 0o644); err != nil {
				t.Fatal(err)
			}
			files = append(files, f)
		}
		if out, err := exec.Command(tool, append([]string{"--out-ext", ".az.txt"}, files...)...).CombinedOutput(); err != nil {
			t.Fatalf("az-whatif-format: %v\n%s", err, out)
		}
		for _, c := range azCases {
			if b, err := os.ReadFile(filepath.Join(tmp, c.name+".az.txt")); err == nil {
				fresh[c.name] = string(b)
			}
		}
	}
	same := 0
	for _, c := range azCases {
		t.Run(c.name, func(t *testing.T) {
			res := c.result(t)
			js, err := json.MarshalIndent(res, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			committed, err := os.ReadFile(filepath.Join(dir, c.name+".json"))
			if err != nil {
				t.Fatalf("no golden (run go test ./views -run TestWhatIfTextIsAzs -update): %v", err)
			}
			if string(committed) != string(js)+"\n" {
				t.Errorf("the what-if JSON changed (review it, then -update):\n got: %s\nwant: %s", js, committed)
			}
			ok := true
			for _, v := range []struct {
				ext   string
				color bool
			}{{".az.txt", false}, {".az.color.txt", true}} {
				want, err := os.ReadFile(filepath.Join(dir, c.name+v.ext))
				if err != nil {
					t.Fatal(err)
				}
				var b bytes.Buffer
				if err := WriteText(&b, res, v.color); err != nil {
					t.Fatal(err)
				}
				if got := asAz2_45(b.String()); got != string(want) {
					ok = false
					t.Errorf("%s differs from az's text:\n%s", v.ext, firstDifference(got, string(want)))
				}
			}
			if f, found := fresh[c.name]; found {
				want, _ := os.ReadFile(filepath.Join(dir, c.name+".az.txt"))
				if f != string(want) {
					t.Errorf("%s.az.txt is stale: az renders the committed JSON differently (run -update)", c.name)
				}
			}
			if ok {
				same++
			}
		})
	}
	t.Logf("%d of %d cases identical to az's formatter (plain and colour)", same, len(azCases))
}

// firstDifference shows the line where two texts part, with both texts.
func firstDifference(got, want string) string {
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	for i := 0; i < max(len(g), len(w)); i++ {
		var gl, wl string
		if i < len(g) {
			gl = g[i]
		}
		if i < len(w) {
			wl = w[i]
		}
		if gl != wl {
			return "line " + itoa(i+1) + ":\n got: " + strings.ReplaceAll(gl, "\x1b", `\e`) + "\nwant: " + strings.ReplaceAll(wl, "\x1b", `\e`) +
				"\n--- got ---\n" + strings.ReplaceAll(got, "\x1b", `\e`) + "\n--- want ---\n" + strings.ReplaceAll(want, "\x1b", `\e`)
		}
	}
	return ""
}
