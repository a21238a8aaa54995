package archive

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// entry is one tar entry to write; data's length is the size of a regular
// file unless size is set, in which case only the header is written.
type entry struct {
	name, link string
	typ        byte
	data       string
	size       int64
	mode       int64
}

func tarOf(t testing.TB, entries ...entry) []byte {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, e := range entries {
		h := &tar.Header{Name: e.name, Linkname: e.link, Typeflag: e.typ, Mode: 0o644}
		if e.mode != 0 {
			h.Mode = e.mode
		}
		if e.typ == 0 {
			h.Typeflag = tar.TypeReg
		}
		if h.Typeflag == tar.TypeReg {
			h.Size = int64(len(e.data))
		}
		if e.size != 0 {
			h.Size = e.size
			require.NoError(t, tw.WriteHeader(h))
			return buf.Bytes() // the content is never read
		}
		require.NoError(t, tw.WriteHeader(h))
		_, err := io.WriteString(tw, e.data)
		require.NoError(t, err)
	}
	require.NoError(t, tw.Close())
	return buf.Bytes()
}

func gz(t testing.TB, b []byte) []byte {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	_, err := zw.Write(b)
	require.NoError(t, err)
	require.NoError(t, zw.Close())
	return buf.Bytes()
}

// extract unpacks b into a fresh directory inside a parent directory, and
// checks that nothing appeared in the parent beside it.
func extract(t *testing.T, b []byte, lim Limits) (string, error) {
	t.Helper()
	parent := t.TempDir()
	dir := filepath.Join(parent, "out")
	require.NoError(t, os.Mkdir(dir, 0o755))
	_, err := Extract(bytes.NewReader(b), dir, lim)
	names, rerr := os.ReadDir(parent)
	require.NoError(t, rerr)
	require.Len(t, names, 1, "something was written beside the extraction directory")
	return dir, err
}

func TestExtract(t *testing.T) {
	b := tarOf(t,
		entry{name: "./", typ: tar.TypeDir},
		entry{name: "./go.mod", data: "module app\n"},
		entry{name: "src/main.rs", data: "fn main() {}\n"},
		entry{name: "bin/run.sh", data: "#!/bin/sh\n", mode: 0o4755},
		entry{name: "src/link.rs", link: "main.rs", typ: tar.TypeSymlink},
		entry{name: "hard.rs", link: "src/main.rs", typ: tar.TypeLink},
	)
	for _, in := range [][]byte{b, gz(t, b)} {
		dir, err := extract(t, in, Limits{})
		require.NoError(t, err)
		got, err := os.ReadFile(filepath.Join(dir, "hard.rs"))
		require.NoError(t, err)
		require.Equal(t, "fn main() {}\n", string(got))
		got, err = os.ReadFile(filepath.Join(dir, "src/link.rs"))
		require.NoError(t, err)
		require.Equal(t, "fn main() {}\n", string(got))
		fi, err := os.Stat(filepath.Join(dir, "bin/run.sh"))
		require.NoError(t, err)
		require.Equal(t, os.FileMode(0o755), fi.Mode().Perm(), "no set-uid bit, executable kept")
		require.Zero(t, fi.Mode()&os.ModeSetuid)
	}
}

