// Package serve runs a deployed WebAssembly app for HTTP requests, each in
// a fresh instance: nothing of one request survives into the next.
//
// An app is a WASI command. If it imports the terra_http module (package
// host/http) it reads its request and writes its response through it;
// otherwise it is a CGI program (RFC 3875), as WAGI runs them: the request's
// meta-variables in its environment, the body on standard input, and a CGI
// response on standard output. Standard error, and standard output of a
// terra_http app, go to the app's log.
//
// Every request runs within limits (Limits): a deadline, a memory cap, a
// response size cap and the app's concurrency. An exceeded limit answers
// 503 or 504 with a message saying which, and a log line; a guest that traps
// or fails answers 500 or 502. A failure never reaches other requests.
package serve

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"runtime/debug"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/terra-runtime/terra"
	hosthttp "github.com/terra-runtime/terra/host/http"
	"github.com/terra-runtime/terra/host/wasi"
)

// Interface is how an app serves HTTP.
type Interface string

// Interfaces.
const (
	CGI       Interface = "cgi"
	TerraHTTP Interface = "terra_http"
)

// Limits bound each request of an app.
type Limits struct {
	// Timeout is the wall-clock deadline of a request's guest.
	Timeout time.Duration
	// MemoryPages caps the guest's linear memory, in 64 KiB pages.
	MemoryPages uint32
	// MaxRequestBytes caps the request body.
	MaxRequestBytes int64
	// MaxResponseBytes caps the response body.
	MaxResponseBytes int64
	// MaxLogBytes caps what one request writes to the app's log.
	MaxLogBytes int64
}

// DefaultLimits are the limits of an app that sets none.
var DefaultLimits = Limits{
	Timeout:          10 * time.Second,
	MemoryPages:      4096, // 256 MiB
	MaxRequestBytes:  8 << 20,
	MaxResponseBytes: 32 << 20,
	MaxLogBytes:      64 << 10,
}

// Gate bounds an app's concurrent requests. Versions of an app share it.
type Gate struct {
	slots chan struct{}
}

// NewGate returns a gate of n slots.
func NewGate(n int) *Gate { return &Gate{slots: make(chan struct{}, max(n, 1))} }

// Cap returns the number of slots.
func (g *Gate) Cap() int { return cap(g.slots) }

func (g *Gate) tryEnter() bool {
	select {
	case g.slots <- struct{}{}:
		return true
	default:
		return false
	}
}

func (g *Gate) leave() { <-g.slots }

// Observer receives what the platform measures of requests.
type Observer interface {
	// Request reports a finished request: its status and duration.
	Request(app string, status int, d time.Duration)
	// InstanceStart reports how long instantiating a guest took.
	InstanceStart(app string, d time.Duration)
	// LimitExceeded reports a request that hit a limit: "timeout",
	// "memory", "response_size", "request_size" or "concurrency".
	LimitExceeded(app, limit string)
}

// Options configure an App.
type Options struct {
	// Name is the app's name, its path prefix without the slash.
	Name string
	// Version is the version of the app this module is.
	Version int
	// Tier is the engine's execution tier; empty means terra's default.
	Tier terra.Tier
	// Tiering configures terra.TierTiered.
	Tiering terra.Tiering
	// CacheDir, if set, keeps the module's machine code between processes
	// (terra.Config.CacheDir), so that a restarted server loads it instead
	// of compiling it again.
	CacheDir string
	// Limits bound each request; see DefaultLimits.
	Limits Limits
	// Gate bounds concurrency; nil means a gate of its own of 64 slots.
	Gate *Gate
	// Logger receives the app's log lines (and the guests' output to it)
	// with the app's name and version.
	Logger *slog.Logger
	// AppLog, if set, also receives each log line, for a view of recent
	// logs.
	AppLog func(line string)
	// Observer, if set, receives measurements.
	Observer Observer
}

// App is one version of an app, compiled and ready to serve. It is safe
// for concurrent use.
type App struct {
	opt   Options
	rt    *terra.Runtime
	cm    *terra.CompiledModule
	iface Interface
	log   *slog.Logger

	refs   atomic.Int64 // see acquire
	retire sync.Once
}

