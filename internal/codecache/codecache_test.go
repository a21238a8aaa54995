package codecache

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func key(i int) Key { return Key{byte(i), byte(i >> 8), 0xAB} }

func writer(data []byte) func(io.Writer) error {
	return func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	}
}

func read(t *testing.T, c *Cache, k Key) ([]byte, error) {
	t.Helper()
	f, size, err := c.Get(k)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(f)
	require.NoError(t, err)
	require.Equal(t, int64(len(data)), size)
	return data, nil
}

func TestPutGet(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "a", "cache")
	c := New(dir, 0)
	_, err := read(t, c, key(1))
	require.ErrorIs(t, err, fs.ErrNotExist, "no directory yet")

	require.NoError(t, c.Put(key(1), writer([]byte("entry one"))))
	data, err := read(t, c, key(1))
	require.NoError(t, err)
	require.Equal(t, "entry one", string(data))
	_, err = read(t, c, key(2))
	require.ErrorIs(t, err, fs.ErrNotExist)

	fi, err := os.Stat(dir)
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o700), fi.Mode().Perm())
	fi, err = os.Stat(c.path(key(1)))
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o600), fi.Mode().Perm())

	// A second Put replaces the entry; Remove removes it, twice too.
	require.NoError(t, c.Put(key(1), writer([]byte("entry one, again"))))
	data, err = read(t, c, key(1))
	require.NoError(t, err)
	require.Equal(t, "entry one, again", string(data))
	require.NoError(t, c.Remove(key(1)))
	require.NoError(t, c.Remove(key(1)))
	_, err = read(t, c, key(1))
	require.ErrorIs(t, err, fs.ErrNotExist)
	requireFiles(t, dir)
}

// requireFiles checks the names in dir.
func requireFiles(t *testing.T, dir string, names ...string) {
	t.Helper()
	des, err := os.ReadDir(dir)
	require.NoError(t, err)
	var have []string
	for _, de := range des {
		have = append(have, de.Name())
	}
	require.ElementsMatch(t, names, have)
}

// A writer's error, or an entry larger than the cache, leaves nothing
// behind.
func TestPutFailures(t *testing.T) {
	dir := t.TempDir()
	c := New(dir, 100)
	boom := errors.New("boom")
	err := c.Put(key(1), func(w io.Writer) error {
		_, _ = w.Write([]byte("half"))
		return boom
	})
	require.ErrorIs(t, err, boom)
	require.ErrorIs(t, c.Put(key(2), writer(make([]byte, 101))), ErrTooLarge)
	requireFiles(t, dir)

	// An entry grown beyond the bound by someone else is not read.
	require.NoError(t, c.Put(key(3), writer(make([]byte, 100))))
	require.NoError(t, os.WriteFile(c.path(key(3)), make([]byte, 101), 0o600))
	_, err = read(t, c, key(3))
	require.ErrorIs(t, err, ErrTooLarge)
}

// A directory that cannot be made or written fails Put with the reason.
func TestUnwritableDir(t *testing.T) {
	file := filepath.Join(t.TempDir(), "file")
	require.NoError(t, os.WriteFile(file, nil, 0o600))
	c := New(filepath.Join(file, "cache"), 0)
	require.ErrorIs(t, c.Put(key(1), writer([]byte("x"))), syscall.ENOTDIR, "a file where a directory should be")
	_, err := read(t, c, key(1))
	require.Error(t, err)

	c = New(file, 0)
	require.ErrorContains(t, c.Put(key(1), writer([]byte("x"))), "not a directory")

	if os.Geteuid() != 0 { // root writes anyway
		dir := t.TempDir()
		require.NoError(t, os.Chmod(dir, 0o500))
		t.Cleanup(func() { os.Chmod(dir, 0o700) })
		require.ErrorIs(t, New(dir, 0).Put(key(1), writer([]byte("x"))), fs.ErrPermission)
	}
}

// A directory others can write, or another user's, is refused: its
// entries could be anyone's code.
func TestUnsafeDir(t *testing.T) {
	dir := t.TempDir()
	c := New(dir, 0)
	require.NoError(t, c.Put(key(1), writer([]byte("x"))))
	for _, mode := range []os.FileMode{0o770, 0o707, 0o777} {
		require.NoError(t, os.Chmod(dir, mode))
		_, err := read(t, c, key(1))
		require.ErrorIs(t, err, ErrUnsafeDir, "mode %#o", mode)
		require.ErrorIs(t, c.Put(key(2), writer([]byte("x"))), ErrUnsafeDir, "mode %#o", mode)
	}
	require.NoError(t, os.Chmod(dir, 0o755))
	_, err := read(t, c, key(1))
	require.NoError(t, err, "readable by others is fine")
	if os.Geteuid() == 0 {
		require.NoError(t, os.Chown(dir, 12345, 12345))
		_, err := read(t, c, key(1))
		require.ErrorIs(t, err, ErrUnsafeDir, "another user's")
		require.ErrorContains(t, err, "belongs to user 12345")
	}
}

