package store

import (
	"unsafe"

	"github.com/terra-runtime/terra/internal/abi"
)

// This file builds and maintains instance contexts (see package abi): the
// block of words through which generated code reaches an instance's
// memory, tables, globals, functions and signature IDs.

// sliceAddr returns the address of a slice's first element, 0 for a slice
// without an array.
func sliceAddr[T any](s []T) uintptr { return uintptr(unsafe.Pointer(unsafe.SliceData(s))) }

// Context returns the address of the instance context, which the
// instance's functions run with; nil for a host instance.
func (inst *Instance) Context() unsafe.Pointer {
	if len(inst.ctx) == 0 {
		return nil
	}
	return unsafe.Pointer(&inst.ctx[0])
}

// TypeIDs returns the store's IDs of the module's signatures, by type
// index.
func (inst *Instance) TypeIDs() []uint32 { return inst.typeIDs }

// InstanceOf returns the instance whose context is at ctx, an address
// generated code handed to Go.
func InstanceOf(ctx unsafe.Pointer) *Instance {
	return *(**Instance)(unsafe.Pointer(&(*abi.InstanceContext)(ctx).Instance))
}

// Layout returns the layout of the instance context.
func (inst *Instance) Layout() abi.Layout { return inst.layout }

func (inst *Instance) head() *abi.InstanceContext {
	return (*abi.InstanceContext)(unsafe.Pointer(&inst.ctx[0]))
}

func (inst *Instance) word(off uint32) *uint64 { return &inst.ctx[off/8] }

// buildContext lays out and fills the instance context, reusing buf when
// it is large enough, and registers its views with the tables and memory
// it shows. The index spaces and the own functions' records are complete.
func (inst *Instance) buildContext(buf []uint64) {
	m := inst.Module
	l := abi.NewLayout(len(inst.Tables), len(inst.Globals), int(m.NumImportedFuncs))
	n := int(l.Size / 8)
	if cap(buf) >= n {
		inst.ctx = buf[:n]
		clear(inst.ctx)
	} else {
		inst.ctx = make([]uint64, n)
	}
	inst.layout = l
	h := inst.head()
	if len(inst.Memories) > 0 {
		mem := inst.Memories[0]
		h.Memory = uintptr(unsafe.Pointer(mem))
		mem.addView(h)
	}
	if inst.Code != nil {
		h.Entries = sliceAddr(inst.Code.Entries)
	}
	h.TypeIDs = sliceAddr(inst.typeIDs)
	h.Funcs = sliceAddr(inst.Funcs)
	h.HandleBase = inst.handleBase
	*(**Instance)(unsafe.Pointer(&h.Instance)) = inst
	for i, t := range inst.Tables {
		t.addView((*abi.TableView)(unsafe.Pointer(inst.word(l.Table(uint32(i))))))
	}
	for i, g := range inst.Globals {
		*inst.word(l.Global(uint32(i))) = uint64(uintptr(unsafe.Pointer(&g.Lo)))
	}
	for i, f := range inst.Funcs[:m.NumImportedFuncs] {
		imp := (*abi.ImportedFunc)(unsafe.Pointer(inst.word(l.Import(uint32(i)))))
		imp.Entry = uintptr(unsafe.Pointer(f.Entry))
		imp.Context = uintptr(f.Context)
		imp.Func = uintptr(unsafe.Pointer(f))
	}
	ctx := inst.Context()
	for i := range inst.funcs {
		inst.funcs[i].Context = ctx
	}
}

// dropContext unregisters the context's views: the tables and memory it
// shows may outlive the instance, and its words may be reused.
func (inst *Instance) dropContext() {
	if len(inst.ctx) == 0 {
		return
	}
	if len(inst.Memories) > 0 {
		inst.Memories[0].removeView(inst.head())
	}
	for i, t := range inst.Tables {
		t.removeView((*abi.TableView)(unsafe.Pointer(inst.word(inst.layout.Table(uint32(i))))))
	}
}