// Load compiles wasm for opt and checks that it can serve: a WASI command
// (exporting _start) whose imports all resolve. It instantiates it once to
// check its links, without running it.
func Load(ctx context.Context, wasmBytes []byte, opt Options) (*App, error) {
	if opt.Gate == nil {
		opt.Gate = NewGate(64)
	}
	if opt.Logger == nil {
		opt.Logger = slog.New(slog.DiscardHandler)
	}
	// A runtime per version: its memory limit is the app's, and its share
	// of the process's memory reservations is bounded by the app's
	// concurrency, so that no app starves the others.
	rt, err := terra.NewRuntime(terra.Config{Tier: opt.Tier, Tiering: opt.Tiering, CacheDir: opt.CacheDir, MemoryLimitPages: opt.Limits.MemoryPages,
		MaxMemories: opt.Gate.Cap() + 8})
	if err != nil {
		return nil, err
	}
	loaded := false
	defer func() {
		if !loaded {
			rt.Close()
		}
	}()
	for _, abi := range []wasi.ABI{wasi.Preview1, wasi.Unstable} {
		if _, err := wasi.ContextBuilder(rt, abi).Instantiate(ctx); err != nil {
			return nil, err
		}
	}
	if _, err := hosthttp.Builder(rt).Instantiate(ctx); err != nil {
		return nil, err
	}
	cm, err := rt.Compile(ctx, wasmBytes)
	if err != nil {
		return nil, err
	}
	a := &App{opt: opt, rt: rt, cm: cm, iface: CGI,
		log: opt.Logger.With("app", opt.Name, "version", opt.Version)}
	start := false
	for _, e := range cm.Exports() {
		start = start || e.Name == "_start"
	}
	if !start {
		return nil, errors.New("the module exports no _start function: terrarium runs WASI commands (a main function)")
	}
	for _, im := range cm.Imports() {
		if im.Module == hosthttp.ModuleName {
			a.iface = TerraHTTP
		}
	}
	inst, err := rt.Instantiate(ctx, cm, terra.InstanceConfig{})
	if err != nil {
		return nil, err
	}
	inst.Close()
	loaded = true
	return a, nil
}

// Tiering returns what the tiered engine did for this version so far: the
// functions that moved to machine code as requests ran them.
func (a *App) Tiering() terra.TieringStats { return a.rt.Stats().Tiering }

// Cache returns what the compiled-code cache did for this version.
func (a *App) Cache() terra.CacheStats { return a.rt.Stats().Cache }

// Version returns the app's version that this is.
func (a *App) Version() int { return a.opt.Version }

// Interface returns how the app serves HTTP.
func (a *App) Interface() Interface { return a.iface }

// Limits returns the app's limits.
func (a *App) Limits() Limits { return a.opt.Limits }

// Serve answers r with a fresh instance of the app and reports true, or
// reports false without answering if the app was retired: the caller
// should serve r with the version that replaced it. scriptName is the
// app's path prefix ("/name") and pathInfo the rest of the path.
func (a *App) Serve(w http.ResponseWriter, r *http.Request, scriptName, pathInfo string) bool {
	if !a.acquire() {
		return false
	}
	start := time.Now()
	rw := &statusWriter{ResponseWriter: w}
	a.serve(rw, r, scriptName, pathInfo)
	if a.opt.Observer != nil {
		a.opt.Observer.Request(a.opt.Name, rw.Status(), time.Since(start))
	}
	return true
}

// acquire counts a request in, unless the app is retired. refs holds the
// requests in flight times two, plus one once retired.
func (a *App) acquire() bool {
	for {
		n := a.refs.Load()
		if n&1 != 0 {
			return false
		}
		if a.refs.CompareAndSwap(n, n+2) {
			return true
		}
	}
}

// release counts a request out; the last one out of a retired app closes
// it.
func (a *App) release() {
	if a.refs.Add(-2) == 1 {
		a.close()
	}
}

// Retire stops the app taking requests and closes its runtime (its
// compiled code and memory reservations) once those in flight are done.
// A version that another replaced is retired.
func (a *App) Retire() {
	a.retire.Do(func() {
		if a.refs.Add(1) == 1 {
			a.close()
		}
	})
}

func (a *App) close() {
	if err := a.rt.Close(); err != nil {
		a.log.Warn("closing a retired version", "err", err)
	}
}

