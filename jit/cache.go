package jit

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"runtime"
	"slices"

	"github.com/terra-runtime/terra/internal/store"
	"github.com/terra-runtime/terra/sandbox"
	"github.com/terra-runtime/terra/wasm"
)

// A cache entry holds a module's machine code for another process to load
// instead of compiling it. Its layout, little-endian:
//
//	header (cacheHeaderSize bytes)
//	  magic "terraJIT", format version, number of functions,
//	  GOARCH (8 bytes, zero-padded), Arch.Features,
//	  key (32 bytes: what the caller compiled, see WriteCache),
//	  functions the module defines, sites, code offset, code size,
//	  OSR entries
//	functions, by start: index, start, end (offsets in the code), sites,
//	  OSR entries
//	sites, function after function: PC (offset in the function), offset
//	  in the module
//	OSR entries, function after function, by loop: PC (offset in the
//	  function), offset in the module of the loop it enters
//	zeros up to the code offset (a multiple of cacheCodeAlign)
//	code
//	CRC-32C (Castagnoli) of everything before it
//
// Machine code is position-independent, so that it runs wherever it is
// loaded; page-aligned in the entry, it is mapped from the file where it
// can be rather than copied. A function is in an entry exactly when it uses no v128 value:
// the functions the JIT would compile (see cacheable).
const (
	cacheMagic = "terraJIT"
	// CacheFormat is the version of the layout; a change of the layout
	// changes it.
	CacheFormat = 3

	cacheHeaderSize = 84
	cacheFuncSize   = 20
	cacheSiteSize   = 8
	cacheTrailer    = 4
	// cacheCodeAlign aligns the code in an entry: a page on linux/amd64
	// and arm64 with 4 KiB pages.
	cacheCodeAlign = 4096
)

// ErrBadCacheEntry reports a cache entry that cannot be loaded: corrupt,
// truncated, written by another format, for another CPU, or for another
// module. Nothing of it ran; the caller compiles instead.
var ErrBadCacheEntry = errors.New("jit: bad cache entry")

// ErrUncacheable reports a module whose code cannot be cached: the JIT left
// a function to the interpreter that uses no v128 value (an instruction
// this CPU lacks), so that a loader could not check which functions an
// entry must hold.
var ErrUncacheable = errors.New("jit: code not cacheable")

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// cacheHeader is an entry's fixed header.
type cacheHeader struct {
	Magic      [8]byte
	Format     uint32
	Funcs      uint32
	Arch       [8]byte
	Features   uint64
	Key        [32]byte
	Defined    uint32
	Sites      uint32
	CodeOffset uint32
	CodeSize   uint32
	OSRs       uint32
}

func init() {
	if binary.Size(cacheHeader{}) != cacheHeaderSize {
		panic("jit: cacheHeader is not cacheHeaderSize bytes")
	}
}

// goarch returns GOARCH as an entry's header holds it.
func goarch() (a [8]byte) {
	copy(a[:], runtime.GOARCH)
	return a
}

// cacheable reports whether the JIT compiles function info describes:
// whether it uses no v128 value. Every SIMD instruction has a v128 operand
// or result, so a function that uses SIMD has v128 values on its operand
// stack (more slots than values) or among its locals.
func cacheable(info *wasm.FuncInfo) bool {
	return info.MaxSlots == info.MaxHeight && !slices.Contains(info.Locals, wasm.V128)
}

