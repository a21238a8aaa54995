package wasi

import (
	"io"
	"net"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// subscribe writes a subscription at ptr in the layout of abi: a clock
// one if fd is negative, else one for fd of kind.
func (e *env) subscribe(abi ABI, ptr uint32, userdata uint64, kind uint8, fd int, timeout uint64) {
	b := make([]byte, 56)
	le.PutUint64(b, userdata)
	b[8] = kind
	if kind != eventtypeClock {
		le.PutUint32(b[16:], uint32(fd))
	} else if abi == Unstable {
		le.PutUint32(b[24:], clockMonotonic)
		le.PutUint64(b[32:], timeout)
	} else {
		le.PutUint32(b[16:], clockMonotonic)
		le.PutUint64(b[24:], timeout)
	}
	require.True(e.t, e.mem.Write(ptr, b))
}

func TestPollOneoff(t *testing.T) {
	for _, abi := range []ABI{Preview1, Unstable} {
		size := uint32(48)
		if abi == Unstable {
			size = 56
		}
		e := newEnvABI(t, Config{}, abi)
		start := time.Now()
		e.subscribe(abi, 0, 7, eventtypeClock, -1, uint64(20*time.Millisecond))
		require.Equal(t, ErrnoSuccess, e.call("poll_oneoff", 0, 1000, 1, 16))
		require.GreaterOrEqual(t, time.Since(start), 20*time.Millisecond)
		require.Equal(t, uint32(1), e.u32(16))
		require.Equal(t, uint64(7), e.u64(1000))
		require.Equal(t, byte(eventtypeClock), e.bytes(1010, 1)[0])

		// Ready descriptors end the wait at once; bad ones report EBADF.
		e.subscribe(abi, 0, 1, eventtypeClock, -1, uint64(time.Hour))
		e.subscribe(abi, size, 2, eventtypeFdWrite, 1, 0)
		e.subscribe(abi, 2*size, 3, eventtypeFdRead, 99, 0)
		require.Equal(t, ErrnoSuccess, e.call("poll_oneoff", 0, 1000, 3, 16))
		require.Equal(t, uint32(2), e.u32(16))
		require.Equal(t, []uint64{2, 3}, []uint64{e.u64(1000), e.u64(1032)})
		require.Equal(t, uint32(ErrnoBadf), uint32(e.bytes(1040, 1)[0]))
		require.Equal(t, ErrnoInval, e.call("poll_oneoff", 0, 1000, 0, 16))
	}
}

func TestSockets(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	e := newEnv(t, Config{Listeners: []net.Listener{l}})
	require.Equal(t, ErrnoSuccess, e.call("fd_fdstat_set_flags", 3, uint64(fdflagNonblock)))
	require.Equal(t, ErrnoAgain, e.call("sock_accept", 3, 0, 16))
	require.Equal(t, ErrnoBadf, e.call("fd_prestat_get", 3, 16))
	require.Equal(t, ErrnoNotconn, e.call("sock_shutdown", 3, sdflagWr))

	client, err := net.Dial("tcp", l.Addr().String())
	require.NoError(t, err)
	defer client.Close()
	e.subscribe(Preview1, 0, 5, eventtypeFdRead, 3, 0)
	require.Equal(t, ErrnoSuccess, e.call("poll_oneoff", 0, 1000, 1, 16))
	require.Equal(t, uint64(5), e.u64(1000))
	require.Equal(t, ErrnoSuccess, e.call("sock_accept", 3, 0, 16))
	conn := uint64(e.u32(16))
	require.Equal(t, uint64(4), conn)
	require.Equal(t, ErrnoSuccess, e.call("fd_fdstat_get", conn, 32))
	require.Equal(t, filetypeSocketStream, e.bytes(32, 1)[0])

	_, err = client.Write([]byte("ping"))
	require.NoError(t, err)
	e.iovec(0, 100, 10)
	require.Equal(t, ErrnoSuccess, e.call("sock_recv", conn, 0, 1, riflagRecvPeek, 16, 20))
	require.Equal(t, "ping", string(e.bytes(100, e.u32(16))))
	require.Equal(t, ErrnoSuccess, e.call("sock_recv", conn, 0, 1, 0, 16, 20))
	require.Equal(t, "ping", string(e.bytes(100, e.u32(16))))
	require.Equal(t, ErrnoSuccess, e.call("fd_fdstat_set_flags", conn, uint64(fdflagNonblock)))
	require.Equal(t, ErrnoAgain, e.call("sock_recv", conn, 0, 1, 0, 16, 20))

	e.put(200, "pong")
	e.iovec(8, 200, 4)
	require.Equal(t, ErrnoSuccess, e.call("sock_send", conn, 8, 1, 0, 16))
	require.Equal(t, uint32(4), e.u32(16))
	require.Equal(t, ErrnoSuccess, e.call("sock_shutdown", conn, sdflagWr))
	got, err := io.ReadAll(client)
	require.NoError(t, err)
	require.Equal(t, "pong", string(got))
	require.Equal(t, ErrnoInval, e.call("sock_shutdown", conn, 4))
	require.Equal(t, ErrnoNotsock, e.call("sock_recv", 0, 0, 1, 0, 16, 20))
	require.Equal(t, ErrnoSuccess, e.call("fd_close", conn))
}
