//go:build !linux

package build

import (
	"errors"
	"os"
	"syscall"
)

func isolationUnavailable() string { return "namespaces exist on Linux only" }

func sysProcAttr(bool, bool) *syscall.SysProcAttr { return &syscall.SysProcAttr{Setpgid: true} }

func kill(pid int) {
	syscall.Kill(-pid, syscall.SIGKILL)
	syscall.Kill(pid, syscall.SIGKILL)
}

func chownTree(string, int) error { return nil }

// becomeToolchain executes the toolchain, with no limits but the parent's
// time and output limits.
func becomeToolchain(spec *sandboxSpec) error {
	if len(spec.Args) == 0 {
		return errors.New("no command")
	}
	if err := os.Chdir(spec.Dir); err != nil {
		return err
	}
	return syscall.Exec(spec.Args[0], spec.Args, spec.Env)
}
