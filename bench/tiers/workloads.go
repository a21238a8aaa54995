package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/terra-runtime/terra/bench/kernels"
)

// kind tells how a workload runs.
type kind string

const (
	// kindKernel is an export of bench/kernels' module, called with its
	// size; it returns its checksum.
	kindKernel kind = "kernel"
	// kindProgram is a WASI command run through _start with its size as
	// argv[1]; it prints its checksum line to stdout.
	kindProgram kind = "program"
)

// workload is one workload and the sizes it runs at.
type workload struct {
	// Name is the kernel's export name or the program's directory name
	// under bench/workloads.
	Name string
	Kind kind
	// Unit names what a size's Work counts, in the plural.
	Unit string
	// Module names the module, Wasm: kernels share one.
	Module string
	Wasm   []byte
	Sizes  []size
}

// size is one size of a workload and the result it must give.
type size struct {
	// Arg is the kernel's argument or the program's argv[1].
	Arg uint32
	// Work is the work of one call (one run of a program), in the
	// workload's Unit: the x axis of the charts.
	Work float64
	// Want is a kernel's result.
	Want uint64
	// Output is a program's standard output.
	Output string
}

// programLadder is a WASI program of bench/workloads and its sizes.
type programLadder struct {
	name, unit string
	// lang is the program's source language, "go" or "c".
	lang string
	// points map each size to the program's checksum there, computed by
	// running the program natively (go run ./bench/workloads/NAME N, or
	// NAME.c built with cc -O2); a test checks them (TestProgramLadders).
	points []programPoint
}

type programPoint struct {
	arg      uint32
	checksum string
}

// programLadders are the programs of bench/workloads that take a size.
// Their work is their argument. The Go programs' points double, up to about
// the size that bench/peers/report runs them at; each run also pays for the
// Go runtime's start-up, whatever the size. mainloop's quadruple, from a
// run of about 100 µs on the interpreter to one of a third of a second:
// its whole run is one call with one hot loop, which only on-stack
// replacement can move to machine code.
var programLadders = []programLadder{
	{"gojson", "JSON round trips", "go", []programPoint{
		{1, "a76e2e08399221c1"}, {2, "8e19ac6eb630c8bd"}, {4, "c2eef0dd7f5e9469"},
		{8, "4239dc97fc27aa35"}, {16, "2588d955a2c1a4d3"}, {32, "66461ad15c95552d"},
		{64, "eb288576de04eeb3"},
	}},
	{"goregexp", "log lines", "go", []programPoint{
		{4, "5904626ea1836e94"}, {8, "b1cfa1d9c2a7a0cd"}, {16, "21e79b7f981d08e1"},
		{32, "a64c808de04f76cf"}, {64, "b3223d41792170d2"}, {128, "494e5d851a48da1a"},
		{256, "26bddcc26cfd35d4"}, {512, "c62cacafe80fa7c2"},
	}},
	{"goflate", "KiB compressed", "go", []programPoint{
		{1, "3bf07ba71fefc9d3"}, {2, "5b4f38f405f90fa5"}, {4, "4d85c4833562dbd1"},
		{8, "46beada279f36a31"}, {16, "47f736fb38237257"}, {32, "54cad3fadf6d16c3"},
		{64, "ffdddd3d3ea490e2"}, {128, "2cf7836812d135a4"},
	}},
	{"mainloop", "loop iterations", "c", []programPoint{
		{256, "2dc2c3d04068bbf6"}, {1024, "f5d2cc7597e7c810"}, {4096, "5cbf67079f8d3326"},
		{16384, "97f89e5f8221bd96"}, {65536, "be8f5db5f052f5d2"}, {262144, "c18f1c865ea023dd"},
		{1048576, "bf0d63a101286290"}, {4194304, "d1e51b7f1e77ab20"},
	}},
}

// output is the line the program prints at size arg with checksum sum.
func (p programLadder) output(arg uint32, sum string) string {
	return fmt.Sprintf("%s %d checksum %s\n", p.name, arg, sum)
}

// kernelWorkloads returns the kernels of bench/kernels, in the order of
// kernels.All, with the sizes of their ladders.
func kernelWorkloads() []workload {
	var ws []workload
	for _, k := range kernels.All {
		l := kernels.Ladders[k.Name]
		w := workload{Name: k.Name, Kind: kindKernel, Unit: l.Unit, Module: "kernels.wasm", Wasm: kernels.Wasm}
		for _, p := range l.Points {
			w.Sizes = append(w.Sizes, size{Arg: p.Arg, Work: l.Work(p.Arg), Want: p.Want})
		}
		ws = append(ws, w)
	}
	return ws
}

// programWorkloads returns the programs of programLadders, read from dir
// (bench/workloads).
func programWorkloads(dir string) ([]workload, error) {
	var ws []workload
	for _, p := range programLadders {
		file := p.name + ".wasm"
		data, err := os.ReadFile(filepath.Join(dir, p.name, file))
		if err != nil {
			return nil, fmt.Errorf("workload %s: %w (run from the repository's root, or set -workloads)", p.name, err)
		}
		w := workload{Name: p.name, Kind: kindProgram, Unit: p.unit, Module: file, Wasm: data}
		for _, pt := range p.points {
			w.Sizes = append(w.Sizes, size{Arg: pt.arg, Work: float64(pt.arg), Output: p.output(pt.arg, pt.checksum)})
		}
		ws = append(ws, w)
	}
	return ws, nil
}