// TestHostile checks each rule: the archive is refused with an *Error
// naming the entry and the rule, and nothing lands outside the directory.
func TestHostile(t *testing.T) {
	zeros := make([]byte, 8<<20)
	cases := []struct {
		name     string
		archive  []byte
		lim      Limits
		entry    string
		rule     string
		tooLarge bool
	}{
		{"absolute path", tarOf(t, entry{name: "/etc/cron.d/x", data: "x"}), Limits{}, "/etc/cron.d/x", "absolute path", false},
		{"dot-dot", tarOf(t, entry{name: "a/../../escape", data: "x"}), Limits{}, "a/../../escape", `".." component`, false},
		{"dot-dot dir", tarOf(t, entry{name: "../", typ: tar.TypeDir}), Limits{}, "../", `".." component`, false},
		{"symlink absolute", tarOf(t, entry{name: "l", link: "/etc/passwd", typ: tar.TypeSymlink}), Limits{}, "l", "absolute path", false},
		{"symlink up", tarOf(t, entry{name: "l", link: "../../x", typ: tar.TypeSymlink}), Limits{}, "l", `".." component`, false},
		{"symlink then write through it", tarOf(t,
			entry{name: "d", typ: tar.TypeDir},
			entry{name: "l", link: "d", typ: tar.TypeSymlink},
			entry{name: "l/f", data: "x"}), Limits{}, "l/f", "symbolic link", false},
		{"symlink then overwrite it", tarOf(t,
			entry{name: "l", link: "f", typ: tar.TypeSymlink},
			entry{name: "l", data: "x"}), Limits{}, "l", "duplicate entry", false},
		{"hard link out", tarOf(t, entry{name: "h", link: "/etc/shadow", typ: tar.TypeLink}), Limits{}, "h", "outside the archive", false},
		{"hard link up", tarOf(t, entry{name: "h", link: "../x", typ: tar.TypeLink}), Limits{}, "h", "outside the archive", false},
		{"hard link to unknown", tarOf(t, entry{name: "h", link: "nothere", typ: tar.TypeLink}), Limits{}, "h", "not a regular file", false},
		{"char device", tarOf(t, entry{name: "dev/null", typ: tar.TypeChar}), Limits{}, "dev/null", "device file", false},
		{"block device", tarOf(t, entry{name: "sda", typ: tar.TypeBlock}), Limits{}, "sda", "device file", false},
		{"fifo", tarOf(t, entry{name: "p", typ: tar.TypeFifo}), Limits{}, "p", "FIFO", false},
		{"huge file", tarOf(t, entry{name: "big", size: 1 << 40}), Limits{}, "big", "file larger than", true},
		{"too many files", func() []byte {
			var es []entry
			for i := range 1000 {
				es = append(es, entry{name: fmt.Sprintf("f%d", i)})
			}
			return tarOf(t, es...)
		}(), Limits{MaxEntries: 100}, "f100", "more than 100 entries", true},
		{"gzip bomb", gz(t, tarOf(t, entry{name: "bomb", data: string(zeros)})), Limits{MaxFileBytes: 1 << 30, MaxTotalBytes: 1 << 20}, "bomb", "larger than 1048576 bytes once decompressed", true},
		{"deep path", tarOf(t, entry{name: "a/b/c/d/e", data: "x"}), Limits{MaxDepth: 3}, "a/b/c/d/e", "deeper than 3", false},
		{"not an archive", []byte("this is not a tar archive, nowhere near, but long enough to fill a header block? no"), Limits{}, "", "malformed archive", false},
		{"empty", tarOf(t), Limits{}, "", "empty archive", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := extract(t, c.archive, c.lim)
			e, ok := err.(*Error)
			require.True(t, ok, "got %v", err)
			require.Equal(t, c.entry, e.Entry)
			require.Contains(t, e.Rule, c.rule)
			require.Equal(t, c.tooLarge, e.TooLarge)
		})
	}
}

// FuzzExtract: any input ends in an error or an extraction, never a panic
// or a file outside the directory.
func FuzzExtract(f *testing.F) {
	f.Add(tarOf(f, entry{name: "a/b", data: "x"}, entry{name: "l", link: "a/b", typ: tar.TypeSymlink}))
	f.Add(gz(f, tarOf(f, entry{name: "h", link: "a", typ: tar.TypeLink})))
	f.Add(tarOf(f, entry{name: "../x", data: "x"}))
	f.Fuzz(func(t *testing.T, b []byte) {
		parent := t.TempDir()
		dir := filepath.Join(parent, "out")
		require.NoError(t, os.Mkdir(dir, 0o755))
		Extract(bytes.NewReader(b), dir, Limits{MaxTotalBytes: 1 << 20})
		names, err := os.ReadDir(parent)
		require.NoError(t, err)
		require.Len(t, names, 1)
	})
}
