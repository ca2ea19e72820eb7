package schema

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/armdeploy/armdeploy/templates"
)

// FuzzCheckTemplate checks that no parsed document makes the template and
// resource checks panic, whatever shape its members have.
func FuzzCheckTemplate(f *testing.F) {
	f.Add(`{"resources":[{"name":"x"}]}`)
	f.Add(`{"resources":[{"type":"Microsoft.Compute/galleries","apiVersion":"2019-12-01","name":"g","properties":[]}],"variables":{"copy":5}}`)
	f.Add(`{"resources":{"a":{"type":1}},"outputs":{"o":3},"variables":[]}`)
	paths, _ := filepath.Glob(filepath.Join("..", "quickstarts", "*", "azuredeploy.json"))
	for _, p := range paths {
		if data, err := os.ReadFile(p); err == nil {
			f.Add(string(data))
		}
	}
	f.Fuzz(func(t *testing.T, doc string) {
		src, _ := templates.Parse("f.json", []byte(doc))
		if src == nil || src.Root == nil {
			return
		}
		tmpl, _ := templates.NewTemplate(src)
		CheckTemplate(tmpl)
	})
}
