package build

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"sync"
	"time"
)

// childEnv carries a sandboxSpec to the re-executed child.
const childEnv = "TERRARIUM_BUILD_SANDBOX"

// sandboxSpec is what the child sets up before it becomes the toolchain.
type sandboxSpec struct {
	Args        []string `json:"args"`
	Env         []string `json:"env"`
	Dir         string   `json:"dir"`
	Writable    []string `json:"writable"` // with namespaces: all else is read-only
	Binds       []bind   `json:"binds"`
	Isolate     bool     `json:"isolate"`
	Network     bool     `json:"network"` // with namespaces: keep the host's network
	MemoryBytes uint64   `json:"memory_bytes"`
	CPUSeconds  uint64   `json:"cpu_seconds"`
	FileBytes   uint64   `json:"file_bytes"`
	UID         int      `json:"uid"` // with namespaces: the user to run as
}

// nobody is the user that isolated builds run as.
const nobody = 65534

// RunSandboxChild turns this process into a build's toolchain if it was
// started as a build sandbox (by a Builder), and never returns then; it
// returns at once otherwise. Call it first thing in main (and in TestMain
// of tests that build).
func RunSandboxChild() {
	s := os.Getenv(childEnv)
	if s == "" {
		return
	}
	var spec sandboxSpec
	if err := json.Unmarshal([]byte(s), &spec); err != nil {
		fmt.Fprintf(os.Stderr, "terrarium build sandbox: %v\n", err)
		os.Exit(126)
	}
	err := becomeToolchain(&spec) // returns only on failure
	fmt.Fprintf(os.Stderr, "terrarium build sandbox: %v\n", err)
	os.Exit(126)
}

// run runs cmd in a sandbox child, its output to log within the output
// limit, and says how it was isolated.
func (b *Builder) run(ctx context.Context, cmd *command, dir string, log io.Writer) (string, error) {
	spec := &sandboxSpec{
		Args:        cmd.args,
		Env:         cmd.env,
		Dir:         cmd.dir,
		Writable:    []string{dir},
		Binds:       cmd.binds,
		Network:     cmd.network,
		MemoryBytes: b.cfg.MaxMemoryBytes,
		CPUSeconds:  uint64(2*b.cfg.Timeout/time.Second) + 1,
		FileBytes:   uint64(b.cfg.MaxWasmBytes) * 4,
		UID:         nobody,
	}
	isolation, err := b.isolation(dir, cmd.binds)
	if err != nil {
		return "", err
	}
	spec.Isolate = isolation == "namespaces"
	if spec.Isolate && spec.Network {
		fmt.Fprintf(log, "terrarium: warning: Go builds have network access to reach the module proxy %s\n", b.cfg.GoProxy)
	}
	if !spec.Isolate {
		for _, bd := range cmd.binds {
			os.Remove(bd.Dst)
			if err := os.Symlink(bd.Src, bd.Dst); err != nil {
				return "", err
			}
		}
		fmt.Fprintf(log, "terrarium: warning: builds run without namespaces (%s): no network or file system isolation beyond limits\n", isolationUnavailable())
	}
	return isolation, runSandboxed(ctx, spec, log, b.cfg.Timeout, b.cfg.MaxOutputBytes)
}

// isolation decides how to isolate a build and prepares its writable
// directories for the unprivileged user.
func (b *Builder) isolation(dir string, binds []bind) (string, error) {
	switch b.cfg.Isolation {
	case "none":
		return "limits only", nil
	case "auto", "namespaces":
	default:
		return "", fmt.Errorf("build: unknown isolation %q", b.cfg.Isolation)
	}
	if why := isolationUnavailable(); why != "" {
		if b.cfg.Isolation == "namespaces" {
			return "", &Error{Reason: "build isolation with namespaces unavailable: " + why}
		}
		return "limits only", nil
	}
	if err := chownTree(dir, nobody); err != nil {
		return "", err
	}
	for _, bd := range binds {
		if err := b.chownOnce(bd.Src); err != nil {
			return "", err
		}
	}
	return "namespaces", nil
}

// chownOnce gives a shared directory (a cache) to the build user the first
// time a build uses it; the files builds add are theirs already.
func (b *Builder) chownOnce(dir string) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.owned[dir] {
		return nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	if err := chownTree(dir, nobody); err != nil {
		return err
	}
	if b.owned == nil {
		b.owned = map[string]bool{}
	}
	b.owned[dir] = true
	return nil
}

// errOutput stops a build that writes too much.
var errOutput = errors.New("output limit")

// limitedLog copies to w up to max bytes, then fails.
type limitedLog struct {
	mu   sync.Mutex
	w    io.Writer
	left int64
	over bool
}

func (l *limitedLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.over {
		return 0, errOutput
	}
	if int64(len(p)) > l.left {
		l.w.Write(p[:l.left])
		l.over = true
		return 0, errOutput
	}
	l.left -= int64(len(p))
	return l.w.Write(p)
}

// runSandboxed starts this executable as the sandbox child for spec and
// waits for it, stopping it at the timeout or once its output passes
// maxOutput bytes.
func runSandboxed(ctx context.Context, spec *sandboxSpec, log io.Writer, timeout time.Duration, maxOutput int64) error {
	self, err := os.Executable()
	if err != nil {
		return fmt.Errorf("build: finding this executable for the sandbox: %w", err)
	}
	js, err := json.Marshal(spec)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	pr, pw, err := os.Pipe()
	if err != nil {
		return err
	}
	c := exec.Command(self, "terrarium-build-sandbox")
	c.Env = []string{childEnv + "=" + string(js)}
	c.Stdout, c.Stderr = pw, pw
	c.SysProcAttr = sysProcAttr(spec.Isolate, spec.Network)
	if err := c.Start(); err != nil {
		pr.Close()
		pw.Close()
		return fmt.Errorf("build: starting the sandbox: %w", err)
	}
	pw.Close()
	out := &limitedLog{w: log, left: maxOutput}
	copied := make(chan error, 1)
	go func() {
		_, err := io.Copy(out, pr)
		pr.Close()
		copied <- err
	}()
	waited := make(chan error, 1)
	go func() { waited <- c.Wait() }()
	var waitErr error
	stopped := ""
	select {
	case waitErr = <-waited:
	case <-ctx.Done():
		stopped = "time"
		kill(c.Process.Pid)
		waitErr = <-waited
	case err := <-copied:
		if errors.Is(err, errOutput) {
			stopped = "output"
			kill(c.Process.Pid)
		}
		waitErr = <-waited
		copied <- err
	}
	// The child's descendants may hold the pipe; they die with it (a PID
	// namespace) or with its process group.
	kill(c.Process.Pid)
	<-copied
	switch {
	case stopped == "time" && ctx.Err() == context.DeadlineExceeded:
		return &Error{Reason: fmt.Sprintf("the build ran past its time limit of %s and was stopped", timeout)}
	case stopped == "time":
		return fmt.Errorf("build: %w", ctx.Err())
	case stopped == "output" || out.over:
		return &Error{Reason: fmt.Sprintf("the build wrote more than its output limit of %d bytes and was stopped", maxOutput)}
	case waitErr != nil:
		var exit *exec.ExitError
		if errors.As(waitErr, &exit) && exit.ExitCode() == 126 {
			return &Error{Reason: "the build sandbox failed (see the log)"}
		}
		return &Error{Reason: "the toolchain failed: " + waitErr.Error()}
	}
	return nil
}
