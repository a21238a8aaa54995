package wasi

import (
	"golang.org/x/sys/unix"
	"strings"
)

// path resolves the path at ptr, of n bytes, relative to the directory fd,
// which must have the rights need.
func (c *call) path(fd, need, ptr, n uint64, follow bool) (*target, error) {
	e, err := c.entry(fd, need)
	if err != nil {
		return nil, err
	}
	if e.kind != kindDir {
		return nil, ErrnoNotdir
	}
	p, err := c.mem.String(uint32(ptr), uint32(n))
	if err != nil {
		return nil, err
	}
	return resolve(e.fd, p, follow)
}

// checkDir fails with ENOTDIR unless t names a directory, when it must.
func (t *target) checkDir() error {
	if !t.mustDir {
		return nil
	}
	var st unix.Stat_t
	if err := unix.Fstatat(t.dir, t.name, &st, unix.AT_SYMLINK_NOFOLLOW); err != nil {
		return err
	}
	if st.Mode&unix.S_IFMT != unix.S_IFDIR {
		return ErrnoNotdir
	}
	return nil
}

func pathCreateDirectory(c *call, a []uint64) error {
	t, err := c.path(a[0], rightPathCreateDirectory, a[1], a[2], false)
	if err != nil {
		return err
	}
	defer t.close()
	return unix.Mkdirat(t.dir, t.name, 0o777)
}

func pathFilestatGet(c *call, a []uint64) error {
	t, err := c.path(a[0], rightPathFilestatGet, a[2], a[3], a[1]&lookupSymlinkFollow != 0)
	if err != nil {
		return err
	}
	defer t.close()
	var st unix.Stat_t
	if err := unix.Fstatat(t.dir, t.name, &st, unix.AT_SYMLINK_NOFOLLOW); err != nil {
		return err
	}
	if t.mustDir && st.Mode&unix.S_IFMT != unix.S_IFDIR {
		return ErrnoNotdir
	}
	return c.putFilestat(uint32(a[4]), statFilestat(&st))
}

func pathFilestatSetTimes(c *call, a []uint64) error {
	ts, err := timespecs(a[4], a[5], a[6])
	if err != nil {
		return err
	}
	t, err := c.path(a[0], rightPathFilestatSetTimes, a[2], a[3], a[1]&lookupSymlinkFollow != 0)
	if err != nil {
		return err
	}
	defer t.close()
	if err := t.checkDir(); err != nil {
		return err
	}
	return unix.UtimesNanoAt(t.dir, t.name, ts, unix.AT_SYMLINK_NOFOLLOW)
}

func pathLink(c *call, a []uint64) error {
	old, err := c.path(a[0], rightPathLinkSource, a[2], a[3], a[1]&lookupSymlinkFollow != 0)
	if err != nil {
		return err
	}
	defer old.close()
	t, err := c.path(a[4], rightPathLinkTarget, a[5], a[6], false)
	if err != nil {
		return err
	}
	defer t.close()
	if err := old.checkDir(); err != nil {
		return err
	}
	return unix.Linkat(old.dir, old.name, t.dir, t.name, 0)
}

func pathOpen(c *call, a []uint64) error {
	dirflags, oflags, fdflags := a[1], uint16(a[4]), uint16(a[7])
	base, inheriting := a[5], a[6]
	need := rightPathOpen
	if oflags&oflagCreat != 0 {
		need |= rightPathCreateFile
	}
	// O_TRUNC does not require PATH_FILESTAT_SET_SIZE on the directory:
	// Go opens directories without that right yet truncates files through
	// them (os.Root.WriteFile), and neither wasmtime nor wazero asks for it.
	// Truncating still needs a writable file, which the file's rights and
	// read-only preopens govern.
	dir, err := c.entry(a[0], need)
	if err != nil {
		return err
	}
	write := base&(rightFdWrite|rightFdAllocate|rightFdFilestatSetSize) != 0 || fdflags&fdflagAppend != 0
	read := base&(rightFdRead|rightFdReaddir) != 0
	if dir.readOnly && (write || oflags&(oflagCreat|oflagTrunc) != 0) {
		return ErrnoRofs
	}
	if oflags&oflagDirectory != 0 && (write || oflags&(oflagCreat|oflagTrunc) != 0) {
		return ErrnoIsdir
	}
	// Opening is never blocking on the host, so that a FIFO cannot hold
	// the call past its context (see fdEntry.poll); Linux ignores the flag
	// for regular files and directories.
	flags := unix.O_NOFOLLOW | unix.O_CLOEXEC | unix.O_RDONLY | unix.O_NONBLOCK
	switch {
	case write && read:
		flags |= unix.O_RDWR
	case write:
		flags |= unix.O_WRONLY
	}
	for _, f := range [...]struct {
		wasi uint16
		host int
	}{{oflagCreat, unix.O_CREAT}, {oflagDirectory, unix.O_DIRECTORY}, {oflagExcl, unix.O_EXCL}, {oflagTrunc, unix.O_TRUNC}} {
		if oflags&f.wasi != 0 {
			flags |= f.host
		}
	}
	for _, f := range [...]struct {
		wasi uint16
		host int
	}{{fdflagAppend, unix.O_APPEND}, {fdflagDsync, unix.O_DSYNC}, {fdflagNonblock, unix.O_NONBLOCK},
		{fdflagRsync, unix.O_RSYNC}, {fdflagSync, unix.O_SYNC}} {
		if fdflags&f.wasi != 0 {
			flags |= f.host
		}
	}
	t, err := c.path(a[0], need, a[2], a[3], dirflags&lookupSymlinkFollow != 0)
	if err != nil {
		return err
	}
	defer t.close()
	if t.mustDir {
		flags |= unix.O_DIRECTORY
	}
	open := func() (int, error) { return unix.Openat(t.dir, t.name, flags, 0o666) }
	fd, err := retry(open)
	// A FIFO without a reader cannot be opened non-blocking for writing;
	// a blocking open waits for a reader, and so does this, within the
	// call's context.
	for err == unix.ENXIO && fdflags&fdflagNonblock == 0 && isFIFO(t.dir, t.name) {
		if err := c.pause(pollSlice); err != nil {
			return err
		}
		fd, err = retry(open)
	}
	if err != nil {
		return err
	}
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		unix.Close(fd)
		return err
	}
	e := &fdEntry{kind: kindFile, fd: fd, flags: fdflags, readOnly: dir.readOnly, poll: mayBlock(st.Mode),
		rights: base & dir.inheriting & rightsFile, inheriting: inheriting & dir.inheriting}
	if st.Mode&unix.S_IFMT == unix.S_IFDIR {
		e.kind, e.rights = kindDir, base&dir.inheriting&rightsDir
	}
	newfd := c.m.add(e)
	if err := c.mem.PutUint32(uint32(a[8]), newfd); err != nil {
		c.m.fds[newfd] = nil
		e.close()
		return err
	}
	return nil
}

