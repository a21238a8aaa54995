// Command terra-run runs a WebAssembly module with terra.
//
// Its help (terra-run -h), which the README repeats, says how:
//
//	usage: terra-run [flags] module.wasm [args...]
//	       terra-run [flags] --invoke NAME module.wasm [args...]
//
// See usage in this file for the rest.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
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

// usage is terra-run's help. The README's terra-run section repeats it
// (TestREADMEShowsHelp checks).
const usage = `usage: terra-run [flags] module.wasm [args...]
       terra-run [flags] --invoke NAME module.wasm [args...]

Runs a WebAssembly module. A WASI command (a module that exports _start)
runs with WASI preview 1: args follow the module's path in its argv, and it
gets the standard streams, the environment that --env and --inherit-env
give, and the directories that --dir preopens. With --invoke, terra-run
calls the exported function NAME instead, with args as its parameters (i32
and i64 as decimal integers, f32 and f64 as decimal floats, inf, -inf or
nan), and prints its results one per line; a module that exports
_initialize has it called first.

Flags go before module.wasm: everything after it is the guest's.

  --dir HOST[::GUEST][:ro]  preopen the host directory HOST as GUEST (by
                            default the same path), read-only with :ro;
                            repeatable
  --env K=V                 set a guest environment variable; --env K
                            passes the host's K; repeatable
  --inherit-env             pass the host's whole environment (before --env)
  --invoke NAME             call the exported function NAME, not _start
  --max-memory SIZE         limit every memory to SIZE: 64MiB, 1GiB, 512KiB,
                            or a number of 64 KiB pages
  --timeout D               interrupt the guest after D (5s, 1m30s), even
                            while it waits for input; also bounds reading
                            the module
  --tier T                  interp, jit or tiered (default: the best this
                            build has)
  --tiering OPTS            tune tiered, comma-separated: threshold=N (the
                            work before a function compiles; default
                            10000), workers=N (background compilers),
                            eager (compile all at once, in the background),
                            sync (compile where a function turns hot, on
                            the spot), no-osr
  --cache DIR               keep the JIT's machine code in DIR (made 0700 if
                            missing), so that later runs of the same module
                            load it instead of compiling it; a bad or stale
                            entry is compiled again, and a DIR that cannot
                            be used is a warning, not a failure
  --stats                   print the time of each phase that ran, what the
                            JIT compiled and, on tiered, each function that
                            tiered up, to stderr
  --profile FILE            write a pprof profile of the guest's functions
                            (go tool pprof -top FILE)
  -h, --help                print this help

Exit status:
  0-255  a WASI command's proc_exit code (0 when _start returns); a code
         above 255 exits 1
  0      --invoke: the function returned
  1      the module cannot run: unreadable, not a regular file or pipe,
         larger than 1 GiB, not WebAssembly, truncated, malformed or
         invalid, an import missing, memory beyond --max-memory, no _start,
         no export NAME, or a host error
  2      bad usage: an unknown flag, a bad flag value (a --dir that is not a
         directory, a --profile FILE that cannot be created, a --tier this
         build lacks, a negative --timeout, ...), no module, or --invoke
         arguments that do not fit the function
  124    --timeout expired (the guest trapped as "interrupted")
  134    the guest trapped (128+SIGABRT, as wasmtime exits), also while
         instantiating (a data segment that does not fit its memory); the
         trap and its WebAssembly stack trace go to stderr

Every failure is one line on stderr starting "terra-run: ", but for a
trap's stack trace on the lines after it.
`

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
	tiering    tieringFlag
	cache      string
	invoke     string
	maxMemory  string
	timeout    time.Duration
	stats      bool
	profile    string
	module     string
	args       []string // after module
}

// usageError is a bad command line: exit code 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, a ...any) error { return usageError{fmt.Sprintf(format, a...)} }

