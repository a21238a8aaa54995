// Package appstore keeps terrarium's state: app metadata with change
// notification, and content-addressed blobs (sources, built modules, build
// logs) keyed by their SHA-256.
//
// The platform uses the narrow interfaces Metadata and Blobs, so that a
// store shared by several machines can replace Local, which keeps metadata
// in an embedded bbolt database and blobs as files.
package appstore

import (
	"context"
	"errors"
	"io"
	"time"
)

// ErrNotFound reports an app or blob that does not exist.
var ErrNotFound = errors.New("not found")

// Digest names a blob: the hexadecimal SHA-256 of its content.
type Digest string

// Blobs stores immutable content under its digest.
type Blobs interface {
	// Put stores what r yields and returns its digest and size. Once it
	// returns, the blob is durable; a failure or crash while it runs
	// leaves no blob visible.
	Put(r io.Reader) (Digest, int64, error)
	// Open returns the blob's content, or an error wrapping ErrNotFound.
	Open(d Digest) (io.ReadCloser, error)
}

// Metadata stores apps. Each Update is atomic and durable: after a crash,
// an app is as its last completed Update left it.
type Metadata interface {
	// Get returns the app, or an error wrapping ErrNotFound.
	Get(name string) (App, error)
	// List returns every app, by name.
	List() ([]App, error)
	// Update applies fn to the app (a new one, with only its name set, if
	// it does not exist) and stores the result, unless fn fails.
	Update(name string, fn func(*App) error) (App, error)
	// Delete removes the app; deleting a missing app wraps ErrNotFound.
	Delete(name string) error
	// Watch returns the names of apps as they change (updated or
	// deleted), from any writer of the store, until ctx is done, when the
	// channel closes. Changes that pile up while the reader is busy are
	// coalesced per app.
	Watch(ctx context.Context) <-chan string
}

// App is a deployed application and its versions.
type App struct {
	Name     string    `json:"name"`
	Current  int       `json:"current"` // the version serving; 0 for none
	Versions []Version `json:"versions"`
	Limits   Limits    `json:"limits"`
	Created  time.Time `json:"created"`
	Updated  time.Time `json:"updated"`
}

// Version returns the version numbered n.
func (a *App) Version(n int) (Version, bool) {
	for _, v := range a.Versions {
		if v.Number == n {
			return v, true
		}
	}
	return Version{}, false
}

// Version is one successful build of an app.
type Version struct {
	Number   int    `json:"number"`
	Language string `json:"language"`
	// Interface is how the module serves HTTP: "cgi" or "terra_http".
	Interface string             `json:"interface"`
	Source    Digest             `json:"source"`
	Wasm      Digest             `json:"wasm"`
	Log       Digest             `json:"log"`
	WasmBytes int64              `json:"wasm_bytes"`
	Created   time.Time          `json:"created"`
	Timings   map[string]float64 `json:"timings_ms"`
}

// Limits are an app's own limits; zero fields take the server's defaults.
type Limits struct {
	TimeoutMS        int64  `json:"timeout_ms,omitempty"`
	MemoryPages      uint32 `json:"memory_pages,omitempty"`
	MaxResponseBytes int64  `json:"max_response_bytes,omitempty"`
	Concurrency      int    `json:"concurrency,omitempty"`
}
