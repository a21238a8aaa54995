// Package archive unpacks uploaded tar and tar.gz archives into a directory,
// refusing anything that could reach outside it or exhaust the disk: every
// upload is hostile.
//
// An archive is refused as a whole, with an *Error naming the entry and the
// rule it breaks, if any entry has an absolute path or a ".." component,
// is a symbolic link whose target is absolute or has a ".." component, is a
// hard link to anything but a regular file extracted before it, is a device,
// FIFO or other special file, or if the archive has too many entries, too
// large a file, or too many bytes once decompressed (a gzip bomb). Files are
// created only below the directory, never through a symbolic link, and
// never over an existing file.
package archive

import (
	"archive/tar"
	"bufio"
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
)

// Limits bound what an archive may hold. Zero fields take the defaults of
// DefaultLimits.
type Limits struct {
	// MaxEntries bounds the number of entries, directories included.
	MaxEntries int
	// MaxFileBytes bounds the size of one file.
	MaxFileBytes int64
	// MaxTotalBytes bounds the archive's decompressed size, headers
	// included.
	MaxTotalBytes int64
	// MaxPathLen bounds an entry's path, in bytes.
	MaxPathLen int
	// MaxDepth bounds the number of components of an entry's path.
	MaxDepth int
}

// DefaultLimits suit source code uploads.
var DefaultLimits = Limits{
	MaxEntries:    10_000,
	MaxFileBytes:  32 << 20,
	MaxTotalBytes: 128 << 20,
	MaxPathLen:    1024,
	MaxDepth:      32,
}

func (l Limits) withDefaults() Limits {
	d := DefaultLimits
	if l.MaxEntries > 0 {
		d.MaxEntries = l.MaxEntries
	}
	if l.MaxFileBytes > 0 {
		d.MaxFileBytes = l.MaxFileBytes
	}
	if l.MaxTotalBytes > 0 {
		d.MaxTotalBytes = l.MaxTotalBytes
	}
	if l.MaxPathLen > 0 {
		d.MaxPathLen = l.MaxPathLen
	}
	if l.MaxDepth > 0 {
		d.MaxDepth = l.MaxDepth
	}
	return d
}

// Error is an archive refused: the entry (empty if the archive itself is
// at fault) and the rule it breaks.
type Error struct {
	Entry string
	Rule  string
	// TooLarge says the rule is a size limit, as opposed to a malformed
	// or dangerous entry.
	TooLarge bool
}

func (e *Error) Error() string {
	if e.Entry == "" {
		return "archive: " + e.Rule
	}
	return fmt.Sprintf("archive: entry %q: %s", e.Entry, e.Rule)
}

// Stats describe an extracted archive.
type Stats struct {
	Entries int   // entries extracted
	Bytes   int64 // bytes of regular files written
}

// Extract unpacks the tar or gzip-compressed tar archive read from r into
// dir, which must exist and should be empty. On error, what was written
// stays in dir, which the caller removes.
func Extract(r io.Reader, dir string, lim Limits) (Stats, error) {
	lim = lim.withDefaults()
	br := bufio.NewReader(r)
	var src io.Reader = br
	if magic, _ := br.Peek(2); bytes.Equal(magic, []byte{0x1f, 0x8b}) {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return Stats{}, &Error{Rule: "bad gzip stream: " + err.Error()}
		}
		zr.Multistream(false)
		src = zr
	}
	x := &extractor{dir: dir, lim: lim, links: map[string]bool{}, files: map[string]bool{}}
	x.in = &limitedReader{r: src, left: lim.MaxTotalBytes}
	return x.run()
}

// limitedReader fails once more than left bytes have been read, unlike
// io.LimitReader, which ends quietly.
type limitedReader struct {
	r    io.Reader
	left int64
	over bool
}

var errTotal = errors.New("total size exceeded")

