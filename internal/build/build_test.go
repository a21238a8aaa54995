package build

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/terra-runtime/terra/wasm"
)

func TestMain(m *testing.M) {
	RunSandboxChild()
	// Probes that the sandbox tests run inside the sandbox.
	switch {
	case os.Getenv("PROBE_DIAL") != "":
		c, err := net.DialTimeout("tcp", os.Getenv("PROBE_DIAL"), 2*time.Second)
		if err != nil {
			fmt.Println("dial failed:", err)
			os.Exit(3)
		}
		c.Close()
		fmt.Println("dial succeeded")
		os.Exit(0)
	case os.Getenv("PROBE_ALLOC") != "":
		n, _ := strconv.Atoi(os.Getenv("PROBE_ALLOC"))
		b := make([]byte, n)
		for i := 0; i < n; i += 4096 {
			b[i] = 1
		}
		fmt.Println("allocated", len(b))
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// requireTool skips (fails with TERRA_REQUIRE_ALL=1) if err says a
// toolchain is missing.
func requireTool(t *testing.T, err error) {
	t.Helper()
	if _, ok := err.(*ToolchainError); ok && os.Getenv("TERRA_REQUIRE_ALL") != "1" {
		t.Skip(err)
	}
}

// sources writes files (name, content pairs) into a new workspace.
func sources(t *testing.T, files ...string) *Workspace {
	w, err := New(Config{}).NewWorkspace()
	require.NoError(t, err)
	t.Cleanup(func() { w.Remove() })
	for i := 0; i+1 < len(files); i += 2 {
		p := filepath.Join(w.Src(), files[i])
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, []byte(files[i+1]), 0o644))
	}
	return w
}

// testGoCache is the Go build cache that this package's builds share
// across tests and runs, so that Go's standard library for wasip1
// compiles once per machine.
func testGoCache(t *testing.T) string {
	d := filepath.Join(os.TempDir(), "terrarium-test-gocache")
	require.NoError(t, os.MkdirAll(d, 0o755))
	return d
}

func TestDetect(t *testing.T) {
	cases := []struct {
		files []string
		lang  Language
		err   string
	}{
		{[]string{"go.mod", "module x\n", "main.go", "package main\n"}, Go, ""},
		{[]string{"main.go", "// comment\npackage main\n"}, Go, ""},
		{[]string{"lib.go", "package lib\n"}, "", "cannot tell the language"},
		{[]string{"hello.c", "", "util/x.c", ""}, C, ""},
		{[]string{"src/util.c", ""}, C, ""},
		{[]string{"src/main.rs", "fn main(){}"}, Rust, ""},
		{[]string{"main.rs", "fn main(){}"}, Rust, ""},
		{[]string{"app.wasm", ""}, Wasm, ""},
		{[]string{"a.wasm", "", "b.wasm", ""}, "", "more than one .wasm"},
		{[]string{"main.rs", "", "x.c", ""}, "", "more than one kind of app (rust, c)"},
		{[]string{"README", ""}, "", "cannot tell the language"},
	}
	for _, c := range cases {
		w := sources(t, c.files...)
		lang, err := Detect(w.Src())
		if c.err != "" {
			require.ErrorContains(t, err, c.err, "%v", c.files)
			continue
		}
		require.NoError(t, err, "%v", c.files)
		require.Equal(t, c.lang, lang, "%v", c.files)
	}
	// A tar of a project's directory: its one directory is the root.
	w := sources(t, "proj/main.rs", "fn main(){}")
	root, err := Root(w.Src())
	require.NoError(t, err)
	require.Equal(t, filepath.Join(w.Src(), "proj"), root)
}

func build(t *testing.T, b *Builder, w *Workspace) (Result, string, error) {
	t.Helper()
	var log bytes.Buffer
	res, err := b.Build(context.Background(), w, &log)
	requireTool(t, err)
	return res, log.String(), err
}

// valid checks that b is a WebAssembly module exporting _start.
func valid(t *testing.T, b []byte) {
	t.Helper()
	m, err := wasm.Parse(b, wasm.Features2_0)
	require.NoError(t, err)
	found := false
	for _, e := range m.Exports {
		found = found || e.Name == "_start"
	}
	require.True(t, found, "no _start export")
}

