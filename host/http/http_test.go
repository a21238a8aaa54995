package http

import (
	"context"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/terra-runtime/terra"
	"github.com/terra-runtime/terra/host/wasi"
	"github.com/terra-runtime/terra/internal/ctest"
)

// buildC compiles testdata/name.c against c/terra_http.h.
func buildC(t *testing.T, name string) []byte {
	return ctest.Build(t, "testdata/"+name+".c", "c")
}

// guest is a runtime with terra_http and WASI, and a compiled guest.
type guest struct {
	rt *terra.Runtime
	cm *terra.CompiledModule
}

func newGuest(t *testing.T, wasm []byte) *guest {
	ctx := context.Background()
	rt, err := terra.NewRuntime(terra.Config{})
	require.NoError(t, err)
	_, err = Builder(rt).Instantiate(ctx)
	require.NoError(t, err)
	_, err = wasi.ContextBuilder(rt, wasi.Preview1).Instantiate(ctx)
	require.NoError(t, err)
	cm, err := rt.Compile(ctx, wasm)
	require.NoError(t, err)
	return &guest{rt: rt, cm: cm}
}

// serve runs the guest on one exchange.
func (g *guest) serve(t *testing.T, e *Exchange) error {
	m, err := wasi.New(wasi.Config{})
	require.NoError(t, err)
	defer m.Close()
	ctx := WithExchange(wasi.WithModule(context.Background(), m), e)
	inst, err := g.rt.Instantiate(ctx, g.cm, terra.InstanceConfig{})
	require.NoError(t, err)
	defer inst.Close()
	_, err = inst.ExportedFunction("_start").Call(ctx)
	return err
}

func TestExchange(t *testing.T) {
	g := newGuest(t, buildC(t, "echo"))
	rec := httptest.NewRecorder()
	var logs []string
	e := &Exchange{
		Method: "PUT",
		URI:    "/path?q=1",
		Header: http.Header{"X-Test": {"a", "b"}},
		Body:   strings.NewReader("the body"),
		Writer: rec,
		Log:    func(l string) { logs = append(logs, l) },
	}
	err := g.serve(t, e)
	require.NoError(t, err)
	require.Equal(t, 201, rec.Code)
	require.Equal(t, "yes", rec.Header().Get("X-Echo"))
	require.Equal(t, "PUT /path?q=1 x-test=a, b (4) missing=-1 bad=-4 body=the body late=-3", rec.Body.String())
	require.Equal(t, []string{"echo: serving"}, logs)
	require.True(t, e.Sent())
	require.Equal(t, 201, e.Status())
}

// TestResponseLimit: a guest writing past the limit is stopped by an error
// that ends its call, after the part within the limit went out.
func TestResponseLimit(t *testing.T) {
	g := newGuest(t, buildC(t, "echo"))
	rec := httptest.NewRecorder()
	e := &Exchange{Method: "GET", URI: "/big?100000", Writer: rec, MaxResponseBytes: 10000}
	err := g.serve(t, e)
	require.ErrorIs(t, err, ErrResponseTooLarge)
	require.Equal(t, 8192, rec.Body.Len())
	require.Equal(t, int64(8192), e.Written())

	rec = httptest.NewRecorder()
	e = &Exchange{Method: "GET", URI: "/big?100000", Writer: rec, MaxResponseBytes: 100000}
	require.NoError(t, g.serve(t, e))
	require.Equal(t, 100000, rec.Body.Len())
}

// TestNoExchange: a call without an Exchange ends with ErrNoExchange.
func TestNoExchange(t *testing.T) {
	g := newGuest(t, buildC(t, "echo"))
	m, err := wasi.New(wasi.Config{})
	require.NoError(t, err)
	defer m.Close()
	ctx := wasi.WithModule(context.Background(), m)
	inst, err := g.rt.Instantiate(ctx, g.cm, terra.InstanceConfig{})
	require.NoError(t, err)
	_, err = inst.ExportedFunction("_start").Call(ctx)
	require.ErrorIs(t, err, ErrNoExchange)
}

// TestLibrary: the embedded guest libraries are the files beside the
// package.
func TestLibrary(t *testing.T) {
	for _, name := range []string{"c/terra_http.h", "rust/terra_http.rs", "terrahttp/terrahttp.go", "terrahttp/host_wasip1.go"} {
		want, err := os.ReadFile(name)
		require.NoError(t, err)
		got, err := fs.ReadFile(Library(), name)
		require.NoError(t, err)
		require.Equal(t, want, got, name)
	}
}
