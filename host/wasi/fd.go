package wasi

import (
	"errors"
	"io"
	"net"
	"os"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// fdKind is what a file descriptor refers to.
type fdKind uint8

const (
	kindStream   fdKind = iota // standard input or output: an io.Reader or io.Writer (see stream)
	kindFile                   // a host file other than a directory
	kindDir                    // a host directory
	kindListener               // a listening socket
	kindConn                   // an accepted connection
)

// fdEntry is an open file descriptor of the guest.
type fdEntry struct {
	kind               fdKind
	rights, inheriting uint64
	flags              uint16 // fdflags

	stream *stream // kindStream

	// poll is set for host files that may block (pipes, character
	// devices, sockets): they are open non-blocking on the host, and I/O
	// waits for them with poll, so that the call's context can end it.
	poll bool

	fd       int     // kindFile and kindDir: the host's descriptor
	preopen  *string // the guest path of a preopened directory
	readOnly bool    // under a read-only preopen
	dirents  []byte  // kindDir: the listing fd_readdir reads, encoded
	cookies  []int   // kindDir: offsets in dirents of the entries

	listener net.Listener // kindListener
	conn     net.Conn     // kindConn
}

// close releases the host's resources of e.
func (e *fdEntry) close() error {
	switch e.kind {
	case kindFile, kindDir:
		return os.NewSyscallError("close", unix.Close(e.fd))
	case kindListener:
		return e.listener.Close()
	case kindConn:
		return e.conn.Close()
	}
	return nil
}

// entry returns the entry of fd if it has the rights need: EBADF if fd is
// not open, EROFS if need includes a right to modify and fd is under a
// read-only preopen, and ENOTCAPABLE if it lacks need otherwise.
func (c *call) entry(fd uint64, need uint64) (*fdEntry, error) {
	if fd >= uint64(len(c.m.fds)) || c.m.fds[fd] == nil {
		return nil, ErrnoBadf
	}
	e := c.m.fds[fd]
	switch {
	case e.readOnly && need&rightsWrite != 0:
		return nil, ErrnoRofs
	case e.rights&need != need:
		return nil, ErrnoNotcapable
	}
	return e, nil
}

// hostFD returns the host descriptor of a file or directory, or errno for
// other kinds.
func (e *fdEntry) hostFD(errno Errno) (int, error) {
	if e.kind != kindFile && e.kind != kindDir {
		return -1, errno
	}
	return e.fd, nil
}

// add stores e at the lowest free fd, and returns the fd.
func (m *Module) add(e *fdEntry) uint32 {
	for i := 3; i < len(m.fds); i++ {
		if m.fds[i] == nil {
			m.fds[i] = e
			return uint32(i)
		}
	}
	m.fds = append(m.fds, e)
	return uint32(len(m.fds) - 1)
}

// iovecs returns the guest buffers of the n iovecs at ptr.
func (c *call) iovecs(ptr, n uint32) ([][]byte, error) {
	raw, err := c.mem.Slice(ptr, n*8)
	if err != nil || uint64(n)*8 > 1<<32 {
		return nil, ErrnoFault
	}
	bufs := make([][]byte, n)
	for i := range bufs {
		b := raw[i*8:]
		off := uint32(b[0]) | uint32(b[1])<<8 | uint32(b[2])<<16 | uint32(b[3])<<24
		size := uint32(b[4]) | uint32(b[5])<<8 | uint32(b[6])<<16 | uint32(b[7])<<24
		if bufs[i], err = c.mem.Slice(off, size); err != nil {
			return nil, err
		}
	}
	return bufs, nil
}

// retry calls f until it does not fail with EINTR.
func retry(f func() (int, error)) (int, error) {
	for {
		n, err := f()
		if err != unix.EINTR {
			return n, err
		}
	}
}

func fdAdvise(c *call, a []uint64) error {
	e, err := c.entry(a[0], rightFdAdvise)
	if err != nil {
		return err
	}
	if a[3] > adviceNoreuse {
		return ErrnoInval
	}
	fd, err := e.hostFD(ErrnoSpipe)
	if err != nil {
		return err
	}
	// WASI numbers advice as POSIX does, except that it swaps
	// SEQUENTIAL and RANDOM.
	advice := [...]int{unix.FADV_NORMAL, unix.FADV_SEQUENTIAL, unix.FADV_RANDOM,
		unix.FADV_WILLNEED, unix.FADV_DONTNEED, unix.FADV_NOREUSE}[a[3]]
	return unix.Fadvise(fd, int64(a[1]), int64(a[2]), advice)
}

func fdAllocate(c *call, a []uint64) error {
	e, err := c.entry(a[0], rightFdAllocate)
	if err != nil {
		return err
	}
	fd, err := e.hostFD(ErrnoSpipe)
	if err != nil {
		return err
	}
	off, n := int64(a[1]), int64(a[2])
	if off < 0 || n <= 0 || off+n < 0 {
		return ErrnoInval
	}
	err = unix.Fallocate(fd, 0, off, n)
	if err != unix.EOPNOTSUPP {
		return err
	}
	// The file system cannot reserve blocks: extend the size only.
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		return err
	}
	if off+n > st.Size {
		return unix.Ftruncate(fd, off+n)
	}
	return nil
}