func TestBuildLanguages(t *testing.T) {
	b := New(Config{GoCache: testGoCache(t)})
	cases := []struct {
		lang  Language
		files []string
	}{
		{C, []string{"main.c", "#include \"terra_http.h\"\n#include \"util.h\"\nint main(void){ th_write_str(GREETING); return 0; }\n",
			"util.h", "#define GREETING \"hi\"\n"}},
		{Rust, []string{"src/main.rs", "mod terra_http;\nfn main(){ terra_http::log(\"hi\"); }\n"}},
		{Go, []string{"main.go", "package main\n\nimport (\n\t\"net/http\"\n\n\t\"github.com/terra-runtime/terra/host/http/terrahttp\"\n)\n\nfunc main() { terrahttp.Serve(http.NotFoundHandler()) }\n"}},
	}
	for _, c := range cases {
		t.Run(string(c.lang), func(t *testing.T) {
			res, log, err := build(t, b, sources(t, c.files...))
			require.NoError(t, err, log)
			require.Equal(t, c.lang, res.Language)
			valid(t, res.Wasm)
			if isolationUnavailable() == "" {
				require.Equal(t, "namespaces", res.Isolation)
			}
		})
	}
	t.Run("wasm", func(t *testing.T) {
		ready, err := os.ReadFile("../../testdata/programs/c/hello.wasm")
		require.NoError(t, err)
		res, _, err := build(t, b, sources(t, "hello.wasm", string(ready)))
		require.NoError(t, err)
		require.Equal(t, ready, res.Wasm)
	})
	t.Run("compile error", func(t *testing.T) {
		_, log, err := build(t, b, sources(t, "main.c", "int main(void) { return nope; }\n"))
		require.ErrorContains(t, err, "the toolchain failed")
		require.Contains(t, log, "use of undeclared identifier 'nope'")
	})
}

// TestHostileBuilds: a build that runs too long or writes too much is
// stopped with a message that says so.
func TestHostileBuilds(t *testing.T) {
	b := New(Config{Timeout: 2 * time.Second, MaxOutputBytes: 64 << 10})
	// Each level doubles the tokens: 2^40 of them never finish.
	var bomb strings.Builder
	bomb.WriteString("#define A0 1,1\n")
	for i := 1; i <= 40; i++ {
		fmt.Fprintf(&bomb, "#define A%d A%d,A%d\n", i, i-1, i-1)
	}
	bomb.WriteString("int a[] = { A40 };\nint main(void) { return 0; }\n")
	_, _, err := build(t, b, sources(t, "bomb.c", bomb.String()))
	require.ErrorContains(t, err, "the build ran past its time limit of 2s and was stopped")

	var flood strings.Builder
	flood.WriteString("#define W _Pragma(\"GCC warning \\\"flooding the build log with warnings\\\"\")\n")
	flood.WriteString("#define W4 W W W W\n#define W16 W4 W4 W4 W4\n#define W64 W16 W16 W16 W16\n#define W256 W64 W64 W64 W64\n")
	flood.WriteString("#define W1K W256 W256 W256 W256\n#define W4K W1K W1K W1K W1K\n")
	flood.WriteString("W4K W4K W4K W4K\nint main(void) { return 0; }\n")
	_, log, err := build(t, b, sources(t, "flood.c", flood.String()))
	require.ErrorContains(t, err, "the build wrote more than its output limit of 65536 bytes and was stopped")
	require.LessOrEqual(t, len(log), 64<<10+1024)

	b.once.Do(func() {})
	b.tools.rustErr = &ToolchainError{Rust, "rustc", "rustc libstd-rust-dev-wasm32"}
	_, err = b.Build(context.Background(), sources(t, "main.rs", "fn main(){}"), &bytes.Buffer{})
	require.EqualError(t, err, "build: rust apps need rustc: install the Debian package(s) rustc libstd-rust-dev-wasm32")
}

// sandbox runs args in the sandbox with small limits and returns its
// output.
func sandbox(t *testing.T, isolate bool, timeout time.Duration, env []string, args ...string) (string, error) {
	dir, err := os.MkdirTemp("", "terrarium-sandbox-test-")
	require.NoError(t, err)
	t.Cleanup(func() { os.RemoveAll(dir) })
	spec := &sandboxSpec{Args: args, Env: env, Dir: dir, Writable: []string{dir}, Isolate: isolate,
		MemoryBytes: 2 << 30, CPUSeconds: 10, FileBytes: 1 << 20, UID: nobody}
	if isolate {
		require.NoError(t, chownTree(dir, nobody))
	}
	var log bytes.Buffer
	err = runSandboxed(context.Background(), spec, &log, timeout, 64<<10)
	return log.String(), err
}

