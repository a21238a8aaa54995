// Command terra-run runs a WebAssembly module with terra.
//
// Usage:
//
//	terra-run [flags] module.wasm [args...]
//
// A command module (one that exports _start) runs with WASI preview 1:
// args become the guest's argv after the module's path, and it gets the
// process's standard streams, the environment variables that --env and
// --inherit-env give, and the directories that --dir preopens. Flags must
// come before module.wasm: everything after it goes to the guest.
//
// With --invoke NAME, terra-run instead calls the exported function NAME
// with args parsed per its parameter types (i32 and i64 as decimal integers,
// f32 and f64 as decimal floats, or inf, -inf, nan) and prints its results
// one per line. A module that exports _initialize (a WASI reactor) has it
// called first.
//
// Flags:
//
//	--dir HOST[::GUEST]  preopen the host directory HOST as GUEST (default:
//	                     the same path); repeatable
//	--env K=V            set an environment variable for the guest; --env K
//	                     passes the host's value of K; repeatable
//	--inherit-env        pass the whole host environment (before --env)
//	--tier T             interp, jit or tiered; default: the best available
//	--invoke NAME        call the exported function NAME instead of _start
//	--max-memory SIZE    limit every memory to SIZE: 64MiB, 1GiB, 512KiB, or
//	                     a number of 64 KiB pages
//	--timeout D          interrupt the run after D (e.g. 5s)
//	--stats              print the times of each phase to stderr
//	--profile FILE       write a pprof CPU profile of the guest's functions
//
// Exit status:
//
//	the guest's      the code it passed to proc_exit, or 0 when _start
//	                 returns; codes beyond 0-255 become 1
//	0                --invoke: the function returned
//	1                terra-run could not run the module: unreadable,
//	                 malformed or invalid, an import missing, memory beyond
//	                 --max-memory, a bad --dir, an unavailable tier, or a host
//	                 error
//	2                bad usage: unknown flag, bad flag value, bad --invoke
//	                 arguments
//	124              --timeout expired (the guest trapped as "interrupted")
//	134              the guest trapped (as wasmtime does: 128+SIGABRT); the
//	                 trap and its WebAssembly stack trace go to stderr
//
// Every failure is one line on stderr starting "terra-run: ", except that a
// trap's stack trace follows on the next lines.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/terra-runtime/terra"
	"github.com/terra-runtime/terra/wasm"
)

// Exit codes other than the guest's own.
const (
	exitError   = 1
	exitUsage   = 2
	exitTimeout = 124
	exitTrap    = 134
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// listFlag is a repeatable string flag.
type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ",") }
func (l *listFlag) Set(s string) error { *l = append(*l, s); return nil }

// options are the parsed command line.
type options struct {
	dirs       listFlag
	envs       listFlag
	inheritEnv bool
	tier       string
	invoke     string
	maxMemory  string
	timeout    time.Duration
	stats      bool
	profile    string
	module     string
	args       []string // after module
}

// usageError is a bad command line.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func parseFlags(args []string, stderr io.Writer) (*options, error) {
	o := &options{}
	fs := flag.NewFlagSet("terra-run", flag.ContinueOnError)
	fs.SetOutput(io.Discard) // errors are reported as one line by run
	fs.Var(&o.dirs, "dir", "preopen the host directory `HOST[::GUEST]` (repeatable)")
	fs.Var(&o.envs, "env", "set the guest's environment variable `K=V`; K alone passes the host's (repeatable)")
	fs.BoolVar(&o.inheritEnv, "inherit-env", false, "pass the host's whole environment to the guest")
	fs.StringVar(&o.tier, "tier", "", "execution `tier`: interp, jit or tiered (default: the best available)")
	fs.StringVar(&o.invoke, "invoke", "", "call the exported function `NAME` with args instead of running _start")
	fs.StringVar(&o.maxMemory, "max-memory", "", "limit each memory to `SIZE` (64MiB, 1GiB, or a number of 64 KiB pages)")
	fs.DurationVar(&o.timeout, "timeout", 0, "interrupt the guest after `duration` (e.g. 5s)")
	fs.BoolVar(&o.stats, "stats", false, "print phase times to stderr")
	fs.StringVar(&o.profile, "profile", "", "write a pprof CPU profile of the guest to `FILE`")
	fs.Usage = func() {}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(stderr, "usage: terra-run [flags] module.wasm [args...]")
			fs.SetOutput(stderr)
			fs.PrintDefaults()
			return nil, err
		}
		return nil, usageError{err.Error() + " (terra-run -h for usage)"}
	}
	if fs.NArg() == 0 {
		return nil, usageError{"no module given: usage: terra-run [flags] module.wasm [args...]"}
	}
	o.module = fs.Arg(0)
	o.args = fs.Args()[1:]
	return o, nil
}

