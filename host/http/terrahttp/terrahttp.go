// Package terrahttp serves an http.Handler from a WebAssembly guest through
// terra's terra_http host module. A terrarium app in Go is an ordinary
// program:
//
//	func main() {
//		mux := http.NewServeMux()
//		mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { ... })
//		terrahttp.Serve(mux)
//	}
//
// built with GOOS=wasip1 GOARCH=wasm. Each request runs the program in a
// fresh instance: Serve reads the one request, calls the handler and
// returns. Paths are relative to the app: a request for /myapp/hello
// reaches the handler as /hello.
//
// Built for any other platform, Serve serves the request as a CGI program
// (net/http/cgi), so the same program also runs under a CGI server.
package terrahttp

import (
	"bufio"
	"io"
	"net/http"
	"net/http/cgi"
	"net/url"
	"strconv"
	"strings"
)

// hostAPI is what the adapter needs of the terra_http module.
type hostAPI interface {
	method() string
	uri() string
	headers() string
	readBody(p []byte) int
	setStatus(code int) int32
	addHeader(name, value string) int32
	write(p []byte) int32
	log(msg string)
}

// sys is the terra_http module on wasip1, nil elsewhere.
var sys hostAPI

// Serve serves the request of this instance with h.
func Serve(h http.Handler) {
	if sys == nil {
		cgi.Serve(h)
		return
	}
	serve(sys, h)
}

// Log writes a line to the app's log.
func Log(msg string) {
	if sys != nil {
		sys.log(msg)
	}
}

func serve(s hostAPI, h http.Handler) {
	req := newRequest(s)
	w := &responseWriter{s: s, header: http.Header{}}
	h.ServeHTTP(w, req)
	if !w.wroteHeader {
		w.WriteHeader(http.StatusOK)
	}
}

// newRequest reads the request from the host.
func newRequest(s hostAPI) *http.Request {
	uri := s.uri()
	u, err := url.ParseRequestURI(uri)
	if err != nil {
		u = &url.URL{Path: "/"}
	}
	header := http.Header{}
	sc := bufio.NewScanner(strings.NewReader(s.headers()))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		if k, v, ok := strings.Cut(sc.Text(), ": "); ok {
			header.Add(k, v)
		}
	}
	r := &http.Request{
		Method:     s.method(),
		URL:        u,
		Proto:      "HTTP/1.1",
		ProtoMajor: 1,
		ProtoMinor: 1,
		Header:     header,
		Host:       header.Get("Host"),
		RequestURI: uri,
		Body:       io.NopCloser(bodyReader{s}),
	}
	r.ContentLength = -1
	if cl, err := strconv.ParseInt(header.Get("Content-Length"), 10, 64); err == nil {
		r.ContentLength = cl
	}
	return r
}

type bodyReader struct{ s hostAPI }

func (b bodyReader) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	n := b.s.readBody(p)
	if n <= 0 {
		return 0, io.EOF
	}
	return n, nil
}

// responseWriter sends the response through the host.
type responseWriter struct {
	s           hostAPI
	header      http.Header
	wroteHeader bool
}

func (w *responseWriter) Header() http.Header { return w.header }

func (w *responseWriter) WriteHeader(code int) {
	if w.wroteHeader {
		return
	}
	w.wroteHeader = true
	w.s.setStatus(code)
	for k, vs := range w.header {
		for _, v := range vs {
			w.s.addHeader(k, v)
		}
	}
}

func (w *responseWriter) Write(p []byte) (int, error) {
	if !w.wroteHeader {
		if w.header.Get("Content-Type") == "" {
			w.header.Set("Content-Type", http.DetectContentType(p))
		}
		w.WriteHeader(http.StatusOK)
	}
	if len(p) == 0 {
		return 0, nil
	}
	n := w.s.write(p)
	if n < 0 {
		return 0, io.ErrClosedPipe
	}
	return int(n), nil
}
