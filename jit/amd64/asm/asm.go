package asm

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"slices"
)

// maxInst is the room reserved before encoding one instruction: the
// architectural limit is 15 bytes, and MOVABS with a REX prefix is 10.
const maxInst = 16

// Sentinel errors, matched with errors.Is against the Error that Bytes
// returns.
var (
	// ErrOperand: an operand the instruction cannot take (a register out of
	// range, a width the form lacks, an immediate that does not fit).
	ErrOperand = errors.New("invalid operand")
	// ErrLabel: a label that was never created, bound twice, or never bound
	// while a branch refers to it.
	ErrLabel = errors.New("label")
	// ErrShortBranch: a short branch whose target lies beyond rel8.
	ErrShortBranch = errors.New("short branch out of range")
	// ErrGasm: golang-asm could not encode an instruction.
	ErrGasm = errGasm
	// ErrFinished: an instruction emitted after Bytes ended the assembly.
	ErrFinished = errors.New("assembly already finished")
)

// Error describes the first instruction an Assembler could not encode.
type Error struct {
	Offset int    // code offset of the instruction
	Msg    string // what was wrong, naming the instruction or operand
	Err    error  // one of the sentinel errors above
}

func (e *Error) Error() string {
	return fmt.Sprintf("amd64 asm: offset %#x: %s: %v", e.Offset, e.Msg, e.Err)
}

func (e *Error) Unwrap() error { return e.Err }

// Label is a code position, created by NewLabel and bound by Bind. A branch
// may refer to a label before or after it is bound. The zero Label is not a
// label.
type Label int32

// RelocKind says how a relocation's field is computed.
type RelocKind uint8

const (
	// RelocRel32: a 32-bit displacement from the end of the field (the end
	// of a CALL or JMP rel32) to the target.
	RelocRel32 RelocKind = iota + 1
	// RelocAbs64: the target's absolute 64-bit address (MOVABS).
	RelocAbs64
)

// Reloc is a field whose value depends on an address known only once the
// code is placed: a call to another function, for instance. Target is the
// caller's own name for what the field refers to.
type Reloc struct {
	Offset int // offset of the field in the code
	Kind   RelocKind
	Target int
}

// Apply writes the relocation's field into code, which will run at address
// codeAddr, for a target at address targetAddr.
func (r Reloc) Apply(code []byte, codeAddr, targetAddr uintptr) error {
	switch r.Kind {
	case RelocRel32:
		if r.Offset < 0 || r.Offset+4 > len(code) {
			return fmt.Errorf("amd64 asm: relocation at %#x outside %d bytes of code", r.Offset, len(code))
		}
		d := int64(targetAddr) - int64(codeAddr+uintptr(r.Offset)+4)
		if d != int64(int32(d)) {
			return fmt.Errorf("amd64 asm: relocation at %#x: target %#x out of rel32 range", r.Offset, targetAddr)
		}
		binary.LittleEndian.PutUint32(code[r.Offset:], uint32(d))
	case RelocAbs64:
		if r.Offset < 0 || r.Offset+8 > len(code) {
			return fmt.Errorf("amd64 asm: relocation at %#x outside %d bytes of code", r.Offset, len(code))
		}
		binary.LittleEndian.PutUint64(code[r.Offset:], uint64(targetAddr))
	default:
		return fmt.Errorf("amd64 asm: relocation at %#x: unknown kind %d", r.Offset, r.Kind)
	}
	return nil
}

// Kinds of fix-up, resolved by Bytes once every label is bound.
const (
	fixRel8   = iota + 1 // int8 displacement from end to the label
	fixRel32             // int32 displacement from end to the label
	fixData32            // int32 label offset minus the offset of label end
)

type fixup struct {
	at    int32 // offset of the field
	end   int32 // fixRel*: offset the displacement counts from; fixData32: the base Label
	label Label
	kind  uint8
}

// poolKey is a constant in the pool: its bits and size in bytes.
type poolKey struct {
	lo, hi uint64
	size   uint8
}

// Assembler encodes amd64 instructions into a buffer. Its methods name
// operands in Intel order, destination first, and encode the instruction at
// once; labels, pool constants and relocations are resolved by Bytes.
// Errors do not stop the assembly: the first is kept and returned by Bytes.
//
// An Assembler is not safe for concurrent use; compile in parallel with one
// Assembler per goroutine. The zero Assembler is ready to use.
type Assembler struct {
	buf    []byte
	labels []int32 // labels[l] is the bound offset of l, or -1; labels[0] is unused
	fixups []fixup
	relocs []Reloc
	pool   []poolKey
	poolAt []Label // label of each pool entry
	poolIx map[poolKey]Label
	err    *Error
	done   bool
	full   []byte // the buffer with its capacity, while Bytes has clipped it
	g      *gasm  // golang-asm context, created at the first GoAsm that misses the cache
}