// parseMemory parses --max-memory into pages: a number of pages, or a size
// with a unit (B, KiB, MiB, GiB; K, M, G and KB, MB, GB are read as the
// binary units too) that must be a whole number of pages.
func parseMemory(s string) (uint32, error) {
	s = strings.TrimSpace(s)
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	num, unit := s[:i], strings.TrimSpace(s[i:])
	n, err := strconv.ParseUint(num, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("--max-memory %q: want a number of pages or a size such as 64MiB", s)
	}
	var mult uint64
	switch strings.ToLower(unit) {
	case "":
		if n == 0 || n > wasm.MaxPages {
			return 0, fmt.Errorf("--max-memory %q: want 1 to %d pages", s, wasm.MaxPages)
		}
		return uint32(n), nil
	case "b":
		mult = 1
	case "k", "kb", "kib":
		mult = 1 << 10
	case "m", "mb", "mib":
		mult = 1 << 20
	case "g", "gb", "gib":
		mult = 1 << 30
	default:
		return 0, fmt.Errorf("--max-memory %q: unknown unit %q (use KiB, MiB or GiB)", s, unit)
	}
	if n > math.MaxUint64/mult {
		return 0, fmt.Errorf("--max-memory %q: too large", s)
	}
	bytes := n * mult
	if bytes == 0 || bytes%wasm.PageSize != 0 {
		return 0, fmt.Errorf("--max-memory %q: not a whole number of 64 KiB pages", s)
	}
	pages := bytes / wasm.PageSize
	if pages > wasm.MaxPages {
		return 0, fmt.Errorf("--max-memory %q: more than the 4 GiB a 32-bit memory can have", s)
	}
	return uint32(pages), nil
}

// newRuntime makes the runtime for the tier: the named one, or the best
// one this build of terra has.
func newRuntime(tier string, cfg terra.Config) (*terra.Runtime, terra.Tier, error) {
	switch tier {
	case "":
		var err error
		for _, t := range []terra.Tier{terra.TierTiered, terra.TierJIT, terra.TierInterp} {
			cfg.Tier = t
			var rt *terra.Runtime
			if rt, err = terra.NewRuntime(cfg); err == nil {
				return rt, t, nil
			}
			if !errors.Is(err, terra.ErrTierUnavailable) {
				break
			}
		}
		return nil, "", err
	case string(terra.TierInterp), string(terra.TierJIT), string(terra.TierTiered):
		cfg.Tier = terra.Tier(tier)
		rt, err := terra.NewRuntime(cfg)
		if errors.Is(err, terra.ErrTierUnavailable) {
			return nil, "", fmt.Errorf("--tier %s: this build of terra has no %s tier yet (use --tier interp)", tier, tier)
		}
		return rt, cfg.Tier, err
	}
	return nil, "", usageError{fmt.Sprintf("--tier %q: want interp, jit or tiered", tier)}
}

// stats are the phase times that --stats prints.
type stats struct {
	decode, validate, compile, instantiate, run time.Duration
	tierUps                                     int
}

func (s *stats) print(w io.Writer, tier terra.Tier) {
	fmt.Fprintf(w, "terra-run: tier %s: decode %v, validate %v, compile %v, instantiate %v, run %v, tier-ups %d\n",
		tier, round(s.decode), round(s.validate), round(s.compile), round(s.instantiate), round(s.run), s.tierUps)
}