func (l *limitedReader) Read(p []byte) (int, error) {
	if l.left <= 0 {
		// Allow reading to EOF: tar's trailing padding of zero blocks
		// may sit just past the limit.
		n, err := l.r.Read(p[:min(len(p), 1)])
		if n > 0 {
			l.over = true
			return 0, errTotal
		}
		return 0, err
	}
	if int64(len(p)) > l.left {
		p = p[:l.left]
	}
	n, err := l.r.Read(p)
	l.left -= int64(n)
	return n, err
}

type extractor struct {
	dir   string
	lim   Limits
	in    *limitedReader
	links map[string]bool // symbolic links extracted, by cleaned path
	files map[string]bool // regular files extracted, by cleaned path
	stats Stats
}

func (x *extractor) run() (Stats, error) {
	tr := tar.NewReader(x.in)
	current := ""
	for {
		h, err := tr.Next()
		if err == io.EOF {
			if x.stats.Entries == 0 {
				return x.stats, &Error{Rule: "empty archive"}
			}
			return x.stats, nil
		}
		if err != nil {
			return x.stats, x.readError(current, err)
		}
		current = h.Name
		x.stats.Entries++
		if x.stats.Entries > x.lim.MaxEntries {
			return x.stats, &Error{Entry: h.Name, Rule: fmt.Sprintf("more than %d entries", x.lim.MaxEntries), TooLarge: true}
		}
		if err := x.entry(tr, h); err != nil {
			if _, ok := errors.AsType[*Error](err); ok {
				return x.stats, err
			}
			return x.stats, x.readError(h.Name, err)
		}
	}
}

// readError explains a failure to read the archive.
func (x *extractor) readError(entry string, err error) error {
	if x.in.over || errors.Is(err, errTotal) {
		return &Error{Entry: entry, Rule: fmt.Sprintf("archive larger than %d bytes once decompressed", x.lim.MaxTotalBytes), TooLarge: true}
	}
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, tar.ErrHeader) || errors.Is(err, gzip.ErrChecksum) || errors.Is(err, gzip.ErrHeader) {
		return &Error{Entry: entry, Rule: "malformed archive: " + err.Error()}
	}
	if _, ok := errors.AsType[*os.PathError](err); ok {
		return fmt.Errorf("archive: entry %q: %w", entry, err)
	}
	return &Error{Entry: entry, Rule: "malformed archive: " + err.Error()}
}

