package main

import (
	"bytes"
	"encoding/binary"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"

	w "github.com/terra-runtime/terra/internal/wasmtest"
)

// runWithStdin runs terra-run in-process with stdin as standard input.
func runWithStdin(t testing.TB, stdin io.Reader, args ...string) result {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(args, stdin, &stdout, &stderr)
	return result{code, stdout.String(), stderr.String()}
}

// TestModuleFiles checks that terra-run reads regular files and pipes
// within bounds, and refuses anything else without reading it.
func TestModuleFiles(t *testing.T) {
	hello := filepath.Join(programs, "c/hello.wasm")

	r := runCLI(t, "", "/dev/zero")
	assert.Equal(t, exitError, r.code)
	assert.Equal(t, "terra-run: /dev/zero: a character device, not a regular file or pipe\n", r.stderr)

	r = runCLI(t, "", t.TempDir())
	assert.Equal(t, exitError, r.code)
	assert.Contains(t, r.stderr, "a directory, not a module")

	// A file larger than the bound is refused before it is read (sparse:
	// it takes no space).
	big := filepath.Join(t.TempDir(), "big.wasm")
	require.NoError(t, os.WriteFile(big, nil, 0o644))
	require.NoError(t, os.Truncate(big, maxModuleSize+1))
	start := time.Now()
	r = runCLI(t, "", big)
	assert.Equal(t, exitError, r.code)
	assert.Contains(t, r.stderr, "a module of 1024 MiB, larger than the 1024 MiB terra-run reads")
	assert.Less(t, time.Since(start), 5*time.Second)

	// A named pipe: read, and bounded by --timeout, waiting for a writer
	// or for data.
	// A fresh pipe per case: a timed-out open leaves its reader waiting,
	// which would take the next case's writer.
	newFIFO := func() string {
		fifo := filepath.Join(t.TempDir(), "m.wasm")
		require.NoError(t, unix.Mkfifo(fifo, 0o600))
		return fifo
	}
	fifo := newFIFO()
	start = time.Now()
	r = runCLI(t, "", "--timeout", "200ms", fifo)
	assert.Equal(t, exitTimeout, r.code, r.stderr)
	assert.Contains(t, r.stderr, "--timeout 200ms expired while reading the module")
	assert.Less(t, time.Since(start), 5*time.Second)

	fifo = newFIFO()
	writer := make(chan *os.File, 1)
	go func() {
		f, err := os.OpenFile(fifo, os.O_WRONLY, 0)
		if err == nil {
			f.Write([]byte("\x00asm"))
		}
		writer <- f
	}()
	r = runCLI(t, "", "--timeout", "200ms", fifo)
	assert.Equal(t, exitTimeout, r.code, "a writer that stalls: %s", r.stderr)
	if f := <-writer; f != nil {
		f.Close()
	}

	fifo = newFIFO()
	go func() {
		f, err := os.OpenFile(fifo, os.O_WRONLY, 0)
		if err == nil {
			data, _ := os.ReadFile(hello)
			f.Write(data)
			f.Close()
		}
	}()
	r = runCLI(t, "", "--timeout", "10s", fifo)
	assert.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, "hello from C\n", r.stdout)

	// A pipe that gives more than the bound.
	defer func(n int64) { maxModuleSize = n }(maxModuleSize)
	maxModuleSize = 1000
	fifo = newFIFO()
	go func() {
		f, err := os.OpenFile(fifo, os.O_WRONLY, 0)
		if err == nil {
			f.Write(make([]byte, 5000))
			f.Close()
		}
	}()
	r = runCLI(t, "", "--timeout", "10s", fifo)
	assert.Equal(t, exitError, r.code)
	assert.Contains(t, r.stderr, "more than the 0 MiB terra-run reads")
}

