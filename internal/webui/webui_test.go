package webui

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestAssetsCurrent checks that the embedded bundle was built from the
// sources in web/: the build records their hash, computed here the same
// way, without npm.
func TestAssetsCurrent(t *testing.T) {
	web := filepath.Join("..", "..", "web")
	files := []string{"build.mjs", "package.json", "package-lock.json"}
	err := filepath.WalkDir(filepath.Join(web, "src"), func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(web, p)
		files = append(files, filepath.ToSlash(rel))
		return err
	})
	require.NoError(t, err)
	sort.Strings(files)
	sum := sha256.New()
	for _, rel := range files {
		b, err := os.ReadFile(filepath.Join(web, filepath.FromSlash(rel)))
		require.NoError(t, err)
		fmt.Fprintf(sum, "%s\n%d\n", rel, len(b))
		sum.Write(b)
	}
	recorded, err := os.ReadFile("sources.sha256")
	require.NoError(t, err)
	require.Equal(t, strings.TrimSpace(string(recorded)), hex.EncodeToString(sum.Sum(nil)),
		"web/ changed since internal/webui/dist was built: run cd web && npm ci && npm run build, and commit dist")
}

func get(t *testing.T, h http.Handler, method, path string, header ...string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(method, path, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

var assetRef = regexp.MustCompile(`(?:src|href)="(/_editor/[^"]+)"`)

// TestPage serves the page and every asset it names, with their types,
// caching and security headers.
func TestPage(t *testing.T) {
	h := Handler()
	page := get(t, h, "GET", "/")
	require.Equal(t, 200, page.Code)
	require.Equal(t, "text/html; charset=utf-8", page.Header().Get("Content-Type"))
	require.Equal(t, "no-store", page.Header().Get("Cache-Control"))
	require.Equal(t, "nosniff", page.Header().Get("X-Content-Type-Options"))
	require.Equal(t, "DENY", page.Header().Get("X-Frame-Options"))
	csp := page.Header().Get("Content-Security-Policy")
	for _, d := range []string{"default-src 'none'", "script-src 'self'", "frame-ancestors 'none'", "connect-src 'self'"} {
		require.Contains(t, csp, d)
	}
	body := page.Body.String()
	require.NotContains(t, body, nonceMark)
	require.NotContains(t, body, "%%")

	// The nonce is in the policy and the page, and new each time.
	nonce := regexp.MustCompile(`'nonce-([^']+)'`).FindStringSubmatch(csp)
	require.Len(t, nonce, 2, csp)
	require.Contains(t, body, `<meta name="csp-nonce" content="`+nonce[1]+`">`)
	again := get(t, h, "GET", "/").Header().Get("Content-Security-Policy")
	require.NotEqual(t, csp, again)

	refs := assetRef.FindAllStringSubmatch(body, -1)
	kinds := map[string]bool{}
	for _, m := range refs {
		path := m[1]
		ext := filepath.Ext(path)
		kinds[ext] = true
		rec := get(t, h, "GET", path)
		require.Equal(t, 200, rec.Code, path)
		require.Equal(t, types[ext], rec.Header().Get("Content-Type"), path)
		require.Equal(t, "public, max-age=31536000, immutable", rec.Header().Get("Cache-Control"), path)
		require.Equal(t, "nosniff", rec.Header().Get("X-Content-Type-Options"), path)
		require.Empty(t, rec.Header().Get("Content-Encoding"), path)
		plain := rec.Body.Bytes()
		require.NotEmpty(t, plain, path)

		// Clients that take gzip get the compressed copy of text assets.
		gz := get(t, h, "GET", path, "Accept-Encoding", "br, gzip;q=0.8")
		if ext == ".svg" {
			require.Empty(t, gz.Header().Get("Content-Encoding"))
			continue
		}
		require.Equal(t, "gzip", gz.Header().Get("Content-Encoding"), path)
		require.Equal(t, "Accept-Encoding", gz.Header().Get("Vary"), path)
		zr, err := gzip.NewReader(bytes.NewReader(gz.Body.Bytes()))
		require.NoError(t, err)
		unzipped, err := io.ReadAll(zr)
		require.NoError(t, err)
		require.Equal(t, plain, unzipped, path)
		require.Empty(t, get(t, h, "GET", path, "Accept-Encoding", "gzip;q=0").Header().Get("Content-Encoding"))
	}
	require.Equal(t, map[string]bool{".js": true, ".css": true, ".svg": true, ".txt": true}, kinds)

	head := get(t, h, "HEAD", refs[0][1])
	require.Equal(t, 200, head.Code)
	require.Empty(t, head.Body.String())
}

func TestNotFound(t *testing.T) {
	h := Handler()
	for _, p := range []string{"/_editor/", "/_editor/index.html", "/_editor/nope.js", "/_editor/x/../index.html", "/favicon.ico"} {
		require.Equal(t, 404, get(t, h, "GET", p).Code, p)
	}
	// The compressed copies are served only as an encoding.
	entries, err := fs.ReadDir(dist, "dist")
	require.NoError(t, err)
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".gz") {
			require.Equal(t, 404, get(t, h, "GET", AssetPrefix+e.Name()).Code, e.Name())
		}
	}
	require.Equal(t, 405, get(t, h, "POST", "/").Code)
}