func parseFlags(args []string, stderr io.Writer) (*options, error) {
	o := &options{}
	fs := flag.NewFlagSet("terra-run", flag.ContinueOnError)
	fs.SetOutput(io.Discard) // errors are reported as one line by run
	fs.Var(&o.dirs, "dir", "")
	fs.Var(&o.envs, "env", "")
	fs.BoolVar(&o.inheritEnv, "inherit-env", false, "")
	fs.StringVar(&o.tier, "tier", "", "")
	fs.Var(&o.tiering, "tiering", "")
	fs.StringVar(&o.cache, "cache", "", "")
	fs.StringVar(&o.invoke, "invoke", "", "")
	fs.StringVar(&o.maxMemory, "max-memory", "", "")
	fs.DurationVar(&o.timeout, "timeout", 0, "")
	fs.BoolVar(&o.stats, "stats", false, "")
	fs.StringVar(&o.profile, "profile", "", "")
	fs.Usage = func() {}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprint(stderr, usage)
			return nil, err
		}
		return nil, usagef("%v (terra-run -h for usage)", err)
	}
	if o.timeout < 0 {
		return nil, usagef("--timeout %v: want a positive duration, or 0 for none", o.timeout)
	}
	if o.tiering.set {
		if o.tier != "" && o.tier != string(terra.TierTiered) {
			return nil, usagef("--tiering tunes --tier tiered, not --tier %s", o.tier)
		}
		o.tier = string(terra.TierTiered)
	}
	if o.cache != "" && o.tier == string(terra.TierInterp) {
		return nil, usagef("--cache with --tier interp: the interpreter compiles nothing to keep")
	}
	if fs.NArg() == 0 {
		return nil, usagef("no module given: usage: terra-run [flags] module.wasm [args...]")
	}
	o.module = fs.Arg(0)
	o.args = fs.Args()[1:]
	return o, nil
}

// tieringFlag is --tiering: terra.Tiering as a comma-separated list.
type tieringFlag struct {
	terra.Tiering
	set bool
}

func (f *tieringFlag) String() string { return "" }

func (f *tieringFlag) Set(s string) error {
	f.set = true
	for opt := range strings.SplitSeq(s, ",") {
		name, value, hasValue := strings.Cut(strings.TrimSpace(opt), "=")
		var n *int
		switch name {
		case "threshold":
			n = &f.Threshold
		case "workers":
			n = &f.Workers
		case "eager":
			f.Eager = true
		case "sync":
			f.Sync = true
		case "no-osr":
			f.NoOSR = true
		default:
			return fmt.Errorf("%q: want threshold=N, workers=N, eager, sync or no-osr", opt)
		}
		if (n != nil) != hasValue {
			return fmt.Errorf("%q: only threshold and workers take a value", opt)
		}
		if n != nil {
			v, err := strconv.Atoi(value)
			if err != nil || v < 1 {
				return fmt.Errorf("%q: want a positive integer", opt)
			}
			*n = v
		}
	}
	return nil
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
	if tier == "" {
		tier = string(terra.BestTier())
	}
	switch tier {
	case string(terra.TierInterp), string(terra.TierJIT), string(terra.TierTiered):
		cfg.Tier = terra.Tier(tier)
		rt, err := terra.NewRuntime(cfg)
		if errors.Is(err, terra.ErrTierUnavailable) {
			return nil, "", usagef("--tier %s: terra has no %s tier on this platform (use --tier interp)", tier, tier)
		}
		return rt, cfg.Tier, err
	}
	return nil, "", usagef("--tier %q: want interp, jit or tiered", tier)
}

// stats are the times of the phases that ran, which --stats prints.
type stats struct {
	phases []phase
	start  time.Time // of the first phase
	cache  bool      // with --cache: print the cache's counts
}

type phase struct {
	name string
	time time.Duration
}

// done records that phase name, begun at start, ended.
func (s *stats) done(name string, start time.Time) {
	if len(s.phases) == 0 {
		s.start = start
	}
	s.phases = append(s.phases, phase{name, time.Since(start)})
}

