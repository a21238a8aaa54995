package interp

import (
	"math"

	"github.com/terra-runtime/terra/internal/store"
	"github.com/terra-runtime/terra/wasm"
)

// quiet32 sets the quiet bit of a NaN: rounding instructions must return an
// arithmetic NaN even for a signalling input, which Go's math functions
// return unchanged.
func quiet32(x float32) float32 {
	if x != x {
		return math.Float32frombits(math.Float32bits(x) | 0x00400000)
	}
	return x
}

func quiet64(x float64) float64 {
	if x != x {
		return math.Float64frombits(math.Float64bits(x) | 1<<51)
	}
	return x
}

// fmin is WebAssembly's min: NaN if either operand is, and -0 below +0.
func fmin(x, y float64) float64 {
	switch {
	case x != x || y != y:
		return x + y // a quiet NaN, from whichever is NaN
	case x == 0 && y == 0:
		if math.Signbit(x) {
			return x
		}
		return y
	case x < y:
		return x
	}
	return y
}

// fmax is WebAssembly's max: NaN if either operand is, and +0 above -0.
func fmax(x, y float64) float64 {
	switch {
	case x != x || y != y:
		return x + y
	case x == 0 && y == 0:
		if math.Signbit(x) {
			return y
		}
		return x
	case x > y:
		return x
	}
	return y
}

// source reads the operand of a float-to-int conversion as a float64; the
// conversion from float32 is exact.
func source(op wasm.Opcode, x uint64) float64 {
	switch op {
	case wasm.OpI32TruncF32S, wasm.OpI32TruncF32U, wasm.OpI64TruncF32S, wasm.OpI64TruncF32U,
		wasm.OpI32TruncSatF32S, wasm.OpI32TruncSatF32U, wasm.OpI64TruncSatF32S, wasm.OpI64TruncSatF32U:
		return float64(f32(x))
	}
	return f64(x)
}

// truncTrap converts with the trapping instructions' range checks.
func truncTrap(op wasm.Opcode, x uint64) (uint64, store.TrapKind) {
	f := source(op, x)
	if f != f {
		return 0, store.TrapInvalidConversion
	}
	t := math.Trunc(f)
	switch op {
	case wasm.OpI32TruncF32S, wasm.OpI32TruncF64S:
		if t < -2147483648 || t > 2147483647 {
			return 0, store.TrapIntegerOverflow
		}
		return uint64(uint32(int32(t))), 0
	case wasm.OpI32TruncF32U, wasm.OpI32TruncF64U:
		if t < 0 || t > 4294967295 {
			return 0, store.TrapIntegerOverflow
		}
		return uint64(uint32(t)), 0
	case wasm.OpI64TruncF32S, wasm.OpI64TruncF64S:
		if t < -9223372036854775808 || t >= 9223372036854775808 {
			return 0, store.TrapIntegerOverflow
		}
		return uint64(int64(t)), 0
	default: // unsigned 64
		if t < 0 || t >= 18446744073709551616 {
			return 0, store.TrapIntegerOverflow
		}
		return truncU64(t), 0
	}
}

// truncU64 converts an integral float64 in [0, 2^64) to uint64; Go's
// conversion is only defined below 2^63.
func truncU64(t float64) uint64 {
	if t >= 9223372036854775808 {
		return uint64(int64(t-9223372036854775808)) | 1<<63
	}
	return uint64(int64(t))
}

// truncSat converts with saturation; sub is the 0xFC sub-opcode (0-7).
func truncSat(sub uint64, x uint64) uint64 {
	op := wasm.PrefixMisc | wasm.Opcode(sub)
	f := source(op, x)
	if f != f {
		return 0
	}
	t := math.Trunc(f)
	switch op {
	case wasm.OpI32TruncSatF32S, wasm.OpI32TruncSatF64S:
		return uint64(uint32(int32(math.Max(-2147483648, math.Min(2147483647, t)))))
	case wasm.OpI32TruncSatF32U, wasm.OpI32TruncSatF64U:
		return uint64(uint32(math.Max(0, math.Min(4294967295, t))))
	case wasm.OpI64TruncSatF32S, wasm.OpI64TruncSatF64S:
		switch {
		case t < -9223372036854775808:
			return 1 << 63
		case t >= 9223372036854775808:
			return math.MaxInt64
		}
		return uint64(int64(t))
	default:
		switch {
		case t < 0:
			return 0
		case t >= 18446744073709551616:
			return math.MaxUint64
		}
		return truncU64(t)
	}
}
