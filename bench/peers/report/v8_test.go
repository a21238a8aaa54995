package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/terra-runtime/terra/bench"
)

// TestCheckV8 checks that v8.mjs's output is accepted only with the right
// number of runs and checksums, all of them right.
func TestCheckV8(t *testing.T) {
	ok := v8Output{RunsNS: []int64{1, 2}, Checksums: []string{"0x5", "0x5", "0x5"}}
	if err := checkV8(ok, 2, true, "0x5"); err != nil {
		t.Errorf("checkV8 of good kernel output: %v", err)
	}
	if err := checkV8(ok, 2, false, "0x5"); err == nil {
		t.Error("checkV8 accepted a checksum too many")
	}
	bad := v8Output{RunsNS: []int64{1, 2}, Checksums: []string{"0x5", "0x6"}}
	if err := checkV8(bad, 2, false, "0x5"); err == nil {
		t.Error("checkV8 accepted a wrong checksum")
	}
	if got := v8Runs(ok); len(got) != 2 || got[1] != 2*time.Nanosecond {
		t.Errorf("v8Runs = %v, want [1ns 2ns]", got)
	}
}

// TestFindNodeMissing checks that without a usable node the note says how
// to install one.
func TestFindNodeMissing(t *testing.T) {
	path, note := findNode("/nonexistent/node")
	if path != "" || !strings.Contains(note, nodeInstall) {
		t.Errorf("findNode(missing) = %q, %q; want no path and a note with %q", path, note, nodeInstall)
	}
}

// TestStartupMarkdown checks the Startup section's tables.
func TestStartupMarkdown(t *testing.T) {
	r := newReport(1)
	r.StartupImpls = []string{"terra-interp", "wazero-interp", "v8"}
	r.Startup = []startupResult{
		{Measure: "instantiate", Module: "tiny", Impl: "terra-interp", Iters: 10, P50: 5 * time.Microsecond, P99: 9 * time.Microsecond},
		{Measure: "instantiate", Module: "tiny", Impl: "wazero-interp", Iters: 10, P50: 15 * time.Microsecond, P99: 30 * time.Microsecond},
		{Measure: "instantiate", Module: "tiny", Impl: "v8", Iters: 10, P50: 20 * time.Microsecond, P99: 40 * time.Microsecond},
		{Measure: "warm-call", Module: "tiny", Impl: "terra-interp", Iters: 10, P50: 300, P99: 900},
		{Measure: "warm-call", Module: "tiny", Impl: "wazero-interp", Iters: 10, P50: 150, P99: 600},
		{Measure: "warm-call", Module: "tiny", Impl: "v8", Iters: 10, P50: 100, P99: 200},
	}
	r.Startup = append(r.Startup, startupResult{Measure: "decode", Module: "tiny", Impl: "terra-interp", Iters: 10, P50: 500, P99: 700})
	// Compile speeds: wazero-interp's on gohello only (tiny is too small,
	// terra-interp and v8 compile lazily).
	r.BodyBytes = map[string]int64{"gohello": 2_000_000, "tiny": 10}
	for impl, d := range map[string]time.Duration{"terra-interp": 10, "wazero-interp": 50 * time.Millisecond, "v8": 10} {
		r.Startup = append(r.Startup,
			startupResult{Measure: "compile", Module: "gohello", Impl: impl, Iters: 2, P50: d, P99: d},
			startupResult{Measure: "compile", Module: "tiny", Impl: impl, Iters: 2, P50: d, P99: d})
	}
	md := r.markdown()
	if n := strings.Count(md, " MB/s |"); n != 1 {
		t.Errorf("%d compile speeds, want 1 (wazero-interp on gohello):\n%s", n, md)
	}
	if strings.Contains(md, "| decode | tiny | – |") {
		t.Error("a ratio row for decode, which no peer ran")
	}
	for _, want := range []string{
		"## Startup",
		"| decode | tiny | 10 | 500 ns (700 ns) | – | – |",
		"| instantiate | tiny | 10 | 5 µs (9 µs) | 15 µs (30 µs) | 20 µs (40 µs) |",
		"| warm-call | tiny | 10 | 300 ns (900 ns) | 150 ns (600 ns) | 100 ns (200 ns) |",
		"| instantiate | tiny | 3.0x faster | 4.0x faster |",
		"| warm-call | tiny | 2.0x slower | 3.0x slower |",
		"v8 is timed inside node", "It has no decode",
		"| gohello | wazero-interp | 2.0 MB | 50 ms | 40.0 MB/s |",
		"instantiate is the pooled case", fmt.Sprintf("at most %d stay open", bench.FreshCap),
	} {
		if !strings.Contains(md, want) {
			t.Errorf("report.md lacks %q:\n%s", want, md)
		}
	}
}

// TestV8StartupImplCommand checks that v8's command line for
// measure=process runs the node given with v8run.mjs, written into dir.
func TestV8StartupImplCommand(t *testing.T) {
	dir := t.TempDir()
	argv, err := v8StartupImpl("/opt/node").Command("", dir)
	if err != nil {
		t.Fatal(err)
	}
	script := filepath.Join(dir, "v8run.mjs")
	if len(argv) == 0 || argv[0] != "/opt/node" || argv[len(argv)-1] != script {
		t.Errorf("argv = %q, want /opt/node ... %s", argv, script)
	}
	if got, err := os.ReadFile(script); err != nil || string(got) != v8RunScript {
		t.Errorf("%s: %v, or not v8run.mjs", script, err)
	}
}

// TestV8Startup runs every start-up measure that V8 has with a few
// iterations each, as the report runs them, checking every iteration's
// checksum (the process measure's output); it needs a node 22 or later.
func TestV8Startup(t *testing.T) {
	if testing.Short() {
		t.Skip("runs node")
	}
	node := testNode(t)
	const repoRoot = "../../.." // root is relative to bench/peers
	cs, err := startupCases(repoRoot, 3, 2)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	measured := 0
	for _, c := range cs {
		if !c.applies(v8StartupImpl(node)) {
			continue
		}
		res, err := startupJob{c, v8StartupImpl(node)}.run(ctx, node, repoRoot, t.TempDir())
		if err != nil {
			t.Errorf("%s/%s: %v", c.measure, c.module, err)
			continue
		}
		if res.Impl != "v8" || res.Iters != c.iters || res.P50 <= 0 || res.P99 < res.P50 {
			t.Errorf("%s/%s: %+v", c.measure, c.module, res)
		}
		measured++
	}
	if measured != len(cs)-3 { // every case but the three decodes
		t.Errorf("measured %d cases of %d, want all but decode", measured, len(cs))
	}
}

// testNode returns a node fit for the report, or skips t: findNode's
// choice, else the one that nodeInstall puts into bench/peers, since
// localNode is relative to bench/peers and tests run in bench/peers/report.
func testNode(t *testing.T) string {
	for _, flag := range []string{"", filepath.Join("..", localNode)} {
		if node, _ := findNode(flag); node != "" {
			return node
		}
	}
	t.Skipf("no node 22 or later; install one with `%s`", nodeInstall)
	return ""
}