// print prints the phases, then what the runtime's JIT compiled and, for
// the tiered engine, every function that tiered up.
func (s *stats) print(w io.Writer, tier terra.Tier, rs terra.RuntimeStats) {
	var b strings.Builder
	fmt.Fprintf(&b, "terra-run: tier %s", tier)
	for i, p := range s.phases {
		sep := ", "
		if i == 0 {
			sep = ": "
		}
		fmt.Fprintf(&b, "%s%s %v", sep, p.name, round(p.time))
	}
	if tier == terra.TierTiered {
		t := rs.Tiering
		fmt.Fprintf(&b, "; tier-ups %d, OSR %d", t.Compiled, t.OSR)
		if t.Failed > 0 {
			fmt.Fprintf(&b, ", failed %d", t.Failed)
		}
		if waiting := t.Queued - t.Compiled - t.Failed; waiting > 0 {
			fmt.Fprintf(&b, ", %d still queued", waiting)
		}
	}
	fmt.Fprintln(w, b.String())
	if j := rs.JIT; j.Compiled+j.Interpreted > 0 {
		ms := float64(j.Time) / float64(time.Millisecond)
		fmt.Fprintf(w, "terra-run: jit: %d functions compiled, %d bytes of code bodies in %.1f ms (%.1f MB/s), %d left on the interpreter\n",
			j.Compiled, j.BodyBytes, ms, float64(j.BodyBytes)/j.Time.Seconds()/1e6, j.Interpreted)
	}
	for _, u := range rs.Tiering.TierUps {
		name := u.Name
		if name == "" {
			name = fmt.Sprintf("func[%d]", u.Func)
		}
		fmt.Fprintf(w, "terra-run: tier-up %s at %v: code after %v (%v waiting for a compiler)",
			name, round(u.Hot.Sub(s.start)), round(u.Wait+u.Compile), round(u.Wait))
		if u.Err != nil {
			fmt.Fprintf(w, ", failed: %v", u.Err)
		}
		fmt.Fprintln(w)
	}
	if s.cache {
		c := rs.Cache
		fmt.Fprintf(w, "terra-run: cache: %d hits, %d misses, %d stored, %d errors\n", c.Hits, c.Misses, c.Stores, c.Errors)
	}
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
	badUsage := func(err error) int {
		fmt.Fprintf(stderr, "terra-run: %v\n", err)
		return exitUsage
	}

	o, err := parseFlags(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		return badUsage(err)
	}

	cfg := terra.Config{CacheDir: o.cache}
	if o.maxMemory != "" {
		if cfg.MemoryLimitPages, err = parseMemory(o.maxMemory); err != nil {
			return badUsage(err)
		}
	}
	preopens, err := parseDirs(o.dirs)
	if err != nil {
		return badUsage(err)
	}
	env, err := guestEnv(o.envs, o.inheritEnv)
	if err != nil {
		return badUsage(err)
	}
	var prof *guestProfiler
	var profFile *os.File
	if o.profile != "" {
		// Created now, so that a path that cannot be written fails before
		// the run rather than after it.
		if profFile, err = os.Create(o.profile); err != nil {
			return badUsage(fmt.Errorf("--profile: %w", err))
		}
		prof = newGuestProfiler(o.module, interpSampleInterval)
		cfg.Profile = prof.sample
		cfg.ProfileInterval = interpSampleInterval
	}
	ran := false // whether the guest ran, and the profile is worth writing
	defer func() {
		if profFile == nil {
			return
		}
		if !ran {
			profFile.Close()
			os.Remove(o.profile)
			return
		}
		if err := writeProfile(profFile, prof); err != nil {
			fmt.Fprintf(stderr, "terra-run: --profile: %v\n", err)
			if code == 0 {
				code = exitError
			}
		}
	}()

	cfg.Tiering = o.tiering.Tiering
	rt, tier, err := newRuntime(o.tier, cfg)
	if err != nil {
		var ue usageError
		if errors.As(err, &ue) {
			return badUsage(err)
		}
		return fail("%v", err)
	}
	defer rt.Close()

	ctx := context.Background()
	if o.timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, o.timeout)
		defer cancel()
	}

	var st stats
	defer func() {
		if o.cache != "" {
			// Close waits for the cache's compilation in the background on
			// a miss under tiered, so that its entry is stored, and
			// counted.
			_ = rt.Close()
			if c := rt.Stats().Cache; c.LastError != nil {
				fmt.Fprintf(stderr, "terra-run: warning: --cache %s: %v\n", o.cache, c.LastError)
			}
		}
		if o.stats {
			st.print(stderr, tier, rt.Stats())
		}
	}()

	data, err := readModule(ctx, o.module)
	if errors.Is(err, context.DeadlineExceeded) {
		fmt.Fprintf(stderr, "terra-run: %s: --timeout %v expired while reading the module\n", o.module, o.timeout)
		return exitTimeout
	}
	if err != nil {
		return fail("%v", err)
	}
	cm, err := compileModule(rt, o, data, &st)
	if err != nil {
		return fail("%s: %s", o.module, describeCompileError(data, err))
	}

	t0 := time.Now()
	w, err := instantiateWASI(ctx, rt, cm, wasiSetup{
		args:     append([]string{o.module}, o.args...),
		env:      env,
		stdin:    stdin,
		stdout:   stdout,
		stderr:   stderr,
		preopens: preopens,
	})
	if err != nil {
		st.done("instantiate", t0)
		return fail("wasi: %v", err)
	}
	defer w.Close()
	inst, err := rt.Instantiate(ctx, cm, terra.InstanceConfig{})
	st.done("instantiate", t0)
	if err != nil {
		// The start function may have run, and called proc_exit.
		ran = true
		if c, ok := w.exitCode(err); ok {
			return guestExit(c)
		}
		var trap *terra.Trap
		if errors.As(err, &trap) {
			// Not the bare trap: a segment that does not fit is named.
			fmt.Fprintf(stderr, "terra-run: %s: %s\n", o.module, strings.TrimPrefix(err.Error(), "terra: "))
			return trapCode(ctx, trap)
		}
		return fail("%s: %s", o.module, describeInstantiateError(err, cfg.MemoryLimitPages))
	}
	defer inst.Close()

	var f *terra.Function
	if o.invoke == "" {
		if f = inst.ExportedFunction("_start"); f == nil {
			return fail("%s: no _start function to run: it is not a WASI command; use --invoke to call one of its functions%s",
				o.module, flagsAfterModule(o.args))
		}
	}
	t0 = time.Now()
	defer st.done("run", t0)
	ran = true
	if o.invoke != "" {
		return invoke(ctx, inst, w, o.invoke, o.args, stdout, stderr)
	}
	if _, err := f.Call(ctx); err != nil {
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

// compileModule compiles the module in data. With --cache it goes through
// Runtime.Compile, the path of the compiled-code cache, which decodes and
// validates too: --stats then times the three as one phase and reports the
// cache. Otherwise it decodes, validates and compiles in steps, each a
// phase.
func compileModule(rt *terra.Runtime, o *options, data []byte, st *stats) (*terra.CompiledModule, error) {
	if o.cache != "" {
		t0 := time.Now()
		cm, err := rt.Compile(context.Background(), data)
		st.done("compile", t0)
		st.cache = true
		return cm, err
	}
	t0 := time.Now()
	m, err := wasm.Decode(data, wasm.Features2_0)
	st.done("decode", t0)
	if err != nil {
		return nil, err
	}
	t0 = time.Now()
	err = wasm.Validate(m)
	st.done("validate", t0)
	if err != nil {
		return nil, err
	}
	t0 = time.Now()
	cm, err := rt.CompileModule(m)
	st.done("compile", t0)
	return cm, err
}

// flagsAfterModule returns a hint if args, which go to the guest, hold
// flags of terra-run's own, as when --invoke follows the module.
func flagsAfterModule(args []string) string {
	for _, a := range args {
		name, _, _ := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if strings.HasPrefix(a, "-") && slices.Contains(flagNames, name) {
			return fmt.Sprintf(" (%s comes after module.wasm, so it went to the guest: put terra-run's flags first)", a)
		}
	}
	return ""
}

// flagNames are terra-run's flags.
var flagNames = []string{"dir", "env", "inherit-env", "invoke", "max-memory", "timeout", "tier", "tiering", "cache", "stats", "profile"}

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
	return trapCode(ctx, trap), true
}

