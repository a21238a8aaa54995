package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/stretchr/testify/require"
	"github.com/terra-runtime/terra/internal/tartest"
)

// browser drives one tab of a headless Chromium.
type browser struct {
	t   *testing.T
	ctx context.Context

	mu       sync.Mutex
	problems []string // exceptions, console errors, CSP violations
}

// chromium returns Debian's Chromium, or skips t (fails it with
// TERRA_REQUIRE_ALL=1).
func chromium(t *testing.T) string {
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	skip(t, "needs a headless Chromium: install the Debian package chromium")
	return ""
}

func newBrowser(t *testing.T, execPath string) *browser {
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(execPath),
		chromedp.WindowSize(1440, 900),
		chromedp.Flag("lang", "en-US"),
	)
	if os.Geteuid() == 0 {
		opts = append(opts, chromedp.NoSandbox) // Chromium refuses root otherwise
	}
	ctx, cancel := chromedp.NewContext(context.Background(), chromedp.WithAllocatorOptions(opts...))
	t.Cleanup(cancel)
	b := &browser{t: t, ctx: ctx}
	// Start the browser, unbounded by a timeout, on a laptop's screen.
	require.NoError(t, chromedp.Do(ctx, chromedp.EmulateViewport(1440, 900)))
	messages := chromedp.Console(ctx)
	go func() {
		for m, err := range messages {
			if err != nil {
				return
			}
			// The browser logs refused loads (a 401 from a wrong token, say)
			// under "network": the page handles those itself.
			if m.IsException() || m.Source == "security" || (m.Type == chromedp.ConsoleError && m.Source != "network") {
				b.mu.Lock()
				b.problems = append(b.problems, m.String())
				b.mu.Unlock()
			}
		}
	}()
	// A policy violation anywhere in the page is a failure too: record
	// them from the start of every document.
	_, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{
		Source: `document.addEventListener('securitypolicyviolation', (e) =>
			console.error('CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI + ' at ' + e.sourceFile + ':' + e.lineNumber + ':' + e.columnNumber + ' ' + e.sample));`,
	})
	require.NoError(t, err)
	return b
}

// do runs actions with a time limit.
func (b *browser) do(timeout time.Duration, actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, timeout)
	defer cancel()
	require.NoError(b.t, chromedp.Do(ctx, actions...))
}

func js(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}

// eval evaluates a JavaScript expression.
func eval[T any](b *browser, expr string) T {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 10*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	require.NoError(b.t, err, expr)
	return v
}

func (b *browser) text(sel string) string {
	b.t.Helper()
	return eval[string](b, fmt.Sprintf(`document.querySelector(%s).textContent`, js(sel)))
}

// waitText waits until the element's text contains want.
func (b *browser) waitText(sel, want string, timeout time.Duration) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, timeout+5*time.Second)
	defer cancel()
	_, err := chromedp.Run(ctx, chromedp.Poll[bool](
		fmt.Sprintf(`(document.querySelector(%s)?.textContent ?? '').includes(%s)`, js(sel), js(want)),
		chromedp.WithPollingInterval(100*time.Millisecond), chromedp.WithPollingTimeout(timeout)))
	if err != nil {
		b.t.Fatalf("waiting for %q in %s: %v\nit says: %q\nbuild log: %q", want, sel, err, b.text(sel), b.text("#build-log"))
	}
}

// fill types value into an input or a text area, replacing what it held.
func (b *browser) fill(sel, value string) {
	b.t.Helper()
	eval[bool](b, fmt.Sprintf(`(document.querySelector(%s).value = '') === ''`, js(sel)))
	b.do(10*time.Second, chromedp.SendKeys(chromedp.CSS(sel), value))
	require.Equal(b.t, value, eval[string](b, fmt.Sprintf(`document.querySelector(%s).value`, js(sel))))
}

// choose picks an option of a select, as a change by the user would.
func (b *browser) choose(sel, value string) {
	b.t.Helper()
	b.do(10*time.Second, chromedp.SetValue(chromedp.CSS(sel), value)) // with its input and change events
	require.Equal(b.t, value, eval[string](b, fmt.Sprintf(`document.querySelector(%s).value`, js(sel))))
}

