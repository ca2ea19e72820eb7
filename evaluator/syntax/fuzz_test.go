package syntax_test

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"testing"
	"unicode/utf8"

	"github.com/armdeploy/armdeploy/evaluator/syntax"
)

// seeds are typical ARM expressions covering every syntactic form.
var seeds = []string{
	"[parameters('location')]",
	"[resourceGroup().location]",
	"[concat('storage', uniqueString(resourceGroup().id))]",
	"[format('{0}-{1}', parameters('prefix'), copyIndex(1))]",
	"[resourceId('Microsoft.Compute/galleries/images', parameters('galleryName'), parameters('imageName'))]",
	"[reference(resourceId('Microsoft.Network/publicIPAddresses', variables('ip'))).dnsSettings.fqdn]",
	"[if(equals(parameters('os'), 'Windows'), variables('win'), variables('linux'))]",
	"[variables('subnets')[copyIndex()].name]",
	"[parameters('tags')['cost-center']]",
	"[createArray(1, -2, 3)]",
	"[createObject('a', 'it''s', 'b', json('{\"x\": [1,2]}'))]",
	"[[not an expression]",
	"[ concat( 'a' , 'b' ) ]",
	"[contoso.uniqueName(parameters('namePrefix'))]",
	"[__bicep.double(2)]",
	"[filter(parameters('dogs'), lambda('dog', greaterOrEquals(lambdaVariables('dog').age, 5)))]",
	"[map(range(0, 4), lambda('i', createObject('i', lambdaVariables('i'))))]",
	"[reduce(createArray(5,3,2,8), 0, lambda('cur','next', add(lambdaVariables('cur'), lambdaVariables('next'))))]",
	"[sort(variables('x'), lambda('a', 'b', less(lambdaVariables('a'), lambdaVariables('b'))))]",
	"[toObject(parameters('list'), lambda('e', lambdaVariables('e').name))]",
	"[listKeys(resourceId('Microsoft.Storage/storageAccounts', 'sa'), '2022-09-01').keys[0].value]",
	"[subscriptionResourceId('Microsoft.Authorization/roleDefinitions', 'b24988ac-6180-42a0-ab88-20f7382dd24c')]",
	"[guid(resourceGroup().id, deployment().name)]",
	"[utcNow('u')]",
	"[dateTimeAdd(utcNow(), 'PT1H')]",
	"[cidrSubnet('10.144.0.0/20', 24, 3)]",
	"[parseCidr('fdad:3236:5555::/48').netmask]",
	"[substring(parameters('s'), 0, min(length(parameters('s')), 24))]",
	"[toLower(replace(parameters('n'), '-', ''))]",
	"[and(not(empty(parameters('a'))), or(true(), false()))]",
	"[coalesce(parameters('a'), null(), 'default')]",
	"[tryGet(parameters('o'), 'a', 'b', 0)]",
	"[split(parameters('csv'), createArray(',', ';'))[2]]",
	"[environment().suffixes.storage]",
	"[deployment().properties.templateLink.uri]",
	"[uri(deployment().properties.templateLink.uri, 'nested/template.json')]",
	"[base64ToJson(base64('{\"a\":1}')).a]",
	"[string(createObject('k', true()))]",
	"[padLeft(string(copyIndex()), 3, '0')]",
	"[take(skip(variables('arr'), 1), 2)]",
	"[f('ü', 'ß', '日本')]",
	"[x()]",
	"[f(-9223372036854775808)]",
	"[]",
	"[f(]",
	"[f('unterminated)]",
}

// FuzzParse checks that the parser never panics, that every range lies
// within the input, and that parse → print → parse gives an equal tree.
func FuzzParse(f *testing.F) {
	for _, s := range seeds {
		f.Add(s)
	}
	for _, s := range referenceExpressions(f, 200) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := syntax.Parse(s)
		if err != nil {
			perr, ok := err.(*syntax.Error)
			if !ok {
				t.Fatalf("error of type %T", err)
			}
			if perr.Offset < 0 || perr.Offset > len(s) {
				t.Fatalf("error offset %d outside [0,%d]", perr.Offset, len(s))
			}
			return
		}
		syntax.Inspect(n, func(n syntax.Node) bool {
			r := n.Span()
			if r.Start < 1 || r.End > len(s)-1 || r.Start > r.End {
				t.Fatalf("range %v of %s outside the expression (len %d)", r, syntax.Dump(n), len(s))
			}
			if c, ok := n.(*syntax.Call); ok {
				if c.NameRange.Start != r.Start || c.NameRange.End > r.End {
					t.Fatalf("name range %v not within call range %v", c.NameRange, r)
				}
			}
			return true
		})
		printed := syntax.Format(n)
		if utf8.RuneCountInString(printed) > syntax.MaxExpressionLength {
			return
		}
		again, err := syntax.Parse(printed)
		if err != nil {
			t.Fatalf("printed form %q does not parse: %v", printed, err)
		}
		if !syntax.Equal(n, again) {
			t.Fatalf("round trip changed the tree:\n in: %s\nout: %s", syntax.Dump(n), syntax.Dump(again))
		}
		if syntax.Format(again) != printed {
			t.Fatalf("printing is not stable: %q vs %q", printed, syntax.Format(again))
		}
	})
}

var jsonExpr = regexp.MustCompile(`"(\[[^"\\]*(?:\\.[^"\\]*)*\])"`)

// referenceExpressions reads up to limit expressions from the quickstart
// templates in the shared reference folder, when it is present; the
// repository does not copy them.
func referenceExpressions(tb testing.TB, limit int) []string {
	root := filepath.Join("..", "..", "..", "shared", "reference", "quickstarts")
	var out []string
	seen := map[string]bool{}
	_ = filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || filepath.Ext(path) != ".json" || len(out) >= limit {
			return nil
		}
		fh, err := os.Open(path)
		if err != nil {
			return nil
		}
		defer fh.Close()
		sc := bufio.NewScanner(fh)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() && len(out) < limit {
			for _, m := range jsonExpr.FindAllStringSubmatch(sc.Text(), -1) {
				var text string
				if json.Unmarshal([]byte(`"`+m[1]+`"`), &text) != nil || seen[text] {
					continue
				}
				seen[text] = true
				out = append(out, text)
			}
		}
		return nil
	})
	return out
}

func TestReferenceExpressionsParse(t *testing.T) {
	exprs := referenceExpressions(t, 1000)
	if len(exprs) == 0 {
		t.Skip("shared reference quickstarts not available")
	}
	for _, s := range exprs {
		if syntax.Classify(s) != syntax.Expression {
			continue
		}
		if _, err := syntax.Parse(s); err != nil {
			t.Errorf("Parse(%q): %v", s, err)
		}
	}
}
