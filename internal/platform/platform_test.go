package platform

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/terra-runtime/terra"
	"github.com/terra-runtime/terra/internal/appstore"
	"github.com/terra-runtime/terra/internal/archive"
	"github.com/terra-runtime/terra/internal/build"
	"github.com/terra-runtime/terra/internal/tartest"
)

func TestMain(m *testing.M) {
	build.RunSandboxChild()
	os.Exit(m.Run())
}

const token = "test-token"

type testServer struct {
	*Server
	url     string
	workDir string
}

func newServer(t *testing.T, tweak func(*Config)) *testServer {
	t.Helper()
	store, err := appstore.Open(t.TempDir())
	require.NoError(t, err)
	t.Cleanup(func() { store.Close() })
	work, err := os.MkdirTemp("", "terrarium-platform-test-")
	require.NoError(t, err)
	require.NoError(t, os.Chmod(work, 0o711)) // the build user passes through
	t.Cleanup(func() { os.RemoveAll(work) })
	cfg := Config{Store: store, Token: token, Build: build.Config{WorkDir: work}}
	if tweak != nil {
		tweak(&cfg)
	}
	s, err := New(context.Background(), cfg)
	require.NoError(t, err)
	t.Cleanup(s.Close)
	hs := httptest.NewServer(s.Handler())
	t.Cleanup(hs.Close)
	return &testServer{Server: s, url: hs.URL, workDir: work}
}

// call makes an API call with the token and returns status and body.
func (s *testServer) call(t *testing.T, method, path string, body []byte) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, s.url+path, bytes.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, string(b)
}

// deploy uploads a tar and returns the result line of a build, or the
// status and body of a refusal.
func (s *testServer) deploy(t *testing.T, name string, tarball []byte) (DeployResult, int, string) {
	t.Helper()
	status, body := s.call(t, "POST", "/api/apps/"+name+"/deploy", tarball)
	var res DeployResult
	if status == http.StatusOK {
		lines := strings.Split(strings.TrimSpace(body), "\n")
		require.NoError(t, json.Unmarshal([]byte(lines[len(lines)-1]), &res), body)
	}
	return res, status, body
}

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	code, _, body := getWithHeader(t, url)
	return code, body
}

func getWithHeader(t *testing.T, url string) (int, http.Header, string) {
	t.Helper()
	resp, err := http.Get(url)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, resp.Header, string(b)
}

func readyWasm(t *testing.T) []byte {
	b, err := os.ReadFile("../../examples/wasm/hello.wasm")
	require.NoError(t, err)
	return b
}

func TestAuth(t *testing.T) {
	s := newServer(t, nil)
	for _, c := range []struct{ method, path string }{
		{"POST", "/api/apps/x/deploy"}, {"POST", "/api/apps/x/rollback"}, {"GET", "/api/apps"},
		{"GET", "/api/apps/x"}, {"DELETE", "/api/apps/x"}, {"GET", "/api/apps/x/versions/1/log"},
		{"GET", "/api/examples"},
	} {
		for _, auth := range []string{"", "Bearer wrong", token} {
			req, _ := http.NewRequest(c.method, s.url+c.path, nil)
			if auth != "" {
				req.Header.Set("Authorization", auth)
			}
			resp, err := http.DefaultClient.Do(req)
			require.NoError(t, err)
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			require.Equal(t, 401, resp.StatusCode, "%s %s with %q", c.method, c.path, auth)
			require.Contains(t, string(b), "admin token")
		}
	}
}

// TestTieringMetrics serves an app on the tiered engine, its functions
// compiled as soon as a request runs them, and finds the tier-ups at
// /metrics.
func TestTieringMetrics(t *testing.T) {
	if terra.BestTier() != terra.TierTiered {
		t.Skip("no tiered engine on this platform")
	}
	s := newServer(t, func(c *Config) {
		c.Tier, c.Tiering = terra.TierTiered, terra.Tiering{Threshold: 1, Sync: true}
	})
	_, status, body := s.deploy(t, "w", tartest.Files(t, "hello.wasm", string(readyWasm(t))))
	require.Equal(t, 200, status, body)
	code, out := get(t, s.url+"/w/")
	require.Equal(t, 200, code, out)
	code, out = get(t, s.url+"/metrics")
	require.Equal(t, 200, code)
	m := regexp.MustCompile(`terrarium_tier_ups_total\{app="w",version="1"\} ([0-9]+)`).FindStringSubmatch(out)
	require.NotNil(t, m, out)
	require.NotEqual(t, "0", m[1])
	require.Contains(t, out, `terrarium_osr_entries_total{app="w",version="1"}`)
}