func fdClose(c *call, a []uint64) error {
	e, err := c.entry(a[0], 0)
	if err != nil {
		return err
	}
	c.m.fds[a[0]] = nil
	return e.close()
}

func fdDatasync(c *call, a []uint64) error {
	return c.sync(a[0], rightFdDatasync, unix.Fdatasync)
}

func fdSync(c *call, a []uint64) error {
	return c.sync(a[0], rightFdSync, unix.Fsync)
}

// sync syncs the file fd with the host's sync. A stream is synced if its
// writer has a Sync method, as *os.File has.
func (c *call) sync(fd, need uint64, sync func(int) error) error {
	e, err := c.entry(fd, need)
	if err != nil {
		return err
	}
	switch e.kind {
	case kindFile, kindDir:
		return sync(e.fd)
	case kindStream:
		if s, ok := e.stream.w.(interface{ Sync() error }); ok {
			return s.Sync()
		}
		return nil
	}
	return ErrnoInval
}

func fdFdstatGet(c *call, a []uint64) error {
	e, err := c.entry(a[0], 0)
	if err != nil {
		return err
	}
	ft, err := e.filetype()
	if err != nil {
		return err
	}
	var b [24]byte
	b[0] = ft
	le.PutUint16(b[2:], e.flags)
	le.PutUint64(b[8:], e.rights)
	le.PutUint64(b[16:], e.inheriting)
	return c.mem.Write(uint32(a[1]), b[:])
}

// filetype returns the type of the file e refers to.
func (e *fdEntry) filetype() (filetype, error) {
	switch e.kind {
	case kindDir:
		return filetypeDirectory, nil
	case kindListener, kindConn:
		return filetypeSocketStream, nil
	case kindFile:
		var st unix.Stat_t
		if err := unix.Fstat(e.fd, &st); err != nil {
			return 0, err
		}
		return modeFiletype(st.Mode), nil
	}
	if f, ok := e.hostStream().(*os.File); ok {
		var st unix.Stat_t
		if err := unix.Fstat(int(f.Fd()), &st); err == nil {
			return modeFiletype(st.Mode), nil
		}
	}
	return filetypeCharacterDevice, nil
}

// hostStream returns the reader or writer of a stream.
func (e *fdEntry) hostStream() any {
	if e.stream.r != nil {
		return e.stream.r
	}
	return e.stream.w
}

// modeFiletype returns the WASI type of a host file mode.
func modeFiletype(mode uint32) filetype {
	switch mode & unix.S_IFMT {
	case unix.S_IFBLK:
		return filetypeBlockDevice
	case unix.S_IFCHR:
		return filetypeCharacterDevice
	case unix.S_IFDIR:
		return filetypeDirectory
	case unix.S_IFREG:
		return filetypeRegularFile
	case unix.S_IFSOCK:
		return filetypeSocketStream
	case unix.S_IFLNK:
		return filetypeSymbolicLink
	}
	return filetypeUnknown
}

