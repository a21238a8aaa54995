package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/terra-runtime/terra/internal/build"
	"github.com/terra-runtime/terra/internal/tartest"
)

// TestMain makes the test binary terrarium itself when TERRARIUM_TEST_MAIN
// is set, so that the end-to-end test runs, restarts and kills real server
// processes.
func TestMain(m *testing.M) {
	build.RunSandboxChild()
	if os.Getenv("TERRARIUM_TEST_MAIN") == "1" {
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
		stop()
		os.Exit(code)
	}
	os.Exit(m.Run())
}

const token = "e2e-token"

// server is a terrarium process.
type server struct {
	cmd    *exec.Cmd
	url    string
	stderr *lockedBuffer
}

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// goCache is the Go build cache that tests share across runs, so that
// Go's standard library for wasip1 compiles once per machine.
func goCache(t *testing.T) string {
	d := filepath.Join(os.TempDir(), "terrarium-test-gocache")
	require.NoError(t, os.MkdirAll(d, 0o755))
	return d
}

func start(t *testing.T, data string) *server {
	t.Helper()
	cmd := exec.Command(os.Args[0], "--addr", "127.0.0.1:0", "--data", data, "--go-cache", goCache(t),
		"--warm=false", "--build-timeout", "3m", "--timeout", "5s")
	cmd.Env = append(os.Environ(), "TERRARIUM_TEST_MAIN=1", "TERRARIUM_TOKEN="+token)
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	s := &server{cmd: cmd, stderr: &lockedBuffer{}}
	cmd.Stderr = s.stderr
	require.NoError(t, cmd.Start())
	t.Cleanup(func() {
		s.kill()
		if t.Failed() {
			t.Logf("server log:\n%s", s.stderr.String())
		}
	})
	line, err := bufio.NewReader(stdout).ReadString('\n')
	require.NoError(t, err, s.stderr.String())
	_, rest, ok := strings.Cut(line, "listening on ")
	require.True(t, ok, line)
	s.url = strings.TrimSuffix(strings.Fields(rest)[0], "/")
	go io.Copy(io.Discard, stdout)
	return s
}

func (s *server) kill() {
	if s.cmd.ProcessState == nil {
		s.cmd.Process.Kill()
		s.cmd.Wait()
	}
}

func (s *server) stop(t *testing.T) {
	require.NoError(t, s.cmd.Process.Signal(syscall.SIGTERM))
	require.NoError(t, s.cmd.Wait())
}

type deployResult struct {
	Status, Error, URL, Language, Interface string
	Version                                 int
}

func (s *server) deploy(t *testing.T, name string, tarball []byte) deployResult {
	t.Helper()
	req, err := http.NewRequest("POST", s.url+"/api/apps/"+name+"/deploy", bytes.NewReader(tarball))
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	require.Equal(t, 200, resp.StatusCode, string(b))
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	var res deployResult
	require.NoError(t, json.Unmarshal([]byte(lines[len(lines)-1]), &res), string(b))
	require.Equal(t, "deployed", res.Status, string(b))
	return res
}