func pathReadlink(c *call, a []uint64) error {
	t, err := c.path(a[0], rightPathReadlink, a[1], a[2], false)
	if err != nil {
		return err
	}
	defer t.close()
	link, err := readlink(t.dir, t.name)
	if err != nil {
		return err
	}
	if uint64(len(link)) > a[4] {
		link = link[:a[4]]
	}
	if err := c.mem.Write(uint32(a[3]), []byte(link)); err != nil {
		return err
	}
	return c.mem.PutUint32(uint32(a[5]), uint32(len(link)))
}

func pathRemoveDirectory(c *call, a []uint64) error {
	t, err := c.path(a[0], rightPathRemoveDirectory, a[1], a[2], false)
	if err != nil {
		return err
	}
	defer t.close()
	return unix.Unlinkat(t.dir, t.name, unix.AT_REMOVEDIR)
}

func pathRename(c *call, a []uint64) error {
	old, err := c.path(a[0], rightPathRenameSource, a[1], a[2], false)
	if err != nil {
		return err
	}
	defer old.close()
	t, err := c.path(a[3], rightPathRenameTarget, a[4], a[5], false)
	if err != nil {
		return err
	}
	defer t.close()
	if err := old.checkDir(); err != nil {
		return err
	}
	if t.mustDir {
		var st unix.Stat_t
		if err := unix.Fstatat(old.dir, old.name, &st, unix.AT_SYMLINK_NOFOLLOW); err != nil {
			return err
		}
		if st.Mode&unix.S_IFMT != unix.S_IFDIR {
			return ErrnoNotdir
		}
	}
	return unix.Renameat(old.dir, old.name, t.dir, t.name)
}

func pathSymlink(c *call, a []uint64) error {
	link, err := c.mem.String(uint32(a[0]), uint32(a[1]))
	if err != nil {
		return err
	}
	t, err := c.path(a[2], rightPathSymlink, a[3], a[4], false)
	if err != nil {
		return err
	}
	defer t.close()
	if t.mustDir {
		return ErrnoNoent
	}
	// An absolute target could never be followed inside the sandbox; refuse
	// it at creation, as wasmtime does, so that programs probing for
	// symlink support (Go's testenv) see EPERM rather than links that
	// later fail with ENOTCAPABLE.
	if strings.HasPrefix(link, "/") {
		return ErrnoPerm
	}
	return unix.Symlinkat(link, t.dir, t.name)
}

func pathUnlinkFile(c *call, a []uint64) error {
	t, err := c.path(a[0], rightPathUnlinkFile, a[1], a[2], false)
	if err != nil {
		return err
	}
	defer t.close()
	if t.mustDir {
		var st unix.Stat_t
		if err := unix.Fstatat(t.dir, t.name, &st, unix.AT_SYMLINK_NOFOLLOW); err != nil {
			return err
		}
		if st.Mode&unix.S_IFMT == unix.S_IFDIR {
			return ErrnoIsdir
		}
		return ErrnoNotdir
	}
	return unix.Unlinkat(t.dir, t.name, 0)
}

// isFIFO reports whether name in dir is a named pipe.
func isFIFO(dir int, name string) bool {
	var st unix.Stat_t
	return unix.Fstatat(dir, name, &st, unix.AT_SYMLINK_NOFOLLOW) == nil && st.Mode&unix.S_IFMT == unix.S_IFIFO
}

// mayBlock reports whether I/O on a file of the given mode can block
// indefinitely: pipes, character devices and sockets can.
func mayBlock(mode uint32) bool {
	switch mode & unix.S_IFMT {
	case unix.S_IFIFO, unix.S_IFCHR, unix.S_IFSOCK:
		return true
	}
	return false
}
