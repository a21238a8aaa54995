package wasi

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

const (
	rwFile = rightsFile
	roFile = rightsFile &^ rightsWrite
)

func TestFiles(t *testing.T) {
	sandbox, _ := tree(t)
	e := newEnv(t, Config{Preopens: []Preopen{{HostDir: sandbox, GuestPath: "/"}}})

	errno, fd := e.open(3, true, "dir/file", 0, rwFile, 0)
	require.Equal(t, ErrnoSuccess, errno)
	require.Equal(t, uint32(4), fd)
	e.iovec(0, 100, 4)
	require.Equal(t, ErrnoSuccess, e.call("fd_read", 4, 0, 1, 16))
	require.Equal(t, "0123", string(e.bytes(100, 4)))
	require.Equal(t, ErrnoSuccess, e.call("fd_tell", 4, 16))
	require.Equal(t, uint64(4), e.u64(16))
	require.Equal(t, ErrnoSuccess, e.call("fd_seek", 4, uint64(1<<64-2), 2, 16)) // END-2
	require.Equal(t, uint64(8), e.u64(16))
	require.Equal(t, ErrnoSuccess, e.call("fd_read", 4, 0, 1, 16))
	require.Equal(t, uint32(2), e.u32(16))
	require.Equal(t, "89", string(e.bytes(100, 2)))
	require.Equal(t, ErrnoInval, e.call("fd_seek", 4, 0, 3, 16))
	require.Equal(t, ErrnoInval, e.call("fd_seek", 4, uint64(1<<64-100), 0, 16))
	require.Equal(t, ErrnoSuccess, e.call("fd_pread", 4, 0, 1, 2, 16))
	require.Equal(t, "2345", string(e.bytes(100, 4)))
	e.put(100, "AB")
	e.iovec(0, 100, 2)
	require.Equal(t, ErrnoSuccess, e.call("fd_pwrite", 4, 0, 1, 1, 16))
	require.Equal(t, ErrnoSuccess, e.call("fd_seek", 4, 0, 0, 16))
	require.Equal(t, ErrnoSuccess, e.call("fd_write", 4, 0, 1, 16))
	got, _ := os.ReadFile(filepath.Join(sandbox, "dir", "file"))
	require.Equal(t, "ABB3456789", string(got))

	require.Equal(t, ErrnoSuccess, e.call("fd_filestat_get", 4, 200))
	require.Equal(t, filetypeRegularFile, e.bytes(216, 1)[0])
	require.Equal(t, uint64(1), e.u64(224))  // nlink
	require.Equal(t, uint64(10), e.u64(232)) // size
	require.Equal(t, ErrnoSuccess, e.call("fd_filestat_set_size", 4, 3))
	require.Equal(t, ErrnoSuccess, e.call("fd_allocate", 4, 0, 100))
	require.Equal(t, ErrnoInval, e.call("fd_allocate", 4, 0, 0))
	require.Equal(t, ErrnoSuccess, e.call("fd_advise", 4, 0, 0, 1))
	require.Equal(t, ErrnoInval, e.call("fd_advise", 4, 0, 0, 6))
	require.Equal(t, ErrnoSuccess, e.call("fd_filestat_set_times", 4, 1e9, 2e9, fstflagAtim|fstflagMtim))
	require.Equal(t, ErrnoInval, e.call("fd_filestat_set_times", 4, 0, 0, fstflagAtim|fstflagAtimNow))
	st, err := os.Stat(filepath.Join(sandbox, "dir", "file"))
	require.NoError(t, err)
	require.Equal(t, int64(100), st.Size())
	require.Equal(t, int64(2e9), st.ModTime().UnixNano())
	require.Equal(t, ErrnoSuccess, e.call("fd_datasync", 4))
	require.Equal(t, ErrnoSuccess, e.call("fd_sync", 4))

	// Rights can only be dropped, and are enforced.
	require.Equal(t, ErrnoSuccess, e.call("fd_fdstat_set_rights", 4, rightFdRead|rightFdSeek, 0))
	require.Equal(t, ErrnoNotcapable, e.call("fd_write", 4, 0, 1, 16))
	require.Equal(t, ErrnoNotcapable, e.call("fd_fdstat_set_rights", 4, rwFile, 0))
	require.Equal(t, ErrnoSuccess, e.call("fd_fdstat_get", 4, 200))
	require.Equal(t, rightFdRead|rightFdSeek, e.u64(208))

	// Renumbering moves a descriptor over another, closing it.
	errno, fd = e.open(3, true, "dir", oflagDirectory, rightsDir, 0)
	require.Equal(t, ErrnoSuccess, errno)
	require.Equal(t, uint32(5), fd)
	require.Equal(t, ErrnoSuccess, e.call("fd_renumber", 5, 4))
	require.Equal(t, ErrnoBadf, e.call("fd_close", 5))
	require.Equal(t, ErrnoSuccess, e.call("fd_fdstat_get", 4, 200))
	require.Equal(t, filetypeDirectory, e.bytes(200, 1)[0])
	require.Equal(t, ErrnoBadf, e.call("fd_renumber", 5, 4))
	require.Equal(t, ErrnoSuccess, e.call("fd_close", 4))

	// Opening flags.
	errno, _ = e.open(3, true, "new", oflagCreat|oflagExcl, rwFile, fdflagAppend)
	require.Equal(t, ErrnoSuccess, errno)
	errno, _ = e.open(3, true, "new", oflagCreat|oflagExcl, rwFile, 0)
	require.Equal(t, ErrnoExist, errno)
	errno, _ = e.open(3, true, "missing", 0, roFile, 0)
	require.Equal(t, ErrnoNoent, errno)
	errno, _ = e.open(3, true, "dir/file", oflagDirectory, roFile, 0)
	require.Equal(t, ErrnoNotdir, errno)
	errno, _ = e.open(3, true, "dir/file/", 0, roFile, 0)
	require.Equal(t, ErrnoNotdir, errno)
	errno, _ = e.open(3, true, "dir", 0, rwFile, 0)
	require.Equal(t, ErrnoIsdir, errno)
	errno, fd = e.open(3, true, "dir/file", oflagTrunc, rwFile, 0)
	require.Equal(t, ErrnoSuccess, errno)
	require.Equal(t, ErrnoSuccess, e.call("fd_filestat_get", uint64(fd), 200))
	require.Equal(t, uint64(0), e.u64(232))
	require.Equal(t, ErrnoSuccess, e.call("fd_fdstat_set_flags", uint64(fd), uint64(fdflagAppend)))
	e.put(100, "xy")
	require.Equal(t, ErrnoSuccess, e.call("fd_write", uint64(fd), 0, 1, 16))
	require.Equal(t, ErrnoSuccess, e.call("fd_seek", uint64(fd), 0, 0, 16))
	require.Equal(t, ErrnoSuccess, e.call("fd_write", uint64(fd), 0, 1, 16))
	got, _ = os.ReadFile(filepath.Join(sandbox, "dir", "file"))
	require.Equal(t, "xyxy", string(got))
	require.Equal(t, ErrnoSuccess, e.call("fd_fdstat_get", uint64(fd), 200))
	require.Equal(t, uint32(fdflagAppend), uint32(e.bytes(202, 1)[0]))
}

