// Package tartest makes tar archives of app sources for tests.
package tartest

import (
	"archive/tar"
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
)

// TB is the part of testing.TB that the helpers use, so that programs
// (the benchmark harness) can use them too.
type TB interface {
	Helper()
	Fatal(args ...any)
}

// Dir returns a tar of the files below dir, with files (name, content
// pairs) added or replacing those of the same name.
func Dir(t TB, dir string, files ...string) []byte {
	t.Helper()
	contents := map[string][]byte{}
	if dir != "" {
		err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
			if err != nil || !d.Type().IsRegular() {
				return err
			}
			rel, err := filepath.Rel(dir, p)
			if err != nil {
				return err
			}
			contents[filepath.ToSlash(rel)], err = os.ReadFile(p)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	for i := 0; i+1 < len(files); i += 2 {
		contents[files[i]] = []byte(files[i+1])
	}
	names := make([]string, 0, len(contents))
	for n := range contents {
		names = append(names, n)
	}
	sort.Strings(names)
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, n := range names {
		if err := tw.WriteHeader(&tar.Header{Name: n, Mode: 0o644, Size: int64(len(contents[n])), Typeflag: tar.TypeReg}); err != nil {
			t.Fatal(err)
		}
		tw.Write(contents[n])
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// Files returns a tar of files (name, content pairs).
func Files(t TB, files ...string) []byte { return Dir(t, "", files...) }
