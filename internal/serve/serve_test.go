package serve

import (
	"bufio"
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/terra-runtime/terra"
	"github.com/terra-runtime/terra/internal/ctest"
)

// buildC compiles testdata/name.c, with terra_http.h on the include
// path.
func buildC(t testing.TB, name string) []byte {
	return ctest.Build(t, "testdata/"+name+".c", "../../host/http/c")
}

// observer records what it observes.
type observer struct {
	mu       sync.Mutex
	statuses []int
	limits   []string
	starts   int
}

func (o *observer) Request(app string, status int, d time.Duration) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.statuses = append(o.statuses, status)
}

func (o *observer) InstanceStart(app string, d time.Duration) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.starts++
}

func (o *observer) LimitExceeded(app, limit string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.limits = append(o.limits, limit)
}

// server serves app under /name/.
func server(t *testing.T, app *App, name string) *httptest.Server {
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		app.Serve(w, r, "/"+name, strings.TrimPrefix(r.URL.Path, "/"+name))
	}))
	t.Cleanup(s.Close)
	return s
}

func load(t *testing.T, wasm []byte, opt Options) *App {
	t.Helper()
	if opt.Limits == (Limits{}) {
		opt.Limits = DefaultLimits
	}
	app, err := Load(context.Background(), wasm, opt)
	require.NoError(t, err)
	return app
}

func get(t *testing.T, url string, header ...string) (int, http.Header, string) {
	t.Helper()
	req, err := http.NewRequest("GET", url, nil)
	require.NoError(t, err)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, resp.Header, string(b)
}

func TestCGI(t *testing.T) {
	var logs []string
	var mu sync.Mutex
	obs := &observer{}
	app := load(t, buildC(t, "cgi"), Options{Name: "app", Version: 1, Observer: obs,
		AppLog: func(l string) { mu.Lock(); logs = append(logs, l); mu.Unlock() }})
	require.Equal(t, CGI, app.Interface())
	s := server(t, app, "app")

	resp, err := http.Post(s.URL+"/app/some/path?x=1", "text/plain", strings.NewReader("posted"))
	require.NoError(t, err)
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.Equal(t, 200, resp.StatusCode)
	require.Equal(t, "yes", resp.Header.Get("X-Cgi"))
	require.Equal(t, "method=POST script=/app path=/some/path query=x=1 x-test= len=6 body=posted\n", string(b))

	code, _, body := get(t, s.URL+"/app/?stderr", "X-Test", "hdr")
	require.Equal(t, 200, code)
	require.Contains(t, body, "x-test=hdr")
	mu.Lock()
	require.Contains(t, logs, "stderr: a line for the log")
	mu.Unlock()

	code, _, body = get(t, s.URL+"/app/?notfound")
	require.Equal(t, 404, code)
	require.Equal(t, "no such thing\n", body)

	req, _ := http.NewRequest("GET", s.URL+"/app/?redirect", nil)
	resp, err = http.DefaultTransport.RoundTrip(req)
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, 302, resp.StatusCode)
	require.Equal(t, "/elsewhere", resp.Header.Get("Location"))

	require.Equal(t, []int{200, 200, 404, 302}, obs.statuses)
	require.Equal(t, 4, obs.starts)
}

// TestMisbehaving: each kind of misbehaviour gets its answer and a log
// line naming it, and the app goes on serving.
func TestMisbehaving(t *testing.T) {
	obs := &observer{}
	lim := DefaultLimits
	lim.Timeout = 500 * time.Millisecond
	lim.MemoryPages = 256 // 16 MiB
	lim.MaxResponseBytes = 64 << 10
	var logs strings.Builder
	var mu sync.Mutex
	app := load(t, buildC(t, "cgi"), Options{Name: "bad", Limits: lim, Observer: obs,
		Logger: slog.New(slog.NewTextHandler(lockedWriter{&mu, &logs}, nil))})
	s := server(t, app, "bad")
	cases := []struct {
		query  string
		status int
		msg    string
		limit  string
	}{
		{"loop", 504, `app "bad" did not finish within its time limit of 500ms`, "timeout"},
		{"sleep", 504, `app "bad" did not finish within its time limit of 500ms`, "timeout"},
		{"alloc", 503, `app "bad" failed at its memory limit of 16 MiB`, "memory"},
		{"flood", 502, `app "bad" wrote a response larger than its limit of 65536 bytes`, "response_size"},
		{"trap", 500, `app "bad" trapped: unreachable`, ""},
		{"exit3", 500, `app "bad" exited with code 3`, ""},
		{"garbage", 502, "the app's CGI response is malformed", ""},
	}
	for _, c := range cases {
		t.Run(c.query, func(t *testing.T) {
			code, _, body := get(t, s.URL+"/bad/?"+c.query)
			require.Equal(t, c.status, code, body)
			require.Equal(t, c.msg+"\n", body)
			code, _, _ = get(t, s.URL+"/bad/")
			require.Equal(t, 200, code, "the app serves on")
		})
	}
	require.Equal(t, []string{"timeout", "timeout", "memory", "response_size"}, obs.limits)
	mu.Lock()
	require.Contains(t, logs.String(), "limit exceeded")
	require.Contains(t, logs.String(), "limit=timeout")
	mu.Unlock()
}

type lockedWriter struct {
	mu *sync.Mutex
	w  io.Writer
}