func fdFdstatSetFlags(c *call, a []uint64) error {
	e, err := c.entry(a[0], rightFdFdstatSetFlags)
	if err != nil {
		return err
	}
	flags := uint16(a[1])
	if uint64(flags) != a[1] || flags&^(fdflagAppend|fdflagNonblock) != e.flags&^(fdflagAppend|fdflagNonblock) {
		return ErrnoNotsup // the synchronous-I/O flags are fixed at open
	}
	if e.kind == kindFile {
		host := 0
		if flags&fdflagAppend != 0 {
			host |= unix.O_APPEND
		}
		if flags&fdflagNonblock != 0 || e.poll {
			host |= unix.O_NONBLOCK // a file that may block stays non-blocking on the host
		}
		if _, err := unix.FcntlInt(uintptr(e.fd), unix.F_SETFL, host); err != nil {
			return err
		}
	} else if flags&fdflagAppend != 0 && e.kind != kindStream {
		return ErrnoNotsup
	}
	e.flags = flags
	return nil
}

func fdFdstatSetRights(c *call, a []uint64) error {
	e, err := c.entry(a[0], 0)
	if err != nil {
		return err
	}
	if a[1]&^e.rights != 0 || a[2]&^e.inheriting != 0 {
		return ErrnoNotcapable
	}
	e.rights, e.inheriting = a[1], a[2]
	return nil
}

func fdFilestatGet(c *call, a []uint64) error {
	e, err := c.entry(a[0], rightFdFilestatGet)
	if err != nil {
		return err
	}
	var st unix.Stat_t
	switch e.kind {
	case kindFile, kindDir:
		err = unix.Fstat(e.fd, &st)
	case kindStream:
		ft, _ := e.filetype()
		if f, ok := e.hostStream().(*os.File); ok {
			err = unix.Fstat(int(f.Fd()), &st)
		} else {
			return c.putFilestat(uint32(a[1]), filestat{filetype: ft})
		}
	default:
		return c.putFilestat(uint32(a[1]), filestat{filetype: filetypeSocketStream})
	}
	if err != nil {
		return err
	}
	return c.putFilestat(uint32(a[1]), statFilestat(&st))
}

// filestat is WASI's description of a file.
type filestat struct {
	dev, ino         uint64
	filetype         filetype
	nlink, size      uint64
	atim, mtim, ctim uint64
}

// statFilestat converts a host stat.
func statFilestat(st *unix.Stat_t) filestat {
	return filestat{
		dev: st.Dev, ino: st.Ino, filetype: modeFiletype(st.Mode), nlink: uint64(st.Nlink),
		size: uint64(st.Size), atim: uint64(st.Atim.Nano()), mtim: uint64(st.Mtim.Nano()),
		ctim: uint64(st.Ctim.Nano()),
	}
}

// putFilestat writes s at ptr in the layout of the call's ABI.
func (c *call) putFilestat(ptr uint32, s filestat) error {
	var b [64]byte
	le.PutUint64(b[0:], s.dev)
	le.PutUint64(b[8:], s.ino)
	b[16] = s.filetype
	if c.abi == Unstable {
		le.PutUint32(b[20:], uint32(s.nlink))
		le.PutUint64(b[24:], s.size)
		le.PutUint64(b[32:], s.atim)
		le.PutUint64(b[40:], s.mtim)
		le.PutUint64(b[48:], s.ctim)
		return c.mem.Write(ptr, b[:56])
	}
	le.PutUint64(b[24:], s.nlink)
	le.PutUint64(b[32:], s.size)
	le.PutUint64(b[40:], s.atim)
	le.PutUint64(b[48:], s.mtim)
	le.PutUint64(b[56:], s.ctim)
	return c.mem.Write(ptr, b[:])
}