func (s *server) api(t *testing.T, method, path string, v any) {
	t.Helper()
	req, err := http.NewRequest(method, s.url+path, nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	require.Equal(t, 200, resp.StatusCode, string(b))
	require.NoError(t, json.Unmarshal(b, v), string(b))
}

func (s *server) get(t *testing.T, path string) string {
	t.Helper()
	resp, err := http.Get(s.url + path)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	require.Equal(t, 200, resp.StatusCode, string(b))
	return string(b)
}

// apps are the bundled examples, one per language and interface, and what
// each answers to GET /{name}/?name=e2e.
var apps = []struct {
	name, dir, want string
}{
	{"c", "c", "hello from C, e2e: GET /?name=e2e, 0 bytes of body\n"},
	{"go", "go", "hello from Go, e2e: GET /?name=e2e\n"},
	{"rust", "rust", "hello from Rust, e2e: GET /?name=e2e, 0 bytes of body\n"},
	{"cgi-c", "cgi-c", "hello from C over CGI: GET /?name=e2e, 0 bytes of body\n"},
	{"cgi-go", "cgi-go", "hello from Go over CGI: GET /?name=e2e\n"},
	{"cgi-rust", "cgi-rust", "hello from Rust over CGI: GET /?name=e2e, 0 bytes of body\n"},
	{"wasm", "wasm", "hello from C over CGI: GET /?name=e2e, 0 bytes of body\n"},
}

// needToolchains skips without the toolchains (TERRA_REQUIRE_ALL=1 makes
// that a failure).
func needToolchains(t *testing.T) {
	var missing []string
	for _, p := range []string{"clang", "go"} {
		if _, err := exec.LookPath(p); err != nil {
			missing = append(missing, p)
		}
	}
	if _, err := os.Stat("/usr/lib/rustlib/wasm32-wasi"); err != nil {
		missing = append(missing, "rustc with wasm32-wasi")
	}
	if len(missing) > 0 {
		skip(t, fmt.Sprintf("needs %s: install the Debian packages clang lld wasi-libc libclang-rt-14-dev-wasm32 rustc libstd-rust-dev-wasm32", strings.Join(missing, ", ")))
	}
}

// skip skips t, or fails it under TERRA_REQUIRE_ALL=1 (as in CI).
func skip(t *testing.T, msg string) {
	t.Helper()
	if os.Getenv("TERRA_REQUIRE_ALL") == "1" {
		t.Fatal(msg + " (TERRA_REQUIRE_ALL=1 forbids skipping)")
	}
	t.Skip(msg)
}

// TestEndToEnd deploys an app per language from a tar, calls each over
// HTTP, redeploys one, rolls it back, restarts the server and finds
// everything served; then kills the server in the middle of a deploy and
// finds the previous version serving after a restart.
func TestEndToEnd(t *testing.T) {
	needToolchains(t)
	data := t.TempDir()
	s := start(t, data)
	for _, a := range apps {
		tarball := tartest.Dir(t, filepath.Join("../../examples", a.dir))
		if a.dir == "wasm" {
			wasm, err := os.ReadFile("../../examples/wasm/hello.wasm")
			require.NoError(t, err)
			tarball = tartest.Files(t, "hello.wasm", string(wasm))
		}
		res := s.deploy(t, a.name, tarball)
		require.Equal(t, 1, res.Version, a.name)
		require.Equal(t, s.url+"/"+a.name+"/", res.URL)
		require.Equal(t, a.want, s.get(t, "/"+a.name+"/?name=e2e"), a.name)
	}

	// Redeploy the C app with another greeting, then roll it back.
	src, err := os.ReadFile("../../examples/c/hello.c")
	require.NoError(t, err)
	changed := strings.Replace(string(src), "hello from C", "hello again from C", 1)
	res := s.deploy(t, "c", tartest.Dir(t, "../../examples/c", "hello.c", changed))
	require.Equal(t, 2, res.Version)
	require.Equal(t, "hello again from C, e2e: GET /?name=e2e, 0 bytes of body\n", s.get(t, "/c/?name=e2e"))
	var rolled struct{ Version int }
	s.api(t, "POST", "/api/apps/c/rollback", &rolled)
	require.Equal(t, 1, rolled.Version)
	require.Equal(t, apps[0].want, s.get(t, "/c/?name=e2e"))

	// A restart serves everything, the C app at version 1.
	s.stop(t)
	s = start(t, data)
	for _, a := range apps {
		require.Equal(t, a.want, s.get(t, "/"+a.name+"/?name=e2e"), a.name)
	}
	var list []struct {
		Name             string
		Current, Serving int
	}
	s.api(t, "GET", "/api/apps", &list)
	require.Len(t, list, len(apps))
	for _, a := range list {
		want := 1
		require.Equal(t, want, a.Current, a.Name)
		require.Equal(t, want, a.Serving, a.Name)
	}

	// Killed in the middle of a deploy (a build that would run for ever),
	// the server comes back serving the previous version, with no trace of
	// the new one.
	var bomb strings.Builder
	bomb.WriteString("#define A0 1,1\n")
	for i := 1; i <= 40; i++ {
		fmt.Fprintf(&bomb, "#define A%d A%d,A%d\n", i, i-1, i-1)
	}
	bomb.WriteString("int a[] = { A40 };\nint main(void) { return 0; }\n")
	req, err := http.NewRequest("POST", s.url+"/api/apps/c/deploy", bytes.NewReader(tartest.Files(t, "bomb.c", bomb.String())))
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	r := bufio.NewReader(resp.Body)
	for {
		line, err := r.ReadString('\n')
		require.NoError(t, err)
		if strings.HasPrefix(line, "$ ") {
			break // the compiler runs
		}
	}
	s.kill()
	resp.Body.Close()
	s = start(t, data)
	require.Equal(t, apps[0].want, s.get(t, "/c/?name=e2e"))
	var app struct {
		Current  int
		Versions []struct{ Number int }
	}
	s.api(t, "GET", "/api/apps/c", &app)
	require.Equal(t, 1, app.Current)
	require.Len(t, app.Versions, 2)
	tmp, err := os.ReadDir(filepath.Join(data, "store", "blobs", "tmp"))
	require.NoError(t, err)
	require.Empty(t, tmp)
	s.stop(t)
}
