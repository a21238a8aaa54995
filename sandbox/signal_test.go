//go:build linux && (amd64 || arm64)

package sandbox

import (
	"bytes"
	"os"
	"os/signal"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"sync/atomic"
	"testing"
	"time"
	"unsafe"

	"github.com/google/pprof/profile"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"
)

var sinkByte byte

// goFaultAddr reads the byte at p from Go and returns the address of the
// fault Go reported as a panic, or 0 if there was none.
func goFaultAddr(p unsafe.Pointer) (addr uintptr) {
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() {
		if e, ok := recover().(interface{ Addr() uintptr }); ok {
			addr = e.Addr()
		}
	}()
	sinkByte = *(*byte)(p)
	return 0
}

// requireHandlerInstalled checks that sigHandler is the SIGSEGV and SIGBUS
// handler, and that the runtime's flags are kept.
func requireHandlerInstalled(t *testing.T) {
	t.Helper()
	require.NoError(t, installHandler())
	for _, sig := range []unix.Signal{unix.SIGSEGV, unix.SIGBUS, unix.SIGURG} {
		var act sigaction
		require.NoError(t, rtSigaction(sig, nil, &act))
		require.Equal(t, sigHandlerAddr(), act.handler, "%v handler", sig)
		require.NotZero(t, act.flags&saSiginfo)
	}
	require.NotEqual(t, sigHandlerAddr(), forwardSEGV, "never forwards to itself")
}

func TestGoNilDereferenceStillPanics(t *testing.T) {
	requireHandlerInstalled(t)
	var p *byte
	require.PanicsWithError(t, "runtime error: invalid memory address or nil pointer dereference", func() {
		sinkByte = *p
	})
}

// A fault of Go code in a registered guard region is Go's, not a trap.
func TestGoFaultInGuardRegionReachesGo(t *testing.T) {
	r := reserveMemory(t)
	p := unsafe.Pointer(unsafe.SliceData(r[memorySize:]))
	require.Equal(t, uintptr(p), goFaultAddr(p))
	require.Equal(t, uintptr(0), goFaultAddr(unsafe.Pointer(unsafe.SliceData(r))), "accessible")
}

// memfdBeyondEOF maps two pages of an empty file: every access is a SIGBUS.
func memfdBeyondEOF(t *testing.T) []byte {
	fd, err := unix.MemfdCreate("sandbox-test", 0)
	require.NoError(t, err)
	defer unix.Close(fd)
	m, err := unix.Mmap(fd, 0, 2*os.Getpagesize(), unix.PROT_READ, unix.MAP_SHARED)
	require.NoError(t, err)
	t.Cleanup(func() { _ = unix.Munmap(m) })
	return m
}

func TestSIGBUS(t *testing.T) {
	requireHandlerInstalled(t)
	m := memfdBeyondEOF(t)
	p := unsafe.Pointer(unsafe.SliceData(m))
	if addr := goFaultAddr(p); addr != uintptr(p) {
		// qemu-user maps pages beyond the end of a file, or reports
		// another address.
		t.Skipf("reading %p beyond the end of a mapped file faulted at %#x", p, addr)
	}

	lo := addrOf(m)
	require.NoError(t, RegisterGuard(lo, lo+uintptr(len(m)), TrapOutOfBounds))
	defer func() { require.NoError(t, UnregisterGuard(lo, lo+uintptr(len(m)))) }()
	text, accessPC := genAccess(newGen(t), 8, false)
	code := load(t, text)
	ctx := &testContext{base: lo, index: 8}
	trap, err := runOnce(code, code.Addr(), &ctx.Context, stack(t))
	require.NoError(t, err)
	require.Equal(t, TrapOutOfBounds, trap)
	require.Equal(t, lo+8, ctx.FaultAddr)
	require.Equal(t, code.Addr()+uintptr(accessPC), ctx.FaultPC)
	require.Equal(t, uintptr(p), goFaultAddr(p), "still Go's from Go")
}

// runSpinning runs the spin loop on a locked thread and returns that
// thread's id once the loop runs, and a channel with Run's result.
//
// The loop cannot be preempted, so a stop-the-world would wait for it while
// keeping the goroutine that is to end it from running: garbage collection
// is off until the test ends. Turning it off lets a cycle under way finish
// but for flushing each P's caches, which holds a P while it waits for the
// spinning one: two more Ps leave one for the test.
func runSpinning(t *testing.T, code *Executable, ctx *testContext, s *Stack) (int, <-chan Trap) {
	gcPercent := debug.SetGCPercent(-1)
	procs := runtime.GOMAXPROCS(max(4, runtime.GOMAXPROCS(0)))
	t.Cleanup(func() {
		runtime.GOMAXPROCS(procs)
		debug.SetGCPercent(gcPercent)
	})
	var tid atomic.Int64
	done := make(chan Trap, 1)
	go func() {
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		tid.Store(int64(unix.Gettid()))
		trap, err := runOnce(code, code.Addr(), &ctx.Context, s)
		if err != nil {
			t.Error(err)
		}
		done <- trap
	}()
	for atomic.LoadUint32(&ctx.spins) == 0 {
		time.Sleep(time.Millisecond)
	}
	return int(tid.Load()), done
}

