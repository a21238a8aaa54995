// Package platform is terrarium: an HTTP server that builds uploaded apps
// (tar or tar.gz of Go, C or Rust sources, or a ready .wasm) to
// WebAssembly, keeps their versions, and serves each app under /{name}/
// with a fresh instance per request.
//
// The deploy API under /api/ needs the admin token as a bearer token.
// Metrics in Prometheus's text format are at /metrics. With
// Config.Editor, the web editor (internal/webui) is at /.
package platform

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/terra-runtime/terra"
	"github.com/terra-runtime/terra/internal/appstore"
	"github.com/terra-runtime/terra/internal/archive"
	"github.com/terra-runtime/terra/internal/build"
	"github.com/terra-runtime/terra/internal/serve"
	"github.com/terra-runtime/terra/internal/webui"
)

// Store is what the platform keeps its state in.
type Store interface {
	appstore.Metadata
	appstore.Blobs
}

// Config configures a Server.
type Config struct {
	// Store keeps apps, versions and blobs.
	Store Store
	// Build configures the build pipeline.
	Build build.Config
	// Token is the admin token that the deploy API requires.
	Token string
	// Tier is the engine's execution tier; empty means terra's default.
	Tier terra.Tier
	// Tiering configures terra.TierTiered.
	Tiering terra.Tiering
	// CacheDir, if set, is where apps' machine code is kept between
	// restarts (serve.Options.CacheDir).
	CacheDir string
	// Limits are the default limits of an app's requests (see
	// serve.DefaultLimits); an app's own, set at deploy, replace them.
	Limits serve.Limits
	// Concurrency is an app's default number of concurrent requests.
	Concurrency int
	// MaxInFlight bounds the requests being served by all apps at once.
	MaxInFlight int
	// MaxUploadBytes bounds a deploy's upload.
	MaxUploadBytes int64
	// Archive bounds what an upload may hold.
	Archive archive.Limits
	// MaxBuilds bounds the builds that run at once; others wait.
	MaxBuilds int
	// Logger receives the server's logs.
	Logger *slog.Logger
	// Editor serves the web editor at / (its assets under
	// webui.AssetPrefix). The editor keeps the admin token in the
	// browser, in the origin that apps share, so with it every app
	// response carries a sandbox policy: see sandboxWriter.
	Editor bool
}

// Server is a running terrarium. Its Handler serves the API, metrics and
// apps.
type Server struct {
	cfg     Config
	store   Store
	builder *build.Builder
	log     *slog.Logger
	metrics *metrics
	builds  chan struct{}
	flight  chan struct{}

	mu   sync.Mutex
	apps map[string]*entry

	stop context.CancelFunc
	done chan struct{}
}

// New starts a server on cfg.Store: it loads every app's current version
// and follows the store's changes.
func New(ctx context.Context, cfg Config) (*Server, error) {
	if cfg.Store == nil {
		return nil, errors.New("platform: no store")
	}
	if cfg.Token == "" {
		return nil, errors.New("platform: no admin token")
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Limits == (serve.Limits{}) {
		cfg.Limits = serve.DefaultLimits
	}
	if cfg.Concurrency <= 0 {
		cfg.Concurrency = 64
	}
	if cfg.MaxInFlight <= 0 {
		cfg.MaxInFlight = 512
	}
	if cfg.MaxUploadBytes <= 0 {
		cfg.MaxUploadBytes = 64 << 20
	}
	if cfg.MaxBuilds <= 0 {
		cfg.MaxBuilds = 2
	}
	s := &Server{
		cfg:     cfg,
		store:   cfg.Store,
		builder: build.New(cfg.Build),
		log:     cfg.Logger,
		metrics: newMetrics(),
		builds:  make(chan struct{}, cfg.MaxBuilds),
		flight:  make(chan struct{}, cfg.MaxInFlight),
		apps:    map[string]*entry{},
		done:    make(chan struct{}),
	}
	s.metrics.reg.MustRegister(newTieringCollector(s))
	wctx, stop := context.WithCancel(context.Background())
	s.stop = stop
	changes := s.store.Watch(wctx)
	apps, err := s.store.List()
	if err != nil {
		stop()
		return nil, fmt.Errorf("platform: listing apps: %w", err)
	}
	for _, a := range apps {
		if err := s.sync(ctx, a.Name); err != nil {
			s.log.Error("loading app", "app", a.Name, "err", err)
		}
	}
	go func() {
		defer close(s.done)
		for name := range changes {
			if err := s.sync(wctx, name); err != nil {
				s.log.Error("following a change", "app", name, "err", err)
			}
		}
	}()
	return s, nil
}

// Close stops following the store.
func (s *Server) Close() {
	s.stop()
	<-s.done
}

// Handler returns the server's HTTP handler.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	api := http.NewServeMux()
	api.HandleFunc("POST /api/apps/{name}/deploy", s.deploy)
	api.HandleFunc("POST /api/apps/{name}/rollback", s.rollback)
	api.HandleFunc("GET /api/apps", s.list)
	api.HandleFunc("GET /api/apps/{name}", s.show)
	api.HandleFunc("GET /api/apps/{name}/versions/{version}/log", s.buildLog)
	api.HandleFunc("DELETE /api/apps/{name}", s.remove)
	api.HandleFunc("GET /api/examples", s.examples)
	mux.Handle("/api/", s.auth(api))
	mux.Handle("GET /metrics", promhttp.HandlerFor(s.metrics.reg, promhttp.HandlerOpts{}))
	if s.cfg.Editor {
		ui := webui.Handler()
		mux.Handle("GET /{$}", ui)
		mux.Handle("GET "+webui.AssetPrefix, ui)
	}
	mux.HandleFunc("/", s.serveApp)
	return mux
}