func (l lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// TestConcurrencyLimit: with every slot of the app's gate taken, a request
// is refused with 503; others are served once a slot is free.
func TestConcurrencyLimit(t *testing.T) {
	gate := NewGate(2)
	obs := &observer{}
	app := load(t, buildC(t, "cgi"), Options{Name: "busy", Gate: gate, Observer: obs})
	s := server(t, app, "busy")
	require.True(t, gate.tryEnter())
	require.True(t, gate.tryEnter())
	code, hdr, body := get(t, s.URL+"/busy/")
	require.Equal(t, 503, code)
	require.Equal(t, "1", hdr.Get("Retry-After"))
	require.Equal(t, "app \"busy\" is at its limit of 2 concurrent requests\n", body)
	gate.leave()
	code, _, _ = get(t, s.URL+"/busy/")
	require.Equal(t, 200, code)
	require.Equal(t, []string{"concurrency"}, obs.limits)
}

// TestSlowBody: a client that announces a body and stalls does not keep the
// app's only slot past the request's time limit: it gets 408, and the next
// request is served.
func TestSlowBody(t *testing.T) {
	obs := &observer{}
	lim := DefaultLimits
	lim.Timeout = 300 * time.Millisecond
	app := load(t, buildC(t, "cgi"), Options{Name: "slow", Gate: NewGate(1), Observer: obs, Limits: lim})
	s := server(t, app, "slow")
	conn, err := net.Dial("tcp", strings.TrimPrefix(s.URL, "http://"))
	require.NoError(t, err)
	defer conn.Close()
	_, err = io.WriteString(conn, "POST /slow/ HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nab")
	require.NoError(t, err)
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	require.NoError(t, err)
	b, _ := io.ReadAll(resp.Body)
	require.Equal(t, http.StatusRequestTimeout, resp.StatusCode)
	require.Contains(t, string(b), "did not arrive within the app's time limit of 300ms")
	code, _, _ := get(t, s.URL+"/slow/")
	require.Equal(t, 200, code)
	require.Equal(t, []string{"request_body_timeout"}, obs.limits)
}

// TestIsolation: while one request loops, another app, and the same app,
// serve.
func TestIsolation(t *testing.T) {
	wasm := buildC(t, "cgi")
	lim := DefaultLimits
	lim.Timeout = time.Minute
	looper := server(t, load(t, wasm, Options{Name: "a", Limits: lim}), "a")
	other := server(t, load(t, wasm, Options{Name: "b"}), "b")

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int)
	go func() {
		req, _ := http.NewRequestWithContext(ctx, "GET", looper.URL+"/a/?loop", nil)
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			resp.Body.Close()
		}
		close(done)
	}()
	for range 3 {
		code, _, _ := get(t, other.URL+"/b/")
		require.Equal(t, 200, code)
		code, _, _ = get(t, looper.URL+"/a/")
		require.Equal(t, 200, code)
	}
	select {
	case <-done:
		t.Fatal("the looping request ended before it was cancelled")
	default:
	}
	cancel()
	<-done
}

func TestTerraHTTP(t *testing.T) {
	var logs []string
	var mu sync.Mutex
	lim := DefaultLimits
	lim.MaxResponseBytes = 100 << 10
	lim.Timeout = 500 * time.Millisecond
	app := load(t, buildC(t, "th"), Options{Name: "th", Limits: lim,
		AppLog: func(l string) { mu.Lock(); logs = append(logs, l); mu.Unlock() }})
	require.Equal(t, TerraHTTP, app.Interface())
	s := server(t, app, "th")
	code, hdr, body := get(t, s.URL+"/th")
	require.Equal(t, 202, code)
	require.Equal(t, "text/plain", hdr.Get("Content-Type"))
	require.Equal(t, "terra_http says hi to /\n", body)
	mu.Lock()
	require.Contains(t, logs, "stdout: stdout goes to the log")
	mu.Unlock()

	code, _, body = get(t, s.URL+"/th/?trap")
	require.Equal(t, 500, code)
	require.Equal(t, "app \"th\" trapped: unreachable\n", body)

	// Past its head, a failing guest's response is cut short: the client
	// gets an error, at once or after the start of the body.
	for _, q := range []string{"loop", "big"} {
		resp, err := http.Get(s.URL + "/th/?" + q)
		if err == nil {
			require.Equal(t, 200, resp.StatusCode)
			_, err = io.ReadAll(resp.Body)
			resp.Body.Close()
		}
		require.Error(t, err, q)
	}
}

// panicky panics when an instance starts, as a faulty host function
// would while a guest runs.
type panicky struct{ observer }

func (p *panicky) InstanceStart(string, time.Duration) { panic("host function bug") }

// TestGuestPanic: a panic while a guest runs answers 500 and leaves the
// server serving.
func TestGuestPanic(t *testing.T) {
	app := load(t, buildC(t, "cgi"), Options{Name: "p", Observer: &panicky{}})
	s := server(t, app, "p")
	for range 2 {
		code, _, body := get(t, s.URL+"/p/")
		require.Equal(t, 500, code)
		require.Equal(t, "app \"p\" failed\n", body)
	}
}

// TestRetire: a retired version refuses new requests and closes its
// runtime once the last request in flight is done.
func TestRetire(t *testing.T) {
	app := load(t, buildC(t, "cgi"), Options{Name: "old"})
	require.True(t, app.acquire()) // a request in flight
	app.Retire()
	app.Retire()
	rec := httptest.NewRecorder()
	require.False(t, app.Serve(rec, httptest.NewRequest("GET", "/old/", nil), "/old", "/"))
	_, err := app.rt.Instantiate(context.Background(), app.cm, terra.InstanceConfig{})
	require.NoError(t, err, "closed before its last request ended")
	app.release()
	_, err = app.rt.Instantiate(context.Background(), app.cm, terra.InstanceConfig{})
	require.ErrorIs(t, err, terra.ErrRuntimeClosed)
}