func fdFilestatSetSize(c *call, a []uint64) error {
	e, err := c.entry(a[0], rightFdFilestatSetSize)
	if err != nil {
		return err
	}
	fd, err := e.hostFD(ErrnoInval)
	if err != nil {
		return err
	}
	if int64(a[1]) < 0 {
		return ErrnoInval
	}
	return unix.Ftruncate(fd, int64(a[1]))
}

func fdFilestatSetTimes(c *call, a []uint64) error {
	e, err := c.entry(a[0], rightFdFilestatSetTimes)
	if err != nil {
		return err
	}
	fd, err := e.hostFD(ErrnoBadf)
	if err != nil {
		return err
	}
	ts, err := timespecs(a[1], a[2], a[3])
	if err != nil {
		return err
	}
	return unix.UtimesNanoAt(fd, "", ts, unix.AT_EMPTY_PATH)
}

// timespecs converts the times and fstflags of a set_times call.
func timespecs(atim, mtim, flags uint64) ([]unix.Timespec, error) {
	if flags&^0xF != 0 || flags&(fstflagAtim|fstflagAtimNow) == fstflagAtim|fstflagAtimNow ||
		flags&(fstflagMtim|fstflagMtimNow) == fstflagMtim|fstflagMtimNow {
		return nil, ErrnoInval
	}
	one := func(t uint64, set, now uint64) unix.Timespec {
		switch {
		case flags&set != 0:
			return unix.NsecToTimespec(int64(t))
		case flags&now != 0:
			return unix.Timespec{Nsec: unix.UTIME_NOW}
		}
		return unix.Timespec{Nsec: unix.UTIME_OMIT}
	}
	return []unix.Timespec{one(atim, fstflagAtim, fstflagAtimNow), one(mtim, fstflagMtim, fstflagMtimNow)}, nil
}

func fdPread(c *call, a []uint64) error {
	e, err := c.entry(a[0], rightFdRead|rightFdSeek)
	if err != nil {
		return err
	}
	return c.transfer(e, a[1], a[2], int64(a[3]), a[4], true)
}

func fdPwrite(c *call, a []uint64) error {
	e, err := c.entry(a[0], rightFdWrite|rightFdSeek)
	if err != nil {
		return err
	}
	return c.transfer(e, a[1], a[2], int64(a[3]), a[4], false)
}

func fdRead(c *call, a []uint64) error {
	e, err := c.entry(a[0], rightFdRead)
	if err != nil {
		return err
	}
	return c.transfer(e, a[1], a[2], -1, a[3], true)
}

func fdWrite(c *call, a []uint64) error {
	e, err := c.entry(a[0], rightFdWrite)
	if err != nil {
		return err
	}
	return c.transfer(e, a[1], a[2], -1, a[3], false)
}

// transfer reads (or writes) e with the n iovecs at iovs, at offset or,
// if it is negative, at the current position, and stores the number of
// bytes transferred at result.
func (c *call) transfer(e *fdEntry, iovs, n uint64, offset int64, result uint64, read bool) error {
	bufs, err := c.iovecs(uint32(iovs), uint32(n))
	if err != nil {
		return err
	}
	if offset < -1 || (offset >= 0 && e.kind != kindFile && e.kind != kindDir) {
		if offset >= 0 {
			return ErrnoSpipe
		}
		return ErrnoInval
	}
	var done int
	switch e.kind {
	case kindFile, kindDir:
		done, err = c.fileIO(e, bufs, offset, read)
	case kindStream:
		done, err = c.streamIO(e, bufs, read)
	case kindConn:
		done, err = c.connIO(e, bufs, read, false)
	default:
		return ErrnoNotsup
	}
	if err != nil {
		return err
	}
	return c.mem.PutUint32(uint32(result), uint32(done))
}

