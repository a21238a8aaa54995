// Package build turns an app's sources into a WebAssembly module: it tells
// the language (Detect) and runs its toolchain, GOOS=wasip1 go build, clang
// for wasm32-wasi, or rustc for wasm32-wasi, or takes a ready .wasm.
//
// Builds are hostile input: each runs in its own directory as a child
// process with a time limit, an output limit and a memory limit. Where it
// can (Linux, as root) the child runs in new network, mount, PID, IPC and
// UTS namespaces, with every file system but its build directory and the
// shared Go build cache read-only, as the unprivileged user nobody: no
// network, no writes outside its directory. Elsewhere it says so in the
// build log and runs with the limits alone. The child is this executable
// again: a program that uses Builder must call RunSandboxChild first thing
// in main.
package build

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"

	hosthttp "github.com/terra-runtime/terra/host/http"
)

// Config configures a Builder.
type Config struct {
	// GoCache is the Go build cache shared by every Go build, so that the
	// standard library for wasip1 compiles once. Required for Go builds.
	GoCache string
	// GoProxy is GOPROXY for Go builds; empty means "off" (no module
	// downloads, no network). Any other value gives Go builds network
	// access.
	GoProxy string
	// Timeout bounds a build's wall-clock time; zero means 5 minutes.
	Timeout time.Duration
	// MaxOutputBytes bounds the toolchain's output; zero means 1 MiB.
	MaxOutputBytes int64
	// MaxMemoryBytes bounds each build process's address space; zero means
	// 4 GiB.
	MaxMemoryBytes uint64
	// MaxWasmBytes bounds the built module; zero means 64 MiB.
	MaxWasmBytes int64
	// Isolation is "auto" (namespaces if available, else limits alone,
	// said in the log), "namespaces" (fail without them) or "none".
	Isolation string
	// WorkDir holds the builds' temporary directories; empty means
	// os.TempDir(). With namespaces, the unprivileged build user must be
	// able to reach it.
	WorkDir string
}

// Builder builds apps. It is safe for concurrent use.
type Builder struct {
	cfg Config

	once  sync.Once
	tools tools

	mu    sync.Mutex
	owned map[string]bool // shared directories given to the build user
}

// New returns a Builder.
func New(cfg Config) *Builder {
	if cfg.Timeout == 0 {
		cfg.Timeout = 5 * time.Minute
	}
	if cfg.MaxOutputBytes == 0 {
		cfg.MaxOutputBytes = 1 << 20
	}
	if cfg.MaxMemoryBytes == 0 {
		cfg.MaxMemoryBytes = 4 << 30
	}
	if cfg.MaxWasmBytes == 0 {
		cfg.MaxWasmBytes = 64 << 20
	}
	if cfg.Isolation == "" {
		cfg.Isolation = "auto"
	}
	return &Builder{cfg: cfg}
}

// Error is a build that failed: the toolchain's complaint, or a limit.
type Error struct {
	Reason string
}

func (e *Error) Error() string { return "build: " + e.Reason }

// ToolchainError reports a toolchain that is not installed, naming what to
// install.
type ToolchainError struct {
	Language Language
	Missing  string // what is missing
	Install  string // the Debian packages that provide it
}

func (e *ToolchainError) Error() string {
	return fmt.Sprintf("build: %s apps need %s: install the Debian package(s) %s", e.Language, e.Missing, e.Install)
}

// Result is a built module.
type Result struct {
	Language Language
	Wasm     []byte
	// Isolation says how the build ran: "namespaces", "limits only" or
	// "none" (a ready .wasm).
	Isolation string
}

// Workspace is the directory of one build: the sources go in Src.
type Workspace struct {
	Dir string
}

// NewWorkspace makes a fresh directory for a build in Config.WorkDir.
func (b *Builder) NewWorkspace() (*Workspace, error) {
	dir, err := os.MkdirTemp(b.cfg.WorkDir, "terrarium-build-")
	if err != nil {
		return nil, fmt.Errorf("build: %w", err)
	}
	w := &Workspace{Dir: dir}
	if err := os.Mkdir(w.Src(), 0o755); err != nil {
		w.Remove()
		return nil, fmt.Errorf("build: %w", err)
	}
	return w, nil
}

// Src is where the app's sources go.
func (w *Workspace) Src() string { return filepath.Join(w.Dir, "src") }

// Remove deletes the workspace.
func (w *Workspace) Remove() error { return os.RemoveAll(w.Dir) }