// clean checks an archive path and returns it cleaned, relative, with
// forward slashes; "" for the root itself.
func (x *extractor) clean(name string) (string, error) {
	switch {
	case name == "":
		return "", &Error{Entry: name, Rule: "empty path"}
	case len(name) > x.lim.MaxPathLen:
		return "", &Error{Entry: name, Rule: fmt.Sprintf("path longer than %d bytes", x.lim.MaxPathLen)}
	case strings.ContainsRune(name, 0):
		return "", &Error{Entry: name, Rule: "NUL byte in path"}
	case strings.HasPrefix(name, "/") || strings.HasPrefix(name, `\`) || filepath.VolumeName(name) != "":
		return "", &Error{Entry: name, Rule: "absolute path"}
	}
	for _, c := range strings.Split(name, "/") {
		if c == ".." {
			return "", &Error{Entry: name, Rule: `path has a ".." component`}
		}
	}
	p := path.Clean(name)
	if p == "." {
		return "", nil
	}
	if strings.Count(p, "/")+1 > x.lim.MaxDepth {
		return "", &Error{Entry: name, Rule: fmt.Sprintf("path deeper than %d components", x.lim.MaxDepth)}
	}
	// Nothing is created through a symbolic link of the archive, even
	// one that points inside: the tree stays what the headers say.
	for i := range len(p) {
		if p[i] == '/' && x.links[p[:i]] {
			return "", &Error{Entry: name, Rule: fmt.Sprintf("path goes through the symbolic link %q", p[:i])}
		}
	}
	return p, nil
}

func (x *extractor) entry(tr *tar.Reader, h *tar.Header) error {
	p, err := x.clean(h.Name)
	if err != nil {
		return err
	}
	target := filepath.Join(x.dir, filepath.FromSlash(p))
	switch h.Typeflag {
	case tar.TypeDir:
		if p == "" {
			return nil
		}
		if err := os.MkdirAll(target, 0o755); err != nil {
			return err
		}
	case tar.TypeReg, tar.TypeRegA:
		if p == "" {
			return &Error{Entry: h.Name, Rule: "file at the archive's root path"}
		}
		if h.Size > x.lim.MaxFileBytes {
			return &Error{Entry: h.Name, Rule: fmt.Sprintf("file larger than %d bytes", x.lim.MaxFileBytes), TooLarge: true}
		}
		if err := x.parent(target); err != nil {
			return err
		}
		mode := os.FileMode(0o644)
		if h.Mode&0o111 != 0 {
			mode = 0o755
		}
		f, err := os.OpenFile(target, os.O_WRONLY|os.O_CREATE|os.O_EXCL|syscallNoFollow, mode)
		if errors.Is(err, os.ErrExist) {
			return &Error{Entry: h.Name, Rule: "duplicate entry"}
		}
		if err != nil {
			return err
		}
		n, err := io.Copy(f, io.LimitReader(tr, x.lim.MaxFileBytes+1))
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return err
		}
		if n > x.lim.MaxFileBytes {
			return &Error{Entry: h.Name, Rule: fmt.Sprintf("file larger than %d bytes", x.lim.MaxFileBytes), TooLarge: true}
		}
		x.files[p] = true
		x.stats.Bytes += n
	case tar.TypeSymlink:
		if p == "" {
			return &Error{Entry: h.Name, Rule: "symbolic link at the archive's root path"}
		}
		t := h.Linkname
		switch {
		case t == "" || strings.ContainsRune(t, 0):
			return &Error{Entry: h.Name, Rule: "symbolic link with an empty or invalid target"}
		case strings.HasPrefix(t, "/") || filepath.VolumeName(t) != "":
			return &Error{Entry: h.Name, Rule: fmt.Sprintf("symbolic link to an absolute path %q, outside the archive", t)}
		case slices.Contains(strings.Split(t, "/"), ".."):
			return &Error{Entry: h.Name, Rule: fmt.Sprintf(`symbolic link target %q has a ".." component`, t)}
		}
		if err := x.parent(target); err != nil {
			return err
		}
		if err := os.Symlink(t, target); err != nil {
			if errors.Is(err, os.ErrExist) {
				return &Error{Entry: h.Name, Rule: "duplicate entry"}
			}
			return err
		}
		x.links[p] = true
	case tar.TypeLink:
		if p == "" {
			return &Error{Entry: h.Name, Rule: "hard link at the archive's root path"}
		}
		t := h.Linkname
		if strings.HasPrefix(t, "/") || slices.Contains(strings.Split(t, "/"), "..") {
			return &Error{Entry: h.Name, Rule: fmt.Sprintf("hard link to %q, outside the archive", t)}
		}
		tp := path.Clean(t)
		if !x.files[tp] {
			return &Error{Entry: h.Name, Rule: fmt.Sprintf("hard link to %q, which is not a regular file earlier in the archive", t)}
		}
		if err := x.parent(target); err != nil {
			return err
		}
		if err := os.Link(filepath.Join(x.dir, filepath.FromSlash(tp)), target); err != nil {
			if errors.Is(err, os.ErrExist) {
				return &Error{Entry: h.Name, Rule: "duplicate entry"}
			}
			return err
		}
		x.files[p] = true
	case tar.TypeChar, tar.TypeBlock:
		return &Error{Entry: h.Name, Rule: "device file"}
	case tar.TypeFifo:
		return &Error{Entry: h.Name, Rule: "FIFO (named pipe)"}
	default:
		return &Error{Entry: h.Name, Rule: fmt.Sprintf("unsupported entry type %q", h.Typeflag)}
	}
	return nil
}

// parent makes the directories above target.
func (x *extractor) parent(target string) error {
	return os.MkdirAll(filepath.Dir(target), 0o755)
}