// TestCodeCacheAcrossRestarts: a server started again on the same store and
// cache directory loads its apps' machine code instead of compiling it.
func TestCodeCacheAcrossRestarts(t *testing.T) {
	if terra.BestTier() == terra.TierInterp {
		t.Skip("no JIT on this platform: nothing to cache")
	}
	dir := t.TempDir()
	store, err := appstore.Open(filepath.Join(dir, "store"))
	require.NoError(t, err)
	t.Cleanup(func() { store.Close() })
	cfg := Config{Store: store, Token: token, Tier: terra.TierJIT, CacheDir: filepath.Join(dir, "codecache")}
	first, err := New(context.Background(), cfg)
	require.NoError(t, err)
	hs := httptest.NewServer(first.Handler())
	s := &testServer{Server: first, url: hs.URL}
	_, status, body := s.deploy(t, "w", tartest.Files(t, "hello.wasm", string(readyWasm(t))))
	require.Equal(t, 200, status, body)
	cache := func(srv *Server) terra.CacheStats {
		srv.mu.Lock()
		defer srv.mu.Unlock()
		return srv.apps["w"].current.Load().Cache()
	}
	require.Equal(t, 1, cache(first).Misses)
	require.Equal(t, 1, cache(first).Stores)
	hs.Close()
	first.Close()

	second, err := New(context.Background(), cfg)
	require.NoError(t, err)
	t.Cleanup(second.Close)
	hs = httptest.NewServer(second.Handler())
	t.Cleanup(hs.Close)
	code, out := get(t, hs.URL+"/w/")
	require.Equal(t, 200, code, out)
	require.Equal(t, terra.CacheStats{Hits: 1}, cache(second))
}

// TestReadyWasm deploys a ready module, shows and lists it, deletes it.
func TestReadyWasm(t *testing.T) {
	s := newServer(t, nil)
	res, status, body := s.deploy(t, "w", tartest.Files(t, "hello.wasm", string(readyWasm(t))))
	require.Equal(t, 200, status, body)
	require.Equal(t, "deployed", res.Status, body)
	require.Equal(t, 1, res.Version)
	require.Equal(t, "wasm", res.Language)
	require.Equal(t, "cgi", res.Interface)
	require.Equal(t, s.url+"/w/", res.URL)
	for _, stage := range []string{"upload", "extract", "build", "compile", "store", "total"} {
		require.Contains(t, res.Timings, stage)
	}
	code, out := get(t, s.url+"/w/path?q=1")
	require.Equal(t, 200, code)
	require.Equal(t, "hello from C over CGI: GET /path?q=1, 0 bytes of body\n", out)

	code, out = s.call(t, "GET", "/api/apps/w", nil)
	require.Equal(t, 200, code)
	var view appView
	require.NoError(t, json.Unmarshal([]byte(out), &view))
	require.Equal(t, "serving", view.Status)
	require.Equal(t, 1, view.Serving)
	require.Len(t, view.Versions, 1)
	require.Contains(t, view.Logs[len(view.Logs)-1].Line, "deployed version 1")
	code, out = s.call(t, "GET", "/api/apps", nil)
	require.Equal(t, 200, code)
	require.Contains(t, out, `"name":"w"`)
	code, out = s.call(t, "GET", "/api/apps/w/versions/1/log", nil)
	require.Equal(t, 200, code)
	require.Contains(t, out, "building a wasm app")

	code, out = get(t, s.url+"/metrics")
	require.Equal(t, 200, code)
	require.Contains(t, out, `terrarium_requests_total{app="w",code="200"} 1`)
	require.Contains(t, out, `terrarium_builds_total{app="w",language="wasm",result="deployed"} 1`)
	require.Contains(t, out, `terrarium_instance_start_seconds_count{app="w"} 1`)
	require.Contains(t, out, `terrarium_deploy_stage_seconds_count{language="wasm",stage="total"} 1`)

	code, _ = s.call(t, "DELETE", "/api/apps/w", nil)
	require.Equal(t, 200, code)
	code, _ = get(t, s.url+"/w/")
	require.Equal(t, 404, code)
	code, _ = s.call(t, "DELETE", "/api/apps/w", nil)
	require.Equal(t, 404, code)
}

