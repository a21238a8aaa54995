package wasi

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/terra-runtime/terra"
	"github.com/terra-runtime/terra/host"
	wt "github.com/terra-runtime/terra/internal/wasmtest"
)

// rightsAll are all the rights.
const rightsAll = rightSockAccept<<1 - 1

// trampolines is a module that imports every WASI function of an ABI and
// exports each as "f_<name>", forwarding its arguments, with its memory
// exported as "memory".
func trampolines(abi ABI) []byte {
	var types, imports, funcs, exports, bodies [][]byte
	n := 0
	for _, f := range functions {
		if abi == Unstable && f.name == "sock_accept" {
			continue
		}
		var params, results []byte
		for _, p := range f.params {
			params = append(params, byte(p))
		}
		for _, r := range f.results {
			results = append(results, byte(r))
		}
		types = append(types, wt.FuncType(params, results))
		imports = append(imports, wt.Cat(wt.Name(abi.Name()), wt.Name(f.name), []byte{wt.KindFunc}, wt.ULEB(uint64(n))))
		var code []byte
		for i := range f.params {
			code = append(code, 0x20, byte(i)) // local.get i
		}
		code = append(code, 0x10, byte(n), 0x0B) // call n; end
		bodies = append(bodies, wt.Body(nil, code...))
		funcs = append(funcs, wt.ULEB(uint64(n)))
		n++
	}
	for _, f := range functions {
		if abi == Unstable && f.name == "sock_accept" {
			continue
		}
		exports = append(exports, wt.Export("f_"+f.name, wt.KindFunc, uint32(n+len(exports))))
	}
	exports = append(exports, wt.Export("memory", wt.KindMemory, 0))
	return wt.Module(
		wt.Section(wt.SecType, wt.Vec(types...)),
		wt.Section(wt.SecImport, wt.Vec(imports...)),
		wt.Section(wt.SecFunction, wt.Vec(funcs...)),
		wt.Section(wt.SecMemory, wt.Vec([]byte{0, 2})),
		wt.Section(wt.SecExport, wt.Vec(exports...)),
		wt.Section(wt.SecCode, wt.Vec(bodies...)),
	)
}

// env is a guest instance of the trampolines, linked to a Module.
type env struct {
	t    *testing.T
	w    *Module
	inst *terra.Instance
	mem  *terra.Memory
}

func newEnv(t *testing.T, cfg Config) *env { return newEnvABI(t, cfg, Preview1) }

func newEnvABI(t *testing.T, cfg Config, abi ABI) *env {
	t.Helper()
	ctx := context.Background()
	rt, err := terra.NewRuntime(terra.Config{})
	require.NoError(t, err)
	w, err := New(cfg)
	require.NoError(t, err)
	t.Cleanup(func() { w.Close() })
	_, err = w.InstantiateABI(ctx, rt, abi)
	require.NoError(t, err)
	cm, err := rt.Compile(ctx, trampolines(abi))
	require.NoError(t, err)
	inst, err := rt.Instantiate(ctx, cm, terra.InstanceConfig{})
	require.NoError(t, err)
	return &env{t: t, w: w, inst: inst, mem: inst.Memory("memory")}
}

// call calls the WASI function name and returns its errno.
func (e *env) call(name string, args ...uint64) Errno {
	e.t.Helper()
	res, err := e.callErr(name, args...)
	require.NoError(e.t, err)
	return res
}

func (e *env) callErr(name string, args ...uint64) (Errno, error) {
	f := e.inst.ExportedFunction("f_" + name)
	require.NotNil(e.t, f, name)
	res, err := f.Call(context.Background(), args...)
	if err != nil || len(res) == 0 {
		return 0, err
	}
	return Errno(res[0]), nil
}

// put writes b at ptr and returns ptr and its length.
func (e *env) put(ptr uint32, b string) (uint64, uint64) {
	require.True(e.t, e.mem.Write(ptr, []byte(b)))
	return uint64(ptr), uint64(len(b))
}

func (e *env) u32(ptr uint32) uint32 {
	v, ok := e.mem.ReadUint32Le(ptr)
	require.True(e.t, ok)
	return v
}