func TestPaths(t *testing.T) {
	sandbox, _ := tree(t)
	e := newEnv(t, Config{Preopens: []Preopen{{HostDir: sandbox, GuestPath: "/"}}})
	path := func(p string) (uint64, uint64) { return e.put(1000, p) }
	path2 := func(p string) (uint64, uint64) { return e.put(1500, p) }

	p, n := path("a")
	require.Equal(t, ErrnoSuccess, e.call("path_create_directory", 3, p, n))
	require.Equal(t, ErrnoExist, e.call("path_create_directory", 3, p, n))
	p, n = path("a/b/c")
	require.Equal(t, ErrnoNoent, e.call("path_create_directory", 3, p, n))
	p, n = path("dir/file/x")
	require.Equal(t, ErrnoNotdir, e.call("path_create_directory", 3, p, n))

	// Symbolic links, inside the sandbox, are followed or not.
	p, n = path("dir/file")
	q, m := path2("link")
	require.Equal(t, ErrnoSuccess, e.call("path_symlink", p, n, 3, q, m))
	require.Equal(t, ErrnoExist, e.call("path_symlink", p, n, 3, q, m))
	require.Equal(t, ErrnoSuccess, e.call("path_readlink", 3, q, m, 200, 100, 16))
	require.Equal(t, uint32(8), e.u32(16))
	require.Equal(t, "dir/file", string(e.bytes(200, 8)))
	require.Equal(t, ErrnoSuccess, e.call("path_readlink", 3, q, m, 200, 3, 16))
	require.Equal(t, uint32(3), e.u32(16))
	require.Equal(t, ErrnoSuccess, e.call("path_filestat_get", 3, 0, q, m, 200))
	require.Equal(t, filetypeSymbolicLink, e.bytes(216, 1)[0])
	require.Equal(t, ErrnoSuccess, e.call("path_filestat_get", 3, lookupSymlinkFollow, q, m, 200))
	require.Equal(t, filetypeRegularFile, e.bytes(216, 1)[0])
	require.Equal(t, uint64(10), e.u64(232))
	errno, _ := e.open(3, false, "link", 0, roFile, 0)
	require.Equal(t, ErrnoLoop, errno)
	errno, _ = e.open(3, true, "link", 0, roFile, 0)
	require.Equal(t, ErrnoSuccess, errno)
	p, n = path("dir")
	q, m = path2("dirlink")
	require.Equal(t, ErrnoSuccess, e.call("path_symlink", p, n, 3, q, m))
	errno, _ = e.open(3, false, "dirlink/sub/../file", 0, roFile, 0)
	require.Equal(t, ErrnoSuccess, errno)
	p, n = path("dir/file")
	require.Equal(t, ErrnoInval, e.call("path_readlink", 3, p, n, 200, 100, 16)) // not a link

	// Loops.
	p, n = path("loop")
	require.Equal(t, ErrnoSuccess, e.call("path_symlink", p, n, 3, p, n))
	errno, _ = e.open(3, true, "loop", 0, roFile, 0)
	require.Equal(t, ErrnoLoop, errno)

	// Times, links, renames, removals.
	p, n = path("dir/file")
	require.Equal(t, ErrnoSuccess, e.call("path_filestat_set_times", 3, 0, p, n, 5e9, 6e9, fstflagAtim|fstflagMtim))
	st, err := os.Stat(filepath.Join(sandbox, "dir", "file"))
	require.NoError(t, err)
	require.Equal(t, int64(6e9), st.ModTime().UnixNano())
	q, m = path2("hard")
	require.Equal(t, ErrnoSuccess, e.call("path_link", 3, 0, p, n, 3, q, m))
	require.Equal(t, ErrnoSuccess, e.call("path_filestat_get", 3, 0, p, n, 200))
	require.Equal(t, uint64(2), e.u64(224))
	q, m = path2("a/renamed")
	require.Equal(t, ErrnoSuccess, e.call("path_rename", 3, p, n, 3, q, m))
	require.Equal(t, ErrnoNoent, e.call("path_filestat_get", 3, 0, p, n, 200))
	require.Equal(t, ErrnoSuccess, e.call("path_unlink_file", 3, q, m))
	require.Equal(t, ErrnoNoent, e.call("path_unlink_file", 3, q, m))
	p, n = path("dir")
	require.Equal(t, ErrnoIsdir, e.call("path_unlink_file", 3, p, n))
	require.Equal(t, ErrnoNotempty, e.call("path_remove_directory", 3, p, n))
	p, n = path("hard")
	require.Equal(t, ErrnoNotdir, e.call("path_remove_directory", 3, p, n))
	p, n = path("hard/")
	require.Equal(t, ErrnoNotdir, e.call("path_unlink_file", 3, p, n))
	p, n = path("a/")
	require.Equal(t, ErrnoSuccess, e.call("path_remove_directory", 3, p, n))
	p, n = path(".")
	require.Equal(t, ErrnoInval, e.call("path_remove_directory", 3, p, n))

	// fd_readdir lists every entry, resuming at cookies, with partial
	// entries when the buffer is short.
	errno, fd := e.open(3, true, ".", oflagDirectory, rightsDir, 0)
	require.Equal(t, ErrnoSuccess, errno)
	names := readdir(t, e, fd, 50)
	require.ElementsMatch(t, []string{".", "..", "dir", "link", "dirlink", "loop", "hard"}, names)
	require.Equal(t, names, readdir(t, e, fd, 4096))
	require.Equal(t, ErrnoNotcapable, e.call("fd_readdir", 1, 0, 100, 0, 16))
}