// write replaces the editor's text as a person would with the keyboard:
// Tab from the example's menu into the editor, Ctrl+A to select all, then
// a paste. (Chrome's Input.insertText would go through the browser's own
// editing, which adds inline styles that the page's policy refuses, and
// which no keyboard or paste makes.)
func (b *browser) write(src string) {
	b.t.Helper()
	b.do(10*time.Second, chromedp.Focus(chromedp.ID("example")), chromedp.KeyEvent(kb.Tab))
	require.Equal(b.t, "cm-content", eval[string](b, `document.activeElement.className`), "Tab did not lead into the editor")
	require.Equal(b.t, "solid", eval[string](b, `getComputedStyle(document.getElementById('editor')).outlineStyle`), "the editor shows no focus")
	b.do(10*time.Second, chromedp.KeyEvent("a", chromedp.KeyModifiers(chromedp.ModifierCtrl)))
	eval[bool](b, fmt.Sprintf(`(() => {
		const data = new DataTransfer();
		data.setData('text/plain', %s);
		return document.activeElement.dispatchEvent(new ClipboardEvent('paste', {clipboardData: data, bubbles: true, cancelable: true}));
	})()`, js(src)))
	require.Equal(b.t, src, b.editorText())
}

// editorText returns the editor's text (every line is drawn: the
// programs are short).
func (b *browser) editorText() string {
	b.t.Helper()
	return eval[string](b, `[...document.querySelectorAll('#editor .cm-line')].map((l) => l.textContent).join('\n')`)
}

// deployed waits for the deploy that the caller started to end with want.
func (b *browser) deployed(want string) {
	b.t.Helper()
	b.waitText("#deploy-status", want, 4*time.Minute)
}

// call sends a request from the call form and waits for its answer.
func (b *browser) call(method, path, headers, body, wantLine string) {
	b.t.Helper()
	b.choose("#method", method)
	b.fill("#path", path)
	b.fill("#headers", headers)
	b.fill("#body", body)
	before := b.text("#response-line")
	b.do(10*time.Second, chromedp.Click(chromedp.CSS("#send")))
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	_, err := chromedp.Run(ctx, chromedp.Poll[bool](
		fmt.Sprintf(`document.querySelector('#response-line').textContent !== %s`, js(before)),
		chromedp.WithPollingInterval(50*time.Millisecond)))
	require.NoError(b.t, err, "no answer came: %s", b.text("#call-status"))
	require.Contains(b.t, b.text("#response-line"), wantLine)
}

func (b *browser) checkProblems() {
	b.t.Helper()
	b.mu.Lock()
	defer b.mu.Unlock()
	require.Empty(b.t, b.problems, "the page reported problems")
}

const goApp = `package main

import (
	"fmt"
	"net/http"
	"os"

	"github.com/terra-runtime/terra/host/http/terrahttp"
)

func main() {
	terrahttp.Serve(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(os.Stderr, "go app served %s\n", r.URL.Path)
		w.Header().Set("X-Written-In", "the browser")
		fmt.Fprintf(w, "Go from the editor: %s %s\n", r.Method, r.URL.RequestURI())
	}))
}
`

const cApp = `#include <stdio.h>
#include <stdlib.h>

int main(void) {
	char body[256];
	size_t n = fread(body, 1, sizeof body - 1, stdin);
	body[n] = 0;
	const char *who = getenv("HTTP_X_WHO");
	fprintf(stderr, "c app read %zu bytes\n", n);
	printf("Content-Type: text/plain\nStatus: 201 Created\n\n");
	printf("GREETING: %s %s, %s says %s\n", getenv("REQUEST_METHOD"), getenv("PATH_INFO"), who ? who : "nobody", body);
	return 0;
}
`

// escapeApp's page tries to read the editor's session storage.
const escapeApp = `#include <stdio.h>
int main(void) {
	printf("Content-Type: text/html\n\n<title>loading</title><script>\n");
	printf("try { document.title = 'read: ' + sessionStorage.getItem('terrarium-token'); }\n");
	printf("catch (e) { document.title = 'refused: ' + e.name; }\n</script>\n");
	return 0;
}
`

