package appstore

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestBlobs(t *testing.T) {
	l, err := Open(t.TempDir())
	require.NoError(t, err)
	defer l.Close()
	d, n, err := l.Put(strings.NewReader("hello"))
	require.NoError(t, err)
	sum := sha256.Sum256([]byte("hello"))
	require.Equal(t, Digest(hex.EncodeToString(sum[:])), d)
	require.Equal(t, int64(5), n)
	d2, _, err := l.Put(strings.NewReader("hello"))
	require.NoError(t, err)
	require.Equal(t, d, d2, "same content, same blob")

	r, err := l.Open(d)
	require.NoError(t, err)
	b, err := io.ReadAll(r)
	require.NoError(t, err)
	require.NoError(t, r.Close())
	require.Equal(t, "hello", string(b))

	_, err = l.Open(Digest(strings.Repeat("0", 64)))
	require.ErrorIs(t, err, ErrNotFound)
	for _, bad := range []Digest{"../../meta.db", "", Digest(strings.Repeat("g", 64))} {
		_, err = l.Open(bad)
		require.ErrorIs(t, err, ErrNotFound, "%q", bad)
	}
}

// failingReader fails after yielding some bytes, like an upload cut off.
type failingReader struct{ n int }

func (f *failingReader) Read(p []byte) (int, error) {
	if f.n == 0 {
		return 0, errors.New("connection reset")
	}
	f.n--
	p[0] = 'x'
	return 1, nil
}

func TestBlobPutFailsLeavesNothing(t *testing.T) {
	dir := t.TempDir()
	l, err := Open(dir)
	require.NoError(t, err)
	defer l.Close()
	_, _, err = l.Put(&failingReader{n: 10})
	require.ErrorContains(t, err, "connection reset")
	tmp, err := os.ReadDir(filepath.Join(dir, "blobs", "tmp"))
	require.NoError(t, err)
	require.Empty(t, tmp)
	_, err = os.Stat(filepath.Join(dir, "blobs", "sha256"))
	require.ErrorIs(t, err, os.ErrNotExist)
}

func TestMetadata(t *testing.T) {
	dir := t.TempDir()
	l, err := Open(dir)
	require.NoError(t, err)

	_, err = l.Get("app")
	require.ErrorIs(t, err, ErrNotFound)
	app, err := l.Update("app", func(a *App) error {
		a.Versions = append(a.Versions, Version{Number: 1, Language: "c"})
		a.Current = 1
		return nil
	})
	require.NoError(t, err)
	require.Equal(t, "app", app.Name)
	require.False(t, app.Created.IsZero())

	// A failing update changes nothing.
	_, err = l.Update("app", func(a *App) error {
		a.Current = 7
		return errors.New("build failed")
	})
	require.ErrorContains(t, err, "build failed")
	app, err = l.Get("app")
	require.NoError(t, err)
	require.Equal(t, 1, app.Current)

	_, err = l.Update("other", func(a *App) error { return nil })
	require.NoError(t, err)
	require.NoError(t, l.Close())

	// Only one process at a time: a second open waits, then fails.
	l, err = Open(dir)
	require.NoError(t, err)
	_, err = Open(dir)
	require.ErrorContains(t, err, "in use")

	apps, err := l.List()
	require.NoError(t, err)
	require.Len(t, apps, 2)
	require.Equal(t, "app", apps[0].Name)
	v, ok := apps[0].Version(1)
	require.True(t, ok)
	require.Equal(t, "c", v.Language)

	require.NoError(t, l.Delete("other"))
	require.ErrorIs(t, l.Delete("other"), ErrNotFound)
	require.NoError(t, l.Close())
}

func TestOpenRemovesPartialBlobs(t *testing.T) {
	dir := t.TempDir()
	l, err := Open(dir)
	require.NoError(t, err)
	require.NoError(t, l.Close())
	partial := filepath.Join(dir, "blobs", "tmp", "0123")
	require.NoError(t, os.WriteFile(partial, []byte("half"), 0o600))
	l, err = Open(dir)
	require.NoError(t, err)
	defer l.Close()
	_, err = os.Stat(partial)
	require.ErrorIs(t, err, os.ErrNotExist)
}

func TestWatch(t *testing.T) {
	l, err := Open(t.TempDir())
	require.NoError(t, err)
	defer l.Close()
	ctx, cancel := context.WithCancel(context.Background())
	ch := l.Watch(ctx)
	_, err = l.Update("a", func(*App) error { return nil })
	require.NoError(t, err)
	require.Equal(t, "a", <-ch)
	_, err = l.Update("b", func(*App) error { return errors.New("no") })
	require.Error(t, err)
	require.NoError(t, l.Delete("a"))
	require.Equal(t, "a", <-ch, "a failed update notifies nothing; a delete does")
	cancel()
	for range ch {
	}
}