// An entry that is a symbolic link is not followed.
func TestSymlinkEntry(t *testing.T) {
	dir := t.TempDir()
	c := New(dir, 0)
	target := filepath.Join(t.TempDir(), "elsewhere")
	require.NoError(t, os.WriteFile(target, []byte("not an entry"), 0o600))
	require.NoError(t, os.Symlink(target, c.path(key(1))))
	_, err := read(t, c, key(1))
	require.Error(t, err)
	require.False(t, errors.Is(err, fs.ErrNotExist))
}

// Writers of one key race, readers read meanwhile: every read is one
// writer's whole entry.
func TestConcurrentWriters(t *testing.T) {
	c := New(t.TempDir(), 0)
	const writers, size = 8, 1 << 20
	var wg sync.WaitGroup
	for i := range writers {
		wg.Go(func() {
			for range 5 {
				require.NoError(t, c.Put(key(7), writer(bytes.Repeat([]byte{byte('a' + i)}, size))))
			}
		})
	}
	done := make(chan struct{})
	var readers sync.WaitGroup
	for range 2 {
		readers.Go(func() {
			for {
				select {
				case <-done:
					return
				default:
				}
				data, err := read(t, c, key(7))
				if errors.Is(err, fs.ErrNotExist) {
					continue
				}
				require.NoError(t, err)
				require.Len(t, data, size)
				require.Equal(t, bytes.Repeat(data[:1], size), data, "a torn entry")
			}
		})
	}
	wg.Wait()
	close(done)
	readers.Wait()
	requireFiles(t, c.dir, key(7).String()+suffix)
}

// Beyond the bound, the entries used longest ago go first; the entry just
// stored and temporary files still being written stay.
func TestEviction(t *testing.T) {
	dir := t.TempDir()
	c := New(dir, 350)
	past := time.Now().Add(-time.Hour)
	for i := range 3 {
		require.NoError(t, c.Put(key(i), writer(make([]byte, 100))))
		// Entries 0, 1, 2 last used in that order.
		when := past.Add(time.Duration(i) * time.Minute)
		require.NoError(t, os.Chtimes(c.path(key(i)), when, when))
	}
	// A use makes entry 0 the youngest.
	_, err := read(t, c, key(0))
	require.NoError(t, err)
	writing := filepath.Join(dir, tmpPrefix+"writing")
	crashed := filepath.Join(dir, tmpPrefix+"crashed")
	require.NoError(t, os.WriteFile(writing, make([]byte, 1000), 0o600))
	require.NoError(t, os.WriteFile(crashed, make([]byte, 1000), 0o600))
	old := time.Now().Add(-2 * staleTemp)
	require.NoError(t, os.Chtimes(crashed, old, old))

	require.NoError(t, c.Put(key(3), writer(make([]byte, 100))))
	name := func(i int) string { return key(i).String() + suffix }
	requireFiles(t, dir, name(0), name(2), name(3), tmpPrefix+"writing")

	// An entry as large as the bound evicts all others.
	require.NoError(t, c.Put(key(4), writer(make([]byte, 350))))
	requireFiles(t, dir, name(4), tmpPrefix+"writing")
}

func TestBuildID(t *testing.T) {
	id, err := BuildID()
	require.NoError(t, err)
	require.NotEmpty(t, id)
	if runtime.GOOS == "linux" {
		out, err := exec.Command("go", "tool", "buildid", os.Args[0]).Output()
		if err == nil { // the go command is at hand
			require.Equal(t, strings.TrimSpace(string(out)), id)
		}
	}
}

func TestParseNote(t *testing.T) {
	note := func(namesz, descsz, typ uint32, name, desc string) []byte {
		b := binary.LittleEndian.AppendUint32(nil, namesz)
		b = binary.LittleEndian.AppendUint32(b, descsz)
		b = binary.LittleEndian.AppendUint32(b, typ)
		return append(append(b, name...), desc...)
	}
	id, err := parseNote(note(4, 5, 4, "Go\x00\x00", "a/b/c"), binary.LittleEndian)
	require.NoError(t, err)
	require.Equal(t, "a/b/c", id)
	for i, bad := range [][]byte{
		nil,
		note(4, 0, 4, "Go\x00\x00", ""),
		note(4, 6, 4, "Go\x00\x00", "a/b/c"),
		note(4, 5, 3, "Go\x00\x00", "a/b/c"),
		note(4, 5, 4, "GNU\x00", "a/b/c"),
		note(5, 5, 4, "Go\x00\x00", "a/b/c"),
	} {
		_, err := parseNote(bad, binary.LittleEndian)
		require.ErrorIs(t, err, errNoBuildID, fmt.Sprint(i))
	}
}
