package serve

import (
	"bytes"
	"errors"
	"net/http"
	"sync"
)

// errResponseTooLarge fails a guest's write past the response limit.
var errResponseTooLarge = errors.New("response larger than its limit")

// cappedBuffer collects a CGI response up to max bytes; the write that
// would pass the limit fails and calls onOver, which stops the guest.
type cappedBuffer struct {
	buf    bytes.Buffer
	max    int64
	onOver func()
}

func (c *cappedBuffer) Write(p []byte) (int, error) {
	if int64(c.buf.Len()+len(p)) > c.max {
		c.onOver()
		return 0, errResponseTooLarge
	}
	return c.buf.Write(p)
}

func (c *cappedBuffer) Bytes() []byte { return c.buf.Bytes() }

// lineWriter splits what it is given into lines for emit; a line longer
// than 4 KiB is emitted in parts.
type lineWriter struct {
	buf  []byte
	emit func(string)
}

func (l *lineWriter) Write(p []byte) (int, error) {
	l.buf = append(l.buf, p...)
	for {
		i := bytes.IndexByte(l.buf, '\n')
		if i < 0 {
			if len(l.buf) >= 4096 {
				l.emit(string(l.buf[:4096]))
				l.buf = l.buf[4096:]
				continue
			}
			return len(p), nil
		}
		l.emit(string(bytes.TrimSuffix(l.buf[:i], []byte("\r"))))
		l.buf = l.buf[i+1:]
	}
}

// guardedWriter is the ResponseWriter that a terra_http guest writes to.
// The request may end before its guest does (a guest past its deadline):
// detach then cuts the guest off, so that it never touches the real
// writer after its handler returned.
type guardedWriter struct {
	mu       sync.Mutex
	w        http.ResponseWriter
	header   http.Header
	started  bool // the guest sent its head through w
	detached bool
}

func (g *guardedWriter) Header() http.Header { return g.header }

func (g *guardedWriter) WriteHeader(code int) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.detached || g.started {
		return
	}
	g.started = true
	g.copyHeaderLocked()
	g.w.WriteHeader(code)
}

func (g *guardedWriter) Write(p []byte) (int, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.detached {
		return 0, http.ErrHandlerTimeout
	}
	if !g.started {
		g.started = true
		g.copyHeaderLocked()
	}
	return g.w.Write(p)
}

func (g *guardedWriter) copyHeaderLocked() {
	h := g.w.Header()
	for k, vs := range g.header {
		h[k] = vs
	}
}

// copyHeader copies the guest's headers to the real writer.
func (g *guardedWriter) copyHeader() {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.copyHeaderLocked()
}

// detach cuts the guest off and reports whether it had sent nothing, in
// which case the caller may still answer.
func (g *guardedWriter) detach() bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.detached = true
	return !g.started
}

// statusWriter records the status sent.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (s *statusWriter) WriteHeader(code int) {
	if s.status == 0 {
		s.status = code
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusWriter) Write(p []byte) (int, error) {
	if s.status == 0 {
		s.status = http.StatusOK
	}
	return s.ResponseWriter.Write(p)
}

// Unwrap gives http.ResponseController the connection's writer, for its
// read deadline.
func (s *statusWriter) Unwrap() http.ResponseWriter { return s.ResponseWriter }

// Status returns the status sent, 200 if none was set.
func (s *statusWriter) Status() int {
	if s.status == 0 {
		return http.StatusOK
	}
	return s.status
}

// Flush flushes the underlying writer if it can.
func (s *statusWriter) Flush() {
	if f, ok := s.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}
