package spectest

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/terra-runtime/terra/wasm"
)

// jv decodes one value as a script writes it.
func jv(t *testing.T, s string) jsonValue {
	t.Helper()
	var j jsonValue
	require.NoError(t, json.Unmarshal([]byte(s), &j))
	return j
}

func TestParseValue(t *testing.T) {
	for _, tc := range []struct {
		json string
		want Value
	}{
		{`{"type":"i32","value":"4294967295"}`, Value{Type: wasm.I32, Lo: 0xffffffff}},
		{`{"type":"i64","value":"18446744073709551615"}`, Value{Type: wasm.I64, Lo: 0xffffffffffffffff}},
		{`{"type":"f32","value":"2143289344"}`, Value{Type: wasm.F32, Lo: 0x7fc00000}},
		{`{"type":"f64","value":"9221120237041090560"}`, Value{Type: wasm.F64, Lo: 0x7ff8000000000000}},
		{`{"type":"v128","lane_type":"i8","value":["1","2","3","4","5","6","7","8","9","10","11","12","13","14","15","255"]}`,
			Value{Type: wasm.V128, Lo: 0x0807060504030201, Hi: 0xff0f0e0d0c0b0a09}},
		{`{"type":"v128","lane_type":"i16","value":["1","0","0","0","0","0","0","65535"]}`,
			Value{Type: wasm.V128, Lo: 1, Hi: 0xffff000000000000}},
		{`{"type":"v128","lane_type":"f32","value":["1065353216","0","0","2147483648"]}`,
			Value{Type: wasm.V128, Lo: 0x3f800000, Hi: 0x8000000000000000}},
		{`{"type":"v128","lane_type":"i64","value":["1","2"]}`, Value{Type: wasm.V128, Lo: 1, Hi: 2}},
		{`{"type":"funcref","value":"null"}`, Value{Type: wasm.FuncRef}},
		{`{"type":"externref","value":"null"}`, Value{Type: wasm.ExternRef}},
		{`{"type":"externref","value":"0"}`, HostRef(0)},
	} {
		got, err := parseValue(jv(t, tc.json))
		require.NoError(t, err, tc.json)
		require.Equal(t, tc.want, got, tc.json)
	}
}

func TestParseValueErrors(t *testing.T) {
	for _, s := range []string{
		`{"type":"i32","value":"4294967296"}`,    // does not fit
		`{"type":"i32","value":"-1"}`,            // bits are unsigned
		`{"type":"i8","value":"1"}`,              // no such type
		`{"type":"f32","value":"nan:canonical"}`, // a pattern, not a value
		`{"type":"i32","value":"nan:canonical"}`, // NaN classes are for floats
		`{"type":"f32"}`,                         // type only
		`{"type":"v128","lane_type":"i32","value":["1","2","3"]}`,
		`{"type":"v128","lane_type":"f32","value":["nan:arithmetic","0","0","0"]}`,
		`{"type":"v128","lane_type":"i8","value":"1"}`,
		`{"type":"funcref","value":"1"}`,
		`{"type":"externref","value":"x"}`,
	} {
		_, err := parseValue(jv(t, s))
		require.Error(t, err, s)
	}
}

