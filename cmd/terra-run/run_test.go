package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/pprof/profile"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/terra-runtime/terra"
	w "github.com/terra-runtime/terra/internal/wasmtest"
)

// result is what one run of terra-run did.
type result struct {
	code           int
	stdout, stderr string
}

// runCLI runs terra-run in-process.
func runCLI(t testing.TB, stdin string, args ...string) result {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(args, strings.NewReader(stdin), &stdout, &stderr)
	return result{code, stdout.String(), stderr.String()}
}

// programs is testdata/programs, with the prebuilt modules.
const programs = "../../testdata/programs"

func writeFile(t testing.TB, name string, data []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	require.NoError(t, os.WriteFile(path, data, 0o644))
	return path
}

// Modules for the error cases.
var (
	// imports env.missing: () -> ()
	importsMissing = w.Module(
		w.Section(w.SecType, w.Vec(w.FuncType(nil, nil))),
		w.Section(w.SecImport, w.Vec(w.Cat(w.Name("env"), w.Name("missing"), []byte{w.KindFunc}, w.ULEB(0)))),
	)
	// a function typed () -> i32 whose body returns an i64
	invalidModule = w.Module(
		w.Section(w.SecType, w.Vec(w.FuncType(nil, []byte{w.I32}))),
		w.Section(w.SecFunction, w.Vec(w.ULEB(0))),
		w.Section(w.SecCode, w.Vec(w.Body(nil, 0x42, 0x00, 0x0b))),
	)
	// a memory of at least 100 pages
	bigMemory = w.Module(
		w.Section(w.SecMemory, w.Vec([]byte{0x00, 100})),
	)
	// exports nothing runnable
	noStart = w.Module(
		w.Section(w.SecType, w.Vec(w.FuncType(nil, nil))),
		w.Section(w.SecFunction, w.Vec(w.ULEB(0))),
		w.Section(w.SecExport, w.Vec(w.Export("f", w.KindFunc, 0))),
		w.Section(w.SecCode, w.Vec(w.Body(nil, 0x0b))),
	)
)

func truncated(t testing.TB) []byte {
	data, err := os.ReadFile(filepath.Join(programs, "c/hello.wasm"))
	require.NoError(t, err)
	return data[:len(data)/2]
}

