// Package wasi implements WASI preview 1, the wasi_snapshot_preview1 host
// module, for terra: programs compiled for wasm32-wasi (C with wasi-libc,
// Rust's wasm32-wasi target, Go's GOOS=wasip1) run unchanged.
//
//	rt, _ := terra.NewRuntime(terra.Config{})
//	w, err := wasi.Instantiate(ctx, rt, wasi.Config{Args: []string{"prog"}, Stdout: os.Stdout})
//	defer w.Close()
//	inst, err := rt.Instantiate(ctx, compiled, terra.InstanceConfig{})
//	_, err = inst.ExportedFunction("_start").Call(ctx)
//	var exit *wasi.ExitError
//	if errors.As(err, &exit) { ... exit.Code ... }
//
// proc_exit ends the whole call: Function.Call returns an error wrapping
// an *ExitError, even for exit code 0.
//
// # Files
//
// The guest sees the host's file system only through preopened
// directories (Config.Preopens), at file descriptors 3 and up, in order;
// listening sockets (Config.Listeners) follow them. Paths are resolved
// by this package one component at a time, relative to an open
// directory, so no path, "..", absolute path or symbolic link, whether it
// existed or the guest made it, reaches outside the directory: such paths
// fail with ENOTCAPABLE. Read-only preopens fail every change with
// EROFS. The implementation uses Linux's *at system calls.
//
// # Rights
//
// File descriptors carry the rights of WASI preview 1; fd_fdstat_set_rights
// can only drop them, and a function that needs a right the descriptor
// lacks fails with ENOTCAPABLE.
//
// # wasi_unstable
//
// The module is also available as wasi_unstable (ABI Unstable), WASI's
// snapshot 0, which older toolchains import. It differs from preview 1 in
// the layout of filestat (a 32-bit link count), the numbering of fd_seek's
// whence (CUR, END, SET) and the layout of poll_oneoff's clock
// subscriptions (an extra identifier), and has no sock_accept; both names
// can share one Module's state.
package wasi

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"time"

	"github.com/terra-runtime/terra"
	"github.com/terra-runtime/terra/host"
	"github.com/terra-runtime/terra/wasm"
	"golang.org/x/sys/unix"
)

// ABI is a version of the WASI preview 1 interface.
type ABI uint8

const (
	// Preview1 is wasi_snapshot_preview1.
	Preview1 ABI = iota
	// Unstable is wasi_unstable, snapshot 0.
	Unstable
)

// Name returns the module name that guests import the ABI from.
func (a ABI) Name() string {
	if a == Unstable {
		return "wasi_unstable"
	}
	return "wasi_snapshot_preview1"
}

// Config configures a Module. The zero Config gives a program no
// arguments, no environment, empty standard input, discarded output and
// no files.
type Config struct {
	// Args are the program's arguments, its name first.
	Args []string
	// Env is the program's environment, as "KEY=value" strings.
	Env []string
	// Stdin is read by fd 0; nil reads as empty.
	Stdin io.Reader
	// Stdout and Stderr receive fds 1 and 2; nil discards.
	Stdout, Stderr io.Writer
	// Preopens are the directories the program may use.
	Preopens []Preopen
	// Listeners are listening sockets for sock_accept, numbered after
	// the preopens. The Module closes them when it is closed. Each must
	// be a *net.TCPListener or *net.UnixListener (or otherwise implement
	// SetDeadline and syscall.Conn), so that accepting can poll.
	Listeners []net.Listener
	// Now is the realtime clock; nil means time.Now.
	Now func() time.Time
	// Nanotime is the monotonic clock, in nanoseconds from any origin;
	// nil means the time since New.
	Nanotime func() int64
	// Rand is the source of random_get; nil means crypto/rand.Reader.
	Rand io.Reader
}

