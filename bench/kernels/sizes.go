package kernels

import "math"

// Point is one argument of a kernel and the kernel's result there, as a
// WebAssembly runtime returns it (see Kernel.Want).
type Point struct {
	Arg  uint32
	Want uint64
}

// Ladder is a range of arguments of one kernel, for experiments across
// sizes: from a call that takes about a microsecond in terra's interpreter
// to one about as long as the kernel's benchmark argument (Kernel.Arg),
// each point about 2 or 4 times the work of the one before.
type Ladder struct {
	// Unit names what Work counts, in the plural: "recursive calls",
	// "blocks".
	Unit string
	// Work returns the work of a call with argument arg, in Unit: the
	// count of the kernel's inner steps, so that time against work is a
	// line of slope 1 on log-log axes once fixed costs no longer matter.
	// (memcopy, memfill and strided also initialise and sum their two
	// 2 MiB buffers on every call, about two rounds' worth of fixed work.)
	Work func(arg uint32) float64
	// Points are in increasing order. Their results were computed by the
	// native build of src/kernels.c (gcc -O2) and must be updated whenever
	// a kernel changes; bench/peers checks them against it.
	Points []Point
}

// Ladders maps each kernel of All to its ladder.
var Ladders = map[string]Ladder{
	"fib": {Unit: "recursive calls", Work: fibCalls, Points: []Point{
		{2, 0x1}, {5, 0x5}, {8, 0x15}, {11, 0x59}, {14, 0x179}, {17, 0x63d},
		{20, 0x1a6d}, {23, 0x6ff1}, {26, 0x1da31}, {29, 0x7d8b5}, {32, 0x213d05},
	}},
	"sieve": {Unit: "numbers", Work: linear, Points: []Point{
		{16, 0x29}, {64, 0x1f5}, {256, 0x17c1}, {1024, 0x1393d}, {4096, 0x10540b},
		{16384, 0xde8b41}, {65536, 0xc0eabd7}, {262144, 0xaaef666b}, {1048576, 0x995762efe},
		{4194304, 0x8afccb9494},
	}},
	"matmul": {Unit: "multiply-adds", Work: cube, Points: []Point{
		{2, 0xffffffffffffea10}, {3, 0xffffffffffffbe80}, {5, 0xffffffffffffc908},
		{8, 0xffffffffffffabf8}, {13, 0xfffffffffffebf08}, {20, 0xfffffffffffe4648},
		{32, 0xfffffffffffea5e0}, {50, 0xffffffffffffb9a8}, {80, 0xfffffffffff9c940},
		{128, 0xfffffffffff9c020}, {200, 0xffffffffffed9130},
	}},
	"nbody": {Unit: "steps", Work: linear, Points: []Point{
		{1, 0xffffffd8a258f0d7}, {4, 0xffffffd8a262a2ce}, {16, 0xffffffd8a28ab97e},
		{64, 0xffffffd8a33bbc12}, {256, 0xffffffd8a5c2e223}, {1024, 0xffffffd8a194c6de},
		{4096, 0xffffffd8a575fb43}, {16384, 0xffffffd8a1fc9d86}, {65536, 0xffffffd8a313180d},
	}},
	"sha256": {Unit: "blocks", Work: linear, Points: []Point{
		{1, 0xe1cf1d942ade5da4}, {4, 0x44714e48c046f9dc}, {16, 0x552c80b0780d27ef},
		{64, 0x50d801f8d5673d88}, {256, 0xd7a9ed1d7835ef49}, {1024, 0xbe05cd84283f94cc},
		{4096, 0x45ac76630313b68a}, {16384, 0x5d0507d7960c4409},
	}},
	"quicksort": {Unit: "elements", Work: linear, Points: []Point{
		{16, 0x89fcd8493}, {64, 0x15c07757f13}, {256, 0x14c98dcb5011}, {1024, 0x156376bdf6ee9},
		{4096, 0x14b01817231548}, {16384, 0x14c390876e2d473}, {65536, 0x151fb7e4aa862e19},
		{262144, 0x542d3991959d15d7},
	}},
	"bytecode": {Unit: "loop iterations", Work: linear, Points: []Point{
		{1, 0xbe3982e6}, {4, 0xcc95a5c3}, {16, 0x44b81b8f}, {64, 0xf34a3dc1}, {256, 0x22a12901},
		{1024, 0xdbe36c07}, {4096, 0xe212b003}, {16384, 0x20364003}, {65536, 0x12b001f},
		{262144, 0x1dac0001},
	}},
	"fannkuch": {Unit: "permutations", Work: factorial, Points: []Point{
		{3, 0x200000002}, {4, 0x400000004}, {5, 0xb00000007}, {6, 0x310000000a},
		{7, 0xe400000010}, {8, 0x65000000016}, {9, 0x21b50000001e},
	}},
	"mandelbrot": {Unit: "points", Work: square, Points: []Point{
		{1, 0x2}, {2, 0x20000006a}, {4, 0x9000001db}, {8, 0x1b00000659}, {16, 0x68000018b2},
		{32, 0x1a000006205}, {64, 0x65c00018559}, {128, 0x198000061988}, {256, 0x65b60018664d},
		{512, 0x196cc0061a097},
	}},
	"memcopy": {Unit: "copies of 2 MiB", Work: linear, Points: []Point{
		{1, 0xbdd5e9321f4bbb43}, {2, 0x1c36e2c8ab4f5c10}, {4, 0xca3399906996b42a},
		{8, 0x59b70423975a3ece}, {16, 0x192557dc31c15d56}, {32, 0xa981e9f5d6589b66},
		{64, 0x80549ad3265ffb86}, {128, 0x4b4165a79d314bc6},
	}},
	"memfill": {Unit: "fills of 2 MiB", Work: linear, Points: []Point{
		{1, 0x28977ebe42cb0303}, {2, 0x6c9b40b52ffb6c5d}, {4, 0x1c43e6726694a976},
		{8, 0xc8fb9ce7eb0690c}, {16, 0xbbb7e6e3ad35f418}, {32, 0xa2aa10611ecb7330},
		{64, 0xe09f2cc2a1ddb260}, {128, 0x1c67d528afaa1ec0}, {256, 0x2e6463734787e780},
	}},
	"strided": {Unit: "passes over 2 MiB", Work: linear, Points: []Point{
		{1, 0x641dcf7f78324750}, {2, 0x1892d4dea84e75d8}, {4, 0x7297c2b0ffe3ebe4},
		{8, 0xf0174fb0811eb36c}, {16, 0x695c261959d7556f}, {32, 0xa25e3e7c6d37253d},
	}},
	"indirect": {Unit: "indirect calls", Work: linear, Points: []Point{
		{1, 0x9e3779ba}, {4, 0xbeb79c76}, {16, 0x746dcce3}, {64, 0xb979c154}, {256, 0xfd3e3f45},
		{1024, 0x723e84f5}, {4096, 0xfa3878b6}, {16384, 0xc638a097}, {65536, 0xab77e1b9},
		{262144, 0x306f71e8}, {1048576, 0x4431cefd}, {4194304, 0x1cc20cb7},
	}},
}

// linear is the work of kernels whose argument counts their steps.
func linear(n uint32) float64 { return float64(n) }

// square is the work of mandelbrot: an n×n grid of points.
func square(n uint32) float64 { return float64(n) * float64(n) }

// cube is the work of matmul: n³ multiply-adds.
func cube(n uint32) float64 { return float64(n) * float64(n) * float64(n) }

// factorial is the work of fannkuch: the n! permutations of n elements.
func factorial(n uint32) float64 { return math.Gamma(float64(n) + 1) }

// fibCalls is the work of fib: the recursion makes 2·F(n+1) − 1 calls of
// fib_rec.
func fibCalls(n uint32) float64 {
	a, b := 0.0, 1.0 // F(0), F(1)
	for range n {
		a, b = b, a+b
	}
	return 2*b - 1
}
