package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"

	"github.com/terra-runtime/terra/bench/kernels"
)

// kind tells how a workload runs.
type kind string

const (
	// kindKernel is an export of bench/kernels' module, called with an i32
	// argument; it returns its checksum.
	kindKernel kind = "kernel"
	// kindProgram is a WASI command run through _start with its size as
	// argv[1]; it prints its checksum line to stdout.
	kindProgram kind = "program"
)

// workload is one row of the report.
type workload struct {
	// Name is the kernel's export name or the program's directory name
	// under bench/workloads.
	Name string
	Kind kind
	// Arg is the size or iteration count: the kernel's argument or the
	// program's argv[1].
	Arg uint32
	// Want is the kernel's expected result (kindKernel).
	Want uint64
	// WantOutput is the program's expected stdout (kindProgram).
	WantOutput string
	// Wasm is the module.
	Wasm []byte
}

// programs are the WASI programs of bench/workloads that take a size, with
// the arguments the report runs them at and the output they must print.
// The outputs come from running each program natively with go run (the Go
// programs) or in terra and wazero (hostcalls, whose checksum is 2N by
// construction).
var programs = []struct {
	name, want string
	arg        uint32
}{
	{"hostcalls", "hostcalls 1000000 checksum 2000000\n", 1000000},
	{"gojson", "gojson 50 checksum b00cca5264901109\n", 50},
	{"goregexp", "goregexp 500 checksum 185d361ac923b29a\n", 500},
	{"goflate", "goflate 128 checksum 2cf7836812d135a4\n", 128},
}

// loadWorkloads returns the kernels of bench/kernels followed by the
// programs, read from dir (bench/workloads).
func loadWorkloads(dir string) ([]workload, error) {
	var ws []workload
	for _, k := range kernels.All {
		ws = append(ws, workload{Name: k.Name, Kind: kindKernel, Arg: k.Arg, Want: k.Want, Wasm: kernels.Wasm})
	}
	for _, p := range programs {
		data, err := os.ReadFile(filepath.Join(dir, p.name, p.name+".wasm"))
		if err != nil {
			return nil, fmt.Errorf("workload %s: %w (run bench/workloads/build.sh?)", p.name, err)
		}
		ws = append(ws, workload{Name: p.name, Kind: kindProgram, Arg: p.arg, WantOutput: p.want, Wasm: data})
	}
	return ws, nil
}

// args returns the program's argv: its name, then its size.
func (w workload) args() []string {
	return []string{w.Name, strconv.FormatUint(uint64(w.Arg), 10)}
}
