// Package native runs the compute kernels of bench/kernels as machine code:
// kernels.c here is a symbolic link to bench/kernels/src/kernels.c, which cgo
// compiles with the C compiler (gcc by default) at -O2. It is the baseline
// that the WebAssembly runtimes are measured against, built from the same
// source as bench/kernels/kernels.wasm.
//
// The link, rather than an #include of the file by a relative path, is what
// keeps Go's build cache right: the go command hashes the files in the
// package directory, following the link, so a change to kernels.c rebuilds
// this package.
package native

/*
#cgo CFLAGS: -O2
// gcc compiles sqrt to the instruction, with a call to libm's sqrt on a
// negative argument to set errno (never taken here: cgo does not allow
// -fno-math-errno), so the program must link libm.
#cgo LDFLAGS: -lm

#include <stdint.h>

uint32_t fib(uint32_t n);
uint64_t sieve(uint32_t n);
int64_t matmul(uint32_t n);
int64_t nbody(uint32_t steps);
uint64_t sha256(uint32_t blocks);
uint64_t quicksort(uint32_t n);
uint32_t bytecode(uint32_t n);
uint64_t fannkuch(uint32_t n);
uint64_t mandelbrot(uint32_t size);
uint64_t memcopy(uint32_t rounds);
uint64_t memfill(uint32_t rounds);
uint64_t strided(uint32_t passes);
uint32_t indirect(uint32_t n);
*/
import "C"

// Kernels maps each kernel's name to a function that runs it natively and
// returns its result as a WebAssembly runtime returns it: an i32 result
// zero-extended, an i64 one as its bits.
//
// The kernels work in static arrays, so at most one may run at a time.
var Kernels = map[string]func(arg uint32) uint64{
	"fib":        func(n uint32) uint64 { return uint64(C.fib(C.uint32_t(n))) },
	"sieve":      func(n uint32) uint64 { return uint64(C.sieve(C.uint32_t(n))) },
	"matmul":     func(n uint32) uint64 { return uint64(C.matmul(C.uint32_t(n))) },
	"nbody":      func(n uint32) uint64 { return uint64(C.nbody(C.uint32_t(n))) },
	"sha256":     func(n uint32) uint64 { return uint64(C.sha256(C.uint32_t(n))) },
	"quicksort":  func(n uint32) uint64 { return uint64(C.quicksort(C.uint32_t(n))) },
	"bytecode":   func(n uint32) uint64 { return uint64(C.bytecode(C.uint32_t(n))) },
	"fannkuch":   func(n uint32) uint64 { return uint64(C.fannkuch(C.uint32_t(n))) },
	"mandelbrot": func(n uint32) uint64 { return uint64(C.mandelbrot(C.uint32_t(n))) },
	"memcopy":    func(n uint32) uint64 { return uint64(C.memcopy(C.uint32_t(n))) },
	"memfill":    func(n uint32) uint64 { return uint64(C.memfill(C.uint32_t(n))) },
	"strided":    func(n uint32) uint64 { return uint64(C.strided(C.uint32_t(n))) },
	"indirect":   func(n uint32) uint64 { return uint64(C.indirect(C.uint32_t(n))) },
}