// Build builds the app whose sources are in w.Src(), writing the
// toolchain's output to log.
func (b *Builder) Build(ctx context.Context, w *Workspace, log io.Writer) (Result, error) {
	dir := w.Dir
	root, err := Root(w.Src())
	if err != nil {
		return Result{}, err
	}
	lang, err := Detect(root)
	if err != nil {
		return Result{}, err
	}
	res := Result{Language: lang, Isolation: "none"}
	fmt.Fprintf(log, "terrarium: building a %s app\n", lang)
	if lang == Wasm {
		res.Wasm, err = b.readWasm(root)
		return res, err
	}
	b.once.Do(func() { b.tools = findTools() })
	out := filepath.Join(dir, "out", "app.wasm")
	for _, d := range []string{"out", "tmp", "home", "gocache"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o755); err != nil {
			return res, err
		}
	}
	cmd, err := b.command(lang, root, dir, out)
	if err != nil {
		return res, err
	}
	fmt.Fprintf(log, "$ %s\n", strings.Join(cmd.args, " "))
	res.Isolation, err = b.run(ctx, cmd, dir, log)
	if err != nil {
		return res, err
	}
	res.Wasm, err = readCapped(out, b.cfg.MaxWasmBytes)
	if errors.Is(err, fs.ErrNotExist) {
		return res, &Error{Reason: "the toolchain produced no module"}
	}
	return res, err
}

// readWasm reads the one .wasm file at root.
func (b *Builder) readWasm(root string) ([]byte, error) {
	matches, err := filepath.Glob(filepath.Join(root, "*.wasm"))
	if err != nil || len(matches) != 1 {
		return nil, &Error{Reason: "expected one .wasm file"}
	}
	return readCapped(matches[0], b.cfg.MaxWasmBytes)
}

func readCapped(p string, max int64) ([]byte, error) {
	f, err := os.Open(p)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > max {
		return nil, &Error{Reason: fmt.Sprintf("the module is larger than the limit of %d bytes", max)}
	}
	return data, nil
}

// command is a toolchain invocation.
type command struct {
	args []string
	env  []string
	dir  string
	// binds are directories mounted into the build's directory: src at
	// dst, writable. Without namespaces, dst is a symbolic link to src.
	binds []bind
	// network keeps the host's network (a Go build with a module proxy).
	network bool
}

// bind mounts Src at Dst.
type bind struct {
	Src string `json:"src"`
	Dst string `json:"dst"`
}

// baseEnv is the environment of every toolchain: nothing of the server's.
func baseEnv(dir string) []string {
	return []string{
		"PATH=/usr/local/bin:/usr/bin:/bin",
		"HOME=" + filepath.Join(dir, "home"),
		"TMPDIR=" + filepath.Join(dir, "tmp"),
		"LANG=C.UTF-8",
	}
}

func (b *Builder) command(lang Language, root, dir, out string) (*command, error) {
	t := b.tools
	switch lang {
	case C:
		if err := t.cErr; err != nil {
			return nil, err
		}
		files, err := cFiles(root)
		if err != nil {
			return nil, err
		}
		inc := filepath.Join(dir, "lib", "c")
		if err := writeLibrary(inc, "c/terra_http.h"); err != nil {
			return nil, err
		}
		args := []string{t.clang, "--target=wasm32-wasi", "--sysroot=/usr", "-O2", "-I" + inc, "-Wl,--strip-debug", "-o", out}
		args = append(args, files...)
		args = append(args, "-lm")
		return &command{args: args, env: baseEnv(dir), dir: root}, nil
	case Rust:
		if err := t.rustErr; err != nil {
			return nil, err
		}
		main := filepath.Join(root, "src", "main.rs")
		if !fileExists(main) {
			main = filepath.Join(root, "main.rs")
		}
		if err := addRustLibrary(main); err != nil {
			return nil, err
		}
		args := []string{t.rustc, "--target", "wasm32-wasi", "--edition", "2021", "-C", "opt-level=2", "-C", "strip=debuginfo", "-o", out, main}
		return &command{args: args, env: baseEnv(dir), dir: root}, nil
	case Go:
		if err := t.goErr; err != nil {
			return nil, err
		}
		if b.cfg.GoCache == "" {
			return nil, &Error{Reason: "no Go build cache configured"}
		}
		if err := goWorkspace(root, dir); err != nil {
			return nil, err
		}
		proxy := b.cfg.GoProxy
		if proxy == "" {
			proxy = "off"
		}
		env := append(baseEnv(dir),
			"GOOS=wasip1", "GOARCH=wasm", "CGO_ENABLED=0", "GOTOOLCHAIN=local",
			"GOROOT="+t.goroot, "GOCACHE="+filepath.Join(dir, "gocache"), "GOPATH="+filepath.Join(dir, "gopath"),
			"GOPROXY="+proxy, "GOFLAGS=-buildvcs=false", "GOWORK="+filepath.Join(dir, "go.work"),
			"GOTELEMETRY=off")
		args := []string{t.gobin, "build", "-trimpath", "-o", out, "."}
		return &command{args: args, env: env, dir: root, binds: []bind{{b.cfg.GoCache, filepath.Join(dir, "gocache")}},
			network: b.cfg.GoProxy != ""}, nil
	}
	return nil, fmt.Errorf("build: unknown language %q", lang)
}