// TestFailedDeploys: a build that fails, a module that cannot serve, and
// an upload of no known language leave the serving version alone.
func TestFailedDeploys(t *testing.T) {
	s := newServer(t, nil)
	res, _, body := s.deploy(t, "app", tartest.Files(t, "hello.wasm", string(readyWasm(t))))
	require.Equal(t, "deployed", res.Status, body)

	res, status, body := s.deploy(t, "app", tartest.Files(t, "main.c", "int main(void) { return nope; }\n"))
	if te, ok := errorsAsToolchain(res.Error); ok {
		t.Skip(te)
	}
	require.Equal(t, 200, status)
	require.Equal(t, "failed", res.Status)
	require.Contains(t, body, "use of undeclared identifier 'nope'")
	require.Contains(t, res.Error, "the toolchain failed")

	res, _, _ = s.deploy(t, "app", tartest.Files(t, "x.wasm", "\x00asm\x01\x00\x00\x00garbage"))
	require.Equal(t, "failed", res.Status)
	require.Contains(t, res.Error, "the module cannot serve")

	_, status, body = s.deploy(t, "app", tartest.Files(t, "README", "hi"))
	require.Equal(t, 400, status)
	require.Contains(t, body, "cannot tell the language")

	_, status, _ = s.deploy(t, "API", tartest.Files(t, "hello.wasm", "x"))
	require.Equal(t, 400, status)

	code, out := get(t, s.url+"/app/")
	require.Equal(t, 200, code)
	require.Contains(t, out, "hello from C over CGI")
	code, out = s.call(t, "GET", "/api/apps/app", nil)
	require.Equal(t, 200, code)
	require.Contains(t, out, `"current":1`)
	require.Contains(t, out, "deploy failed")
}

func errorsAsToolchain(msg string) (string, bool) {
	if strings.Contains(msg, "install the Debian package") && os.Getenv("TERRA_REQUIRE_ALL") != "1" {
		return msg, true
	}
	return "", false
}

// hostileTar writes one entry after a harmless file.
func hostileTar(t *testing.T, h *tar.Header, content string) []byte {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	require.NoError(t, tw.WriteHeader(&tar.Header{Name: "hello.wasm", Mode: 0o644, Size: 3, Typeflag: tar.TypeReg}))
	tw.Write([]byte("abc"))
	require.NoError(t, tw.WriteHeader(h))
	if content != "" {
		tw.Write([]byte(content))
	}
	tw.Close()
	return buf.Bytes()
}

