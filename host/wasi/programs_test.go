package wasi

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/terra-runtime/terra"
)

// run runs the WASI program wasm with cfg and returns its standard
// output and the error of its _start.
func run(t *testing.T, wasm []byte, cfg Config) (string, error) {
	t.Helper()
	ctx := context.Background()
	rt, err := terra.NewRuntime(terra.Config{})
	require.NoError(t, err)
	var out bytes.Buffer
	cfg.Stdout = &out
	w, err := Instantiate(ctx, rt, cfg)
	require.NoError(t, err)
	defer w.Close()
	cm, err := rt.Compile(ctx, wasm)
	require.NoError(t, err)
	inst, err := rt.Instantiate(ctx, cm, terra.InstanceConfig{})
	require.NoError(t, err)
	_, err = inst.ExportedFunction("_start").Call(ctx)
	return out.String(), err
}

// sandboxWithInput makes the /sandbox directory of the test programs.
func sandboxWithInput(t *testing.T) string {
	sandbox, _ := tree(t)
	require.NoError(t, os.RemoveAll(filepath.Join(sandbox, "dir")))
	require.NoError(t, os.WriteFile(filepath.Join(sandbox, "input"), []byte("hello from the host\n"), 0o644))
	return sandbox
}

// TestCProgram runs testdata/cprog.c, built with wasi-libc by
// testdata/build.sh.
func TestCProgram(t *testing.T) {
	wasm, err := os.ReadFile("testdata/cprog.wasm")
	require.NoError(t, err)
	sandbox := sandboxWithInput(t)
	out, err := run(t, wasm, Config{
		Args:     []string{"cprog", "one", "two words"},
		Env:      []string{"GREETING=hi there", "OTHER=x"},
		Preopens: []Preopen{{HostDir: sandbox, GuestPath: "/sandbox"}},
	})
	var exit *ExitError
	require.ErrorAs(t, err, &exit, out)
	require.Equal(t, uint32(7), exit.Code, out)
	require.Equal(t, `argc=3 [cprog] [one] [two words]
GREETING=hi there
realtime after 2020: 1
monotonic slept >= 2ms: 1
random: 1
input: hello from the host
read at 3: 3456
pread: AB23456789
size 10 regular 1
truncated size 4
nlink 2
readlink: renamed
dir: hard renamed soft sub
escape errno ENOTCAPABLE: 1
done
`, out)
	entries, err := os.ReadDir(sandbox)
	require.NoError(t, err)
	require.Len(t, entries, 1) // the program removed all it made
}

// TestGoProgram builds testdata/gotest for GOOS=wasip1 and runs it.
func TestGoProgram(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a Go program")
	}
	bin := filepath.Join(t.TempDir(), "gotest.wasm")
	cmd := exec.Command("go", "build", "-o", bin, ".")
	cmd.Dir = "testdata/gotest"
	cmd.Env = append(os.Environ(), "GOOS=wasip1", "GOARCH=wasm", "GOFLAGS=-mod=mod", "GO111MODULE=off")
	msg, err := cmd.CombinedOutput()
	require.NoError(t, err, string(msg))
	wasm, err := os.ReadFile(bin)
	require.NoError(t, err)

	sandbox := sandboxWithInput(t)
	var stderr bytes.Buffer
	out, err := run(t, wasm, Config{
		Args:     []string{"gotest", "x", "y"},
		Env:      []string{"GREETING=hello go"},
		Stderr:   &stderr,
		Preopens: []Preopen{{HostDir: sandbox, GuestPath: "/sandbox"}},
	})
	var exit *ExitError
	require.ErrorAs(t, err, &exit, out)
	require.Equal(t, uint32(3), exit.Code, out)
	require.Equal(t, `args: x,y
GREETING: hello go
input: hello from the host
dir: input(dir=false)
size: 13
escape fails: true
slept: true
`, out)
	require.Equal(t, "to stderr\n", stderr.String())
	got, err := os.ReadFile(filepath.Join(sandbox, "from-go"))
	require.NoError(t, err)
	require.Equal(t, "written by go", string(got))
	require.DirExists(t, filepath.Join(sandbox, "a", "b", "c"))
	require.False(t, strings.Contains(out, "error"))
}
