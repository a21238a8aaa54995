package spectest

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/terra-runtime/terra/wasm"
)

// Value is a WebAssembly value crossing between the runner and a tier.
//
// Numbers travel as zero-extended bit patterns: i32 and f32 in the low 32
// bits of Lo, i64 and f64 in Lo, and v128 with bytes 0-7 in Lo and bytes
// 8-15 in Hi, both little-endian. A reference is an opaque handle in Lo,
// 0 meaning null. The runner makes externref handles (see HostRef) and a
// tier must hand them back unchanged; funcref handles are the tier's own.
type Value struct {
	Type   wasm.ValueType
	Lo, Hi uint64
}

// HostRef returns the externref that stands for the scripts' "ref.extern n".
// Equal n give equal references, distinct n distinct ones, and none is null.
func HostRef(n uint32) Value {
	return Value{Type: wasm.ExternRef, Lo: uint64(n) + 1}
}

// String formats v for failure messages, integers in the unsigned decimal
// the scripts use and floats as bit patterns followed by their value.
func (v Value) String() string {
	switch v.Type {
	case wasm.I32, wasm.I64:
		return fmt.Sprintf("%s:%d", v.Type, v.Lo)
	case wasm.F32:
		return fmt.Sprintf("f32:0x%08x (%g)", v.Lo, math.Float32frombits(uint32(v.Lo)))
	case wasm.F64:
		return fmt.Sprintf("f64:0x%016x (%g)", v.Lo, math.Float64frombits(v.Lo))
	case wasm.V128:
		return fmt.Sprintf("v128:0x%016x%016x", v.Hi, v.Lo)
	case wasm.FuncRef, wasm.ExternRef:
		switch {
		case v.Lo == 0:
			return v.Type.String() + ":null"
		case v.Type == wasm.ExternRef:
			return fmt.Sprintf("externref:ref.extern %d", v.Lo-1)
		}
		return fmt.Sprintf("funcref:0x%x", v.Lo)
	}
	return fmt.Sprintf("%s:0x%x:0x%x", v.Type, v.Hi, v.Lo)
}

// jsonValue is an argument or expected result as wast2json writes it.
// Value is a string, a list of lane strings for v128, or absent when only
// the type is given.
type jsonValue struct {
	Type     string          `json:"type"`
	LaneType string          `json:"lane_type"`
	Value    json.RawMessage `json:"value"`
}

var valueTypes = map[string]wasm.ValueType{
	"i32": wasm.I32, "i64": wasm.I64, "f32": wasm.F32, "f64": wasm.F64,
	"v128": wasm.V128, "funcref": wasm.FuncRef, "externref": wasm.ExternRef,
}

// nanClass is the set of bit patterns a float or float lane may take.
type nanClass uint8

const (
	exactBits     nanClass = iota // exactly the given bits
	canonicalNaN                  // a NaN whose payload is just the quiet bit, either sign
	arithmeticNaN                 // any NaN with the quiet bit set, either sign
)

// expected is the pattern a result must match.
type expected struct {
	value Value
	// anyValue is set when only the type is given, as for the results of
	// action and assert_trap commands.
	anyValue bool
	// laneBits is the float lane width (32 or 64) when a lane is a NaN class,
	// and 0 when value must match bit for bit. A scalar float is lane 0 of
	// a 128-bit value whose other lanes are zero.
	laneBits int
	nan      [4]nanClass
}

// parseValue parses an argument, which must be a concrete value.
func parseValue(j jsonValue) (Value, error) {
	e, err := parseExpected(j)
	if err != nil {
		return Value{}, err
	}
	if e.anyValue || e.laneBits != 0 {
		return Value{}, fmt.Errorf("argument %s is not a single value", e)
	}
	return e.value, nil
}

// parseExpected parses an expected result.
func parseExpected(j jsonValue) (expected, error) {
	t, ok := valueTypes[j.Type]
	if !ok {
		return expected{}, fmt.Errorf("unknown value type %q", j.Type)
	}
	e := expected{value: Value{Type: t}}
	if j.Value == nil {
		e.anyValue = true
		return e, nil
	}
	if t == wasm.V128 {
		return parseV128(j, e)
	}
	var s string
	if err := json.Unmarshal(j.Value, &s); err != nil {
		return e, fmt.Errorf("%s value %s: %w", j.Type, j.Value, err)
	}
	switch t {
	case wasm.FuncRef, wasm.ExternRef:
		if s == "null" {
			return e, nil
		}
		if t == wasm.FuncRef {
			return e, fmt.Errorf("funcref value %q: only null can be written", s)
		}
		n, err := strconv.ParseUint(s, 10, 32)
		if err != nil {
			return e, fmt.Errorf("externref value: %w", err)
		}
		e.value = HostRef(uint32(n))
		return e, nil
	}
	bits := 32
	if t == wasm.I64 || t == wasm.F64 {
		bits = 64
	}
	lane, class, err := parseLane(s, bits, t == wasm.F32 || t == wasm.F64)
	if err != nil {
		return e, fmt.Errorf("%s value: %w", j.Type, err)
	}
	e.value.Lo = lane
	if class != exactBits {
		e.laneBits, e.nan[0] = bits, class
	}
	return e, nil
}

