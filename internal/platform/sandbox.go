package platform

import "net/http"

// appSandbox is the Content-Security-Policy that every app response gets
// while the editor is served. Apps share the editor's origin, and the
// editor keeps the admin token in that origin's session storage: an app's
// page running script as that origin could read the token, or register a
// service worker over the editor. Sandboxed without allow-same-origin, an
// app's page runs in an opaque origin of its own instead: its scripts
// work, but they cannot touch the editor's storage, cookies or pages.
const appSandbox = "sandbox allow-scripts allow-forms allow-popups allow-modals allow-downloads"

// sandboxWriter adds appSandbox to an app's response as its head goes
// out, after the app set its own headers: an app's own policy (which may
// only restrict further, since a browser enforces every policy it is
// given) stays, but cannot replace this one. It also drops
// Service-Worker-Allowed, with which a worker under /{app}/ could claim
// the whole origin.
type sandboxWriter struct {
	http.ResponseWriter
	sent bool
}

func (s *sandboxWriter) head() {
	if s.sent {
		return
	}
	s.sent = true
	h := s.ResponseWriter.Header()
	h.Add("Content-Security-Policy", appSandbox)
	h.Del("Service-Worker-Allowed")
}

func (s *sandboxWriter) WriteHeader(code int) {
	s.head()
	s.ResponseWriter.WriteHeader(code)
}

func (s *sandboxWriter) Write(p []byte) (int, error) {
	s.head()
	return s.ResponseWriter.Write(p)
}

// Flush sends the head if need be, then what was written.
func (s *sandboxWriter) Flush() {
	s.head()
	if f, ok := s.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// Unwrap gives http.ResponseController the underlying writer.
func (s *sandboxWriter) Unwrap() http.ResponseWriter { return s.ResponseWriter }