func (a *App) serve(w *statusWriter, r *http.Request, scriptName, pathInfo string) {
	lim := a.opt.Limits
	if !a.opt.Gate.tryEnter() {
		a.refuse(w, http.StatusServiceUnavailable, "concurrency",
			fmt.Sprintf("app %q is at its limit of %d concurrent requests", a.opt.Name, a.opt.Gate.Cap()))
		return
	}
	released := false
	defer func() {
		if !released {
			a.opt.Gate.leave()
		}
	}()
	defer func() {
		if !released {
			a.release()
		}
	}()
	// A client that sends its body slowly holds one of the app's slots
	// meanwhile: the body must arrive within the request's time limit.
	rc := http.NewResponseController(w)
	if lim.Timeout > 0 {
		_ = rc.SetReadDeadline(time.Now().Add(lim.Timeout)) // unsupported only off a real connection
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, lim.MaxRequestBytes))
	if err == nil {
		// Past a failed read the deadline stays, so that net/http does not
		// wait for the rest of the body either.
		_ = rc.SetReadDeadline(time.Time{})
	}
	if err != nil {
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			a.refuse(w, http.StatusRequestEntityTooLarge, "request_size",
				fmt.Sprintf("request body larger than the app's limit of %d bytes", lim.MaxRequestBytes))
			return
		}
		if errors.Is(err, os.ErrDeadlineExceeded) {
			a.refuse(w, http.StatusRequestTimeout, "request_body_timeout",
				fmt.Sprintf("the request's body did not arrive within the app's time limit of %v", lim.Timeout))
			return
		}
		a.log.Info("reading the request body", "err", err)
		http.Error(w, "reading the request body: "+err.Error(), http.StatusBadRequest)
		return
	}

	ctx, cancel := context.WithTimeout(r.Context(), lim.Timeout)
	defer cancel()
	run := &run{app: a, cancel: cancel, logLeft: lim.MaxLogBytes}
	run.out = &cappedBuffer{max: lim.MaxResponseBytes, onOver: func() { run.over.Store(true); cancel() }}
	var exch *hosthttp.Exchange
	var guarded *guardedWriter
	cfg := wasi.Config{
		Args:   []string{a.opt.Name},
		Env:    cgiEnv(r, scriptName, pathInfo, int64(len(body))),
		Stdin:  bytes.NewReader(body),
		Stderr: run.logWriter("stderr"),
	}
	if a.iface == TerraHTTP {
		guarded = &guardedWriter{w: w, header: http.Header{}}
		uri := pathInfo
		if uri == "" {
			uri = "/"
		}
		if r.URL.RawQuery != "" {
			uri += "?" + r.URL.RawQuery
		}
		exch = &hosthttp.Exchange{
			Method: r.Method, URI: uri, Header: r.Header, Body: bytes.NewReader(body),
			Writer: guarded, MaxResponseBytes: lim.MaxResponseBytes,
			Log: func(line string) { run.logLine("log", line) },
		}
		cfg.Stdout = run.logWriter("stdout")
	} else {
		cfg.Stdout = run.out
	}
	mod, err := wasi.New(cfg)
	if err != nil {
		a.fail(w, http.StatusInternalServerError, "starting the app", err)
		return
	}
	gctx := wasi.WithModule(ctx, mod)
	if exch != nil {
		gctx = hosthttp.WithExchange(gctx, exch)
	}

	// The guest runs on a goroutine of its own so that the request ends at
	// its deadline even if the guest does not: the engine and WASI stop a
	// guest when its context ends, and this is the guard should any call
	// fail to.
	done := make(chan error, 1)
	released = true
	goWorker(func() {
		defer a.release()
		defer a.opt.Gate.leave()
		defer mod.Close()
		done <- run.guest(gctx)
	})
	var guestErr error
	select {
	case guestErr = <-done:
	case <-ctx.Done():
		// The engine stops a guest at its context's end; give it a moment
		// before declaring it stuck.
		grace := time.NewTimer(time.Second)
		defer grace.Stop()
		select {
		case guestErr = <-done:
		case <-grace.C:
			guestErr = errStuck
		}
	}
	if guestErr == errStuck {
		if guarded != nil && !guarded.detach() {
			// The head went out: all that is left is to cut the connection.
			a.log.Warn("guest did not stop at its deadline; cutting its response", "timeout", lim.Timeout)
			panic(http.ErrAbortHandler)
		}
		a.limit(w, http.StatusGatewayTimeout, "timeout",
			fmt.Sprintf("app %q did not finish within its time limit of %s", a.opt.Name, lim.Timeout))
		a.log.Warn("guest did not stop at its deadline: its instance lingers until it does")
		return
	}
	if guarded != nil && !guarded.detach() {
		// The guest sent its head: its status is out, and a failure can only
		// cut the body short.
		if guestErr != nil && !isExit0(guestErr) {
			a.log.Warn("request failed after the response started; cutting it", "err", guestErr)
			panic(http.ErrAbortHandler)
		}
		return
	}
	if status, msg, limit := a.classify(ctx, run, guestErr); status != 0 {
		if limit != "" {
			a.limit(w, status, limit, msg)
		} else {
			a.fail(w, status, msg, guestErr)
		}
		return
	}
	if exch != nil {
		guarded.copyHeader()
		w.WriteHeader(exch.Status())
		return
	}
	if guestErr != nil && !isExit0(guestErr) {
		a.log.Info("CGI program failed after a complete response", "err", guestErr)
	}
	if err := writeCGI(w, run.out.Bytes()); err != nil {
		if guestErr != nil {
			a.fail(w, http.StatusInternalServerError, "the app failed", guestErr)
			return
		}
		a.fail(w, http.StatusBadGateway, "the app's CGI response is malformed", err)
	}
}