// TestBrowser writes, deploys and calls apps through the web editor in a
// headless Chromium: a Go app and a C app, a broken program whose compiler
// error shows in the log, a rollback, a .wasm upload and a delete; and an
// app's page that cannot reach the token the editor keeps. With
// TERRARIUM_SCREENSHOT=file.png (relative to the repository's root) it
// saves a screenshot of the editor.
func TestBrowser(t *testing.T) {
	needToolchains(t)
	b := newBrowser(t, chromium(t))
	s := start(t, t.TempDir())
	began := time.Now()

	// Without the token, the page asks for it and shows nothing else.
	b.do(30*time.Second, chromedp.Navigate(s.url+"/"), chromedp.WaitVisible(chromedp.ID("token")))
	require.True(t, eval[bool](b, `document.getElementById('workspace').hidden`))
	require.Equal(t, "", b.text("#app-list"))
	b.do(10*time.Second, chromedp.SendKeys(chromedp.ID("token"), "not-the-token"+kb.Enter))
	b.waitText("#login-error", "The server did not accept that token.", 10*time.Second)
	require.True(t, eval[bool](b, `document.getElementById('workspace').hidden`))
	require.True(t, eval[bool](b, `sessionStorage.length === 0`))
	b.do(10*time.Second, chromedp.SendKeys(chromedp.ID("token"), token+kb.Enter), chromedp.WaitVisible(chromedp.ID("workspace")))
	require.Equal(t, token, eval[string](b, `sessionStorage.getItem('terrarium-token')`))
	require.True(t, eval[bool](b, `localStorage.length === 0`))

	// Every control has a name that assistive technology reads.
	unlabelled := eval[[]string](b, `[...document.querySelectorAll('#workspace input, #workspace select, #workspace textarea, #workspace button, #editor [contenteditable]')]
		.filter((e) => !(e.labels?.length || e.getAttribute('aria-label') || e.getAttribute('aria-labelledby') || e.textContent.trim()))
		.map((e) => e.outerHTML.slice(0, 80))`)
	require.Empty(t, unlabelled)

	// A Go app (terra_http), written in the editor and deployed by keyboard
	// (Ctrl+Enter in the editor); the log pane keeps its size meanwhile.
	b.fill("#app-name", "hello-go")
	b.choose("#language", "go")
	require.Equal(t, "go", eval[string](b, `document.getElementById('example').value`))
	require.Contains(t, eval[string](b, `document.querySelector('#editor .cm-content').textContent`), "terrahttp.Serve(mux)")
	b.write(goApp)
	b.do(10*time.Second,
		chromedp.KeyEvent(kb.End, chromedp.KeyModifiers(chromedp.ModifierCtrl)),
		chromedp.KeyEvent("// typed key by key"))
	require.Equal(t, goApp+"// typed key by key", b.editorText())
	layout := `JSON.stringify([document.getElementById('build-log').getBoundingClientRect(), document.getElementById('call').getBoundingClientRect()])`
	before := eval[string](b, layout)
	b.do(10*time.Second, chromedp.KeyEvent(kb.Enter, chromedp.KeyModifiers(chromedp.ModifierCtrl)))
	b.deployed("Deployed hello-go version 1 (go, terra_http)")
	require.Equal(t, before, eval[string](b, layout), "the layout moved while the build log streamed")
	require.Contains(t, b.text("#build-log"), "terrarium: building a go app")
	require.Contains(t, b.text("#build-log"), "$ ")
	b.waitText("#app-list", "hello-go", 5*time.Second)

	b.call("GET", "/greet?x=1", "", "", "200 OK")
	require.Equal(t, "Go from the editor: GET /greet?x=1\n", b.text("#response-body"))
	require.Regexp(t, regexp.MustCompile(`200 OK · [\d.]+ (ms|s) · `), b.text("#response-line"))
	headers := b.text("#response-headers")
	require.Contains(t, headers, "x-written-inthe browser")
	require.Contains(t, headers, "content-security-policysandbox allow-scripts")
	b.waitText("#app-log", "go app served /greet", 10*time.Second)

	// A C app (CGI), deployed with the button, called with a header and a
	// body.
	b.fill("#app-name", "hello-c")
	b.choose("#language", "c")
	b.choose("#example", "cgi-c")
	b.write(strings.Replace(cApp, "GREETING", "C from the editor", 1))
	b.do(10*time.Second, chromedp.Click(chromedp.ID("deploy")))
	b.deployed("Deployed hello-c version 1 (c, cgi)")
	callC := func(greeting string) {
		t.Helper()
		b.call("POST", "/echo", "X-Who: the test", "hi there", "201 Created")
		require.Equal(t, greeting+": POST /echo, the test says hi there\n", b.text("#response-body"))
	}
	callC("C from the editor")
	b.waitText("#app-log", "c app read 8 bytes", 10*time.Second)

	// A broken program: the compiler's error is in the log, and version 1
	// still serves.
	b.write(strings.Replace(cApp, "return 0;", "return nope;", 1))
	b.do(10*time.Second, chromedp.Click(chromedp.ID("deploy")))
	b.deployed("The build failed")
	b.waitText("#build-log", "use of undeclared identifier 'nope'", 5*time.Second)
	callC("C from the editor")

	// Version 2, then a rollback to version 1.
	b.write(strings.Replace(cApp, "GREETING", "C again", 1))
	b.do(10*time.Second, chromedp.Click(chromedp.ID("deploy")))
	b.deployed("Deployed hello-c version 2")
	callC("C again")
	b.waitText("#versions", "v2 (current)", 5*time.Second)
	b.do(10*time.Second, chromedp.Click(chromedp.ID("rollback")))
	b.waitText("#details-message", "Rolled hello-c back: version 1 serves.", 10*time.Second)
	b.waitText("#versions", "v1 (current)", 5*time.Second)
	callC("C from the editor")
	if p := os.Getenv("TERRARIUM_SCREENSHOT"); p != "" {
		if !filepath.IsAbs(p) {
			p = filepath.Join("..", "..", p)
		}
		ctx, cancel := context.WithTimeout(b.ctx, 20*time.Second)
		png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
		cancel()
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(p, png, 0o644))
		t.Logf("screenshot in %s", p)
	}

	// A ready module, uploaded; then deleted.
	wasm, err := filepath.Abs("../../examples/wasm/hello.wasm")
	require.NoError(t, err)
	b.fill("#app-name", "hello-wasm")
	b.choose("#language", "wasm")
	require.True(t, eval[bool](b, `document.getElementById('source-field').hidden`))
	b.do(10*time.Second, chromedp.SetUploadFiles(chromedp.ID("wasm-file"), []string{wasm}))
	b.do(10*time.Second, chromedp.Click(chromedp.ID("deploy")))
	b.deployed("Deployed hello-wasm version 1 (wasm, cgi)")
	b.call("GET", "/?from=browser", "", "", "200 OK")
	require.Equal(t, "hello from C over CGI: GET /?from=browser, 0 bytes of body\n", b.text("#response-body"))
	b.do(10*time.Second, chromedp.Click(chromedp.ID("delete")), chromedp.WaitVisible(chromedp.ID("delete-yes")))
	require.Contains(t, b.text("#confirm-delete-text"), "Delete hello-wasm")
	b.do(10*time.Second, chromedp.Click(chromedp.ID("delete-yes")))
	b.waitText("#apps-message", "Deleted hello-wasm.", 10*time.Second)
	require.NotContains(t, b.text("#app-list"), "hello-wasm")
	require.Contains(t, b.text("#app-list"), "hello-c")

	// An app's page in the same tab, whose session storage holds the
	// token, runs sandboxed in an opaque origin: its script cannot read it.
	res := s.deploy(t, "escape", tartest.Files(t, "main.c", escapeApp))
	require.Equal(t, 1, res.Version)
	b.do(30*time.Second, chromedp.Navigate(s.url+"/escape/"))
	ctx, cancel := context.WithTimeout(b.ctx, 10*time.Second)
	title, err := chromedp.Run(ctx, chromedp.Poll[string](`document.title !== 'loading' && document.title`,
		chromedp.WithPollingInterval(50*time.Millisecond)))
	cancel()
	require.NoError(t, err)
	require.Equal(t, "refused: SecurityError", title)

	// Back at the editor, the tab still has the token: no need to ask.
	b.do(30*time.Second, chromedp.Navigate(s.url+"/"), chromedp.WaitVisible(chromedp.ID("workspace")))
	b.waitText("#app-list", "escape", 10*time.Second)
	b.do(10*time.Second, chromedp.Click(chromedp.ID("forget")), chromedp.WaitVisible(chromedp.ID("token")))
	require.True(t, eval[bool](b, `sessionStorage.length === 0 && document.getElementById('workspace').hidden`))
	require.Equal(t, "", b.text("#app-list"))

	b.checkProblems()
	t.Logf("browser test took %s", time.Since(began).Round(time.Millisecond))
}
