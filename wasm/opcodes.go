package wasm

// Opcode identifies an instruction. Single-byte opcodes are their own value;
// 0xFC-prefixed ones are 0xFC00|sub and 0xFD-prefixed (SIMD) ones 0xFD00|sub.
type Opcode uint16

// Prefixes of multi-byte opcodes.
const (
	PrefixMisc Opcode = 0xFC00
	PrefixSIMD Opcode = 0xFD00
)

// Instruction opcodes.
const (
	OpUnreachable               Opcode = 0x0000 // unreachable
	OpNop                       Opcode = 0x0001 // nop
	OpBlock                     Opcode = 0x0002 // block
	OpLoop                      Opcode = 0x0003 // loop
	OpIf                        Opcode = 0x0004 // if
	OpElse                      Opcode = 0x0005 // else
	OpEnd                       Opcode = 0x000B // end
	OpBr                        Opcode = 0x000C // br
	OpBrIf                      Opcode = 0x000D // br_if
	OpBrTable                   Opcode = 0x000E // br_table
	OpReturn                    Opcode = 0x000F // return
	OpCall                      Opcode = 0x0010 // call
	OpCallIndirect              Opcode = 0x0011 // call_indirect
	OpDrop                      Opcode = 0x001A // drop
	OpSelect                    Opcode = 0x001B // select
	OpSelectT                   Opcode = 0x001C // select (typed)
	OpLocalGet                  Opcode = 0x0020 // local.get
	OpLocalSet                  Opcode = 0x0021 // local.set
	OpLocalTee                  Opcode = 0x0022 // local.tee
	OpGlobalGet                 Opcode = 0x0023 // global.get
	OpGlobalSet                 Opcode = 0x0024 // global.set
	OpTableGet                  Opcode = 0x0025 // table.get
	OpTableSet                  Opcode = 0x0026 // table.set
	OpI32Load                   Opcode = 0x0028 // i32.load
	OpI64Load                   Opcode = 0x0029 // i64.load
	OpF32Load                   Opcode = 0x002A // f32.load
	OpF64Load                   Opcode = 0x002B // f64.load
	OpI32Load8S                 Opcode = 0x002C // i32.load8_s
	OpI32Load8U                 Opcode = 0x002D // i32.load8_u
	OpI32Load16S                Opcode = 0x002E // i32.load16_s
	OpI32Load16U                Opcode = 0x002F // i32.load16_u
	OpI64Load8S                 Opcode = 0x0030 // i64.load8_s
	OpI64Load8U                 Opcode = 0x0031 // i64.load8_u
	OpI64Load16S                Opcode = 0x0032 // i64.load16_s
	OpI64Load16U                Opcode = 0x0033 // i64.load16_u
	OpI64Load32S                Opcode = 0x0034 // i64.load32_s
	OpI64Load32U                Opcode = 0x0035 // i64.load32_u
	OpI32Store                  Opcode = 0x0036 // i32.store
	OpI64Store                  Opcode = 0x0037 // i64.store
	OpF32Store                  Opcode = 0x0038 // f32.store
	OpF64Store                  Opcode = 0x0039 // f64.store
	OpI32Store8                 Opcode = 0x003A // i32.store8
	OpI32Store16                Opcode = 0x003B // i32.store16
	OpI64Store8                 Opcode = 0x003C // i64.store8
	OpI64Store16                Opcode = 0x003D // i64.store16
	OpI64Store32                Opcode = 0x003E // i64.store32
	OpMemorySize                Opcode = 0x003F // memory.size
	OpMemoryGrow                Opcode = 0x0040 // memory.grow
	OpI32Const                  Opcode = 0x0041 // i32.const
	OpI64Const                  Opcode = 0x0042 // i64.const
	OpF32Const                  Opcode = 0x0043 // f32.const
	OpF64Const                  Opcode = 0x0044 // f64.const
	OpI32Eqz                    Opcode = 0x0045 // i32.eqz
	OpI32Eq                     Opcode = 0x0046 // i32.eq
	OpI32Ne                     Opcode = 0x0047 // i32.ne
	OpI32LtS                    Opcode = 0x0048 // i32.lt_s
	OpI32LtU                    Opcode = 0x0049 // i32.lt_u
	OpI32GtS                    Opcode = 0x004A // i32.gt_s
	OpI32GtU                    Opcode = 0x004B // i32.gt_u
	OpI32LeS                    Opcode = 0x004C // i32.le_s
	OpI32LeU                    Opcode = 0x004D // i32.le_u
	OpI32GeS                    Opcode = 0x004E // i32.ge_s
	OpI32GeU                    Opcode = 0x004F // i32.ge_u
	OpI64Eqz                    Opcode = 0x0050 // i64.eqz
	OpI64Eq                     Opcode = 0x0051 // i64.eq
	OpI64Ne                     Opcode = 0x0052 // i64.ne
	OpI64LtS                    Opcode = 0x0053 // i64.lt_s
	OpI64LtU                    Opcode = 0x0054 // i64.lt_u
	OpI64GtS                    Opcode = 0x0055 // i64.gt_s
	OpI64GtU                    Opcode = 0x0056 // i64.gt_u
	OpI64LeS                    Opcode = 0x0057 // i64.le_s
	OpI64LeU                    Opcode = 0x0058 // i64.le_u
	OpI64GeS                    Opcode = 0x0059 // i64.ge_s
	OpI64GeU                    Opcode = 0x005A // i64.ge_u
	OpF32Eq                     Opcode = 0x005B // f32.eq
	OpF32Ne                     Opcode = 0x005C // f32.ne
	OpF32Lt                     Opcode = 0x005D // f32.lt
	OpF32Gt                     Opcode = 0x005E // f32.gt
	OpF32Le                     Opcode = 0x005F // f32.le
	OpF32Ge                     Opcode = 0x0060 // f32.ge
	OpF64Eq                     Opcode = 0x0061 // f64.eq
	OpF64Ne                     Opcode = 0x0062 // f64.ne
	OpF64Lt                     Opcode = 0x0063 // f64.lt
	OpF64Gt                     Opcode = 0x0064 // f64.gt
	OpF64Le                     Opcode = 0x0065 // f64.le
	OpF64Ge                     Opcode = 0x0066 // f64.ge
	OpI32Clz                    Opcode = 0x0067 // i32.clz
	OpI32Ctz                    Opcode = 0x0068 // i32.ctz
	OpI32Popcnt                 Opcode = 0x0069 // i32.popcnt
	OpI32Add                    Opcode = 0x006A // i32.add
	OpI32Sub                    Opcode = 0x006B // i32.sub
	OpI32Mul                    Opcode = 0x006C // i32.mul
	OpI32DivS                   Opcode = 0x006D // i32.div_s
	OpI32DivU                   Opcode = 0x006E // i32.div_u
	OpI32RemS                   Opcode = 0x006F // i32.rem_s
	OpI32RemU                   Opcode = 0x0070 // i32.rem_u
	OpI32And                    Opcode = 0x0071 // i32.and
	OpI32Or                     Opcode = 0x0072 // i32.or
	OpI32Xor                    Opcode = 0x0073 // i32.xor
	OpI32Shl                    Opcode = 0x0074 // i32.shl
	OpI32ShrS                   Opcode = 0x0075 // i32.shr_s
	OpI32ShrU                   Opcode = 0x0076 // i32.shr_u
	OpI32Rotl                   Opcode = 0x0077 // i32.rotl
	OpI32Rotr                   Opcode = 0x0078 // i32.rotr
	OpI64Clz                    Opcode = 0x0079 // i64.clz
	OpI64Ctz                    Opcode = 0x007A // i64.ctz
	OpI64Popcnt                 Opcode = 0x007B // i64.popcnt
	OpI64Add                    Opcode = 0x007C // i64.add
	OpI64Sub                    Opcode = 0x007D // i64.sub
	OpI64Mul                    Opcode = 0x007E // i64.mul
	OpI64DivS                   Opcode = 0x007F // i64.div_s
	OpI64DivU                   Opcode = 0x0080 // i64.div_u
	OpI64RemS                   Opcode = 0x0081 // i64.rem_s
	OpI64RemU                   Opcode = 0x0082 // i64.rem_u
	OpI64And                    Opcode = 0x0083 // i64.and
	OpI64Or                     Opcode = 0x0084 // i64.or
	OpI64Xor                    Opcode = 0x0085 // i64.xor
	OpI64Shl                    Opcode = 0x0086 // i64.shl
	OpI64ShrS                   Opcode = 0x0087 // i64.shr_s
	OpI64ShrU                   Opcode = 0x0088 // i64.shr_u
	OpI64Rotl                   Opcode = 0x0089 // i64.rotl
	OpI64Rotr                   Opcode = 0x008A // i64.rotr
	OpF32Abs                    Opcode = 0x008B // f32.abs
	OpF32Neg                    Opcode = 0x008C // f32.neg
	OpF32Ceil                   Opcode = 0x008D // f32.ceil
	OpF32Floor                  Opcode = 0x008E // f32.floor
	OpF32Trunc                  Opcode = 0x008F // f32.trunc
	OpF32Nearest                Opcode = 0x0090 // f32.nearest
	OpF32Sqrt                   Opcode = 0x0091 // f32.sqrt
	OpF32Add                    Opcode = 0x0092 // f32.add
	OpF32Sub                    Opcode = 0x0093 // f32.sub
	OpF32Mul                    Opcode = 0x0094 // f32.mul
	OpF32Div                    Opcode = 0x0095 // f32.div
	OpF32Min                    Opcode = 0x0096 // f32.min
	OpF32Max                    Opcode = 0x0097 // f32.max
	OpF32Copysign               Opcode = 0x0098 // f32.copysign
	OpF64Abs                    Opcode = 0x0099 // f64.abs
	OpF64Neg                    Opcode = 0x009A // f64.neg
	OpF64Ceil                   Opcode = 0x009B // f64.ceil
	OpF64Floor                  Opcode = 0x009C // f64.floor
	OpF64Trunc                  Opcode = 0x009D // f64.trunc
	OpF64Nearest                Opcode = 0x009E // f64.nearest
	OpF64Sqrt                   Opcode = 0x009F // f64.sqrt
	OpF64Add                    Opcode = 0x00A0 // f64.add
	OpF64Sub                    Opcode = 0x00A1 // f64.sub
	OpF64Mul                    Opcode = 0x00A2 // f64.mul
	OpF64Div                    Opcode = 0x00A3 // f64.div
	OpF64Min                    Opcode = 0x00A4 // f64.min
	OpF64Max                    Opcode = 0x00A5 // f64.max
	OpF64Copysign               Opcode = 0x00A6 // f64.copysign
	OpI32WrapI64                Opcode = 0x00A7 // i32.wrap_i64
	OpI32TruncF32S              Opcode = 0x00A8 // i32.trunc_f32_s
	OpI32TruncF32U              Opcode = 0x00A9 // i32.trunc_f32_u
	OpI32TruncF64S              Opcode = 0x00AA // i32.trunc_f64_s
	OpI32TruncF64U              Opcode = 0x00AB // i32.trunc_f64_u
	OpI64ExtendI32S             Opcode = 0x00AC // i64.extend_i32_s
	OpI64ExtendI32U             Opcode = 0x00AD // i64.extend_i32_u
	OpI64TruncF32S              Opcode = 0x00AE // i64.trunc_f32_s
	OpI64TruncF32U              Opcode = 0x00AF // i64.trunc_f32_u
	OpI64TruncF64S              Opcode = 0x00B0 // i64.trunc_f64_s
	OpI64TruncF64U              Opcode = 0x00B1 // i64.trunc_f64_u
	OpF32ConvertI32S            Opcode = 0x00B2 // f32.convert_i32_s
	OpF32ConvertI32U            Opcode = 0x00B3 // f32.convert_i32_u
	OpF32ConvertI64S            Opcode = 0x00B4 // f32.convert_i64_s
	OpF32ConvertI64U            Opcode = 0x00B5 // f32.convert_i64_u
	OpF32DemoteF64              Opcode = 0x00B6 // f32.demote_f64
	OpF64ConvertI32S            Opcode = 0x00B7 // f64.convert_i32_s
	OpF64ConvertI32U            Opcode = 0x00B8 // f64.convert_i32_u
	OpF64ConvertI64S            Opcode = 0x00B9 // f64.convert_i64_s
	OpF64ConvertI64U            Opcode = 0x00BA // f64.convert_i64_u
	OpF64PromoteF32             Opcode = 0x00BB // f64.promote_f32
	OpI32ReinterpretF32         Opcode = 0x00BC // i32.reinterpret_f32
	OpI64ReinterpretF64         Opcode = 0x00BD // i64.reinterpret_f64
	OpF32ReinterpretI32         Opcode = 0x00BE // f32.reinterpret_i32
	OpF64ReinterpretI64         Opcode = 0x00BF // f64.reinterpret_i64
	OpI32Extend8S               Opcode = 0x00C0 // i32.extend8_s
	OpI32Extend16S              Opcode = 0x00C1 // i32.extend16_s
	OpI64Extend8S               Opcode = 0x00C2 // i64.extend8_s
	OpI64Extend16S              Opcode = 0x00C3 // i64.extend16_s
	OpI64Extend32S              Opcode = 0x00C4 // i64.extend32_s
	OpRefNull                   Opcode = 0x00D0 // ref.null
	OpRefIsNull                 Opcode = 0x00D1 // ref.is_null
	OpRefFunc                   Opcode = 0x00D2 // ref.func
	OpI32TruncSatF32S           Opcode = 0xFC00 // i32.trunc_sat_f32_s
	OpI32TruncSatF32U           Opcode = 0xFC01 // i32.trunc_sat_f32_u
	OpI32TruncSatF64S           Opcode = 0xFC02 // i32.trunc_sat_f64_s
	OpI32TruncSatF64U           Opcode = 0xFC03 // i32.trunc_sat_f64_u
	OpI64TruncSatF32S           Opcode = 0xFC04 // i64.trunc_sat_f32_s
	OpI64TruncSatF32U           Opcode = 0xFC05 // i64.trunc_sat_f32_u
	OpI64TruncSatF64S           Opcode = 0xFC06 // i64.trunc_sat_f64_s
	OpI64TruncSatF64U           Opcode = 0xFC07 // i64.trunc_sat_f64_u
	OpMemoryInit                Opcode = 0xFC08 // memory.init
	OpDataDrop                  Opcode = 0xFC09 // data.drop
	OpMemoryCopy                Opcode = 0xFC0A // memory.copy
	OpMemoryFill                Opcode = 0xFC0B // memory.fill
	OpTableInit                 Opcode = 0xFC0C // table.init
	OpElemDrop                  Opcode = 0xFC0D // elem.drop
	OpTableCopy                 Opcode = 0xFC0E // table.copy
	OpTableGrow                 Opcode = 0xFC0F // table.grow
	OpTableSize                 Opcode = 0xFC10 // table.size
	OpTableFill                 Opcode = 0xFC11 // table.fill
	OpV128Load                  Opcode = 0xFD00 // v128.load
	OpV128Load8x8S              Opcode = 0xFD01 // v128.load8x8_s
	OpV128Load8x8U              Opcode = 0xFD02 // v128.load8x8_u
	OpV128Load16x4S             Opcode = 0xFD03 // v128.load16x4_s
	OpV128Load16x4U             Opcode = 0xFD04 // v128.load16x4_u
	OpV128Load32x2S             Opcode = 0xFD05 // v128.load32x2_s
	OpV128Load32x2U             Opcode = 0xFD06 // v128.load32x2_u
	OpV128Load8Splat            Opcode = 0xFD07 // v128.load8_splat
	OpV128Load16Splat           Opcode = 0xFD08 // v128.load16_splat
	OpV128Load32Splat           Opcode = 0xFD09 // v128.load32_splat
	OpV128Load64Splat           Opcode = 0xFD0A // v128.load64_splat
	OpV128Store                 Opcode = 0xFD0B // v128.store
	OpV128Const                 Opcode = 0xFD0C // v128.const
	OpI8x16Shuffle              Opcode = 0xFD0D // i8x16.shuffle
	OpI8x16Swizzle              Opcode = 0xFD0E // i8x16.swizzle
	OpI8x16Splat                Opcode = 0xFD0F // i8x16.splat
	OpI16x8Splat                Opcode = 0xFD10 // i16x8.splat
	OpI32x4Splat                Opcode = 0xFD11 // i32x4.splat
	OpI64x2Splat                Opcode = 0xFD12 // i64x2.splat
	OpF32x4Splat                Opcode = 0xFD13 // f32x4.splat
	OpF64x2Splat                Opcode = 0xFD14 // f64x2.splat
	OpI8x16ExtractLaneS         Opcode = 0xFD15 // i8x16.extract_lane_s
	OpI8x16ExtractLaneU         Opcode = 0xFD16 // i8x16.extract_lane_u
	OpI8x16ReplaceLane          Opcode = 0xFD17 // i8x16.replace_lane
	OpI16x8ExtractLaneS         Opcode = 0xFD18 // i16x8.extract_lane_s
	OpI16x8ExtractLaneU         Opcode = 0xFD19 // i16x8.extract_lane_u
	OpI16x8ReplaceLane          Opcode = 0xFD1A // i16x8.replace_lane
	OpI32x4ExtractLane          Opcode = 0xFD1B // i32x4.extract_lane
	OpI32x4ReplaceLane          Opcode = 0xFD1C // i32x4.replace_lane
	OpI64x2ExtractLane          Opcode = 0xFD1D // i64x2.extract_lane
	OpI64x2ReplaceLane          Opcode = 0xFD1E // i64x2.replace_lane
	OpF32x4ExtractLane          Opcode = 0xFD1F // f32x4.extract_lane
	OpF32x4ReplaceLane          Opcode = 0xFD20 // f32x4.replace_lane
	OpF64x2ExtractLane          Opcode = 0xFD21 // f64x2.extract_lane
	OpF64x2ReplaceLane          Opcode = 0xFD22 // f64x2.replace_lane
	OpI8x16Eq                   Opcode = 0xFD23 // i8x16.eq
	OpI8x16Ne                   Opcode = 0xFD24 // i8x16.ne
	OpI8x16LtS                  Opcode = 0xFD25 // i8x16.lt_s
	OpI8x16LtU                  Opcode = 0xFD26 // i8x16.lt_u
	OpI8x16GtS                  Opcode = 0xFD27 // i8x16.gt_s
	OpI8x16GtU                  Opcode = 0xFD28 // i8x16.gt_u
	OpI8x16LeS                  Opcode = 0xFD29 // i8x16.le_s
	OpI8x16LeU                  Opcode = 0xFD2A // i8x16.le_u
	OpI8x16GeS                  Opcode = 0xFD2B // i8x16.ge_s
	OpI8x16GeU                  Opcode = 0xFD2C // i8x16.ge_u
	OpI16x8Eq                   Opcode = 0xFD2D // i16x8.eq
	OpI16x8Ne                   Opcode = 0xFD2E // i16x8.ne
	OpI16x8LtS                  Opcode = 0xFD2F // i16x8.lt_s
	OpI16x8LtU                  Opcode = 0xFD30 // i16x8.lt_u
	OpI16x8GtS                  Opcode = 0xFD31 // i16x8.gt_s
	OpI16x8GtU                  Opcode = 0xFD32 // i16x8.gt_u
	OpI16x8LeS                  Opcode = 0xFD33 // i16x8.le_s
	OpI16x8LeU                  Opcode = 0xFD34 // i16x8.le_u
	OpI16x8GeS                  Opcode = 0xFD35 // i16x8.ge_s
	OpI16x8GeU                  Opcode = 0xFD36 // i16x8.ge_u
	OpI32x4Eq                   Opcode = 0xFD37 // i32x4.eq
	OpI32x4Ne                   Opcode = 0xFD38 // i32x4.ne
	OpI32x4LtS                  Opcode = 0xFD39 // i32x4.lt_s
	OpI32x4LtU                  Opcode = 0xFD3A // i32x4.lt_u
	OpI32x4GtS                  Opcode = 0xFD3B // i32x4.gt_s
	OpI32x4GtU                  Opcode = 0xFD3C // i32x4.gt_u
	OpI32x4LeS                  Opcode = 0xFD3D // i32x4.le_s
	OpI32x4LeU                  Opcode = 0xFD3E // i32x4.le_u
	OpI32x4GeS                  Opcode = 0xFD3F // i32x4.ge_s
	OpI32x4GeU                  Opcode = 0xFD40 // i32x4.ge_u
	OpF32x4Eq                   Opcode = 0xFD41 // f32x4.eq
	OpF32x4Ne                   Opcode = 0xFD42 // f32x4.ne
	OpF32x4Lt                   Opcode = 0xFD43 // f32x4.lt
	OpF32x4Gt                   Opcode = 0xFD44 // f32x4.gt
	OpF32x4Le                   Opcode = 0xFD45 // f32x4.le
	OpF32x4Ge                   Opcode = 0xFD46 // f32x4.ge
	OpF64x2Eq                   Opcode = 0xFD47 // f64x2.eq
	OpF64x2Ne                   Opcode = 0xFD48 // f64x2.ne
	OpF64x2Lt                   Opcode = 0xFD49 // f64x2.lt
	OpF64x2Gt                   Opcode = 0xFD4A // f64x2.gt
	OpF64x2Le                   Opcode = 0xFD4B // f64x2.le
	OpF64x2Ge                   Opcode = 0xFD4C // f64x2.ge
	OpV128Not                   Opcode = 0xFD4D // v128.not
	OpV128And                   Opcode = 0xFD4E // v128.and
	OpV128Andnot                Opcode = 0xFD4F // v128.andnot
	OpV128Or                    Opcode = 0xFD50 // v128.or
	OpV128Xor                   Opcode = 0xFD51 // v128.xor
	OpV128Bitselect             Opcode = 0xFD52 // v128.bitselect
	OpV128AnyTrue               Opcode = 0xFD53 // v128.any_true
	OpV128Load8Lane             Opcode = 0xFD54 // v128.load8_lane
	OpV128Load16Lane            Opcode = 0xFD55 // v128.load16_lane
	OpV128Load32Lane            Opcode = 0xFD56 // v128.load32_lane
	OpV128Load64Lane            Opcode = 0xFD57 // v128.load64_lane
	OpV128Store8Lane            Opcode = 0xFD58 // v128.store8_lane
	OpV128Store16Lane           Opcode = 0xFD59 // v128.store16_lane
	OpV128Store32Lane           Opcode = 0xFD5A // v128.store32_lane
	OpV128Store64Lane           Opcode = 0xFD5B // v128.store64_lane
	OpV128Load32Zero            Opcode = 0xFD5C // v128.load32_zero
	OpV128Load64Zero            Opcode = 0xFD5D // v128.load64_zero
	OpF32x4DemoteF64x2Zero      Opcode = 0xFD5E // f32x4.demote_f64x2_zero
	OpF64x2PromoteLowF32x4      Opcode = 0xFD5F // f64x2.promote_low_f32x4
	OpI8x16Abs                  Opcode = 0xFD60 // i8x16.abs
	OpI8x16Neg                  Opcode = 0xFD61 // i8x16.neg
	OpI8x16Popcnt               Opcode = 0xFD62 // i8x16.popcnt
	OpI8x16AllTrue              Opcode = 0xFD63 // i8x16.all_true
	OpI8x16Bitmask              Opcode = 0xFD64 // i8x16.bitmask
	OpI8x16NarrowI16x8S         Opcode = 0xFD65 // i8x16.narrow_i16x8_s
	OpI8x16NarrowI16x8U         Opcode = 0xFD66 // i8x16.narrow_i16x8_u
	OpF32x4Ceil                 Opcode = 0xFD67 // f32x4.ceil
	OpF32x4Floor                Opcode = 0xFD68 // f32x4.floor
	OpF32x4Trunc                Opcode = 0xFD69 // f32x4.trunc
	OpF32x4Nearest              Opcode = 0xFD6A // f32x4.nearest
	OpI8x16Shl                  Opcode = 0xFD6B // i8x16.shl
	OpI8x16ShrS                 Opcode = 0xFD6C // i8x16.shr_s
	OpI8x16ShrU                 Opcode = 0xFD6D // i8x16.shr_u
	OpI8x16Add                  Opcode = 0xFD6E // i8x16.add
	OpI8x16AddSatS              Opcode = 0xFD6F // i8x16.add_sat_s
	OpI8x16AddSatU              Opcode = 0xFD70 // i8x16.add_sat_u
	OpI8x16Sub                  Opcode = 0xFD71 // i8x16.sub
	OpI8x16SubSatS              Opcode = 0xFD72 // i8x16.sub_sat_s
	OpI8x16SubSatU              Opcode = 0xFD73 // i8x16.sub_sat_u
	OpF64x2Ceil                 Opcode = 0xFD74 // f64x2.ceil
	OpF64x2Floor                Opcode = 0xFD75 // f64x2.floor
	OpI8x16MinS                 Opcode = 0xFD76 // i8x16.min_s
	OpI8x16MinU                 Opcode = 0xFD77 // i8x16.min_u
	OpI8x16MaxS                 Opcode = 0xFD78 // i8x16.max_s
	OpI8x16MaxU                 Opcode = 0xFD79 // i8x16.max_u
	OpF64x2Trunc                Opcode = 0xFD7A // f64x2.trunc
	OpI8x16AvgrU                Opcode = 0xFD7B // i8x16.avgr_u
	OpI16x8ExtaddPairwiseI8x16S Opcode = 0xFD7C // i16x8.extadd_pairwise_i8x16_s
	OpI16x8ExtaddPairwiseI8x16U Opcode = 0xFD7D // i16x8.extadd_pairwise_i8x16_u
	OpI32x4ExtaddPairwiseI16x8S Opcode = 0xFD7E // i32x4.extadd_pairwise_i16x8_s
	OpI32x4ExtaddPairwiseI16x8U Opcode = 0xFD7F // i32x4.extadd_pairwise_i16x8_u
	OpI16x8Abs                  Opcode = 0xFD80 // i16x8.abs
	OpI16x8Neg                  Opcode = 0xFD81 // i16x8.neg
	OpI16x8Q15mulrSatS          Opcode = 0xFD82 // i16x8.q15mulr_sat_s
	OpI16x8AllTrue              Opcode = 0xFD83 // i16x8.all_true
	OpI16x8Bitmask              Opcode = 0xFD84 // i16x8.bitmask
	OpI16x8NarrowI32x4S         Opcode = 0xFD85 // i16x8.narrow_i32x4_s
	OpI16x8NarrowI32x4U         Opcode = 0xFD86 // i16x8.narrow_i32x4_u
	OpI16x8ExtendLowI8x16S      Opcode = 0xFD87 // i16x8.extend_low_i8x16_s
	OpI16x8ExtendHighI8x16S     Opcode = 0xFD88 // i16x8.extend_high_i8x16_s
	OpI16x8ExtendLowI8x16U      Opcode = 0xFD89 // i16x8.extend_low_i8x16_u
	OpI16x8ExtendHighI8x16U     Opcode = 0xFD8A // i16x8.extend_high_i8x16_u
	OpI16x8Shl                  Opcode = 0xFD8B // i16x8.shl
	OpI16x8ShrS                 Opcode = 0xFD8C // i16x8.shr_s
	OpI16x8ShrU                 Opcode = 0xFD8D // i16x8.shr_u
	OpI16x8Add                  Opcode = 0xFD8E // i16x8.add
	OpI16x8AddSatS              Opcode = 0xFD8F // i16x8.add_sat_s
	OpI16x8AddSatU              Opcode = 0xFD90 // i16x8.add_sat_u
	OpI16x8Sub                  Opcode = 0xFD91 // i16x8.sub
	OpI16x8SubSatS              Opcode = 0xFD92 // i16x8.sub_sat_s
	OpI16x8SubSatU              Opcode = 0xFD93 // i16x8.sub_sat_u
	OpF64x2Nearest              Opcode = 0xFD94 // f64x2.nearest
	OpI16x8Mul                  Opcode = 0xFD95 // i16x8.mul
	OpI16x8MinS                 Opcode = 0xFD96 // i16x8.min_s
	OpI16x8MinU                 Opcode = 0xFD97 // i16x8.min_u
	OpI16x8MaxS                 Opcode = 0xFD98 // i16x8.max_s
	OpI16x8MaxU                 Opcode = 0xFD99 // i16x8.max_u
	OpI16x8AvgrU                Opcode = 0xFD9B // i16x8.avgr_u
	OpI16x8ExtmulLowI8x16S      Opcode = 0xFD9C // i16x8.extmul_low_i8x16_s
	OpI16x8ExtmulHighI8x16S     Opcode = 0xFD9D // i16x8.extmul_high_i8x16_s
	OpI16x8ExtmulLowI8x16U      Opcode = 0xFD9E // i16x8.extmul_low_i8x16_u
	OpI16x8ExtmulHighI8x16U     Opcode = 0xFD9F // i16x8.extmul_high_i8x16_u
	OpI32x4Abs                  Opcode = 0xFDA0 // i32x4.abs
	OpI32x4Neg                  Opcode = 0xFDA1 // i32x4.neg
	OpI32x4AllTrue              Opcode = 0xFDA3 // i32x4.all_true
	OpI32x4Bitmask              Opcode = 0xFDA4 // i32x4.bitmask
	OpI32x4ExtendLowI16x8S      Opcode = 0xFDA7 // i32x4.extend_low_i16x8_s
	OpI32x4ExtendHighI16x8S     Opcode = 0xFDA8 // i32x4.extend_high_i16x8_s
	OpI32x4ExtendLowI16x8U      Opcode = 0xFDA9 // i32x4.extend_low_i16x8_u
	OpI32x4ExtendHighI16x8U     Opcode = 0xFDAA // i32x4.extend_high_i16x8_u
	OpI32x4Shl                  Opcode = 0xFDAB // i32x4.shl
	OpI32x4ShrS                 Opcode = 0xFDAC // i32x4.shr_s
	OpI32x4ShrU                 Opcode = 0xFDAD // i32x4.shr_u
	OpI32x4Add                  Opcode = 0xFDAE // i32x4.add
	OpI32x4Sub                  Opcode = 0xFDB1 // i32x4.sub
	OpI32x4Mul                  Opcode = 0xFDB5 // i32x4.mul
	OpI32x4MinS                 Opcode = 0xFDB6 // i32x4.min_s
	OpI32x4MinU                 Opcode = 0xFDB7 // i32x4.min_u
	OpI32x4MaxS                 Opcode = 0xFDB8 // i32x4.max_s
	OpI32x4MaxU                 Opcode = 0xFDB9 // i32x4.max_u
	OpI32x4DotI16x8S            Opcode = 0xFDBA // i32x4.dot_i16x8_s
	OpI32x4ExtmulLowI16x8S      Opcode = 0xFDBC // i32x4.extmul_low_i16x8_s
	OpI32x4ExtmulHighI16x8S     Opcode = 0xFDBD // i32x4.extmul_high_i16x8_s
	OpI32x4ExtmulLowI16x8U      Opcode = 0xFDBE // i32x4.extmul_low_i16x8_u
	OpI32x4ExtmulHighI16x8U     Opcode = 0xFDBF // i32x4.extmul_high_i16x8_u
	OpI64x2Abs                  Opcode = 0xFDC0 // i64x2.abs
	OpI64x2Neg                  Opcode = 0xFDC1 // i64x2.neg
	OpI64x2AllTrue              Opcode = 0xFDC3 // i64x2.all_true
	OpI64x2Bitmask              Opcode = 0xFDC4 // i64x2.bitmask
	OpI64x2ExtendLowI32x4S      Opcode = 0xFDC7 // i64x2.extend_low_i32x4_s
	OpI64x2ExtendHighI32x4S     Opcode = 0xFDC8 // i64x2.extend_high_i32x4_s
	OpI64x2ExtendLowI32x4U      Opcode = 0xFDC9 // i64x2.extend_low_i32x4_u
	OpI64x2ExtendHighI32x4U     Opcode = 0xFDCA // i64x2.extend_high_i32x4_u
	OpI64x2Shl                  Opcode = 0xFDCB // i64x2.shl
	OpI64x2ShrS                 Opcode = 0xFDCC // i64x2.shr_s
	OpI64x2ShrU                 Opcode = 0xFDCD // i64x2.shr_u
	OpI64x2Add                  Opcode = 0xFDCE // i64x2.add
	OpI64x2Sub                  Opcode = 0xFDD1 // i64x2.sub
	OpI64x2Mul                  Opcode = 0xFDD5 // i64x2.mul
	OpI64x2Eq                   Opcode = 0xFDD6 // i64x2.eq
	OpI64x2Ne                   Opcode = 0xFDD7 // i64x2.ne
	OpI64x2LtS                  Opcode = 0xFDD8 // i64x2.lt_s
	OpI64x2GtS                  Opcode = 0xFDD9 // i64x2.gt_s
	OpI64x2LeS                  Opcode = 0xFDDA // i64x2.le_s
	OpI64x2GeS                  Opcode = 0xFDDB // i64x2.ge_s
	OpI64x2ExtmulLowI32x4S      Opcode = 0xFDDC // i64x2.extmul_low_i32x4_s
	OpI64x2ExtmulHighI32x4S     Opcode = 0xFDDD // i64x2.extmul_high_i32x4_s
	OpI64x2ExtmulLowI32x4U      Opcode = 0xFDDE // i64x2.extmul_low_i32x4_u
	OpI64x2ExtmulHighI32x4U     Opcode = 0xFDDF // i64x2.extmul_high_i32x4_u
	OpF32x4Abs                  Opcode = 0xFDE0 // f32x4.abs
	OpF32x4Neg                  Opcode = 0xFDE1 // f32x4.neg
	OpF32x4Sqrt                 Opcode = 0xFDE3 // f32x4.sqrt
	OpF32x4Add                  Opcode = 0xFDE4 // f32x4.add
	OpF32x4Sub                  Opcode = 0xFDE5 // f32x4.sub
	OpF32x4Mul                  Opcode = 0xFDE6 // f32x4.mul
	OpF32x4Div                  Opcode = 0xFDE7 // f32x4.div
	OpF32x4Min                  Opcode = 0xFDE8 // f32x4.min
	OpF32x4Max                  Opcode = 0xFDE9 // f32x4.max
	OpF32x4Pmin                 Opcode = 0xFDEA // f32x4.pmin
	OpF32x4Pmax                 Opcode = 0xFDEB // f32x4.pmax
	OpF64x2Abs                  Opcode = 0xFDEC // f64x2.abs
	OpF64x2Neg                  Opcode = 0xFDED // f64x2.neg
	OpF64x2Sqrt                 Opcode = 0xFDEF // f64x2.sqrt
	OpF64x2Add                  Opcode = 0xFDF0 // f64x2.add
	OpF64x2Sub                  Opcode = 0xFDF1 // f64x2.sub
	OpF64x2Mul                  Opcode = 0xFDF2 // f64x2.mul
	OpF64x2Div                  Opcode = 0xFDF3 // f64x2.div
	OpF64x2Min                  Opcode = 0xFDF4 // f64x2.min
	OpF64x2Max                  Opcode = 0xFDF5 // f64x2.max
	OpF64x2Pmin                 Opcode = 0xFDF6 // f64x2.pmin
	OpF64x2Pmax                 Opcode = 0xFDF7 // f64x2.pmax
	OpI32x4TruncSatF32x4S       Opcode = 0xFDF8 // i32x4.trunc_sat_f32x4_s
	OpI32x4TruncSatF32x4U       Opcode = 0xFDF9 // i32x4.trunc_sat_f32x4_u
	OpF32x4ConvertI32x4S        Opcode = 0xFDFA // f32x4.convert_i32x4_s
	OpF32x4ConvertI32x4U        Opcode = 0xFDFB // f32x4.convert_i32x4_u
	OpI32x4TruncSatF64x2SZero   Opcode = 0xFDFC // i32x4.trunc_sat_f64x2_s_zero
	OpI32x4TruncSatF64x2UZero   Opcode = 0xFDFD // i32x4.trunc_sat_f64x2_u_zero
	OpF64x2ConvertLowI32x4S     Opcode = 0xFDFE // f64x2.convert_low_i32x4_s
	OpF64x2ConvertLowI32x4U     Opcode = 0xFDFF // f64x2.convert_low_i32x4_u
)

