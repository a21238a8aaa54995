package appstore

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Local is a Metadata and Blobs in a directory of one machine: app
// metadata in an embedded bbolt database (meta.db), whose transactions
// are atomic and durable, and blobs as files under blobs/, each written
// to a temporary file, synced and renamed into place.
type Local struct {
	dir string
	db  *bolt.DB

	mu       sync.Mutex
	watchers map[*watcher]struct{}
}

var (
	_ Metadata = (*Local)(nil)
	_ Blobs    = (*Local)(nil)
)

var bucketApps = []byte("apps")

// Open opens (creating if need be) the store in dir. Only one process may
// have a directory open: another gets an error after a second.
func Open(dir string) (*Local, error) {
	if err := os.MkdirAll(filepath.Join(dir, "blobs", "tmp"), 0o700); err != nil {
		return nil, fmt.Errorf("appstore: %w", err)
	}
	db, err := bolt.Open(filepath.Join(dir, "meta.db"), 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		if errors.Is(err, bolt.ErrTimeout) {
			return nil, fmt.Errorf("appstore: %s is in use by another process", dir)
		}
		return nil, fmt.Errorf("appstore: %w", err)
	}
	if err := db.Update(func(tx *bolt.Tx) error {
		_, err := tx.CreateBucketIfNotExists(bucketApps)
		return err
	}); err != nil {
		db.Close()
		return nil, fmt.Errorf("appstore: %w", err)
	}
	// Blobs that a crash left half-written are never visible: remove them.
	tmp := filepath.Join(dir, "blobs", "tmp")
	if entries, err := os.ReadDir(tmp); err == nil {
		for _, e := range entries {
			os.Remove(filepath.Join(tmp, e.Name()))
		}
	}
	return &Local{dir: dir, db: db, watchers: map[*watcher]struct{}{}}, nil
}

// Close closes the database.
func (l *Local) Close() error { return l.db.Close() }

// Get implements Metadata.
func (l *Local) Get(name string) (App, error) {
	var app App
	err := l.db.View(func(tx *bolt.Tx) error {
		v := tx.Bucket(bucketApps).Get([]byte(name))
		if v == nil {
			return fmt.Errorf("app %q: %w", name, ErrNotFound)
		}
		return json.Unmarshal(v, &app)
	})
	return app, err
}

// List implements Metadata.
func (l *Local) List() ([]App, error) {
	var apps []App
	err := l.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketApps).ForEach(func(k, v []byte) error {
			var app App
			if err := json.Unmarshal(v, &app); err != nil {
				return fmt.Errorf("app %q: %w", k, err)
			}
			apps = append(apps, app)
			return nil
		})
	})
	return apps, err
}

// Update implements Metadata.
func (l *Local) Update(name string, fn func(*App) error) (App, error) {
	var app App
	err := l.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketApps)
		app = App{}
		if v := b.Get([]byte(name)); v != nil {
			if err := json.Unmarshal(v, &app); err != nil {
				return err
			}
		} else {
			app = App{Name: name, Created: time.Now().UTC()}
		}
		if err := fn(&app); err != nil {
			return err
		}
		app.Name = name
		app.Updated = time.Now().UTC()
		v, err := json.Marshal(&app)
		if err != nil {
			return err
		}
		return b.Put([]byte(name), v)
	})
	if err != nil {
		return App{}, err
	}
	l.notify(name)
	return app, nil
}

// Delete implements Metadata.
func (l *Local) Delete(name string) error {
	err := l.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketApps)
		if b.Get([]byte(name)) == nil {
			return fmt.Errorf("app %q: %w", name, ErrNotFound)
		}
		return b.Delete([]byte(name))
	})
	if err == nil {
		l.notify(name)
	}
	return err
}

// watcher is one Watch: the names changed since its reader last took them.
type watcher struct {
	mu      sync.Mutex
	pending map[string]struct{}
	signal  chan struct{} // capacity 1: something is pending
}

// Watch implements Metadata. Local sees only its own process's writes,
// which are the only ones its lock on the database allows.
func (l *Local) Watch(ctx context.Context) <-chan string {
	w := &watcher{pending: map[string]struct{}{}, signal: make(chan struct{}, 1)}
	l.mu.Lock()
	l.watchers[w] = struct{}{}
	l.mu.Unlock()
	out := make(chan string)
	go func() {
		defer close(out)
		defer func() {
			l.mu.Lock()
			delete(l.watchers, w)
			l.mu.Unlock()
		}()
		for {
			select {
			case <-ctx.Done():
				return
			case <-w.signal:
			}
			w.mu.Lock()
			names := make([]string, 0, len(w.pending))
			for n := range w.pending {
				names = append(names, n)
			}
			clear(w.pending)
			w.mu.Unlock()
			sort.Strings(names)
			for _, n := range names {
				select {
				case out <- n:
				case <-ctx.Done():
					return
				}
			}
		}
	}()
	return out
}

func (l *Local) notify(name string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for w := range l.watchers {
		w.mu.Lock()
		w.pending[name] = struct{}{}
		w.mu.Unlock()
		select {
		case w.signal <- struct{}{}:
		default:
		}
	}
}

// blobPath returns where the blob d lives, or an error for a malformed
// digest (which could otherwise name any path).
func (l *Local) blobPath(d Digest) (string, error) {
	if len(d) != sha256.Size*2 {
		return "", fmt.Errorf("blob %q: malformed digest: %w", d, ErrNotFound)
	}
	if _, err := hex.DecodeString(string(d)); err != nil {
		return "", fmt.Errorf("blob %q: malformed digest: %w", d, ErrNotFound)
	}
	return filepath.Join(l.dir, "blobs", "sha256", string(d[:2]), string(d)), nil
}

// Put implements Blobs.
func (l *Local) Put(r io.Reader) (Digest, int64, error) {
	var rnd [8]byte
	rand.Read(rnd[:])
	tmp := filepath.Join(l.dir, "blobs", "tmp", hex.EncodeToString(rnd[:]))
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return "", 0, fmt.Errorf("appstore: %w", err)
	}
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(f, h), r)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(tmp)
		return "", 0, fmt.Errorf("appstore: writing blob: %w", err)
	}
	d := Digest(hex.EncodeToString(h.Sum(nil)))
	final, _ := l.blobPath(d)
	if err := os.MkdirAll(filepath.Dir(final), 0o700); err != nil {
		os.Remove(tmp)
		return "", 0, fmt.Errorf("appstore: %w", err)
	}
	if err := os.Rename(tmp, final); err != nil {
		os.Remove(tmp)
		return "", 0, fmt.Errorf("appstore: %w", err)
	}
	if err := syncDir(filepath.Dir(final)); err != nil {
		return "", 0, fmt.Errorf("appstore: %w", err)
	}
	return d, n, nil
}

// Open implements Blobs.
func (l *Local) Open(d Digest) (io.ReadCloser, error) {
	p, err := l.blobPath(d)
	if err != nil {
		return nil, fmt.Errorf("appstore: %w", err)
	}
	f, err := os.Open(p)
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("appstore: blob %s: %w", d, ErrNotFound)
	}
	return f, err
}

// syncDir makes a rename in dir durable.
func syncDir(dir string) error {
	f, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer f.Close()
	return f.Sync()
}
