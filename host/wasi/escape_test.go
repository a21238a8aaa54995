package wasi

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestEscapes tries every way out of a preopened directory that paths and
// symbolic links offer; each must fail, and nothing outside may change.
func TestEscapes(t *testing.T) {
	sandbox, outside := tree(t)
	secret := filepath.Join(outside, "secret")
	for link, target := range map[string]string{
		"out":        "../secret",
		"dir/deep":   "../../secret",
		"up":         "..",
		"updir":      "../",
		"abs":        secret,
		"absdir":     outside,
		"dir/chain":  "../out",
		"dir/upself": "../dir/../..",
	} {
		require.NoError(t, os.Symlink(target, filepath.Join(sandbox, link)))
	}
	require.NoError(t, os.Symlink("secret", filepath.Join(outside, "outlink")))
	before := listing(t, outside)

	e := newEnv(t, Config{Preopens: []Preopen{{HostDir: sandbox, GuestPath: "/"}}})
	// Links the guest makes itself.
	for link, target := range map[string]string{"guest": "../secret", "guestdir": ".."} {
		p, n := e.put(1000, target)
		q, m := e.put(1500, link)
		require.Equal(t, ErrnoSuccess, e.call("path_symlink", p, n, 3, q, m), link)
	}
	// An absolute target is refused outright: it could never be followed.
	{
		p, n := e.put(1000, secret)
		q, m := e.put(1500, "guestabs")
		require.Equal(t, ErrnoPerm, e.call("path_symlink", p, n, 3, q, m))
		_, err := os.Lstat(filepath.Join(sandbox, "guestabs"))
		require.True(t, os.IsNotExist(err), "no link was made")
	}

	escapes := []string{
		"..", "../", "../secret", "./../secret", "dir/../../secret", "dir/sub/../../../secret",
		"dir/..//../secret", "dir/sub/../../..", "/secret", secret, "/", "//secret",
		"out", "out/", "dir/deep", "up/secret", "updir/secret", "up", "abs", "absdir/secret",
		"dir/chain", "dir/upself/secret", "guest", "guestdir/secret", "guestdir/sandbox/dir/file",
	}
	for _, path := range escapes {
		errno, _ := e.open(3, true, path, 0, roFile, 0)
		require.Equal(t, ErrnoNotcapable, errno, "path_open %q", path)
		errno, _ = e.open(3, true, path, oflagCreat|oflagTrunc, rwFile, 0)
		require.Equal(t, ErrnoNotcapable, errno, "path_open O_CREAT|O_TRUNC %q", path)
		p, n := e.put(1000, path)
		require.Equal(t, ErrnoNotcapable, e.call("path_filestat_get", 3, lookupSymlinkFollow, p, n, 200), "path_filestat_get %q", path)
		require.Equal(t, ErrnoNotcapable, e.call("path_filestat_set_times", 3, lookupSymlinkFollow, p, n, 0, 0, fstflagMtimNow), "path_filestat_set_times %q", path)
		q, m := e.put(1500, "newhard")
		require.Equal(t, ErrnoNotcapable, e.call("path_link", 3, lookupSymlinkFollow, p, n, 3, q, m), "path_link from %q", path)
	}
	// Operations on the last component that do not follow it reach the
	// link itself, inside; the others must fail on the way.
	for _, path := range []string{"../stolen", "dir/../../stolen", "/stolen", "up/stolen", "guestdir/stolen", "absdir/stolen", "../"} {
		p, n := e.put(1000, path)
		q, m := e.put(1500, "dir/file")
		require.Equal(t, ErrnoNotcapable, e.call("path_create_directory", 3, p, n), "mkdir %q", path)
		require.Equal(t, ErrnoNotcapable, e.call("path_rename", 3, q, m, 3, p, n), "rename to %q", path)
		require.Equal(t, ErrnoNotcapable, e.call("path_link", 3, 0, q, m, 3, p, n), "link to %q", path)
		require.Equal(t, ErrnoNotcapable, e.call("path_symlink", q, m, 3, p, n), "symlink at %q", path)
		require.Equal(t, ErrnoNotcapable, e.call("path_unlink_file", 3, p, n), "unlink %q", path)
		require.Equal(t, ErrnoNotcapable, e.call("path_remove_directory", 3, p, n), "rmdir %q", path)
		require.Equal(t, ErrnoNotcapable, e.call("path_rename", 3, p, n, 3, q, m), "rename from %q", path)
	}
	for _, path := range []string{"../outlink", "up/outlink", "absdir/outlink"} {
		p, n := e.put(1000, path)
		require.Equal(t, ErrnoNotcapable, e.call("path_readlink", 3, p, n, 200, 100, 16), "readlink %q", path)
	}
	// A link that points outside is itself inside: reading it is allowed,
	// and so are removing and renaming it.
	p, n := e.put(1000, "out")
	require.Equal(t, ErrnoSuccess, e.call("path_readlink", 3, p, n, 200, 100, 16))
	require.Equal(t, "../secret", string(e.bytes(200, e.u32(16))))
	require.Equal(t, ErrnoSuccess, e.call("path_filestat_get", 3, 0, p, n, 200))
	require.Equal(t, filetypeSymbolicLink, e.bytes(216, 1)[0])
	errno, _ := e.open(3, false, "out", 0, roFile, 0)
	require.Equal(t, ErrnoLoop, errno)

	// A directory descriptor confines like a preopen, even after the
	// directory moves.
	errno, fd := e.open(3, true, "dir/sub", oflagDirectory, rightsDir, 0)
	require.Equal(t, ErrnoSuccess, errno)
	p, n = e.put(1000, "dir/sub")
	q, m := e.put(1500, "moved")
	require.Equal(t, ErrnoSuccess, e.call("path_rename", 3, p, n, 3, q, m))
	for _, path := range []string{"..", "../dir", "../../secret", "../../../secret"} {
		errno, _ = e.open(fd, true, path, 0, roFile, 0)
		require.Equal(t, ErrnoNotcapable, errno, "path_open %q from a moved directory", path)
	}
	errno, _ = e.open(fd, true, ".", oflagDirectory, rightsDir, 0)
	require.Equal(t, ErrnoSuccess, errno)

	got, err := os.ReadFile(secret)
	require.NoError(t, err)
	require.Equal(t, "secret", string(got))
	require.Equal(t, before, listing(t, outside))
}

// listing returns the names and sizes of the entries of dir, other than
// the sandbox.
func listing(t *testing.T, dir string) map[string]int64 {
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	m := make(map[string]int64)
	for _, e := range entries {
		info, err := e.Info()
		require.NoError(t, err)
		if e.Name() != "sandbox" {
			m[e.Name()] = info.Size()
		}
	}
	return m
}
