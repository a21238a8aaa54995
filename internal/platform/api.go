package platform

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"time"

	"github.com/terra-runtime/terra/examples"
	"github.com/terra-runtime/terra/internal/appstore"
	"github.com/terra-runtime/terra/internal/archive"
	"github.com/terra-runtime/terra/internal/build"
)

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

// apiError is the body of an API error.
type apiError struct {
	Error string `json:"error"`
	Entry string `json:"entry,omitempty"` // an archive's refused entry
	Rule  string `json:"rule,omitempty"`  // the rule it broke
}

func writeError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, apiError{Error: msg})
}

// DeployResult is the last line of a deploy's response.
type DeployResult struct {
	Status    string             `json:"status"` // "deployed" or "failed"
	App       string             `json:"app"`
	Version   int                `json:"version,omitempty"`
	Language  string             `json:"language,omitempty"`
	Interface string             `json:"interface,omitempty"`
	URL       string             `json:"url,omitempty"`
	Isolation string             `json:"isolation,omitempty"`
	Timings   map[string]float64 `json:"timings_ms"`
	Error     string             `json:"error,omitempty"`
}

// appLimits reads an app's limits from a deploy's query: timeout (a Go
// duration), memory_mb, max_response_bytes and concurrency.
func appLimits(r *http.Request, l appstore.Limits) (appstore.Limits, error) {
	q := r.URL.Query()
	if v := q.Get("timeout"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			return l, fmt.Errorf("invalid timeout %q: want a duration such as 2s", v)
		}
		l.TimeoutMS = d.Milliseconds()
	}
	for _, p := range []struct {
		name string
		set  func(int64)
	}{
		{"memory_mb", func(n int64) { l.MemoryPages = uint32(n * 16) }},
		{"max_response_bytes", func(n int64) { l.MaxResponseBytes = n }},
		{"concurrency", func(n int64) { l.Concurrency = int(n) }},
	} {
		if v := q.Get(p.name); v != "" {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil || n <= 0 || n > 1<<20 {
				return l, fmt.Errorf("invalid %s %q: want a positive number", p.name, v)
			}
			p.set(n)
		}
	}
	return l, nil
}