// fileIO reads or writes a host file. A file that may block is waited
// for, unless the guest made its descriptor non-blocking.
func (c *call) fileIO(e *fdEntry, bufs [][]byte, offset int64, read bool) (int, error) {
	events := int16(unix.POLLOUT)
	if read {
		events = unix.POLLIN
	}
	for {
		if e.poll && e.flags&fdflagNonblock == 0 {
			if err := c.wait(e.fd, events); err != nil {
				return 0, err
			}
		}
		n, err := retry(func() (int, error) {
			switch {
			case read && offset < 0:
				return unix.Readv(e.fd, bufs)
			case read:
				return unix.Preadv(e.fd, bufs, offset)
			case offset < 0:
				return unix.Writev(e.fd, bufs)
			}
			return unix.Pwritev(e.fd, bufs, offset)
		})
		if err != unix.EAGAIN || !e.poll || e.flags&fdflagNonblock != 0 {
			return n, err
		}
	}
}

// pause waits for d, or until the call's context ends.
func (c *call) pause(d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-c.ctx.Done():
		return c.ctx.Err()
	}
}

// wait waits until the host descriptor fd is ready for events (or hung
// up), or the call's context ends, polling in slices of pollSlice.
func (c *call) wait(fd int, events int16) error {
	p := []unix.PollFd{{Fd: int32(fd), Events: events}}
	for {
		n, err := unix.Poll(p, int(pollSlice.Milliseconds()))
		if n > 0 {
			return nil
		}
		if err != nil && err != unix.EINTR {
			return err
		}
		if err := c.ctx.Err(); err != nil {
			return err
		}
	}
}

// streamIO reads a stream into bufs until one read is short, or writes
// bufs to it in one Write.
func (c *call) streamIO(e *fdEntry, bufs [][]byte, read bool) (int, error) {
	if !read {
		var all []byte // a copy: an abandoned write may outlive the call
		for _, b := range bufs {
			all = append(all, b...)
		}
		return e.stream.write(c.ctx, all)
	}
	done := 0
	for _, b := range bufs {
		if len(b) == 0 {
			continue
		}
		n, err := e.stream.read(c.ctx, b)
		done += n
		if errors.Is(err, io.EOF) {
			return done, nil
		}
		if err != nil || n < len(b) {
			return done, err
		}
	}
	return done, nil
}

func fdPrestatGet(c *call, a []uint64) error {
	e, err := c.entry(a[0], 0)
	if err != nil {
		return err
	}
	if e.preopen == nil {
		return ErrnoBadf
	}
	var b [8]byte // tag 0: a directory
	le.PutUint32(b[4:], uint32(len(*e.preopen)))
	return c.mem.Write(uint32(a[1]), b[:])
}

func fdPrestatDirName(c *call, a []uint64) error {
	e, err := c.entry(a[0], 0)
	if err != nil {
		return err
	}
	if e.preopen == nil {
		return ErrnoBadf
	}
	if uint64(len(*e.preopen)) > a[2] {
		return ErrnoNametoolong
	}
	return c.mem.Write(uint32(a[1]), []byte(*e.preopen))
}

func fdRenumber(c *call, a []uint64) error {
	e, err := c.entry(a[0], 0)
	if err != nil {
		return err
	}
	to, err := c.entry(a[1], 0)
	if err != nil || a[0] == a[1] {
		return err
	}
	c.m.fds[a[1]], c.m.fds[a[0]] = e, nil
	return to.close()
}

// whences are the host's whence values by the WASI value, per ABI.
var whences = [...][3]int{
	Preview1: {io.SeekStart, io.SeekCurrent, io.SeekEnd},
	Unstable: {io.SeekCurrent, io.SeekEnd, io.SeekStart},
}

func fdSeek(c *call, a []uint64) error {
	need := rightFdSeek
	if whence := whences[c.abi]; a[2] < 3 && whence[a[2]] == io.SeekCurrent && a[1] == 0 {
		need = rightFdTell
	}
	e, err := c.entry(a[0], need)
	if err != nil {
		return err
	}
	if a[2] > 2 {
		return ErrnoInval
	}
	return c.seek(e, int64(a[1]), whences[c.abi][a[2]], uint32(a[3]))
}

