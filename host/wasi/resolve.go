package wasi

import (
	"strings"

	"golang.org/x/sys/unix"
)

// maxSymlinks bounds the symbolic links one path resolution follows, as
// Linux's MAXSYMLINKS does.
const maxSymlinks = 40

// target is a resolved path: the directory holding its last component,
// and that component's name. The directory is the base one or a
// directory resolution opened, which close closes.
type target struct {
	dir  int
	name string // never empty and never holding a slash: ".", "..", or a file name
	// mustDir is set when the path ended in a slash or resolved through a
	// symbolic link that did: its last component must be a directory.
	mustDir bool
	held    []int
}

// close closes the directories that resolution opened.
func (t *target) close() {
	for _, fd := range t.held {
		unix.Close(fd)
	}
	t.held = nil
}

// resolve resolves path relative to the directory base without ever
// leaving it: an absolute path, a ".." above base or a symbolic link whose
// target does either fails with ENOTCAPABLE. Resolution walks one
// component at a time, opening each directory relative to the previous one
// with O_NOFOLLOW, and reads symbolic links itself (at most maxSymlinks of
// them), so the host kernel never follows a link or a ".." on its own: the
// directories it holds stay those it has checked, even if one is renamed
// meanwhile. The last component is followed if it is a symbolic link and
// follow is set; otherwise it is left for the caller to operate on with
// its *at system call, which must not follow it (AT_SYMLINK_NOFOLLOW,
// O_NOFOLLOW). A path of "." or one ending in ".." ends with ".", the
// directory itself.
func resolve(base int, path string, follow bool) (*target, error) {
	if path == "" {
		return nil, ErrnoNoent
	}
	if strings.IndexByte(path, 0) >= 0 {
		return nil, ErrnoInval
	}
	t := &target{}
	stack := []int{base} // the directories walked, base first
	queue, mustDir, err := components(path)
	if err != nil {
		return nil, err
	}
	hops := 0
	fail := func(err error) (*target, error) {
		t.close()
		return nil, err
	}
	for len(queue) > 0 {
		name := queue[0]
		queue = queue[1:]
		last := len(queue) == 0
		top := stack[len(stack)-1]
		if name == ".." {
			if len(stack) == 1 {
				return fail(ErrnoNotcapable)
			}
			stack = stack[:len(stack)-1]
			if last {
				queue = []string{"."}
			}
			continue
		}
		if last && (name == "." || (!follow && !mustDir)) {
			t.dir, t.name, t.mustDir = top, name, mustDir
			return t, nil
		}
		if !last {
			fd, err := unix.Openat(top, name, unix.O_PATH|unix.O_DIRECTORY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
			if err == nil {
				t.held = append(t.held, fd)
				stack = append(stack, fd)
				continue
			}
			if err != unix.ELOOP && err != unix.ENOTDIR {
				return fail(err)
			}
		}
		link, err := readlink(top, name)
		switch {
		case err == unix.EINVAL || (last && err == unix.ENOENT):
			if !last { // neither a directory nor a link
				return fail(ErrnoNotdir)
			}
			t.dir, t.name, t.mustDir = top, name, mustDir
			return t, nil
		case err != nil:
			return fail(err)
		}
		if hops++; hops > maxSymlinks {
			return fail(ErrnoLoop)
		}
		more, dir, err := components(link)
		if err != nil {
			return fail(err)
		}
		if last {
			mustDir = mustDir || dir
		}
		queue = append(more, queue...)
		if len(queue) == 0 { // a link to "."
			queue = []string{"."}
		}
	}
	// Only a path of slashes and dots ends here, walking back to base.
	t.dir, t.name, t.mustDir = stack[len(stack)-1], ".", mustDir
	return t, nil
}

// components splits a relative path into its components other than ".",
// and reports whether it ends in a slash (or "/."), naming a directory.
// An absolute path is ENOTCAPABLE.
func components(path string) (parts []string, trailingSlash bool, err error) {
	if strings.HasPrefix(path, "/") {
		return nil, false, ErrnoNotcapable
	}
	for p := range strings.SplitSeq(path, "/") {
		if p != "" && p != "." {
			parts = append(parts, p)
		}
	}
	return parts, strings.HasSuffix(path, "/") || strings.HasSuffix(path, "/."), nil
}

// readlink returns the target of the symbolic link name in dir.
func readlink(dir int, name string) (string, error) {
	for size := 256; ; size *= 2 {
		buf := make([]byte, size)
		n, err := unix.Readlinkat(dir, name, buf)
		if err != nil {
			return "", err
		}
		if n < size {
			return string(buf[:n]), nil
		}
	}
}