// trapCode is the exit code of a trap: --timeout's for the interruption
// that its deadline caused.
func trapCode(ctx context.Context, trap *terra.Trap) int {
	if trap.Kind == terra.TrapInterrupted && errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return exitTimeout
	}
	return exitTrap
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

func writeProfile(f *os.File, p *guestProfiler) error {
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

// preopen is a --dir: a host directory, its path in the guest, and
// whether the guest may change it.
type preopen struct {
	host, guest string
	readOnly    bool
}

// parseDirs parses --dir values: HOST, HOST::GUEST, and either with :ro
// after it for a read-only preopen. HOST must be a directory.
func parseDirs(dirs []string) ([]preopen, error) {
	var out []preopen
	for _, d := range dirs {
		spec, ro := strings.CutSuffix(d, ":ro")
		host, guest, ok := strings.Cut(spec, "::")
		if !ok {
			guest = host
		}
		if host == "" || guest == "" {
			return nil, usagef("--dir %q: want HOST, HOST::GUEST, HOST:ro or HOST::GUEST:ro", d)
		}
		fi, err := os.Stat(host)
		switch {
		case errors.Is(err, os.ErrNotExist):
			return nil, usagef("--dir %s: no such directory", host)
		case err != nil:
			return nil, usagef("--dir %s: %v", host, err)
		case !fi.IsDir():
			return nil, usagef("--dir %s: not a directory", host)
		}
		out = append(out, preopen{host: host, guest: guest, readOnly: ro})
	}
	return out, nil
}
