package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/terra-runtime/terra/wasm"
)

// maxModuleSize bounds the module terra-run reads: 1 GiB, V8's limit.
// Larger files are refused before reading; a pipe is read up to it.
var maxModuleSize int64 = 1 << 30

// readModule reads the module at path: a regular file of at most
// maxModuleSize bytes, or a pipe (such as /dev/stdin) that gives at most as
// many before ctx ends. Anything else (a directory, a device such as
// /dev/zero) is refused without reading. When ctx ends first, the error
// wraps ctx's error.
func readModule(ctx context.Context, path string) ([]byte, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	switch mode := fi.Mode(); {
	case mode.IsRegular():
		if fi.Size() > maxModuleSize {
			return nil, fmt.Errorf("%s: a module of %d MiB, larger than the %d MiB terra-run reads", path, fi.Size()>>20, maxModuleSize>>20)
		}
		return os.ReadFile(path)
	case mode&os.ModeNamedPipe != 0:
		return readPipe(ctx, path)
	case mode.IsDir():
		return nil, fmt.Errorf("%s: a directory, not a module", path)
	case mode&os.ModeCharDevice != 0:
		return nil, fmt.Errorf("%s: a character device, not a regular file or pipe", path)
	case mode&os.ModeDevice != 0:
		return nil, fmt.Errorf("%s: a device, not a regular file or pipe", path)
	}
	return nil, fmt.Errorf("%s: not a regular file or pipe", path)
}

// readPipe reads a module from a pipe until its writer closes it, within
// ctx. Opening a named pipe waits for a writer, so it happens on a
// goroutine of its own, which a timeout leaves behind; once open, the pipe
// is polled, so that its read deadline can cut reading short.
func readPipe(ctx context.Context, path string) ([]byte, error) {
	type opened struct {
		f   *os.File
		err error
	}
	ch := make(chan opened, 1)
	go func() {
		f, err := os.Open(path)
		ch <- opened{f, err}
	}()
	var f *os.File
	select {
	case o := <-ch:
		if o.err != nil {
			return nil, o.err
		}
		f = o.f
	case <-ctx.Done():
		return nil, fmt.Errorf("%s: %w", path, ctx.Err())
	}
	defer f.Close()
	if deadline, ok := ctx.Deadline(); ok {
		if err := f.SetReadDeadline(deadline); err != nil {
			return nil, err
		}
	}
	data, err := io.ReadAll(io.LimitReader(f, maxModuleSize+1))
	switch {
	case errors.Is(err, os.ErrDeadlineExceeded):
		return nil, fmt.Errorf("%s: %w", path, context.DeadlineExceeded)
	case err != nil:
		return nil, err
	case int64(len(data)) > maxModuleSize:
		return nil, fmt.Errorf("%s: more than the %d MiB terra-run reads", path, maxModuleSize>>20)
	}
	return data, nil
}

// describeDecodeError says why data is not a module, more plainly than the
// decoder for the common cases: not wasm at all, and cut short.
func describeDecodeError(data []byte, err error) string {
	switch {
	case len(data) < 4 || string(data[:4]) != "\x00asm":
		return "not a WebAssembly module (no \\0asm magic number)"
	case len(data) < 8:
		return "truncated module: it ends before its version"
	}
	if msg, ok := truncation(data); ok {
		return msg
	}
	return err.Error() // "malformed module: ..."
}

// truncation reports whether data is cut short: a section that reaches
// past the end, or the end in the middle of a section's header.
func truncation(data []byte) (string, bool) {
	for pos := 8; pos < len(data); {
		start, id := pos, data[pos]
		pos++
		var size uint64 // a u32 in LEB128: at most 5 bytes
		for shift := 0; ; shift += 7 {
			if pos == len(data) {
				return fmt.Sprintf("truncated module: it ends in the header of the section at offset 0x%x", start), true
			}
			b := data[pos]
			pos++
			size |= uint64(b&0x7F) << shift
			if b < 0x80 {
				break
			}
			if shift == 28 {
				return "", false // malformed, not cut short
			}
		}
		if end := uint64(pos) + size; end > uint64(len(data)) {
			name := wasm.SectionName(id)
			if name == "" {
				name = fmt.Sprintf("unknown (id %d)", id)
			}
			return fmt.Sprintf("truncated module: its %s section at offset 0x%x has %d bytes, of which the file holds %d",
				name, start, size, len(data)-pos), true
		}
		pos += int(size)
	}
	return "", false
}

// describeCompileError phrases a failure to compile data: a module that
// does not decode or validate as decoding and validating in steps would,
// without the API's prefix, and anything else as it is.
func describeCompileError(data []byte, err error) string {
	var malformed *wasm.MalformedError
	var invalid *wasm.InvalidError
	switch {
	case errors.As(err, &malformed):
		return describeDecodeError(data, malformed)
	case errors.As(err, &invalid):
		return invalid.Error()
	}
	return err.Error()
}