// Reset empties the Assembler for the next function, keeping its storage.
// Slices returned by Bytes and Relocs before are overwritten by what follows.
func (a *Assembler) Reset() {
	if a.full != nil {
		a.buf, a.full = a.full, nil
	}
	a.buf = a.buf[:0]
	a.labels = a.labels[:0]
	a.fixups = a.fixups[:0]
	a.relocs = a.relocs[:0]
	a.pool = a.pool[:0]
	a.poolAt = a.poolAt[:0]
	clear(a.poolIx)
	a.err = nil
	a.done = false
}

// Offset returns the offset at which the next instruction starts.
func (a *Assembler) Offset() int { return len(a.buf) }

// Err returns the first error so far, as an *Error, or nil.
func (a *Assembler) Err() error {
	if a.err == nil {
		return nil
	}
	return a.err
}

// Bytes ends the assembly: it appends the constant pool, resolves every
// label reference and returns the code. Any instruction that could not be
// encoded, and any label referenced but never bound, makes it return an
// error instead: the code is then unusable. The slice stays valid until
// Reset. Calling Bytes again returns the same result.
func (a *Assembler) Bytes() ([]byte, error) {
	if !a.done {
		a.finish()
	}
	if a.err != nil {
		return nil, a.err
	}
	return a.buf, nil
}

// Relocs returns the relocations of the code, in order of offset. Like
// Bytes, the slice stays valid until Reset.
func (a *Assembler) Relocs() []Reloc { return a.relocs }

func (a *Assembler) finish() {
	a.emitPool()
	a.done = true
	a.full = a.buf
	a.buf = slices.Clip(a.buf)
	for _, f := range a.fixups {
		target, ok := a.bound(f.label)
		if !ok {
			a.failAt(int(f.at), ErrLabel, "reference to label %d, never bound", f.label)
			continue
		}
		switch f.kind {
		case fixRel8:
			d := target - int(f.end)
			if d != int(int8(d)) {
				a.failAt(int(f.at)-1, ErrShortBranch, "branch to label %d: distance %d", f.label, d)
				continue
			}
			a.buf[f.at] = byte(d)
		case fixRel32:
			binary.LittleEndian.PutUint32(a.buf[f.at:], uint32(int32(target-int(f.end))))
		case fixData32:
			base, ok := a.bound(Label(f.end))
			if !ok {
				a.failAt(int(f.at), ErrLabel, "jump table base label %d, never bound", f.end)
				continue
			}
			binary.LittleEndian.PutUint32(a.buf[f.at:], uint32(int32(target-base)))
		}
	}
}

// fail records an error for the instruction at the current offset.
func (a *Assembler) fail(err error, format string, args ...any) {
	a.failAt(len(a.buf), err, format, args...)
}

func (a *Assembler) failAt(offset int, err error, format string, args ...any) {
	if a.err == nil {
		a.err = &Error{Offset: offset, Msg: fmt.Sprintf(format, args...), Err: err}
	}
}

// room returns maxInst bytes of spare capacity at the end of the buffer;
// the encoder writes an instruction there and then extends the buffer's
// length over it (see commit). Once Bytes has returned, the buffer has no
// spare capacity, so that room's one check also catches instructions
// emitted after the end.
func (a *Assembler) room() *[maxInst]byte {
	if cap(a.buf)-len(a.buf) < maxInst {
		a.grow()
	}
	return (*[maxInst]byte)(a.buf[len(a.buf):cap(a.buf)])
}

func (a *Assembler) grow() {
	if a.done {
		a.fail(ErrFinished, "instruction after Bytes")
	}
	a.buf = slices.Grow(a.buf, max(maxInst, 2*cap(a.buf), 256))
}

// commit extends the buffer over n bytes written into room().
func (a *Assembler) commit(n int) { a.buf = a.buf[:len(a.buf)+n] }

// NewLabel returns a new, unbound label.
func (a *Assembler) NewLabel() Label {
	if len(a.labels) == 0 {
		a.labels = append(a.labels, -1) // Label 0 stays invalid
	}
	a.labels = append(a.labels, -1)
	return Label(len(a.labels) - 1)
}

// Bind binds l to the current offset.
func (a *Assembler) Bind(l Label) {
	switch {
	case l <= 0 || int(l) >= len(a.labels):
		a.fail(ErrLabel, "bind of label %d, not created by NewLabel", l)
	case a.labels[l] >= 0:
		a.fail(ErrLabel, "label %d bound twice (first at %#x)", l, a.labels[l])
	default:
		a.labels[l] = int32(len(a.buf))
	}
}

