package main

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"strings"

	"github.com/spf13/cobra"
)

// versionInfo is what the binary knows about its build: the module
// version and the VCS stamp that go build and go install record
// (vcs.revision, vcs.time, vcs.modified), read with runtime/debug.
type versionInfo struct {
	Version  string `json:"version"`
	Commit   string `json:"commit"`
	Date     string `json:"date"`
	Modified bool   `json:"modified"`
	Go       string `json:"go"`
	Platform string `json:"platform"`
}

// buildVersion reads the build information of the running binary. A
// binary built without VCS stamping (go run, go test, -buildvcs=false)
// has an empty commit and date.
func buildVersion() versionInfo {
	v := versionInfo{Version: "(devel)", Go: runtime.Version(), Platform: runtime.GOOS + "/" + runtime.GOARCH}
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return v
	}
	if bi.Main.Version != "" {
		v.Version = bi.Main.Version
	}
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			v.Commit = s.Value
		case "vcs.time":
			v.Date = s.Value
		case "vcs.modified":
			v.Modified = s.Value == "true"
		}
	}
	return v
}

// String is the one line of --version: "armdeploy VERSION (commit
// REVISION, DATE[, modified]) GO OS/ARCH".
func (v versionInfo) String() string {
	var parts []string
	if v.Commit != "" {
		parts = append(parts, "commit "+v.Commit)
	} else {
		parts = append(parts, "commit unknown")
	}
	if v.Date != "" {
		parts = append(parts, v.Date)
	}
	if v.Modified {
		parts = append(parts, "modified")
	}
	return fmt.Sprintf("armdeploy %s (%s) %s %s", v.Version, strings.Join(parts, ", "), v.Go, v.Platform)
}

func newVersionCmd(io *IOStreams) *cobra.Command {
	var output string
	cmd := &cobra.Command{
		Use:   "version [-o text|json|yaml|tsv|table]",
		Short: "Print armdeploy's version, commit and build date",
		Long: `Version prints the module version, the commit the binary was built from, the
commit's date, whether the working tree had uncommitted changes ("modified"),
and the Go version and platform. The same line is 'armdeploy --version'.`,
		Example: `  armdeploy version
  armdeploy version -o json --query commit`,
		Args: noArgs,
		RunE: func(_ *cobra.Command, _ []string) error {
			if err := checkOutput(output); err != nil {
				return err
			}
			v := buildVersion()
			if output != "text" {
				return emit(io.Out, output, v)
			}
			_, err := fmt.Fprintln(io.Out, v.String())
			return err
		},
	}
	cmd.Flags().StringVarP(&output, "output", "o", "text", outputHelp)
	return cmd
}
