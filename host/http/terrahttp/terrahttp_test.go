package terrahttp

import (
	"fmt"
	"io"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"
)

// fakeHost is a terra_http module in memory.
type fakeHost struct {
	meth, u, hdrs string
	body          []byte
	status        int32
	added         [][2]string
	out           []byte
	logs          []string
}

func (f *fakeHost) method() string  { return f.meth }
func (f *fakeHost) uri() string     { return f.u }
func (f *fakeHost) headers() string { return f.hdrs }
func (f *fakeHost) readBody(p []byte) int {
	n := copy(p, f.body)
	f.body = f.body[n:]
	return n
}
func (f *fakeHost) setStatus(code int) int32 { f.status = int32(code); return 0 }
func (f *fakeHost) addHeader(name, value string) int32 {
	f.added = append(f.added, [2]string{name, value})
	return 0
}
func (f *fakeHost) write(p []byte) int32 { f.out = append(f.out, p...); return int32(len(p)) }
func (f *fakeHost) log(msg string)       { f.logs = append(f.logs, msg) }

func TestServe(t *testing.T) {
	f := &fakeHost{
		meth: "POST",
		u:    "/greet/x?name=ann&n=2",
		hdrs: "Host: example.test\nContent-Length: 5\nX-Multi: a\nX-Multi: b\n",
		body: []byte("hello"),
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /greet/{who}", func(w http.ResponseWriter, r *http.Request) {
		b, err := io.ReadAll(r.Body)
		require.NoError(t, err)
		w.Header().Set("X-Who", r.PathValue("who"))
		w.WriteHeader(http.StatusCreated)
		fmt.Fprintf(w, "%s %s %s %s %d %q %v", r.Method, r.URL.Path, r.URL.Query().Get("name"), r.Host, r.ContentLength, b, r.Header["X-Multi"])
	})
	serve(f, mux)
	require.Equal(t, int32(201), f.status)
	require.Equal(t, [][2]string{{"X-Who", "x"}}, f.added)
	require.Equal(t, `POST /greet/x ann example.test 5 "hello" [a b]`, string(f.out))
}

func TestServeDefaults(t *testing.T) {
	// A handler that writes without a status gets 200 and a sniffed type;
	// one that writes nothing still sends its status.
	f := &fakeHost{meth: "GET", u: "/"}
	serve(f, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "<html><body>hi</body></html>")
	}))
	require.Equal(t, int32(200), f.status)
	require.Equal(t, [][2]string{{"Content-Type", "text/html; charset=utf-8"}}, f.added)

	f = &fakeHost{meth: "GET", u: "/missing"}
	serve(f, http.NewServeMux())
	require.Equal(t, int32(404), f.status)
	require.Contains(t, string(f.out), "404 page not found")

	f = &fakeHost{meth: "GET", u: "/"}
	serve(f, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	require.Equal(t, int32(200), f.status)
	require.Empty(t, f.out)
}