func TestMatch(t *testing.T) {
	f32 := func(bits uint64) Value { return Value{Type: wasm.F32, Lo: bits} }
	f64 := func(bits uint64) Value { return Value{Type: wasm.F64, Lo: bits} }
	v128 := func(lo, hi uint64) Value { return Value{Type: wasm.V128, Lo: lo, Hi: hi} }
	for _, tc := range []struct {
		want    string
		matches []Value
		not     []Value
	}{
		{
			want:    `{"type":"i32","value":"4294967295"}`,
			matches: []Value{{Type: wasm.I32, Lo: 0xffffffff}},
			not: []Value{
				{Type: wasm.I32, Lo: 0x7fffffff},
				{Type: wasm.I64, Lo: 0xffffffff},         // same bits, other type
				{Type: wasm.I32, Lo: 0xffffffffffffffff}, // not zero-extended
			},
		},
		{
			want:    `{"type":"f32","value":"2147483648"}`, // -0
			matches: []Value{f32(0x80000000)},
			not:     []Value{f32(0), {Type: wasm.I32, Lo: 0x80000000}},
		},
		{
			want:    `{"type":"f32","value":"2143289344"}`, // a NaN, compared bit for bit
			matches: []Value{f32(0x7fc00000)},
			not:     []Value{f32(0xffc00000), f32(0x7fc00001)},
		},
		{
			want:    `{"type":"f32","value":"nan:canonical"}`,
			matches: []Value{f32(0x7fc00000), f32(0xffc00000)},
			not:     []Value{f32(0x7fc00001), f32(0x7fa00000), f32(0x7f800000), f32(0x3f800000), f32(0x7fc00000 | 1<<32), f64(0x7ff8000000000000)},
		},
		{
			want:    `{"type":"f32","value":"nan:arithmetic"}`,
			matches: []Value{f32(0x7fc00000), f32(0xffc00001), f32(0x7fffffff)},
			not:     []Value{f32(0x7fa00000), f32(0x7f800001), f32(0x7f800000), f32(0)},
		},
		{
			want:    `{"type":"f64","value":"nan:canonical"}`,
			matches: []Value{f64(0x7ff8000000000000), f64(0xfff8000000000000)},
			not:     []Value{f64(0x7ff8000000000001), f64(0x7ff4000000000000), f64(0x7ff0000000000000), f32(0x7fc00000)},
		},
		{
			want:    `{"type":"f64","value":"nan:arithmetic"}`,
			matches: []Value{f64(0x7ff8000000000000), f64(0xfffc000000000001)},
			not:     []Value{f64(0x7ff4000000000000), f64(0x7ff0000000000001), f64(0x7fc00000)},
		},
		{
			want:    `{"type":"v128","lane_type":"i32","value":["1","2","3","4294967295"]}`,
			matches: []Value{v128(0x0000000200000001, 0xffffffff00000003)},
			not:     []Value{v128(0x0000000200000001, 0xffffffff00000004), v128(0x0000000100000002, 0xffffffff00000003)},
		},
		{
			want: `{"type":"v128","lane_type":"f32","value":["nan:canonical","2147483648","nan:arithmetic","1065353216"]}`,
			matches: []Value{
				v128(0x800000007fc00000, 0x3f8000007fc00000),
				v128(0x80000000ffc00000, 0x3f800000ffffffff),
			},
			not: []Value{
				v128(0x000000007fc00000, 0x3f8000007fc00000), // lane 1 is +0, not -0
				v128(0x800000007fc00001, 0x3f8000007fc00000), // lane 0 not canonical
				v128(0x800000007fc00000, 0x3f8000007fa00000), // lane 2 not arithmetic
				v128(0x800000007fc00000, 0x3f8000017fc00000), // lane 3 differs
			},
		},
		{
			want:    `{"type":"v128","lane_type":"f64","value":["nan:arithmetic","nan:canonical"]}`,
			matches: []Value{v128(0x7ffc000000000000, 0xfff8000000000000)},
			not:     []Value{v128(0x7ffc000000000000, 0xfffc000000000000), v128(0x7ff4000000000000, 0x7ff8000000000000)},
		},
		{
			want:    `{"type":"v128","lane_type":"f64","value":["0","4607182418800017408"]}`,
			matches: []Value{v128(0, 0x3ff0000000000000)},
			not:     []Value{v128(0x8000000000000000, 0x3ff0000000000000)},
		},
		{
			want:    `{"type":"externref","value":"3"}`,
			matches: []Value{HostRef(3)},
			not:     []Value{HostRef(4), {Type: wasm.ExternRef}, {Type: wasm.FuncRef, Lo: HostRef(3).Lo}},
		},
		{
			want:    `{"type":"externref","value":"null"}`,
			matches: []Value{{Type: wasm.ExternRef}},
			not:     []Value{HostRef(0), {Type: wasm.FuncRef}},
		},
		{
			want:    `{"type":"funcref","value":"null"}`,
			matches: []Value{{Type: wasm.FuncRef}},
			not:     []Value{{Type: wasm.FuncRef, Lo: 5}, {Type: wasm.ExternRef}},
		},
		{
			want:    `{"type":"i64"}`, // type only
			matches: []Value{{Type: wasm.I64}, {Type: wasm.I64, Lo: 42}},
			not:     []Value{{Type: wasm.I32}},
		},
	} {
		e, err := parseExpected(jv(t, tc.want))
		require.NoError(t, err, tc.want)
		for _, v := range tc.matches {
			require.True(t, e.match(v), "%s should match %v", tc.want, v)
		}
		for _, v := range tc.not {
			require.False(t, e.match(v), "%s should not match %v", tc.want, v)
		}
	}
}

func TestHostRefsAreDistinct(t *testing.T) {
	require.Equal(t, HostRef(7), HostRef(7))
	require.NotEqual(t, HostRef(1), HostRef(2))
	require.NotZero(t, HostRef(0).Lo, "ref.extern 0 must not be null")
}