// writeLibrary copies a guest library file into dir.
func writeLibrary(dir, name string) error {
	data, err := fs.ReadFile(hosthttp.Library(), name)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, filepath.Base(name)), data, 0o644)
}

// addRustLibrary puts terra_http.rs beside main if main declares the
// module and the app does not bring its own.
func addRustLibrary(main string) error {
	src, err := os.ReadFile(main)
	if err != nil {
		return err
	}
	dir := filepath.Dir(main)
	if !bytes.Contains(src, []byte("mod terra_http;")) || fileExists(filepath.Join(dir, "terra_http.rs")) {
		return nil
	}
	if _, err := os.Lstat(filepath.Join(dir, "terra_http.rs")); err == nil {
		return &Error{Reason: "terra_http.rs is not a regular file"}
	}
	return writeLibrary(dir, "rust/terra_http.rs")
}

// goWorkspace makes the app a Go module if it is not one, and a workspace
// in dir/go.work that adds the terrahttp guest library, so that apps
// import it without downloading anything.
func goWorkspace(root, dir string) error {
	if !fileExists(filepath.Join(root, "go.mod")) {
		if err := os.WriteFile(filepath.Join(root, "go.mod"), []byte("module app\n\ngo 1.26\n"), 0o644); err != nil {
			return err
		}
	}
	lib := filepath.Join(dir, "lib", "terrahttp")
	for _, f := range []string{"terrahttp/terrahttp.go", "terrahttp/host_wasip1.go"} {
		if err := writeLibrary(lib, f); err != nil {
			return err
		}
	}
	if err := os.WriteFile(filepath.Join(lib, "go.mod"), []byte("module "+hosthttp.GoPackage+"\n\ngo 1.26\n"), 0o644); err != nil {
		return err
	}
	work := fmt.Sprintf("go 1.26\n\nuse (\n\t%s\n\t%s\n)\n", root, lib)
	return os.WriteFile(filepath.Join(dir, "go.work"), []byte(work), 0o644)
}

// tools are the toolchains found on this machine, or why not.
type tools struct {
	clang, rustc, gobin, goroot string
	cErr, rustErr, goErr        error
}

func findTools() tools {
	var t tools
	var err error
	if t.clang, err = exec.LookPath("clang"); err != nil {
		t.cErr = &ToolchainError{C, "clang", "clang lld wasi-libc libclang-rt-14-dev-wasm32"}
	} else if _, err := exec.LookPath("wasm-ld"); err != nil {
		t.cErr = &ToolchainError{C, "wasm-ld", "lld"}
	} else if !dirExists("/usr/include/wasm32-wasi") {
		t.cErr = &ToolchainError{C, "the WASI C library", "wasi-libc"}
	} else if m, _ := filepath.Glob("/usr/lib/llvm-*/lib/clang/*/lib/wasi/libclang_rt.builtins-wasm32.a"); len(m) == 0 {
		t.cErr = &ToolchainError{C, "compiler-rt for wasm32", "libclang-rt-14-dev-wasm32"}
	}
	// Debian's rustc has the wasm32-wasi standard library; a rustup rustc
	// earlier on PATH may not.
	t.rustc = "/usr/bin/rustc"
	if !fileExists(t.rustc) {
		t.rustErr = &ToolchainError{Rust, "rustc", "rustc libstd-rust-dev-wasm32"}
	} else if !dirExists("/usr/lib/rustlib/wasm32-wasi") {
		t.rustErr = &ToolchainError{Rust, "the Rust standard library for wasm32-wasi", "libstd-rust-dev-wasm32"}
	}
	if t.gobin, err = exec.LookPath("go"); err != nil {
		t.goErr = &ToolchainError{Go, "Go 1.26 or later", "golang-go (if recent enough)"}
	} else if out, err := exec.Command(t.gobin, "env", "GOROOT").Output(); err != nil {
		t.goErr = &ToolchainError{Go, "a working Go", "golang-go"}
	} else {
		t.goroot = strings.TrimSpace(string(out))
		if p, err := filepath.EvalSymlinks(t.gobin); err == nil {
			t.gobin = p
		}
	}
	return t
}

func dirExists(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.IsDir()
}
