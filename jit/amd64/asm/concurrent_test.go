package asm

import (
	"bytes"
	"fmt"
	"sync"
	"testing"

	"github.com/twitchyliquid64/golang-asm/obj"
	"github.com/twitchyliquid64/golang-asm/obj/x86"
)

// TestConcurrent assembles from several goroutines at once, one Assembler
// each, mixing direct encodings with golang-asm escapes that hit the shared
// cache and escapes that miss it (so that golang-asm itself runs in
// parallel), and checks every result against the same code assembled
// alone. Each goroutine starts with golang-asm contexts of its own, outside
// the cache: the cache's lock orders every goroutine after the one that
// filled it, which would hide from the race detector a race in golang-asm's
// first use. The test's point is the race detector, which needs cgo:
//
//	CGO_ENABLED=1 go test -race -run Concurrent ./jit/amd64/asm/
func TestConcurrent(t *testing.T) {
	const goroutines = 4
	build := func(a *Assembler, seed int) ([]byte, error) {
		a.Reset()
		top := a.NewLabel()
		a.Bind(top)
		for i := range 300 {
			// Displacements unique to this goroutine and round miss the
			// cache.
			a.GoAsm(x86.AMOVQ, GoMem(Mem{Base: RBX, Disp: int32(seed<<20 | i)}), GoReg(RCX))
			a.ArithRI(ADD, W64, RAX, int32(i))
			a.MovRM(W64, RCX, Mem{Base: R12, Index: RBX, Scale: 8, Disp: int32(i)})
			a.GoAsm(x86.APSHUFD, GoImm(int64(i%4)), GoXReg(X1), GoXReg(X0))
			a.Jcc(CondNE, top)
		}
		return a.Bytes()
	}
	for round := range 3 {
		got := make([][]byte, goroutines)
		errs := make([]error, goroutines)
		var wg sync.WaitGroup
		start := make(chan struct{})
		for g := range goroutines {
			wg.Go(func() {
				<-start // all at once, so that their first accesses overlap
				for i := range 20 {
					ref, err := newGasm().assemble(x86.AADDQ, []obj.Addr{GoImm(int64(i)), GoReg(RAX)})
					if err != nil || len(ref) != 4 {
						errs[g] = fmt.Errorf("golang-asm: % x, %v", ref, err)
						return
					}
				}
				var a Assembler
				code, err := build(&a, round*goroutines+g)
				got[g], errs[g] = bytes.Clone(code), err
			})
		}
		close(start)
		wg.Wait()
		var a Assembler
		for g := range goroutines {
			want, err := build(&a, round*goroutines+g)
			if err != nil || errs[g] != nil {
				t.Fatalf("round %d goroutine %d: %v, alone: %v", round, g, errs[g], err)
			}
			if !bytes.Equal(got[g], want) {
				t.Errorf("round %d goroutine %d: code differs from the same code assembled alone", round, g)
			}
		}
	}
}