// TestTimeoutWhileWaiting checks that --timeout interrupts a guest that
// waits in a host call: for standard input that never comes (as with
// `sleep 30 | terra-run --timeout 1s prog.wasm`), or sleeping in
// poll_oneoff.
func TestTimeoutWhileWaiting(t *testing.T) {
	stdin, stall := io.Pipe()
	defer stall.Close()
	start := time.Now()
	// The interpreter's traces name the host call the guest waited in.
	r := runWithStdin(t, stdin, "--tier", "interp", "--timeout", "200ms", filepath.Join(programs, "c/sha256.wasm"))
	assert.Less(t, time.Since(start), 5*time.Second)
	assert.Equal(t, exitTimeout, r.code, r.stderr)
	assert.True(t, strings.HasPrefix(r.stderr, "terra-run: wasm trap: interrupted: context deadline exceeded\n"+
		"\tat wasi_snapshot_preview1.fd_read\n"), r.stderr)
	assert.Contains(t, r.stderr, "at main at 0x")

	// _start sleeps an hour in poll_oneoff: one clock subscription at 0,
	// events at 64, their count at 128.
	sub := make([]byte, 48) // userdata 0, eventtype clock, clock id 0 (realtime), flags 0
	binary.LittleEndian.PutUint64(sub[24:], uint64(time.Hour))
	sleeper := w.Module(
		w.Section(w.SecType, w.Vec(w.FuncType([]byte{w.I32, w.I32, w.I32, w.I32}, []byte{w.I32}), w.FuncType(nil, nil))),
		w.Section(w.SecImport, w.Vec(w.Cat(w.Name("wasi_snapshot_preview1"), w.Name("poll_oneoff"), []byte{w.KindFunc, 0}))),
		w.Section(w.SecFunction, w.Vec([]byte{1})),
		w.Section(w.SecMemory, w.Vec([]byte{0, 1})),
		w.Section(w.SecExport, w.Vec(w.Export("_start", w.KindFunc, 1), w.Export("memory", w.KindMemory, 0))),
		w.Section(w.SecCode, w.Vec(w.Body(nil,
			0x41, 0, 0x41, 64, 0x41, 1, 0x41, 0x80, 0x01, // i32.const 0, 64, 1, 128
			0x10, 0, 0x1A, 0x0B))), // call poll_oneoff; drop; end
		w.Section(w.SecData, w.Vec(w.Cat([]byte{0, 0x41, 0, 0x0B}, w.ULEB(uint64(len(sub))), sub))),
	)
	start = time.Now()
	r = runCLI(t, "", "--tier", "interp", "--timeout", "200ms", writeFile(t, "sleep.wasm", sleeper))
	assert.Less(t, time.Since(start), 5*time.Second)
	assert.Equal(t, exitTimeout, r.code, r.stderr)
	assert.Contains(t, r.stderr, "terra-run: wasm trap: interrupted: context deadline exceeded\n\tat wasi_snapshot_preview1.poll_oneoff\n")
}

func TestReadOnlyDir(t *testing.T) {
	dir := t.TempDir()
	r := runCLI(t, "", "--dir", dir+"::/data:ro", filepath.Join(programs, "c/fileio.wasm"), "/data")
	assert.Equal(t, 1, r.code)
	assert.Equal(t, "fopen w: Read-only file system\n", r.stderr)
	noEntries(t, dir)

	require.NoError(t, os.WriteFile(filepath.Join(dir, "in.txt"), []byte("abc"), 0o644))
	r = runCLI(t, "", "--dir", dir+"::/data:ro", filepath.Join(programs, "c/sha256.wasm"), "/data/in.txt")
	assert.Equal(t, 0, r.code, r.stderr)
	assert.Contains(t, r.stdout, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", "reading is allowed")
}

func TestDataSegmentDoesNotFit(t *testing.T) {
	// One page of memory, and 4 bytes of data at 65534.
	m := w.Module(
		w.Section(w.SecMemory, w.Vec([]byte{0, 1})),
		w.Section(w.SecData, w.Vec(w.Cat([]byte{0, 0x41}, w.SLEB(65534), []byte{0x0B, 4, 'd', 'a', 't', 'a'}))),
	)
	path := writeFile(t, "m.wasm", m)
	r := runCLI(t, "", path)
	assert.Equal(t, exitTrap, r.code)
	assert.Equal(t, "terra-run: "+path+": instantiate: data segment 0 (4 bytes at 65534) does not fit in memory 0 of 65536 bytes: "+
		"wasm trap: out of bounds memory access\n", r.stderr)
}

// TestREADMEShowsHelp checks that the README's terra-run section is the
// help that terra-run -h prints.
func TestREADMEShowsHelp(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	require.NoError(t, err)
	assert.Contains(t, string(readme), "```text\n$ terra-run -h\n"+usage+"```\n")
}
