package main

import (
	"strings"

	"github.com/spf13/cobra"
)

// levelArgs are the scope flags of an example at each 'deployment LEVEL'.
var levelArgs = map[string]string{"group": " -g demo", "sub": "", "mg": " -m mg-platform", "tenant": ""}

// otherExamples are the examples of commands whose files do not give
// one: cobra's completion commands and the parents of command groups.
var otherExamples = map[string]string{
	"armdeploy completion":            "  armdeploy completion bash > /etc/bash_completion.d/armdeploy\n  source <(armdeploy completion zsh)",
	"armdeploy completion bash":       "  source <(armdeploy completion bash)\n  armdeploy completion bash > /etc/bash_completion.d/armdeploy",
	"armdeploy completion zsh":        "  source <(armdeploy completion zsh)\n  armdeploy completion zsh > \"${fpath[1]}/_armdeploy\"",
	"armdeploy completion fish":       "  armdeploy completion fish | source\n  armdeploy completion fish > ~/.config/fish/completions/armdeploy.fish",
	"armdeploy completion powershell": "  armdeploy completion powershell | Out-String | Invoke-Expression",
	"armdeploy deployment":            "  armdeploy deployment group create -g demo -l eastus -f main.json\n  armdeploy deployment list -g demo -o table",
	"armdeploy deployment operation":  "  armdeploy deployment operation group list -g demo -n main -o table",
	// TODO(cli): move these into sp.go with its commands.
	"armdeploy sp":        "  armdeploy sp create -n ci --role Contributor\n  armdeploy sp list -o table",
	"armdeploy sp list":   "  armdeploy sp list -o table",
	"armdeploy sp delete": "  armdeploy sp delete -n ci",
}

// addExamples gives every command without an example one: the
// otherExamples, and for the commands 'deployment' makes at each scope
// level (and its legacy forms) an example built from the level and verb.
func addExamples(root *cobra.Command) {
	root.InitDefaultCompletionCmd()
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		path := c.CommandPath()
		words := strings.Fields(path)
		switch {
		case otherExamples[path] != "":
			if c.Example == "" {
				c.Example = otherExamples[path]
			}
		case len(words) >= 3 && words[1] == "deployment":
			c.Example = deploymentExample(words[2:], c.Example)
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
}

// deploymentExample is the example of 'armdeploy deployment WORDS...'.
func deploymentExample(words []string, given string) string {
	ex := func(args ...string) string {
		var b strings.Builder
		for i, a := range args {
			if i > 0 {
				b.WriteByte('\n')
			}
			b.WriteString("  armdeploy deployment " + a)
		}
		return b.String()
	}
	if words[0] == "operation" {
		if len(words) == 1 {
			return given
		}
		return ex("operation " + words[1] + " list" + levelArgs[words[1]] + " -n main -o table")
	}
	level, ok := levelArgs[words[0]]
	if !ok { // the legacy 'deployment list|show|operations|delete -g RG'
		named := ""
		if words[0] != "list" {
			named = " -n main"
		}
		return ex(words[0] + " -g demo" + named)
	}
	lvl := words[0]
	loc := " -l eastus"
	if lvl == "group" {
		loc = ""
	}
	if len(words) == 1 {
		return ex(lvl+" create"+level+loc+" -f main.json", lvl+" list"+level+" -o table")
	}
	switch verb := words[1]; verb {
	case "create":
		if lvl == "group" {
			return ex("group create -g demo -l eastus -f main.json -p env=dev", "group create -g demo -f main.json -p @main.parameters.json -c")
		}
		return ex(lvl + " create" + level + loc + " -f main.json")
	case "what-if", "validate":
		return ex(lvl + " " + verb + level + loc + " -f main.json")
	case "list":
		return ex(lvl+" list"+level, lvl+" list"+level+" --query \"[].name\" -o tsv")
	case "show":
		return ex(lvl+" show"+level+" -n main", lvl+" show"+level+" -n main --query properties.outputs")
	case "export":
		return ex(lvl + " export" + level + " -n main > main.json")
	default: // delete, cancel
		return ex(lvl + " " + verb + level + " -n main")
	}
}
