// Package codecache keeps compiled code in a directory, one file per key,
// for later processes to load instead of compiling: a bounded,
// least-recently-used store that several processes may share.
//
// Whoever can write the directory can make the processes that use it run
// machine code of their choosing: an entry's checksum finds damage, not
// intent. The cache therefore refuses a directory that another user owns
// or that others may write, creates its directory and files for its user
// alone (0700, 0600), and opens no symbolic link as an entry.
package codecache

import (
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// DefaultMaxBytes bounds a cache whose bound is not given.
const DefaultMaxBytes = 512 << 20

// Key names an entry: a hash of everything that decides its contents.
type Key [32]byte

func (k Key) String() string { return hex.EncodeToString(k[:]) }

// Cache is a directory of entries. It is safe for concurrent use, by
// goroutines and by processes sharing the directory.
type Cache struct {
	dir      string
	maxBytes int64
}

// New returns the cache in dir, holding at most maxBytes (DefaultMaxBytes
// if 0). The directory is created when the first entry is stored.
func New(dir string, maxBytes int64) *Cache {
	if maxBytes <= 0 {
		maxBytes = DefaultMaxBytes
	}
	return &Cache{dir: dir, maxBytes: maxBytes}
}

// Dir returns the cache's directory.
func (c *Cache) Dir() string { return c.dir }

// suffix ends the names of entries; temporary files start with tmpPrefix.
const (
	suffix    = ".code"
	tmpPrefix = ".tmp-"
)

// staleTemp is the age after which a temporary file is a crashed writer's.
const staleTemp = time.Hour

func (c *Cache) path(k Key) string { return filepath.Join(c.dir, k.String()+suffix) }

// ErrUnsafeDir reports a cache directory that others could write.
var ErrUnsafeDir = errors.New("codecache: directory writable by others")

// ErrTooLarge reports an entry larger than the whole cache may be.
var ErrTooLarge = errors.New("codecache: entry larger than the cache")

// checkDir checks that the directory exists, is a directory, belongs to
// this process's user and is writable by no one else.
func (c *Cache) checkDir() error {
	fi, err := os.Stat(c.dir)
	if err != nil {
		return err
	}
	if !fi.IsDir() {
		return fmt.Errorf("codecache: %s: not a directory", c.dir)
	}
	if uid, ok := owner(fi); ok && uid != os.Geteuid() {
		return fmt.Errorf("%w: %s belongs to user %d, not %d", ErrUnsafeDir, c.dir, uid, os.Geteuid())
	}
	if fi.Mode().Perm()&0o022 != 0 {
		return fmt.Errorf("%w: %s has mode %#o", ErrUnsafeDir, c.dir, fi.Mode().Perm())
	}
	return nil
}

// Get opens the entry for k and returns it with its size, and marks it
// used. A missing entry (or directory) is an error that wraps
// fs.ErrNotExist.
func (c *Cache) Get(k Key) (*os.File, int64, error) {
	if err := c.checkDir(); err != nil {
		return nil, 0, err
	}
	p := c.path(k)
	f, err := openNoFollow(p)
	if err != nil {
		return nil, 0, err
	}
	fi, err := f.Stat()
	switch {
	case err != nil:
	case !fi.Mode().IsRegular():
		err = fmt.Errorf("codecache: %s: not a regular file", p)
	case fi.Size() > c.maxBytes:
		err = fmt.Errorf("%w: %s has %d bytes, more than %d", ErrTooLarge, p, fi.Size(), c.maxBytes)
	}
	if err != nil {
		f.Close()
		return nil, 0, err
	}
	// The modification time orders eviction: a use makes an entry young.
	now := time.Now()
	_ = os.Chtimes(p, now, now)
	return f, fi.Size(), nil
}

// Put stores the entry for k that write writes. It writes a temporary file
// and renames it into place, so that readers see a whole entry or none and
// concurrent writers of one key leave one of their entries. It does not
// sync: an entry a crash leaves torn fails its checksum, and is compiled
// again. Then it evicts the least recently used entries beyond the bound.
func (c *Cache) Put(k Key, write func(io.Writer) error) (err error) {
	if err := os.MkdirAll(c.dir, 0o700); err != nil {
		return err
	}
	if err := c.checkDir(); err != nil {
		return err
	}
	f, err := os.CreateTemp(c.dir, tmpPrefix+k.String()+"-*") // mode 0600
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	if err := write(f); err != nil {
		return err
	}
	size, err := f.Seek(0, io.SeekCurrent)
	if err != nil {
		return err
	}
	if size > c.maxBytes {
		return fmt.Errorf("%w: %d bytes, more than %d", ErrTooLarge, size, c.maxBytes)
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Rename(f.Name(), c.path(k)); err != nil {
		return err
	}
	return c.evict(k)
}

// Remove removes the entry for k, if there is one.
func (c *Cache) Remove(k Key) error {
	if err := os.Remove(c.path(k)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return nil
}

// evict removes the least recently used entries until the cache is within
// its bound, keeping keep, and temporary files that writers left behind.
func (c *Cache) evict(keep Key) error {
	des, err := os.ReadDir(c.dir)
	if err != nil {
		return err
	}
	type file struct {
		name string
		size int64
		used time.Time
	}
	var files []file
	var total int64
	now := time.Now()
	for _, de := range des {
		name := de.Name()
		isTemp := strings.HasPrefix(name, tmpPrefix)
		if !isTemp && !strings.HasSuffix(name, suffix) || !de.Type().IsRegular() {
			continue
		}
		fi, err := de.Info()
		if err != nil {
			continue // removed meanwhile
		}
		if isTemp {
			if now.Sub(fi.ModTime()) > staleTemp {
				_ = os.Remove(filepath.Join(c.dir, name))
			}
			continue
		}
		total += fi.Size()
		if name != keep.String()+suffix {
			files = append(files, file{name, fi.Size(), fi.ModTime()})
		}
	}
	slices.SortFunc(files, func(a, b file) int { return a.used.Compare(b.used) })
	var errs []error
	for _, f := range files {
		if total <= c.maxBytes {
			break
		}
		err := os.Remove(filepath.Join(c.dir, f.name))
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			errs = append(errs, err)
			continue
		}
		total -= f.size
	}
	return errors.Join(errs...)
}
