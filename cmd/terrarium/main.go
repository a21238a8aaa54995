// Command terrarium is the edge platform: upload an app's sources as a tar,
// it builds them (Go, C, Rust, or a ready .wasm) to WebAssembly and serves
// the app under /{name}/, every request in a fresh instance. The web
// editor at / writes, deploys and calls apps from a browser.
//
//	terrarium [--addr 127.0.0.1:8080] [--data ./terrarium-data] [flags]
//
// The admin token for the deploy API comes from TERRARIUM_TOKEN, or is
// generated at first start, kept in the data directory and printed.
package main

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"strings"
	"syscall"
	"time"

	"github.com/terra-runtime/terra"
	"github.com/terra-runtime/terra/internal/appstore"
	"github.com/terra-runtime/terra/internal/build"
	"github.com/terra-runtime/terra/internal/platform"
	"github.com/terra-runtime/terra/internal/serve"
)

func main() {
	build.RunSandboxChild()
	if os.Getenv("GOGC") == "" {
		// Requests allocate a few kilobytes each over a small live heap:
		// collecting less often takes a quarter to a third off a C hello
		// world's request (BenchmarkServe with GOGC=100 against 400).
		debug.SetGCPercent(400)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

// defaultTier is the JIT where terra has one: the pipeline compiles an
// app to machine code when it deploys it, so that even the first requests,
// each in a fresh instance, run native code, and no compiler competes with
// requests for the processors. Once its hot functions have compiled, the
// tiered engine serves as fast (bench/peers/edge, -tier tiered).
func defaultTier() terra.Tier {
	if terra.BestTier() == terra.TierInterp {
		return terra.TierInterp
	}
	return terra.TierJIT
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("terrarium", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:8080", "address to listen on")
	data := fs.String("data", "./terrarium-data", "data directory: apps, versions, blobs, caches")
	tier := fs.String("tier", string(defaultTier()), "execution tier: interp, jit or tiered")
	timeout := fs.Duration("timeout", serve.DefaultLimits.Timeout, "an app request's default time limit")
	memoryMB := fs.Uint("memory-mb", uint(serve.DefaultLimits.MemoryPages/16), "an app's default memory limit, in MiB")
	maxResponse := fs.Int64("max-response", serve.DefaultLimits.MaxResponseBytes, "an app's default response size limit, in bytes")
	maxRequest := fs.Int64("max-request", serve.DefaultLimits.MaxRequestBytes, "the request body size limit, in bytes")
	concurrency := fs.Int("concurrency", 64, "an app's default limit of concurrent requests")
	inFlight := fs.Int("max-in-flight", 512, "the limit of requests in flight across all apps")
	buildTimeout := fs.Duration("build-timeout", 5*time.Minute, "a build's time limit")
	buildMemory := fs.Uint64("build-memory-mb", 4096, "a build process's address-space limit, in MiB")
	isolation := fs.String("build-isolation", "auto", "build isolation: auto, namespaces or none")
	goCache := fs.String("go-cache", "", "the Go build cache shared by builds (default DATA/cache/go-build)")
	goProxy := fs.String("goproxy", "", "GOPROXY for Go builds; empty keeps module downloads (and builds' network) off")
	maxBuilds := fs.Int("max-builds", 2, "builds that run at once")
	warm := fs.Bool("warm", true, "build a Go program at start so that Go's standard library for wasip1 is in the cache")
	editor := fs.Bool("editor", true, "serve the web editor at / (and sandbox apps' pages, which share its origin)")
	logFormat := fs.String("log-format", "text", "log format: text or json")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	var handler slog.Handler = slog.NewTextHandler(stderr, nil)
	if *logFormat == "json" {
		handler = slog.NewJSONHandler(stderr, nil)
	}
	log := slog.New(handler)
	fail := func(err error) int {
		fmt.Fprintln(stderr, "terrarium:", err)
		return 1
	}

	if err := os.MkdirAll(*data, 0o700); err != nil {
		return fail(err)
	}
	token, generated, err := adminToken(*data)
	if err != nil {
		return fail(err)
	}
	store, err := appstore.Open(filepath.Join(*data, "store"))
	if err != nil {
		return fail(err)
	}
	defer store.Close()
	if *goCache == "" {
		*goCache = filepath.Join(*data, "cache", "go-build")
	}
	work, err := buildDir(*data)
	if err != nil {
		return fail(err)
	}
	if *goCache, err = filepath.Abs(*goCache); err != nil {
		return fail(err)
	}
	lim := serve.Limits{
		Timeout:          *timeout,
		MemoryPages:      uint32(*memoryMB * 16),
		MaxRequestBytes:  *maxRequest,
		MaxResponseBytes: *maxResponse,
		MaxLogBytes:      serve.DefaultLimits.MaxLogBytes,
	}
	srv, err := platform.New(ctx, platform.Config{
		Store: store,
		Build: build.Config{
			GoCache:        *goCache,
			GoProxy:        *goProxy,
			Timeout:        *buildTimeout,
			MaxMemoryBytes: *buildMemory << 20,
			Isolation:      *isolation,
			WorkDir:        work,
		},
		Token:       token,
		Tier:        terra.Tier(*tier),
		CacheDir:    filepath.Join(*data, "codecache"),
		Limits:      lim,
		Concurrency: *concurrency,
		MaxInFlight: *inFlight,
		MaxBuilds:   *maxBuilds,
		Logger:      log,
		Editor:      *editor,
	})
	if err != nil {
		return fail(err)
	}
	defer srv.Close()

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fail(err)
	}
	url := "http://" + ln.Addr().String()
	fmt.Fprintf(stdout, "terrarium listening on %s/ (data in %s)\n", url, *data)
	if generated {
		fmt.Fprintf(stdout, "admin token (kept in %s): %s\n", filepath.Join(*data, "token"), token)
	} else if os.Getenv("TERRARIUM_TOKEN") == "" {
		fmt.Fprintf(stdout, "admin token: in %s\n", filepath.Join(*data, "token"))
	}
	if *editor {
		fmt.Fprintf(stdout, "web editor: %s/\n", url)
	}
	fmt.Fprintf(stdout, "deploy: tar -C examples/c -c . | curl -H \"Authorization: Bearer $TOKEN\" --data-binary @- %s/api/apps/hello/deploy\n", url)
	if *warm {
		go srv.WarmGo(ctx)
	}

	hs := &http.Server{Handler: srv.Handler(), ReadHeaderTimeout: 10 * time.Second, ErrorLog: slog.NewLogLogger(handler, slog.LevelWarn)}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		return fail(err)
	case <-ctx.Done():
	}
	log.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := hs.Shutdown(sctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		log.Warn("shutdown", "err", err)
	}
	return 0
}

// adminToken returns TERRARIUM_TOKEN, or the token kept in the data
// directory, made at first start (generated reports that).
func adminToken(data string) (token string, generated bool, err error) {
	if t := os.Getenv("TERRARIUM_TOKEN"); t != "" {
		return t, false, nil
	}
	p := filepath.Join(data, "token")
	b, err := os.ReadFile(p)
	if err == nil {
		if t := strings.TrimSpace(string(b)); t != "" {
			return t, false, nil
		}
	} else if !errors.Is(err, os.ErrNotExist) {
		return "", false, err
	}
	var raw [24]byte
	rand.Read(raw[:])
	token = hex.EncodeToString(raw[:])
	if err := os.WriteFile(p, []byte(token+"\n"), 0o600); err != nil {
		return "", false, err
	}
	return token, true, nil
}

// buildDir returns the directory for this data directory's builds, in
// the system's temporary directory (which the unprivileged build user can
// reach, unlike, often, the data directory), after removing what builds
// of an earlier run that was killed left there.
func buildDir(data string) (string, error) {
	abs, err := filepath.Abs(data)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256([]byte(abs))
	dir := filepath.Join(os.TempDir(), "terrarium-builds-"+hex.EncodeToString(sum[:6]))
	if err := os.RemoveAll(dir); err != nil {
		return "", err
	}
	if err := os.Mkdir(dir, 0o711); err != nil {
		return "", err
	}
	return dir, os.Chmod(dir, 0o711)
}
