// Package gallery owns what the sweeps over Azure's quickstart gallery
// share: finding every azuredeploy.json with its parameter file, the
// values the gallery's own test harness generates for its placeholders
// (GEN-UNIQUE, GEN-PASSWORD, ...), stand-in values for required
// parameters a parameter file leaves out, and spotting ARM expression
// text stored as if it were a value. The CLI's corpus tests and
// tools/gallerysweep use it; it runs nothing itself.
package gallery

import (
	"os"
	"path/filepath"
	"sort"
)

// Prefix is the URI the gallery's templates are published under; a local
// copy is mapped to it with --artifacts-map Prefix=DIR.
const Prefix = "https://raw.githubusercontent.com/Azure/azure-quickstart-templates/master/"

// Template is one azuredeploy.json of the gallery and its parameter file
// ("" when it has none).
type Template struct {
	Path, Params string
}

// Templates lists every azuredeploy.json below root with its
// azuredeploy.parameters.json, sorted by path.
func Templates(root string) []Template {
	var files []Template
	filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err == nil && d.Name() == "azuredeploy.json" {
			params := filepath.Join(filepath.Dir(path), "azuredeploy.parameters.json")
			if _, err := os.Stat(params); err != nil {
				params = ""
			}
			files = append(files, Template{path, params})
		}
		return err
	})
	sort.Slice(files, func(i, j int) bool { return files[i].Path < files[j].Path })
	return files
}
