package platform

import (
	"sync"
	"time"
)

// ring keeps an app's most recent log lines.
type ring struct {
	mu    sync.Mutex
	lines []logLine
	next  int
	full  bool
}

type logLine struct {
	Time time.Time `json:"time"`
	Line string    `json:"line"`
}

const ringSize = 200

func (r *ring) add(line string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.lines == nil {
		r.lines = make([]logLine, ringSize)
	}
	r.lines[r.next] = logLine{Time: time.Now().UTC(), Line: line}
	r.next = (r.next + 1) % ringSize
	r.full = r.full || r.next == 0
}

// recent returns the lines kept, oldest first.
func (r *ring) recent() []logLine {
	r.mu.Lock()
	defer r.mu.Unlock()
	if !r.full {
		return append([]logLine(nil), r.lines[:r.next]...)
	}
	return append(append([]logLine(nil), r.lines[r.next:]...), r.lines[:r.next]...)
}