// probe copies this test executable where the build user can run it.
func probe(t *testing.T) string {
	self, err := os.Executable()
	require.NoError(t, err)
	b, err := os.ReadFile(self)
	require.NoError(t, err)
	dir, err := os.MkdirTemp("", "terrarium-probe-")
	require.NoError(t, err)
	t.Cleanup(func() { os.RemoveAll(dir) })
	require.NoError(t, os.Chmod(dir, 0o755))
	p := filepath.Join(dir, "probe")
	require.NoError(t, os.WriteFile(p, b, 0o755))
	return p
}

// TestSandbox checks the isolation itself with ordinary programs: no
// writes outside the build's directory, no network, bounded memory, time
// and output.
func TestSandbox(t *testing.T) {
	if why := isolationUnavailable(); why != "" {
		if os.Getenv("TERRA_REQUIRE_ALL") == "1" {
			t.Fatalf("build isolation unavailable: %s (TERRA_REQUIRE_ALL=1 runs as root)", why)
		}
		t.Skip("build isolation unavailable:", why)
	}
	sh, err := exec.LookPath("sh")
	require.NoError(t, err)
	outside := filepath.Join(t.TempDir(), "outside")
	out, err := sandbox(t, true, 10*time.Second, nil, sh, "-c",
		"echo in > inside && cat inside && id -u && echo out > "+outside+"; echo x > /etc/terrarium-probe; hostname")
	require.NoError(t, err, out)
	require.Contains(t, out, "in\n65534\n")
	require.Contains(t, out, "Read-only file system")
	require.Contains(t, out, "terrarium-build")
	_, err = os.Stat(outside)
	require.ErrorIs(t, err, os.ErrNotExist, "the sandbox wrote outside its directory")
	_, err = os.Stat("/etc/terrarium-probe")
	require.ErrorIs(t, err, os.ErrNotExist)

	// No network: a listener on the host's loopback is out of reach.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer ln.Close()
	accepted := make(chan struct{}, 1)
	go func() {
		if c, err := ln.Accept(); err == nil {
			c.Close()
			accepted <- struct{}{}
		}
	}()
	self := probe(t)
	out, err = sandbox(t, true, 10*time.Second, []string{"PROBE_DIAL=" + ln.Addr().String()}, self)
	require.Error(t, err)
	require.Contains(t, out, "dial failed")
	// Without isolation the same probe connects: the probe works.
	out, err = sandbox(t, false, 10*time.Second, []string{"PROBE_DIAL=" + ln.Addr().String()}, self)
	require.NoError(t, err, out)
	<-accepted

	// Memory: 4 GiB do not fit in an address space of 2 GiB.
	out, err = sandbox(t, true, 10*time.Second, []string{"PROBE_ALLOC=" + strconv.Itoa(4<<30)}, self)
	require.Error(t, err)
	require.Contains(t, out, "out of memory")
	out, err = sandbox(t, true, 10*time.Second, []string{"PROBE_ALLOC=" + strconv.Itoa(64<<20)}, self)
	require.NoError(t, err, out)

	_, err = sandbox(t, true, time.Second, nil, sh, "-c", "sleep 100")
	require.ErrorContains(t, err, "time limit of 1s")
	_, err = sandbox(t, true, 10*time.Second, nil, "/usr/bin/yes")
	require.ErrorContains(t, err, "output limit of 65536 bytes")
}

// TestGoProxy: with a module proxy configured, Go builds reach it (and
// only then have a network); without one, module downloads are off.
func TestGoProxy(t *testing.T) {
	var hits atomic.Int32
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		http.NotFound(w, r)
	}))
	defer proxy.Close()
	files := []string{
		"go.mod", "module app\n\ngo 1.26\n\nrequire example.com/dep v1.0.0\n",
		"go.sum", "example.com/dep v1.0.0 h1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\nexample.com/dep v1.0.0/go.mod h1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n",
		"main.go", "package main\n\nimport _ \"example.com/dep\"\n\nfunc main() {}\n",
	}
	_, log, err := build(t, New(Config{GoCache: testGoCache(t)}), sources(t, files...))
	require.Error(t, err)
	require.Contains(t, log, "GOPROXY=off")
	require.Zero(t, hits.Load())

	_, log, err = build(t, New(Config{GoCache: testGoCache(t), GoProxy: proxy.URL}), sources(t, files...))
	require.Error(t, err)
	require.Positive(t, hits.Load(), log)
	if isolationUnavailable() == "" {
		require.Contains(t, log, "Go builds have network access")
	}
}
