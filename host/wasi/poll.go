package wasi

import (
	"os"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// subscription is one subscription of poll_oneoff.
type subscription struct {
	userdata uint64
	kind     uint8 // eventtype
	fd       uint64
	wait     time.Duration // of a clock: how long from now
}

// event is one event poll_oneoff reports.
type event struct {
	userdata uint64
	errno    Errno
	kind     uint8
	nbytes   uint64
	hangup   bool
}

// pollSlice bounds one host poll or sleep, so that a cancelled context
// interrupts poll_oneoff soon.
const pollSlice = 50 * time.Millisecond

// pollOneoff waits for the first of its subscriptions to happen: a clock
// to time out, or a file descriptor to become readable or writable. Files
// and directories, standard output and standard input other than an
// *os.File are always ready; sockets, pipes and an *os.File standard input
// are polled on the host.
func pollOneoff(c *call, a []uint64) error {
	in, out, n := uint32(a[0]), uint32(a[1]), uint32(a[2])
	if n == 0 {
		return ErrnoInval
	}
	subs, err := c.subscriptions(in, n)
	if err != nil {
		return err
	}
	var ready []event
	var pollfds []unix.PollFd
	var polled []*subscription // by pollfds index
	for i := range subs {
		s := &subs[i]
		if s.kind == eventtypeClock {
			continue
		}
		ev := event{userdata: s.userdata, kind: s.kind}
		e, err := c.entry(s.fd, rightPollFdReadwrite)
		if err != nil {
			ev.errno = errnoOf(err)
			ready = append(ready, ev)
			continue
		}
		if fd, ok := pollable(e, s.kind); ok {
			events := int16(unix.POLLIN)
			if s.kind == eventtypeFdWrite {
				events = unix.POLLOUT
			}
			pollfds = append(pollfds, unix.PollFd{Fd: int32(fd), Events: events})
			polled = append(polled, s)
			continue
		}
		if s.kind == eventtypeFdRead && e.kind == kindFile {
			ev.nbytes = readable(e.fd)
		}
		ready = append(ready, ev)
	}
	start := time.Now()
	for {
		timeout := time.Duration(0)
		if len(ready) == 0 {
			timeout = pollSlice
			for _, s := range subs {
				if s.kind == eventtypeClock {
					timeout = min(timeout, max(0, s.wait-time.Since(start)))
				}
			}
		}
		if len(pollfds) > 0 {
			k, err := unix.Poll(pollfds, int(timeout.Milliseconds()))
			if err != nil && err != unix.EINTR {
				return err
			}
			for i := 0; k > 0 && i < len(pollfds); i++ {
				p := pollfds[i]
				if p.Revents == 0 {
					continue
				}
				ev := event{userdata: polled[i].userdata, kind: polled[i].kind, hangup: p.Revents&unix.POLLHUP != 0}
				if p.Revents&unix.POLLNVAL != 0 {
					ev.errno = ErrnoBadf
				} else if n, err := unix.IoctlGetInt(int(p.Fd), unix.SIOCINQ); err == nil && ev.kind == eventtypeFdRead {
					ev.nbytes = uint64(n)
				}
				ready = append(ready, ev)
			}
		} else if timeout > 0 {
			c.pause(timeout) // the context's end is checked below
		}
		for _, s := range subs {
			if s.kind == eventtypeClock && time.Since(start) >= s.wait {
				ready = append(ready, event{userdata: s.userdata, kind: eventtypeClock})
			}
		}
		if len(ready) > 0 {
			return c.putEvents(out, uint32(a[3]), ready)
		}
		if err := c.ctx.Err(); err != nil {
			return err
		}
	}
}

// subscriptions reads n subscriptions at ptr, in the call's ABI.
func (c *call) subscriptions(ptr, n uint32) ([]subscription, error) {
	size := uint32(48)
	if c.abi == Unstable {
		size = 56
	}
	raw, err := c.mem.Slice(ptr, n*size)
	if err != nil || uint64(n)*uint64(size) > 1<<32 {
		return nil, ErrnoFault
	}
	subs := make([]subscription, n)
	for i := range subs {
		b := raw[uint32(i)*size:]
		s := &subs[i]
		s.userdata, s.kind = le.Uint64(b), b[8]
		switch s.kind {
		case eventtypeFdRead, eventtypeFdWrite:
			s.fd = uint64(le.Uint32(b[16:]))
		case eventtypeClock:
			clock := b[16:]
			if c.abi == Unstable {
				clock = b[24:] // after the subscription's identifier
			}
			id, timeout, flags := le.Uint32(clock), le.Uint64(clock[8:]), le.Uint16(clock[24:])
			if flags&subclockAbstime != 0 {
				now, err := c.m.now(uint64(id))
				if err != nil {
					return nil, err
				}
				timeout -= min(timeout, now)
			} else if id > clockThreadCPUTime {
				return nil, ErrnoInval
			}
			s.wait = time.Duration(min(timeout, 1<<63-1))
		default:
			return nil, ErrnoInval
		}
	}
	return subs, nil
}

// putEvents writes events at ptr and their number at count.
func (c *call) putEvents(ptr, count uint32, events []event) error {
	for i, ev := range events {
		var b [32]byte
		le.PutUint64(b[0:], ev.userdata)
		le.PutUint16(b[8:], uint16(ev.errno))
		b[10] = ev.kind
		if ev.kind != eventtypeClock {
			le.PutUint64(b[16:], ev.nbytes)
			if ev.hangup {
				le.PutUint16(b[24:], eventFdReadwriteHangup)
			}
		}
		if err := c.mem.Write(ptr+uint32(i)*32, b[:]); err != nil {
			return err
		}
	}
	return c.mem.PutUint32(count, uint32(len(events)))
}

// pollable returns the host descriptor to poll for e, if it is one the
// host can poll: a socket, a file that may block (a pipe), or standard
// input that is an *os.File.
func pollable(e *fdEntry, kind uint8) (int, bool) {
	var sc syscall.Conn
	switch e.kind {
	case kindListener:
		sc, _ = e.listener.(syscall.Conn)
	case kindConn:
		sc, _ = e.conn.(syscall.Conn)
	case kindStream:
		// Data that an earlier read left is ready now.
		if f, ok := e.stream.r.(*os.File); ok && kind == eventtypeFdRead && !e.stream.buffered() {
			sc = f
		}
	case kindFile:
		return e.fd, e.poll
	}
	if sc == nil {
		return -1, false
	}
	rc, err := sc.SyscallConn()
	if err != nil {
		return -1, false
	}
	fd := -1
	if rc.Control(func(h uintptr) { fd = int(h) }) != nil {
		return -1, false
	}
	return fd, true
}

// readable returns the bytes left to read in a file, from its position.
func readable(fd int) uint64 {
	var st unix.Stat_t
	pos, err := unix.Seek(fd, 0, 1)
	if err != nil || unix.Fstat(fd, &st) != nil || st.Size < pos {
		return 0
	}
	return uint64(st.Size - pos)
}
