// Command gallerysweep runs armdeploy over every azuredeploy.json of a
// local copy of Azure's quickstart gallery, as the gallery's own test
// harness would: with its parameter file, generated values for the
// placeholders (GEN-UNIQUE, GEN-PASSWORD, ...), stand-ins for required
// parameters the file leaves out, deployed from its gallery URI with the
// gallery's URIs mapped to the copy (--template-uri, --artifacts-map).
// Each template, in a store of its own, goes through validate, what-if
// on the empty scope, deploy and a second what-if; the report (markdown)
// gives the counts per stage and scope and every failure with its cause.
//
//	go run ./tools/gallerysweep -gallery /path/to/azure-quickstart-templates -out docs/corpus.md
//
// A copy of the gallery: the search tool's fetch of
// github:dosyago/azure-quickstart-templates (a copy of
// Azure/azure-quickstart-templates), checked out into a folder.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/armdeploy/armdeploy/internal/gallery"
)

func main() {
	dir := flag.String("gallery", "", "a local copy of the quickstart gallery (required)")
	out := flag.String("out", "docs/corpus.md", "the report to write (- for standard output)")
	bin := flag.String("bin", "", "the armdeploy binary (default: built from this module)")
	jobs := flag.Int("j", runtime.NumCPU(), "templates swept at the same time")
	only := flag.String("only", "", "sweep only the templates whose path contains this")
	timeout := flag.Duration("timeout", 2*time.Minute, "the limit of one command")
	label := flag.String("label", "", "what the report says the copy is (default: the folder's git commit, when it has one)")
	keep := flag.String("keep", "", "keep each template's store, parameter files and command lines (commands.sh) below this folder")
	save := flag.String("results", "", "also write the results as JSON to this file")
	from := flag.String("from", "", "write the report from the results of an earlier sweep (-results) instead of sweeping")
	flag.Parse()
	if *from != "" {
		if err := rerender(*from, *out); err != nil {
			fmt.Fprintln(os.Stderr, "gallerysweep:", err)
			os.Exit(1)
		}
		return
	}
	if *dir == "" {
		fmt.Fprintln(os.Stderr, "gallerysweep: -gallery DIR is required")
		os.Exit(2)
	}
	if err := run(*dir, *out, *bin, *only, *label, *save, *keep, *jobs, *timeout); err != nil {
		fmt.Fprintln(os.Stderr, "gallerysweep:", err)
		os.Exit(1)
	}
}

func run(dir, out, bin, only, label, save, keep string, jobs int, timeout time.Duration) error {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return err
	}
	work := keep
	if keep == "" {
		if work, err = os.MkdirTemp("", "gallerysweep"); err != nil {
			return err
		}
		defer os.RemoveAll(work)
	} else if work, err = filepath.Abs(keep); err != nil {
		return err
	}
	if bin == "" {
		bin = filepath.Join(work, "armdeploy")
		build := exec.Command("go", "build", "-o", bin, "./cmd/armdeploy")
		build.Stdout, build.Stderr = os.Stderr, os.Stderr
		if err := build.Run(); err != nil {
			return fmt.Errorf("building armdeploy (run from the module's root, or give -bin): %w", err)
		}
	}
	var files []gallery.Template
	for _, t := range gallery.Templates(dir) {
		if strings.Contains(t.Path, only) {
			files = append(files, t)
		}
	}
	if len(files) == 0 {
		return fmt.Errorf("no azuredeploy.json below %s", dir)
	}
	start := time.Now()
	results := make([]*Result, len(files))
	var wg sync.WaitGroup
	next := make(chan int)
	var mu sync.Mutex
	done := 0
	for w := 0; w < max(jobs, 1); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				s := &sweeper{bin: bin, gallery: dir, work: filepath.Join(work, fmt.Sprint(i)), timeout: timeout, keep: keep != ""}
				results[i] = s.sweep(files[i])
				mu.Lock()
				done++
				if done%50 == 0 || done == len(files) {
					fmt.Fprintf(os.Stderr, "gallerysweep: %d/%d templates, %s\n", done, len(files), time.Since(start).Round(time.Second))
				}
				mu.Unlock()
			}
		}()
	}
	for i := range files {
		next <- i
	}
	close(next)
	wg.Wait()
	if label == "" {
		label = gitCommit(dir)
	}
	took := time.Since(start)
	if save != "" {
		b, err := json.MarshalIndent(saved{Label: label, Seconds: took.Seconds(), Results: results}, "", "  ")
		if err != nil {
			return err
		}
		if err := os.WriteFile(save, b, 0o644); err != nil {
			return err
		}
	}
	return write(out, Report(results, label, took))
}

// saved is what -results writes and -from reads.
type saved struct {
	Label   string
	Seconds float64
	Results []*Result
}

// rerender writes the report of an earlier sweep's results.
func rerender(from, out string) error {
	b, err := os.ReadFile(from)
	if err != nil {
		return err
	}
	var s saved
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("%s: %w", from, err)
	}
	for _, r := range s.Results {
		r.Cause = cause(r.Failed, r.Detail, r.Cause)
	}
	return write(out, Report(s.Results, s.Label, time.Duration(s.Seconds*float64(time.Second))))
}

func write(out, report string) error {
	if out == "-" {
		_, err := os.Stdout.WriteString(report)
		return err
	}
	if err := os.WriteFile(out, []byte(report), 0o644); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "gallerysweep: wrote %s\n", out)
	return nil
}

// gitCommit is the commit a folder is checked out at, or "".
func gitCommit(dir string) string {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	b, err := exec.CommandContext(ctx, "git", "-C", dir, "log", "-1", "--format=%h (%cs)").Output()
	if err != nil {
		return ""
	}
	return "commit " + strings.TrimSpace(string(b))
}
