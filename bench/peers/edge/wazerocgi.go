package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/imports/wasi_snapshot_preview1"
	"github.com/tetratelabs/wazero/sys"
)

// wazeroCGI is the peer: a minimal Go CGI server on wazero that runs, like
// terrarium, a fresh instance of a compiled module per request, with the
// CGI meta-variables in its environment, the body on standard input and
// the response read from standard output. It serves /{name}/... with the
// module of that name.
type wazeroCGI struct {
	rt   wazero.Runtime
	mods map[string]wazero.CompiledModule
}

func newWazeroCGI(ctx context.Context, cfg wazero.RuntimeConfig, mods map[string][]byte) (*wazeroCGI, error) {
	rt := wazero.NewRuntimeWithConfig(ctx, cfg)
	if _, err := wasi_snapshot_preview1.Instantiate(ctx, rt); err != nil {
		return nil, err
	}
	w := &wazeroCGI{rt: rt, mods: map[string]wazero.CompiledModule{}}
	for name, b := range mods {
		cm, err := rt.CompileModule(ctx, b)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		w.mods[name] = cm
	}
	return w, nil
}

func (w *wazeroCGI) ServeHTTP(rw http.ResponseWriter, r *http.Request) {
	name, rest, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), "/")
	cm, ok := w.mods[name]
	if !ok {
		http.NotFound(rw, r)
		return
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(rw, err.Error(), http.StatusBadRequest)
		return
	}
	var stdout bytes.Buffer
	host, port, _ := net.SplitHostPort(r.Host)
	cfg := wazero.NewModuleConfig().WithName("").WithArgs(name).
		WithStdin(bytes.NewReader(body)).WithStdout(&stdout).WithStderr(io.Discard).
		WithSysWalltime().WithSysNanotime().WithSysNanosleep().WithRandSource(rand.Reader).
		WithEnv("GATEWAY_INTERFACE", "CGI/1.1").WithEnv("SERVER_PROTOCOL", r.Proto).
		WithEnv("SERVER_NAME", host).WithEnv("SERVER_PORT", port).
		WithEnv("REQUEST_METHOD", r.Method).WithEnv("REQUEST_URI", r.RequestURI).
		WithEnv("SCRIPT_NAME", "/"+name).WithEnv("PATH_INFO", "/"+rest).
		WithEnv("QUERY_STRING", r.URL.RawQuery).WithEnv("REMOTE_ADDR", r.RemoteAddr).
		WithEnv("CONTENT_LENGTH", strconv.Itoa(len(body)))
	for k, vs := range r.Header {
		cfg = cfg.WithEnv("HTTP_"+strings.ToUpper(strings.ReplaceAll(k, "-", "_")), strings.Join(vs, ", "))
	}
	mod, err := w.rt.InstantiateModule(r.Context(), cm, cfg)
	if mod != nil {
		mod.Close(r.Context())
	}
	var exit *sys.ExitError
	if err != nil && !(errors.As(err, &exit) && exit.ExitCode() == 0) {
		http.Error(rw, err.Error(), http.StatusInternalServerError)
		return
	}
	out := stdout.Bytes()
	end := bytes.Index(out, []byte("\n\n"))
	skip := 2
	if i := bytes.Index(out, []byte("\r\n\r\n")); i >= 0 && (end < 0 || i < end) {
		end, skip = i, 4
	}
	if end < 0 {
		http.Error(rw, "malformed CGI response", http.StatusBadGateway)
		return
	}
	status := http.StatusOK
	for _, line := range strings.Split(string(out[:end]), "\n") {
		k, v, _ := strings.Cut(strings.TrimSuffix(line, "\r"), ":")
		v = strings.TrimSpace(v)
		if strings.EqualFold(k, "Status") {
			status, _ = strconv.Atoi(strings.Fields(v)[0])
			continue
		}
		rw.Header().Add(k, v)
	}
	rw.WriteHeader(status)
	rw.Write(out[end+skip:])
}