var opsMVP = [256]opInfo{
	0x00: {name: "unreachable"},
	0x01: {name: "nop", sig: &sigNone_None},
	0x02: {name: "block", imm: immBlockType},
	0x03: {name: "loop", imm: immBlockType},
	0x04: {name: "if", imm: immBlockType},
	0x05: {name: "else"},
	0x0B: {name: "end"},
	0x0C: {name: "br", imm: immLabel},
	0x0D: {name: "br_if", imm: immLabel},
	0x0E: {name: "br_table", imm: immBrTable},
	0x0F: {name: "return"},
	0x10: {name: "call", imm: immFunc},
	0x11: {name: "call_indirect", imm: immCallIndirect},
	0x1A: {name: "drop"},
	0x1B: {name: "select"},
	0x1C: {name: "select", imm: immSelectT, feature: FeatureReferenceTypes},
	0x20: {name: "local.get", imm: immLocal},
	0x21: {name: "local.set", imm: immLocal},
	0x22: {name: "local.tee", imm: immLocal},
	0x23: {name: "global.get", imm: immGlobal},
	0x24: {name: "global.set", imm: immGlobal},
	0x25: {name: "table.get", imm: immTable, feature: FeatureReferenceTypes},
	0x26: {name: "table.set", imm: immTable, feature: FeatureReferenceTypes},
	0x28: {name: "i32.load", imm: immMemarg, sig: &sigI32_I32, align: 2},
	0x29: {name: "i64.load", imm: immMemarg, sig: &sigI32_I64, align: 3},
	0x2A: {name: "f32.load", imm: immMemarg, sig: &sigI32_F32, align: 2},
	0x2B: {name: "f64.load", imm: immMemarg, sig: &sigI32_F64, align: 3},
	0x2C: {name: "i32.load8_s", imm: immMemarg, sig: &sigI32_I32},
	0x2D: {name: "i32.load8_u", imm: immMemarg, sig: &sigI32_I32},
	0x2E: {name: "i32.load16_s", imm: immMemarg, sig: &sigI32_I32, align: 1},
	0x2F: {name: "i32.load16_u", imm: immMemarg, sig: &sigI32_I32, align: 1},
	0x30: {name: "i64.load8_s", imm: immMemarg, sig: &sigI32_I64},
	0x31: {name: "i64.load8_u", imm: immMemarg, sig: &sigI32_I64},
	0x32: {name: "i64.load16_s", imm: immMemarg, sig: &sigI32_I64, align: 1},
	0x33: {name: "i64.load16_u", imm: immMemarg, sig: &sigI32_I64, align: 1},
	0x34: {name: "i64.load32_s", imm: immMemarg, sig: &sigI32_I64, align: 2},
	0x35: {name: "i64.load32_u", imm: immMemarg, sig: &sigI32_I64, align: 2},
	0x36: {name: "i32.store", imm: immMemarg, sig: &sigI32I32_None, align: 2},
	0x37: {name: "i64.store", imm: immMemarg, sig: &sigI32I64_None, align: 3},
	0x38: {name: "f32.store", imm: immMemarg, sig: &sigI32F32_None, align: 2},
	0x39: {name: "f64.store", imm: immMemarg, sig: &sigI32F64_None, align: 3},
	0x3A: {name: "i32.store8", imm: immMemarg, sig: &sigI32I32_None},
	0x3B: {name: "i32.store16", imm: immMemarg, sig: &sigI32I32_None, align: 1},
	0x3C: {name: "i64.store8", imm: immMemarg, sig: &sigI32I64_None},
	0x3D: {name: "i64.store16", imm: immMemarg, sig: &sigI32I64_None, align: 1},
	0x3E: {name: "i64.store32", imm: immMemarg, sig: &sigI32I64_None, align: 2},
	0x3F: {name: "memory.size", imm: immMemory, sig: &sigNone_I32},
	0x40: {name: "memory.grow", imm: immMemory, sig: &sigI32_I32},
	0x41: {name: "i32.const", imm: immI32, sig: &sigNone_I32},
	0x42: {name: "i64.const", imm: immI64, sig: &sigNone_I64},
	0x43: {name: "f32.const", imm: immF32, sig: &sigNone_F32},
	0x44: {name: "f64.const", imm: immF64, sig: &sigNone_F64},
	0x45: {name: "i32.eqz", sig: &sigI32_I32},
	0x46: {name: "i32.eq", sig: &sigI32I32_I32},
	0x47: {name: "i32.ne", sig: &sigI32I32_I32},
	0x48: {name: "i32.lt_s", sig: &sigI32I32_I32},
	0x49: {name: "i32.lt_u", sig: &sigI32I32_I32},
	0x4A: {name: "i32.gt_s", sig: &sigI32I32_I32},
	0x4B: {name: "i32.gt_u", sig: &sigI32I32_I32},
	0x4C: {name: "i32.le_s", sig: &sigI32I32_I32},
	0x4D: {name: "i32.le_u", sig: &sigI32I32_I32},
	0x4E: {name: "i32.ge_s", sig: &sigI32I32_I32},
	0x4F: {name: "i32.ge_u", sig: &sigI32I32_I32},
	0x50: {name: "i64.eqz", sig: &sigI64_I32},
	0x51: {name: "i64.eq", sig: &sigI64I64_I32},
	0x52: {name: "i64.ne", sig: &sigI64I64_I32},
	0x53: {name: "i64.lt_s", sig: &sigI64I64_I32},
	0x54: {name: "i64.lt_u", sig: &sigI64I64_I32},
	0x55: {name: "i64.gt_s", sig: &sigI64I64_I32},
	0x56: {name: "i64.gt_u", sig: &sigI64I64_I32},
	0x57: {name: "i64.le_s", sig: &sigI64I64_I32},
	0x58: {name: "i64.le_u", sig: &sigI64I64_I32},
	0x59: {name: "i64.ge_s", sig: &sigI64I64_I32},
	0x5A: {name: "i64.ge_u", sig: &sigI64I64_I32},
	0x5B: {name: "f32.eq", sig: &sigF32F32_I32},
	0x5C: {name: "f32.ne", sig: &sigF32F32_I32},
	0x5D: {name: "f32.lt", sig: &sigF32F32_I32},
	0x5E: {name: "f32.gt", sig: &sigF32F32_I32},
	0x5F: {name: "f32.le", sig: &sigF32F32_I32},
	0x60: {name: "f32.ge", sig: &sigF32F32_I32},
	0x61: {name: "f64.eq", sig: &sigF64F64_I32},
	0x62: {name: "f64.ne", sig: &sigF64F64_I32},
	0x63: {name: "f64.lt", sig: &sigF64F64_I32},
	0x64: {name: "f64.gt", sig: &sigF64F64_I32},
	0x65: {name: "f64.le", sig: &sigF64F64_I32},
	0x66: {name: "f64.ge", sig: &sigF64F64_I32},
	0x67: {name: "i32.clz", sig: &sigI32_I32},
	0x68: {name: "i32.ctz", sig: &sigI32_I32},
	0x69: {name: "i32.popcnt", sig: &sigI32_I32},
	0x6A: {name: "i32.add", sig: &sigI32I32_I32},
	0x6B: {name: "i32.sub", sig: &sigI32I32_I32},
	0x6C: {name: "i32.mul", sig: &sigI32I32_I32},
	0x6D: {name: "i32.div_s", sig: &sigI32I32_I32},
	0x6E: {name: "i32.div_u", sig: &sigI32I32_I32},
	0x6F: {name: "i32.rem_s", sig: &sigI32I32_I32},
	0x70: {name: "i32.rem_u", sig: &sigI32I32_I32},
	0x71: {name: "i32.and", sig: &sigI32I32_I32},
	0x72: {name: "i32.or", sig: &sigI32I32_I32},
	0x73: {name: "i32.xor", sig: &sigI32I32_I32},
	0x74: {name: "i32.shl", sig: &sigI32I32_I32},
	0x75: {name: "i32.shr_s", sig: &sigI32I32_I32},
	0x76: {name: "i32.shr_u", sig: &sigI32I32_I32},
	0x77: {name: "i32.rotl", sig: &sigI32I32_I32},
	0x78: {name: "i32.rotr", sig: &sigI32I32_I32},
	0x79: {name: "i64.clz", sig: &sigI64_I64},
	0x7A: {name: "i64.ctz", sig: &sigI64_I64},
	0x7B: {name: "i64.popcnt", sig: &sigI64_I64},
	0x7C: {name: "i64.add", sig: &sigI64I64_I64},
	0x7D: {name: "i64.sub", sig: &sigI64I64_I64},
	0x7E: {name: "i64.mul", sig: &sigI64I64_I64},
	0x7F: {name: "i64.div_s", sig: &sigI64I64_I64},
	0x80: {name: "i64.div_u", sig: &sigI64I64_I64},
	0x81: {name: "i64.rem_s", sig: &sigI64I64_I64},
	0x82: {name: "i64.rem_u", sig: &sigI64I64_I64},
	0x83: {name: "i64.and", sig: &sigI64I64_I64},
	0x84: {name: "i64.or", sig: &sigI64I64_I64},
	0x85: {name: "i64.xor", sig: &sigI64I64_I64},
	0x86: {name: "i64.shl", sig: &sigI64I64_I64},
	0x87: {name: "i64.shr_s", sig: &sigI64I64_I64},
	0x88: {name: "i64.shr_u", sig: &sigI64I64_I64},
	0x89: {name: "i64.rotl", sig: &sigI64I64_I64},
	0x8A: {name: "i64.rotr", sig: &sigI64I64_I64},
	0x8B: {name: "f32.abs", sig: &sigF32_F32},
	0x8C: {name: "f32.neg", sig: &sigF32_F32},
	0x8D: {name: "f32.ceil", sig: &sigF32_F32},
	0x8E: {name: "f32.floor", sig: &sigF32_F32},
	0x8F: {name: "f32.trunc", sig: &sigF32_F32},
	0x90: {name: "f32.nearest", sig: &sigF32_F32},
	0x91: {name: "f32.sqrt", sig: &sigF32_F32},
	0x92: {name: "f32.add", sig: &sigF32F32_F32},
	0x93: {name: "f32.sub", sig: &sigF32F32_F32},
	0x94: {name: "f32.mul", sig: &sigF32F32_F32},
	0x95: {name: "f32.div", sig: &sigF32F32_F32},
	0x96: {name: "f32.min", sig: &sigF32F32_F32},
	0x97: {name: "f32.max", sig: &sigF32F32_F32},
	0x98: {name: "f32.copysign", sig: &sigF32F32_F32},
	0x99: {name: "f64.abs", sig: &sigF64_F64},
	0x9A: {name: "f64.neg", sig: &sigF64_F64},
	0x9B: {name: "f64.ceil", sig: &sigF64_F64},
	0x9C: {name: "f64.floor", sig: &sigF64_F64},
	0x9D: {name: "f64.trunc", sig: &sigF64_F64},
	0x9E: {name: "f64.nearest", sig: &sigF64_F64},
	0x9F: {name: "f64.sqrt", sig: &sigF64_F64},
	0xA0: {name: "f64.add", sig: &sigF64F64_F64},
	0xA1: {name: "f64.sub", sig: &sigF64F64_F64},
	0xA2: {name: "f64.mul", sig: &sigF64F64_F64},
	0xA3: {name: "f64.div", sig: &sigF64F64_F64},
	0xA4: {name: "f64.min", sig: &sigF64F64_F64},
	0xA5: {name: "f64.max", sig: &sigF64F64_F64},
	0xA6: {name: "f64.copysign", sig: &sigF64F64_F64},
	0xA7: {name: "i32.wrap_i64", sig: &sigI64_I32},
	0xA8: {name: "i32.trunc_f32_s", sig: &sigF32_I32},
	0xA9: {name: "i32.trunc_f32_u", sig: &sigF32_I32},
	0xAA: {name: "i32.trunc_f64_s", sig: &sigF64_I32},
	0xAB: {name: "i32.trunc_f64_u", sig: &sigF64_I32},
	0xAC: {name: "i64.extend_i32_s", sig: &sigI32_I64},
	0xAD: {name: "i64.extend_i32_u", sig: &sigI32_I64},
	0xAE: {name: "i64.trunc_f32_s", sig: &sigF32_I64},
	0xAF: {name: "i64.trunc_f32_u", sig: &sigF32_I64},
	0xB0: {name: "i64.trunc_f64_s", sig: &sigF64_I64},
	0xB1: {name: "i64.trunc_f64_u", sig: &sigF64_I64},
	0xB2: {name: "f32.convert_i32_s", sig: &sigI32_F32},
	0xB3: {name: "f32.convert_i32_u", sig: &sigI32_F32},
	0xB4: {name: "f32.convert_i64_s", sig: &sigI64_F32},
	0xB5: {name: "f32.convert_i64_u", sig: &sigI64_F32},
	0xB6: {name: "f32.demote_f64", sig: &sigF64_F32},
	0xB7: {name: "f64.convert_i32_s", sig: &sigI32_F64},
	0xB8: {name: "f64.convert_i32_u", sig: &sigI32_F64},
	0xB9: {name: "f64.convert_i64_s", sig: &sigI64_F64},
	0xBA: {name: "f64.convert_i64_u", sig: &sigI64_F64},
	0xBB: {name: "f64.promote_f32", sig: &sigF32_F64},
	0xBC: {name: "i32.reinterpret_f32", sig: &sigF32_I32},
	0xBD: {name: "i64.reinterpret_f64", sig: &sigF64_I64},
	0xBE: {name: "f32.reinterpret_i32", sig: &sigI32_F32},
	0xBF: {name: "f64.reinterpret_i64", sig: &sigI64_F64},
	0xC0: {name: "i32.extend8_s", sig: &sigI32_I32, feature: FeatureSignExt},
	0xC1: {name: "i32.extend16_s", sig: &sigI32_I32, feature: FeatureSignExt},
	0xC2: {name: "i64.extend8_s", sig: &sigI64_I64, feature: FeatureSignExt},
	0xC3: {name: "i64.extend16_s", sig: &sigI64_I64, feature: FeatureSignExt},
	0xC4: {name: "i64.extend32_s", sig: &sigI64_I64, feature: FeatureSignExt},
	0xD0: {name: "ref.null", imm: immRefType, feature: FeatureReferenceTypes},
	0xD1: {name: "ref.is_null", feature: FeatureReferenceTypes},
	0xD2: {name: "ref.func", imm: immFunc, feature: FeatureReferenceTypes},
}