func fdTell(c *call, a []uint64) error {
	e, err := c.entry(a[0], rightFdTell)
	if err != nil {
		return err
	}
	return c.seek(e, 0, io.SeekCurrent, uint32(a[1]))
}

// seek moves the position of e and stores the new one at result.
func (c *call) seek(e *fdEntry, offset int64, whence int, result uint32) error {
	if e.kind == kindDir {
		return ErrnoIsdir
	}
	fd, err := e.hostFD(ErrnoSpipe)
	if err != nil {
		return err
	}
	pos, err := unix.Seek(fd, offset, whence)
	if err != nil {
		return err
	}
	return c.mem.PutUint64(result, uint64(pos))
}

// fdReaddir reads directory entries from a cookie: each a dirent (next
// cookie, inode, name length, type) and the name; the last one that fits
// partly is truncated, which tells the guest to read on.
func fdReaddir(c *call, a []uint64) error {
	e, err := c.entry(a[0], rightFdReaddir)
	if err != nil {
		return err
	}
	if e.kind != kindDir {
		return ErrnoNotdir
	}
	buf, size, cookie := uint32(a[1]), uint32(a[2]), a[3]
	if cookie == 0 || e.cookies == nil {
		if err := e.list(); err != nil {
			return err
		}
	}
	if cookie > uint64(len(e.cookies)) {
		return ErrnoInval
	}
	start := len(e.dirents)
	if cookie < uint64(len(e.cookies)) {
		start = e.cookies[cookie]
	}
	out := e.dirents[start:]
	if uint32(len(out)) > size {
		out = out[:size]
	}
	if err := c.mem.Write(buf, out); err != nil {
		return err
	}
	return c.mem.PutUint32(uint32(a[4]), uint32(len(out)))
}

// list reads the whole directory into e.dirents, encoded as fd_readdir
// returns them, through a descriptor of its own so that e's position is
// untouched.
func (e *fdEntry) list() error {
	fd, err := unix.Openat(e.fd, ".", unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return err
	}
	defer unix.Close(fd)
	e.dirents, e.cookies = e.dirents[:0], e.cookies[:0]
	buf := make([]byte, 8192)
	for {
		n, err := retry(func() (int, error) { return unix.ReadDirent(fd, buf) })
		if err != nil {
			return err
		}
		if n == 0 {
			return nil
		}
		// linux_dirent64: ino u64, off s64, reclen u16, type u8, name.
		for b := buf[:n]; len(b) >= 19; {
			reclen := int(le.Uint16(b[16:]))
			name := b[19:reclen]
			for i, ch := range name {
				if ch == 0 {
					name = name[:i]
					break
				}
			}
			var d [24]byte
			le.PutUint64(d[0:], uint64(len(e.cookies)+1))
			le.PutUint64(d[8:], le.Uint64(b))
			le.PutUint32(d[16:], uint32(len(name)))
			d[20] = direntFiletype(b[18])
			e.cookies = append(e.cookies, len(e.dirents))
			e.dirents = append(append(e.dirents, d[:]...), name...)
			b = b[reclen:]
		}
	}
}

// direntFiletype converts a host d_type.
func direntFiletype(t uint8) filetype {
	switch t {
	case unix.DT_BLK:
		return filetypeBlockDevice
	case unix.DT_CHR:
		return filetypeCharacterDevice
	case unix.DT_DIR:
		return filetypeDirectory
	case unix.DT_REG:
		return filetypeRegularFile
	case unix.DT_SOCK:
		return filetypeSocketStream
	case unix.DT_LNK:
		return filetypeSymbolicLink
	}
	return filetypeUnknown
}

// errnoOfNet maps a network error: a deadline is EAGAIN, and the end of
// the stream no error.
func errnoOfNet(err error) error {
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return ErrnoAgain
	}
	var se syscall.Errno
	if errors.As(err, &se) {
		return se
	}
	if errors.Is(err, net.ErrClosed) {
		return ErrnoBadf
	}
	if errors.Is(err, io.EOF) {
		return nil
	}
	return err
}