// v128Lanes maps a lane type to its width in bits and whether it is a float.
var v128Lanes = map[string]struct {
	bits  int
	float bool
}{
	"i8": {8, false}, "i16": {16, false}, "i32": {32, false}, "i64": {64, false},
	"f32": {32, true}, "f64": {64, true},
}

func parseV128(j jsonValue, e expected) (expected, error) {
	shape, ok := v128Lanes[j.LaneType]
	if !ok {
		return e, fmt.Errorf("v128 lane type %q unknown", j.LaneType)
	}
	var lanes []string
	if err := json.Unmarshal(j.Value, &lanes); err != nil {
		return e, fmt.Errorf("v128 value %s: %w", j.Value, err)
	}
	if len(lanes)*shape.bits != 128 {
		return e, fmt.Errorf("v128 value has %d %s lanes", len(lanes), j.LaneType)
	}
	for i, s := range lanes {
		lane, class, err := parseLane(s, shape.bits, shape.float)
		if err != nil {
			return e, fmt.Errorf("v128 lane %d: %w", i, err)
		}
		if off := i * shape.bits; off < 64 {
			e.value.Lo |= lane << off
		} else {
			e.value.Hi |= lane << (off - 64)
		}
		if class != exactBits {
			e.laneBits, e.nan[i] = shape.bits, class
		}
	}
	return e, nil
}

// parseLane parses the unsigned decimal bits of a number of the given width,
// or, for floats, a NaN class.
func parseLane(s string, bits int, float bool) (uint64, nanClass, error) {
	if float {
		switch s {
		case "nan:canonical":
			return 0, canonicalNaN, nil
		case "nan:arithmetic":
			return 0, arithmeticNaN, nil
		}
	}
	n, err := strconv.ParseUint(s, 10, bits)
	return n, exactBits, err
}

// match reports whether v matches the pattern.
func (e expected) match(v Value) bool {
	switch {
	case v.Type != e.value.Type:
		return false
	case e.anyValue:
		return true
	case e.laneBits == 0:
		return v.Lo == e.value.Lo && v.Hi == e.value.Hi
	}
	for i := range 128 / e.laneBits {
		got := lane(v, i, e.laneBits)
		switch e.nan[i] {
		case canonicalNaN:
			if !isNaN(got, e.laneBits, true) {
				return false
			}
		case arithmeticNaN:
			if !isNaN(got, e.laneBits, false) {
				return false
			}
		default:
			if got != lane(e.value, i, e.laneBits) {
				return false
			}
		}
	}
	return true
}

// lane returns lane i of width bits (32 or 64) of v's 128 bits.
func lane(v Value, i, bits int) uint64 {
	w := v.Lo
	if off := i * bits; off >= 64 {
		w = v.Hi
	}
	if bits == 64 {
		return w
	}
	return (w >> (i * bits % 64)) & math.MaxUint32
}

// isNaN reports whether the float of width bits is a NaN with the quiet
// bit set and, if canonical, no other payload bit.
func isNaN(f uint64, bits int, canonical bool) bool {
	quiet, magnitude := uint64(0x7fc00000), uint64(math.MaxInt32)
	if bits == 64 {
		quiet, magnitude = 0x7ff8000000000000, math.MaxInt64
	}
	if canonical {
		return f&magnitude == quiet
	}
	return f&quiet == quiet
}

// String formats the pattern for failure messages.
func (e expected) String() string {
	switch {
	case e.anyValue:
		return e.value.Type.String()
	case e.laneBits == 0:
		return e.value.String()
	case e.value.Type != wasm.V128:
		return e.value.Type.String() + ":" + e.nan[0].String()
	}
	lanes := make([]string, 128/e.laneBits)
	for i := range lanes {
		if e.nan[i] == exactBits {
			lanes[i] = fmt.Sprintf("0x%x", lane(e.value, i, e.laneBits))
		} else {
			lanes[i] = e.nan[i].String()
		}
	}
	return fmt.Sprintf("v128:f%dx%d[%s]", e.laneBits, len(lanes), strings.Join(lanes, " "))
}

func (c nanClass) String() string {
	switch c {
	case canonicalNaN:
		return "nan:canonical"
	case arithmeticNaN:
		return "nan:arithmetic"
	}
	return "bits"
}