// Preopen is a host directory given to the program.
type Preopen struct {
	// HostDir is the directory on the host.
	HostDir string
	// GuestPath is the path the program sees it as, such as "/" or
	// "/data".
	GuestPath string
	// ReadOnly makes every change under it fail with EROFS.
	ReadOnly bool
}

// ExitError reports that the program exited, by proc_exit or by a signal
// it raised with proc_raise. Function.Call returns it wrapped.
type ExitError struct {
	// Code is the exit code: proc_exit's argument, or 128 plus the
	// signal number for a signal.
	Code uint32
	// Signal is the WASI signal number that ended the program, or 0.
	Signal uint8
}

func (e *ExitError) Error() string {
	if e.Signal != 0 {
		return fmt.Sprintf("wasi: terminated by signal %d", e.Signal)
	}
	return fmt.Sprintf("wasi: exit code %d", e.Code)
}

// Module is the state of one WASI program: its arguments, environment and
// open files. It implements host.Module. One Module serves one guest
// instance at a time, like the instance itself it is not safe for
// concurrent use.
type Module struct {
	cfg       Config
	fds       []*fdEntry // by fd; nil entries are free
	start     time.Time
	instances []*terra.Instance
}

var _ host.Module = (*Module)(nil)

// New opens the preopened directories of cfg and returns a Module ready to
// instantiate.
func New(cfg Config) (*Module, error) {
	m := &Module{cfg: cfg, start: time.Now()}
	if m.cfg.Now == nil {
		m.cfg.Now = time.Now
	}
	if m.cfg.Nanotime == nil {
		m.cfg.Nanotime = func() int64 { return int64(time.Since(m.start)) }
	}
	if m.cfg.Rand == nil {
		m.cfg.Rand = rand.Reader
	}
	if m.cfg.Stdin == nil {
		m.cfg.Stdin = eofReader{}
	}
	if m.cfg.Stdout == nil {
		m.cfg.Stdout = io.Discard
	}
	if m.cfg.Stderr == nil {
		m.cfg.Stderr = io.Discard
	}
	m.fds = []*fdEntry{
		{kind: kindStream, rights: rightsStream &^ rightFdWrite, stream: newStream(m.cfg.Stdin, nil)},
		{kind: kindStream, rights: rightsStream &^ rightFdRead, stream: newStream(nil, m.cfg.Stdout)},
		{kind: kindStream, rights: rightsStream &^ rightFdRead, stream: newStream(nil, m.cfg.Stderr)},
	}
	for _, p := range cfg.Preopens {
		fd, err := unix.Open(p.HostDir, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
		if err != nil {
			m.Close()
			return nil, fmt.Errorf("wasi: preopen %q: %w", p.HostDir, &os.PathError{Op: "open", Path: p.HostDir, Err: err})
		}
		rights := rightsDir | rightsFile
		if p.ReadOnly {
			rights &^= rightsWrite
		}
		m.fds = append(m.fds, &fdEntry{kind: kindDir, fd: fd, rights: rights & rightsDir,
			inheriting: rights, preopen: &p.GuestPath, readOnly: p.ReadOnly})
	}
	for _, l := range cfg.Listeners {
		m.fds = append(m.fds, &fdEntry{kind: kindListener, rights: rightsListener, inheriting: rightsSocket, listener: l})
	}
	return m, nil
}

// Instantiate makes a Module from cfg and instantiates it in rt under both
// of its names, wasi_snapshot_preview1 and wasi_unstable.
func Instantiate(ctx context.Context, rt *terra.Runtime, cfg Config) (*Module, error) {
	m, err := New(cfg)
	if err != nil {
		return nil, err
	}
	for _, abi := range []ABI{Preview1, Unstable} {
		if _, err := m.instantiate(ctx, rt, abi); err != nil {
			m.Close()
			return nil, err
		}
	}
	return m, nil
}

// Name returns "wasi_snapshot_preview1".
func (m *Module) Name() string { return Preview1.Name() }

// Instantiate instantiates the module in rt as wasi_snapshot_preview1.
func (m *Module) Instantiate(ctx context.Context, rt *terra.Runtime) (*terra.Instance, error) {
	return m.instantiate(ctx, rt, Preview1)
}

// InstantiateABI instantiates the module in rt under the name of abi,
// with its layouts. Instances of one Module share its state.
func (m *Module) InstantiateABI(ctx context.Context, rt *terra.Runtime, abi ABI) (*terra.Instance, error) {
	return m.instantiate(ctx, rt, abi)
}

func (m *Module) instantiate(ctx context.Context, rt *terra.Runtime, abi ABI) (*terra.Instance, error) {
	inst, err := m.Builder(rt, abi).Instantiate(ctx)
	if err != nil {
		return nil, fmt.Errorf("wasi: %w", err)
	}
	m.instances = append(m.instances, inst)
	return inst, nil
}

// Builder returns the definition of the module's functions for abi, under
// its name, for an embedder that compiles it and instantiates it itself,
// for example anonymously to pass in terra.InstanceConfig.Imports.
func (m *Module) Builder(rt *terra.Runtime, abi ABI) *terra.HostModuleBuilder {
	b := rt.NewHostModule(abi.Name())
	for i := range functions {
		f := &functions[i]
		if abi == Unstable && f.name == "sock_accept" {
			continue
		}
		b.FuncRaw(f.name, f.params, f.results, m.hostFunc(f, abi))
	}
	return b
}

// Close closes the instances that Instantiate made, and every file and
// socket the program has open, preopens and listeners included.
func (m *Module) Close() error {
	var errs []error
	for _, inst := range m.instances {
		errs = append(errs, inst.Close())
	}
	m.instances = nil
	for i, e := range m.fds {
		if e != nil {
			errs = append(errs, e.close())
			m.fds[i] = nil
		}
	}
	return errors.Join(errs...)
}

// call is the context of one WASI function call.
type call struct {
	ctx context.Context
	m   *Module
	mem host.GuestMemory
	abi ABI
}

// function is a WASI function: name, signature and implementation. An
// implementation's error becomes its errno result, except that an
// *ExitError, the context's error or host.ErrNoMemory (the caller has no
// memory to pass pointers into) ends the whole call.
type function struct {
	name            string
	params, results []wasm.ValueType
	impl            func(c *call, args []uint64) error
}

// fn describes a function by the letters of its parameter types (i for
// i32, I for i64); it returns an errno.
func fn(name, params string, impl func(*call, []uint64) error) function {
	f := function{name: name, results: []wasm.ValueType{wasm.I32}, impl: impl}
	for _, p := range params {
		t := wasm.I32
		if p == 'I' {
			t = wasm.I64
		}
		f.params = append(f.params, t)
	}
	return f
}

// hostFunc adapts f to a terra.HostFunc working on m.
func (m *Module) hostFunc(f *function, abi ABI) terra.HostFunc {
	return func(ctx context.Context, caller terra.Caller, stack []uint64) error {
		return m.call(ctx, f, abi, caller, stack)
	}
}

// call runs f on m for a guest.
func (m *Module) call(ctx context.Context, f *function, abi ABI, caller terra.Caller, stack []uint64) error {
	mem, _ := host.CallerMemory(caller) // functions that need it fail with ErrNoMemory
	err := f.impl(&call{ctx: ctx, m: m, mem: mem, abi: abi}, stack)
	var exit *ExitError
	switch {
	case errors.As(err, &exit) || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded):
		return err
	case errors.Is(err, host.ErrNoMemory):
		return fmt.Errorf("wasi: %s: %w", f.name, err)
	}
	if len(f.results) > 0 {
		stack[0] = uint64(errnoOf(err))
	}
	return nil
}

// eofReader is an empty standard input.
type eofReader struct{}

func (eofReader) Read([]byte) (int, error) { return 0, io.EOF }
