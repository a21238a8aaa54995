package build

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"
)

// isolationUnavailable says why namespaces cannot isolate builds, or "".
func isolationUnavailable() string {
	if os.Geteuid() != 0 {
		return "not running as root"
	}
	return ""
}

func sysProcAttr(isolate, network bool) *syscall.SysProcAttr {
	a := &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if isolate {
		a.Cloneflags = syscall.CLONE_NEWNS | syscall.CLONE_NEWPID | syscall.CLONE_NEWIPC | syscall.CLONE_NEWUTS
		if !network {
			a.Cloneflags |= syscall.CLONE_NEWNET
		}
	}
	return a
}

// kill kills the process group of the sandbox child, pid (and with it a
// PID namespace it leads).
func kill(pid int) {
	syscall.Kill(-pid, syscall.SIGKILL)
	syscall.Kill(pid, syscall.SIGKILL)
}

// chownTree gives dir and everything below it to uid.
func chownTree(dir string, uid int) error {
	return filepath.Walk(dir, func(p string, fi os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		if st, ok := fi.Sys().(*syscall.Stat_t); ok && int(st.Uid) == uid && int(st.Gid) == uid {
			return nil
		}
		return os.Lchown(p, uid, uid)
	})
}

// becomeToolchain sets up the sandbox of spec in this process and executes
// the toolchain in its place.
func becomeToolchain(spec *sandboxSpec) error {
	if spec.Isolate {
		if err := isolateFiles(spec.Writable, spec.Binds); err != nil {
			return err
		}
		unix.Sethostname([]byte("terrarium-build"))
	}
	limits := []struct {
		res int
		v   uint64
	}{
		{unix.RLIMIT_AS, spec.MemoryBytes},
		{unix.RLIMIT_CPU, spec.CPUSeconds},
		{unix.RLIMIT_FSIZE, spec.FileBytes},
		{unix.RLIMIT_CORE, 0},
		{unix.RLIMIT_NOFILE, 4096},
	}
	for _, l := range limits {
		if err := unix.Setrlimit(l.res, &unix.Rlimit{Cur: l.v, Max: l.v}); err != nil {
			return fmt.Errorf("setrlimit %d: %w", l.res, err)
		}
	}
	if spec.Isolate {
		if err := unix.Setgroups(nil); err != nil {
			return fmt.Errorf("setgroups: %w", err)
		}
		if err := unix.Setgid(spec.UID); err != nil {
			return fmt.Errorf("setgid: %w", err)
		}
		if err := unix.Setuid(spec.UID); err != nil {
			return fmt.Errorf("setuid: %w", err)
		}
	}
	if err := os.Chdir(spec.Dir); err != nil {
		return err
	}
	if len(spec.Args) == 0 {
		return fmt.Errorf("no command")
	}
	return syscall.Exec(spec.Args[0], spec.Args, spec.Env)
}

// isolateFiles, in a new mount namespace, makes every mount read-only but
// the writable directories, and mounts a /proc of the new PID namespace.
func isolateFiles(writable []string, binds []bind) error {
	if err := unix.Mount("", "/", "", unix.MS_REC|unix.MS_PRIVATE, ""); err != nil {
		return fmt.Errorf("making mounts private: %w", err)
	}
	for _, d := range writable {
		if err := unix.Mount(d, d, "", unix.MS_BIND|unix.MS_REC, ""); err != nil {
			return fmt.Errorf("bind-mounting %s: %w", d, err)
		}
	}
	for _, bd := range binds {
		if err := unix.Mount(bd.Src, bd.Dst, "", unix.MS_BIND|unix.MS_REC, ""); err != nil {
			return fmt.Errorf("bind-mounting %s at %s: %w", bd.Src, bd.Dst, err)
		}
	}
	points, err := mountPoints()
	if err != nil {
		return err
	}
	for _, mp := range points {
		if under(mp, writable) {
			continue
		}
		err := unix.Mount("", mp, "", unix.MS_REMOUNT|unix.MS_BIND|unix.MS_RDONLY|unix.MS_NOSUID, "")
		if err != nil && !pseudo(mp) {
			return fmt.Errorf("making %s read-only: %w", mp, err)
		}
	}
	if err := unix.Mount("proc", "/proc", "proc", unix.MS_NOSUID|unix.MS_NODEV|unix.MS_NOEXEC|unix.MS_RDONLY, ""); err != nil {
		return fmt.Errorf("mounting /proc: %w", err)
	}
	return nil
}

// pseudo reports a mount of the kernel's pseudo file systems, which a
// read-only remount may not apply to and which an unprivileged user cannot
// write through anyway.
func pseudo(mp string) bool {
	return under(mp, []string{"/proc", "/sys"})
}

// under reports whether p is one of dirs or below one.
func under(p string, dirs []string) bool {
	for _, d := range dirs {
		if p == d || strings.HasPrefix(p, strings.TrimSuffix(d, "/")+"/") {
			return true
		}
	}
	return false
}

// mountPoints lists this mount namespace's mount points, parents first.
func mountPoints() ([]string, error) {
	f, err := os.Open("/proc/self/mountinfo")
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var points []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) < 5 {
			continue
		}
		points = append(points, unescapeMount(fields[4]))
	}
	sort.Strings(points)
	return points, sc.Err()
}

// unescapeMount undoes mountinfo's octal escapes (\040 for a space).
func unescapeMount(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+3 < len(s) {
			var c byte
			if _, err := fmt.Sscanf(s[i+1:i+4], "%03o", &c); err == nil {
				b.WriteByte(c)
				i += 3
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}
