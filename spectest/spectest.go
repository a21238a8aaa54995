// Package spectest runs the official WebAssembly spec test suites against
// terra's decoder, validator and execution tiers.
//
// The suites are wabt wast2json output: per .wast file, a .json list of
// commands and the module files it names (see README.md in the suite
// folder). Run executes every script of a suite version and prints one
// summary line per tier and version.
//
// A tier plugs in by implementing Tier. Without one, Run uses the
// "validate" tier, which checks decoding and validation only: each module
// of module, assert_unlinkable and assert_uninstantiable commands must
// decode and validate, assert_malformed modules must fail with
// *wasm.MalformedError and assert_invalid ones with *wasm.InvalidError.
// Commands that need execution (register, action, assert_return,
// assert_trap, assert_exhaustion) are outside its scope and not counted;
// for assert_unlinkable and assert_uninstantiable it checks only that the
// module is valid. With a tier every command runs and counts. Text-format
// modules (assert_malformed with module_type "text") are counted as
// skipped, since terra reads only the binary format.
package spectest

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/terra-runtime/terra/wasm"
)

// Version selects a release of the spec suite; its value is the suite's
// folder name.
type Version string

// The suite versions.
const (
	V1 Version = "v1" // WebAssembly 1.0
	V2 Version = "v2" // WebAssembly 2.0
)

// Features returns the feature set the version's modules are decoded with.
func (v Version) Features() wasm.Features {
	if v == V1 {
		return wasm.Features1_0
	}
	return wasm.Features2_0
}

// Tier executes modules for the runner. Run calls it from several
// goroutines at once, one per script; instances are used by one script
// only.
type Tier interface {
	// Name identifies the tier in the summary line.
	Name() string
	// InstantiateHost instantiates a module implemented by the host.
	InstantiateHost(h *HostModule) (Instance, error)
	// Instantiate links m, resolving each import by its module name in
	// imports, which holds instances this tier returned. It then
	// initialises tables and memories and runs the start function.
	// m.Features tells the version semantics: in 1.0, a segment that does
	// not fit is a link error, found before anything is written; from 2.0
	// on it traps, and segments written before it stay written.
	Instantiate(m *wasm.Module, imports map[string]Instance) (Instance, error)
	// Classify tells what kind of failure an error returned by the tier's
	// Instantiate, Invoke or Global is. It gets the error unwrapped.
	Classify(err error) ErrorKind
}

// Instance is an instantiated module.
type Instance interface {
	// Invoke calls the exported function field. Results must have the
	// function's result types.
	Invoke(field string, args []Value) ([]Value, error)
	// Global reads the exported global field.
	Global(field string) (Value, error)
	// Close releases the instance; the runner closes every instance of a
	// script when the script ends.
	Close() error
}

// ErrorKind classifies the errors of a tier. Commands that expect a failure
// pass only if the error has the expected kind.
type ErrorKind int

// Error kinds.
const (
	// Unexpected is any error that is not a WebAssembly outcome, such as a
	// missing export. It always fails the command.
	Unexpected ErrorKind = iota
	// Trap is a trap, while invoking a function or while instantiating
	// (segment initialisation or the start function).
	Trap
	// Exhaustion is a trap caused by running out of call stack.
	Exhaustion
	// LinkError is an instantiation failure before anything runs: an
	// import is missing or has the wrong type, or, in 1.0, a segment does
	// not fit.
	LinkError
)

func (k ErrorKind) String() string {
	switch k {
	case Trap:
		return "trap"
	case Exhaustion:
		return "call stack exhaustion"
	case LinkError:
		return "link error"
	}
	return "unexpected error"
}

// maxReported caps the failures reported one by one per script; all are
// counted.
const maxReported = 20

// Run runs every script of suite version v with tier, or with the validate
// tier if tier is nil. Each script is a parallel subtest named after it.
// When all have finished, Run prints
//
//	spectest <tier> <version>: N passed, M failed, K skipped
//
// to standard output rather than the test log, so that "go test" in the
// package folder shows it without -v. (With a package list, as in
// "go test ./...", the go command hides all output of passing packages.)
func Run(t *testing.T, v Version, tier Tier) {
	t.Helper()
	dir := SuiteDir(t, v)
	paths, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil {
		t.Fatalf("list scripts: %v", err)
	}
	if len(paths) == 0 {
		t.Fatalf("no .json scripts in %s", dir)
	}
	name := "validate"
	if tier != nil {
		name = tier.Name()
	}
	var (
		mu    sync.Mutex
		total result
	)
	t.Cleanup(func() {
		fmt.Fprintf(os.Stdout, "spectest %s %s: %d passed, %d failed, %d skipped\n",
			name, v, total.passed, total.failed, total.skipped)
	})
	for _, path := range paths {
		t.Run(strings.TrimSuffix(filepath.Base(path), ".json"), func(t *testing.T) {
			t.Parallel()
			var res result
			if s, err := loadScript(path); err != nil {
				res = result{failed: 1, failures: []string{err.Error()}}
			} else {
				res = s.run(v, tier)
			}
			mu.Lock()
			total.add(res)
			mu.Unlock()
			for i, f := range res.failures {
				if i == maxReported {
					t.Errorf("... and %d more failures", len(res.failures)-i)
					break
				}
				t.Error(f)
			}
		})
	}
}

// errNoSuite reports that the suite is absent and nothing asked for it.
var errNoSuite = errors.New("spec suite not found")

// SuiteDir returns the folder of suite version v. TERRA_SPECTEST_DIR names
// the folder holding v1/ and v2/; if it is unset or empty, the default is
// ../shared/spectest beside the repository root (the nearest folder above
// the working directory that has a go.mod). A missing suite fails t if
// TERRA_SPECTEST_DIR is set or TERRA_REQUIRE_ALL=1 (as in CI), and skips t
// otherwise.
func SuiteDir(t testing.TB, v Version) string {
	t.Helper()
	dir, err := findSuite(v)
	switch {
	case err == nil:
	case !errors.Is(err, errNoSuite):
		t.Fatal(err)
	case os.Getenv("TERRA_REQUIRE_ALL") == "1":
		t.Fatalf("%v (TERRA_REQUIRE_ALL=1 forbids skipping)", err)
	default:
		t.Skip(err)
	}
	return dir
}

func findSuite(v Version) (string, error) {
	root := os.Getenv("TERRA_SPECTEST_DIR")
	if root == "" {
		var err error
		if root, err = defaultSuiteRoot(); err != nil {
			return "", fmt.Errorf("%w: %v; set TERRA_SPECTEST_DIR to the folder holding v1/ and v2/", errNoSuite, err)
		}
		if !isDir(root) {
			return "", fmt.Errorf("%w at %s; set TERRA_SPECTEST_DIR to the folder holding v1/ and v2/", errNoSuite, root)
		}
	}
	dir := filepath.Join(root, string(v))
	if !isDir(dir) {
		return "", fmt.Errorf("spec suite %s: %s is not a directory (TERRA_SPECTEST_DIR=%q)", v, dir, os.Getenv("TERRA_SPECTEST_DIR"))
	}
	return dir, nil
}

// defaultSuiteRoot returns ../shared/spectest relative to the repository
// root.
func defaultSuiteRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return filepath.Join(filepath.Dir(dir), "shared", "spectest"), nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod in the working directory or above it")
		}
		dir = parent
	}
}

func isDir(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.IsDir()
}