// auth requires the admin token.
func (s *Server) auth(h http.Handler) http.Handler {
	want := []byte("Bearer " + s.cfg.Token)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got := []byte(r.Header.Get("Authorization"))
		if subtle.ConstantTimeCompare(got, want) != 1 {
			w.Header().Set("WWW-Authenticate", `Bearer realm="terrarium"`)
			writeError(w, http.StatusUnauthorized, "the API needs the admin token: Authorization: Bearer <token>")
			return
		}
		h.ServeHTTP(w, r)
	})
}

// validName admits no dot, underscore or empty name, so that no app
// shadows the editor's page (/) or assets (/_editor/), nor a file name
// that browsers ask for (/favicon.ico).
var validName = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,62}$`)

// reserved are names that paths of the server itself use.
var reserved = map[string]bool{"api": true, "metrics": true}

func checkName(name string) error {
	if !validName.MatchString(name) || reserved[name] {
		return fmt.Errorf("invalid app name %q: use 1 to 63 lowercase letters, digits and dashes, not api or metrics", name)
	}
	return nil
}

// serveApp serves /{name}/... with the app's current version.
func (s *Server) serveApp(w http.ResponseWriter, r *http.Request) {
	name, rest, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), "/")
	pathInfo := ""
	if strings.HasPrefix(r.URL.Path, "/"+name+"/") {
		pathInfo = "/" + rest
	}
	s.mu.Lock()
	e := s.apps[name]
	s.mu.Unlock()
	if s.cfg.Editor {
		w = &sandboxWriter{ResponseWriter: w}
	}
	if e == nil || e.current.Load() == nil {
		if name == "" {
			http.Error(w, "terrarium: deploy apps with POST /api/apps/{name}/deploy and call them at /{name}/", http.StatusNotFound)
			return
		}
		http.Error(w, fmt.Sprintf("no app %q", name), http.StatusNotFound)
		return
	}
	select {
	case s.flight <- struct{}{}:
		defer func() { <-s.flight }()
	default:
		s.log.Warn("limit exceeded", "limit", "server_concurrency", "app", name)
		s.metrics.LimitExceeded(name, "server_concurrency")
		w.Header().Set("Retry-After", "1")
		http.Error(w, fmt.Sprintf("the server is at its limit of %d requests in flight", s.cfg.MaxInFlight), http.StatusServiceUnavailable)
		return
	}
	// A version replaced meanwhile refuses the request: serve it with the
	// one that replaced it.
	for {
		app := e.current.Load()
		if app == nil {
			http.Error(w, fmt.Sprintf("no app %q", name), http.StatusNotFound)
			return
		}
		if app.Serve(w, r, "/"+name, pathInfo) {
			return
		}
	}
}

// since returns the milliseconds since t.
func since(t time.Time) float64 {
	return float64(time.Since(t).Microseconds()) / 1000
}

// WarmGo fills the Go build cache in the background of a fresh server, so
// that the first Go deploy does not compile the standard library for
// wasip1.
func (s *Server) WarmGo(ctx context.Context) {
	t := time.Now()
	if err := s.builder.WarmGo(ctx, io.Discard); err != nil {
		s.log.Info("Go build cache not warmed", "err", err)
		return
	}
	s.log.Info("Go build cache warm", "ms", since(t))
}