func round(d time.Duration) time.Duration {
	switch {
	case d >= time.Second:
		return d.Round(time.Millisecond)
	case d >= time.Millisecond:
		return d.Round(time.Microsecond)
	}
	return d
}

// run is terra-run: it returns the process's exit code.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) (code int) {
	fail := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "terra-run: "+format+"\n", a...)
		return exitError
	}
	// A panic anywhere below is a bug in terra: still one line, no trace.
	defer func() {
		if r := recover(); r != nil {
			code = fail("internal error: %v", r)
		}
	}()

	o, err := parseFlags(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintf(stderr, "terra-run: %v\n", err)
		return exitUsage
	}

	var cfg terra.Config
	if o.maxMemory != "" {
		if cfg.MemoryLimitPages, err = parseMemory(o.maxMemory); err != nil {
			fmt.Fprintf(stderr, "terra-run: %v\n", err)
			return exitUsage
		}
	}
	var prof *guestProfiler
	if o.profile != "" {
		prof = newGuestProfiler(o.module, interpSampleInterval)
		cfg.Profile = prof.sample
		cfg.ProfileInterval = interpSampleInterval
	}
	preopens, err := parseDirs(o.dirs)
	if err != nil {
		return fail("%v", err)
	}
	env, err := guestEnv(o.envs, o.inheritEnv)
	if err != nil {
		fmt.Fprintf(stderr, "terra-run: %v\n", err)
		return exitUsage
	}

	rt, tier, err := newRuntime(o.tier, cfg)
	if err != nil {
		var ue usageError
		if errors.As(err, &ue) {
			fmt.Fprintf(stderr, "terra-run: %v\n", err)
			return exitUsage
		}
		return fail("%v", err)
	}

	ctx := context.Background()
	if o.timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, o.timeout)
		defer cancel()
	}

	var st stats
	defer func() {
		if o.stats {
			st.print(stderr, tier)
		}
	}()

	data, err := os.ReadFile(o.module)
	if err != nil {
		return fail("%v", err)
	}
	t0 := time.Now()
	m, err := wasm.Decode(data, wasm.Features2_0)
	st.decode = time.Since(t0)
	if err != nil {
		return fail("%s: %s", o.module, describeDecodeError(data, err))
	}
	t0 = time.Now()
	err = wasm.Validate(m)
	st.validate = time.Since(t0)
	if err != nil {
		return fail("%s: invalid module: %v", o.module, err)
	}
	t0 = time.Now()
	cm, err := rt.CompileModule(m)
	st.compile = time.Since(t0)
	if err != nil {
		return fail("%s: %v", o.module, err)
	}

	t0 = time.Now()
	w, err := instantiateWASI(ctx, rt, cm, wasiSetup{
		args:     append([]string{o.module}, o.args...),
		env:      env,
		stdin:    stdin,
		stdout:   stdout,
		stderr:   stderr,
		preopens: preopens,
	})
	if err != nil {
		st.instantiate = time.Since(t0)
		return fail("wasi: %v", err)
	}
	defer w.Close()
	inst, err := rt.Instantiate(ctx, cm, terra.InstanceConfig{})
	st.instantiate = time.Since(t0)
	if err != nil {
		if c, ok := w.exitCode(err); ok { // proc_exit in the start function
			return guestExit(c)
		}
		if code, ok := trapExit(stderr, ctx, err); ok {
			return code
		}
		return fail("%s: %s", o.module, describeInstantiateError(err, cfg.MemoryLimitPages))
	}
	defer inst.Close()

	t0 = time.Now()
	defer func() {
		st.run = time.Since(t0)
		if prof != nil {
			if err := writeProfile(o.profile, prof); err != nil {
				fmt.Fprintf(stderr, "terra-run: --profile: %v\n", err)
				if code == 0 {
					code = exitError
				}
			}
		}
	}()
	if o.invoke != "" {
		return invoke(ctx, inst, w, o.invoke, o.args, stdout, stderr)
	}
	start := inst.ExportedFunction("_start")
	if start == nil {
		return fail("%s: no _start function to run: it is not a WASI command; use --invoke to call one of its functions", o.module)
	}
	if _, err := start.Call(ctx); err != nil {
		if c, ok := w.exitCode(err); ok {
			return guestExit(c)
		}
		if code, ok := trapExit(stderr, ctx, err); ok {
			return code
		}
		return fail("%v", err)
	}
	return 0
}

