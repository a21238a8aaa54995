package platform

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"sync/atomic"
	"time"

	"github.com/terra-runtime/terra/internal/appstore"
	"github.com/terra-runtime/terra/internal/serve"
)

// entry is an app as the server runs it.
type entry struct {
	name string
	// deploying serializes deploys and rollbacks of the app.
	deploying sync.Mutex
	current   atomic.Pointer[serve.App]
	logs      ring

	mu      sync.Mutex
	version int    // the version current serves; 0 for none
	status  string // why the current version does not serve, if it does not
	gate    *serve.Gate
}

// entry returns the app's entry, made if need be.
func (s *Server) entry(name string) *entry {
	s.mu.Lock()
	defer s.mu.Unlock()
	e := s.apps[name]
	if e == nil {
		e = &entry{name: name}
		s.apps[name] = e
	}
	return e
}

// limits returns an app's limits and concurrency: its own or the
// server's.
func (s *Server) limits(l appstore.Limits) (serve.Limits, int) {
	lim := s.cfg.Limits
	if l.TimeoutMS > 0 {
		lim.Timeout = time.Duration(l.TimeoutMS) * time.Millisecond
	}
	if l.MemoryPages > 0 {
		lim.MemoryPages = l.MemoryPages
	}
	if l.MaxResponseBytes > 0 {
		lim.MaxResponseBytes = l.MaxResponseBytes
	}
	conc := s.cfg.Concurrency
	if l.Concurrency > 0 {
		conc = l.Concurrency
	}
	return lim, conc
}

// load compiles a version of an app for serving.
func (s *Server) load(ctx context.Context, e *entry, l appstore.Limits, version int, wasm []byte) (*serve.App, error) {
	lim, conc := s.limits(l)
	e.mu.Lock()
	if e.gate == nil || e.gate.Cap() != conc {
		e.gate = serve.NewGate(conc)
	}
	gate := e.gate
	e.mu.Unlock()
	return serve.Load(ctx, wasm, serve.Options{
		Name:     e.name,
		Version:  version,
		Tier:     s.cfg.Tier,
		Tiering:  s.cfg.Tiering,
		CacheDir: s.cfg.CacheDir,
		Limits:   lim,
		Gate:     gate,
		Logger:   s.log,
		AppLog:   e.logs.add,
		Observer: s.metrics,
	})
}

// install makes app the version that serves.
func (s *Server) install(e *entry, version int, app *serve.App) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.version == 0 && version != 0 {
		s.metrics.apps.Inc()
	}
	e.version, e.status = version, ""
	if old := e.current.Swap(app); old != nil {
		old.Retire()
	}
}

// readBlob reads a blob whole.
func (s *Server) readBlob(d appstore.Digest) ([]byte, error) {
	r, err := s.store.Open(d)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	return io.ReadAll(r)
}

// sync makes the server run the app as the store says: its current
// version, or nothing if it is gone.
func (s *Server) sync(ctx context.Context, name string) error {
	e := s.entry(name)
	e.deploying.Lock()
	defer e.deploying.Unlock()
	app, err := s.store.Get(name)
	if errors.Is(err, appstore.ErrNotFound) {
		s.mu.Lock()
		if s.apps[name] == e {
			delete(s.apps, name)
		}
		s.mu.Unlock()
		if old := e.current.Swap(nil); old != nil {
			old.Retire()
			s.metrics.apps.Dec()
		}
		s.metrics.forget(name)
		return nil
	}
	if err != nil {
		return err
	}
	e.mu.Lock()
	installed := e.version
	e.mu.Unlock()
	if app.Current == installed {
		return nil
	}
	v, ok := app.Version(app.Current)
	if !ok {
		return fmt.Errorf("app %q: current version %d is missing", name, app.Current)
	}
	wasm, err := s.readBlob(v.Wasm)
	if err == nil {
		var a *serve.App
		if a, err = s.load(ctx, e, app.Limits, v.Number, wasm); err == nil {
			s.install(e, v.Number, a)
			s.log.Info("app serving", "app", name, "version", v.Number)
			return nil
		}
	}
	e.mu.Lock()
	e.status = fmt.Sprintf("version %d failed to load: %v", v.Number, err)
	e.mu.Unlock()
	return fmt.Errorf("app %q version %d: %w", name, v.Number, err)
}