func (e *env) u64(ptr uint32) uint64 {
	v, ok := e.mem.ReadUint64Le(ptr)
	require.True(e.t, ok)
	return v
}

func (e *env) bytes(ptr, n uint32) []byte {
	b, ok := e.mem.Read(ptr, n)
	require.True(e.t, ok)
	return append([]byte(nil), b...)
}

// iovec writes one iovec at ptr for the n bytes at buf.
func (e *env) iovec(ptr, buf, n uint32) {
	require.True(e.t, e.mem.WriteUint32Le(ptr, buf))
	require.True(e.t, e.mem.WriteUint32Le(ptr+4, n))
}

// open opens path relative to dirfd with oflags and rights, returning the
// errno and the new fd.
func (e *env) open(dirfd uint32, follow bool, path string, oflags uint16, rights uint64, fdflags uint16) (Errno, uint32) {
	p, n := e.put(1000, path)
	var lookup uint64
	if follow {
		lookup = lookupSymlinkFollow
	}
	errno := e.call("path_open", uint64(dirfd), lookup, p, n, uint64(oflags), rights, rightsAll, uint64(fdflags), 900)
	return errno, e.u32(900)
}

func TestArgsEnviron(t *testing.T) {
	e := newEnv(t, Config{Args: []string{"prog", "a b", ""}, Env: []string{"A=1", "HOME=/x"}})
	require.Equal(t, ErrnoSuccess, e.call("args_sizes_get", 0, 4))
	require.Equal(t, uint32(3), e.u32(0))
	require.Equal(t, uint32(5+4+1), e.u32(4))
	require.Equal(t, ErrnoSuccess, e.call("args_get", 100, 200))
	require.Equal(t, []uint32{200, 205, 209}, []uint32{e.u32(100), e.u32(104), e.u32(108)})
	require.Equal(t, "prog\x00a b\x00\x00", string(e.bytes(200, 10)))
	require.Equal(t, ErrnoSuccess, e.call("environ_sizes_get", 0, 4))
	require.Equal(t, []uint32{2, 12}, []uint32{e.u32(0), e.u32(4)})
	require.Equal(t, ErrnoSuccess, e.call("environ_get", 100, 200))
	require.Equal(t, "A=1\x00HOME=/x\x00", string(e.bytes(200, 12)))
	require.Equal(t, uint32(204), e.u32(104))
	require.Equal(t, ErrnoFault, e.call("args_get", 2<<16-2, 200))
	require.Equal(t, ErrnoFault, e.call("environ_sizes_get", 0, 2<<16))
}

func TestClockRandom(t *testing.T) {
	wall := time.Date(2024, 1, 2, 3, 4, 5, 6, time.UTC)
	e := newEnv(t, Config{
		Now:      func() time.Time { return wall },
		Nanotime: func() int64 { return 42 },
		Rand:     bytes.NewReader([]byte("0123456789")),
	})
	require.Equal(t, ErrnoSuccess, e.call("clock_time_get", clockRealtime, 1, 8))
	require.Equal(t, uint64(wall.UnixNano()), e.u64(8))
	require.Equal(t, ErrnoSuccess, e.call("clock_time_get", clockMonotonic, 1, 8))
	require.Equal(t, uint64(42), e.u64(8))
	for _, id := range []uint64{clockRealtime, clockMonotonic, clockProcessCPUTime, clockThreadCPUTime} {
		require.Equal(t, ErrnoSuccess, e.call("clock_res_get", id, 8))
		require.NotZero(t, e.u64(8))
		require.Equal(t, ErrnoSuccess, e.call("clock_time_get", id, 0, 8))
	}
	require.Equal(t, ErrnoSuccess, e.call("clock_time_get", clockProcessCPUTime, 0, 8))
	require.NotZero(t, e.u64(8))
	require.Equal(t, ErrnoInval, e.call("clock_time_get", 4, 0, 8))
	require.Equal(t, ErrnoInval, e.call("clock_res_get", 9, 8))
	require.Equal(t, ErrnoSuccess, e.call("random_get", 16, 4))
	require.Equal(t, "0123", string(e.bytes(16, 4)))
	require.Equal(t, ErrnoSuccess, e.call("random_get", 16, 6))
	require.Equal(t, "456789", string(e.bytes(16, 6)))
	require.Equal(t, ErrnoIo, e.call("random_get", 16, 1)) // the source is exhausted
	require.Equal(t, ErrnoFault, e.call("random_get", 2<<16-1, 2))
}