var opsMisc = [18]opInfo{
	0x00: {name: "i32.trunc_sat_f32_s", sig: &sigF32_I32, feature: FeatureSatConv},
	0x01: {name: "i32.trunc_sat_f32_u", sig: &sigF32_I32, feature: FeatureSatConv},
	0x02: {name: "i32.trunc_sat_f64_s", sig: &sigF64_I32, feature: FeatureSatConv},
	0x03: {name: "i32.trunc_sat_f64_u", sig: &sigF64_I32, feature: FeatureSatConv},
	0x04: {name: "i64.trunc_sat_f32_s", sig: &sigF32_I64, feature: FeatureSatConv},
	0x05: {name: "i64.trunc_sat_f32_u", sig: &sigF32_I64, feature: FeatureSatConv},
	0x06: {name: "i64.trunc_sat_f64_s", sig: &sigF64_I64, feature: FeatureSatConv},
	0x07: {name: "i64.trunc_sat_f64_u", sig: &sigF64_I64, feature: FeatureSatConv},
	0x08: {name: "memory.init", imm: immDataMemory, sig: &sigI32I32I32_None, feature: FeatureBulkMemory},
	0x09: {name: "data.drop", imm: immData, sig: &sigNone_None, feature: FeatureBulkMemory},
	0x0A: {name: "memory.copy", imm: immMemoryMemory, sig: &sigI32I32I32_None, feature: FeatureBulkMemory},
	0x0B: {name: "memory.fill", imm: immMemory, sig: &sigI32I32I32_None, feature: FeatureBulkMemory},
	0x0C: {name: "table.init", imm: immElemTable, sig: &sigI32I32I32_None, feature: FeatureBulkMemory},
	0x0D: {name: "elem.drop", imm: immElem, sig: &sigNone_None, feature: FeatureBulkMemory},
	0x0E: {name: "table.copy", imm: immTableTable, sig: &sigI32I32I32_None, feature: FeatureBulkMemory},
	0x0F: {name: "table.grow", imm: immTable, feature: FeatureReferenceTypes},
	0x10: {name: "table.size", imm: immTable, sig: &sigNone_I32, feature: FeatureReferenceTypes},
	0x11: {name: "table.fill", imm: immTable, feature: FeatureReferenceTypes},
}

