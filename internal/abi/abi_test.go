package abi

import (
	"testing"
	"unsafe"

	"github.com/stretchr/testify/require"
	"github.com/terra-runtime/terra/sandbox"
)

// TestLayout checks every offset constant against the Go types.
func TestLayout(t *testing.T) {
	var f FuncRecord
	var tv TableView
	var ic InstanceContext
	var imp ImportedFunc
	var cc CallContext
	for name, c := range map[string]struct{ got, want uintptr }{
		"FuncTypeID":    {FuncTypeID, unsafe.Offsetof(f.TypeID)},
		"FuncHandle":    {FuncHandle, unsafe.Offsetof(f.Handle)},
		"FuncEntry":     {FuncEntry, unsafe.Offsetof(f.Entry)},
		"FuncContext":   {FuncContext, unsafe.Offsetof(f.Context)},
		"TableFuncs":    {TableFuncs, unsafe.Offsetof(tv.Funcs)},
		"TableElems":    {TableElems, unsafe.Offsetof(tv.Elems)},
		"TableLen":      {TableLen, unsafe.Offsetof(tv.Len)},
		"TableSize":     {TableSize, unsafe.Sizeof(tv)},
		"CtxMemBase":    {CtxMemBase, unsafe.Offsetof(ic.MemBase)},
		"CtxMemory":     {CtxMemory, unsafe.Offsetof(ic.Memory)},
		"CtxEntries":    {CtxEntries, unsafe.Offsetof(ic.Entries)},
		"CtxTypeIDs":    {CtxTypeIDs, unsafe.Offsetof(ic.TypeIDs)},
		"CtxFuncs":      {CtxFuncs, unsafe.Offsetof(ic.Funcs)},
		"CtxHandleBase": {CtxHandleBase, unsafe.Offsetof(ic.HandleBase)},
		"CtxHeadSize":   {CtxHeadSize, unsafe.Sizeof(ic)},
		"ImportEntry":   {ImportEntry, unsafe.Offsetof(imp.Entry)},
		"ImportContext": {ImportContext, unsafe.Offsetof(imp.Context)},
		"ImportFunc":    {ImportFunc, unsafe.Offsetof(imp.Func)},
		"ImportSize":    {ImportSize, unsafe.Sizeof(imp)},
		"CallExit":      {CallExit, unsafe.Offsetof(cc.Exit)},
		"CallExitFunc":  {CallExitFunc, unsafe.Offsetof(cc.ExitFunc)},
		"CallExitArgs":  {CallExitArgs, unsafe.Offsetof(cc.ExitArgs)},
		"CallExitArg":   {CallExitArg, unsafe.Offsetof(cc.ExitArg)},
		"CallExitRes":   {CallExitResult, unsafe.Offsetof(cc.ExitResult)},
		"CallExitCtx":   {CallExitContext, unsafe.Offsetof(cc.ExitContext)},
		"CallStackLim":  {CallStackLimit, unsafe.Offsetof(cc.StackLimit)},
		"CallEnterTgt":  {CallEnterTarget, unsafe.Offsetof(cc.EnterTarget)},
		"CallEnterCtx":  {CallEnterContext, unsafe.Offsetof(cc.EnterContext)},
		"CallEnterFn":   {CallEnterFunc, unsafe.Offsetof(cc.EnterFunc)},
		"CallEnterCell": {CallEnterCells, unsafe.Offsetof(cc.EnterCells)},
		"CallEnterRes":  {CallEnterResults, unsafe.Offsetof(cc.EnterResults)},
		"CallEnterSl":   {CallEnterSlots, unsafe.Offsetof(cc.EnterSlots)},
		"CtxInstance":   {CtxInstance, unsafe.Offsetof(ic.Instance)},
		"CallSize":      {CallSize, unsafe.Sizeof(cc)},
		"sandbox head":  {0, unsafe.Offsetof(cc.Context)},
		"sandbox poll":  {sandbox.ContextPoll, unsafe.Offsetof(cc.Poll)},
	} {
		require.Equal(t, c.want, c.got, name)
	}
	require.Zero(t, PollInterrupt&sandbox.PollPreempt)
	require.Zero(t, PollSample&(PollInterrupt|sandbox.PollPreempt))
}

func TestRareArg(t *testing.T) {
	op, a, b := UnpackRare(RareArg(0xFC0E, 1<<24-1, 12345))
	require.Equal(t, uint16(0xFC0E), op)
	require.Equal(t, uint32(1<<24-1), a)
	require.Equal(t, uint32(12345), b)
}

func TestNewLayout(t *testing.T) {
	l := NewLayout(2, 3, 4)
	require.Equal(t, uint32(CtxHeadSize), l.Table(0))
	require.Equal(t, uint32(CtxHeadSize+TableSize), l.Table(1))
	require.Equal(t, uint32(CtxHeadSize+2*TableSize), l.Global(0))
	require.Equal(t, l.Global(0)+16, l.Global(2))
	require.Equal(t, l.Global(0)+24, l.Import(0))
	require.Equal(t, l.Import(0)+3*ImportSize, l.Import(3))
	require.Equal(t, l.Import(3)+ImportSize, l.Size)
	require.Zero(t, l.Size%8)
}