// WriteCache writes a cache entry of batch, the machine code that
// CompileWhole made of m (nil if it compiled nothing), to w. key identifies
// what was compiled beyond the machine (the module's bytes, the features it
// was parsed with, the build of terra): LoadCache loads the entry only
// under the same key. It fails with ErrUncacheable for a module whose entry
// LoadCache could not check.
func (t *Tier) WriteCache(w io.Writer, m *wasm.Module, batch *Module, key [32]byte) error {
	mod := batch
	var funcs []compiledFunc
	var text []byte
	if mod != nil {
		funcs, text = mod.funcs, mod.code.Code()
	}
	compiled := make([]bool, len(m.Code))
	for _, f := range funcs {
		compiled[f.index-m.NumImportedFuncs] = true
	}
	for i := range m.Code {
		if compiled[i] != cacheable(&m.FuncInfo[i]) {
			return fmt.Errorf("%w: func %d left to the interpreter", ErrUncacheable, m.NumImportedFuncs+uint32(i))
		}
	}
	nsites, nosr := 0, 0
	for _, f := range funcs {
		nsites += len(f.sites)
		nosr += len(f.osr)
	}
	tableEnd := cacheHeaderSize + cacheFuncSize*len(funcs) + cacheSiteSize*(nsites+nosr)
	codeOffset := alignCode(tableEnd)
	h := cacheHeader{
		Format:     CacheFormat,
		Funcs:      uint32(len(funcs)),
		Arch:       goarch(),
		Features:   t.arch.Features(),
		Key:        key,
		Defined:    uint32(len(m.Code)),
		Sites:      uint32(nsites),
		CodeOffset: uint32(codeOffset),
		CodeSize:   uint32(len(text)),
		OSRs:       uint32(nosr),
	}
	copy(h.Magic[:], cacheMagic)
	buf := make([]byte, 0, codeOffset)
	buf, _ = binary.Append(buf, binary.LittleEndian, &h)
	var base uintptr
	if mod != nil {
		base = mod.lo
	}
	le := binary.LittleEndian
	for _, f := range funcs {
		buf = le.AppendUint32(buf, f.index)
		buf = le.AppendUint32(buf, uint32(f.start-base))
		buf = le.AppendUint32(buf, uint32(f.end-base))
		buf = le.AppendUint32(buf, uint32(len(f.sites)))
		buf = le.AppendUint32(buf, uint32(len(f.osr)))
	}
	for _, f := range funcs {
		for _, s := range f.sites {
			buf = le.AppendUint32(buf, s.PC)
			buf = le.AppendUint32(buf, s.Offset)
		}
	}
	for _, f := range funcs {
		for _, s := range f.osr {
			buf = le.AppendUint32(buf, s.PC)
			buf = le.AppendUint32(buf, s.Offset)
		}
	}
	buf = buf[:codeOffset] // zeros: buf was made with this capacity
	crc := crc32.Update(0, castagnoli, buf)
	crc = crc32.Update(crc, castagnoli, text)
	for _, b := range [][]byte{buf, text, le.AppendUint32(nil, crc)} {
		if _, err := w.Write(b); err != nil {
			return fmt.Errorf("jit: write cache entry: %w", err)
		}
	}
	return nil
}

func alignCode(n int) int { return (n + cacheCodeAlign - 1) &^ (cacheCodeAlign - 1) }

// CacheEntry is a cache entry that ReadCache read and checked as far as it
// can be without its module, for LoadCache to finish. Reading is the part
// worth doing while the module is still being parsed.
type CacheEntry struct {
	defined uint32
	// funcs has the code's functions, with offsets relative to the code.
	funcs []compiledFunc
	// buf holds the code; nil if there is none, or once loaded or
	// discarded.
	buf *sandbox.CodeBuffer
}

// Discard releases an entry that is not to be loaded.
func (e *CacheEntry) Discard() {
	if e != nil && e.buf != nil {
		_ = e.buf.Discard()
		e.buf = nil
	}
}

// badEntry returns an error wrapping ErrBadCacheEntry.
func badEntry(format string, a ...any) error {
	return fmt.Errorf("%w: %s", ErrBadCacheEntry, fmt.Sprintf(format, a...))
}

