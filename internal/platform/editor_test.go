package platform

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/terra-runtime/terra/examples"
	"github.com/terra-runtime/terra/internal/tartest"
)

// TestEditorRoutes: with the editor, / is its page and /_editor/ its
// assets, apps keep their paths (one named "editor" too), no app name
// can take the editor's paths, and apps' responses are sandboxed.
func TestEditorRoutes(t *testing.T) {
	s := newServer(t, func(c *Config) { c.Editor = true })
	code, h, page := getWithHeader(t, s.url+"/")
	require.Equal(t, 200, code)
	require.Equal(t, "text/html; charset=utf-8", h.Get("Content-Type"))
	require.Contains(t, h.Get("Content-Security-Policy"), "frame-ancestors 'none'")
	require.Contains(t, page, "<title>terrarium</title>")
	asset := regexp.MustCompile(`src="(/_editor/main-[^"]+\.js)"`).FindStringSubmatch(page)
	require.Len(t, asset, 2, page)
	code, h, _ = getWithHeader(t, s.url+asset[1])
	require.Equal(t, 200, code)
	require.Equal(t, "text/javascript; charset=utf-8", h.Get("Content-Type"))
	code, _, _ = getWithHeader(t, s.url+"/_editor/missing.js")
	require.Equal(t, 404, code)

	for _, name := range []string{"_editor", "favicon.ico", "index.html", ""} {
		_, status, body := s.deploy(t, name, tartest.Files(t, "hello.wasm", string(readyWasm(t))))
		require.NotEqual(t, 200, status, "%q: %s", name, body)
	}
	res, _, body := s.deploy(t, "editor", tartest.Files(t, "hello.wasm", string(readyWasm(t))))
	require.Equal(t, "deployed", res.Status, body)
	code, h, out := getWithHeader(t, s.url+"/editor/")
	require.Equal(t, 200, code)
	require.Equal(t, "hello from C over CGI: GET /?, 0 bytes of body\n", out)
	require.Equal(t, []string{appSandbox}, h.Values("Content-Security-Policy"))
	code, _, page = getWithHeader(t, s.url+"/")
	require.Equal(t, 200, code)
	require.Contains(t, page, "<title>terrarium</title>")

	// Answers that no app wrote are sandboxed too: they are in the origin.
	code, h, _ = getWithHeader(t, s.url+"/nope/")
	require.Equal(t, 404, code)
	require.Equal(t, appSandbox, h.Get("Content-Security-Policy"))
}

// TestNoEditor: without the editor, / is not a page and apps' responses
// are as the apps make them.
func TestNoEditor(t *testing.T) {
	s := newServer(t, nil)
	code, _, out := getWithHeader(t, s.url+"/")
	require.Equal(t, 404, code)
	require.Contains(t, out, "deploy apps with POST")
	code, _, _ = getWithHeader(t, s.url+"/_editor/x.js")
	require.Equal(t, 404, code)
	res, _, body := s.deploy(t, "w", tartest.Files(t, "hello.wasm", string(readyWasm(t))))
	require.Equal(t, "deployed", res.Status, body)
	code, h, _ := getWithHeader(t, s.url+"/w/")
	require.Equal(t, 200, code)
	require.Empty(t, h.Values("Content-Security-Policy"))
}

func TestExamples(t *testing.T) {
	s := newServer(t, nil)
	code, body := s.call(t, "GET", "/api/examples", nil)
	require.Equal(t, 200, code)
	var got []examples.Example
	require.NoError(t, json.Unmarshal([]byte(body), &got))
	require.Equal(t, examples.List(), got)
	require.Contains(t, got[0].Files["hello.c"], "terra_http.h")
}

// sandboxEscape is an app that answers with a page whose script would read
// the editor's session storage, and with headers that try to lift the
// sandbox: a policy of its own that allows the same origin, and a service
// worker scope over the whole origin.
const sandboxEscapeCGI = `#include <stdio.h>
int main(void) {
	printf("Content-Type: text/html\n");
	printf("Content-Security-Policy: sandbox allow-same-origin allow-scripts\n");
	printf("Service-Worker-Allowed: /\n\n");
	printf("<script>document.title = sessionStorage.getItem('terrarium-token')</script>\n");
	return 0;
}
`

const sandboxEscapeTH = `#include "terra_http.h"
int main(void) {
	th_set_status(200);
	th_header_add("Content-Type", "text/html");
	th_header_add("Content-Security-Policy", "sandbox allow-same-origin allow-scripts");
	th_header_add("Service-Worker-Allowed", "/");
	th_write_str("<script>document.title = sessionStorage.getItem('terrarium-token')</script>\n");
	return 0;
}
`

// TestAppSandbox: neither interface lets an app drop the sandbox policy
// or widen a service worker's scope.
func TestAppSandbox(t *testing.T) {
	s := newServer(t, func(c *Config) { c.Editor = true })
	for name, src := range map[string]string{"cgi": sandboxEscapeCGI, "th": sandboxEscapeTH} {
		res, _, body := s.deploy(t, name, tartest.Files(t, "main.c", src))
		if te, ok := errorsAsToolchain(res.Error); ok {
			t.Skip(te)
		}
		require.Equal(t, "deployed", res.Status, body)
		code, h, out := getWithHeader(t, s.url+"/"+name+"/")
		require.Equal(t, 200, code, out)
		require.True(t, strings.HasPrefix(out, "<script>"), out)
		require.Equal(t, []string{"sandbox allow-same-origin allow-scripts", appSandbox}, h.Values("Content-Security-Policy"), name)
		require.Empty(t, h.Values("Service-Worker-Allowed"), name)
	}
}