var opsSIMD = [256]opInfo{
	0x00: {name: "v128.load", imm: immMemarg, sig: &sigI32_V128, align: 4, feature: FeatureSIMD},
	0x01: {name: "v128.load8x8_s", imm: immMemarg, sig: &sigI32_V128, align: 3, feature: FeatureSIMD},
	0x02: {name: "v128.load8x8_u", imm: immMemarg, sig: &sigI32_V128, align: 3, feature: FeatureSIMD},
	0x03: {name: "v128.load16x4_s", imm: immMemarg, sig: &sigI32_V128, align: 3, feature: FeatureSIMD},
	0x04: {name: "v128.load16x4_u", imm: immMemarg, sig: &sigI32_V128, align: 3, feature: FeatureSIMD},
	0x05: {name: "v128.load32x2_s", imm: immMemarg, sig: &sigI32_V128, align: 3, feature: FeatureSIMD},
	0x06: {name: "v128.load32x2_u", imm: immMemarg, sig: &sigI32_V128, align: 3, feature: FeatureSIMD},
	0x07: {name: "v128.load8_splat", imm: immMemarg, sig: &sigI32_V128, feature: FeatureSIMD},
	0x08: {name: "v128.load16_splat", imm: immMemarg, sig: &sigI32_V128, align: 1, feature: FeatureSIMD},
	0x09: {name: "v128.load32_splat", imm: immMemarg, sig: &sigI32_V128, align: 2, feature: FeatureSIMD},
	0x0A: {name: "v128.load64_splat", imm: immMemarg, sig: &sigI32_V128, align: 3, feature: FeatureSIMD},
	0x0B: {name: "v128.store", imm: immMemarg, sig: &sigI32V128_None, align: 4, feature: FeatureSIMD},
	0x0C: {name: "v128.const", imm: immV128, sig: &sigNone_V128, feature: FeatureSIMD},
	0x0D: {name: "i8x16.shuffle", imm: immShuffle, sig: &sigV128V128_V128, feature: FeatureSIMD},
	0x0E: {name: "i8x16.swizzle", sig: &sigV128V128_V128, feature: FeatureSIMD},
	0x0F: {name: "i8x16.splat", sig: &sigI32_V128, feature: FeatureSIMD},
	0x10: {name: "i16x8.splat", sig: &sigI32_V128, feature: FeatureSIMD},
	0x11: {name: "i32x4.splat", sig: &sigI32_V128, feature: FeatureSIMD},
	0x12: {name: "i64x2.splat", sig: &sigI64_V128, feature: FeatureSIMD},
	0x13: {name: "f32x4.splat", sig: &sigF32_V128, feature: FeatureSIMD},
	0x14: {name: "f64x2.splat", sig: &sigF64_V128, feature: FeatureSIMD},
	0x15: {name: "i8x16.extract_lane_s", imm: immLane, sig: &sigV128_I32, feature: FeatureSIMD},
	0x16: {name: "i8x16.extract_lane_u", imm: immLane, sig: &sigV128_I32, feature: FeatureSIMD},
	0x17: {name: "i8x16.replace_lane", imm: immLane, sig: &sigV128I32_V128, feature: FeatureSIMD},
	0x18: {name: "i16x8.extract_lane_s", imm: immLane, sig: &sigV128_I32, feature: FeatureSIMD},
	0x19: {name: "i16x8.extract_lane_u", imm: immLane, sig: &sigV128_I32, feature: FeatureSIMD},
	0x1A: {name: "i16x8.replace_lane", imm: immLane, sig: &sigV128I32_V128, feature: FeatureSIMD},
	0x1B: {name: "i32x4.extract_lane", imm: immLane, sig: &sigV128_I32, feature: FeatureSIMD},
	0x1C: {name: "i32x4.replace_lane", imm: immLane, sig: &sigV128I32_V128, feature: FeatureSIMD},
	0x1D: {name: "i64x2.extract_lane", imm: immLane, sig: &sigV128_I64, feature: FeatureSIMD},
	0x1E: {name: "i64x2.replace_lane", imm: immLane, sig: &sigV128I64_V128, feature: FeatureSIMD},
	0x1F: {name: "f32x4.extract_lane", imm: immLane, sig: &sigV128_F32, feature: FeatureSIMD},
	0x20: {name: "f32x4.replace_lane", imm: immLane, sig: &sigV128F32_V128, feature: FeatureSIMD},
	0x21: {name: "f64x2.extract_lane", imm: immLane, sig: &sigV128_F64, feature: FeatureSIMD},
	0x22: {name: "f64x2.replace_lane", imm: immLane, sig: &sigV128F64_V128, feature: FeatureSIMD},
	0x23: {name: "i8x16.eq", sig: &sigV128V128_V128, feature: FeatureSIMD},
	0x24: {name: "i8x16.ne", sig: &sigV128V128_V128, feature: FeatureSIMD},
	0x25: {name: "i8x16.lt_s", sig: &sigV128V128_V128, feature: FeatureSIMD},
	0x26: {name: "i8x16.lt_u", sig: &sigV128V128_V128, feature: FeatureSIMD},
	0x27: {name: "i8x16.gt_s", sig: &sigV128V128_V128, feature: FeatureSIMD},
	0x28: {name: "i8x16.gt_u", sig: &sigV128V128_V128, feature: FeatureSIMD},
	0x29: {name: "i8x16.le_s", sig: &sigV128V128_V128, feature: FeatureSIMD},
	0x2A: {name: "i8x16.le_u", sig: &sigV128V128_V128, feature: FeatureSIMD},
	0x2B: {name: "i8x16.ge_s", sig: &sigV128V128_V128, feature: FeatureSIMD},
	0x2C: {name: "i8x16.ge_u", sig: &sigV128V128_V128, feature: FeatureSIMD},
	0x2D: {name: "i16x8.eq", sig: &sigV128V128_V128, feature: FeatureSIMD},
	0x2E: {name: "i16x8.ne", sig: &sigV128V128_V128, feature: FeatureSIMD},
	0x2F: {name: "i16x8.lt_s", sig: &sigV128V128_V128, feature: FeatureSIMD},
	0x30: {name: "i16x8.lt_u", sig: &sigV128V128_V128, feature: FeatureSIMD},
	0x31: {name: "i16x8.gt_s", sig: &sigV128V128_V128, feature: FeatureSIMD},
	0x32: {name: "i16x8.gt_u", sig: &sigV128V128_V128, feature: FeatureSIMD},
	0x33: {name: "i16x8.le_s", sig: &sigV128V128_V128, feature: FeatureSIMD},
	0x34: {name: "i16x8.le_u", sig: &sigV128V128_V128, feature: FeatureSIMD},
	0x35: {name: "i16x8.ge_s", sig: &sigV128V128_V128, feature: FeatureSIMD},
	0x36: {name: "i16x8.ge_u", sig: &sigV128V128_V128, feature: FeatureSIMD},
	0x37: {name: "i32x4.eq", sig: &sigV128V128_V128, feature: FeatureSIMD},
	0x38: {name: "i32x4.ne", sig: &sigV128V128_V128, feature: FeatureSIMD},
	0x39: {name: "i32x4.lt_s", sig: &sigV128V128_V128, feature: FeatureSIMD},
	0x3A: {name: "i32x4.lt_u", sig: &sigV128V128_V128, feature: FeatureSIMD},
	0x3B: {name: "i32x4.gt_s", sig: &sigV128V128_V128, feature: FeatureSIMD},
	0x3C: {name: "i32x4.gt_u", sig: &sigV128V128_V128, feature: FeatureSIMD},
	0x3D: {name: "i32x4.le_s", sig: &sigV128V128_V128, feature: FeatureSIMD},
	0x3E: {name: "i32x4.le_u", sig: &sigV128V128_V128, feature: FeatureSIMD},
	0x3F: {name: "i32x4.ge_s", sig: &sigV128V128_V128, feature: FeatureSIMD},
	0x40: {name: "i32x4.ge_u", sig: &sigV128V128_V128, feature: FeatureSIMD},
	0x41: {name: "f32x4.eq", sig: &sigV128V128_V128, feature: FeatureSIMD},
	0x42: {name: "f32x4.ne", sig: &sigV128V128_V128, feature: FeatureSIMD},
	0x43: {name: "f32x4.lt", sig: &sigV128V128_V128, feature: FeatureSIMD},
	0x44: {name: "f32x4.gt", sig: &sigV128V128_V128, feature: FeatureSIMD},
	0x45: {name: "f32x4.le", sig: &sigV128V128_V128, feature: FeatureSIMD},
	0x46: {name: "f32x4.ge", sig: &sigV128V128_V128, feature: FeatureSIMD},
	0x47: {name: "f64x2.eq", sig: &sigV128V128_V128, feature: FeatureSIMD},
	0x48: {name: "f64x2.ne", sig: &sigV128V128_V128, feature: FeatureSIMD},
	0x49: {name: "f64x2.lt", sig: &sigV128V128_V128, feature: FeatureSIMD},
	0x4A: {name: "f64x2.gt", sig: &sigV128V128_V128, feature: FeatureSIMD},
	0x4B: {name: "f64x2.le", sig: &sigV128V128_V128, feature: FeatureSIMD},
	0x4C: {name: "f64x2.ge", sig: &sigV128V128_V128, feature: FeatureSIMD},
	0x4D: {name: "v128.not", sig: &sigV128_V128, feature: FeatureSIMD},
	0x4E: {name: "v128.and", sig: &sigV128V128_V128, feature: FeatureSIMD},
	0x4F: {name: "v128.andnot", sig: &sigV128V128_V128, feature: FeatureSIMD},
	0x50: {name: "v128.or", sig: &sigV128V128_V128, feature: FeatureSIMD},
	0x51: {name: "v128.xor", sig: &sigV128V128_V128, feature: FeatureSIMD},
	0x52: {name: "v128.bitselect", sig: &sigV128V128V128_V128, feature: FeatureSIMD},
	0x53: {name: "v128.any_true", sig: &sigV128_I32, feature: FeatureSIMD},
	0x54: {name: "v128.load8_lane", imm: immMemargLane, sig: &sigI32V128_V128, feature: FeatureSIMD},
	0x55: {name: "v128.load16_lane", imm: immMemargLane, sig: &sigI32V128_V128, align: 1, feature: FeatureSIMD},
	0x56: {name: "v128.load32_lane", imm: immMemargLane, sig: &sigI32V128_V128, align: 2, feature: FeatureSIMD},
	0x57: {name: "v128.load64_lane", imm: immMemargLane, sig: &sigI32V128_V128, align: 3, feature: FeatureSIMD},
	0x58: {name: "v128.store8_lane", imm: immMemargLane, sig: &sigI32V128_None, feature: FeatureSIMD},
	0x59: {name: "v128.store16_lane", imm: immMemargLane, sig: &sigI32V128_None, align: 1, feature: FeatureSIMD},
	0x5A: {name: "v128.store32_lane", imm: immMemargLane, sig: &sigI32V128_None, align: 2, feature: FeatureSIMD},
	0x5B: {name: "v128.store64_lane", imm: immMemargLane, sig: &sigI32V128_None, align: 3, feature: FeatureSIMD},
	0x5C: {name: "v128.load32_zero", imm: immMemarg, sig: &sigI32_V128, align: 2, feature: FeatureSIMD},
	0x5D: {name: "v128.load64_zero", imm: immMemarg, sig: &sigI32_V128, align: 3, feature: FeatureSIMD},
	0x5E: {name: "f32x4.demote_f64x2_zero", sig: &sigV128_V128, feature: FeatureSIMD},
	0x5F: {name: "f64x2.promote_low_f32x4", sig: &sigV128_V128, feature: FeatureSIMD},
	0x60: {name: "i8x16.abs", sig: &sigV128_V128, feature: FeatureSIMD},
	0x61: {name: "i8x16.neg", sig: &sigV128_V128, feature: FeatureSIMD},
	0x62: {name: "i8x16.popcnt", sig: &sigV128_V128, feature: FeatureSIMD},
	0x63: {name: "i8x16.all_true", sig: &sigV128_I32, feature: FeatureSIMD},
	0x64: {name: "i8x16.bitmask", sig: &sigV128_I32, feature: FeatureSIMD},
	0x65: {name: "i8x16.narrow_i16x8_s", sig: &sigV128V128_V128, feature: FeatureSIMD},
	0x66: {name: "i8x16.narrow_i16x8_u", sig: &sigV128V128_V128, feature: FeatureSIMD},
	0x67: {name: "f32x4.ceil", sig: &sigV128_V128, feature: FeatureSIMD},
	0x68: {name: "f32x4.floor", sig: &sigV128_V128, feature: FeatureSIMD},
	0x69: {name: "f32x4.trunc", sig: &sigV128_V128, feature: FeatureSIMD},
	0x6A: {name: "f32x4.nearest", sig: &sigV128_V128, feature: FeatureSIMD},
	0x6B: {name: "i8x16.shl", sig: &sigV128I32_V128, feature: FeatureSIMD},
	0x6C: {name: "i8x16.shr_s", sig: &sigV128I32_V128, feature: FeatureSIMD},
	0x6D: {name: "i8x16.shr_u", sig: &sigV128I32_V128, feature: FeatureSIMD},
	0x6E: {name: "i8x16.add", sig: &sigV128V128_V128, feature: FeatureSIMD},
	0x6F: {name: "i8x16.add_sat_s", sig: &sigV128V128_V128, feature: FeatureSIMD},
	0x70: {name: "i8x16.add_sat_u", sig: &sigV128V128_V128, feature: FeatureSIMD},
	0x71: {name: "i8x16.sub", sig: &sigV128V128_V128, feature: FeatureSIMD},
	0x72: {name: "i8x16.sub_sat_s", sig: &sigV128V128_V128, feature: FeatureSIMD},
	0x73: {name: "i8x16.sub_sat_u", sig: &sigV128V128_V128, feature: FeatureSIMD},
	0x74: {name: "f64x2.ceil", sig: &sigV128_V128, feature: FeatureSIMD},
	0x75: {name: "f64x2.floor", sig: &sigV128_V128, feature: FeatureSIMD},
	0x76: {name: "i8x16.min_s", sig: &sigV128V128_V128, feature: FeatureSIMD},
	0x77: {name: "i8x16.min_u", sig: &sigV128V128_V128, feature: FeatureSIMD},
	0x78: {name: "i8x16.max_s", sig: &sigV128V128_V128, feature: FeatureSIMD},
	0x79: {name: "i8x16.max_u", sig: &sigV128V128_V128, feature: FeatureSIMD},
	0x7A: {name: "f64x2.trunc", sig: &sigV128_V128, feature: FeatureSIMD},
	0x7B: {name: "i8x16.avgr_u", sig: &sigV128V128_V128, feature: FeatureSIMD},
	0x7C: {name: "i16x8.extadd_pairwise_i8x16_s", sig: &sigV128_V128, feature: FeatureSIMD},
	0x7D: {name: "i16x8.extadd_pairwise_i8x16_u", sig: &sigV128_V128, feature: FeatureSIMD},
	0x7E: {name: "i32x4.extadd_pairwise_i16x8_s", sig: &sigV128_V128, feature: FeatureSIMD},
	0x7F: {name: "i32x4.extadd_pairwise_i16x8_u", sig: &sigV128_V128, feature: FeatureSIMD},
	0x80: {name: "i16x8.abs", sig: &sigV128_V128, feature: FeatureSIMD},
	0x81: {name: "i16x8.neg", sig: &sigV128_V128, feature: FeatureSIMD},
	0x82: {name: "i16x8.q15mulr_sat_s", sig: &sigV128V128_V128, feature: FeatureSIMD},
	0x83: {name: "i16x8.all_true", sig: &sigV128_I32, feature: FeatureSIMD},
	0x84: {name: "i16x8.bitmask", sig: &sigV128_I32, feature: FeatureSIMD},
	0x85: {name: "i16x8.narrow_i32x4_s", sig: &sigV128V128_V128, feature: FeatureSIMD},
	0x86: {name: "i16x8.narrow_i32x4_u", sig: &sigV128V128_V128, feature: FeatureSIMD},
	0x87: {name: "i16x8.extend_low_i8x16_s", sig: &sigV128_V128, feature: FeatureSIMD},
	0x88: {name: "i16x8.extend_high_i8x16_s", sig: &sigV128_V128, feature: FeatureSIMD},
	0x89: {name: "i16x8.extend_low_i8x16_u", sig: &sigV128_V128, feature: FeatureSIMD},
	0x8A: {name: "i16x8.extend_high_i8x16_u", sig: &sigV128_V128, feature: FeatureSIMD},
	0x8B: {name: "i16x8.shl", sig: &sigV128I32_V128, feature: FeatureSIMD},
	0x8C: {name: "i16x8.shr_s", sig: &sigV128I32_V128, feature: FeatureSIMD},
	0x8D: {name: "i16x8.shr_u", sig: &sigV128I32_V128, feature: FeatureSIMD},
	0x8E: {name: "i16x8.add", sig: &sigV128V128_V128, feature: FeatureSIMD},
	0x8F: {name: "i16x8.add_sat_s", sig: &sigV128V128_V128, feature: FeatureSIMD},
	0x90: {name: "i16x8.add_sat_u", sig: &sigV128V128_V128, feature: FeatureSIMD},
	0x91: {name: "i16x8.sub", sig: &sigV128V128_V128, feature: FeatureSIMD},
	0x92: {name: "i16x8.sub_sat_s", sig: &sigV128V128_V128, feature: FeatureSIMD},
	0x93: {name: "i16x8.sub_sat_u", sig: &sigV128V128_V128, feature: FeatureSIMD},
	0x94: {name: "f64x2.nearest", sig: &sigV128_V128, feature: FeatureSIMD},
	0x95: {name: "i16x8.mul", sig: &sigV128V128_V128, feature: FeatureSIMD},
	0x96: {name: "i16x8.min_s", sig: &sigV128V128_V128, feature: FeatureSIMD},
	0x97: {name: "i16x8.min_u", sig: &sigV128V128_V128, feature: FeatureSIMD},
	0x98: {name: "i16x8.max_s", sig: &sigV128V128_V128, feature: FeatureSIMD},
	0x99: {name: "i16x8.max_u", sig: &sigV128V128_V128, feature: FeatureSIMD},
	0x9B: {name: "i16x8.avgr_u", sig: &sigV128V128_V128, feature: FeatureSIMD},
	0x9C: {name: "i16x8.extmul_low_i8x16_s", sig: &sigV128V128_V128, feature: FeatureSIMD},
	0x9D: {name: "i16x8.extmul_high_i8x16_s", sig: &sigV128V128_V128, feature: FeatureSIMD},
	0x9E: {name: "i16x8.extmul_low_i8x16_u", sig: &sigV128V128_V128, feature: FeatureSIMD},
	0x9F: {name: "i16x8.extmul_high_i8x16_u", sig: &sigV128V128_V128, feature: FeatureSIMD},
	0xA0: {name: "i32x4.abs", sig: &sigV128_V128, feature: FeatureSIMD},
	0xA1: {name: "i32x4.neg", sig: &sigV128_V128, feature: FeatureSIMD},
	0xA3: {name: "i32x4.all_true", sig: &sigV128_I32, feature: FeatureSIMD},
	0xA4: {name: "i32x4.bitmask", sig: &sigV128_I32, feature: FeatureSIMD},
	0xA7: {name: "i32x4.extend_low_i16x8_s", sig: &sigV128_V128, feature: FeatureSIMD},
	0xA8: {name: "i32x4.extend_high_i16x8_s", sig: &sigV128_V128, feature: FeatureSIMD},
	0xA9: {name: "i32x4.extend_low_i16x8_u", sig: &sigV128_V128, feature: FeatureSIMD},
	0xAA: {name: "i32x4.extend_high_i16x8_u", sig: &sigV128_V128, feature: FeatureSIMD},
	0xAB: {name: "i32x4.shl", sig: &sigV128I32_V128, feature: FeatureSIMD},
	0xAC: {name: "i32x4.shr_s", sig: &sigV128I32_V128, feature: FeatureSIMD},
	0xAD: {name: "i32x4.shr_u", sig: &sigV128I32_V128, feature: FeatureSIMD},
	0xAE: {name: "i32x4.add", sig: &sigV128V128_V128, feature: FeatureSIMD},
	0xB1: {name: "i32x4.sub", sig: &sigV128V128_V128, feature: FeatureSIMD},
	0xB5: {name: "i32x4.mul", sig: &sigV128V128_V128, feature: FeatureSIMD},
	0xB6: {name: "i32x4.min_s", sig: &sigV128V128_V128, feature: FeatureSIMD},
	0xB7: {name: "i32x4.min_u", sig: &sigV128V128_V128, feature: FeatureSIMD},
	0xB8: {name: "i32x4.max_s", sig: &sigV128V128_V128, feature: FeatureSIMD},
	0xB9: {name: "i32x4.max_u", sig: &sigV128V128_V128, feature: FeatureSIMD},
	0xBA: {name: "i32x4.dot_i16x8_s", sig: &sigV128V128_V128, feature: FeatureSIMD},
	0xBC: {name: "i32x4.extmul_low_i16x8_s", sig: &sigV128V128_V128, feature: FeatureSIMD},
	0xBD: {name: "i32x4.extmul_high_i16x8_s", sig: &sigV128V128_V128, feature: FeatureSIMD},
	0xBE: {name: "i32x4.extmul_low_i16x8_u", sig: &sigV128V128_V128, feature: FeatureSIMD},
	0xBF: {name: "i32x4.extmul_high_i16x8_u", sig: &sigV128V128_V128, feature: FeatureSIMD},
	0xC0: {name: "i64x2.abs", sig: &sigV128_V128, feature: FeatureSIMD},
	0xC1: {name: "i64x2.neg", sig: &sigV128_V128, feature: FeatureSIMD},
	0xC3: {name: "i64x2.all_true", sig: &sigV128_I32, feature: FeatureSIMD},
	0xC4: {name: "i64x2.bitmask", sig: &sigV128_I32, feature: FeatureSIMD},
	0xC7: {name: "i64x2.extend_low_i32x4_s", sig: &sigV128_V128, feature: FeatureSIMD},
	0xC8: {name: "i64x2.extend_high_i32x4_s", sig: &sigV128_V128, feature: FeatureSIMD},
	0xC9: {name: "i64x2.extend_low_i32x4_u", sig: &sigV128_V128, feature: FeatureSIMD},
	0xCA: {name: "i64x2.extend_high_i32x4_u", sig: &sigV128_V128, feature: FeatureSIMD},
	0xCB: {name: "i64x2.shl", sig: &sigV128I32_V128, feature: FeatureSIMD},
	0xCC: {name: "i64x2.shr_s", sig: &sigV128I32_V128, feature: FeatureSIMD},
	0xCD: {name: "i64x2.shr_u", sig: &sigV128I32_V128, feature: FeatureSIMD},
	0xCE: {name: "i64x2.add", sig: &sigV128V128_V128, feature: FeatureSIMD},
	0xD1: {name: "i64x2.sub", sig: &sigV128V128_V128, feature: FeatureSIMD},
	0xD5: {name: "i64x2.mul", sig: &sigV128V128_V128, feature: FeatureSIMD},
	0xD6: {name: "i64x2.eq", sig: &sigV128V128_V128, feature: FeatureSIMD},
	0xD7: {name: "i64x2.ne", sig: &sigV128V128_V128, feature: FeatureSIMD},
	0xD8: {name: "i64x2.lt_s", sig: &sigV128V128_V128, feature: FeatureSIMD},
	0xD9: {name: "i64x2.gt_s", sig: &sigV128V128_V128, feature: FeatureSIMD},
	0xDA: {name: "i64x2.le_s", sig: &sigV128V128_V128, feature: FeatureSIMD},
	0xDB: {name: "i64x2.ge_s", sig: &sigV128V128_V128, feature: FeatureSIMD},
	0xDC: {name: "i64x2.extmul_low_i32x4_s", sig: &sigV128V128_V128, feature: FeatureSIMD},
	0xDD: {name: "i64x2.extmul_high_i32x4_s", sig: &sigV128V128_V128, feature: FeatureSIMD},
	0xDE: {name: "i64x2.extmul_low_i32x4_u", sig: &sigV128V128_V128, feature: FeatureSIMD},
	0xDF: {name: "i64x2.extmul_high_i32x4_u", sig: &sigV128V128_V128, feature: FeatureSIMD},
	0xE0: {name: "f32x4.abs", sig: &sigV128_V128, feature: FeatureSIMD},
	0xE1: {name: "f32x4.neg", sig: &sigV128_V128, feature: FeatureSIMD},
	0xE3: {name: "f32x4.sqrt", sig: &sigV128_V128, feature: FeatureSIMD},
	0xE4: {name: "f32x4.add", sig: &sigV128V128_V128, feature: FeatureSIMD},
	0xE5: {name: "f32x4.sub", sig: &sigV128V128_V128, feature: FeatureSIMD},
	0xE6: {name: "f32x4.mul", sig: &sigV128V128_V128, feature: FeatureSIMD},
	0xE7: {name: "f32x4.div", sig: &sigV128V128_V128, feature: FeatureSIMD},
	0xE8: {name: "f32x4.min", sig: &sigV128V128_V128, feature: FeatureSIMD},
	0xE9: {name: "f32x4.max", sig: &sigV128V128_V128, feature: FeatureSIMD},
	0xEA: {name: "f32x4.pmin", sig: &sigV128V128_V128, feature: FeatureSIMD},
	0xEB: {name: "f32x4.pmax", sig: &sigV128V128_V128, feature: FeatureSIMD},
	0xEC: {name: "f64x2.abs", sig: &sigV128_V128, feature: FeatureSIMD},
	0xED: {name: "f64x2.neg", sig: &sigV128_V128, feature: FeatureSIMD},
	0xEF: {name: "f64x2.sqrt", sig: &sigV128_V128, feature: FeatureSIMD},
	0xF0: {name: "f64x2.add", sig: &sigV128V128_V128, feature: FeatureSIMD},
	0xF1: {name: "f64x2.sub", sig: &sigV128V128_V128, feature: FeatureSIMD},
	0xF2: {name: "f64x2.mul", sig: &sigV128V128_V128, feature: FeatureSIMD},
	0xF3: {name: "f64x2.div", sig: &sigV128V128_V128, feature: FeatureSIMD},
	0xF4: {name: "f64x2.min", sig: &sigV128V128_V128, feature: FeatureSIMD},
	0xF5: {name: "f64x2.max", sig: &sigV128V128_V128, feature: FeatureSIMD},
	0xF6: {name: "f64x2.pmin", sig: &sigV128V128_V128, feature: FeatureSIMD},
	0xF7: {name: "f64x2.pmax", sig: &sigV128V128_V128, feature: FeatureSIMD},
	0xF8: {name: "i32x4.trunc_sat_f32x4_s", sig: &sigV128_V128, feature: FeatureSIMD},
	0xF9: {name: "i32x4.trunc_sat_f32x4_u", sig: &sigV128_V128, feature: FeatureSIMD},
	0xFA: {name: "f32x4.convert_i32x4_s", sig: &sigV128_V128, feature: FeatureSIMD},
	0xFB: {name: "f32x4.convert_i32x4_u", sig: &sigV128_V128, feature: FeatureSIMD},
	0xFC: {name: "i32x4.trunc_sat_f64x2_s_zero", sig: &sigV128_V128, feature: FeatureSIMD},
	0xFD: {name: "i32x4.trunc_sat_f64x2_u_zero", sig: &sigV128_V128, feature: FeatureSIMD},
	0xFE: {name: "f64x2.convert_low_i32x4_s", sig: &sigV128_V128, feature: FeatureSIMD},
	0xFF: {name: "f64x2.convert_low_i32x4_u", sig: &sigV128_V128, feature: FeatureSIMD},
}

