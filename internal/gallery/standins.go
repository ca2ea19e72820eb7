package gallery

import (
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/armdeploy/armdeploy/templates"
)

// StandIns returns -p arguments for the required parameters of a
// template that its parameter file leaves out, as template-analyzer
// does: the first allowed value, else a value of the declared type that
// meets its bounds. With linked, the template is deployed from its URI
// (--template-uri), so a default that reads
// deployment().properties.templateLink is left to the template; without
// it such a parameter gets the gallery's artifacts location.
func StandIns(template, params string, linked bool) []string {
	src, _, err := templates.ReadFile(template)
	if err != nil || src == nil || src.Root == nil {
		return nil
	}
	tmpl, _ := templates.NewTemplate(src)
	given := &templates.ParameterSet{}
	if params != "" {
		if vals, _, _, err := templates.ReadParameterArg("@"+params, "p"); err == nil {
			given.Add(vals)
		}
	}
	var out []string
	for _, p := range tmpl.Parameters {
		isLinked := p.DefaultValue != nil && strings.Contains(strings.ToLower(p.DefaultValue.Str), "templatelink")
		if gv := given.Get(p.Name); gv != nil && !(gv.Value != nil && gv.Value.Kind == templates.Null && p.DefaultValue == nil) {
			continue // supplied (a null with no default counts as missing)
		}
		if linked && isLinked {
			continue // deployed from its URI: the default applies
		}
		if isLinked {
			out = append(out, "-p", fmt.Sprintf(`{%q:{"value":%q}}`, p.Name, Prefix))
			continue
		}
		if p.DefaultValue != nil || p.IsNullable() {
			continue
		}
		out = append(out, "-p", fmt.Sprintf(`{%q:{"value":%s}}`, p.Name, standIn(p)))
	}
	return out
}

// standIn is a value of a parameter's type within its bounds.
func standIn(p *templates.Parameter) string {
	switch {
	case p.AllowedValues != nil && len(p.AllowedValues.Items) > 0:
		b, _ := p.AllowedValues.Items[0].MarshalJSON()
		return string(b)
	case p.BaseType() == "int":
		n := int64(1)
		if p.MinValue != nil {
			n = *p.MinValue
		}
		return fmt.Sprint(n)
	case p.BaseType() == "bool":
		return "false"
	case p.BaseType() == "array":
		return "[]"
	case p.BaseType() == "object":
		return "{}"
	}
	name := strings.ToLower(p.Name)
	if strings.Contains(name, "location") || strings.Contains(name, "region") {
		return `"eastus"` // a region, as the harness deploys to
	}
	s := "standin" + name
	if p.IsSecure() {
		s = "Stand-in-P4ssw0rd!"
	}
	if p.MaxLength != nil && int64(len(s)) > *p.MaxLength {
		s = s[:*p.MaxLength]
	}
	for p.MinLength != nil && int64(len(s)) < *p.MinLength {
		s += "x"
	}
	return fmt.Sprintf("%q", s)
}

// expression matches a stored string that is ARM expression text.
var expression = regexp.MustCompile(`^\[[A-Za-z_][\w.]*\(.*\)[^()]*\]$`)

// foreignExpressions are the types whose bodies hold expressions that
// another engine evaluates, stored as given: a template spec's template,
// a blueprint's artifacts and parameters, a policy's rule.
var foreignExpressions = map[string]bool{
	"microsoft.resources/templatespecs/versions":   true,
	"microsoft.blueprint/blueprints":               true,
	"microsoft.blueprint/blueprints/artifacts":     true,
	"microsoft.authorization/policydefinitions":    true,
	"microsoft.authorization/policysetdefinitions": true,
}

// ExpressionTexts lists the strings of a state export (armdeploy state
// export) that are ARM expression text, "path=value", skipping the
// templates kept with the deployment records.
func ExpressionTexts(export string) []string {
	var doc any
	if json.Unmarshal([]byte(export), &doc) != nil {
		return []string{"(state export does not parse)"}
	}
	seen := map[string]bool{}
	var out []string
	var walk func(path string, v any)
	walk = func(path string, v any) {
		switch v := v.(type) {
		case map[string]any:
			if t, _ := v["type"].(string); foreignExpressions[strings.ToLower(t)] {
				return
			}
			for k, x := range v {
				if k == "template" || k == "Template" || k == "mainTemplate" || k == "linkedTemplates" {
					continue
				}
				walk(path+"."+k, x)
			}
		case []any:
			for i, x := range v {
				walk(fmt.Sprintf("%s[%d]", path, i), x)
			}
		case string:
			if expression.MatchString(v) && !seen[v] {
				seen[v] = true
				out = append(out, fmt.Sprintf("%s=%q", path, v))
			}
			// Bodies and records may be JSON kept as text.
			if strings.HasPrefix(v, "{") || strings.HasPrefix(v, "[{") {
				var inner any
				if json.Unmarshal([]byte(v), &inner) == nil {
					walk(path, inner)
				}
			}
		}
	}
	walk("", doc)
	sort.Strings(out)
	return out
}