// TestHostileUploads: each hostile archive is refused with a 4xx naming
// the entry and the rule, no app appears, and nothing is left outside
// the build's directory, whose parent is empty again afterwards.
func TestHostileUploads(t *testing.T) {
	s := newServer(t, func(c *Config) {
		c.Archive = archive.Limits{MaxEntries: 50, MaxFileBytes: 1 << 20, MaxTotalBytes: 4 << 20}
		c.MaxUploadBytes = 1 << 20
	})
	var many bytes.Buffer
	tw := tar.NewWriter(&many)
	for i := range 60 {
		tw.WriteHeader(&tar.Header{Name: "f" + strings.Repeat("x", i), Mode: 0o644, Typeflag: tar.TypeReg})
	}
	tw.Close()
	var bomb bytes.Buffer
	zw := gzip.NewWriter(&bomb)
	bt := tar.NewWriter(zw)
	for i := range 10 {
		bt.WriteHeader(&tar.Header{Name: "bomb" + string(rune('0'+i)), Mode: 0o644, Size: 900 << 10, Typeflag: tar.TypeReg})
		bt.Write(make([]byte, 900<<10))
	}
	bt.Close()
	zw.Close()
	var huge bytes.Buffer
	ht := tar.NewWriter(&huge)
	ht.WriteHeader(&tar.Header{Name: "huge", Mode: 0o644, Size: 1 << 40, Typeflag: tar.TypeReg})
	cases := []struct {
		name        string
		upload      []byte
		status      int
		entry, rule string
	}{
		{"absolute", hostileTar(t, &tar.Header{Name: "/tmp/evil", Mode: 0o644, Size: 1, Typeflag: tar.TypeReg}, "x"), 400, "/tmp/evil", "absolute path"},
		{"dot-dot", hostileTar(t, &tar.Header{Name: "../evil", Mode: 0o644, Size: 1, Typeflag: tar.TypeReg}, "x"), 400, "../evil", `".." component`},
		{"symlink out", hostileTar(t, &tar.Header{Name: "l", Linkname: "/etc", Typeflag: tar.TypeSymlink}, ""), 400, "l", "absolute path"},
		{"hard link out", hostileTar(t, &tar.Header{Name: "h", Linkname: "../../etc/passwd", Typeflag: tar.TypeLink}, ""), 400, "h", "outside the archive"},
		{"device", hostileTar(t, &tar.Header{Name: "null", Typeflag: tar.TypeChar, Devmajor: 1, Devminor: 3}, ""), 400, "null", "device file"},
		{"huge file", huge.Bytes(), 413, "huge", "file larger than 1048576 bytes"},
		{"too many files", many.Bytes(), 413, "f" + strings.Repeat("x", 50), "more than 50 entries"},
		{"gzip bomb", bomb.Bytes(), 413, "bomb4", "larger than 4194304 bytes once decompressed"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, status, body := s.deploy(t, "hostile", c.upload)
			require.Equal(t, c.status, status, body)
			var e apiError
			require.NoError(t, json.Unmarshal([]byte(body), &e), body)
			require.Equal(t, c.entry, e.Entry)
			require.Contains(t, e.Rule, c.rule)
			require.Contains(t, e.Error, c.entry)
			left, err := os.ReadDir(s.workDir)
			require.NoError(t, err)
			require.Empty(t, left, "the build directory was not removed")
		})
	}
	_, status, body := s.deploy(t, "hostile", make([]byte, 2<<20))
	require.Equal(t, 413, status)
	require.Contains(t, body, "upload larger than the limit of 1048576 bytes")
	for _, p := range []string{"/tmp/evil", filepath.Join(filepath.Dir(s.workDir), "evil")} {
		_, err := os.Stat(p)
		require.ErrorIs(t, err, os.ErrNotExist)
	}
	code, _ := s.call(t, "GET", "/api/apps/hostile", nil)
	require.Equal(t, 404, code)
}

// TestAppLimits: limits set at deploy apply to the app's requests; a
// looping app answers 504 while another app serves.
func TestAppLimits(t *testing.T) {
	s := newServer(t, nil)
	src, err := os.ReadFile("../serve/testdata/cgi.c")
	require.NoError(t, err)
	status, body := s.call(t, "POST", "/api/apps/bad/deploy?timeout=300ms&memory_mb=16&max_response_bytes=1000", tartest.Files(t, "cgi.c", string(src)))
	if _, ok := errorsAsToolchain(body); ok {
		t.Skip(body)
	}
	require.Equal(t, 200, status)
	require.Contains(t, body, `"status":"deployed"`, body)
	res, _, body := s.deploy(t, "good", tartest.Files(t, "hello.wasm", string(readyWasm(t))))
	require.Equal(t, "deployed", res.Status, body)

	done := make(chan struct{})
	go func() {
		defer close(done)
		code, out := get(t, s.url+"/bad/?loop")
		require.Equal(t, 504, code)
		require.Equal(t, "app \"bad\" did not finish within its time limit of 300ms\n", out)
	}()
	code, _ := get(t, s.url+"/good/")
	require.Equal(t, 200, code)
	<-done
	code, out := get(t, s.url+"/bad/?alloc")
	require.Equal(t, 503, code)
	require.Contains(t, out, "memory limit of 16 MiB")
	code, _ = get(t, s.url+"/bad/?flood")
	require.Equal(t, 502, code)
	_, status, _ = s.deploy(t, "bad", tartest.Files(t, "hello.wasm", "x"))
	require.Equal(t, 200, status)
	status, body = s.call(t, "POST", "/api/apps/bad/deploy?timeout=forever", tartest.Files(t, "hello.wasm", "x"))
	require.Equal(t, 400, status, body)
	require.Contains(t, body, "invalid timeout")

	_, metrics := get(t, s.url+"/metrics")
	require.Contains(t, metrics, `terrarium_limit_exceeded_total{app="bad",limit="timeout"} 1`)
	require.Contains(t, metrics, `terrarium_limit_exceeded_total{app="bad",limit="memory"} 1`)
	require.Contains(t, metrics, `terrarium_requests_total{app="bad",code="504"} 1`)
	_ = time.Second
}
