//go:build linux && (amd64 || arm64)

package sandbox

import (
	"bufio"
	"fmt"
	"os"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"
)

// mappingPerms returns the permissions /proc/self/maps gives the mapping
// that starts at addr, or "" if there is none.
func mappingPerms(t *testing.T, addr uintptr) string {
	f, err := os.Open("/proc/self/maps")
	require.NoError(t, err)
	defer f.Close()
	prefix := fmt.Sprintf("%x-", addr)
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if strings.HasPrefix(sc.Text(), prefix) {
			return strings.Fields(sc.Text())[1]
		}
	}
	require.NoError(t, sc.Err())
	return ""
}

func TestCodeIsExecutableNotWritable(t *testing.T) {
	text := genReturn(newGen(t))
	code, err := LoadCode(text)
	require.NoError(t, err)
	require.Equal(t, len(text), code.Len())
	require.Equal(t, text, code.mem[:len(text)])
	require.Equal(t, "r-xp", mappingPerms(t, code.Addr()))
	s, ok := lookupSpan(code.Addr() + uintptr(code.Len()) - 1)
	require.True(t, ok)
	require.Equal(t, span{lo: code.Addr(), hi: code.Addr() + uintptr(len(code.mem))}, s)

	require.NoError(t, code.Close())
	require.Equal(t, "", mappingPerms(t, code.Addr()), "unmapped")
	_, ok = lookupSpan(code.Addr())
	require.False(t, ok, "unregistered")
}

// Close while another goroutine runs the code leaves it mapped until the
// run returns.
func TestCloseWhileRunning(t *testing.T) {
	code, err := LoadCode(genSpin(newGen(t)))
	require.NoError(t, err)
	ctx := &testContext{}
	_, done := runSpinning(t, code, ctx, stack(t))

	require.NoError(t, code.Close())
	require.Equal(t, "r-xp", mappingPerms(t, code.Addr()), "still mapped while running")
	_, ok := lookupSpan(code.Addr())
	require.True(t, ok, "still registered while running")
	_, err = runOnce(code, code.Addr(), &Context{}, stack(t))
	require.ErrorIs(t, err, ErrClosed, "no new run after Close")

	atomic.StoreUint32(&ctx.flag, 1)
	require.Equal(t, TrapNone, <-done)
	require.Equal(t, "", mappingPerms(t, code.Addr()), "released by the last run")
	_, ok = lookupSpan(code.Addr())
	require.False(t, ok)
}

func TestStackPool(t *testing.T) {
	p := NewStackPool(1000, 2)
	a, err := p.Get()
	require.NoError(t, err)
	require.Equal(t, os.Getpagesize(), a.Size(), "rounded up to a page")
	guard := addrOf(a.mem)
	require.Equal(t, "---p", mappingPerms(t, guard))
	require.Equal(t, "rw-p", mappingPerms(t, guard+GuardSize))
	s, ok := lookupSpan(guard + GuardSize - 1)
	require.True(t, ok)
	require.Equal(t, span{lo: guard, hi: guard + GuardSize, kind: uint64(TrapStackExhausted)}, s)
	_, ok = lookupSpan(guard + GuardSize)
	require.False(t, ok, "the usable stack is no guard")

	b, err := p.Get()
	require.NoError(t, err)
	_, err = p.Get()
	require.ErrorIs(t, err, ErrStacksExhausted)
	p.Put(b)
	c, err := p.Get()
	require.NoError(t, err)
	require.Same(t, b, c, "reused")

	p.Close()
	_, err = p.Get()
	require.ErrorIs(t, err, ErrClosed)
	p.Put(a)
	p.Put(c)
	_, ok = lookupSpan(guard)
	require.False(t, ok, "released when put back to a closed pool")
	require.Equal(t, "", mappingPerms(t, guard))
	require.Zero(t, p.live)
	code := load(t, genReturn(newGen(t)))
	_, err = runOnce(code, code.Addr(), &Context{}, a)
	require.ErrorIs(t, err, ErrBadRun, "a released stack")
}

func TestStackMapFailure(t *testing.T) {
	p := NewStackPool(1<<60, 1)
	defer p.Close()
	for range 2 {
		_, err := p.Get()
		require.ErrorContains(t, err, "map a")
		require.NotErrorIs(t, err, ErrStacksExhausted, "a failed map does not count")
	}
}

// TestStress runs traps and normal returns on many goroutines while the
// garbage collector runs and the range table keeps changing.
func TestStress(t *testing.T) {
	r := reserveMemory(t)
	base := addrOf(r)
	loadText, loadPC := genAccess(newGen(t), 8, false)
	load8 := load(t, loadText)
	trapper := load(t, genTrap(newGen(t)))
	recurse := load(t, genRecurse(newGen(t)))
	returner := genReturn(newGen(t))
	stacks := NewStackPool(64<<10, 0)
	defer stacks.Close()
	r[8] = 42

	var stop atomic.Bool
	var background sync.WaitGroup
	background.Go(func() {
		for !stop.Load() {
			runtime.GC()
		}
	})
	background.Go(func() {
		for !stop.Load() {
			c, err := LoadCode(returner)
			if err != nil {
				t.Error(err)
				return
			}
			_ = c.Close()
			s, err := stacks.Get()
			if err != nil {
				t.Error(err)
				return
			}
			stacks.Put(s)
		}
	})

	iterations := 2000
	if testing.Short() {
		iterations = 200
	}
	var workers sync.WaitGroup
	for w := range 2 * runtime.GOMAXPROCS(0) {
		workers.Go(func() {
			s, err := stacks.Get()
			if err != nil {
				t.Error(err)
				return
			}
			defer stacks.Put(s)
			for i := range iterations {
				ctx := &testContext{base: base, fn: recurse.Addr(), trap: uint64(w + 1)}
				var code *Executable
				var want Trap
				switch i % 4 {
				case 0:
					code, ctx.index = load8, 8
				case 1:
					code, ctx.index, want = load8, memorySize+uintptr(i), TrapOutOfBounds
				case 2:
					code, want = trapper, Trap(w+1)
				case 3:
					code, ctx.limit, want = recurse, 1<<40, TrapStackExhausted
				}
				trap, err := runOnce(code, code.Addr(), &ctx.Context, s)
				if err != nil || trap != want {
					t.Errorf("worker %d, run %d: trap %d, error %v; want trap %d", w, i, trap, err, want)
					return
				}
				switch {
				case i%4 == 0 && ctx.result[0] != 42:
					t.Errorf("worker %d, run %d: loaded %d", w, i, ctx.result[0])
				case i%4 == 1 && (ctx.FaultAddr != base+ctx.index || ctx.FaultPC != load8.Addr()+uintptr(loadPC)):
					t.Errorf("worker %d, run %d: fault at %#x by %#x", w, i, ctx.FaultAddr, ctx.FaultPC)
				}
			}
		})
	}
	workers.Wait()
	stop.Store(true)
	background.Wait()
}