// errPanic is a guest whose run panicked.
var errPanic = errors.New("internal error")

// errStuck is a guest that did not return after its context ended.
var errStuck = errors.New("guest did not stop at the end of its context")

// classify turns the outcome of a guest into an error answer, or status 0
// if the guest succeeded. limit names an exceeded limit.
func (a *App) classify(ctx context.Context, run *run, err error) (status int, msg, limit string) {
	lim := a.opt.Limits
	switch {
	case run.over.Load() || errors.Is(err, hosthttp.ErrResponseTooLarge):
		return http.StatusBadGateway, fmt.Sprintf("app %q wrote a response larger than its limit of %d bytes", a.opt.Name, lim.MaxResponseBytes), "response_size"
	case errors.Is(ctx.Err(), context.DeadlineExceeded):
		return http.StatusGatewayTimeout, fmt.Sprintf("app %q did not finish within its time limit of %s", a.opt.Name, lim.Timeout), "timeout"
	case errors.Is(err, terra.ErrMemoryLimit):
		return http.StatusServiceUnavailable, fmt.Sprintf("app %q needs more memory than its limit of %d MiB", a.opt.Name, lim.MemoryPages/16), "memory"
	case err == nil || isExit0(err):
		return 0, "", ""
	case run.memoryFull(lim.MemoryPages):
		return http.StatusServiceUnavailable, fmt.Sprintf("app %q failed at its memory limit of %d MiB", a.opt.Name, lim.MemoryPages/16), "memory"
	}
	if exit, ok := errors.AsType[*wasi.ExitError](err); ok {
		if a.iface == CGI && hasHeaderBlock(run.out.Bytes()) {
			return 0, "", "" // a complete CGI response: serve it
		}
		return http.StatusInternalServerError, fmt.Sprintf("app %q exited with code %d", a.opt.Name, exit.Code), ""
	}
	if trap, ok := errors.AsType[*terra.Trap](err); ok {
		return http.StatusInternalServerError, fmt.Sprintf("app %q trapped: %s", a.opt.Name, trap.Kind), ""
	}
	return http.StatusInternalServerError, fmt.Sprintf("app %q failed", a.opt.Name), ""
}

func isExit0(err error) bool {
	exit, ok := errors.AsType[*wasi.ExitError](err)
	return ok && exit.Code == 0
}

// refuse answers a request that a limit turned away before it ran.
func (a *App) refuse(w http.ResponseWriter, status int, limit, msg string) {
	a.limit(w, status, limit, msg)
}

// limit answers a request that exceeded a limit.
func (a *App) limit(w http.ResponseWriter, status int, limit, msg string) {
	a.log.Warn("limit exceeded", "limit", limit, "status", status, "msg", msg)
	a.appLog("limit exceeded: " + msg)
	if a.opt.Observer != nil {
		a.opt.Observer.LimitExceeded(a.opt.Name, limit)
	}
	if status == http.StatusServiceUnavailable {
		w.Header().Set("Retry-After", "1")
	}
	http.Error(w, msg, status)
}

