package main

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// program is a run of one of the programs in testdata/programs.
type program struct {
	name   string // test name
	module string // under testdata/programs
	// setup prepares a run, given a scratch directory, and returns the
	// arguments of terra-run before the module, after it, and the stdin.
	setup func(t *testing.T, dir string) (flags, args []string, stdin string)
	code  int
	// check checks stdout and stderr; dir is the scratch directory.
	check func(t *testing.T, dir, stdout, stderr string)
}

func wantStdout(want string) func(t *testing.T, dir, stdout, stderr string) {
	return func(t *testing.T, dir, stdout, stderr string) {
		t.Helper()
		assert.Equal(t, want, stdout)
	}
}

func noSetup(flags, args []string) func(*testing.T, string) ([]string, []string, string) {
	return func(*testing.T, string) ([]string, []string, string) { return flags, args, "" }
}

// sha256Pattern is the hash that sha256 -n mib prints: of mib copies of its
// generated MiB.
func sha256Pattern(mib int) string {
	buf := make([]byte, 1<<20)
	for i := range buf {
		buf[i] = byte(i*31 + i>>8)
	}
	h := sha256.New()
	for range mib {
		h.Write(buf)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// withDir preopens the scratch directory as /data.
func withDir(args ...string) func(*testing.T, string) ([]string, []string, string) {
	return func(t *testing.T, dir string) ([]string, []string, string) {
		return []string{"--dir", dir + "::/data"}, args, ""
	}
}

func noEntries(t *testing.T, dir string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Empty(t, entries, "the program should have removed its files")
}

var programTests = []program{
	{name: "c/hello", module: "c/hello.wasm", setup: noSetup(nil, nil), check: wantStdout("hello from C\n")},
	{
		name: "c/args", module: "c/args.wasm",
		setup: noSetup([]string{"--env", "GREETING=hi there", "--env", "EXIT_CODE=7"}, []string{"one", "two words"}),
		code:  7,
		check: func(t *testing.T, dir, stdout, stderr string) {
			assert.Regexp(t, `^argc=3\nargv\[0\]=\S+/c/args.wasm\nargv\[1\]=one\nargv\[2\]=two words\nGREETING=hi there\n$`, stdout)
		},
	},
	{
		name: "c/args no env", module: "c/args.wasm", setup: noSetup(nil, nil),
		check: func(t *testing.T, dir, stdout, stderr string) {
			assert.Contains(t, stdout, "argc=1\n")
			assert.Contains(t, stdout, "GREETING=(unset)\n")
		},
	},
	{
		name: "c/fileio", module: "c/fileio.wasm", setup: withDir("/data"),
		check: func(t *testing.T, dir, stdout, stderr string) {
			assert.Equal(t, "size=21\nread: line 0\nread: line 1\nread: line 2\nlisted=1\ndone\n", stdout)
			noEntries(t, dir)
		},
	},
	{
		name: "c/sha256 file", module: "c/sha256.wasm",
		setup: func(t *testing.T, dir string) ([]string, []string, string) {
			data := make([]byte, 300_000)
			for i := range data {
				data[i] = byte(i * 7)
			}
			require.NoError(t, os.WriteFile(filepath.Join(dir, "input.bin"), data, 0o644))
			return []string{"--dir", dir + "::/data"}, []string{"/data/input.bin"}, ""
		},
		check: func(t *testing.T, dir, stdout, stderr string) {
			data, err := os.ReadFile(filepath.Join(dir, "input.bin"))
			require.NoError(t, err)
			sum := sha256.Sum256(data)
			assert.Equal(t, hex.EncodeToString(sum[:])+"  /data/input.bin\n", stdout)
		},
	},
	{
		name: "c/sha256 stdin", module: "c/sha256.wasm",
		setup: func(t *testing.T, dir string) ([]string, []string, string) { return nil, nil, "abc" },
		check: wantStdout("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad  -\n"),
	},
	{
		name: "c/sha256 compute", module: "c/sha256.wasm", setup: noSetup(nil, []string{"-n", "4"}),
		check: func(t *testing.T, dir, stdout, stderr string) {
			assert.Equal(t, sha256Pattern(4)+"  4 MiB\n", stdout)
		},
	},
	{
		name: "c/sha256 missing file", module: "c/sha256.wasm", setup: withDir("/data/nope"), code: 1,
		check: func(t *testing.T, dir, stdout, stderr string) {
			assert.Equal(t, "/data/nope: No such file or directory\n", stderr)
		},
	},
	{
		name: "c/trap", module: "c/trap.wasm", setup: noSetup(nil, nil), code: exitTrap,
		check: func(t *testing.T, dir, stdout, stderr string) {
			assert.Equal(t, "before\n", stdout)
			assert.Contains(t, stderr, "terra-run: wasm trap: integer divide by zero\n\tat divide at 0x")
			assert.Contains(t, stderr, "\n\tat middle at 0x")
			assert.Contains(t, stderr, "\n\tat _start")
		},
	},
	{
		name: "go/hello", module: "go/hello.wasm", setup: noSetup(nil, []string{"a", "b c"}),
		check: wantStdout("hello from Go\narg 1: a\narg 2: b c\n"),
	},
	{
		name: "go/fileio", module: "go/fileio.wasm", setup: withDir("/data"),
		check: func(t *testing.T, dir, stdout, stderr string) {
			assert.Equal(t, "entries: a.txt b.txt c.txt\nread: contents of b.txt\nsize: 18\ndone\n", stdout)
			noEntries(t, dir)
		},
	},
	{
		name: "go/exitcode", module: "go/exitcode.wasm", setup: noSetup([]string{"--env", "GREETING=hello"}, []string{"42"}),
		code: 42, check: wantStdout("GREETING=hello\n"),
	},
	{
		name: "go/exitcode 0", module: "go/exitcode.wasm", setup: noSetup(nil, nil),
		check: wantStdout("GREETING=\n"),
	},
	{
		name: "go/exitcode invoke", module: "go/exitcode.wasm", setup: noSetup([]string{"--invoke", "_start"}, nil),
		check: wantStdout("GREETING=\n"),
	},
	{
		name: "rust/hello", module: "rust/hello.wasm", setup: noSetup(nil, []string{"x"}),
		check: wantStdout("hello from Rust\narg 1: x\n"),
	},
	{
		name: "rust/fileio", module: "rust/fileio.wasm", setup: withDir("/data"),
		check: func(t *testing.T, dir, stdout, stderr string) {
			assert.Equal(t, "line 0\nline 1\nline 2\nlisted=true\nexists=false\n", stdout)
			noEntries(t, dir)
		},
	},
}

func runPrograms(t *testing.T, root string) {
	if !wasiAvailable {
		t.Skip("terra-run is built without WASI (host/wasi)")
	}
	for _, tier := range availableTiers(t) {
		for _, p := range programTests {
			t.Run(tier+"/"+p.name, func(t *testing.T) {
				dir := t.TempDir()
				flags, args, stdin := p.setup(t, dir)
				flags = append([]string{"--tier", tier}, flags...)
				module := filepath.Join(root, p.module)
				r := runCLI(t, stdin, append(append(flags, module), args...)...)
				assert.Equal(t, p.code, r.code, "stdout: %s\nstderr: %s", r.stdout, r.stderr)
				p.check(t, dir, r.stdout, r.stderr)
			})
		}
	}
}

// TestPrograms runs the prebuilt programs of testdata/programs.
func TestPrograms(t *testing.T) {
	runPrograms(t, programs)
}

// TestProgramsRebuild rebuilds the programs with testdata/programs/build.sh
// and runs the result. It needs the toolchains, and skips without them
// unless TERRA_REQUIRE_ALL=1.
func TestProgramsRebuild(t *testing.T) {
	if testing.Short() {
		t.Skip("rebuilds the programs")
	}
	rustc := "/usr/bin/rustc"
	if r := os.Getenv("RUSTC"); r != "" {
		rustc = r
	}
	missing := func(what, pkg string) {
		msg := fmt.Sprintf("%s not found: install %s to rebuild testdata/programs", what, pkg)
		if os.Getenv("TERRA_REQUIRE_ALL") == "1" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	if _, err := exec.LookPath("clang"); err != nil {
		missing("clang", "clang and lld")
	}
	if _, err := exec.LookPath("wasm-ld"); err != nil {
		missing("wasm-ld", "lld")
	}
	if _, err := os.Stat("/usr/lib/wasm32-wasi/libc.a"); err != nil {
		missing("wasi-libc", "wasi-libc")
	}
	if _, err := os.Stat("/usr/lib/llvm-14/lib/clang/14.0.6/lib/wasi/libclang_rt.builtins-wasm32.a"); err != nil {
		if m, _ := filepath.Glob("/usr/lib/llvm-*/lib/clang/*/lib/wasi/libclang_rt.builtins-wasm32.a"); len(m) == 0 {
			missing("the wasm32 compiler runtime", "libclang-rt-14-dev-wasm32")
		}
	}
	if _, err := os.Stat(rustc); err != nil {
		missing(rustc, "rustc")
	}
	if out, err := exec.Command(rustc, "--print", "sysroot").Output(); err != nil {
		missing(rustc, "rustc")
	} else if _, err := os.Stat(filepath.Join(strings.TrimSpace(string(out)), "lib/rustlib/wasm32-wasi")); err != nil {
		missing("Rust's wasm32-wasi standard library", "libstd-rust-dev-wasm32")
	}
	out := t.TempDir()
	cmd := exec.Command("sh", filepath.Join(programs, "build.sh"), out)
	cmd.Env = append(os.Environ(), "RUSTC="+rustc)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("build.sh: %v\n%s", err, b)
	}
	runPrograms(t, out)
}
