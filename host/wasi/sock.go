package wasi

import (
	"context"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// deadliner is a listener or connection whose blocking calls a deadline
// can cut short.
type deadliner interface {
	SetDeadline(time.Time) error
}

// block runs op, which blocks on d until it can read (or write, if write
// is set), until it is done or the call's context is. If e is
// non-blocking, it fails with EAGAIN instead unless d is ready now.
func (c *call) block(e *fdEntry, d deadliner, write bool, op func() (int, error)) (int, error) {
	if e.flags&fdflagNonblock != 0 {
		events := int16(unix.POLLIN)
		if write {
			events = unix.POLLOUT
		}
		fd, ok := pollable(e, eventtypeFdRead)
		if !ok {
			return 0, ErrnoNotsup
		}
		p := []unix.PollFd{{Fd: int32(fd), Events: events}}
		if n, err := unix.Poll(p, 0); err != nil || n == 0 {
			return 0, ErrnoAgain
		}
	}
	if err := d.SetDeadline(time.Time{}); err != nil {
		return 0, err
	}
	stop := context.AfterFunc(c.ctx, func() { d.SetDeadline(time.Unix(1, 0)) })
	defer stop()
	n, err := op()
	if err != nil && c.ctx.Err() != nil {
		return n, c.ctx.Err()
	}
	return n, errnoOfNet(err)
}

func sockAccept(c *call, a []uint64) error {
	e, err := c.entry(a[0], rightSockAccept)
	if err != nil {
		return err
	}
	if e.kind != kindListener {
		return ErrnoNotsock
	}
	flags := uint16(a[1])
	if uint64(flags) != a[1] || flags&^fdflagNonblock != 0 {
		return ErrnoInval
	}
	d, ok := e.listener.(deadliner)
	if !ok {
		return ErrnoNotsup
	}
	var conn *fdEntry
	_, err = c.block(e, d, false, func() (int, error) {
		nc, err := e.listener.Accept()
		if err == nil {
			conn = &fdEntry{kind: kindConn, conn: nc, flags: flags,
				rights: rightsSocket & e.inheriting, inheriting: rightsSocket & e.inheriting}
		}
		return 0, err
	})
	if err != nil {
		return err
	}
	fd := c.m.add(conn)
	if err := c.mem.PutUint32(uint32(a[2]), fd); err != nil {
		c.m.fds[fd] = nil
		conn.close()
		return err
	}
	return nil
}

func sockRecv(c *call, a []uint64) error {
	e, err := c.entry(a[0], rightFdRead)
	if err != nil {
		return err
	}
	if e.kind != kindConn {
		return ErrnoNotsock
	}
	flags := a[3]
	if flags&^(riflagRecvPeek|riflagRecvWaitall) != 0 {
		return ErrnoInval
	}
	bufs, err := c.iovecs(uint32(a[1]), uint32(a[2]))
	if err != nil {
		return err
	}
	var n int
	if flags&riflagRecvPeek != 0 {
		n, err = c.peek(e, bufs, flags&riflagRecvWaitall != 0)
	} else {
		n, err = c.connIO(e, bufs, true, flags&riflagRecvWaitall != 0)
	}
	if err != nil {
		return err
	}
	if err := c.mem.PutUint32(uint32(a[4]), uint32(n)); err != nil {
		return err
	}
	return c.mem.PutUint16(uint32(a[5]), 0) // roflags: no datagram truncated
}

// peek receives into bufs with MSG_PEEK, leaving the data to read again.
func (c *call) peek(e *fdEntry, bufs [][]byte, waitall bool) (int, error) {
	sc, ok := e.conn.(syscall.Conn)
	if !ok {
		return 0, ErrnoNotsup
	}
	rc, err := sc.SyscallConn()
	if err != nil {
		return 0, err
	}
	flags := unix.MSG_PEEK
	if waitall {
		flags |= unix.MSG_WAITALL
	}
	return c.block(e, e.conn, false, func() (int, error) {
		var n int
		var rerr error
		err := rc.Read(func(fd uintptr) bool {
			n, _, _, _, rerr = unix.RecvmsgBuffers(int(fd), bufs, nil, flags)
			return rerr != unix.EAGAIN // else wait until readable
		})
		if err != nil {
			return 0, err
		}
		return n, rerr
	})
}

// connIO reads a connection into bufs, until one read is short unless
// waitall is set, or writes bufs to it.
func (c *call) connIO(e *fdEntry, bufs [][]byte, read, waitall bool) (int, error) {
	return c.block(e, e.conn, !read, func() (int, error) {
		if !read {
			var all []byte
			for _, b := range bufs {
				all = append(all, b...)
			}
			return e.conn.Write(all)
		}
		done := 0
		for _, b := range bufs {
			for len(b) > 0 {
				n, err := e.conn.Read(b)
				done += n
				b = b[n:]
				if err != nil {
					return done, err
				}
				if !waitall && len(b) > 0 {
					return done, nil
				}
			}
		}
		return done, nil
	})
}

func sockSend(c *call, a []uint64) error {
	e, err := c.entry(a[0], rightFdWrite)
	if err != nil {
		return err
	}
	if e.kind != kindConn {
		return ErrnoNotsock
	}
	if a[3] != 0 {
		return ErrnoInval
	}
	bufs, err := c.iovecs(uint32(a[1]), uint32(a[2]))
	if err != nil {
		return err
	}
	n, err := c.connIO(e, bufs, false, false)
	if err != nil {
		return err
	}
	return c.mem.PutUint32(uint32(a[4]), uint32(n))
}

func sockShutdown(c *call, a []uint64) error {
	e, err := c.entry(a[0], rightSockShutdown)
	if err != nil {
		return err
	}
	switch e.kind {
	case kindConn:
	case kindListener:
		return ErrnoNotconn
	default:
		return ErrnoNotsock
	}
	how := a[1]
	if how == 0 || how&^(sdflagRd|sdflagWr) != 0 {
		return ErrnoInval
	}
	hc, ok := e.conn.(interface {
		CloseRead() error
		CloseWrite() error
	})
	if !ok {
		return ErrnoNotsup
	}
	if how&sdflagRd != 0 {
		if err := hc.CloseRead(); err != nil {
			return errnoOfNet(err)
		}
	}
	if how&sdflagWr != 0 {
		return errnoOfNet(hc.CloseWrite())
	}
	return nil
}
