package main

import (
	"context"
	"fmt"
	"io"
	"math"
	"strconv"

	"github.com/terra-runtime/terra"
	"github.com/terra-runtime/terra/wasm"
)

// invoke calls the exported function name with args parsed per its
// parameter types and prints its results one per line. A reactor's
// _initialize runs first.
// A proc_exit ends the run with its code, as for _start.
func invoke(ctx context.Context, inst *terra.Instance, w *wasiInstance, name string, args []string, stdout, stderr io.Writer) int {
	f := inst.ExportedFunction(name)
	if f == nil {
		fmt.Fprintf(stderr, "terra-run: --invoke %s: the module exports no function %q\n", name, name)
		return exitError
	}
	typ := f.Type()
	cells, err := parseArgs(typ, args)
	if err != nil {
		fmt.Fprintf(stderr, "terra-run: --invoke %s %s: %v\n", name, typ, err)
		return exitUsage
	}
	if init := inst.ExportedFunction("_initialize"); init != nil && name != "_initialize" {
		if _, err := init.Call(ctx); err != nil {
			if c, ok := w.exitCode(err); ok {
				return guestExit(c)
			}
			if code, ok := trapExit(stderr, ctx, err); ok {
				return code
			}
			fmt.Fprintf(stderr, "terra-run: _initialize: %v\n", err)
			return exitError
		}
	}
	results, err := f.Call(ctx, cells...)
	if err != nil {
		if c, ok := w.exitCode(err); ok {
			return guestExit(c)
		}
		if code, ok := trapExit(stderr, ctx, err); ok {
			return code
		}
		fmt.Fprintf(stderr, "terra-run: %v\n", err)
		return exitError
	}
	for _, s := range formatResults(typ.Results, results) {
		fmt.Fprintln(stdout, s)
	}
	return 0
}

// parseArgs parses one argument per parameter: i32 and i64 as decimal
// integers (signed, or unsigned up to the type's width), f32 and f64 as
// decimal floats (inf, -inf and nan too).
func parseArgs(typ wasm.FuncType, args []string) ([]uint64, error) {
	if len(args) != len(typ.Params) {
		return nil, fmt.Errorf("want %d arguments, have %d", len(typ.Params), len(args))
	}
	cells := make([]uint64, 0, len(args))
	for i, t := range typ.Params {
		s := args[i]
		var c uint64
		switch t {
		case wasm.I32:
			if v, err := strconv.ParseInt(s, 10, 32); err == nil {
				c = uint64(uint32(int32(v)))
			} else if u, err := strconv.ParseUint(s, 10, 32); err == nil {
				c = u
			} else {
				return nil, fmt.Errorf("argument %d: %q is not an i32", i+1, s)
			}
		case wasm.I64:
			if v, err := strconv.ParseInt(s, 10, 64); err == nil {
				c = uint64(v)
			} else if u, err := strconv.ParseUint(s, 10, 64); err == nil {
				c = u
			} else {
				return nil, fmt.Errorf("argument %d: %q is not an i64", i+1, s)
			}
		case wasm.F32:
			v, err := strconv.ParseFloat(s, 32)
			if err != nil {
				return nil, fmt.Errorf("argument %d: %q is not an f32", i+1, s)
			}
			c = uint64(math.Float32bits(float32(v)))
		case wasm.F64:
			v, err := strconv.ParseFloat(s, 64)
			if err != nil {
				return nil, fmt.Errorf("argument %d: %q is not an f64", i+1, s)
			}
			c = math.Float64bits(v)
		default:
			return nil, fmt.Errorf("argument %d: cannot pass a %s from the command line", i+1, t)
		}
		cells = append(cells, c)
	}
	return cells, nil
}

// formatResults formats results: integers as signed decimals, floats in
// the shortest decimal form that reads back exactly, a v128 as 32 hex
// digits, references as null or their handle.
func formatResults(types []wasm.ValueType, cells []uint64) []string {
	var out []string
	for _, t := range types {
		if len(cells) == 0 {
			break
		}
		c := cells[0]
		cells = cells[1:]
		switch t {
		case wasm.I32:
			out = append(out, strconv.FormatInt(int64(int32(uint32(c))), 10))
		case wasm.I64:
			out = append(out, strconv.FormatInt(int64(c), 10))
		case wasm.F32:
			out = append(out, strconv.FormatFloat(float64(math.Float32frombits(uint32(c))), 'g', -1, 32))
		case wasm.F64:
			out = append(out, strconv.FormatFloat(math.Float64frombits(c), 'g', -1, 64))
		case wasm.V128:
			var hi uint64
			if len(cells) > 0 {
				hi = cells[0]
				cells = cells[1:]
			}
			out = append(out, fmt.Sprintf("0x%016x%016x", hi, c))
		default:
			if c == 0 {
				out = append(out, "null")
			} else {
				out = append(out, fmt.Sprintf("%s:0x%x", t, c))
			}
		}
	}
	return out
}
