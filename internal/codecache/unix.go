//go:build unix

package codecache

import (
	"io/fs"
	"os"
	"syscall"
)

// openNoFollow opens the file at p for reading, unless it is a symbolic
// link.
func openNoFollow(p string) (*os.File, error) {
	return os.OpenFile(p, os.O_RDONLY|syscall.O_NOFOLLOW, 0)
}

// owner returns the user ID of the file fi describes.
func owner(fi fs.FileInfo) (int, bool) {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return 0, false
	}
	return int(st.Uid), true
}