func TestProc(t *testing.T) {
	e := newEnv(t, Config{})
	_, err := e.callErr("proc_exit", 3)
	var exit *ExitError
	require.ErrorAs(t, err, &exit)
	require.Equal(t, &ExitError{Code: 3}, exit)
	_, err = e.callErr("proc_raise", 15)
	require.ErrorAs(t, err, &exit)
	require.Equal(t, &ExitError{Code: 143, Signal: 15}, exit)
	require.Equal(t, ErrnoSuccess, e.call("proc_raise", sigWinch))
	require.Equal(t, ErrnoSuccess, e.call("proc_raise", 0))
	require.Equal(t, ErrnoNotsup, e.call("proc_raise", sigStop))
	require.Equal(t, ErrnoInval, e.call("proc_raise", 31))
	require.Equal(t, ErrnoSuccess, e.call("sched_yield"))
}

func TestStdio(t *testing.T) {
	var out, errOut bytes.Buffer
	e := newEnv(t, Config{Stdin: bytes.NewReader([]byte("hello, world")), Stdout: &out, Stderr: &errOut})
	e.put(100, "abcdefgh")
	e.iovec(0, 100, 3)
	e.iovec(8, 104, 4)
	require.Equal(t, ErrnoSuccess, e.call("fd_write", 1, 0, 2, 16))
	require.Equal(t, uint32(7), e.u32(16))
	require.Equal(t, ErrnoSuccess, e.call("fd_write", 2, 0, 1, 16))
	require.Equal(t, "abcefgh", out.String())
	require.Equal(t, "abc", errOut.String())
	e.iovec(0, 200, 5)
	e.iovec(8, 300, 100)
	require.Equal(t, ErrnoSuccess, e.call("fd_read", 0, 0, 2, 16))
	require.Equal(t, uint32(12), e.u32(16))
	require.Equal(t, "hello, world", string(e.bytes(200, 5))+string(e.bytes(300, 7)))
	require.Equal(t, ErrnoSuccess, e.call("fd_read", 0, 0, 2, 16))
	require.Equal(t, uint32(0), e.u32(16)) // end of input
	require.Equal(t, ErrnoNotcapable, e.call("fd_write", 0, 0, 1, 16))
	require.Equal(t, ErrnoNotcapable, e.call("fd_read", 1, 0, 1, 16))
	require.Equal(t, ErrnoBadf, e.call("fd_write", 3, 0, 1, 16))
	require.Equal(t, ErrnoSpipe, e.call("fd_seek", 1, 0, 0, 16))
	require.Equal(t, ErrnoSpipe, e.call("fd_pwrite", 1, 0, 1, 0, 16))
	require.Equal(t, ErrnoSuccess, e.call("fd_fdstat_get", 1, 32))
	require.Equal(t, filetypeCharacterDevice, e.bytes(32, 1)[0])
	require.Equal(t, rightsStream&^rightFdRead, e.u64(40))
	require.Equal(t, ErrnoSuccess, e.call("fd_filestat_get", 1, 32))
	require.Equal(t, filetypeCharacterDevice, e.bytes(48, 1)[0])
	require.Equal(t, ErrnoBadf, e.call("fd_prestat_get", 1, 32))
	require.Equal(t, ErrnoFault, e.call("fd_write", 1, 2<<16-4, 1, 16))
	e.iovec(0, 2<<16-1, 2)
	require.Equal(t, ErrnoFault, e.call("fd_write", 1, 0, 1, 16))
	require.Equal(t, ErrnoSuccess, e.call("fd_sync", 1))
	require.Equal(t, ErrnoSuccess, e.call("fd_fdstat_set_flags", 1, uint64(fdflagNonblock)))
	require.Equal(t, ErrnoNotsup, e.call("fd_fdstat_set_flags", 1, uint64(fdflagSync)))
	require.Equal(t, ErrnoSuccess, e.call("fd_close", 2))
	require.Equal(t, ErrnoBadf, e.call("fd_close", 2))
}