// ReadCache reads a cache entry that WriteCache wrote, of size bytes that r
// reads, under key. It checks what does not depend on the module: the
// checksum; the header against this format, architecture and CPU and
// against key; sizes that add up exactly; and a function table that keeps
// every function, site and OSR entry within the code, even where the
// checksum matches (functions in order and 16-byte aligned, each site and
// OSR entry within its function).
// LoadCache checks the rest. Failures wrap ErrBadCacheEntry.
func (t *Tier) ReadCache(r io.ReaderAt, size int64, key [32]byte) (_ *CacheEntry, err error) {
	if size < cacheHeaderSize+cacheTrailer {
		return nil, badEntry("%d bytes, shorter than a header", size)
	}
	var hb [cacheHeaderSize]byte
	if _, err := r.ReadAt(hb[:], 0); err != nil {
		return nil, badEntry("read the header: %v", err)
	}
	var h cacheHeader
	if _, err := binary.Decode(hb[:], binary.LittleEndian, &h); err != nil {
		return nil, badEntry("header: %v", err)
	}
	switch {
	case string(h.Magic[:]) != cacheMagic:
		return nil, badEntry("not a cache entry (magic %q)", h.Magic[:])
	case h.Format != CacheFormat:
		return nil, badEntry("format %d, not %d", h.Format, CacheFormat)
	case h.Arch != goarch():
		return nil, badEntry("for %s, not %s", bytes.TrimRight(h.Arch[:], "\x00"), runtime.GOARCH)
	case h.Features != t.arch.Features():
		return nil, badEntry("for CPU features %#x, not %#x", h.Features, t.arch.Features())
	case h.Key != key:
		return nil, badEntry("compiled from another module or build (key %x, not %x)", h.Key[:8], key[:8])
	case h.Funcs > h.Defined:
		return nil, badEntry("%d functions of %d", h.Funcs, h.Defined)
	}
	tableEnd := uint64(cacheHeaderSize) + cacheFuncSize*uint64(h.Funcs) + cacheSiteSize*(uint64(h.Sites)+uint64(h.OSRs))
	if uint64(h.CodeOffset) != (tableEnd+cacheCodeAlign-1)&^(cacheCodeAlign-1) || uint64(size) != uint64(h.CodeOffset)+uint64(h.CodeSize)+cacheTrailer {
		return nil, badEntry("%d bytes, %d functions, %d sites, %d OSR entries and %d bytes of code at %d do not add up",
			size, h.Funcs, h.Sites, h.OSRs, h.CodeSize, h.CodeOffset)
	}
	table := make([]byte, h.CodeOffset-cacheHeaderSize)
	if _, err := r.ReadAt(table, cacheHeaderSize); err != nil {
		return nil, badEntry("read the function table: %v", err)
	}
	if pad := table[tableEnd-cacheHeaderSize:]; slices.ContainsFunc(pad, func(b byte) bool { return b != 0 }) {
		return nil, badEntry("padding before the code is not zeros")
	}
	e := &CacheEntry{defined: h.Defined}
	if e.funcs, err = parseFuncs(&h, table); err != nil {
		return nil, err
	}
	crc := crc32.Update(crc32.Update(0, castagnoli, hb[:]), castagnoli, table)
	if h.CodeSize > 0 {
		if e.buf, err = readCode(r, int64(h.CodeOffset), int(h.CodeSize)); err != nil {
			return nil, err
		}
		defer func() {
			if err != nil {
				e.Discard()
			}
		}()
		crc = crc32.Update(crc, castagnoli, e.buf.Bytes())
	}
	var tb [cacheTrailer]byte
	if _, err := r.ReadAt(tb[:], size-cacheTrailer); err != nil {
		return nil, badEntry("read the checksum: %v", err)
	}
	if sum := binary.LittleEndian.Uint32(tb[:]); sum != crc {
		return nil, badEntry("checksum %#08x, not %#08x", sum, crc)
	}
	return e, nil
}

// readCode reads n bytes of code at off of r into a code buffer: it maps
// them where r is a file and off a multiple of the page size (a file system
// may still forbid it), and copies them otherwise.
func readCode(r io.ReaderAt, off int64, n int) (*sandbox.CodeBuffer, error) {
	if f, ok := r.(*os.File); ok && off%int64(os.Getpagesize()) == 0 {
		if b, err := sandbox.MapCode(f, off, n); err == nil {
			return b, nil
		}
	}
	b, err := sandbox.NewCodeBuffer(n)
	if err != nil {
		return nil, fmt.Errorf("jit: %w", err)
	}
	if _, err := r.ReadAt(b.Bytes(), off); err != nil {
		_ = b.Discard()
		return nil, badEntry("read the code: %v", err)
	}
	return b, nil
}

// parseFuncs parses an entry's function table, sites and OSR entries, and
// checks that they lie within the code; offsets stay relative to it.
func parseFuncs(h *cacheHeader, table []byte) ([]compiledFunc, error) {
	le := binary.LittleEndian
	sites := make([]Site, h.Sites+h.OSRs)
	siteBytes := table[cacheFuncSize*int(h.Funcs):]
	for i := range sites {
		sites[i] = Site{PC: le.Uint32(siteBytes[8*i:]), Offset: le.Uint32(siteBytes[8*i+4:])}
	}
	sites, osrs := sites[:h.Sites:h.Sites], sites[h.Sites:]
	funcs := make([]compiledFunc, h.Funcs)
	var end uint32
	next, nextOSR := 0, 0 // the first site and OSR entry not yet given to a function
	for k := range funcs {
		b := table[cacheFuncSize*k:]
		index, start, fend, n, nosr := le.Uint32(b), le.Uint32(b[4:]), le.Uint32(b[8:]), le.Uint32(b[12:]), le.Uint32(b[16:])
		switch {
		case start < end || start%16 != 0 || fend <= start || fend > h.CodeSize:
			return nil, badEntry("func %d: code [%#x, %#x) is not after the previous function's end %#x within %#x bytes, 16-byte aligned",
				index, start, fend, end, h.CodeSize)
		case uint64(n) > uint64(len(sites)-next):
			return nil, badEntry("func %d: %d sites, %d left", index, n, len(sites)-next)
		case uint64(nosr) > uint64(len(osrs)-nextOSR):
			return nil, badEntry("func %d: %d OSR entries, %d left", index, nosr, len(osrs)-nextOSR)
		}
		end = fend
		f := compiledFunc{
			start: uintptr(start), end: uintptr(fend), index: index,
			sites: sites[next : next+int(n) : next+int(n)],
			osr:   osrs[nextOSR : nextOSR+int(nosr) : nextOSR+int(nosr)],
		}
		next += int(n)
		nextOSR += int(nosr)
		for j, s := range f.osr {
			switch {
			case s.PC >= fend-start:
				return nil, badEntry("func %d: OSR entry %d at %#x, beyond its %#x bytes", index, j, s.PC, fend-start)
			case j > 0 && s.Offset <= f.osr[j-1].Offset:
				// OSREntry searches them by loop.
				return nil, badEntry("func %d: OSR entry %d for the loop at %#x, not after the previous one's", index, j, s.Offset)
			}
		}
		for j, s := range f.sites {
			switch {
			case s.PC >= fend-start:
				return nil, badEntry("func %d: site %d at %#x, beyond its %#x bytes", index, j, s.PC, fend-start)
			case j > 0 && s.PC < f.sites[j-1].PC:
				// Equal PCs happen: a call's return address can be the
				// next instruction's access.
				return nil, badEntry("func %d: site %d at %#x, before the previous one", index, j, s.PC)
			}
		}
		funcs[k] = f
	}
	if next != len(sites) || nextOSR != len(osrs) {
		return nil, badEntry("%d sites and %d OSR entries, the functions have %d and %d", len(sites), len(osrs), next, nextOSR)
	}
	return funcs, nil
}

