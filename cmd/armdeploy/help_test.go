package main

import (
	"strings"
	"testing"

	"github.com/spf13/cobra"
)

// TestEveryCommandHasExample walks the command tree: every command a user
// can run (cobra's help aside) has an example in its --help, and every
// example line runs armdeploy.
func TestEveryCommandHasExample(t *testing.T) {
	root := newRootCmd(&IOStreams{})
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		if c.Hidden || c.Name() == "help" {
			return
		}
		if strings.TrimSpace(c.Example) == "" {
			t.Errorf("%q has no example", c.CommandPath())
		}
		for _, l := range strings.Split(strings.TrimSpace(c.Example), "\n") {
			if l = strings.TrimSpace(l); l != "" && !strings.Contains(l, "armdeploy ") {
				t.Errorf("%q: example line %q does not run armdeploy", c.CommandPath(), l)
			}
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
}

// TestHelpExitCodes checks that --help documents the exit codes, with
// what-if's --detailed-exit-code ones.
func TestHelpExitCodes(t *testing.T) {
	for _, args := range [][]string{{"--help"}, {"what-if", "--help"}} {
		code, out, _ := runCLI(t, args...)
		if code != 0 {
			t.Fatalf("%q: exit %d", args, code)
		}
		for _, want := range []string{"Exit codes: 0 success, 1 error", "2 usage error", "--detailed-exit-code", "0 no changes", "2 changes", "usage errors included"} {
			if !strings.Contains(strings.Join(strings.Fields(out), " "), want) {
				t.Errorf("%q does not say %q", args, want)
			}
		}
	}
}
