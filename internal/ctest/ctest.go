// Package ctest compiles C test programs to wasm32-wasi for tests.
package ctest

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// Build compiles the C file src with clang for wasm32-wasi (-O2, with
// include directories incs) and returns the module. Without clang it
// skips t, or fails it under TERRA_REQUIRE_ALL=1, naming the Debian
// packages to install.
func Build(t testing.TB, src string, incs ...string) []byte {
	t.Helper()
	out := filepath.Join(t.TempDir(), filepath.Base(src)+".wasm")
	args := []string{"--target=wasm32-wasi", "--sysroot=/usr", "-O2", "-o", out}
	for _, inc := range incs {
		args = append(args, "-I"+inc)
	}
	cmd := exec.Command("clang", append(args, src)...)
	if msg, err := cmd.CombinedOutput(); err != nil {
		if _, lerr := exec.LookPath("clang"); lerr != nil && os.Getenv("TERRA_REQUIRE_ALL") != "1" {
			t.Skip("needs clang, lld, wasi-libc and libclang-rt-14-dev-wasm32 (Debian packages)")
		}
		t.Fatalf("clang: %v\n%s", err, msg)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
