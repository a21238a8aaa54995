package wasi

import (
	"bytes"
	"context"
	"io"
	"os"
	"strings"
)

// stream is a standard stream: the io.Reader or io.Writer that the
// embedder gave as fd 0, 1 or 2. Such a reader or writer may block for as
// long as it likes (a pipe nobody writes to, a terminal, a peer that stops
// reading), and has no way to be interrupted; so when the call's context can
// end, a read or write that may block runs on a goroutine of its own, and
// the call returns when the context ends while it goes on. The stream
// serializes operations: the next one first waits for one still in flight,
// and a read abandoned that way delivers its data to the next read, so
// nothing is lost or reordered.
type stream struct {
	r io.Reader
	w io.Writer
	// mayBlock is false for readers and writers known to return at once:
	// in-memory buffers and regular files. Those are called directly.
	mayBlock bool

	// done is closed when the operation in flight ends; nil when none is.
	// Its results are n and err, and, for a read, the bytes in buf.
	done chan struct{}
	buf  []byte
	n    int
	err  error
	// unread holds bytes of a finished read that no call has taken yet,
	// and unreadErr the error that read returned after them.
	unread    []byte
	unreadErr error
}

// maxStreamRead bounds the buffer of one read on a goroutine: the bytes it
// reads are copied to the guest afterwards, since the guest's memory may be
// gone by the time an abandoned read returns.
const maxStreamRead = 64 << 10

func newStream(r io.Reader, w io.Writer) *stream {
	s := &stream{r: r, w: w, mayBlock: true}
	var v any = r
	if w != nil {
		v = w
	}
	switch v := v.(type) {
	case eofReader, *bytes.Buffer, *bytes.Reader, *strings.Reader, *strings.Builder:
		s.mayBlock = false
	case *os.File:
		fi, err := v.Stat()
		s.mayBlock = err != nil || !fi.Mode().IsRegular()
	default:
		s.mayBlock = v != io.Discard
	}
	return s
}

// direct reports whether the next operation can call the reader or writer
// on the calling goroutine: nothing is in flight, and either it cannot
// block or ctx cannot end.
func (s *stream) direct(ctx context.Context) bool {
	return s.done == nil && (!s.mayBlock || ctx.Done() == nil)
}

// start runs op on a goroutine of its own as the operation in flight.
func (s *stream) start(op func() (int, error)) {
	done := make(chan struct{})
	s.done = done
	go func() {
		s.n, s.err = op()
		close(done)
	}()
}

// wait waits for the operation in flight, or for ctx to end.
func (s *stream) wait(ctx context.Context) error {
	select {
	case <-s.done:
		s.done = nil
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// read reads into p, as io.Reader does, except that it returns ctx's error
// when ctx ends first.
func (s *stream) read(ctx context.Context, p []byte) (int, error) {
	if len(s.unread) == 0 && s.unreadErr == nil {
		if s.direct(ctx) {
			return s.r.Read(p)
		}
		if s.done == nil {
			if cap(s.buf) < min(len(p), maxStreamRead) {
				s.buf = make([]byte, min(len(p), maxStreamRead))
			}
			buf := s.buf[:min(len(p), maxStreamRead)]
			s.start(func() (int, error) { return s.r.Read(buf) })
		}
		if err := s.wait(ctx); err != nil {
			return 0, err
		}
		s.unread, s.unreadErr = s.buf[:s.n], s.err
	}
	n := copy(p, s.unread)
	s.unread = s.unread[n:]
	if len(s.unread) > 0 {
		return n, nil
	}
	err := s.unreadErr
	s.unread, s.unreadErr = nil, nil
	return n, err
}

// write writes data, which it may keep: the caller must not modify it. A
// write abandoned when ctx ends goes on, and the next write waits for it
// and returns its error, if any.
func (s *stream) write(ctx context.Context, data []byte) (int, error) {
	if s.done != nil {
		if err := s.wait(ctx); err != nil {
			return 0, err
		}
		if s.err != nil {
			return 0, s.err
		}
	}
	if s.direct(ctx) {
		return s.w.Write(data)
	}
	s.start(func() (int, error) { return s.w.Write(data) })
	if err := s.wait(ctx); err != nil {
		return 0, err
	}
	return s.n, s.err
}

// buffered reports whether a read would return without blocking because
// an earlier read left data or an error.
func (s *stream) buffered() bool { return len(s.unread) > 0 || s.unreadErr != nil }
