// Package wasmtest assembles small binary WebAssembly modules for tests.
// It writes bytes only and imports nothing of terra's, so any package's tests
// can use it.
package wasmtest

// Value types, section ids and export kinds of the binary format.
const (
	I32     = 0x7F
	I64     = 0x7E
	F32     = 0x7D
	F64     = 0x7C
	V128    = 0x7B
	FuncRef = 0x70

	SecCustom   = 0
	SecType     = 1
	SecImport   = 2
	SecFunction = 3
	SecTable    = 4
	SecMemory   = 5
	SecGlobal   = 6
	SecExport   = 7
	SecStart    = 8
	SecElement  = 9
	SecCode     = 10
	SecData     = 11

	KindFunc   = 0
	KindTable  = 1
	KindMemory = 2
	KindGlobal = 3
)

// ULEB encodes an unsigned LEB128.
func ULEB(v uint64) []byte {
	var b []byte
	for {
		c := byte(v & 0x7F)
		v >>= 7
		if v != 0 {
			b = append(b, c|0x80)
			continue
		}
		return append(b, c)
	}
}

// SLEB encodes a signed LEB128.
func SLEB(v int64) []byte {
	var b []byte
	for {
		c := byte(v & 0x7F)
		v >>= 7
		if (v == 0 && c&0x40 == 0) || (v == -1 && c&0x40 != 0) {
			return append(b, c)
		}
		b = append(b, c|0x80)
	}
}

// Cat concatenates byte slices.
func Cat(parts ...[]byte) []byte {
	var b []byte
	for _, p := range parts {
		b = append(b, p...)
	}
	return b
}

// Vec prefixes items with their count.
func Vec(items ...[]byte) []byte { return Cat(ULEB(uint64(len(items))), Cat(items...)) }

// Name encodes a name.
func Name(s string) []byte { return Cat(ULEB(uint64(len(s))), []byte(s)) }

// Section frames contents with a section id and size.
func Section(id byte, contents ...[]byte) []byte {
	c := Cat(contents...)
	return Cat([]byte{id}, ULEB(uint64(len(c))), c)
}

// Module prepends the preamble to sections.
func Module(sections ...[]byte) []byte {
	return Cat([]byte{0, 'a', 's', 'm', 1, 0, 0, 0}, Cat(sections...))
}

// FuncType encodes a function type.
func FuncType(params, results []byte) []byte {
	return Cat([]byte{0x60}, ULEB(uint64(len(params))), params, ULEB(uint64(len(results))), results)
}

// Export encodes an export entry.
func Export(name string, kind byte, index uint32) []byte {
	return Cat(Name(name), []byte{kind}, ULEB(uint64(index)))
}

// Body encodes a code entry from local declarations (nil for none) and
// instruction bytes, which must end with the end opcode.
func Body(locals []byte, code ...byte) []byte {
	if locals == nil {
		locals = []byte{0}
	}
	c := Cat(locals, code)
	return Cat(ULEB(uint64(len(c))), c)
}

// FuncNames encodes a "name" custom section naming functions 0, 1, ...
func FuncNames(names ...string) []byte {
	var entries [][]byte
	for i, n := range names {
		entries = append(entries, Cat(ULEB(uint64(i)), Name(n)))
	}
	sub := Vec(entries...)
	return Section(SecCustom, Name("name"), []byte{1}, ULEB(uint64(len(sub))), sub)
}