// tree makes a preopen directory inside a sandbox directory, holding a file
// "secret" beside it that no path may reach.
func tree(t *testing.T) (sandbox, outside string) {
	root := t.TempDir()
	sandbox, outside = filepath.Join(root, "sandbox"), root
	require.NoError(t, os.Mkdir(sandbox, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(root, "secret"), []byte("secret"), 0o644))
	require.NoError(t, os.MkdirAll(filepath.Join(sandbox, "dir", "sub"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(sandbox, "dir", "file"), []byte("0123456789"), 0o644))
	return sandbox, outside
}

func TestPreopens(t *testing.T) {
	sandbox, _ := tree(t)
	e := newEnv(t, Config{Preopens: []Preopen{{HostDir: sandbox, GuestPath: "/sandbox"}, {HostDir: sandbox, GuestPath: ".", ReadOnly: true}}})
	require.Equal(t, ErrnoSuccess, e.call("fd_prestat_get", 3, 0))
	require.Equal(t, []uint32{0, 8}, []uint32{e.u32(0), e.u32(4)})
	require.Equal(t, ErrnoNametoolong, e.call("fd_prestat_dir_name", 3, 16, 7))
	require.Equal(t, ErrnoSuccess, e.call("fd_prestat_dir_name", 3, 16, 8))
	require.Equal(t, "/sandbox", string(e.bytes(16, 8)))
	require.Equal(t, ErrnoSuccess, e.call("fd_prestat_get", 4, 0))
	require.Equal(t, uint32(1), e.u32(4))
	require.Equal(t, ErrnoBadf, e.call("fd_prestat_get", 5, 0))
	require.Equal(t, ErrnoSuccess, e.call("fd_fdstat_get", 4, 32))
	require.Equal(t, filetypeDirectory, e.bytes(32, 1)[0])
	require.Zero(t, e.u64(40)&rightsWrite)
	require.Zero(t, e.u64(48)&rightsWrite)
}

func TestMissingMemory(t *testing.T) {
	ctx := context.Background()
	rt, err := terra.NewRuntime(terra.Config{})
	require.NoError(t, err)
	w, err := Instantiate(ctx, rt, Config{})
	require.NoError(t, err)
	defer w.Close()
	mod := wt.Module(
		wt.Section(wt.SecType, wt.Vec(wt.FuncType([]byte{wt.I32}, nil), wt.FuncType([]byte{wt.I32, wt.I32}, []byte{wt.I32}), wt.FuncType(nil, nil))),
		wt.Section(wt.SecImport, wt.Vec(
			wt.Cat(wt.Name("wasi_unstable"), wt.Name("proc_exit"), []byte{wt.KindFunc, 0}),
			wt.Cat(wt.Name("wasi_snapshot_preview1"), wt.Name("args_sizes_get"), []byte{wt.KindFunc, 1}))),
		wt.Section(wt.SecFunction, wt.Vec([]byte{2}, []byte{2})),
		wt.Section(wt.SecExport, wt.Vec(wt.Export("exit", wt.KindFunc, 2), wt.Export("sizes", wt.KindFunc, 3))),
		wt.Section(wt.SecCode, wt.Vec(
			wt.Body(nil, 0x41, 7, 0x10, 0, 0x0B),
			wt.Body(nil, 0x41, 0, 0x41, 0, 0x10, 1, 0x1A, 0x0B))),
	)
	cm, err := rt.Compile(ctx, mod)
	require.NoError(t, err)
	inst, err := rt.Instantiate(ctx, cm, terra.InstanceConfig{})
	require.NoError(t, err)
	_, err = inst.ExportedFunction("exit").Call(ctx)
	var exit *ExitError
	require.ErrorAs(t, err, &exit)
	require.Equal(t, uint32(7), exit.Code)
	_, err = inst.ExportedFunction("sizes").Call(ctx)
	require.ErrorIs(t, err, host.ErrNoMemory)
}
