package codecache

import (
	"bytes"
	"debug/elf"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"runtime"
	"sync"
)

// BuildID returns the Go build ID of the running executable, read once per
// process. The go command derives it from everything the link used, so
// any change to any code in the binary (terra's code generator, its ABI
// offsets, a dependency, the embedding program) gives another: keying
// entries on it makes code that another build wrote impossible to load.
var BuildID = sync.OnceValues(readBuildID)

// errNoBuildID reports an executable without a Go build ID note.
var errNoBuildID = errors.New("codecache: the executable has no Go build ID (linked with -buildid= ?)")

// readBuildID reads the build ID note of the executable. On Linux it opens
// /proc/self/exe, the file this process runs even if its path has been
// replaced since, as by an upgrade.
func readBuildID() (string, error) {
	exe := "/proc/self/exe"
	if runtime.GOOS != "linux" {
		var err error
		if exe, err = os.Executable(); err != nil {
			return "", fmt.Errorf("codecache: find the executable: %w", err)
		}
	}
	f, err := elf.Open(exe)
	if err != nil {
		return "", fmt.Errorf("codecache: read the build ID: %w", err)
	}
	defer f.Close()
	s := f.Section(".note.go.buildid")
	if s == nil {
		return "", errNoBuildID
	}
	note, err := s.Data()
	if err != nil {
		return "", fmt.Errorf("codecache: read the build ID: %w", err)
	}
	return parseNote(note, f.ByteOrder)
}

// parseNote returns the description of a Go build ID note: name size,
// description size, type 4, name "Go\0\0", description.
func parseNote(note []byte, order binary.ByteOrder) (string, error) {
	if len(note) < 16 {
		return "", errNoBuildID
	}
	namesz, descsz, typ := order.Uint32(note), order.Uint32(note[4:]), order.Uint32(note[8:])
	if namesz != 4 || typ != 4 || !bytes.Equal(note[12:16], []byte("Go\x00\x00")) || uint64(descsz) > uint64(len(note)-16) || descsz == 0 {
		return "", errNoBuildID
	}
	return string(note[16 : 16+descsz]), nil
}