// fail answers a request whose guest failed.
func (a *App) fail(w http.ResponseWriter, status int, msg string, err error) {
	a.log.Warn("request failed", "status", status, "msg", msg, "err", err)
	a.appLog(msg + ": " + errString(err))
	http.Error(w, msg, status)
}

func errString(err error) string {
	if err == nil {
		return "no error"
	}
	return err.Error()
}

func (a *App) appLog(line string) {
	if a.opt.AppLog != nil {
		a.opt.AppLog(line)
	}
}

// run is one request's guest.
type run struct {
	app     *App
	cancel  context.CancelFunc
	out     *cappedBuffer
	over    atomic.Bool
	mu      sync.Mutex
	logLeft int64
	pages   uint32 // the memory's size when the guest ended
}

// guest instantiates the app and runs its _start.
func (r *run) guest(ctx context.Context) (err error) {
	// A panic here (a host function's or the engine's) must not take the
	// server down: the guest runs on a worker, beyond net/http's recovery.
	// The engine is to turn such panics into errors itself (issue 10).
	defer func() {
		if p := recover(); p != nil {
			r.app.log.Error("panic while running a guest", "panic", p, "stack", string(debug.Stack()))
			err = fmt.Errorf("%w: %v", errPanic, p)
		}
	}()
	t := time.Now()
	inst, err := r.app.rt.Instantiate(ctx, r.app.cm, terra.InstanceConfig{})
	if r.app.opt.Observer != nil {
		r.app.opt.Observer.InstanceStart(r.app.opt.Name, time.Since(t))
	}
	if err != nil {
		return err
	}
	defer inst.Close()
	_, err = inst.ExportedFunction("_start").Call(ctx)
	if m := inst.Memory("memory"); m != nil {
		r.pages = m.Pages()
	}
	return err
}

// memoryFull reports whether the guest ended with its memory within a
// megabyte of limit: a failure there is most likely a failed allocation.
func (r *run) memoryFull(limit uint32) bool {
	return limit > 0 && r.pages+16 >= limit
}

// logLine writes a line of the guest's to the app's log, within the
// request's log budget.
func (r *run) logLine(stream, line string) {
	r.mu.Lock()
	if r.logLeft <= 0 {
		r.mu.Unlock()
		return
	}
	r.logLeft -= int64(len(line))
	last := r.logLeft <= 0
	r.mu.Unlock()
	r.app.log.Info(line, "stream", stream)
	r.app.appLog(stream + ": " + line)
	if last {
		r.app.log.Warn("request's log limit reached; dropping the rest", "limit", r.app.opt.Limits.MaxLogBytes)
	}
}

// logWriter returns a writer that logs the guest's lines on stream.
func (r *run) logWriter(stream string) io.Writer {
	return &lineWriter{emit: func(line string) { r.logLine(stream, line) }}
}

// cgiEnv returns the CGI meta-variables of r (RFC 3875, section 4.1).
func cgiEnv(r *http.Request, scriptName, pathInfo string, contentLength int64) []string {
	host, port := splitHostPort(r.Host)
	raddr, rport := splitHostPort(r.RemoteAddr)
	env := []string{
		"GATEWAY_INTERFACE=CGI/1.1",
		"SERVER_SOFTWARE=terrarium",
		"SERVER_PROTOCOL=" + r.Proto,
		"SERVER_NAME=" + host,
		"SERVER_PORT=" + port,
		"REQUEST_METHOD=" + r.Method,
		"REQUEST_URI=" + r.RequestURI,
		"SCRIPT_NAME=" + scriptName,
		"PATH_INFO=" + pathInfo,
		"QUERY_STRING=" + r.URL.RawQuery,
		"REMOTE_ADDR=" + raddr,
		"REMOTE_HOST=" + raddr,
		"REMOTE_PORT=" + rport,
	}
	if contentLength > 0 || r.Header.Get("Content-Length") != "" {
		env = append(env, "CONTENT_LENGTH="+strconv.FormatInt(contentLength, 10))
	}
	if ct := r.Header.Get("Content-Type"); ct != "" {
		env = append(env, "CONTENT_TYPE="+ct)
	}
	if r.TLS != nil {
		env = append(env, "HTTPS=on")
	}
	for k, vs := range r.Header {
		switch k {
		case "Content-Type", "Content-Length", "Proxy": // Proxy: httpoxy
			continue
		}
		env = append(env, "HTTP_"+headerEnvName(k)+"="+joinValues(vs))
	}
	return env
}
