//go:build unix

package archive

import "syscall"

// syscallNoFollow makes creating a file fail rather than follow a symbolic
// link in its place.
const syscallNoFollow = syscall.O_NOFOLLOW
