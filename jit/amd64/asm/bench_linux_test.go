//go:build linux

package asm

import (
	"runtime"
	"testing"

	"golang.org/x/sys/unix"
)

// cpuClock measures the CPU time of the benchmark's own thread, which the
// load of other processes on a shared machine inflates far less than the
// wall-clock time that ns/op reports.
type cpuClock struct{ start int64 }

func startCPU() cpuClock {
	runtime.LockOSThread()
	return cpuClock{threadCPU()}
}

// report adds the CPU time per instruction as the cpu-ns/inst metric.
func (c cpuClock) report(b *testing.B, perOp int) {
	d := threadCPU() - c.start
	runtime.UnlockOSThread()
	b.ReportMetric(float64(d)/float64(b.N*perOp), "cpu-ns/inst")
}

func threadCPU() int64 {
	var ru unix.Rusage
	if err := unix.Getrusage(unix.RUSAGE_THREAD, &ru); err != nil {
		return 0
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}