// TestBadInput checks that each kind of bad input gets one clear line on
// stderr and a non-zero exit code.
func TestBadInput(t *testing.T) {
	tests := []struct {
		name   string
		module []byte   // written to a file that is the module argument
		args   []string // before the module
		code   int
		want   string // in stderr
	}{
		{name: "not wasm", module: []byte("#!/bin/sh\necho hello\n"), code: exitError, want: "not a WebAssembly module"},
		{name: "empty file", module: []byte{}, code: exitError, want: "not a WebAssembly module"},
		{name: "magic only", module: []byte("\x00asm"), code: exitError, want: "truncated module: it ends before its version"},
		{name: "truncated", module: truncated(t), code: exitError,
			want: "truncated module: its code section at offset 0x149 has 3536 bytes, of which the file holds 2022"},
		{name: "truncated header", module: truncated(t)[:9], code: exitError,
			want: "truncated module: it ends in the header of the section at offset 0x8"},
		{name: "malformed", module: []byte("\x00asm\x01\x00\x00\x00\x0e\x00"), code: exitError,
			want: ": malformed module: module section at offset 0x8: malformed section id"},
		{name: "invalid", module: invalidModule, code: exitError, want: ": invalid module: code section"},
		{name: "missing import", module: importsMissing, code: exitError, want: "cannot link import env.missing"},
		{name: "memory limit", module: bigMemory, args: []string{"--max-memory", "1MiB"}, code: exitError,
			want: "needs more memory than --max-memory allows (16 pages, 1 MiB)"},
		{name: "memory limit pages", module: bigMemory, args: []string{"--max-memory", "99"}, code: exitError,
			want: "needs more memory than --max-memory allows (99 pages"},
		{name: "no _start", module: noStart, code: exitError, want: "no _start function"},
		{name: "missing dir", module: noStart, args: []string{"--dir", "/does/not/exist::/data"}, code: exitUsage,
			want: "--dir /does/not/exist: no such directory"},
		{name: "dir is a file", module: noStart, args: []string{"--dir", "run_test.go"}, code: exitUsage,
			want: "--dir run_test.go: not a directory"},
		{name: "bad dir", module: noStart, args: []string{"--dir", "::/data"}, code: exitUsage, want: `--dir "::/data": want HOST`},
		{name: "negative timeout", module: noStart, args: []string{"--timeout", "-1s"}, code: exitUsage,
			want: "--timeout -1s: want a positive duration"},
		{name: "bad timeout", module: noStart, args: []string{"--timeout", "soon"}, code: exitUsage, want: "invalid value"},
		{name: "bad env", module: noStart, args: []string{"--env", "=x"}, code: exitUsage, want: `--env "=x"`},
		{name: "profile path", module: noStart, args: []string{"--profile", "/does/not/exist/cpu.pprof"}, code: exitUsage,
			want: "--profile: open /does/not/exist/cpu.pprof: no such file or directory"},
		{name: "unknown tier", module: noStart, args: []string{"--tier", "fast"}, code: exitUsage, want: `--tier "fast"`},
		{name: "unknown flag", module: noStart, args: []string{"--frobnicate"}, code: exitUsage, want: "flag provided but not defined: -frobnicate"},
		{name: "bad max-memory", module: noStart, args: []string{"--max-memory", "12 parsecs"}, code: exitUsage, want: "unknown unit"},
		{name: "odd max-memory", module: noStart, args: []string{"--max-memory", "100KiB"}, code: exitUsage, want: "not a whole number of 64 KiB pages"},
		{name: "missing export", module: noStart, args: []string{"--invoke", "g"}, code: exitError, want: `exports no function "g"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeFile(t, "m.wasm", tt.module)
			r := runCLI(t, "", append(tt.args, path)...)
			assert.Equal(t, tt.code, r.code, "stderr: %s", r.stderr)
			assert.Contains(t, r.stderr, tt.want)
			assert.True(t, strings.HasPrefix(r.stderr, "terra-run: "), "stderr: %q", r.stderr)
			assert.Equal(t, 1, strings.Count(r.stderr, "\n"), "one line: %q", r.stderr)
			for _, what := range []string{"malformed module", "invalid module"} {
				assert.LessOrEqual(t, strings.Count(r.stderr, what), 1, "%q said once: %q", what, r.stderr)
			}
			assert.Empty(t, r.stdout)
		})
	}

	t.Run("flags after the module", func(t *testing.T) {
		r := runCLI(t, "", writeFile(t, "m.wasm", noStart), "--invoke", "f")
		assert.Equal(t, exitError, r.code)
		assert.Contains(t, r.stderr, "(--invoke comes after module.wasm, so it went to the guest: put terra-run's flags first)")
	})

	t.Run("no such file", func(t *testing.T) {
		r := runCLI(t, "", "/does/not/exist.wasm")
		assert.Equal(t, exitError, r.code)
		assert.Contains(t, r.stderr, "no such file or directory")
	})
	t.Run("no module", func(t *testing.T) {
		r := runCLI(t, "")
		assert.Equal(t, exitUsage, r.code)
		assert.Contains(t, r.stderr, "no module given")
	})
	t.Run("help", func(t *testing.T) {
		for _, flag := range []string{"-h", "--help"} {
			r := runCLI(t, "", flag)
			assert.Equal(t, 0, r.code)
			assert.Equal(t, usage, r.stderr)
		}
		for _, want := range []string{
			"usage: terra-run [flags] module.wasm [args...]\n       terra-run [flags] --invoke NAME module.wasm [args...]",
			"Flags go before module.wasm",
			"--dir HOST[::GUEST][:ro]",
			"Exit status:",
			"124    --timeout expired",
			"134    the guest trapped",
		} {
			assert.Contains(t, usage, want)
		}
	})
}

func TestParseMemory(t *testing.T) {
	for in, want := range map[string]uint32{
		"1": 1, "65536": 65536, "64KiB": 1, "64MiB": 1024, "1GiB": 16384, "4GiB": 65536, "1m": 16, "128k": 2, "65536B": 1,
	} {
		got, err := parseMemory(in)
		if assert.NoError(t, err, in) {
			assert.Equal(t, want, got, in)
		}
	}
	for _, in := range []string{"", "0", "65537", "MiB", "8GiB", "1.5MiB", "-1", "1TiB", "99999999999999999999"} {
		_, err := parseMemory(in)
		assert.Error(t, err, in)
	}
}

func TestGuestEnv(t *testing.T) {
	t.Setenv("TERRA_RUN_TEST_HOST", "from-host")
	env, err := guestEnv([]string{"A=1", "B=2=3", "A=4", "TERRA_RUN_TEST_HOST", "TERRA_RUN_TEST_UNSET"}, false)
	require.NoError(t, err)
	assert.Equal(t, []string{"A=4", "B=2=3", "TERRA_RUN_TEST_HOST=from-host"}, env)

	env, err = guestEnv([]string{"TERRA_RUN_TEST_HOST=override"}, true)
	require.NoError(t, err)
	assert.Contains(t, env, "TERRA_RUN_TEST_HOST=override")
	assert.NotContains(t, env, "TERRA_RUN_TEST_HOST=from-host")
	assert.Greater(t, len(env), 1)

	_, err = guestEnv([]string{"=x"}, false)
	assert.Error(t, err)
}

func TestParseDirs(t *testing.T) {
	dir := t.TempDir()
	got, err := parseDirs([]string{dir, dir + "::/data", dir + ":ro", dir + "::/data:ro"})
	require.NoError(t, err)
	assert.Equal(t, []preopen{{dir, dir, false}, {dir, "/data", false}, {dir, dir, true}, {dir, "/data", true}}, got)
	_, err = parseDirs([]string{"::/data"})
	assert.Error(t, err)
	_, err = parseDirs([]string{dir + "::"})
	assert.Error(t, err)
}

func TestInvoke(t *testing.T) {
	add := filepath.Join(programs, "c/add.wasm")
	tests := []struct {
		args []string
		code int
		out  string
		err  string
	}{
		{args: []string{"add", "2", "3"}, out: "5\n"},
		{args: []string{"add", "-2", "-3"}, out: "-5\n"},
		{args: []string{"add", "4294967295", "0"}, out: "-1\n"}, // unsigned input, signed output
		{args: []string{"mul64", "-3", "9223372036854775807"}, out: "-9223372036854775805\n"},
		{args: []string{"hypot", "3", "4"}, out: "5\n"},
		{args: []string{"hypot", "1.5", "-2"}, out: "2.5\n"},
		{args: []string{"hypot", "-inf", "1"}, out: "+Inf\n"},
		{args: []string{"hypot", "nan", "1"}, out: "NaN\n"},
		{args: []string{"half", "3"}, out: "1.5\n"},
		{args: []string{"half", "0.1"}, out: "0.05\n"},
		{args: []string{"add", "1"}, code: exitUsage, err: "want 2 arguments, have 1"},
		{args: []string{"add", "1", "4294967296"}, code: exitUsage, err: `argument 2: "4294967296" is not an i32`},
		{args: []string{"hypot", "1", "x"}, code: exitUsage, err: `argument 2: "x" is not an f64`},
		{args: []string{"divs", "1", "0"}, code: exitTrap, err: "wasm trap: integer divide by zero\n\tat divs at 0x"},
		{args: []string{"divs", "-2147483648", "-1"}, code: exitTrap, err: "wasm trap: integer overflow"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			args := append([]string{"--invoke", tt.args[0], add}, tt.args[1:]...)
			r := runCLI(t, "", args...)
			assert.Equal(t, tt.code, r.code, "stderr: %s", r.stderr)
			assert.Equal(t, tt.out, r.stdout)
			if tt.err == "" {
				assert.Empty(t, r.stderr)
			} else {
				assert.Contains(t, r.stderr, tt.err)
			}
		})
	}
}

func TestTimeout(t *testing.T) {
	start := time.Now()
	r := runCLI(t, "", "--timeout", "100ms", "--invoke", "spin", filepath.Join(programs, "c/add.wasm"), "1")
	assert.Less(t, time.Since(start), 5*time.Second)
	assert.Equal(t, exitTimeout, r.code)
	assert.Contains(t, r.stderr, "terra-run: wasm trap: interrupted")
	assert.Contains(t, r.stderr, "at spin")
}

func TestStats(t *testing.T) {
	r := runCLI(t, "", "--tier", "interp", "--stats", "--invoke", "add", filepath.Join(programs, "c/add.wasm"), "1", "2")
	assert.Equal(t, 0, r.code)
	assert.Equal(t, "3\n", r.stdout)
	assert.Regexp(t, `^terra-run: tier interp: decode \S+, validate \S+, compile \S+, instantiate \S+, run \S+\n$`, r.stderr)

	// Only the phases that ran.
	r = runCLI(t, "", "--tier", "interp", "--stats", writeFile(t, "m.wasm", invalidModule))
	assert.Equal(t, exitError, r.code)
	assert.Regexp(t, `\nterra-run: tier interp: decode \S+, validate \S+\n$`, r.stderr)
	r = runCLI(t, "", "--tier", "interp", "--stats", writeFile(t, "m.wasm", importsMissing))
	assert.Regexp(t, `\nterra-run: tier interp: decode \S+, validate \S+, compile \S+, instantiate \S+\n$`, r.stderr)
	r = runCLI(t, "", "--tier", "interp", "--stats", "/does/not/exist.wasm")
	assert.Regexp(t, `\nterra-run: tier interp\n$`, r.stderr)
}

// TestJITStats checks the JIT's line of --stats: what it compiled, how fast,
// and what it left to the interpreter (a function that uses SIMD).
func TestJITStats(t *testing.T) {
	if _, err := terra.NewRuntime(terra.Config{Tier: terra.TierJIT}); err != nil {
		t.Skipf("the JIT tier: %v", err)
	}
	r := runCLI(t, "", "--tier", "jit", "--stats", "--invoke", "add", writeFile(t, "m.wasm", simdAndAdd), "1", "2")
	assert.Equal(t, 0, r.code, "stderr: %s", r.stderr)
	assert.Equal(t, "3\n", r.stdout)
	assert.Regexp(t, `^terra-run: tier jit: decode \S+, validate \S+, compile \S+, instantiate \S+, run \S+\n`+
		`terra-run: jit: 1 functions compiled, 6 bytes of code bodies in [0-9.]+ ms \([0-9.]+ MB/s\), 1 left on the interpreter\n$`, r.stderr)
}

// TestUnavailableTier checks the usage error for a tier this platform
// lacks.
func TestUnavailableTier(t *testing.T) {
	if _, err := terra.NewRuntime(terra.Config{Tier: terra.TierTiered}); err == nil {
		t.Skip("every tier is available here")
	}
	r := runCLI(t, "", "--tier", "tiered", writeFile(t, "m.wasm", noStart))
	assert.Equal(t, exitUsage, r.code)
	assert.Contains(t, r.stderr, "no tiered tier")
}

// TestTieredStats checks what --stats says of the tiered engine: a kernel's
// one long call tiers up, its loop moving to machine code while it runs.
func TestTieredStats(t *testing.T) {
	if _, err := terra.NewRuntime(terra.Config{Tier: terra.TierTiered}); err != nil {
		t.Skipf("the tiered engine: %v", err)
	}
	r := runCLI(t, "", "--stats", "--invoke", "sieve", "../../bench/kernels/kernels.wasm", "4000000")
	assert.Equal(t, 0, r.code, "stderr: %s", r.stderr)
	assert.Equal(t, fmt.Sprint(0x7ec6d3bbe5)+"\n", r.stdout)
	assert.Regexp(t, `^terra-run: tier tiered: decode \S+, validate \S+, compile \S+, instantiate \S+, run \S+; tier-ups [1-9][0-9]*, OSR [1-9][0-9]*\n`+
		`terra-run: jit: [1-9][0-9]* functions compiled, `, r.stderr)
	assert.Regexp(t, `\nterra-run: tier-up sieve at \S+: code after \S+ \(\S+ waiting for a compiler\)\n`, r.stderr)
}

// TestTieredOSRPrograms runs commands whose hot loops sit in one long call
// (a C program's main, a Go program's scheduler and main) on the tiered
// engine, compiling functions on the spot as they turn hot (--tiering
// sync), and checks that their running loops moved to machine code and
// that their output is the JIT's.
func TestTieredOSRPrograms(t *testing.T) {
	if _, err := terra.NewRuntime(terra.Config{Tier: terra.TierTiered}); err != nil {
		t.Skipf("the tiered engine: %v", err)
	}
	for _, args := range [][]string{
		{filepath.Join(programs, "c/sha256.wasm"), "-n", "4"},
		{"../../bench/workloads/gojson/gojson.wasm"},
	} {
		t.Run(filepath.Base(args[0]), func(t *testing.T) {
			want := runCLI(t, "", append([]string{"--tier", "jit"}, args...)...)
			require.Equal(t, 0, want.code, want.stderr)
			r := runCLI(t, "", append([]string{"--tiering", "sync,threshold=20000", "--stats"}, args...)...)
			require.Equal(t, 0, r.code, r.stderr)
			assert.Equal(t, want.stdout, r.stdout)
			m := regexp.MustCompile(`tier-ups ([0-9]+), OSR ([0-9]+)`).FindStringSubmatch(r.stderr)
			require.NotNil(t, m, r.stderr)
			assert.NotEqual(t, "0", m[2], "no loop moved to machine code while it ran")
			t.Logf("%s: %s tier-ups, %s OSR entries", args[0], m[1], m[2])
		})
	}
}

// TestTieringFlag checks --tiering's parsing.
func TestTieringFlag(t *testing.T) {
	for _, bad := range []string{"threshold", "threshold=0", "threshold=x", "eager=1", "fast", ""} {
		r := runCLI(t, "", "--tiering", bad, writeFile(t, "m.wasm", noStart))
		assert.Equal(t, exitUsage, r.code, bad)
		assert.Contains(t, r.stderr, "flag -tiering", bad)
	}
	r := runCLI(t, "", "--tier", "jit", "--tiering", "eager", writeFile(t, "m.wasm", noStart))
	assert.Equal(t, exitUsage, r.code)
	assert.Contains(t, r.stderr, "--tiering tunes --tier tiered, not --tier jit")
}

// simdAndAdd exports add (i32.add of its parameters) and splat, which
// uses SIMD.
var simdAndAdd = w.Module(
	w.Section(w.SecType, w.Vec(w.FuncType([]byte{w.I32, w.I32}, []byte{w.I32}), w.FuncType(nil, nil))),
	w.Section(w.SecFunction, w.Vec([]byte{0}, []byte{1})),
	w.Section(w.SecExport, w.Vec(w.Export("add", w.KindFunc, 0), w.Export("splat", w.KindFunc, 1))),
	w.Section(w.SecCode, w.Vec(
		w.Body(nil, 0x20, 0, 0x20, 1, 0x6A, 0x0B),
		w.Body(nil, 0x41, 1, 0xFD, 0x11, 0x1A, 0x0B),
	)),
)

// TestProfile profiles a spinning function and reads the profile back.
func TestProfile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "cpu.pprof")
	r := runCLI(t, "", "--tier", "interp", "--profile", path, "--timeout", "300ms", "--invoke", "spin", filepath.Join(programs, "c/add.wasm"), "1")
	assert.Equal(t, exitTimeout, r.code)
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	p, err := profile.Parse(f)
	require.NoError(t, err)
	require.NoError(t, p.CheckValid())
	require.NotEmpty(t, p.Sample)
	var total int64
	for _, s := range p.Sample {
		total += s.Value[0]
		require.NotEmpty(t, s.Location)
		assert.Equal(t, "spin", s.Location[0].Line[0].Function.Name)
	}
	assert.Greater(t, total, int64(50), "about 300 samples at 1ms expected")

	// go tool pprof reads it and names the function.
	out, err := exec.Command("go", "tool", "pprof", "-top", path).CombinedOutput()
	require.NoError(t, err, "%s", out)
	assert.Contains(t, string(out), "spin")
}

// TestProfileBuild checks the profile that samples make.
func TestProfileBuild(t *testing.T) {
	p := newGuestProfiler("m.wasm", 10*time.Millisecond)
	leaf := terra.Frame{Func: 3, Name: "leaf", Offset: 0x40}
	mid := terra.Frame{Func: 2, Offset: 0x30} // unnamed
	root := terra.Frame{Instance: "main", Func: 1, Name: "_start", Offset: 0x20}
	p.sample([]terra.Frame{leaf, mid, root})
	p.sample([]terra.Frame{leaf, mid, root})
	leaf2 := leaf
	leaf2.Offset = 0x44
	p.sample([]terra.Frame{leaf2, mid, root})
	p.sample([]terra.Frame{mid, root})
	p.sample(nil) // ignored

	prof := p.build()
	require.NoError(t, prof.CheckValid())
	var buf bytes.Buffer
	require.NoError(t, prof.Write(&buf))
	prof, err := profile.Parse(&buf)
	require.NoError(t, err)

	assert.Equal(t, int64(10_000_000), prof.Period)
	assert.Len(t, prof.Function, 3)
	assert.Len(t, prof.Location, 4) // leaf twice, mid, root
	var stacks []string
	for _, s := range prof.Sample {
		var names []string
		for _, l := range s.Location {
			names = append(names, l.Line[0].Function.Name)
		}
		stacks = append(stacks, strings.Join(names, " < "))
		assert.Equal(t, s.Value[0]*10_000_000, s.Value[1])
	}
	assert.Equal(t, []string{
		"leaf < func[2] < main._start",
		"leaf < func[2] < main._start",
		"func[2] < main._start",
	}, stacks)
	assert.Equal(t, int64(2), prof.Sample[0].Value[0])
	assert.Equal(t, uint64(0x40), prof.Sample[0].Location[0].Address)
	assert.Equal(t, "m.wasm", prof.Function[0].Filename)
}

// TestNoPanic runs the built binary on bad input: never a Go panic trace.
func TestNoPanic(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := filepath.Join(t.TempDir(), "terra-run")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	require.NoError(t, err, "%s", out)
	for name, input := range map[string][]byte{
		"garbage":   []byte("\x00asm\x01\x00\x00\x00\xff\xff\xff\xff\xff\xff"),
		"truncated": truncated(t),
		"invalid":   invalidModule,
		"missing":   importsMissing,
	} {
		path := writeFile(t, name+".wasm", input)
		cmd := exec.Command(bin, path)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		err := cmd.Run()
		var ee *exec.ExitError
		require.ErrorAs(t, err, &ee, name)
		assert.Equal(t, exitError, ee.ExitCode(), name)
		assert.NotContains(t, stderr.String(), "goroutine ", name)
		assert.NotContains(t, stderr.String(), "panic", name)
		assert.Equal(t, 1, strings.Count(stderr.String(), "\n"), "%s: %q", name, stderr.String())
	}
	// A trap: exit code 134 and the stack trace.
	cmd := exec.Command(bin, "--invoke", "divs", filepath.Join(programs, "c/add.wasm"), "7", "0")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err = cmd.Run()
	var ee *exec.ExitError
	require.ErrorAs(t, err, &ee)
	assert.Equal(t, exitTrap, ee.ExitCode())
	assert.Contains(t, stderr.String(), "at divs")
}

// TestCacheStats runs a program twice with --cache on the default tier: the
// first run misses and stores the module's code (compiled in the
// background), the second loads it, as --stats says.
func TestCacheStats(t *testing.T) {
	if _, err := terra.NewRuntime(terra.Config{Tier: terra.TierTiered}); err != nil {
		t.Skipf("the tiered engine: %v", err)
	}
	dir := filepath.Join(t.TempDir(), "cache")
	sha := filepath.Join(programs, "c/sha256.wasm")
	first := runCLI(t, "abc", "--cache", dir, "--stats", sha)
	require.Equal(t, 0, first.code, "stderr: %s", first.stderr)
	assert.Regexp(t, `^terra-run: tier tiered: compile \S+, instantiate \S+, run \S+;`, first.stderr)
	assert.Contains(t, first.stderr, "\nterra-run: cache: 0 hits, 1 misses, 1 stored, 0 errors\n")

	second := runCLI(t, "abc", "--cache", dir, "--stats", sha)
	require.Equal(t, 0, second.code, "stderr: %s", second.stderr)
	assert.Equal(t, first.stdout, second.stdout)
	assert.Contains(t, second.stderr, "\nterra-run: cache: 1 hits, 0 misses, 0 stored, 0 errors\n")
	// Nothing tiers up: the functions switch to the entry's code, loaded
	// in the background, perhaps a running loop among them by OSR.
	assert.Regexp(t, `; tier-ups 0, OSR [01]\n`, second.stderr)

	// --tier jit shares the entries.
	jit := runCLI(t, "abc", "--tier", "jit", "--cache", dir, "--stats", sha)
	require.Equal(t, 0, jit.code, "stderr: %s", jit.stderr)
	assert.Equal(t, first.stdout, jit.stdout)
	assert.Contains(t, jit.stderr, "\nterra-run: cache: 1 hits, 0 misses, 0 stored, 0 errors\n")

	r := runCLI(t, "", "--tier", "interp", "--cache", dir, sha)
	assert.Equal(t, exitUsage, r.code)
	assert.Contains(t, r.stderr, "--cache with --tier interp")
}

// TestCacheUnusable: a --cache DIR that cannot be used is a warning, and
// the program runs.
func TestCacheUnusable(t *testing.T) {
	if _, err := terra.NewRuntime(terra.Config{Tier: terra.TierTiered}); err != nil {
		t.Skipf("the tiered engine: %v", err)
	}
	file := writeFile(t, "file", nil)
	r := runCLI(t, "", "--cache", file, "--invoke", "add", filepath.Join(programs, "c/add.wasm"), "1", "2")
	assert.Equal(t, 0, r.code, "stderr: %s", r.stderr)
	assert.Equal(t, "3\n", r.stdout)
	assert.Regexp(t, `^terra-run: warning: --cache `+regexp.QuoteMeta(file)+`: .+\n$`, r.stderr)
}

// TestCacheProcesses runs terra-run processes at once on one --cache
// directory: all run the program, and a later process loads the entry
// they stored.
func TestCacheProcesses(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	if _, err := terra.NewRuntime(terra.Config{Tier: terra.TierTiered}); err != nil {
		t.Skipf("the tiered engine: %v", err)
	}
	bin := filepath.Join(t.TempDir(), "terra-run")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	require.NoError(t, err, "%s", out)
	dir := t.TempDir()
	sha := filepath.Join(programs, "c/sha256.wasm")
	want := runCLI(t, "abc", "--tier", "interp", sha)
	require.Equal(t, 0, want.code)
	run := func(tier string) (string, string, error) {
		cmd := exec.Command(bin, "--tier", tier, "--cache", dir, "--stats", sha)
		cmd.Stdin = strings.NewReader("abc")
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		err := cmd.Run()
		return stdout.String(), stderr.String(), err
	}
	var wg sync.WaitGroup
	for i := range 4 {
		tier := []string{"tiered", "jit"}[i%2]
		wg.Go(func() {
			stdout, stderr, err := run(tier)
			assert.NoError(t, err, "%s", stderr)
			assert.Equal(t, want.stdout, stdout)
			assert.NotContains(t, stderr, "warning")
		})
	}
	wg.Wait()
	stdout, stderr, err := run("tiered")
	require.NoError(t, err, "%s", stderr)
	assert.Equal(t, want.stdout, stdout)
	assert.Contains(t, stderr, "\nterra-run: cache: 1 hits, 0 misses, 0 stored, 0 errors\n")
}