// LoadCache loads an entry that ReadCache read as the code of code's
// module, and switches the functions' entries to it, as Compile does. It
// consumes e, loaded or not.
//
// Before anything runs, it checks the entry against the module: every
// function a defined function of the module, each exactly once, exactly
// the functions Compile would compile, each site within its function's
// body, each OSR entry for a loop of its function. With ReadCache's checks, no entry, even one whose checksum
// matches, can make a function's entry point outside its code. Failures
// wrap ErrBadCacheEntry.
func (t *Tier) LoadCache(code *store.ModuleCode, e *CacheEntry) error {
	defer e.Discard()
	m := code.Module
	if e.defined != uint32(len(m.Code)) {
		return badEntry("for a module that defines %d functions, not %d", e.defined, len(m.Code))
	}
	if err := checkFuncs(m, e.funcs); err != nil {
		return err
	}
	if e.buf == nil {
		return nil // no function compiled
	}
	loaded, err := e.buf.Load()
	e.buf = nil
	if err != nil {
		return fmt.Errorf("jit: %w", err)
	}
	mod := &Module{tier: t, module: m, code: loaded, lo: loaded.Addr(), hi: loaded.Addr() + uintptr(loaded.Len()), funcs: e.funcs}
	for i := range mod.funcs {
		mod.funcs[i].start += mod.lo
		mod.funcs[i].end += mod.lo
	}
	return t.Install(code, mod)
}

// checkFuncs checks an entry's functions against m.
func checkFuncs(m *wasm.Module, funcs []compiledFunc) error {
	present := make([]bool, len(m.Code))
	for k, f := range funcs {
		i := f.index - m.NumImportedFuncs // wraps for an import
		switch {
		case f.index < m.NumImportedFuncs || i >= uint32(len(m.Code)):
			return badEntry("function %d: index %d is not a function the module defines", k, f.index)
		case present[i]:
			return badEntry("function %d: func %d twice", k, f.index)
		case !cacheable(&m.FuncInfo[i]):
			return badEntry("function %d: func %d uses v128 values, which the JIT does not compile", k, f.index)
		}
		present[i] = true
		body := &m.Code[i]
		lo, hi := uint64(body.Offset), uint64(body.Offset)+uint64(len(body.Body))
		for j, s := range f.sites {
			if uint64(s.Offset) < lo || uint64(s.Offset) >= hi {
				return badEntry("func %d: site %d at module offset %#x, outside the body [%#x, %#x)", f.index, j, s.Offset, lo, hi)
			}
		}
		for j, s := range f.osr {
			if uint64(s.Offset) < lo || uint64(s.Offset) >= hi || body.Body[uint64(s.Offset)-lo] != byte(wasm.OpLoop) {
				return badEntry("func %d: OSR entry %d for module offset %#x, not a loop of the body [%#x, %#x)", f.index, j, s.Offset, lo, hi)
			}
		}
	}
	for i := range m.Code {
		if !present[i] && cacheable(&m.FuncInfo[i]) {
			return badEntry("func %d missing, which the JIT compiles", m.NumImportedFuncs+uint32(i))
		}
	}
	return nil
}
