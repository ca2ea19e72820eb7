package main

import (
	"github.com/spf13/cobra"
)

// flagValues are the values shell completion offers for flags that take
// one of a few words, by flag name, on every command that has the flag.
var flagValues = map[string][]string{
	"output":               outputFormats,
	"mode":                 {"Incremental", "Complete"},
	"result-format":        {"FullResourcePayloads", "ResourceIdOnly"},
	"exclude-change-types": changeTypes,
	"simulate":             {"instant", "realtime"},
	"validation-level":     {"Template", "Provider", "ProviderNoRbac"},
}

// registerCompletions adds value completion to every command's flags:
// the words of flagValues, graph's --format, and template files for -f.
// 'armdeploy completion bash|zsh|fish|powershell' (cobra's) prints the
// script that asks the binary for them.
func registerCompletions(root *cobra.Command) {
	root.CompletionOptions.HiddenDefaultCmd = false
	has := func(c *cobra.Command, name string) bool {
		return c.Flags().Lookup(name) != nil || c.PersistentFlags().Lookup(name) != nil
	}
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		for name, values := range flagValues {
			// A flag registers once, on the command that declares it;
			// the commands that inherit it share the registration.
			if has(c, name) {
				_ = c.RegisterFlagCompletionFunc(name, cobra.FixedCompletions(values, cobra.ShellCompDirectiveNoFileComp))
			}
		}
		if c.Name() == "graph" {
			_ = c.RegisterFlagCompletionFunc("format", cobra.FixedCompletions([]string{"dot", "mermaid", "text"}, cobra.ShellCompDirectiveNoFileComp))
		}
		if has(c, "template-file") {
			_ = c.MarkFlagFilename("template-file", "json", "jsonc", "yaml", "yml")
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
}