// interpSampleInterval is the --profile sampling period: 1ms, ten times
// Go's, since guest programs under an interpreter are short and slow.
const interpSampleInterval = time.Millisecond

// guestExit maps a proc_exit code to the process's exit code.
func guestExit(c uint32) int {
	if c > 255 {
		return exitError
	}
	return int(c)
}

// trapExit reports a trap, and returns the exit code for it, if err is one.
func trapExit(stderr io.Writer, ctx context.Context, err error) (int, bool) {
	var trap *terra.Trap
	if !errors.As(err, &trap) {
		return 0, false
	}
	fmt.Fprintf(stderr, "terra-run: %v\n", trap)
	if trap.Kind == terra.TrapInterrupted && errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return exitTimeout, true
	}
	return exitTrap, true
}

// describeDecodeError says why data is not a module, more plainly than the
// decoder for the common cases: not wasm at all, and cut short.
func describeDecodeError(data []byte, err error) string {
	switch {
	case len(data) < 4 || string(data[:4]) != "\x00asm":
		return "not a WebAssembly module (no \\0asm magic number)"
	case len(data) < 8:
		return "truncated WebAssembly module (no version)"
	}
	var me *wasm.MalformedError
	if errors.As(err, &me) {
		return "malformed module: " + me.Error()
	}
	return err.Error()
}

// describeInstantiateError phrases the usual instantiation failures.
func describeInstantiateError(err error, limit uint32) string {
	var le *terra.LinkError
	switch {
	case errors.As(err, &le) && le.Module != "":
		return fmt.Sprintf("cannot link import %s.%s: %s", le.Module, le.Name, le.Msg)
	case errors.Is(err, terra.ErrMemoryLimit):
		return fmt.Sprintf("needs more memory than --max-memory allows (%d pages, %d MiB): %v", limit, uint64(limit)*wasm.PageSize>>20, err)
	}
	return err.Error()
}

func writeProfile(path string, p *guestProfiler) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := p.build().Write(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// guestEnv is the guest's environment: the host's with --inherit-env, then
// each --env.
func guestEnv(envs []string, inherit bool) ([]string, error) {
	var env []string
	index := make(map[string]int)
	set := func(kv string) {
		k, _, _ := strings.Cut(kv, "=")
		if i, ok := index[k]; ok {
			env[i] = kv
			return
		}
		index[k] = len(env)
		env = append(env, kv)
	}
	if inherit {
		for _, kv := range os.Environ() {
			set(kv)
		}
	}
	for _, kv := range envs {
		k, _, hasValue := strings.Cut(kv, "=")
		if k == "" {
			return nil, fmt.Errorf("--env %q: want K=V or K", kv)
		}
		if !hasValue {
			v, ok := os.LookupEnv(k)
			if !ok {
				continue
			}
			kv = k + "=" + v
		}
		set(kv)
	}
	return env, nil
}

// preopen is a --dir: a host directory and its path in the guest.
type preopen struct {
	host, guest string
}

func parseDirs(dirs []string) ([]preopen, error) {
	var out []preopen
	for _, d := range dirs {
		host, guest, ok := strings.Cut(d, "::")
		if !ok {
			guest = host
		}
		if host == "" || guest == "" {
			return nil, fmt.Errorf("--dir %q: want HOST or HOST::GUEST", d)
		}
		fi, err := os.Stat(host)
		if err != nil {
			if errors.Is(err, os.ErrNotExist) {
				return nil, fmt.Errorf("--dir %s: no such directory", host)
			}
			return nil, fmt.Errorf("--dir %s: %v", host, err)
		}
		if !fi.IsDir() {
			return nil, fmt.Errorf("--dir %s: not a directory", host)
		}
		out = append(out, preopen{host: host, guest: guest})
	}
	return out, nil
}
