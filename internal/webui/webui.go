// Package webui serves terrarium's web editor: the page at / and its
// assets under AssetPrefix. The sources are in web/ at the repository's
// root; esbuild bundles them into dist/, which is committed and embedded
// here, so that building terrarium needs no npm. Rebuild with
//
//	cd web && npm ci && npm run build
//
// The page talks to the deploy API with the admin token that the user
// enters; it holds no data of its own.
package webui

import (
	"crypto/rand"
	"embed"
	"encoding/base64"
	"fmt"
	"io/fs"
	"net/http"
	"path"
	"strconv"
	"strings"
)

// AssetPrefix is the path under which the page's assets are served. App
// names cannot start with an underscore, so no app shadows it.
const AssetPrefix = "/_editor/"

//go:embed dist
var dist embed.FS

// nonceMark is what the build leaves in index.html where each response
// puts its Content-Security-Policy nonce.
const nonceMark = "__CSP_NONCE__"

// policy is the page's Content-Security-Policy but for the nonce, which
// only the editor component's style element carries (CodeMirror adds its
// styles at run time).
const policy = "default-src 'none'; script-src 'self'; style-src 'self' 'nonce-%s'; img-src 'self'; " +
	"connect-src 'self'; form-action 'none'; base-uri 'none'; frame-ancestors 'none'"

// Handler serves the page at / and its assets under AssetPrefix; anything
// else is not found.
func Handler() http.Handler {
	page, err := fs.ReadFile(dist, "dist/index.html")
	if err != nil {
		panic("webui: no dist/index.html: " + err.Error())
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		switch {
		case r.Method != http.MethodGet && r.Method != http.MethodHead:
			h.Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		case r.URL.Path == "/":
			servePage(w, r, page)
		case strings.HasPrefix(r.URL.Path, AssetPrefix):
			serveAsset(w, r, strings.TrimPrefix(r.URL.Path, AssetPrefix))
		default:
			http.NotFound(w, r)
		}
	})
}

func servePage(w http.ResponseWriter, r *http.Request, page []byte) {
	var raw [18]byte
	rand.Read(raw[:])
	nonce := base64.StdEncoding.EncodeToString(raw[:])
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Security-Policy", fmt.Sprintf(policy, nonce))
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Cache-Control", "no-store") // the nonce is new each time
	if r.Method == http.MethodHead {
		return
	}
	w.Write([]byte(strings.ReplaceAll(string(page), nonceMark, nonce)))
}

// types are the content types of the kinds of file that the build writes
// (the system's MIME tables vary between machines).
var types = map[string]string{
	".js":  "text/javascript; charset=utf-8",
	".css": "text/css; charset=utf-8",
	".svg": "image/svg+xml",
	".txt": "text/plain; charset=utf-8",
}

// serveAsset serves a bundled file, compressed if the build left a gzip
// copy and the client takes it. Their names carry a hash of their
// contents, so that browsers may keep them for good.
func serveAsset(w http.ResponseWriter, r *http.Request, name string) {
	ctype, ok := types[path.Ext(name)]
	if !ok || strings.Contains(name, "/") {
		http.NotFound(w, r)
		return
	}
	b, err := fs.ReadFile(dist, "dist/"+name)
	if err != nil {
		http.NotFound(w, r)
		return
	}
	h := w.Header()
	h.Set("Content-Type", ctype)
	h.Set("Cache-Control", "public, max-age=31536000, immutable")
	h.Set("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'")
	if gz, err := fs.ReadFile(dist, "dist/"+name+".gz"); err == nil {
		h.Set("Vary", "Accept-Encoding")
		if acceptsGzip(r) {
			h.Set("Content-Encoding", "gzip")
			b = gz
		}
	}
	h.Set("Content-Length", strconv.Itoa(len(b)))
	if r.Method == http.MethodHead {
		return
	}
	w.Write(b)
}

// acceptsGzip reports whether the request's Accept-Encoding takes gzip
// (listed, and not with q=0).
func acceptsGzip(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		coding, params, _ := strings.Cut(part, ";")
		if !strings.EqualFold(strings.TrimSpace(coding), "gzip") {
			continue
		}
		for _, p := range strings.Split(params, ";") {
			k, v, _ := strings.Cut(strings.TrimSpace(p), "=")
			if strings.EqualFold(k, "q") {
				q, err := strconv.ParseFloat(v, 64)
				return err == nil && q > 0
			}
		}
		return true
	}
	return false
}
