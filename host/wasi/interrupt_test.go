package wasi

import (
	"context"
	"io"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"

	"github.com/terra-runtime/terra"
)

// interrupted calls the WASI function name with a context that ends after
// 50ms, and checks that the call ends promptly with the interrupted trap.
func (e *env) interrupted(name string, args ...uint64) {
	e.t.Helper()
	f := e.inst.ExportedFunction("f_" + name)
	require.NotNil(e.t, f, name)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := f.Call(ctx, args...)
	var trap *terra.Trap
	require.ErrorAs(e.t, err, &trap, "%s", name)
	require.Equal(e.t, terra.TrapInterrupted, trap.Kind)
	require.ErrorIs(e.t, err, context.DeadlineExceeded)
	require.Equal(e.t, "wasi_snapshot_preview1."+name, trap.Frames[0].String(), "the host call is the innermost frame")
	// Generous for a loaded machine; a blocked call would take forever.
	require.Less(e.t, time.Since(start), 5*time.Second, "%s returned late", name)
}

func TestStalledStdinInterrupted(t *testing.T) {
	r, w := io.Pipe() // nobody writes
	defer w.Close()
	e := newEnv(t, Config{Stdin: r})
	e.iovec(0, 100, 10)
	e.interrupted("fd_read", 0, 0, 1, 16)
	e.interrupted("fd_read", 0, 0, 1, 16) // the read still in flight is waited for

	// What the abandoned read gets is the next read's, in order.
	go w.Write([]byte("hello, world"))
	require.Equal(t, ErrnoSuccess, e.call("fd_read", 0, 0, 1, 16))
	require.Equal(t, "hello, wor", string(e.bytes(100, e.u32(16))))
	require.Equal(t, ErrnoSuccess, e.call("fd_read", 0, 0, 1, 16))
	require.Equal(t, "ld", string(e.bytes(100, e.u32(16))))
}

func TestStalledStdinFileInterrupted(t *testing.T) {
	// As with `sleep 30 | terra-run prog.wasm`: a pipe on the host.
	r, w, err := os.Pipe()
	require.NoError(t, err)
	defer r.Close()
	defer w.Close()
	e := newEnv(t, Config{Stdin: r})
	e.iovec(0, 100, 10)
	e.interrupted("fd_read", 0, 0, 1, 16)
	e.subscribe(Preview1, 200, 1, eventtypeFdRead, 0, 0)
	e.interrupted("poll_oneoff", 200, 1000, 1, 16)
}

func TestStalledStdoutInterrupted(t *testing.T) {
	r, w := io.Pipe() // nobody reads
	defer r.Close()
	e := newEnv(t, Config{Stdout: w})
	e.put(100, "hello")
	e.iovec(0, 100, 5)
	e.interrupted("fd_write", 1, 0, 1, 16)

	// The abandoned write completes first, then the next one.
	got := make(chan string)
	go func() {
		b := make([]byte, 10)
		n, _ := io.ReadFull(r, b)
		got <- string(b[:n])
	}()
	require.Equal(t, ErrnoSuccess, e.call("fd_write", 1, 0, 1, 16))
	require.Equal(t, "hellohello", <-got)
}

func TestPollOneoffInterrupted(t *testing.T) {
	e := newEnv(t, Config{})
	e.subscribe(Preview1, 0, 7, eventtypeClock, -1, uint64(time.Hour))
	e.interrupted("poll_oneoff", 0, 1000, 1, 16)
}

func TestSocketsInterrupted(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	e := newEnv(t, Config{Listeners: []net.Listener{l}})
	e.interrupted("sock_accept", 3, 0, 16)

	client, err := net.Dial("tcp", l.Addr().String())
	require.NoError(t, err)
	defer client.Close()
	require.Equal(t, ErrnoSuccess, e.call("sock_accept", 3, 0, 16))
	conn := uint64(e.u32(16))
	e.iovec(0, 100, 10)
	e.interrupted("sock_recv", conn, 0, 1, 0, 16, 20)
	e.interrupted("fd_read", conn, 0, 1, 16)
	e.subscribe(Preview1, 200, 1, eventtypeFdRead, int(conn), 0)
	e.interrupted("poll_oneoff", 200, 1000, 1, 16)
}

func TestFIFOInterrupted(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, unix.Mkfifo(filepath.Join(dir, "fifo"), 0o600))
	e := newEnv(t, Config{Preopens: []Preopen{{HostDir: dir, GuestPath: "/"}}})

	// Opening for writing waits for a reader.
	p, n := e.put(1000, "fifo")
	e.interrupted("path_open", 3, 0, p, n, 0, rightFdWrite, 0, 0, 900)

	// Opening for reading does not wait; reading waits for a writer.
	errno, fd := e.open(3, false, "fifo", 0, rightFdRead|rightPollFdReadwrite|rightFdFdstatSetFlags, 0)
	require.Equal(t, ErrnoSuccess, errno)
	e.iovec(0, 100, 10)
	e.interrupted("fd_read", uint64(fd), 0, 1, 16)
	e.subscribe(Preview1, 200, 1, eventtypeFdRead, int(fd), 0)
	e.interrupted("poll_oneoff", 200, 1000, 1, 16)

	// A guest's non-blocking descriptor does not wait.
	require.Equal(t, ErrnoSuccess, e.call("fd_fdstat_set_flags", uint64(fd), uint64(fdflagNonblock)))
	require.Equal(t, ErrnoSuccess, e.call("fd_read", uint64(fd), 0, 1, 16), "no writer: end of file")
	require.Equal(t, uint32(0), e.u32(16))

	// With a writer, data flows as from a blocking pipe.
	require.Equal(t, ErrnoSuccess, e.call("fd_fdstat_set_flags", uint64(fd), 0))
	w, err := os.OpenFile(filepath.Join(dir, "fifo"), os.O_WRONLY, 0)
	require.NoError(t, err)
	_, err = w.Write([]byte("data"))
	require.NoError(t, err)
	require.NoError(t, w.Close())
	require.Equal(t, ErrnoSuccess, e.call("fd_read", uint64(fd), 0, 1, 16))
	require.Equal(t, "data", string(e.bytes(100, e.u32(16))))
	require.Equal(t, ErrnoSuccess, e.call("fd_read", uint64(fd), 0, 1, 16))
	require.Equal(t, uint32(0), e.u32(16), "the writer is gone: end of file")
}