// readdir reads the directory fd with buffers of size bytes and returns the
// names, checking the types of "." and "dir".
func readdir(t *testing.T, e *env, fd uint32, size uint32) []string {
	var names []string
	var cookie uint64
	for {
		require.Equal(t, ErrnoSuccess, e.call("fd_readdir", uint64(fd), 2000, uint64(size), cookie, 16))
		used := e.u32(16)
		b := e.bytes(2000, used)
		progressed := false
		for len(b) >= 24 {
			namlen := le.Uint32(b[16:])
			if uint32(len(b)) < 24+namlen {
				break
			}
			name := string(b[24 : 24+namlen])
			if name == "." || name == "dir" {
				require.Equal(t, filetypeDirectory, b[20])
			}
			names = append(names, name)
			cookie = le.Uint64(b)
			b = b[24+namlen:]
			progressed = true
		}
		if used < size {
			return names
		}
		require.True(t, progressed, "buffer too small for one entry")
	}
}

func TestReadOnly(t *testing.T) {
	sandbox, _ := tree(t)
	e := newEnv(t, Config{Preopens: []Preopen{{HostDir: sandbox, GuestPath: "/", ReadOnly: true}}})
	errno, fd := e.open(3, true, "dir/file", 0, roFile, 0)
	require.Equal(t, ErrnoSuccess, errno)
	require.Equal(t, ErrnoSuccess, e.call("fd_read", uint64(fd), 0, 0, 16))
	require.Equal(t, ErrnoRofs, e.call("fd_write", uint64(fd), 0, 0, 16))
	require.Equal(t, ErrnoRofs, e.call("fd_filestat_set_size", uint64(fd), 0))
	for _, flags := range []uint16{oflagCreat, oflagTrunc} {
		errno, _ = e.open(3, true, "dir/file", flags, roFile, 0)
		require.Equal(t, ErrnoRofs, errno)
	}
	errno, _ = e.open(3, true, "dir/file", 0, rwFile, 0)
	require.Equal(t, ErrnoRofs, errno)
	p, n := e.put(1000, "dir/file")
	q, m := e.put(1500, "x")
	require.Equal(t, ErrnoRofs, e.call("path_unlink_file", 3, p, n))
	require.Equal(t, ErrnoRofs, e.call("path_create_directory", 3, q, m))
	require.Equal(t, ErrnoRofs, e.call("path_rename", 3, p, n, 3, q, m))
	require.Equal(t, ErrnoRofs, e.call("path_symlink", p, n, 3, q, m))
	require.Equal(t, ErrnoRofs, e.call("path_link", 3, 0, p, n, 3, q, m))
	require.Equal(t, ErrnoRofs, e.call("path_filestat_set_times", 3, 0, p, n, 0, 0, fstflagMtimNow))
	got, _ := os.ReadFile(filepath.Join(sandbox, "dir", "file"))
	require.Equal(t, "0123456789", string(got))
}