// deploy builds an upload and makes it the app's current version. Refused
// uploads get a 4xx answer; once the build starts, the response streams
// its log and ends with a JSON line, a DeployResult.
func (s *Server) deploy(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	name := r.PathValue("name")
	if err := checkName(name); err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	e := s.entry(name)
	unlock, ok := lockApp(w, e)
	if !ok {
		return
	}
	defer unlock()
	old, err := s.store.Get(name)
	if err != nil && !errors.Is(err, appstore.ErrNotFound) {
		writeError(w, http.StatusInternalServerError, err.Error())
		return
	}
	limits, err := appLimits(r, old.Limits)
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	log := s.log.With("app", name)
	refuse := func(status int, err error, language string) {
		unlock()
		s.metrics.builds.WithLabelValues(name, language, "refused").Inc()
		log.Info("deploy refused", "status", status, "err", err)
		e.logs.add("deploy refused: " + err.Error())
		var ae *archive.Error
		if errors.As(err, &ae) {
			writeJSON(w, status, apiError{Error: err.Error(), Entry: ae.Entry, Rule: ae.Rule})
			return
		}
		writeError(w, status, err.Error())
	}

	ws, err := s.builder.NewWorkspace()
	if err != nil {
		refuse(http.StatusInternalServerError, err, "")
		return
	}
	defer ws.Remove()
	timings := map[string]float64{}

	// The upload goes to a file first: it is both the source blob and what
	// is unpacked.
	upload := filepath.Join(ws.Dir, "upload")
	f, err := os.OpenFile(upload, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		refuse(http.StatusInternalServerError, err, "")
		return
	}
	defer f.Close()
	if _, err := io.Copy(f, http.MaxBytesReader(w, r.Body, s.cfg.MaxUploadBytes)); err != nil {
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			refuse(http.StatusRequestEntityTooLarge, fmt.Errorf("upload larger than the limit of %d bytes", s.cfg.MaxUploadBytes), "")
			return
		}
		refuse(http.StatusBadRequest, fmt.Errorf("reading the upload: %w", err), "")
		return
	}
	timings["upload"] = since(start)
	t := time.Now()
	f.Seek(0, io.SeekStart)
	if _, err := archive.Extract(f, ws.Src(), s.cfg.Archive); err != nil {
		status := http.StatusBadRequest
		if ae, ok := errors.AsType[*archive.Error](err); ok && ae.TooLarge {
			status = http.StatusRequestEntityTooLarge
		} else if !ok {
			status = http.StatusInternalServerError
		}
		refuse(status, err, "")
		return
	}
	timings["extract"] = since(t)
	root, err := build.Root(ws.Src())
	if err != nil {
		refuse(http.StatusInternalServerError, err, "")
		return
	}
	lang, err := build.Detect(root)
	if err != nil {
		refuse(http.StatusBadRequest, err, "")
		return
	}

	// From here on the answer is 200 and a stream: the build's log, then
	// the result.
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(http.StatusOK)
	out := &streamLog{w: w}
	res := DeployResult{App: name, Language: string(lang), Timings: timings}
	finish := func(err error) {
		timings["total"] = since(start)
		for stage, ms := range timings {
			s.metrics.buildTime.WithLabelValues(string(lang), stage).Observe(ms / 1000)
		}
		if err != nil {
			res.Status, res.Error = "failed", err.Error()
			s.metrics.builds.WithLabelValues(name, string(lang), "failed").Inc()
			log.Info("deploy failed", "err", err)
			e.logs.add("deploy failed: " + err.Error())
		} else {
			res.Status = "deployed"
			s.metrics.builds.WithLabelValues(name, string(lang), "deployed").Inc()
			log.Info("deployed", "version", res.Version, "language", lang, "total_ms", timings["total"])
			e.logs.add(fmt.Sprintf("deployed version %d", res.Version))
		}
		unlock()
		out.finish(res)
	}

	select {
	case s.builds <- struct{}{}:
	default:
		fmt.Fprintf(out, "terrarium: waiting for one of %d build slots\n", cap(s.builds))
		select {
		case s.builds <- struct{}{}:
		case <-r.Context().Done():
			finish(r.Context().Err())
			return
		}
	}
	t = time.Now()
	built, err := s.builder.Build(r.Context(), ws, out)
	<-s.builds
	timings["build"] = since(t)
	if err != nil {
		finish(err)
		return
	}
	res.Isolation = built.Isolation

	// The version number is fixed now: deploys of the app are serialized
	// (a store shared by several servers would make Update fail below).
	next := 1
	for _, v := range old.Versions {
		next = max(next, v.Number+1)
	}
	t = time.Now()
	app, err := s.load(r.Context(), e, limits, next, built.Wasm)
	if err != nil {
		finish(fmt.Errorf("the module cannot serve: %w", err))
		return
	}
	timings["compile"] = since(t)
	res.Interface = string(app.Interface())

	t = time.Now()
	f.Seek(0, io.SeekStart)
	var v appstore.Version
	v.Source, _, err = s.store.Put(f)
	if err == nil {
		v.Wasm, v.WasmBytes, err = s.store.Put(bytes.NewReader(built.Wasm))
	}
	if err == nil {
		v.Log, _, err = s.store.Put(bytes.NewReader(out.logged()))
	}
	if err != nil {
		app.Retire()
		finish(fmt.Errorf("storing the version: %w", err))
		return
	}
	v.Language, v.Interface, v.Created, v.Timings = string(lang), string(app.Interface()), time.Now().UTC(), timings
	v.Number = next
	stored, err := s.store.Update(name, func(a *appstore.App) error {
		for _, o := range a.Versions {
			if o.Number >= next {
				return fmt.Errorf("version %d was deployed meanwhile", o.Number)
			}
		}
		a.Versions = append(a.Versions, v)
		a.Current = v.Number
		a.Limits = limits
		return nil
	})
	if err != nil {
		app.Retire()
		finish(fmt.Errorf("storing the version: %w", err))
		return
	}
	timings["store"] = since(t)
	s.install(e, stored.Current, app)
	res.Version = stored.Current
	res.URL = appURL(r, name)
	finish(nil)
}

func appURL(r *http.Request, name string) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return fmt.Sprintf("%s://%s/%s/", scheme, r.Host, name)
}

// streamLog sends a build's log to the client as it comes, and keeps it.
type streamLog struct {
	mu  sync.Mutex
	w   http.ResponseWriter
	buf bytes.Buffer
}

func (l *streamLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.buf.Write(p)
	l.w.Write(p)
	if f, ok := l.w.(http.Flusher); ok {
		f.Flush()
	}
	return len(p), nil
}

func (l *streamLog) logged() []byte {
	l.mu.Lock()
	defer l.mu.Unlock()
	return bytes.Clone(l.buf.Bytes())
}

// finish ends the stream with the result as one JSON line.
func (l *streamLog) finish(res DeployResult) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.buf.Len() > 0 && !bytes.HasSuffix(l.buf.Bytes(), []byte("\n")) {
		l.w.Write([]byte("\n"))
	}
	json.NewEncoder(l.w).Encode(res)
}

// lockApp takes the app's deploy lock, or answers 409. The returned
// unlock may be called more than once: handlers call it before the end of
// their answer, so that a client's next deploy finds the lock free.
func lockApp(w http.ResponseWriter, e *entry) (unlock func(), ok bool) {
	if !e.deploying.TryLock() {
		writeError(w, http.StatusConflict, fmt.Sprintf("a deploy or rollback of %q is in progress", e.name))
		return nil, false
	}
	return sync.OnceFunc(e.deploying.Unlock), true
}

