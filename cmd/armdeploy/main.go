// Command armdeploy is an offline Azure Resource Manager deployment engine:
// it validates, expands, previews and applies ARM templates against a local
// simulation of Azure.
package main

import (
	"fmt"
	"math"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
)

func main() {
	tuneGC()
	os.Exit(profiled(func() int { return Main(os.Args[1:], os.Stdin, os.Stdout, os.Stderr) }))
}

// gcFreeHeap is the memory a command uses before its first collection.
// At 64 MiB a deployment of 800 resources collected once, just as its
// apply ran: 13 ms of concurrent marking (a live heap of 14 MB) slowed
// the apply by 12 ms of its 133. At 128 MiB it does not collect (peak
// RSS 92 → 103 MB); what-if of 10 × 800 nested peaks at about 140 MB
// instead of 103, deploying them at 175–190 MB instead of 186–205.
const gcFreeHeap = 128 << 20

// tuneGC sets how the command collects garbage, unless GOGC or GOMEMLIMIT
// is set. A command lives for a moment and its heap is garbage only at
// the end: it does not collect at all until it holds gcFreeHeap (most
// commands end before: what-if of 800 resources spent a sixth of its time
// collecting a heap of 40 MB), then collects at twice the live heap
// instead of once, which saves a tenth of the time of a large deployment
// for a third more memory.
func tuneGC() {
	if os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "" {
		return
	}
	debug.SetGCPercent(-1)
	debug.SetMemoryLimit(gcFreeHeap)
	// The first collection (at the limit) frees this, and its cleanup
	// switches to the ordinary pacing.
	runtime.AddCleanup(new([64]byte), func(struct{}) {
		debug.SetGCPercent(200)
		debug.SetMemoryLimit(math.MaxInt64)
	}, struct{}{})
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
