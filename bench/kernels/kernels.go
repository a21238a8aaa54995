// Package kernels holds small compute kernels for comparing terra's
// execution tiers with other runtimes and with native code.
//
// The kernels are C functions in src/kernels.c (in a directory of its own,
// because the go command refuses C files in a package without cgo), which
// build.sh compiles to kernels.wasm: a module with no imports that exports a memory and one
// function per kernel. Each function takes one i32, a size or an iteration
// count, and returns a checksum of its work. The module is committed, so
// nothing here needs clang; bench/peers compiles the same src/kernels.c
// natively as the baseline.
package kernels

import _ "embed"

// Wasm is kernels.wasm, the kernels compiled to WebAssembly.
//
//go:embed kernels.wasm
var Wasm []byte

// Kernel is one exported function of Wasm and the call that benchmarks make.
type Kernel struct {
	// Name is the export name, also the C function's name.
	Name string
	// Arg is the argument benchmarks call it with, chosen so that one call
	// takes a few hundred milliseconds in terra's interpreter.
	Arg uint32
	// Want is the result for Arg as a WebAssembly runtime returns it: an
	// i32 zero-extended to 64 bits, an i64 as its bits. It was computed by
	// the native build of src/kernels.c and must be updated whenever a kernel
	// or its Arg changes.
	Want uint64
}

// All lists the kernels in the order benchmarks run them. Comments give
// what each stresses; src/kernels.c has the details.
var All = []Kernel{
	{Name: "fib", Arg: 32, Want: 0x213d05},                     // calls and returns
	{Name: "sieve", Arg: 4000000, Want: 0x7ec6d3bbe5},          // byte loads and stores, strided loops
	{Name: "matmul", Arg: 200, Want: 0xffffffffffed9130},       // f64 loads, multiplies and adds
	{Name: "nbody", Arg: 100000, Want: 0xffffffd8a20e1741},     // f64 arithmetic on struct fields, sqrt
	{Name: "sha256", Arg: 20000, Want: 0x91f3d8823e7072a1},     // i32 arithmetic, logic and rotates
	{Name: "quicksort", Arg: 200000, Want: 0xc5c5d50f8bbe3558}, // i32 compares, data-dependent branches
	{Name: "bytecode", Arg: 300000, Want: 0xa895bf27},          // br_table dispatch
	{Name: "fannkuch", Arg: 9, Want: 0x21b50000001e},           // small-array loads, stores and swaps
	{Name: "mandelbrot", Arg: 500, Want: 0x18432005d1d66},      // a tight f64 loop
	{Name: "memcopy", Arg: 100, Want: 0x62f6c2433c90128a},      // i64 copy loop, memory bandwidth
	{Name: "memfill", Arg: 200, Want: 0x4d7e43f9e809d2c},       // i64 store loop
	{Name: "strided", Arg: 30, Want: 0x64b723918e84efa1},       // loads and stores with little locality
	{Name: "indirect", Arg: 5000000, Want: 0x3b551a1c},         // call_indirect, unpredictable targets
}
