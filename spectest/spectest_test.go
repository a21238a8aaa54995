package spectest

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/terra-runtime/terra/wasm"
)

func TestValidate(t *testing.T) {
	for _, v := range []Version{V1, V2} {
		t.Run(string(v), func(t *testing.T) { Run(t, v, nil) })
	}
}

func TestFindSuite(t *testing.T) {
	tmp := t.TempDir()
	repo := filepath.Join(tmp, "repo")
	suite := filepath.Join(tmp, "shared", "spectest")
	require.NoError(t, os.MkdirAll(filepath.Join(repo, "sub"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(repo, "go.mod"), []byte("module x\n"), 0o644))
	t.Chdir(filepath.Join(repo, "sub"))

	t.Setenv("TERRA_SPECTEST_DIR", "")
	_, err := findSuite(V1)
	require.ErrorIs(t, err, errNoSuite, "no suite beside the repository: skip")
	require.ErrorContains(t, err, "TERRA_SPECTEST_DIR")

	require.NoError(t, os.MkdirAll(filepath.Join(suite, "v1"), 0o755))
	dir, err := findSuite(V1)
	require.NoError(t, err)
	require.Equal(t, filepath.Join(suite, "v1"), dir)
	_, err = findSuite(V2)
	require.Error(t, err, "the default suite exists but lacks v2")
	require.NotErrorIs(t, err, errNoSuite)

	t.Setenv("TERRA_SPECTEST_DIR", filepath.Join(tmp, "missing"))
	_, err = findSuite(V1)
	require.Error(t, err, "a suite asked for by name must exist")
	require.NotErrorIs(t, err, errNoSuite)

	t.Setenv("TERRA_SPECTEST_DIR", suite)
	dir, err = findSuite(V1)
	require.NoError(t, err)
	require.Equal(t, filepath.Join(suite, "v1"), dir)
}

// The fake tier's errors.
var (
	errTrap      = errors.New("trap")
	errExhausted = errors.New("call stack exhausted")
	errLink      = errors.New("unknown import")
)

// fakeTier stands in for an execution tier: linking only checks that
// imported modules are there, a start function traps, and instances
// answer by export name.
type fakeTier struct{}

func (fakeTier) Name() string { return "fake" }

func (fakeTier) InstantiateHost(*HostModule) (Instance, error) { return fakeInstance{}, nil }

func (fakeTier) Instantiate(m *wasm.Module, imports map[string]Instance) (Instance, error) {
	for _, imp := range m.Imports {
		if imports[imp.Module] == nil {
			return nil, fmt.Errorf("%s.%s: %w", imp.Module, imp.Name, errLink)
		}
	}
	if m.HasStart {
		return nil, errTrap
	}
	return fakeInstance{}, nil
}

func (fakeTier) Classify(err error) ErrorKind {
	switch {
	case errors.Is(err, errTrap):
		return Trap
	case errors.Is(err, errExhausted):
		return Exhaustion
	case errors.Is(err, errLink):
		return LinkError
	}
	return Unexpected
}

type fakeInstance struct{}

func (fakeInstance) Invoke(field string, args []Value) ([]Value, error) {
	switch field {
	case "echo":
		return args, nil
	case "trap":
		return nil, errTrap
	case "recurse":
		return nil, errExhausted
	}
	return nil, fmt.Errorf("no export %q", field)
}

func (fakeInstance) Close() error { return nil }

func (fakeInstance) Global(field string) (Value, error) {
	if field == "g" {
		return Value{Type: wasm.I32, Lo: 666}, nil
	}
	return Value{}, fmt.Errorf("no global %q", field)
}

// fakeModules are the module files of fakeScript.
var fakeModules = map[string]string{
	"fake.0.wasm": "\x00asm\x01\x00\x00\x00",
	// imports M.f: func []->[]
	"fake.1.wasm": "\x00asm\x01\x00\x00\x00\x01\x04\x01\x60\x00\x00\x02\x07\x01\x01M\x01f\x00\x00",
	// imports missing.f
	"fake.2.wasm": "\x00asm\x01\x00\x00\x00\x01\x04\x01\x60\x00\x00\x02\x0d\x01\x07missing\x01f\x00\x00",
	// has a start function
	"fake.3.wasm": "\x00asm\x01\x00\x00\x00\x01\x04\x01\x60\x00\x00\x03\x02\x01\x00\x08\x01\x00\x0a\x04\x01\x02\x00\x0b",
	// truncated header
	"fake.5.wasm": "\x00asm",
	// func []->[i32] with an empty body
	"fake.6.wasm": "\x00asm\x01\x00\x00\x00\x01\x05\x01\x60\x00\x01\x7f\x03\x02\x01\x00\x0a\x04\x01\x02\x00\x0b",
}

// fakeScript exercises every command type; the commands on lines 3, 6 and
// 17 must fail.
const fakeScript = `{"source_filename": "fake.wast", "commands": [
{"type": "module", "line": 1, "filename": "fake.0.wasm"},
{"type": "assert_return", "line": 2, "action": {"type": "invoke", "field": "echo", "args": [{"type": "i32", "value": "7"}, {"type": "f32", "value": "2143289344"}]}, "expected": [{"type": "i32", "value": "7"}, {"type": "f32", "value": "nan:canonical"}]},
{"type": "assert_return", "line": 3, "action": {"type": "invoke", "field": "echo", "args": [{"type": "externref", "value": "1"}]}, "expected": [{"type": "externref", "value": "2"}]},
{"type": "assert_return", "line": 4, "action": {"type": "invoke", "field": "echo", "args": [{"type": "externref", "value": "1"}]}, "expected": [{"type": "externref", "value": "1"}]},
{"type": "assert_trap", "line": 5, "action": {"type": "invoke", "field": "trap", "args": []}, "text": "unreachable", "expected": []},
{"type": "assert_trap", "line": 6, "action": {"type": "invoke", "field": "echo", "args": []}, "text": "unreachable", "expected": []},
{"type": "assert_exhaustion", "line": 7, "action": {"type": "invoke", "field": "recurse", "args": []}, "text": "call stack exhausted", "expected": []},
{"type": "action", "line": 8, "action": {"type": "get", "field": "g"}, "expected": [{"type": "i32"}]},
{"type": "module", "line": 9, "name": "$M", "filename": "fake.0.wasm"},
{"type": "register", "line": 10, "name": "$M", "as": "M"},
{"type": "module", "line": 11, "filename": "fake.1.wasm"},
{"type": "assert_unlinkable", "line": 12, "filename": "fake.2.wasm", "text": "unknown import", "module_type": "binary"},
{"type": "assert_uninstantiable", "line": 13, "filename": "fake.3.wasm", "text": "unreachable", "module_type": "binary"},
{"type": "assert_malformed", "line": 14, "filename": "fake.4.wat", "text": "unexpected token", "module_type": "text"},
{"type": "assert_malformed", "line": 15, "filename": "fake.5.wasm", "text": "unexpected end", "module_type": "binary"},
{"type": "assert_invalid", "line": 16, "filename": "fake.6.wasm", "text": "type mismatch", "module_type": "binary"},
{"type": "assert_invalid", "line": 17, "filename": "fake.0.wasm", "text": "type mismatch", "module_type": "binary"}
]}`

func TestScript(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "fake.json"), []byte(fakeScript), 0o644))
	for name, data := range fakeModules {
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644))
	}
	s, err := loadScript(filepath.Join(dir, "fake.json"))
	require.NoError(t, err)

	failedLines := func(res result) []string {
		var lines []string
		for _, f := range res.failures {
			lines = append(lines, strings.SplitN(f, ":", 3)[1])
		}
		return lines
	}

	t.Run("validate", func(t *testing.T) {
		// Lines 1, 9, 11, 12, 13, 15 and 16 pass, 17 fails, 14 is text.
		res := s.run(V2, nil)
		require.Equal(t, []string{"17"}, failedLines(res), res.failures)
		require.Equal(t, result{passed: 7, failed: 1, skipped: 1}, result{passed: res.passed, failed: res.failed, skipped: res.skipped})
		require.Contains(t, res.failures[0], `fake.wast:17: assert_invalid fake.0.wasm "type mismatch": module accepted, want *wasm.InvalidError`)
	})
	t.Run("tier", func(t *testing.T) {
		res := s.run(V2, fakeTier{})
		require.Equal(t, []string{"3", "6", "17"}, failedLines(res), res.failures)
		require.Equal(t, result{passed: 13, failed: 3, skipped: 1}, result{passed: res.passed, failed: res.failed, skipped: res.skipped})
		require.Contains(t, res.failures[0], "got [externref:ref.extern 1], want [externref:ref.extern 2]")
		require.Contains(t, res.failures[1], "returned [], want trap")
	})
}