// A SIGSEGV or SIGBUS that a process sends (si_code <= 0) is never a trap,
// even while generated code runs and its siginfo reads as a guarded
// address: it goes to the Go runtime, which delivers it to Notify.
func TestSentSignalsAreForwarded(t *testing.T) {
	code := load(t, genSpin(newGen(t)))
	// For a signal from tgkill, si_addr overlays si_pid and si_uid.
	fake := uintptr(os.Getpid()) | uintptr(os.Getuid())<<32
	require.NoError(t, RegisterGuard(fake, fake+1, TrapOutOfBounds))
	defer func() { require.NoError(t, UnregisterGuard(fake, fake+1)) }()

	c := make(chan os.Signal, 2)
	signal.Notify(c, unix.SIGSEGV, unix.SIGBUS)
	defer signal.Reset(unix.SIGSEGV, unix.SIGBUS)

	ctx := &testContext{}
	tid, done := runSpinning(t, code, ctx, stack(t))
	for _, sig := range []unix.Signal{unix.SIGSEGV, unix.SIGBUS} {
		require.NoError(t, unix.Tgkill(os.Getpid(), tid, sig))
		select {
		case got := <-c:
			require.Equal(t, sig, got)
		case trap := <-done:
			t.Fatalf("%v became trap %d", sig, trap)
		case <-time.After(10 * time.Second):
			atomic.StoreUint32(&ctx.flag, 1)
			t.Fatalf("%v not delivered", sig)
		}
	}
	atomic.StoreUint32(&ctx.flag, 1)
	require.Equal(t, TrapNone, <-done)
}

// os/signal never reinstalls the SIGSEGV, SIGBUS and SIGURG handlers,
// whatever is asked of it, but for signal.Ignore(SIGURG), which turns off
// the Go scheduler's preemption signal altogether (see abi.go, Polling).
func TestSignalPackageLeavesHandlerAlone(t *testing.T) {
	requireHandlerInstalled(t)
	c := make(chan os.Signal, 1)
	signal.Notify(c, unix.SIGUSR1, unix.SIGSEGV, unix.SIGBUS, unix.SIGURG, unix.SIGILL, unix.SIGFPE, unix.SIGTRAP)
	require.NoError(t, unix.Kill(os.Getpid(), unix.SIGUSR1))
	require.Equal(t, unix.SIGUSR1, <-c)
	signal.Ignore(unix.SIGUSR2, unix.SIGSEGV, unix.SIGBUS, unix.SIGFPE)
	signal.Reset(unix.SIGUSR1, unix.SIGSEGV, unix.SIGURG)
	signal.Stop(c)
	signal.Notify(c, unix.SIGSEGV, unix.SIGBUS, unix.SIGURG)
	signal.Reset()
	requireHandlerInstalled(t)

	r := reserveMemory(t)
	text, _ := genAccess(newGen(t), 4, true)
	code := load(t, text)
	ctx := &testContext{base: addrOf(r), index: memorySize}
	trap, err := runOnce(code, code.Addr(), &ctx.Context, stack(t))
	require.NoError(t, err)
	require.Equal(t, TrapOutOfBounds, trap)
	var p *byte
	require.Panics(t, func() { sinkByte = *p })
}

// SIGPROF and the scheduler's preemption signal land in generated code as
// it spins: the runtime copes with a PC and SP it does not know, and
// attributes the samples to _ExternalCode.
func TestRuntimeSignalsInGeneratedCode(t *testing.T) {
	code := load(t, genSpin(newGen(t)))
	var buf bytes.Buffer
	require.NoError(t, pprof.StartCPUProfile(&buf))
	ctx := &testContext{}
	_, done := runSpinning(t, code, ctx, stack(t))
	time.Sleep(300 * time.Millisecond)
	atomic.StoreUint32(&ctx.flag, 1)
	require.Equal(t, TrapNone, <-done)
	pprof.StopCPUProfile()

	p, err := profile.Parse(&buf)
	require.NoError(t, err)
	external := 0
	for _, s := range p.Sample {
		for _, loc := range s.Location {
			for _, line := range loc.Line {
				if line.Function != nil && line.Function.Name == "runtime._ExternalCode" {
					external++
				}
			}
		}
	}
	require.NotZero(t, external, "samples in generated code")
}
