// Command armdeploy is an offline Azure Resource Manager deployment engine:
// it validates, expands, previews and applies ARM templates against a local
// simulation of Azure.
package main

import (
	"fmt"
	"os"
	"runtime/debug"
	"runtime/pprof"
)

func main() {
	// A command lives for a moment and its heap is garbage only at the end:
	// collecting at twice the live heap instead of once saves a tenth of
	// the time of a large deployment for a third more memory. GOGC, when
	// set, still decides.
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(200)
	}
	os.Exit(profiled(func() int { return Main(os.Args[1:], os.Stdin, os.Stdout, os.Stderr) }))
}

// profiled runs f, writing a CPU profile of the whole process to the file
// $ARMDEPLOY_CPUPROFILE names, when it names one (for perf/ratios.sh's
// measures: `go tool pprof armdeploy FILE`).
func profiled(f func() int) int {
	path := os.Getenv("ARMDEPLOY_CPUPROFILE")
	if path == "" {
		return f()
	}
	file, err := os.Create(path)
	if err != nil {
		fmt.Fprintf(os.Stderr, "armdeploy: ARMDEPLOY_CPUPROFILE: %v\n", err)
		return f()
	}
	defer file.Close()
	if err := pprof.StartCPUProfile(file); err != nil {
		fmt.Fprintf(os.Stderr, "armdeploy: ARMDEPLOY_CPUPROFILE: %v\n", err)
		return f()
	}
	defer pprof.StopCPUProfile()
	return f()
}