var (
	sigF32F32_F32        = signature{[]ValueType{F32, F32}, []ValueType{F32}}
	sigF32F32_I32        = signature{[]ValueType{F32, F32}, []ValueType{I32}}
	sigF32_F32           = signature{[]ValueType{F32}, []ValueType{F32}}
	sigF32_F64           = signature{[]ValueType{F32}, []ValueType{F64}}
	sigF32_I32           = signature{[]ValueType{F32}, []ValueType{I32}}
	sigF32_I64           = signature{[]ValueType{F32}, []ValueType{I64}}
	sigF32_V128          = signature{[]ValueType{F32}, []ValueType{V128}}
	sigF64F64_F64        = signature{[]ValueType{F64, F64}, []ValueType{F64}}
	sigF64F64_I32        = signature{[]ValueType{F64, F64}, []ValueType{I32}}
	sigF64_F32           = signature{[]ValueType{F64}, []ValueType{F32}}
	sigF64_F64           = signature{[]ValueType{F64}, []ValueType{F64}}
	sigF64_I32           = signature{[]ValueType{F64}, []ValueType{I32}}
	sigF64_I64           = signature{[]ValueType{F64}, []ValueType{I64}}
	sigF64_V128          = signature{[]ValueType{F64}, []ValueType{V128}}
	sigI32F32_None       = signature{[]ValueType{I32, F32}, nil}
	sigI32F64_None       = signature{[]ValueType{I32, F64}, nil}
	sigI32I32I32_None    = signature{[]ValueType{I32, I32, I32}, nil}
	sigI32I32_I32        = signature{[]ValueType{I32, I32}, []ValueType{I32}}
	sigI32I32_None       = signature{[]ValueType{I32, I32}, nil}
	sigI32I64_None       = signature{[]ValueType{I32, I64}, nil}
	sigI32V128_None      = signature{[]ValueType{I32, V128}, nil}
	sigI32V128_V128      = signature{[]ValueType{I32, V128}, []ValueType{V128}}
	sigI32_F32           = signature{[]ValueType{I32}, []ValueType{F32}}
	sigI32_F64           = signature{[]ValueType{I32}, []ValueType{F64}}
	sigI32_I32           = signature{[]ValueType{I32}, []ValueType{I32}}
	sigI32_I64           = signature{[]ValueType{I32}, []ValueType{I64}}
	sigI32_V128          = signature{[]ValueType{I32}, []ValueType{V128}}
	sigI64I64_I32        = signature{[]ValueType{I64, I64}, []ValueType{I32}}
	sigI64I64_I64        = signature{[]ValueType{I64, I64}, []ValueType{I64}}
	sigI64_F32           = signature{[]ValueType{I64}, []ValueType{F32}}
	sigI64_F64           = signature{[]ValueType{I64}, []ValueType{F64}}
	sigI64_I32           = signature{[]ValueType{I64}, []ValueType{I32}}
	sigI64_I64           = signature{[]ValueType{I64}, []ValueType{I64}}
	sigI64_V128          = signature{[]ValueType{I64}, []ValueType{V128}}
	sigNone_F32          = signature{nil, []ValueType{F32}}
	sigNone_F64          = signature{nil, []ValueType{F64}}
	sigNone_I32          = signature{nil, []ValueType{I32}}
	sigNone_I64          = signature{nil, []ValueType{I64}}
	sigNone_None         = signature{nil, nil}
	sigNone_V128         = signature{nil, []ValueType{V128}}
	sigV128F32_V128      = signature{[]ValueType{V128, F32}, []ValueType{V128}}
	sigV128F64_V128      = signature{[]ValueType{V128, F64}, []ValueType{V128}}
	sigV128I32_V128      = signature{[]ValueType{V128, I32}, []ValueType{V128}}
	sigV128I64_V128      = signature{[]ValueType{V128, I64}, []ValueType{V128}}
	sigV128V128V128_V128 = signature{[]ValueType{V128, V128, V128}, []ValueType{V128}}
	sigV128V128_V128     = signature{[]ValueType{V128, V128}, []ValueType{V128}}
	sigV128_F32          = signature{[]ValueType{V128}, []ValueType{F32}}
	sigV128_F64          = signature{[]ValueType{V128}, []ValueType{F64}}
	sigV128_I32          = signature{[]ValueType{V128}, []ValueType{I32}}
	sigV128_I64          = signature{[]ValueType{V128}, []ValueType{I64}}
	sigV128_V128         = signature{[]ValueType{V128}, []ValueType{V128}}
)