func TestUnstableABI(t *testing.T) {
	sandbox, _ := tree(t)
	e := newEnvABI(t, Config{Preopens: []Preopen{{HostDir: sandbox, GuestPath: "/"}}}, Unstable)
	errno, fd := e.open(3, true, "dir/file", 0, rwFile, 0)
	require.Equal(t, ErrnoSuccess, errno)
	// filestat: nlink is 32 bits at 20, size at 24.
	require.Equal(t, ErrnoSuccess, e.call("fd_filestat_get", uint64(fd), 200))
	require.Equal(t, filetypeRegularFile, e.bytes(216, 1)[0])
	require.Equal(t, uint32(1), e.u32(220))
	require.Equal(t, uint64(10), e.u64(224))
	// whence: CUR 0, END 1, SET 2.
	require.Equal(t, ErrnoSuccess, e.call("fd_seek", uint64(fd), 3, 2, 16))
	require.Equal(t, uint64(3), e.u64(16))
	require.Equal(t, ErrnoSuccess, e.call("fd_seek", uint64(fd), 2, 0, 16))
	require.Equal(t, uint64(5), e.u64(16))
	require.Equal(t, ErrnoSuccess, e.call("fd_seek", uint64(fd), uint64(1<<64-1), 1, 16))
	require.Equal(t, uint64(9), e.u64(16))
	require.Nil(t, e.inst.ExportedFunction("f_sock_accept"))
}

// Truncating through a directory descriptor needs no PATH_FILESTAT_SET_SIZE
// right on it: Go opens directories without that right and still truncates
// files through them (os.Root.WriteFile).
func TestTruncateThroughDirWithoutSetSizeRight(t *testing.T) {
	sandbox, _ := tree(t)
	e := newEnv(t, Config{Preopens: []Preopen{{HostDir: sandbox, GuestPath: "/"}}})
	errno, dir := e.open(3, true, "dir", oflagDirectory, rightsDir&^rightPathFilestatSetSize, 0)
	require.Equal(t, ErrnoSuccess, errno)
	errno, _ = e.open(dir, true, "file", oflagTrunc, rwFile, 0)
	require.Equal(t, ErrnoSuccess, errno)
	data, err := os.ReadFile(filepath.Join(sandbox, "dir", "file"))
	require.NoError(t, err)
	require.Empty(t, data, "the file was truncated")
}