// rollback makes an earlier version current: ?version=N, or the newest
// version older than the current one.
func (s *Server) rollback(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	e := s.entry(name)
	unlock, ok := lockApp(w, e)
	if !ok {
		return
	}
	defer unlock()
	app, err := s.store.Get(name)
	if errors.Is(err, appstore.ErrNotFound) {
		writeError(w, http.StatusNotFound, fmt.Sprintf("no app %q", name))
		return
	}
	if err != nil {
		writeError(w, http.StatusInternalServerError, err.Error())
		return
	}
	target := 0
	if q := r.URL.Query().Get("version"); q != "" {
		if target, err = strconv.Atoi(q); err != nil {
			writeError(w, http.StatusBadRequest, fmt.Sprintf("invalid version %q", q))
			return
		}
	} else {
		for _, v := range app.Versions {
			if v.Number < app.Current && v.Number > target {
				target = v.Number
			}
		}
		if target == 0 {
			writeError(w, http.StatusConflict, fmt.Sprintf("app %q has no version older than %d", name, app.Current))
			return
		}
	}
	v, ok := app.Version(target)
	if !ok {
		writeError(w, http.StatusNotFound, fmt.Sprintf("app %q has no version %d", name, target))
		return
	}
	wasm, err := s.readBlob(v.Wasm)
	if err != nil {
		writeError(w, http.StatusInternalServerError, err.Error())
		return
	}
	loaded, err := s.load(r.Context(), e, app.Limits, v.Number, wasm)
	if err != nil {
		writeError(w, http.StatusInternalServerError, fmt.Sprintf("version %d cannot serve: %v", v.Number, err))
		return
	}
	if _, err := s.store.Update(name, func(a *appstore.App) error {
		if _, ok := a.Version(target); !ok {
			return fmt.Errorf("version %d is gone", target)
		}
		a.Current = target
		return nil
	}); err != nil {
		loaded.Retire()
		writeError(w, http.StatusInternalServerError, err.Error())
		return
	}
	s.install(e, v.Number, loaded)
	s.log.Info("rolled back", "app", name, "version", target)
	e.logs.add(fmt.Sprintf("rolled back to version %d", target))
	unlock()
	writeJSON(w, http.StatusOK, map[string]any{"app": name, "version": target, "url": appURL(r, name)})
}

// appView is an app as the API shows it.
type appView struct {
	appstore.App
	Serving int       `json:"serving"` // the version this server runs
	Status  string    `json:"status"`
	Logs    []logLine `json:"logs,omitempty"`
}

func (s *Server) view(a appstore.App, logs bool) appView {
	v := appView{App: a, Status: "no version"}
	s.mu.Lock()
	e := s.apps[a.Name]
	s.mu.Unlock()
	if e != nil {
		e.mu.Lock()
		v.Serving = e.version
		switch {
		case e.status != "":
			v.Status = e.status
		case e.version != 0:
			v.Status = "serving"
		}
		e.mu.Unlock()
		if logs {
			v.Logs = e.logs.recent()
		}
	}
	return v
}

func (s *Server) list(w http.ResponseWriter, r *http.Request) {
	apps, err := s.store.List()
	if err != nil {
		writeError(w, http.StatusInternalServerError, err.Error())
		return
	}
	views := []appView{}
	for _, a := range apps {
		views = append(views, s.view(a, false))
	}
	writeJSON(w, http.StatusOK, views)
}

func (s *Server) show(w http.ResponseWriter, r *http.Request) {
	a, err := s.store.Get(r.PathValue("name"))
	if errors.Is(err, appstore.ErrNotFound) {
		writeError(w, http.StatusNotFound, fmt.Sprintf("no app %q", r.PathValue("name")))
		return
	}
	if err != nil {
		writeError(w, http.StatusInternalServerError, err.Error())
		return
	}
	writeJSON(w, http.StatusOK, s.view(a, true))
}

// buildLog returns a version's build log.
func (s *Server) buildLog(w http.ResponseWriter, r *http.Request) {
	a, err := s.store.Get(r.PathValue("name"))
	if err != nil {
		writeError(w, http.StatusNotFound, fmt.Sprintf("no app %q", r.PathValue("name")))
		return
	}
	n, _ := strconv.Atoi(r.PathValue("version"))
	v, ok := a.Version(n)
	if !ok {
		writeError(w, http.StatusNotFound, fmt.Sprintf("app %q has no version %q", a.Name, r.PathValue("version")))
		return
	}
	b, err := s.readBlob(v.Log)
	if err != nil {
		writeError(w, http.StatusInternalServerError, err.Error())
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Write(b)
}

// remove deletes an app: it stops serving at once. Its blobs stay (other
// versions or apps may share them).
func (s *Server) remove(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	e := s.entry(name)
	e.deploying.Lock()
	err := s.store.Delete(name)
	e.deploying.Unlock()
	if errors.Is(err, appstore.ErrNotFound) {
		writeError(w, http.StatusNotFound, fmt.Sprintf("no app %q", name))
		return
	}
	if err != nil {
		writeError(w, http.StatusInternalServerError, err.Error())
		return
	}
	if err := s.sync(context.Background(), name); err != nil {
		writeError(w, http.StatusInternalServerError, err.Error())
		return
	}
	s.log.Info("deleted", "app", name)
	writeJSON(w, http.StatusOK, map[string]any{"app": name, "deleted": true})
}

// examples lists the example apps, sources included, that the editor
// offers to start from.
func (s *Server) examples(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, examples.List())
}
