package wasi

import (
	"io"
	"runtime"

	"golang.org/x/sys/unix"
)

func argsGet(c *call, a []uint64) error { return c.putStrings(c.m.cfg.Args, a[0], a[1]) }

func argsSizesGet(c *call, a []uint64) error { return c.putSizes(c.m.cfg.Args, a[0], a[1]) }

func environGet(c *call, a []uint64) error { return c.putStrings(c.m.cfg.Env, a[0], a[1]) }

func environSizesGet(c *call, a []uint64) error { return c.putSizes(c.m.cfg.Env, a[0], a[1]) }

// putStrings writes strs NUL-terminated to buf and pointers to them to
// ptrs, as args_get and environ_get do.
func (c *call) putStrings(strs []string, ptrs, buf uint64) error {
	p, b := uint32(ptrs), uint32(buf)
	for _, s := range strs {
		if err := c.mem.PutUint32(p, b); err != nil {
			return err
		}
		if err := c.mem.Write(b, append([]byte(s), 0)); err != nil {
			return err
		}
		p += 4
		b += uint32(len(s)) + 1
	}
	return nil
}

// putSizes writes the number of strs and the size of them NUL-terminated.
func (c *call) putSizes(strs []string, count, size uint64) error {
	n := 0
	for _, s := range strs {
		n += len(s) + 1
	}
	if err := c.mem.PutUint32(uint32(count), uint32(len(strs))); err != nil {
		return err
	}
	return c.mem.PutUint32(uint32(size), uint32(n))
}

func clockResGet(c *call, a []uint64) error {
	var res uint64
	switch a[0] {
	case clockRealtime, clockMonotonic:
		res = 1
	case clockProcessCPUTime, clockThreadCPUTime:
		var ts unix.Timespec
		if err := unix.ClockGetres(hostClock(a[0]), &ts); err != nil {
			return err
		}
		res = uint64(ts.Nano())
	default:
		return ErrnoInval
	}
	return c.mem.PutUint64(uint32(a[1]), res)
}

// hostClock returns the host's clock for a WASI CPU-time clock.
func hostClock(id uint64) int32 {
	if id == clockProcessCPUTime {
		return unix.CLOCK_PROCESS_CPUTIME_ID
	}
	return unix.CLOCK_THREAD_CPUTIME_ID
}

func clockTimeGet(c *call, a []uint64) error {
	t, err := c.m.now(a[0])
	if err != nil {
		return err
	}
	return c.mem.PutUint64(uint32(a[2]), t)
}

// now reads a clock, in nanoseconds. The CPU-time clocks are the host
// process's and the current host thread's.
func (m *Module) now(id uint64) (uint64, error) {
	switch id {
	case clockRealtime:
		return uint64(m.cfg.Now().UnixNano()), nil
	case clockMonotonic:
		return uint64(m.cfg.Nanotime()), nil
	case clockProcessCPUTime, clockThreadCPUTime:
		var ts unix.Timespec
		if err := unix.ClockGettime(hostClock(id), &ts); err != nil {
			return 0, err
		}
		return uint64(ts.Nano()), nil
	}
	return 0, ErrnoInval
}

func randomGet(c *call, a []uint64) error {
	b, err := c.mem.Slice(uint32(a[0]), uint32(a[1]))
	if err != nil {
		return err
	}
	_, err = io.ReadFull(c.m.cfg.Rand, b)
	return err
}

func procExit(c *call, a []uint64) error {
	return &ExitError{Code: uint32(a[0])}
}

// procRaise delivers a signal to the program: the signals whose default
// action is to be ignored do nothing, the stop signals are not supported
// (ENOTSUP), and every other one terminates the program with an
// *ExitError.
func procRaise(c *call, a []uint64) error {
	switch sig := a[0]; {
	case sig == 0 || sig == sigChld || sig == sigCont || sig == sigUrg || sig == sigWinch:
		return nil
	case sig == sigStop || sig == sigTstp || sig == sigTtin || sig == sigTtou:
		return ErrnoNotsup
	case sig > sigLast:
		return ErrnoInval
	default:
		return &ExitError{Code: 128 + uint32(sig), Signal: uint8(sig)}
	}
}

func schedYield(c *call, a []uint64) error {
	runtime.Gosched()
	return nil
}