// LabelOffset returns the offset l is bound to, or false if it is not bound.
func (a *Assembler) LabelOffset(l Label) (int, bool) { return a.bound(l) }

func (a *Assembler) bound(l Label) (int, bool) {
	if l <= 0 || int(l) >= len(a.labels) || a.labels[l] < 0 {
		return 0, false
	}
	return int(a.labels[l]), true
}

// checkLabel reports whether l was created by NewLabel, recording an error
// if not.
func (a *Assembler) checkLabel(l Label) bool {
	if l <= 0 || int(l) >= len(a.labels) {
		a.fail(ErrLabel, "reference to label %d, not created by NewLabel", l)
		return false
	}
	return true
}

// Const32 returns a RIP-relative operand for a 4-byte constant in the pool.
func (a *Assembler) Const32(v uint32) Mem { return a.constant(poolKey{lo: uint64(v), size: 4}) }

// Const64 returns a RIP-relative operand for an 8-byte constant in the pool.
func (a *Assembler) Const64(v uint64) Mem { return a.constant(poolKey{lo: v, size: 8}) }

// Const128 returns a RIP-relative operand for a 16-byte constant in the
// pool (low half lo), aligned to 16 bytes as the packed SSE instructions
// (ANDPS, XORPS, ...) require of memory operands.
func (a *Assembler) Const128(lo, hi uint64) Mem {
	return a.constant(poolKey{lo: lo, hi: hi, size: 16})
}

// ConstF32 and ConstF64 are Const32 and Const64 for floating-point values.
func (a *Assembler) ConstF32(v float32) Mem { return a.Const32(math.Float32bits(v)) }

// ConstF64 returns a RIP-relative operand for a float64 constant.
func (a *Assembler) ConstF64(v float64) Mem { return a.Const64(math.Float64bits(v)) }

func (a *Assembler) constant(k poolKey) Mem {
	if l, ok := a.poolIx[k]; ok {
		return RIP(l)
	}
	if a.poolIx == nil {
		a.poolIx = make(map[poolKey]Label)
	}
	l := a.NewLabel()
	a.poolIx[k] = l
	a.pool = append(a.pool, k)
	a.poolAt = append(a.poolAt, l)
	return RIP(l)
}

// emitPool appends the constants after the code: 16-byte ones first, then
// 8 and 4, so that each is aligned to its size once the first is aligned
// to 16. The gap after the code is filled with INT3.
func (a *Assembler) emitPool() {
	if len(a.pool) == 0 {
		return
	}
	for len(a.buf)%16 != 0 {
		a.buf = append(a.buf, 0xCC)
	}
	for _, size := range [...]uint8{16, 8, 4} {
		for i, k := range a.pool {
			if k.size != size {
				continue
			}
			a.labels[a.poolAt[i]] = int32(len(a.buf))
			switch size {
			case 4:
				a.buf = binary.LittleEndian.AppendUint32(a.buf, uint32(k.lo))
			case 8:
				a.buf = binary.LittleEndian.AppendUint64(a.buf, k.lo)
			case 16:
				a.buf = binary.LittleEndian.AppendUint64(a.buf, k.lo)
				a.buf = binary.LittleEndian.AppendUint64(a.buf, k.hi)
			}
		}
	}
}

// nops are the recommended multi-byte NOPs (Intel SDM vol. 2, NOP), indexed
// by length.
var nops = [...]string{
	1: "\x90",
	2: "\x66\x90",
	3: "\x0f\x1f\x00",
	4: "\x0f\x1f\x40\x00",
	5: "\x0f\x1f\x44\x00\x00",
	6: "\x66\x0f\x1f\x44\x00\x00",
	7: "\x0f\x1f\x80\x00\x00\x00\x00",
	8: "\x0f\x1f\x84\x00\x00\x00\x00\x00",
	9: "\x66\x0f\x1f\x84\x00\x00\x00\x00\x00",
}

// Nop emits n bytes of NOPs, as few instructions as possible.
func (a *Assembler) Nop(n int) {
	for n > 0 {
		k := min(n, len(nops)-1)
		b := a.room()
		copy(b[:], nops[k])
		a.commit(k)
		n -= k
	}
}

// Align pads with NOPs up to the next multiple of n, a power of two.
func (a *Assembler) Align(n int) {
	if n <= 0 || n&(n-1) != 0 || n > 4096 {
		a.fail(ErrOperand, "Align(%d): not a power of two up to 4096", n)
		return
	}
	a.Nop(-len(a.buf) & (n - 1))
}
