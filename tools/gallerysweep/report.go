package main

import (
	"fmt"
	"sort"
	"strings"
	"time"
)

var scopes = []string{"resourceGroup", "subscription", "managementGroup", "tenant"}

// Report renders the sweep's results as markdown: the counts per scope
// and stage, the causes of the failures by count, and every failure.
func Report(results []*Result, label string, took time.Duration) string {
	var b strings.Builder
	w := func(format string, a ...any) { fmt.Fprintf(&b, format, a...) }
	w("# The quickstart gallery, offline\n\n")
	w("Written by `go run ./tools/gallerysweep -gallery DIR -out docs/corpus.md` over every `azuredeploy.json`\n")
	w("of a local copy of Azure's quickstart gallery")
	if label != "" {
		w(" (%s)", label)
	}
	w(", in %s. Each template runs in a store of its own, deployed from its\n", took.Round(time.Second))
	w("gallery URI with the gallery mapped to the copy (`--template-uri`, `--artifacts-map`), its parameter\n")
	w("file with the harness's generated values for `GEN-*` placeholders and stand-ins for required\n")
	w("parameters the file leaves out. A template deploys **cleanly** when the deploy exits 0, no linked\n")
	w("template was skipped, no output failed, and no resource, parameter or output in the store holds\n")
	w("expression text; the second what-if is clean when it reports no change (`--detailed-exit-code` 0).\n\n")

	w("| scope | templates | validate | what-if | deploy | clean deploy | clean 2nd what-if |\n")
	w("|---|---:|---:|---:|---:|---:|---:|\n")
	total := map[string]int{}
	for _, scope := range append(scopes, "all") {
		n := map[string]int{}
		count := 0
		for _, r := range results {
			if scope != "all" && r.Scope != scope {
				continue
			}
			count++
			for _, s := range r.Passed {
				n[s]++
			}
		}
		if count == 0 {
			continue
		}
		name := scope
		if scope == "all" {
			name, total = "**all**", n
			total["templates"] = count
		}
		w("| %s | %d | %d | %d | %d | %s | %s |\n", name, count, n[stageValidate], n[stageWhatIf], n[stageDeploy],
			pct(n[stageClean], count), pct(n[stageSecond], n[stageClean]))
	}
	crashed := 0
	for _, r := range results {
		if r.Crashed {
			crashed++
		}
	}
	w("\nClean deploys: %s of the templates. Clean second what-ifs: %s of the clean deploys. Crashes (panics): %d.\n",
		pct(total[stageClean], total["templates"]), pct(total[stageSecond], total[stageClean]), crashed)

	type key struct{ stage, cause string }
	byCause := map[key][]*Result{}
	for _, r := range results {
		if r.Failed != "" {
			k := key{r.Failed, r.Cause}
			byCause[k] = append(byCause[k], r)
		}
	}
	keys := make([]key, 0, len(byCause))
	for k := range byCause {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if a, b := len(byCause[keys[i]]), len(byCause[keys[j]]); a != b {
			return a > b
		}
		if keys[i].stage != keys[j].stage {
			return keys[i].stage < keys[j].stage
		}
		return keys[i].cause < keys[j].cause
	})
	azureToo, gaps, unknown := classified(results)
	w("Of the %d failures, %d are ones Azure would refuse too (or, in a second what-if, show too), %d are gaps of armdeploy named below, %d are not yet classified.\n",
		azureToo+gaps+unknown, azureToo, gaps, unknown)
	w("\n## Failures by cause\n\n| stage | cause | templates | why |\n|---|---|---:|---|\n")
	for _, k := range keys {
		w("| %s | %s | %d | %s |\n", k.stage, k.cause, len(byCause[k]), escape(summary(byCause[k])))
	}
	w("\n## Every failure\n")
	for _, k := range keys {
		w("\n### %s: %s (%d)\n\n", k.stage, k.cause, len(byCause[k]))
		for _, r := range byCause[k] {
			detail := strings.ReplaceAll(r.Detail, "\n", " / ")
			if len(detail) > 400 {
				detail = detail[:400] + "…"
			}
			w("- `%s`: %s\n  — *%s*\n", r.Rel, escape(detail), escape(explain(r).String()))
		}
	}
	return b.String()
}

func pct(n, of int) string {
	if of == 0 {
		return "0"
	}
	return fmt.Sprintf("%d (%.1f%%)", n, 100*float64(n)/float64(of))
}

// escape keeps a detail from breaking the markdown around it.
func escape(s string) string {
	return strings.NewReplacer("|", "\\|", "<", "&lt;", ">", "&gt;", "`", "'").Replace(s)
}

// summary is the why of a group of failures: their verdict when they
// share one, else how many are Azure's and armdeploy's.
func summary(rs []*Result) string {
	first := explain(rs[0])
	same := true
	azureToo, gaps, unknown := classified(rs)
	for _, r := range rs[1:] {
		if explain(r) != first {
			same = false
		}
	}
	if same {
		return first.String()
	}
	var parts []string
	if azureToo > 0 {
		parts = append(parts, fmt.Sprintf("Azure too: %d", azureToo))
	}
	if gaps > 0 {
		parts = append(parts, fmt.Sprintf("armdeploy gap: %d", gaps))
	}
	if unknown > 0 {
		parts = append(parts, fmt.Sprintf("not yet classified: %d", unknown))
	}
	return strings.Join(parts, ", ") + " (see each below)"
}
