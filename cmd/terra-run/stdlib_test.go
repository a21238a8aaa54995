package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/terra-runtime/terra"
)

// stdlibPackages are the standard-library packages whose own tests
// TestStdlib runs under terra-run.
var stdlibPackages = []string{
	"strconv", "strings", "bytes", "sort", "encoding/json", "regexp", "os", "compress/flate",
	"unicode/utf8", "math", "encoding/base64", "container/list", "bufio",
}

// TestStdlib compiles the tests of standard-library packages for wasip1
// and runs them under terra-run as Go's own wasip1 runner
// ($GOROOT/lib/wasm/go_wasip1_wasm_exec) does: the host's / preopened as /,
// the package's directory in PWD, the host's PATH, and -test.short. (Only
// the package's directory is not enough: os's tests open $GOROOT/go.env and
// /dev/null, compress/flate's read ../../testdata.) TMPDIR is a scratch
// directory of this test. It is slow
// under the interpreter: it skips under -short, and each package has
// TERRA_STDLIB_TIMEOUT (default 10m). TERRA_STDLIB_PKGS (comma-separated)
// selects other packages. Run it with a large -timeout:
//
//	go test -run TestStdlib -timeout 2h -v ./cmd/terra-run
func TestStdlib(t *testing.T) {
	if testing.Short() {
		t.Skip("slow: the standard library's tests in the interpreter")
	}
	if !wasiAvailable {
		t.Skip("terra-run is built without WASI (host/wasi)")
	}
	pkgs := stdlibPackages
	if s := os.Getenv("TERRA_STDLIB_PKGS"); s != "" {
		pkgs = strings.Split(s, ",")
	}
	timeout := 10 * time.Minute
	if s := os.Getenv("TERRA_STDLIB_TIMEOUT"); s != "" {
		d, err := time.ParseDuration(s)
		require.NoError(t, err)
		timeout = d
	}
	goroot, err := exec.Command("go", "env", "GOROOT").Output()
	require.NoError(t, err)
	src := filepath.Join(strings.TrimSpace(string(goroot)), "src")

	// Build every test binary, in parallel.
	bin := t.TempDir()
	type built struct {
		wasm string
		err  error
		took time.Duration
	}
	builds := make(map[string]*built)
	var wg sync.WaitGroup
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	for _, pkg := range pkgs {
		b := &built{wasm: filepath.Join(bin, strings.ReplaceAll(pkg, "/", "_")+".wasm")}
		builds[pkg] = b
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			start := time.Now()
			cmd := exec.Command("go", "test", "-c", "-o", b.wasm, pkg)
			cmd.Env = append(os.Environ(), "GOOS=wasip1", "GOARCH=wasm")
			if out, err := cmd.CombinedOutput(); err != nil {
				b.err = fmt.Errorf("go test -c %s: %v\n%s", pkg, err, out)
			}
			b.took = time.Since(start)
		})
	}
	wg.Wait()

	for _, tier := range availableTiers(t) {
		for _, pkg := range pkgs {
			t.Run(tier+"/"+pkg, func(t *testing.T) {
				b := builds[pkg]
				require.NoError(t, b.err)
				dir := filepath.Join(src, pkg)
				start := time.Now()
				r := runCLI(t, "",
					"--tier", tier,
					"--timeout", timeout.String(),
					"--dir", "/",
					"--env", "PWD="+dir,
					"--env", "PATH="+os.Getenv("PATH"),
					"--env", "TMPDIR="+t.TempDir(),
					b.wasm, "-test.short", "-test.v=false")
				took := time.Since(start)
				t.Logf("%s on %s: build %v, run %v, exit %d", pkg, tier, b.took.Round(time.Millisecond), took.Round(time.Millisecond), r.code)
				if !assert.Equal(t, 0, r.code) || !assert.Contains(t, r.stdout, "PASS") {
					t.Logf("stdout (tail):\n%s", tail(r.stdout, 60))
					t.Logf("stderr (tail):\n%s", tail(r.stderr, 60))
				}
			})
		}
	}
}

// availableTiers lists the tiers that the programs and the standard
// library's tests run on: the interpreter, and the JIT and the tiered
// engine where this platform has them.
func availableTiers(t *testing.T) []string {
	tiers := []string{string(terra.TierInterp)}
	for _, tier := range []terra.Tier{terra.TierJIT, terra.TierTiered} {
		if _, err := terra.NewRuntime(terra.Config{Tier: tier}); err == nil {
			tiers = append(tiers, string(tier))
		} else {
			t.Logf("the %s tier: %v", tier, err)
		}
	}
	return tiers
}

// tail returns the last n lines of s.
func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
